"""Generate the sample office's document-handling logs: one record a month, each with its CSV table.

The sample office (the City Government General Office at the root of this repository) exports its OA
system's document register on the first working day of each month: one row for every document whose
time limit fell in the month before. This script makes those exports for January 2025 to November 2026,
about 3,000 documents a year, so that `qms objectives` has real tables to measure:

- documents arrive on working days of China's calendar (public holidays off, make-up Saturdays worked),
  the same calendar `qms objectives` counts working days with (qms.load.workdays);
- the time limit is the one WI-04-01 gave at registration: same day for special-urgent, 2 working days for
  urgent; for ordinary documents 15 working days under revision A/0 (registered up to 2025-12-31) and 5 under
  revision A/1 (registered from 2026-01-01), which also asks for simple ones to be finished the same day and
  warns the handler on day 4;
- 2025 is the year before, 2026 the year after: the office put its quality system into the repository on
  2024-07-01, but handled documents in 2025 as it always had, at the figures QM-03 gives as its baseline
  (about 96% on time, an ordinary document 7 to 15 working days). The 2025 audit and nonconformity
  (REC-2025-002, REC-2025-003) and the corrective action (REC-2025-004) led to WI-04-01 A/1, and 2026 runs
  above 98% on time, two thirds of ordinary documents the same day and the others in 3 to 5 working days,
  with no valid complaint. The handlers worked to A/1 from their briefing on 2025-12-15, so the ordinary
  documents registered in the second half of December 2025 (due in January 2026, under the 15-day limit) are
  handled the new way too;
- the late documents the records tell of are where they say: the three ordinary documents of March 2025
  the audit sampled (REC-2025-002, REC-2025-003) and the urgent one of October 2026 (REC-2026-008).

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
# From 2025-12-01 the OA system warns the handler 3 working days before an ordinary document's limit
# (REC-2025-004, action 1), so none registered from then on runs past its 15 days.
WARNING_FROM = date(2025, 12, 1)
# The handlers were briefed on WI-04-01 A/1 on 2025-12-15 (REC-2025-004, action 3) and worked to it from then
# on; the OA system gave the new 5-day limit to documents registered from 2026-01-01, when A/1 took effect.
BRIEFED = date(2025, 12, 15)
NEW_RULES = date(2026, 1, 1)
LIMITS = {"special-urgent": 0, "urgent": 2, "ordinary": 15}  # working days, WI-04-01 A/0
NEW_LIMITS = {"special-urgent": 0, "urgent": 2, "ordinary": 5}  # WI-04-01 A/1
PRIORITY = {"special-urgent": 0.05, "urgent": 0.20, "ordinary": 0.75}
# Working days from registration to completion, per priority, under each revision of WI-04-01. Under A/0 an
# ordinary document waited in the handler's tray and took 7 to 15 working days, a few longer; under A/1 two
# thirds are finished the day they come in and the others within 5 working days, or on an approved extension
# (which moves the time limit).
DURATIONS = {
    "A/0": {"special-urgent": {0: 0.96, 1: 0.04},
            "urgent": {0: 0.45, 1: 0.30, 2: 0.215, 3: 0.03, 4: 0.005},
            "ordinary": {0: 0.015, 1: 0.005, 2: 0.01, 3: 0.015, 4: 0.02, 5: 0.03, 6: 0.04, 7: 0.06, 8: 0.075,
                         9: 0.09, 10: 0.10, 11: 0.10, 12: 0.095, 13: 0.085, 14: 0.075, 15: 0.085, 16: 0.012,
                         17: 0.008, 18: 0.006, 19: 0.004, 20: 0.002, 22: 0.001}},
    "A/1": {"special-urgent": {0: 0.99, 1: 0.01},
            "urgent": {0: 0.76, 1: 0.14, 2: 0.085, 3: 0.015},
            "ordinary": {0: 0.70, 1: 0.03, 2: 0.04, 3: 0.075, 4: 0.065, 5: 0.055}},
}
EXTENDED = 0.004  # ordinary documents under A/1 that take 6 to 8 working days on an extension
BUSY_MARCH = 1.5  # the people's congress session: more documents, and late ones half as likely again
# The ordinary documents the 2025 audit sampled over their 15 working days (REC-2025-002, REC-2025-003): the
# first registered on each day, with its working days and section.
AUDITED = (("2025-03-04", 17, "secretariat"), ("2025-03-11", 19, "general-affairs"),
           ("2025-03-18", 23, "secretariat"))
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
                limits = NEW_LIMITS if day >= NEW_RULES else LIMITS
                due = add_working_days(calendar, day, limits[priority])
                table = DURATIONS["A/1" if day >= BRIEFED else "A/0"][priority]
                if priority == "ordinary" and WARNING_FROM <= day < BRIEFED:
                    table = {d: w for d, w in table.items() if d <= limits[priority]}
                if march:
                    table = {d: w * (BUSY_MARCH if d > limits[priority] else 1) for d, w in table.items()}
                took = pick(rng, table)
                extended = priority == "ordinary" and day >= NEW_RULES and rng.random() < EXTENDED
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
    return plant(rows, calendar)


def plant(rows: list[Row], calendar: WorkCalendar) -> list[Row]:
    """Make late the documents the sample's records name: the first ordinary document registered on each
    audited day, and REC-2026-008's urgent document."""
    chosen: dict[int, Row] = {}
    for registered, took, section in AUDITED:
        at = next(i for i, r in enumerate(rows) if r.received.isoformat() == registered and r.priority == "ordinary")
        row = rows[at]
        handler = row.handler if row.section == section else SECTIONS[section][1][0]
        chosen[at] = replace(row, completed=add_working_days(calendar, row.received, took), section=section,
                             handler=handler)
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
