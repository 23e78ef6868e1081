"""The registers for people (a table), spreadsheets (CSV) and tools (JSON)."""


from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qms.report.console import print_table as print_whole
from qms.text.safetext import csv_cell, json_text, visible

WRAPPING = ("title", "type", "owner", "path", "procedure", "kind")


def to_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: csv_cell(row[c]) for c in columns} for row in rows)
    return out.getvalue()


def to_json(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    return json_text(json.dumps([{c: row[c] for c in columns} for row in rows], ensure_ascii=False, indent=2))


def print_table(columns: tuple[str, ...], rows: list[dict[str, str]], console: Console) -> None:
    table = Table(box=None)
    for column in columns:  # ids, codes and dates never wrap; titles, owners and paths wrap at spaces
        table.add_column(column.replace("_", " "), no_wrap=column not in WRAPPING)
    for row in rows:
        table.add_row(*(escape(visible(row[c])) for c in columns))
    print_whole(console, table)
    console.print(f"{len(rows)} {'entry' if len(rows) == 1 else 'entries'}.")
