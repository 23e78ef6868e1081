"""What a record's page says about it: the header staff read first, and the record's history from git.

A record has no revisions: it is written, perhaps changed while open, then closed and kept until its
retention ends. Its header answers what a reader landing on it needs: which record, of what kind, when,
under which procedure, who owns it, whether it is still open, how long it is kept and when it may go.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from qms.history.model import DocumentHistory
from qms.model import Document

PERIOD = re.compile(r"([1-9][0-9]*)([dwmy])")


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


def retention_end(start: str, retention: str) -> str:
    """The day a retention period that starts on `start` (YYYY-MM-DD) ends; "" for permanent or unreadable."""
    found = PERIOD.fullmatch(retention.strip())
    try:
        day = date.fromisoformat(start)
    except ValueError:
        return ""
    if not found:
        return ""
    count, unit = int(found.group(1)), found.group(2)
    if unit in "dw":
        return date.fromordinal(day.toordinal() + count * (7 if unit == "w" else 1)).isoformat()
    months = count * (12 if unit == "y" else 1)
    year, month = divmod(day.month - 1 + months, 12)
    last_day = calendar.monthrange(day.year + year, month + 1)[1]
    return date(day.year + year, month + 1, min(day.day, last_day)).isoformat()


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
        retention_end(day, retention),
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
