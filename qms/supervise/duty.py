"""One thing a person owes: the common shape of every duty `qms due` lists and the site's due page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Duty:
    kind: str  # approval, review, acknowledgement, periodic-review, action, verification, audit, disposal
    document: str  # the id of the document or record it is about
    person: str  # the person's id in the roster
    role: str  # the role through which they owe it
    due: date  # the day it falls due (for an approval: the day it started waiting)
    overdue: bool
    detail: str  # one line saying what to do
