"""Judge the approvals in history: who approved which revision, in which role, and whether it counts."""


from __future__ import annotations

import re
import tempfile
from pathlib import Path

from qms.git.commits import Commit
from qms.git.log import read_signatures
from qms.history.landing import as_merged, merge_ordinals
from qms.history.model import Approval, DocumentHistory, History, Identity, Revision, Roster, Version
from qms.history.roster import allowed_signers, signer_of
from qms.load.config import Config

TRAILER = re.compile(r"^\s*(?P<id>[^@\s]+)@(?P<revision>\S+)\s*$")


# The acts of control judged here: trailer key, the meaning recorded, the front-matter key naming the roles.
APPROVES = ("Approves", "approved", "approvers")
REVIEWS = ("Reviews", "reviewed", "reviewers")


def attach_approvals(history: History) -> None:
    """Judge each `Approves:` and `Reviews:` trailer against the roster and settings in force before its
    commit. Reviews and approvals follow the same rules of identity, segregation and signature."""
    assert history.controls is not None
    ordinals = merge_ordinals(history)
    for commit in history.commits:
        if not (commit.approves or commit.reviews):
            continue
        controls = history.controls.before(commit.ordinal)
        approver = controls.roster.identify(commit.author_name, commit.author_email)
        for act, trailers in ((REVIEWS, commit.reviews), (APPROVES, commit.approves)):
            for trailer in trailers:
                _attach(history, commit, approver, controls.roster, act, trailer, ordinals)
    for doc in history.documents.values():
        for revision in doc.revisions:
            revision.required = required_approvers(doc, revision, revision.last.commit.ordinal)
            revision.required_reviews = required_approvers(doc, revision, revision.last.commit.ordinal, "reviewers")


def _attach(history: History, commit: Commit, approver: Identity, roster: Roster, act: tuple[str, str, str],
            trailer: str, ordinals: dict[str, int]) -> None:
    key, meaning, roles_key = act
    match = TRAILER.match(trailer)
    if match is None:
        history.stray_approvals.append(Approval(trailer, "", commit, approver, meaning=meaning, problem=(
            f"the trailer '{key}: {trailer}' is not in the form ID@REVISION")))
        return
    doc_id, revision = match["id"], match["revision"]
    if doc_id in history.control_files:
        return  # an approval of a change to the rules of approval: qms.history.controls judges it
    doc = history.documents.get(doc_id)
    current = _revision_at(doc, commit) if doc else None
    approval = Approval(doc_id, revision, commit, approver, meaning=meaning)
    if current is None:
        approval.problem = f"{doc_id} is not a document in the history at this commit"
        history.stray_approvals.append(approval)
    elif current.revision != revision:
        approval.problem = f"{doc_id} was at revision {current.revision}, not {revision}, in this commit"
        history.stray_approvals.append(approval)
    else:
        assert doc is not None
        _judge(approval, current, doc, roster, roles_key, ordinals)
        (current.reviews if meaning == "reviewed" else current.approvals).append(approval)


def attach_supervision(history: History) -> None:
    """Judge each `Periodic-review:` and `Acknowledges:` trailer.

    A periodic review confirms the revision in force unchanged: it is judged as an approval is (the person's
    own identity, a role, not an author of the revision, a signature where required), with the owner role
    beside the approver roles. An acknowledgement says that its author read an approved revision: it needs
    only a person of the roster and a revision that exists and was approved at that commit."""
    assert history.controls is not None
    for commit in history.commits:
        if not (commit.periodic_reviews or commit.acknowledges):
            continue
        roster = history.controls.before(commit.ordinal).roster
        person = roster.identify(commit.author_name, commit.author_email)
        for meaning, trailers in (("periodic-reviewed", commit.periodic_reviews), ("acknowledged", commit.acknowledges)):
            for trailer in trailers:
                act = _supervision_act(history, commit, person, roster, meaning, trailer)
                if act is not None:
                    history.stray_acts.append(act)


