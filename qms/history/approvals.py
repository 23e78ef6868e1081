"""Judge the approvals in history: who approved which revision, in which role, and whether it counts."""


from __future__ import annotations

import re
import tempfile
from pathlib import Path

from qms.git.commits import Commit, Signature
from qms.git.log import read_signatures
from qms.history.model import Approval, DocumentHistory, History, Revision
from qms.history.roster import Roster, allowed_signers
from qms.load.config import Config

TRAILER = re.compile(r"^\s*(?P<id>[^@\s]+)@(?P<revision>\S+)\s*$")


def attach_approvals(history: History, roster: Roster) -> None:
    for commit in history.commits:
        for trailer in commit.approves:
            approver = roster.identify(commit.author_name, commit.author_email)
            match = TRAILER.match(trailer)
            if match is None:
                history.stray_approvals.append(Approval(trailer, "", commit, approver, problem=(
                    f"the trailer 'Approves: {trailer}' is not in the form ID@REVISION")))
                continue
            doc_id, revision = match["id"], match["revision"]
            doc = history.documents.get(doc_id)
            current = _revision_at(doc, commit) if doc else None
            approval = Approval(doc_id, revision, commit, approver)
            if current is None:
                approval.problem = f"{doc_id} is not a document in the history at this commit"
                history.stray_approvals.append(approval)
            elif current.revision != revision:
                approval.problem = f"{doc_id} was at revision {current.revision}, not {revision}, in this commit"
                history.stray_approvals.append(approval)
            else:
                _judge(approval, current, roster)
                current.approvals.append(approval)


def _revision_at(doc: DocumentHistory, commit: Commit) -> Revision | None:
    found = None
    for revision in doc.revisions:
        if revision.versions[0].commit.ordinal <= commit.ordinal:
            found = revision
    return found


def _judge(approval: Approval, revision: Revision, roster: Roster) -> None:
    """Decide whether an approval counts; signatures are judged later, with their own git call."""
    approver = approval.approver
    if approver.person is None:
        approval.problem = f"{approver.email} is not the email of anyone in the people roster"
        return
    person = roster.people[approver.person]
    at = revision.version_at(approval.commit.ordinal)
    approvers = [r for r in (at.get("approvers") or []) if isinstance(r, str)]
    approval.roles = [r for r in approvers if r in person.roles]
    if not approval.roles:
        approval.problem = (f"{person.name} holds none of the approver roles of {revision.document} "
                            f"({', '.join(approvers) or 'none listed'})")
        return
    authors_so_far = _authors_until(revision, approval.commit.ordinal)
    if approver.person in authors_so_far:
        approval.problem = f"{person.name} authored this content and cannot approve it (segregation of duties)"
        return
    changed_after = next((v for v in revision.versions
                          if v.commit.ordinal > approval.commit.ordinal and v.content != at.content), None)
    if changed_after is not None:
        approval.problem = (f"the content changed after this approval, in commit {changed_after.commit.short}, "
                            "so the approval no longer covers it")


def judge_signatures(config: Config, history: History, roster: Roster) -> None:
    approvals = [a for d in history.documents.values() for r in d.revisions for a in r.approvals]
    if not approvals:
        return
    with tempfile.TemporaryDirectory(prefix="qms-signers-") as folder:
        signers = Path(folder) / "allowed_signers"
        signers.write_text(allowed_signers(roster.people.values()), encoding="utf-8")
        signatures = read_signatures(config.root, (a.commit.sha for a in approvals), signers)
    for approval in approvals:
        signature = signatures.get(approval.commit.sha)
        signed_by = _signer(signature, roster) if signature and signature.verified else None
        if signature is None or signature.status == "N":
            approval.signature = "none"
        elif signed_by is not None and signed_by == approval.approver.person:
            approval.signature = "verified"
        else:
            approval.signature = "unverified"
        if config.require_signature and approval.valid and approval.signature != "verified":
            approval.problem = (
                "the approval is not signed, and qms.yml requires signed approvals"
                if approval.signature == "none"
                else f"the signature is not one git can verify with a key registered for "
                f"{approval.approver.label()} in the people roster"
            )


def _signer(signature: Signature, roster: Roster) -> str | None:
    """The person a verified signature belongs to, or None when the key is not registered for them.

    SSH: git checked the key against the allowed-signers file built from the roster, and
    gives the principal (an email). GPG: git gives "Name <email>" and the key's fingerprint,
    which must be one registered in the roster's signing_keys.
    """
    text = signature.signer
    email = text[text.find("<") + 1 : text.rfind(">")] if "<" in text else text
    person = roster.by_email.get(email.strip().lower())
    if person is None:
        return None
    if signature.key.startswith("SHA256:"):
        return person.id
    registered = {k.replace(" ", "").upper() for k in person.signing_keys if not k.startswith(("ssh-", "ecdsa-", "sk-"))}
    fingerprint = signature.key.replace(" ", "").upper()
    return person.id if any(fingerprint.endswith(k) or k.endswith(fingerprint) for k in registered if k) else None


def _authors_until(revision: Revision, ordinal: int) -> set[str]:
    """Person ids (or emails, for people not in the roster) who wrote the revision up to `ordinal`."""
    return {v.author.person or v.author.email.lower()
            for v in revision.versions if v.author is not None and v.commit.ordinal <= ordinal}
