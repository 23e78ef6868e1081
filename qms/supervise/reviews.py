"""Periodic review: when each document in force is next due for review, read from git alone.

The next review is the later of the effective date of the revision in force and
its last valid periodic review (`Periodic-review: ID@REV`), plus the interval.
The interval is the document's own `review_months`, else the months of its
`risk` category (`review: categories:` in qms.yml), else those of its type
(`review: types:`), else `review_months` of qms.yml. Everything is judged as it
stood on a day (`--as-of`): commits after that day did not yet exist.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from qms.history.model import Approval, DocumentHistory, History, Revision
from qms.load.config import Config
from qms.supervise.duty import Duty, is_overdue


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it has no such day (31 January + 1 month)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def interval_months(get: Callable[[str], Any], config: Config) -> int:
    """Months between reviews of a document whose front-matter key `k` is `get(k)`."""
    own = get("review_months")
    if isinstance(own, int) and not isinstance(own, bool) and own > 0:
        return own
    risk = get("risk")
    if isinstance(risk, str) and risk in config.review_categories:
        return config.review_categories[risk]
    doc_type = get("type")
    if isinstance(doc_type, str) and doc_type in config.review_types:
        return config.review_types[doc_type]
    return config.review_months


def parse_day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def commit_day(act: Approval) -> date | None:
    return parse_day(act.date)


def last_review(revision: Revision, as_of: date) -> Approval | None:
    """The latest valid periodic review of `revision` made on or before `as_of`."""
    found = None
    for act in revision.periodic_reviews:
        day = commit_day(act)
        if act.valid and day is not None and day <= as_of:
            found = act
    return found


def in_force_on(doc: DocumentHistory, as_of: date) -> Revision | None:
    """The revision in force on `as_of`: approved by a commit of that day or before, with its effective date come,
    and the document not withdrawn or deleted by then."""
    found = None
    for revision in doc.revisions:
        became = revision.became_effective()
        starts = parse_day(revision.effective)
        approved_on = parse_day(became.commit.author_date[:10]) if became is not None else None
        if approved_on is not None and approved_on <= as_of and (starts is None or starts <= as_of):
            found = revision
    last = next((v for v in reversed(doc.versions) if (parse_day(v.commit.author_date[:10]) or as_of) <= as_of), None)
    if last is None or last.deleted or last.status == "obsolete":
        return None
    return found


@dataclass(frozen=True)
class ReviewDue:
    """When a document in force is next reviewed, and from what."""

    document: str
    path: str
    revision: Revision
    months: int
    effective: date | None
    last_review: Approval | None
    next_review: date | None

    @property
    def since(self) -> date | None:
        """The later of the effective date and the last review: where the interval starts."""
        reviewed = commit_day(self.last_review) if self.last_review is not None else None
        days = [d for d in (self.effective, reviewed) if d is not None]
        return max(days) if days else None


def review_due(doc: DocumentHistory, revision: Revision, config: Config, as_of: date) -> ReviewDue:
    at = revision.last
    months = interval_months(at.get, config)
    effective = parse_day(revision.effective)
    last = last_review(revision, as_of)
    due = ReviewDue(doc.id, at.path, revision, months, effective, last, None)
    since = due.since
    return ReviewDue(doc.id, at.path, revision, months, effective, last,
                     add_months(since, months) if since is not None else None)


def reviews_due(history: History, config: Config, as_of: date) -> list[ReviewDue]:
    """Every controlled document in force on `as_of` (records are not reviewed), by id."""
    found = []
    for doc in sorted(history.documents.values(), key=lambda d: d.id):
        revision = in_force_on(doc, as_of)
        if revision is None or revision.last.get("type") == "record":
            continue
        found.append(review_due(doc, revision, config, as_of))
    return found


def review_duties(history: History, config: Config, as_of: date) -> list[Duty]:
    """One duty per document in force: its owner role reviews it by the next review date."""
    duties = []
    for due in reviews_due(history, config, as_of):
        if due.next_review is None:
            continue
        owner = due.revision.last.get("owner")
        last = (f"last reviewed {commit_day(due.last_review)}" if due.last_review is not None
                else f"effective {due.effective}")
        duties.append(Duty("periodic-review", due.document, "", owner if isinstance(owner, str) else "",
                           due.next_review, is_overdue(due.next_review, as_of),
                           f"{due.document}@{due.revision.revision} {last}, every {due.months} months"))
    return duties
