"""Tables carried by records: a CSV next to a record, named by its `data:` key, read against the table schema of
its kind (`tables:` in qms.yml).

A table is kept as the text of its cells. A measure asks for a column, and only then are its cells turned into
dates or numbers: objectives over a million rows convert the two or three columns they use, not every cell.
Every bad cell is a problem at its file, row and column, so the check can name each one.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from qms.model import Document

TYPES = ("text", "date", "integer", "number", "boolean", "person")
TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str = "text"
    required: bool = False
    values: tuple[str, ...] = ()  # the only values allowed, where the schema lists them
    not_before: str | None = None  # a date column this one is never earlier than (completed, not before received)


@dataclass(frozen=True)
class TableSchema:
    kind: str
    columns: dict[str, ColumnSpec]
    period_by: str | None  # the date column that puts a row in a period (else the record's date)
    line: int  # of the kind's entry in qms.yml


@dataclass(frozen=True)
class Problem:
    """One bad table cell or header: `row` counts the CSV's lines (the header is row 1); None for the file."""

    row: int | None
    column: str | None
    message: str
    hint: str | None = None


@dataclass
class Table:
    path: str  # relative to the repository root
    record: Document
    schema: TableSchema
    header: list[str]
    size: int  # rows under the header
    widths: list[int] = field(default_factory=list)  # cells in each row, where the table was validated
    problems: list[Problem] = field(default_factory=list)
    # A CSV without quotes keeps its body as text (see _unquoted), and is cut into cells when they are first
    # asked for: objectives count the rows of a million-row kind table by table, and keep no cell.
    body: str | None = None
    keep: set[str] | None = None  # the columns `cells` keeps (None: all of them)
    counted: bool = False  # its rows were counted where it was read (another process), and its text not kept
    _cells: dict[str, list[str]] | None = None
    _typed: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def cells(self) -> dict[str, list[str]]:
        """The text of each column kept, as a list (a table is read by columns: a measure needs two or three)."""
        if self._cells is None:
            if self.counted:
                raise RuntimeError(f"{self.path} was counted where it was read, and its cells were not kept")
            self._cells, widths = self._cut()
            self.widths = self.widths or widths
            self.body = None  # the cells say it all now
        return self._cells

    def cut(self) -> None:
        """Cut the text into cells now."""
        self.cells  # noqa: B018 (the property cuts)

    def texts(self, names: Iterable[str]) -> list[list[str]]:
        """The named columns' cells as written ("" where the table has no such column, or does not keep it).
        Where the table is still text, they are cut out for this call only, and nothing is kept."""
        if self._cells is None and self.body is not None:
            flat = _cut_even(self.body, len(self.header))
            if flat is not None:
                width = len(self.header)
                first: dict[str, int] = {}
                for index, name in enumerate(self.header):
                    first.setdefault(name, index)
                return [_column(flat, first[name], width) if name in first and (self.keep is None or name in self.keep)
                        else [""] * self.size for name in names]
        cells = self.cells
        return [cells.get(name) or [""] * self.size for name in names]

    def _cut(self) -> tuple[dict[str, list[str]], list[int]]:
        cells: dict[str, list[str]] = {}
        if self.body is None:  # a header and no row
            _columns_into(cells, self.header, [], self.keep)
            return cells, []
        width = len(self.header)
        # (In a table of one column a blank line is a row of no cells, as the check counts them.)
        flat = _cut_even(self.body, width) if width > 1 else None
        if flat is not None:
            for index, name in enumerate(self.header):
                if (self.keep is None or name in self.keep) and name not in cells:
                    cells[name] = _column(flat, index, width)
            return cells, [width] * self.size
        # Rows of different widths, or blank lines: as csv.reader reads them. The body's last line ending was
        # taken off (see _unquoted), and is put back so a blank last line is a row, as it was in the file.
        rows = list(csv.reader(io.StringIO(self.body + "\n", newline="")))
        _columns_into(cells, self.header, rows, self.keep)
        return cells, list(map(len, rows))

    def column(self, name: str) -> list[Any]:
        """The column's cells as values of its type; None for an empty or bad cell (reported as a problem)."""
        if name not in self._typed:
            spec = self.schema.columns.get(name, ColumnSpec(name))
            self._typed[name] = typed_column(self.cells.get(name) or [""] * self.size, spec.type)
        return self._typed[name]


