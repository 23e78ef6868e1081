"""What a record's page says about it: the header staff read first, and the record's history from git.

A record has no revisions: it is written, perhaps changed while open, then closed and kept until its
retention ends. Its header answers what a reader landing on it needs: which record, of what kind, when,
under which procedure, who owns it, whether it is still open, how long it is kept and when it may go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qms.history.model import DocumentHistory
from qms.model import Document
from qms.text.retention import retention_ends


@dataclass
class RecordHeader:
    id: str
    title: str
    kind: str  # the kind's title, in the site's language
    date: str
    procedure: str
    procedure_path: str | None  # set when the procedure is published
    owner: str
    status: str  # in the site's language
    retention: str
    dispose_after: str  # the day the retention ends, "" when it cannot be worked out


@dataclass
class RecordEvent:
    date: str
    author: str
    status: str
    commit: str


def kind_title(kind: str, t: dict[str, str]) -> str:
    """`corrective-action` -> "Corrective action" (or its translation)."""
    return t.get(f"kind_{kind}") or kind.replace("-", " ").replace("_", " ").capitalize()


def status_word(status: str, t: dict[str, str]) -> str:
    """A lifecycle status in the site's language; an unknown value as it stands."""
    return t.get(f"status_{status}", status)


def retention_end(start: str, retention: str, data: dict[str, Any] | None = None) -> str:
    """The day a retention that runs from `start` (YYYY-MM-DD), or from the event it names (`5y after closed`,
    its day read from `data`), ends; "" for permanent, unreadable, or an event that has not happened yet."""
    end = retention_ends({**(data or {}), "date": start, "retention": retention})
    return end.isoformat() if end is not None else ""


def record_header(doc: Document, role_titles: dict[str, str], t: dict[str, str],
                  procedure_path: str | None) -> RecordHeader:
    data = doc.data
    owner = str(data.get("owner") or "")
    retention = str(data.get("retention") or "")
    day = str(data.get("date") or "")
    return RecordHeader(
        doc.id or "", doc.title, kind_title(str(data.get("kind") or ""), t), day,
        str(data.get("procedure") or ""), procedure_path, role_titles.get(owner, owner),
        status_word(doc.status or "", t), t.get("permanent", "permanent") if retention == "permanent" else retention,
        retention_end(day, retention, data),
    )


def record_events(history: DocumentHistory | None, t: dict[str, str]) -> list[RecordEvent]:
    """Each commit that changed the record, oldest first: when, by whom, and the status it left."""
    if history is None:
        return []
    events = []
    for version in history.versions:
        if version.deleted or version.seed:
            continue
        commit = version.commit
        events.append(RecordEvent(commit.author_date[:10], commit.author_name, status_word(version.status or "", t),
                                  commit.short))
    return events
