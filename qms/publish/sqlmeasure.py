"""A measure the declarative forms cannot say: one read-only SQL query over the records and their tables, run by
SQLite in memory with a time limit.

The database holds `records` (id, kind, date, status, and `data`, the front-matter as JSON for json_extract) and,
for each kind with a table, a table named after the kind (`document-log` -> `document_log`) with the schema's
columns as text and a `record` column. The query is given `:start` and `:end` (the period's first day and the day
after it, `YYYY-MM-DD`) and returns one value in its first row and column; NULL is "no data". Only reading is
allowed: an authorizer refuses every action but reading, selecting and calling functions, and the query is
stopped when it runs past its time.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from qms.load.tables import Table
from qms.model import Document

SECONDS = 5.0
_READING = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, getattr(sqlite3, "SQLITE_RECURSIVE", 33)}


def table_name(kind: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in kind)


def database(records: list[Document], tables: dict[str, list[Table]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE records (id TEXT, kind TEXT, date TEXT, status TEXT, data TEXT)")
    conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", [
        (r.id, str(r.data.get("kind")), str(r.data.get("date")), r.status, json.dumps(r.data, default=str))
        for r in records])
    for kind, kind_tables in tables.items():
        columns = list(kind_tables[0].schema.columns)
        name = table_name(kind)
        quoted = ", ".join(f'"{c}" TEXT' for c in columns)
        conn.execute(f'CREATE TABLE "{name}" (record TEXT, {quoted})')
        marks = ", ".join("?" for _ in range(len(columns) + 1))
        for table in kind_tables:
            cells = [table.cells.get(c) or [""] * table.size for c in columns]
            rows = zip([table.record.id] * table.size, *cells)
            conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    conn.commit()
    conn.set_authorizer(lambda action, *_: sqlite3.SQLITE_OK if action in _READING else sqlite3.SQLITE_DENY)
    return conn


def run(conn: sqlite3.Connection, query: str, start: str, end: str,
        seconds: float = SECONDS) -> tuple[float | None, str | None]:
    """The query's value for the period, or the problem with it."""
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    try:
        row: Any = conn.execute(query, {"start": start, "end": end}).fetchone()
    except sqlite3.DatabaseError as exc:
        if str(exc) == "interrupted":
            return None, f"the query ran longer than {seconds:g} s and was stopped"
        return None, f"the query failed: {exc}"
    finally:
        conn.set_progress_handler(None, 0)
    if row is None or row[0] is None:
        return None, None
    try:
        return float(row[0]), None
    except (TypeError, ValueError):
        return None, f"the query's first value is {row[0]!r}, not a number"
