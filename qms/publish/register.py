"""The rows of the master document register and the records register, as the site shows them."""


from __future__ import annotations

from datetime import date

from qms.publish import pages as publish
from qms.publish.snapshot import snapshot
from qms.workspace import Workspace

# `upcoming`: an approved later revision and the day it takes over, beside the revision in force;
# `review_overdue`: "yes" once the next review's day has passed (a column of its own, so next_review stays a date).
DOCUMENT_COLUMNS = ("id", "title", "type", "revision", "status", "effective", "owner", "next_review", "path",
                    "upcoming", "review_overdue")


RECORD_COLUMNS = ("id", "kind", "title", "procedure", "date", "owner", "status", "retention", "path")


def register(workspace: Workspace, records: bool = False, audit: bool = False,
             as_of: date | None = None) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    """The columns and rows of the published register on `as_of` (default today), from what git holds; owners
    are shown by role title, as on the site."""
    config = workspace.config
    snap = snapshot(workspace, as_of)
    docs = snap.docs
    role_titles = {r.id: r.title for r in docs.roles}
    if records:
        rows = [{"id": r.id, "kind": r.kind, "title": r.title, "procedure": r.procedure, "date": r.date,
                 "owner": r.owner, "status": r.status, "retention": r.retention, "path": r.path}
                for r in publish.record_rows(docs, role_titles, audit)]
        return RECORD_COLUMNS, rows
    rows = []
    for doc in publish.register_rows(docs, audit):
        entry = snap.entries[doc.path]
        h = publish.header(doc, config.review_months, role_titles, snap.as_of,
                           publish.review_schedule(doc, entry.revision, workspace.committed_config, snap.as_of))
        upcoming = entry.upcoming
        rows.append({"id": h.id, "title": h.title, "type": doc.type or "", "revision": h.revision, "status": h.status,
                     "effective": h.effective, "owner": h.owner, "next_review": h.next_review, "path": doc.path,
                     "upcoming": f"{upcoming.revision} from {upcoming.effective}" if upcoming else "",
                     "review_overdue": "yes" if h.review_overdue else ""})
    return DOCUMENT_COLUMNS, rows
