"""The audit trail: every act of control in history as one row, in date order."""


from __future__ import annotations

from dataclasses import dataclass

from qms.history.model import History

TRAIL_COLUMNS = ["date", "document", "revision", "event", "status", "person", "name", "email", "roles",
                 "commit", "valid", "detail"]


@dataclass
class TrailRow:
    date: str
    document: str
    revision: str
    event: str  # created, changed, status, deleted, review, approval
    status: str
    person: str
    name: str
    email: str
    roles: str
    commit: str
    valid: str
    detail: str
    order: int = 0  # the commit's place in history, for sorting only


def audit_trail(history: History, roster_identify, start: str | None, end: str | None) -> list[TrailRow]:
    """One row per change and per approval, dated by the commit's author date, within [start, end]."""
    rows: list[TrailRow] = []

    def within(day: str) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    for doc in history.documents.values():
        previous = None
        for version in doc.versions:
            day = version.commit.author_date[:10]
            if within(day):
                who = roster_identify(version.commit.author_name, version.commit.author_email)
                if version.deleted:
                    event = "deleted"
                elif previous is None:
                    event = "created"
                elif version.content != previous.content:
                    event = "changed"
                else:
                    event = "status"
                rows.append(TrailRow(day, doc.id, version.revision or "", event, version.status or "",
                                     who.person or "", who.name, who.email, "", version.commit.sha, "",
                                     str(version.get("change") or "") if event in ("created", "changed") else "",
                                     version.commit.ordinal))
            previous = version
        for revision in doc.revisions:
            for approval in (*revision.reviews, *revision.approvals, *revision.periodic_reviews,
                             *revision.acknowledgements):
                if within(approval.date):
                    who = approval.approver
                    rows.append(TrailRow(approval.date, doc.id, revision.revision, approval.act, "",
                                         who.person or "", who.name, who.email, " ".join(approval.roles),
                                         approval.commit.sha, "yes" if approval.valid else "no",
                                         approval.problem or f"signature: {approval.signature}",
                                         approval.commit.ordinal))
    rows.sort(key=lambda r: (r.date, r.order, r.document, r.event))
    return rows