def typed_column(cells: list[str], kind: str) -> list[Any]:
    # A column repeats few values (a year has 365 dates): convert each once, then look them up.
    convert = converter(kind)
    typed = {text: convert(text) for text in set(cells)}
    return list(map(typed.__getitem__, cells))


class KindTables:
    """Every table of one record kind, seen as one: a column is the cells of all of them, typed once. Objectives
    over 20,000 small tables make a few long passes instead of 20,000 short ones."""

    def __init__(self, schema: TableSchema, tables: list[Table]) -> None:
        self.schema = schema
        self.tables = tables
        self.size = sum(t.size for t in tables)
        self._typed: dict[str, list[Any]] = {}

    def texts(self, name: str) -> Iterator[str]:
        """The column's cells as written, table after table ("" where a table has no such column). The tables are
        cut into cells and keep them: a measure that reads columns one by one reads several."""
        return chain.from_iterable([table.cells.get(name) or [""] * table.size for table in self.tables])

    def column(self, name: str) -> list[Any]:
        if name not in self._typed:
            self._typed[name] = typed_column(list(self.texts(name)),
                                             self.schema.columns.get(name, ColumnSpec(name)).type)
        return self._typed[name]


def converter(kind: str) -> Callable[[str], Any]:
    """Text to a value of the column's type, None where it is empty or not of the type. Dates repeat across
    rows (a year has 365 of them), so each distinct text is parsed once."""
    if kind == "date":
        seen: dict[str, date | None] = {}

        def to_date(text: str) -> date | None:
            try:
                return seen[text]
            except KeyError:
                value = _date(text)
                seen[text] = value
                return value

        return to_date
    if kind == "integer":
        return _integer
    if kind == "number":
        return _number
    if kind == "boolean":
        return _boolean
    return lambda text: text.strip() or None


