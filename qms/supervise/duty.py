"""One duty that comes due: the shape every kind of supervision returns.

`qms due` lists these, the rules turn the overdue ones into findings, and the
site shows them; each producer (periodic reviews, acknowledgements, actions,
audits, retention) returns a list of `Duty`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Duty:
    """What is owed, by whom, about which document or record, and by when.

    kind: what sort of duty, e.g. "periodic-review", "acknowledge", "approve",
      "action", "audit", "dispose".
    document: the id of the document or record the duty is about.
    person: the person id who owes it, or "" when it falls on a role as a whole.
    role: the role through which the person owes it ("" when none applies).
    due: the last day on which it is on time.
    overdue: due is before the day the duties were judged on (the as-of day).
    detail: one line for people, e.g. "QP-03@B/0 last reviewed 2025-01-10".
    """

    kind: str
    document: str
    person: str
    role: str
    due: date
    overdue: bool
    detail: str = ""


def is_overdue(due: date, as_of: date) -> bool:
    """A duty is overdue from the day after its due date."""
    return due < as_of
