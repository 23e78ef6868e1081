"""The monthly accountability roll-up: points charged for nonconformities and errors, and up the reporting line.

A nonconformity (or another kind qms.yml lists under `scorecard: kinds:`) names the person `responsible` and the
`points`. That person is charged the points times the first weight, their superior times the second, and so on
(`scorecard: weights:`; by default 1, 0.5, 0.25, ... halving to the top). The superior is read from the roles
registry (`reports_to`) and the roster: the one person who holds the one role the person's roles report to. Where
that is not one person, the roll-up stops there and says so (M007): it never guesses.

This is personal performance data: it is computed only when `qms scorecard` asks, and nothing in the site, the
export or the search index calls this module.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qms.model import ERROR, Document, Finding, Person, Role
from qms.publish.periods import Period

DEFAULT_KINDS = ("nonconformity",)
# The front-matter keys that make a record personal performance data: never in a published output.
PERSONAL_KEYS = ("responsible", "points")
_PERSONAL_LINE = re.compile(r"^(?:" + "|".join(PERSONAL_KEYS) + r")[ \t]*:.*(?:\n|$)", re.M)


def without_personal_keys(front: str) -> str:
    """The front-matter text without the top-level lines that charge a person points (one-line scalars)."""
    return _PERSONAL_LINE.sub("", front).rstrip("\n")


@dataclass(frozen=True)
class Charge:
    person: str
    points: float
    level: int  # 0 for the person responsible, 1 for their superior, ...
    record: str
    section: str


@dataclass
class Scorecard:
    period: Period
    charges: list[Charge] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def per_person(self) -> list[tuple[str, float, int]]:
        """(person, points, records) by points, most first."""
        points: dict[str, float] = defaultdict(float)
        records: dict[str, set[str]] = defaultdict(set)
        for charge in self.charges:
            points[charge.person] += charge.points
            records[charge.person].add(charge.record)
        return sorted(((p, round(v, 6), len(records[p])) for p, v in points.items()), key=lambda r: (-r[1], r[0]))

    def per_section(self) -> list[tuple[str, float]]:
        points: dict[str, float] = defaultdict(float)
        for charge in self.charges:
            if charge.level == 0:
                points[charge.section] += charge.points
        return sorted(((s, round(v, 6)) for s, v in points.items()), key=lambda r: (-r[1], r[0]))


def weights_from(settings: dict[str, Any] | None) -> list[float] | None:
    """qms.yml's weights, or None for the default: 1, 0.5, 0.25, ... to the top of the line."""
    weights = (settings or {}).get("weights")
    return [float(w) for w in weights] if weights else None


def superior(person: Person, roles: dict[str, Role], holders: dict[str, list[Person]]) -> tuple[Person | None, str | None]:
    """The one person above, or None at the top; or the reason there is not one (two lines, a shared role)."""
    above = sorted({str(roles[r].reports_to) for r in person.roles if r in roles and roles[r].reports_to})
    above = [r for r in above if r not in person.roles]  # a role reporting to another the same person holds
    if not above:
        return None, None
    if len(above) > 1:
        return None, f"{person.id}'s roles report to {len(above)} roles ({', '.join(above)}): two lines"
    people = [p for p in holders.get(above[0], []) if p.id != person.id]
    if len(people) > 1:
        return None, (f"{person.id}'s superior role {above[0]} is held by {len(people)} people "
                      f"({', '.join(p.id for p in people)})")
    if not people:
        return None, None
    return people[0], None


def scorecard(records: Iterable[Document], people: list[Person], roles: list[Role], period: Period,
              settings: dict[str, Any] | None) -> Scorecard:
    settings = settings or {}
    kinds = tuple(settings.get("kinds") or DEFAULT_KINDS)
    weights = weights_from(settings)
    by_id = {p.id: p for p in people}
    role_index = {r.id: r for r in roles}
    holders: dict[str, list[Person]] = defaultdict(list)
    for holder in people:
        for role in holder.roles:
            holders[role].append(holder)
    card = Scorecard(period)
    reported: set[tuple[str, str]] = set()
    for record in records:
        if record.data.get("kind") not in kinds or "responsible" not in record.data:
            continue
        day = _day(record.data.get("date"))
        if day is None or not period.contains(day):
            continue
        points = record.data.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)):
            continue  # the schema (S001) reports points that are not a number
        who = record.data.get("responsible")
        person: Person | None = by_id.get(str(who))
        rid = record.id or record.path
        if person is None:
            card.findings.append(Finding(record.path, record.line_of(("responsible",)), "M006", ERROR,
                                         f"{rid} charges {points} points to '{who}', who is not in the roster",
                                         "name a person id from the people roster under responsible:"))
            continue
        section = str(record.data.get("section") or (person.roles[0] if person.roles else ""))
        level = 0
        seen = set()
        while person is not None and person.id not in seen:
            seen.add(person.id)
            weight = (weights[level] if level < len(weights) else 0.0) if weights is not None else 0.5 ** level
            if weight:
                card.charges.append(Charge(person.id, float(points) * weight, level, rid, section))
            above, problem = superior(person, role_index, holders)
            if problem and (rid, person.id) not in reported:
                reported.add((rid, person.id))
                card.findings.append(Finding(record.path, record.line_of(("responsible",)), "M007", ERROR,
                                             f"{rid}: the line stops at {person.id}: {problem}",
                                             "give each person one superior: one role above, held by one person"))
            person = above
            level += 1
    return card


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None
