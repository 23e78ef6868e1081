"""`qms register`: the master document list or the records register, as a table, CSV or JSON.

The rows come from qms.publish, the same code that builds the site's registers,
so the command and the site never disagree about what is in force.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qms import publish
from qms.config import load_config
from qms.loader import load_set

DOCUMENT_COLUMNS = ("id", "title", "type", "revision", "status", "effective", "owner", "next_review", "path")
WRAPPING = ("title", "type", "owner", "path", "procedure", "kind")
RECORD_COLUMNS = ("id", "kind", "title", "procedure", "date", "owner", "status", "retention", "path")


def register(start: Path, records: bool = False, audit: bool = False) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    """The columns and rows of the published register; owners are shown by role title, as on the site."""
    config = load_config(start)
    docs = load_set(config)
    role_titles = {r.id: r.title for r in docs.roles}
    if records:
        rows = [{"id": r.id, "kind": r.kind, "title": r.title, "procedure": r.procedure, "date": r.date,
                 "owner": r.owner, "status": r.status, "retention": r.retention, "path": r.path}
                for r in publish.record_rows(docs, role_titles, audit)]
        return RECORD_COLUMNS, rows
    rows = []
    for doc in publish.register_rows(docs, audit):
        h = publish.header(doc, config.review_months, role_titles)
        rows.append({"id": h.id, "title": h.title, "type": doc.type or "", "revision": h.revision, "status": h.status,
                     "effective": h.effective, "owner": h.owner, "next_review": h.next_review, "path": doc.path})
    return DOCUMENT_COLUMNS, rows


def to_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_json(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    return json.dumps([{c: row[c] for c in columns} for row in rows], ensure_ascii=False, indent=2)


def print_table(columns: tuple[str, ...], rows: list[dict[str, str]], console: Console) -> None:
    if not console.is_terminal:
        console.width = 1000  # piped into a file or a pager: whole rows, not an 80-column squeeze
    table = Table(box=None)
    for column in columns:  # ids, codes and dates never wrap; titles, owners and paths take what is left
        wraps = column in WRAPPING
        table.add_column(column.replace("_", " "), no_wrap=not wraps, overflow="fold", min_width=8 if wraps else None)
    for row in rows:
        table.add_row(*(escape(row[c]) for c in columns))
    console.print(table)
    console.print(f"{len(rows)} {'entry' if len(rows) == 1 else 'entries'}.")
