"""Generate the sample office's document-handling logs: one record a month, each with its CSV table.

The sample office (the City Government General Office at the root of this repository) exports its OA
system's document register on the first working day of each month: one row for every document whose
time limit fell in the month before. This script makes those exports for January 2025 to November 2026,
about 3,000 documents a year, so that `qms objectives` has real tables to measure:

- documents arrive on working days of China's calendar (public holidays off, make-up Saturdays worked),
  the same calendar `qms objectives` counts working days with (qms.load.workdays);
- the time limit is the one WI-04-01 gives at registration: same day for special-urgent, 2 working days
  for urgent, 5 for ordinary;
- the office has run its quality system for years (the 2025 management review gives 97.9% on time in 2023
  and 98.2% in 2024; QM-03's baseline, from when it was first adopted, is 96% and 7 to 15 working days),
  and put it into the repository on 2024-07-01, so both years are after adoption: over 98% on time,
  ordinary documents in 5 working days at most and two thirds the same day, no valid complaint, 2026 a
  little better than 2025;
- the late documents the records tell of are planted where they say: the eleven ordinary documents of
  January to May 2025 (nonconformity REC-2025-003, three of them sampled by the audit REC-2025-002), none
  after the day-4 warning of August 2025 (REC-2025-004), and the urgent one of October 2026 (REC-2026-008).

The numbers come from one seeded random generator and the calendar, so running it again writes the same
bytes (tests/test_generate_logs.py checks it). Run it from the repository root:

    python tools/generate_logs.py            # rewrites records/2025/rec-2025-1MM-* and records/2026/...
    python tools/generate_logs.py --check    # exits 1 if the committed files differ from a fresh run
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qms.load.workdays import WorkCalendar  # noqa: E402  (the calendar of qms objectives, from this checkout)

SEED = 20240701  # the day the quality system moved into the repository
FIRST, LAST = (2025, 1), (2026, 11)  # the months exported
LIMITS = {"special-urgent": 0, "urgent": 2, "ordinary": 5}  # working days, WI-04-01
PRIORITY = {"special-urgent": 0.05, "urgent": 0.20, "ordinary": 0.75}
# Working days from registration to completion, per priority and year. Urgent and special-urgent documents
# past their limit are the late ones; an ordinary document is never late by chance: the eleven of 2025 are
# planted below, as the records tell them, and from August 2025 (WI-04-01 A/1's day-4 warning) an ordinary
# document that needs longer gets an approved extension, which moves its time limit.
DURATIONS = {
    2025: {"special-urgent": {0: 0.975, 1: 0.025},
           "urgent": {0: 0.70, 1: 0.165, 2: 0.10, 3: 0.035},
           "ordinary": {0: 0.675, 1: 0.034, 2: 0.05, 3: 0.09, 4: 0.08, 5: 0.071}},
    2026: {"special-urgent": {0: 0.99, 1: 0.01},
           "urgent": {0: 0.76, 1: 0.14, 2: 0.085, 3: 0.015},
           "ordinary": {0: 0.70, 1: 0.03, 2: 0.045, 3: 0.09, 4: 0.075, 5: 0.06}},
}
EXTENDED = 0.004  # ordinary documents, from August 2025, that take 6 to 8 working days on an extension
BUSY_MARCH = 1.5  # the people's congress session: more documents, and urgent ones late twice as often
# The ordinary documents of 2025 over 5 working days without an extension (REC-2025-002, REC-2025-003): the
# three the audit sampled, with their days and sections, and where the other eight fell.
AUDITED = (("2025-03-04", 6, "secretariat"), ("2025-03-11", 7, "general-affairs"), ("2025-03-18", 9, "secretariat"))
OTHER_LATE = {1: 1, 3: 9, 5: 1}  # month of the time limit: how many late in all, the audited ones included
# The urgent document of October 2026 that Nonconformity REC-2026-008 records: registered, handled by.
LATE_URGENT = ("2026-10-20", "he-jun")
# Who handles a document, by section (person ids of manual/people.yml).
SECTIONS = {"secretariat": (0.60, ("he-jun", "lin-xue", "yang-qian")),
            "general-affairs": (0.28, ("guo-peng", "ma-xiaodong")),
            "supervision": (0.12, ("zhou-min",))}
OUTCOMES = {"answered": 0.45, "issued": 0.15, "filed": 0.30, "referred": 0.10}
INVALID_COMPLAINT = 0.0008  # complaints investigated and found not valid; none is valid
COLUMNS = ("case", "received", "priority", "due", "extended", "completed", "handler", "section", "outcome",
           "complaint")
T = TypeVar("T")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Row:
    case: str
    received: date
    priority: str
    due: date
    completed: date | None
    handler: str
    section: str
    outcome: str
    complaint: str
    extended: bool = False


def pick(rng: random.Random, weights: dict[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def add_working_days(calendar: WorkCalendar, day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= calendar.is_working_day(day)
    return day


def next_working_day(calendar: WorkCalendar, day: date) -> date:
    return add_working_days(calendar, day, 1)


def month_after(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


def documents(calendar: WorkCalendar) -> list[Row]:
    """Every document registered from December 2024 (some fall due in January 2025) to November 2026."""
    rng = random.Random(SEED)
    rows: list[Row] = []
    numbers = {2024: 2870, 2025: 0, 2026: 0}  # the register's running number in each year
    day = date(2024, 12, 1)
    while day <= date(2026, 11, 30):
        if calendar.is_working_day(day):
            march = day.month == 3 and day.year == 2025
            for _ in range(rng.randint(8, 16) + (rng.randint(4, 8) if march else 0)):
                numbers[day.year] += 1
                priority = pick(rng, PRIORITY)
                due = add_working_days(calendar, day, LIMITS[priority])
                table = DURATIONS[max(due.year, 2025)][priority]
                if march and priority != "ordinary":  # the late ones twice as likely
                    table = {d: w * (BUSY_MARCH if d > LIMITS[priority] else 1) for d, w in table.items()}
                took = pick(rng, table)
                extended = priority == "ordinary" and due >= date(2025, 8, 1) and rng.random() < EXTENDED
                if extended:
                    took = rng.randint(6, 8)
                    due = add_working_days(calendar, day, took + rng.randint(0, 2))
                section = pick(rng, {name: share for name, (share, _) in SECTIONS.items()})
                rows.append(Row(
                    case=f"收〔{day.year}〕{numbers[day.year]:04d}", received=day, priority=priority, due=due,
                    completed=add_working_days(calendar, day, took), handler=rng.choice(SECTIONS[section][1]),
                    section=section, outcome=pick(rng, OUTCOMES),
                    complaint="invalid" if rng.random() < INVALID_COMPLAINT else "none", extended=extended))
        day += timedelta(days=1)
    return plant(rows, calendar, rng)


def plant(rows: list[Row], calendar: WorkCalendar, rng: random.Random) -> list[Row]:
    """Make late the documents the sample's records name: the first ordinary document registered on each
    audited day, the others at random in their months, and REC-2026-008's urgent document."""
    chosen: dict[int, Row] = {}
    for registered, took, section in AUDITED:
        at = next(i for i, r in enumerate(rows) if r.received.isoformat() == registered and r.priority == "ordinary")
        row = rows[at]
        handler = row.handler if row.section == section else SECTIONS[section][1][0]
        chosen[at] = replace(row, completed=add_working_days(calendar, row.received, took), section=section,
                             handler=handler)
    for month, count in OTHER_LATE.items():
        candidates = [i for i, r in enumerate(rows)
                      if r.priority == "ordinary" and (r.due.year, r.due.month) == (2025, month) and i not in chosen]
        for at in sorted(rng.sample(candidates, count - sum(1 for i in chosen if rows[i].due.month == month))):
            chosen[at] = replace(rows[at], completed=add_working_days(calendar, rows[at].received, rng.randint(6, 8)))
    registered, handler = LATE_URGENT
    at = next(i for i, r in enumerate(rows) if r.received.isoformat() == registered and r.priority == "urgent")
    chosen[at] = replace(rows[at], completed=add_working_days(calendar, rows[at].due, 1), handler=handler,
                         section="secretariat")
    return [chosen.get(i, row) for i, row in enumerate(rows)]