def _supervision_act(history: History, commit: Commit, person: Identity, roster: Roster, meaning: str,
                     trailer: str) -> Approval | None:
    """Attach the act to its revision, or return it with the problem that makes it stray."""
    key = "Periodic-review" if meaning == "periodic-reviewed" else "Acknowledges"
    match = TRAILER.match(trailer)
    if match is None:
        return Approval(trailer, "", commit, person, meaning=meaning,
                        problem=f"the trailer '{key}: {trailer}' is not in the form ID@REVISION")
    doc_id, named = match["id"], match["revision"]
    act = Approval(doc_id, named, commit, person, meaning=meaning)
    doc = history.documents.get(doc_id)
    if doc is None:
        act.problem = f"{doc_id} is not a document in the history"
        return act
    revision = next((r for r in doc.revisions if r.revision == named), None)
    approved = revision.became_effective() if revision is not None else None
    if revision is None or revision.versions[0].commit.ordinal > commit.ordinal:
        act.problem = f"{doc_id} has no revision {named} at this commit"
        return act
    if approved is None or approved.commit.ordinal > commit.ordinal:
        act.problem = f"revision {named} of {doc_id} was not approved at this commit"
        return act
    if person.person is None:
        act.problem = f"{person.email} is not the email of anyone in the people roster"
    elif meaning == "periodic-reviewed":
        in_force = in_force_at(doc, commit.ordinal)
        if in_force is not revision:
            act.problem = (f"{doc_id} revision {named} was not in force at this commit"
                           + (f" ({in_force.revision} was)" if in_force is not None else ""))
        else:
            _judge_periodic(act, revision, roster)
    (revision.periodic_reviews if meaning == "periodic-reviewed" else revision.acknowledgements).append(act)
    return None


def in_force_at(doc: DocumentHistory, ordinal: int) -> Revision | None:
    """The last revision approved at or before commit `ordinal`, while the document was not withdrawn."""
    found = None
    for revision in doc.revisions:
        became = revision.became_effective()
        if became is not None and became.commit.ordinal <= ordinal:
            found = revision
    at = next((v for v in reversed(doc.versions) if v.commit.ordinal <= ordinal), None)
    return None if at is None or at.deleted or at.status == "obsolete" else found


def _judge_periodic(act: Approval, revision: Revision, roster: Roster) -> None:
    """Who may confirm a revision unchanged: a holder of its owner role or of an approver role, not an author."""
    person = roster.people[act.approver.person or ""]
    at = revision.version_at(act.commit.ordinal)
    owner = at.get("owner")
    allowed = [*([owner] if isinstance(owner, str) else []),
               *(r for r in _roles(at.get("approvers")) if r != owner)]
    act.roles = [r for r in allowed if r in person.roles]
    if not act.roles:
        act.problem = (f"{person.name} holds neither the owner role nor an approver role of {revision.document} "
                       f"({', '.join(allowed) or 'none listed'})")
    elif act.approver.person in _authors_until(revision, act.commit.ordinal, roster):
        act.problem = (f"{person.name} authored revision {revision.revision} and cannot confirm it in a periodic "
                       "review (segregation of duties)")


def require_reviews(history: History) -> None:
    """An approval counts only after a valid review by a holder of each reviewer role the revision names.

    Run once signatures are judged, since a review whose signature does not count is no review."""
    for doc in history.documents.values():
        for revision in doc.revisions:
            for approval in revision.approvals:
                if not approval.valid:
                    continue
                needed = required_approvers(doc, revision, approval.commit.ordinal, "reviewers")
                if not needed:
                    continue
                reviewed = {role for review in revision.reviews if review.valid
                            and review.commit.ordinal < approval.commit.ordinal for role in review.roles}
                missing = [role for role in needed if role not in reviewed]
                if missing:
                    approval.problem = (f"it was made before a review by a holder of {', '.join(missing)}, which "
                                        f"revision {revision.revision} needs first")


def _revision_at(doc: DocumentHistory, commit: Commit) -> Revision | None:
    found = None
    for revision in doc.revisions:
        if revision.versions[0].commit.ordinal <= commit.ordinal:
            found = revision
    return found


def required_approvers(doc: DocumentHistory, revision: Revision, ordinal: int, key: str = "approvers") -> list[str]:
    """The approver (or, with key "reviewers", reviewer) roles a revision needs at commit `ordinal`: those it
    names, and those of the revision in force before it, so that an author cannot swap them for friendlier
    ones in the same revision."""
    own = [r for r in _roles(revision.version_at(ordinal).get(key))]
    index = doc.revisions.index(revision)
    earlier = next((r for r in reversed(doc.revisions[:index]) if r.became_effective() is not None), None)
    before = _roles(earlier.last.get(key)) if earlier else []
    return [*own, *(r for r in before if r not in own)]