def _date(text: str) -> date | None:
    text = text.strip()
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _integer(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _boolean(text: str) -> bool | None:
    low = text.strip().lower()
    return True if low in TRUE else False if low in FALSE else None


def table_schemas(settings: dict[str, Any], lines: Callable[[tuple[Any, ...]], int]) -> dict[str, TableSchema]:
    """The `tables:` of qms.yml: record kind -> its table's columns (qms.schema.json has checked the shape)."""
    schemas: dict[str, TableSchema] = {}
    for kind, spec in (settings or {}).items():
        columns: dict[str, ColumnSpec] = {}
        for name, col in (spec.get("columns") or {}).items():
            col = col if isinstance(col, dict) else {"type": col}
            columns[str(name)] = ColumnSpec(
                str(name), str(col.get("type", "text")), bool(col.get("required", False)),
                tuple(str(v) for v in col.get("values") or ()), col.get("not_before"),
            )
        schemas[str(kind)] = TableSchema(str(kind), columns, spec.get("period_by"), lines(("tables", kind)))
    return schemas


def data_path(root: str | Path, record: Document,
              links: dict[str, frozenset[str]] | None = None) -> tuple[str | None, str | None]:
    """The repository path of the CSV a record names by `data:`, or why it cannot be one. `links` keeps, for
    each folder asked about, the names of its symbolic links: one listing of a folder instead of a system call
    for each of its 20,000 CSVs."""
    named = record.data.get("data")
    if not isinstance(named, str) or not named.strip():
        return None, "'data' must name a CSV file next to the record, such as data: rec-2026-011.csv"
    if named.startswith("/") or "\\" in named:
        return None, f"'data: {named}' must be a path relative to the record's folder"
    folder = record.path.rpartition("/")[0]
    if "/" not in named and not named.startswith(".") and "//" not in folder and "/." not in "/" + folder \
            and not folder.endswith("/"):
        rel = f"{folder}/{named}" if folder else named  # what normpath would make of it, without its cost
    else:
        rel = posixpath.normpath(posixpath.join(folder, named))
    if rel.startswith("../") or rel == "..":
        return None, f"'data: {named}' points outside the repository"
    # The record's folder was walked, so it is inside (a folder linked outside is F009); the CSV itself may be
    # a symbolic link, and is followed only when it stays inside.
    path = os.path.join(root, rel)
    if _is_link(path, links):
        top = os.path.realpath(root)
        if not os.path.realpath(path).startswith(top + os.sep):
            return None, f"'data: {named}' points outside the repository"
    return rel, None


def _is_link(path: str, links: dict[str, frozenset[str]] | None) -> bool:
    if links is None:
        return os.path.islink(path)
    folder, name = os.path.split(path)
    if folder not in links:
        try:
            with os.scandir(folder) as listing:
                links[folder] = frozenset(entry.name for entry in listing if entry.is_symlink())
        except OSError:  # no such folder: then no such file either, which reading it reports
            links[folder] = frozenset()
    return name in links[folder]


def read_table(root: str | Path, rel: str, record: Document, schema: TableSchema, validate: bool = True,
               columns: set[str] | None = None) -> Table:
    """Read and validate one CSV. A file that cannot be read is one problem; a bad cell one problem each.
    Without `validate` only the file is checked: computing objectives leaves the cells to `qms check`, and keeps
    only the `columns` it uses."""
    try:
        with open(os.path.join(root, rel), "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        return _empty(rel, record, schema, Problem(None, None, f"{rel} does not exist",
                                                   "add the CSV, or correct 'data:' in the record"))
    except OSError as exc:
        return _empty(rel, record, schema, Problem(None, None, f"{rel} cannot be read ({exc.strerror})"))
    if raw.startswith(codecs.BOM_UTF8):  # a byte order mark is no part of the text
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return _empty(rel, record, schema, Problem(line, None, "is not UTF-8 text", "save the CSV as UTF-8"))
    unquoted = _unquoted(text)
    if unquoted is not None:
        first, body, size = unquoted
        table = Table(rel, record, schema, [cell.strip() for cell in first], size, body=body, keep=columns)
    else:
        try:
            every = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            return _empty(rel, record, schema, Problem(None, None, f"is not a readable CSV ({exc})"))
        if not every:
            return _empty(rel, record, schema, Problem(1, None, "has no header row",
                                                       "the first row names the columns: " + ", ".join(schema.columns)))
        header = [cell.strip() for cell in every[0]]
        body_rows = every[1:]
        table = Table(rel, record, schema, header, len(body_rows), keep=columns, _cells={})
        _columns_into(table.cells, header, body_rows, columns)
        table.widths = list(map(len, body_rows))
    if validate:
        table.cut()  # the check reads every cell, and every row's width
        table.problems.extend(_validate(table))
    else:  # a missing column empties every figure that reads it: worth the header's few comparisons
        table.problems.extend(_missing_columns(table))
    return table


def _columns_into(cells: dict[str, list[str]], header: list[str], rows: list[list[str]],
                  keep: set[str] | None) -> None:
    for index, name in enumerate(header):
        if (keep is not None and name not in keep) or name in cells:
            continue
        try:
            cells[name] = list(map(itemgetter(index), rows))
        except IndexError:  # a short row (M002 reports it)
            cells[name] = [row[index] if index < len(row) else "" for row in rows]


