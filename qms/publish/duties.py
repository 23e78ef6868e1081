"""What each person owes, on a day: every duty, with the person who holds it through a role.

Read from the repository alone: the records (actions, audits, retention), the documents in review, and
the git history of their approvals and reviews. A duty owed through a role is owed by every holder of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from qms.model import Document, DocumentSet, Person
from qms.supervise.audits import programme
from qms.supervise.duty import Duty
from qms.supervise.records import action_due, actions, disposal_day, is_overdue, kind, lacks_verification
from qms.text.retention import as_date
from qms.workspace import Workspace

if TYPE_CHECKING:
    from qms.history.model import History

# Kinds in the order a list shows them within one day.
KINDS = ("approve", "review", "acknowledge", "periodic-review", "action", "verify", "audit", "dispose")


@dataclass
class DueList:
    today: date
    horizon: date  # duties due after this day are left out
    duties: list[Duty] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # person id -> name
    role_titles: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # document id -> title


# A source of duties. A duty with no person falls on its role: every holder of the role owes it.
Collector = Callable[[Workspace, DocumentSet, date], Iterable[Duty]]


def due_list(workspace: Workspace, today: date, within_days: int, person: str | None = None,
             docs: DocumentSet | None = None) -> DueList:
    """Every duty due by `today + within_days` (overdue ones included), for one person or for everyone.
    `docs`: the documents to read (the site gives what git holds); the working tree's by default."""
    people = workspace.people
    if person is not None and person not in {p.id for p in people}:
        from qms.errors import UsageError

        raise UsageError(f"--person {person}: not the id of anyone in {workspace.config.people_file}")
    horizon = today + timedelta(days=within_days)
    holders: dict[str, list[Person]] = {}
    for someone in people:
        for role in someone.roles:
            holders.setdefault(role, []).append(someone)
    docs = docs if docs is not None else workspace.documents
    result = DueList(today, horizon, names={p.id: p.name for p in people},
                     role_titles={r.id: r.title for r in docs.roles},
                     titles={d.id: d.title for d in docs.documents if d.id})
    seen: set[tuple[str, str, str]] = set()
    for collect in COLLECTORS:
        for owed in collect(workspace, docs, today):
            if owed.due > horizon and not owed.overdue:
                continue
            owing = [p for p in (holders.get(owed.role, []) if not owed.person else people) if
                     (p.id == owed.person if owed.person else True)]
            for holder in owing:
                key = (owed.kind, owed.document, holder.id)
                if key in seen or (person is not None and holder.id != person) or not _may(holder, owed.kind,
                                                                                              owed.document, workspace):
                    continue
                seen.add(key)
                result.duties.append(replace(owed, person=holder.id))
    result.duties.sort(key=lambda d: (d.due, KINDS.index(d.kind) if d.kind in KINDS else len(KINDS), d.document,
                                      d.person))
    return result


def _may(holder: Person, duty_kind: str, document: str, workspace: Workspace) -> bool:
    """Segregation of duties: an author is never asked to review or approve their own revision."""
    if duty_kind not in ("approve", "review"):
        return True
    return holder.id not in _authors(workspace).get(document, set())


def _authors(workspace: Workspace) -> dict[str, set[str]]:
    cached: dict[str, set[str]] | None = getattr(workspace, "_due_authors", None)
    if cached is None:
        cached = {}
        history = workspace.history()
        for doc_id, record in history.documents.items():
            if record.revisions:
                cached[doc_id] = {a.person for a in record.revisions[-1].authors if a.person}
        workspace._due_authors = cached  # type: ignore[attr-defined]
    return cached


def approvals_waiting(workspace: Workspace, docs: DocumentSet, today: date) -> Iterator[Duty]:
    """Documents in review: a review by each `reviewers` role first, then an approval by each approver role."""
    history: History | None = None
    for doc in docs.documents:
        if doc.is_record or doc.status != "review" or not doc.id:
            continue
        if history is None:
            history = workspace.history()
        record = history.documents.get(doc.id)
        revision = record.revisions[-1] if record and record.revisions else None
        if revision is not None and revision.revision != doc.revision:
            revision = None  # not committed yet: nothing of it is approved
        since = _in_review_since(revision) or today
        reviewers = _roles(doc, "reviewers", revision.required_reviews if revision else None)
        reviewed = {role for r in (revision.reviews if revision else []) if r.valid for role in r.roles}
        missing_reviews = [role for role in reviewers if role not in reviewed]
        if missing_reviews:
            for role in missing_reviews:
                yield Duty("review", doc.id, "", role, since, False, f"review {doc.id} revision {doc.revision} "
                           f"before it is approved (`qms review {doc.id}`)")
            continue
        approvers = _roles(doc, "approvers", revision.required if revision else None)
        approved = {role for a in (revision.approvals if revision else []) if a.valid for role in a.roles}
        for role in approvers:
            if role not in approved:
                yield Duty("approve", doc.id, "", role, since, False,
                           f"approve {doc.id} revision {doc.revision} (`qms approve {doc.id}`)")


