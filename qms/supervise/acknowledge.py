"""Read and understood: who owes an acknowledgement of which revision in force, and by when.

Each revision in force with a `distribution` is acknowledged by every holder of
those roles within `acknowledge_days` (qms.yml) of the later of its effective
date and the day the person came to hold the role. An acknowledgement is a
valid `Acknowledges: ID@REV` commit by the person, or a training record that
lists the person among its `attendees` and the revision in `trained_on`. Both
count only from their day on (`--as-of`). Roles are read from the roster in
force on the day, as git history holds it, so a person who joins a role later
owes the revisions then in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from qms.history.model import History, Revision, Roster
from qms.load.config import Config
from qms.model import Document
from qms.supervise.duty import Duty, is_overdue
from qms.supervise.reviews import in_force_on, parse_day


@dataclass(frozen=True)
class Trained:
    """One person trained on one revision, from a training record."""

    person: str
    target: str  # ID@REV
    day: date
    record: str  # the record's id


def training_records(records: Iterable[Document]) -> list[Trained]:
    """What the training records say: each attendee trained on each revision in `trained_on`, on its date."""
    found = []
    for record in records:
        if record.data.get("kind") != "training":
            continue
        day = parse_day(record.data.get("date"))
        attendees, targets = record.data.get("attendees"), record.data.get("trained_on")
        if day is None or not isinstance(attendees, list) or not isinstance(targets, list):
            continue
        for person in attendees:
            for target in targets:
                if isinstance(person, str) and isinstance(target, str):
                    found.append(Trained(person, target.strip(), day, record.id or record.path))
    return found


@dataclass
class Reading:
    """One reader's acknowledgement of one revision in force: owed, or given (and how)."""

    document: str
    revision: str
    path: str
    person: str
    name: str
    role: str
    due: date
    acknowledged: date | None = None
    by: str = ""  # "commit 1a2b3c4" or the training record's id

    def overdue(self, as_of: date) -> bool:
        return self.acknowledged is None and is_overdue(self.due, as_of)


@dataclass
class Readers:
    """The readers of every revision in force that has a distribution."""

    as_of: date
    readings: list[Reading] = field(default_factory=list)

    def of(self, document: str) -> list[Reading]:
        return [r for r in self.readings if r.document == document]


def _last_ordinal(history: History, as_of: date) -> int:
    last = -1
    for commit in history.commits:
        day = parse_day(commit.author_date[:10])
        if day is not None and day <= as_of:
            last = commit.ordinal
    return last


def _joined(history: History, person: str, role: str, upto: int) -> date | None:
    """The day `person` came to hold `role` for good, as of commit `upto` (the start of their last holding)."""
    timeline = history.controls
    if timeline is None:
        return None
    since: date | None = None
    for start, controls in zip(timeline.starts, timeline.controls):
        if start > upto + 1:  # in force only after a commit later than the day
            break
        holder = controls.roster.people.get(person)
        if holder is not None and role in holder.roles:
            if since is None:
                # `start` is the commit after the one that put this roster in force
                commit = history.commits[start - 1] if 0 < start <= len(history.commits) else None
                since = parse_day(commit.author_date[:10]) if commit is not None else date.min
        else:
            since = None
    return since


def _roster_on(history: History, upto: int) -> Roster | None:
    return history.controls.before(upto + 1).roster if history.controls is not None else None


def readers(history: History, config: Config, records: Iterable[Document], as_of: date) -> Readers:
    """Who must read each revision in force on `as_of`, and whether and how they acknowledged it."""
    result = Readers(as_of)
    if config.acknowledge_days is None or not history.whole:
        return result
    upto = _last_ordinal(history, as_of)
    roster = _roster_on(history, upto)
    if roster is None:
        return result
    trained: dict[tuple[str, str], Trained] = {}
    for t in training_records(records):
        if t.day <= as_of:
            trained.setdefault((t.person, t.target), t)
    for doc in sorted(history.documents.values(), key=lambda d: d.id):
        revision = in_force_on(doc, as_of)
        if revision is None:
            continue
        roles = revision.last.get("distribution")
        if not isinstance(roles, list) or revision.last.get("type") == "record":
            continue
        effective = parse_day(revision.effective) or as_of
        for person in sorted(roster.people.values(), key=lambda p: p.id):
            held = [r for r in roles if isinstance(r, str) and r in person.roles]
            if not held:
                continue
            joined = _joined(history, person.id, held[0], upto) or effective
            due = max(effective, joined) + timedelta(days=config.acknowledge_days)
            reading = Reading(doc.id, revision.revision, revision.last.path, person.id, person.name, held[0], due)
            _acknowledged(reading, revision, trained, as_of)
            result.readings.append(reading)
    return result


def _acknowledged(reading: Reading, revision: Revision, trained: dict[tuple[str, str], Trained], as_of: date) -> None:
    days: list[tuple[date, str]] = []
    for act in revision.acknowledgements:
        day = parse_day(act.date)
        if act.valid and act.approver.person == reading.person and day is not None and day <= as_of:
            days.append((day, act.commit.label))
    record = trained.get((reading.person, f"{reading.document}@{reading.revision}"))
    if record is not None:
        days.append((record.day, record.record))
    if days:
        reading.acknowledged, reading.by = min(days)


def acknowledge_duties(found: Readers) -> list[Duty]:
    """The acknowledgements still owed, one duty each."""
    return [Duty("acknowledge", r.document, r.person, r.role, r.due, r.overdue(found.as_of),
                 f"read and understood {r.document}@{r.revision}")
            for r in found.readings if r.acknowledged is None]
