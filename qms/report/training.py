"""`qms training`: the matrix of people by documents, read and understood or owed, as text, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qms.report.console import print_table
from qms.supervise.acknowledge import Readers, Reading
from qms.text.safetext import csv_cell, visible


def _columns(found: Readers) -> list[tuple[str, str]]:
    return list(dict.fromkeys((r.document, r.revision) for r in found.readings))


def _people(found: Readers) -> list[tuple[str, str]]:
    return sorted(dict.fromkeys((r.person, r.name) for r in found.readings))


def cell(reading: Reading | None, found: Readers) -> str:
    """What one person owes one document: the day they acknowledged it, or the day it is (or was) due."""
    if reading is None:
        return ""
    if reading.acknowledged is not None:
        return f"read {reading.acknowledged}"
    return f"OVERDUE since {reading.due}" if reading.overdue(found.as_of) else f"due {reading.due}"


def _grid(found: Readers) -> tuple[list[tuple[str, str]], list[tuple[str, str]], dict[tuple[str, str], Reading]]:
    return _columns(found), _people(found), {(r.person, r.document): r for r in found.readings}


def render_json(found: Readers) -> str:
    columns, people, by = _grid(found)
    rows: list[dict[str, Any]] = []
    for person, name in people:
        owed = {}
        for doc, _ in columns:
            r = by.get((person, doc))
            if r is not None:
                owed[doc] = {"revision": r.revision, "role": r.role, "due": r.due.isoformat(),
                             "acknowledged": r.acknowledged.isoformat() if r.acknowledged else None,
                             "by": r.by or None, "overdue": r.overdue(found.as_of)}
        rows.append({"person": person, "name": name, "documents": owed})
    return json.dumps({"as_of": found.as_of.isoformat(),
                       "documents": [{"id": d, "revision": rev} for d, rev in columns], "people": rows},
                      ensure_ascii=False, indent=2)


def render_csv(found: Readers) -> str:
    columns, people, by = _grid(found)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["person", "name", *(f"{d}@{rev}" for d, rev in columns)])
    for person, name in people:
        writer.writerow([csv_cell(person), csv_cell(name),
                         *(cell(by.get((person, d)), found) for d, _ in columns)])
    return out.getvalue()


def render_text(found: Readers, console: Console) -> None:
    columns, people, by = _grid(found)
    if not columns:
        console.print("No revision in force has a distribution to acknowledge (or qms.yml sets no acknowledge_days).")
        return
    table = Table(box=None)
    table.add_column("person", no_wrap=True)
    for doc, revision in columns:
        table.add_column(escape(visible(f"{doc}@{revision}")), no_wrap=True)
    for person, name in people:
        table.add_row(escape(visible(f"{name} ({person})")), *(cell(by.get((person, d)), found) for d, _ in columns))
    print_table(console, table)
    owed = sum(1 for r in found.readings if r.overdue(found.as_of))
    console.print(f"As of {found.as_of}: {sum(1 for r in found.readings if r.acknowledged)} of {len(found.readings)} "
                  f"acknowledgements given, {owed} overdue.", highlight=False)
