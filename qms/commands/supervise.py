"""`qms periodic-review` and `qms ack`: an empty commit by the person, carrying one trailer per document.

`Periodic-review: ID@REV` confirms the revision in force unchanged after its
periodic review; only a holder of its owner role or of an approver role who did
not write it may make it, as for an approval. `Acknowledges: ID@REV` says the
person read and understood the latest approved revision. Nothing else changes:
history reads these trailers (qms.history.approvals) and judges them again.
"""

from __future__ import annotations

from dataclasses import dataclass

from qms.commands.approve import APPROVE_LOCK, Act, ApprovalRefusedError, _commit, _documents, _signer
from qms.git.lock import repository_lock
from qms.history.approvals import in_force_at
from qms.history.model import DocumentHistory, History, Revision
from qms.model import Document, Person
from qms.workspace import Workspace

PERIODIC_REVIEW = Act("periodic-review", "periodic review", "reviewed", "Periodic-review", "approvers")
ACKNOWLEDGE = Act("ack", "acknowledgement", "acknowledged", "Acknowledges", "distribution")


@dataclass
class Acted:
    id: str
    revision: str
    roles: list[str]


@dataclass
class ActResult:
    commit: str
    person: str
    documents: list[Acted]


def periodic_review(workspace: Workspace, ids: list[str], sign: bool = False) -> ActResult:
    """Record that the git user reviewed `ids` and confirms the revisions in force unchanged."""
    with repository_lock(workspace.config.root, APPROVE_LOCK):
        signs, who, person, _ = _signer(workspace, sign)
        history = workspace.history()
        done = [_reviewable(doc, _record(history, doc), person) for doc in _documents(workspace, ids)]
        sha = _commit(workspace.root, _message("Periodic review of", done, PERIODIC_REVIEW,
                                               "Reviewed and confirmed unchanged: still suitable, adequate and "
                                               "effective."), [], signs, PERIODIC_REVIEW, ids)
        return ActResult(sha, who.label(), done)


def acknowledge(workspace: Workspace, ids: list[str], sign: bool = False) -> ActResult:
    """Record that the git user read and understood the latest approved revision of each of `ids`."""
    with repository_lock(workspace.config.root, APPROVE_LOCK):
        signs, who, person, _ = _signer(workspace, sign)
        history = workspace.history()
        done = []
        for doc in _documents(workspace, ids):
            revision = _latest_approved(_record(history, doc))
            if revision is None:
                raise ApprovalRefusedError(f"{doc.id} has no approved revision yet: there is nothing to acknowledge")
            roles = [r for r in revision.last.get("distribution") or [] if isinstance(r, str) and r in person.roles]
            done.append(Acted(doc.id or "", revision.revision, roles))
        sha = _commit(workspace.root, _message("Acknowledge", done, ACKNOWLEDGE, "Read and understood."),
                      [], signs, ACKNOWLEDGE, ids)
        return ActResult(sha, who.label(), done)


def _record(history: History, doc: Document) -> DocumentHistory:
    record = history.documents.get(doc.id or "")
    if record is None or not record.revisions:
        raise ApprovalRefusedError(f"{doc.id} ({doc.path}) is not committed yet: commit and approve it first")
    return record


def _latest_approved(record: DocumentHistory) -> Revision | None:
    return next((r for r in reversed(record.revisions) if r.became_effective() is not None), None)


def _reviewable(doc: Document, record: DocumentHistory, person: Person) -> Acted:
    """The revision in force, if this person may confirm it; otherwise a refusal that says who may."""
    revision = in_force_at(record, record.versions[-1].commit.ordinal)
    if revision is None:
        raise ApprovalRefusedError(f"{doc.id} has no revision in force; a periodic review confirms the revision in "
                                   "force")
    last = revision.last
    owner = last.get("owner")
    allowed = [*([owner] if isinstance(owner, str) else []),
               *(r for r in last.get("approvers") or [] if isinstance(r, str) and r != owner)]
    held = [r for r in allowed if r in person.roles]
    if not held:
        raise ApprovalRefusedError(f"{person.name} holds neither the owner role nor an approver role of {doc.id} "
                                   f"({', '.join(allowed)}): a holder of one of them makes its periodic review")
    if any(a.person == person.id for a in revision.authors):
        raise ApprovalRefusedError(f"{person.name} authored revision {revision.revision} of {doc.id} and cannot "
                                   "confirm it in a periodic review (segregation of duties)")
    return Acted(doc.id or "", revision.revision, held)


def _message(verb: str, done: list[Acted], act: Act, body: str) -> str:
    names = ", ".join(f"{a.id} revision {a.revision}" for a in done)
    trailers = "\n".join(f"{act.trailer}: {a.id}@{a.revision}" for a in done)
    return f"{verb} {names}\n\n{body}\n\n{trailers}\n"
