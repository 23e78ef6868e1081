"""How long a record is kept: a period from its date (`3y`), a period after an event (`5y after closed`), or
`permanent`; and the day that retention ends.

The event's day is a key of the record itself (`closed: 2026-03-01`, `end-of-employment: 2027-06-30`), so
everything is read from the repository and nothing is kept anywhere else.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

PERIOD = re.compile(r"([1-9][0-9]*)([dwmy])")
RETENTION = re.compile(r"(?:(?P<count>[1-9][0-9]*)(?P<unit>[dwmy])(?:\s+after\s+(?P<event>[a-z][a-z0-9-]*))?|permanent)")

# The events a retention period may run from; each names the record key that holds its day.
EVENTS = ("closed", "end-of-employment", "end-of-contract", "expiry")


@dataclass(frozen=True)
class Retention:
    count: int
    unit: str  # d, w, m or y
    event: str | None  # None: from the record's `date`


def parse_retention(text: str) -> Retention | None:
    """`3y` or `5y after closed` as a Retention; None for `permanent`. Raises ValueError for anything else."""
    found = RETENTION.fullmatch(text.strip())
    if not found:
        raise ValueError(text)
    if found.group("count") is None:
        return None
    return Retention(int(found.group("count")), found.group("unit"), found.group("event"))


def add_period(day: date, count: int, unit: str) -> date:
    """`day` plus a period; a month end that does not exist falls on the month's last day."""
    if unit in "dw":
        return date.fromordinal(day.toordinal() + count * (7 if unit == "w" else 1))
    months = count * (12 if unit == "y" else 1)
    year, month = divmod(day.month - 1 + months, 12)
    last_day = calendar.monthrange(day.year + year, month + 1)[1]
    return date(day.year + year, month + 1, min(day.day, last_day))


def as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def retention_start(data: dict[str, Any], retention: Retention) -> date | None:
    """The day the period runs from: the record's date, or the day of its event (None: not yet happened)."""
    return as_date(data.get(retention.event or "date"))


def retention_ends(data: dict[str, Any]) -> date | None:
    """The day a record's retention ends, from its front-matter; None when it is permanent, cannot be read,
    or runs from an event that has not happened yet."""
    text = data.get("retention")
    if not isinstance(text, str):
        return None
    try:
        retention = parse_retention(text)
    except ValueError:
        return None
    if retention is None or (retention.event is not None and retention.event not in EVENTS):
        return None
    start = retention_start(data, retention)
    return add_period(start, retention.count, retention.unit) if start is not None else None