def _roles(value: object) -> list[str]:
    return [r for r in value if isinstance(r, str)] if isinstance(value, list) else []


def _judge(approval: Approval, revision: Revision, doc: DocumentHistory, roster: Roster,
           key: str = "approvers", ordinals: dict[str, int] | None = None) -> None:
    """Decide whether an approval (or a review) counts; signatures are judged later, with their own git call."""
    approver = approval.approver
    if approver.person is None:
        approval.problem = f"{approver.email} is not the email of anyone in the people roster"
        return
    person = roster.people[approver.person]
    at = revision.version_at(approval.commit.ordinal)
    approvers = required_approvers(doc, revision, approval.commit.ordinal, key)
    approval.roles = [r for r in approvers if r in person.roles]
    if not approval.roles:
        approval.problem = (f"{person.name} holds none of the {key[:-1]} roles of {revision.document} "
                            f"({', '.join(approvers) or 'none listed'})")
        return
    if approver.person in _authors_until(revision, approval.commit.ordinal, roster):
        approval.problem = f"{person.name} authored this content and cannot approve it (segregation of duties)"
        return
    changed_after = next((v for v in revision.versions
                          if v.commit.ordinal > approval.commit.ordinal and v.content != at.content
                          and _lands_as_this_revision(v, at.content, doc, ordinals or {})), None)
    if changed_after is not None:
        approval.problem = (f"the content changed after this {approval.act}, in commit {changed_after.commit.short}, "
                            f"so the {approval.act} no longer covers it")


def _lands_as_this_revision(version: Version, approved: str, doc: DocumentHistory, ordinals: dict[str, int]) -> bool:
    """Whether a change made in `version` reached the main line as a change of that revision's content."""
    landed = as_merged(doc, version, ordinals)
    return landed is None or landed.deleted or (landed.revision == version.revision and landed.content != approved)


def judge_signatures(config: Config, history: History) -> None:
    """Verify the signature of every approval commit, each against the keys registered for its approver in
    the roster in force before it; where the settings then in force require signatures, refuse the rest."""
    assert history.controls is not None
    timeline = history.controls
    approvals = [a for d in history.documents.values() for r in d.revisions
                 for a in (*r.reviews, *r.approvals, *r.periodic_reviews)]
    if not approvals:
        return
    everyone = {id(p): p for c in timeline.controls for p in c.roster.people.values()}
    with tempfile.TemporaryDirectory(prefix="qms-signers-") as folder:
        signers = Path(folder) / "allowed_signers"
        signers.write_text(allowed_signers(everyone.values()), encoding="utf-8")
        signatures = read_signatures(config.root, (a.commit.sha for a in approvals), signers)
    for approval in approvals:
        controls = timeline.before(approval.commit.ordinal)
        signature = signatures.get(approval.commit.sha)
        signed_by = signer_of(signature, controls.roster) if signature and signature.verified else None
        if signature is None or signature.status == "N":
            approval.signature = "none"
        elif signed_by is not None and signed_by == approval.approver.person:
            approval.signature = "verified"
        else:
            approval.signature = "unverified"
        if controls.require_signature and approval.valid and approval.signature != "verified":
            approval.problem = (
                f"the {approval.act} is not signed, and qms.yml requires signed approvals"
                if approval.signature == "none"
                else f"the signature is not one git can verify with a key registered for "
                f"{approval.approver.label()} in the people roster"
            )


def _authors_until(revision: Revision, ordinal: int, roster: Roster) -> set[str]:
    """The people (by the roster in force at the approval) who wrote the revision up to `ordinal`; an address
    that roster does not know stands for itself."""
    people = set()
    for who in revision.text_authors:  # they wrote the text before it was adopted, so before any approval
        found = roster.by_email.get(who.email.lower())
        people.add(found.id if found is not None else who.email.lower())
    for version in revision.versions:
        if version.author is not None and version.commit.ordinal <= ordinal:
            found = roster.by_email.get(version.author.email.lower())
            people.add(found.id if found is not None else version.author.email.lower())
    return people