def months() -> list[tuple[int, int]]:
    out, (year, month) = [], FIRST
    while (year, month) <= LAST:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def table(rows: list[Row], exported: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in sorted(rows, key=lambda r: (r.due, r.case)):
        # A document still open on the day of the export has no completion date in it.
        completed = row.completed.isoformat() if row.completed and row.completed <= exported else ""
        writer.writerow((row.case, row.received.isoformat(), row.priority, row.due.isoformat(),
                         "yes" if row.extended else "no", completed, row.handler, row.section, row.outcome,
                         row.complaint))
    return out.getvalue()


def record(record_id: str, year: int, month: int, exported: date, rows: list[Row], csv_name: str) -> str:
    done = [r for r in rows if r.completed and r.completed <= exported]
    on_time = sum(1 for r in done if r.completed and r.completed <= r.due)
    ordinary = [r for r in rows if r.priority == "ordinary"]
    same_day = sum(1 for r in ordinary if r.completed == r.received)
    late = len(rows) - on_time
    title = f"Document-handling log, {MONTHS[month - 1]} {year}"
    return f"""---
id: {record_id}
title: {title}
type: record
kind: document-log
procedure: QP-04
date: {exported.isoformat()}
owner: secretariat-head
status: closed
retention: 3y
data: {csv_name}
references: [WI-04-01, QM-03]
---

# {title}

The OA system's export of the document register for {MONTHS[month - 1]} {year}: one row for
each of the {len(rows)} documents whose time limit fell in the month, with the day it was
registered, its priority and time limit ([[WI-04-01]]), the day it was completed, who
handled it, and whether a complaint was made about it. The table is the
file `{csv_name}` next to this record (`data:`).

| figure | value |
| --- | --- |
| documents due in the month | {len(rows)} |
| completed on or before the time limit | {on_time} ({100 * on_time / len(rows):.1f}%) |
| late, or still open on the day of the export | {late} |
| ordinary documents finished the day they were registered | {same_day} of {len(ordinary)} |

Exported and signed for the month by the secretariat-head on {exported.isoformat()}, the first
working day after it. The quality objectives ([[QM-03]]) are computed from this table by
`qms objectives`.
"""


def generate() -> dict[str, str]:
    """Every file the script writes, by its path relative to the repository root."""
    calendar = WorkCalendar(country="CN")
    rows = documents(calendar)
    files: dict[str, str] = {}
    for year, month in months():
        start, end = date(year, month, 1), month_after(year, month)
        due = [r for r in rows if start <= r.due < end]
        exported = next_working_day(calendar, end - timedelta(days=1))
        record_id = f"REC-{year}-{100 + month}"
        stem = f"records/{year}/rec-{year}-{100 + month}-document-log"
        csv_name = stem.rsplit("/", 1)[1] + ".csv"
        files[stem + ".csv"] = table(due, exported)
        files[stem + ".md"] = record(record_id, year, month, exported, due, csv_name)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository root (default: this checkout)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file differs")
    args = parser.parse_args(argv)
    differ = []
    for rel, text in generate().items():
        path = args.root / rel
        if path.exists() and path.read_bytes() == text.encode("utf-8"):
            continue
        differ.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
    if args.check:
        for rel in differ:
            print(f"{rel} differs from what tools/generate_logs.py writes", file=sys.stderr)
        return 1 if differ else 0
    print(f"wrote {len(differ)} file(s)" if differ else "the logs are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