def _roles(doc: Document, key: str, judged: list[str] | None) -> list[str]:
    if judged:
        return list(judged)
    value = doc.data.get(key)
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _in_review_since(revision: object) -> date | None:
    for version in getattr(revision, "versions", []):
        if version.status == "review" and not version.deleted:
            return as_date(version.commit.author_date[:10])
    return None


def actions_due(workspace: Workspace, docs: DocumentSet, today: date) -> Iterator[Duty]:
    """Open corrective actions by their due date; closed ones that still need their effectiveness check."""
    for doc in actions(docs.documents):
        owner, due = str(doc.data.get("owner") or ""), action_due(doc)
        if doc.status == "open" and due is not None and doc.id:
            yield Duty("action", doc.id, "", owner, due, is_overdue(doc, today), f"finish corrective action "
                       f"{doc.id} and close its record")
        elif lacks_verification(doc) and doc.id:
            day = as_date(doc.data.get("closed")) or due or as_date(doc.data.get("date")) or today
            yield Duty("verify", doc.id, "", owner, day, True, f"check that corrective action {doc.id} was "
                       "effective, and write 'verified' and 'effectiveness'")


def audits_due(workspace: Workspace, docs: DocumentSet, today: date) -> Iterator[Duty]:
    """Each procedure's next audit, owed by whoever owns the audit records (the procedure's owner before any)."""
    audits = sorted((d for d in docs.documents if d.is_record and kind(d) == "audit"), key=lambda d: str(d.data.get("date")))
    auditor = str(audits[-1].data.get("owner") or "") if audits else ""
    for row in programme(docs.documents, workspace.committed_config.audit_months, today):
        if row.due is not None and row.procedure.id:
            last = f"last audited {row.last}" if row.last else "never audited"
            yield Duty("audit", row.procedure.id, "", auditor or str(row.procedure.data.get("owner") or ""), row.due,
                       row.overdue, f"audit {row.procedure.id} ({last})")


def disposals_due(workspace: Workspace, docs: DocumentSet, today: date) -> Iterator[Duty]:
    """Records whose retention ends: disposed of by a holder of their owner role."""
    for doc in docs.documents:
        if doc.is_record and doc.id:
            end = disposal_day(doc)
            if end is not None:
                yield Duty("dispose", doc.id, "", str(doc.data.get("owner") or ""), end, end < today,
                           f"dispose of {doc.id}: its retention ({doc.data.get('retention')}) ends "
                           f"(`qms dispose {doc.id}`)")


def periodic_reviews_due(workspace: Workspace, docs: DocumentSet, today: date) -> Iterable[Duty]:
    """Each document in force, reviewed by a holder of its owner role by its next review (as U001 counts it)."""
    from qms.supervise.reviews import review_duties

    history = _history(workspace)
    return review_duties(history, workspace.committed_config, today) if history is not None else []


def acknowledgements_due(workspace: Workspace, docs: DocumentSet, today: date) -> Iterable[Duty]:
    """Each reader who has not acknowledged a revision in force (as U004 counts it)."""
    from qms.supervise.acknowledge import acknowledge_duties, readers

    history = _history(workspace)
    if history is None:
        return []
    records = [d for d in docs.documents if d.is_record]
    return acknowledge_duties(readers(history, workspace.committed_config, records, today))


def _history(workspace: Workspace) -> History | None:
    """The git history, or None in a folder git does not manage (or before its first commit): nothing is in force."""
    from qms.git.runner import NoCommitsError, NotAGitRepositoryError

    try:
        return workspace.history()
    except (NotAGitRepositoryError, NoCommitsError):
        return None


# Every source of duties.
COLLECTORS: list[Collector] = [approvals_waiting, periodic_reviews_due, acknowledgements_due, actions_due,
                               audits_due, disposals_due]