def _unquoted(text: str) -> tuple[list[str], str | None, int] | None:
    """The header's cells, the body's text and its number of rows, of a CSV that needs none of the csv module's
    rules: no quote, no lone carriage return, no NUL, not longer than its field limit, and a header that is not
    blank. Each line of such a file is a row, and each comma ends a cell, exactly as csv.reader reads it (its
    row endings made \\n, and the last one taken off). Any other file gets None, and is read by csv.reader."""
    if not text or '"' in text or "\0" in text or len(text) > csv.field_size_limit():
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    head, newline, body = text.partition("\n")
    if not head:
        return None
    if not newline:
        return head.split(","), None, 0
    return head.split(","), body, body.count("\n") + 1


def _cut_even(body: str, width: int) -> list[str] | None:
    """Every cell of an unquoted body, row after row, where each row has `width` cells; else None (a short or
    long row, or a blank line in a table of several columns). Splitting at commas is several times faster than
    csv.reader, which reads such a body to the same cells.

    Each line ending becomes a comma and a NUL (which the text has none of), so the first cell of every row but
    the first starts with NUL: the rows are all `width` wide exactly when there are `width` cells a row and
    every `width`-th cell starts with NUL. The first column's cells lose the NUL again in _column."""
    flat = body.replace("\n", ",\0").split(",")
    if len(flat) != (body.count("\n") + 1) * width:
        return None
    # Every NUL starts a cell, one a line ending: all of them are in these cells when all rows are even.
    starts = flat[width::width]
    if "".join(starts).count("\0") != len(starts):
        return None
    return flat


def _column(flat: list[str], index: int, width: int) -> list[str]:
    """One column of _cut_even's cells."""
    if index:
        return flat[index::width]
    return [flat[0], *map(itemgetter(slice(1, None)), flat[width::width])]


def _empty(rel: str, record: Document, schema: TableSchema, problem: Problem) -> Table:
    return Table(rel, record, schema, [], 0, problems=[problem])


def _validate(table: Table) -> list[Problem]:
    problems = _missing_columns(table)
    schema = table.schema
    for name in table.header:
        if name not in schema.columns:
            problems.append(Problem(1, name, f"column '{name}' is not in the table schema of {schema.kind}",
                                    "add it under tables: in qms.yml, or remove it"))
    width = len(table.header)
    for number, cells in enumerate(table.widths, start=2):
        if cells != width and cells:  # a blank line is no row
            problems.append(Problem(number, None, f"has {cells} cells, the header {width}",
                                    "each row has one cell per column"))
    for name, spec in schema.columns.items():
        if name not in table.header:
            continue
        problems.extend(_column_problems(table, spec))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return problems


def _missing_columns(table: Table) -> list[Problem]:
    schema = table.schema
    return [Problem(1, name, f"has no column '{name}'",
                    f"the table of a {schema.kind} record has the columns {', '.join(schema.columns)}")
            for name in schema.columns if name not in table.header]


def _column_problems(table: Table, spec: ColumnSpec) -> list[Problem]:
    problems: list[Problem] = []
    texts = table.cells[spec.name]
    values = table.column(spec.name)
    allowed = set(spec.values)
    what = {"date": "a date YYYY-MM-DD", "integer": "a whole number", "number": "a number",
            "boolean": "yes or no"}.get(spec.type)
    later = table.column(spec.not_before) if spec.not_before and spec.not_before in table.header else None
    for i, raw in enumerate(texts):
        text = raw.strip()
        number = i + 2
        if not text:
            if spec.required:
                problems.append(Problem(number, spec.name, f"'{spec.name}' is empty", "it is required"))
            continue
        if what and values[i] is None:
            problems.append(Problem(number, spec.name, f"'{spec.name}' is '{text}', not {what}"))
            continue
        if allowed and text not in allowed:
            problems.append(Problem(number, spec.name, f"'{spec.name}' is '{text}', not one of "
                                    f"{', '.join(spec.values)}"))
        if later is not None and later[i] is not None and values[i] < later[i]:
            problems.append(Problem(number, spec.name, f"'{spec.name}' {values[i]} is before "
                                    f"'{spec.not_before}' {later[i]}", "correct whichever date is wrong"))
    return problems
