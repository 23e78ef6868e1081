"""Quality objectives as data (ISO 9001 6.2), and their values computed from the records and their tables.

An objective sits in the front-matter of the quality objectives document (`objectives:`), or in a YAML file that
key names. Its measure is declarative (docs/format.md, "Quality objectives"):

- `share`: the percentage of rows meeting `where`, among the rows meeting `of` (all rows by default);
- `duration`: working days from one date column to another: `mean`, `median` or `p90`;
- `count`: rows of a table (or records of a kind without a table) meeting `where`;
- `value`: a front-matter field of records (`field:`) or a table column (`column:`): `mean`, `min`, `max`,
  `sum` or `last`.

Each row belongs to the period of its `period_by` date (the table schema's, or the record's `date`). Values are
gathered per month in one pass over each table, and a month, quarter, half-year or year is the sum of its months.
"""

from __future__ import annotations

import math
import operator
import re
import sqlite3
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, compress, repeat
from typing import Any

from qms.load.tables import FALSE, TRUE, ColumnSpec, KindTables, Table, TableSchema, converter
from qms.load.workdays import WorkCalendar
from qms.model import ERROR, WARNING, Document, Finding
from qms.publish.periods import GRAINS, Period, period_of

MEASURES = ("share", "duration", "count", "value", "sql")
STATS = {"duration": ("mean", "median", "p90"), "value": ("mean", "min", "max", "sum", "last")}
_TARGET = re.compile(r"^\s*(>=|<=|>|<|==|=)\s*(-?\d+(?:\.\d+)?)\s*(.*?)\s*$")
_CONDITION = re.compile(r"^\s*([\w.-]+)\s*(>=|<=|!=|==|=|>|<)\s*(.+?)\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Month = tuple[int, int]
# A kind's rows are counted once over the columns all its objectives read, unless that leaves more distinct rows
# than this and a quarter of the rows (a column of case numbers, say): then each objective counts its own columns.
FEW_ROWS = 1000


@dataclass(frozen=True)
class Target:
    op: str
    number: float
    unit: str

    def met(self, value: float) -> bool:
        ops: dict[str, Callable[[float, float], bool]] = {
            ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
            "<": lambda a, b: a < b, "==": lambda a, b: math.isclose(a, b), "=": lambda a, b: math.isclose(a, b)}
        return ops[self.op](round(value, 6), self.number)

    @property
    def text(self) -> str:
        return f"{self.op} {_number(self.number)}{self.unit if self.unit == '%' else ' ' + self.unit if self.unit else ''}"


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    right: Any  # a literal value, or ColumnRef
    text: str


@dataclass(frozen=True)
class ColumnRef:
    name: str


@dataclass
class Objective:
    id: str
    title: str
    owner: str | None
    clause: str | None
    target: Target | None
    baseline: float | None
    grain: str
    measure: dict[str, Any]
    source: str  # the file that declares it
    line: int

    @property
    def type(self) -> str:
        return str(self.measure.get("type", ""))

    @property
    def unit(self) -> str:
        if self.type == "share":
            return "%"
        if self.type == "duration":
            return "working days"
        return self.target.unit if self.target and self.target.unit in ("%",) else ""


@dataclass
class Bucket:
    """What one month holds for one objective."""

    hits: int = 0  # rows meeting `where` (share) or counted (count)
    total: int = 0  # rows in the denominator (share), rows seen (count)
    values: list[float] = field(default_factory=list)
    records: set[str] = field(default_factory=set)
    tables: int = 0  # how many tables (or records, for a count without one) cover the month
    undefined: bool = False  # rows were there, but `of` left none to divide by


@dataclass
class Result:
    objective: Objective
    period: Period
    value: float | None  # None: no data (or undefined)
    met: bool | None
    previous: float | None
    records: list[str]
    rows: int
    undefined: bool = False
    problem: str | None = None  # why an sql measure gave no value

    @property
    def change_previous(self) -> float | None:
        return None if self.value is None or self.previous is None else round(self.value - self.previous, 4)

    @property
    def change_baseline(self) -> float | None:
        baseline = self.objective.baseline
        return None if self.value is None or baseline is None else round(self.value - baseline, 4)

    @property
    def state(self) -> str:
        if self.undefined:
            return "undefined"
        if self.value is None:
            return "no data"
        if self.met is None:
            return "no target"
        return "met" if self.met else "missed"


def parse_target(text: Any) -> Target | None:
    match = _TARGET.match(str(text)) if isinstance(text, (str, int, float)) else None
    if not match:
        return None
    op = "==" if match.group(1) == "=" else match.group(1)
    return Target(op, float(match.group(2)), match.group(3).strip())


def parse_number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    match = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*(%|[^\d].*)?$", str(text))
    return float(match.group(1)) if match else None


def parse_condition(text: str, columns: Iterable[str] | None) -> Condition | str:
    """A condition, or the problem with it. `columns` is None where any name may be a field (front-matter)."""
    match = _CONDITION.match(text)
    if not match:
        return f"'{text}' is not a condition such as 'completed <= due' or 'complaint == valid'"
    left, op, right = match.groups()
    known = set(columns) if columns is not None else None
    if known is not None and left not in known:
        return f"'{text}' names no column '{left}'"
    op = "==" if op == "=" else op
    value: Any
    if known is not None and right in known:
        value = ColumnRef(right)
    elif right.startswith("'") and right.endswith("'") and len(right) > 1:
        value = right[1:-1]
    elif _DATE.match(right):
        value = date.fromisoformat(right)
    else:
        number = parse_number(right) if re.fullmatch(r"-?\d+(?:\.\d+)?", right) else None
        value = number if number is not None else right
    return Condition(left, op, value, text)


def compare(left: Any, op: str, right: Any) -> bool:
    """A comparison that is false where a cell is empty or the two sides are not of one kind."""
    if left is None or right is None:
        return False
    numbers = isinstance(left, (int, float)) and not isinstance(left, bool) and isinstance(right, (int, float))
    if not numbers and not (isinstance(left, date) and isinstance(right, date)):
        left, right = str(left), str(right)
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    try:
        if op == "<=":
            return bool(left <= right)
        if op == ">=":
            return bool(left >= right)
        if op == "<":
            return bool(left < right)
        return bool(left > right)
    except TypeError:
        return False


def percentile_nearest_rank(values: list[float], percent: float) -> float:
    """The nearest-rank percentile: a value that was really observed, as an auditor can check by counting."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


class ObjectiveSet:
    """The objectives of a QMS, with what is wrong with their declarations, ready to compute."""

    def __init__(self, objectives: list[Objective], findings: list[Finding]) -> None:
        self.objectives = objectives
        self.findings = findings


def declared_objectives(documents: Iterable[Document], extra_files: dict[str, tuple[Any, dict[Any, int]]],
                        kinds: set[str], schemas: dict[str, TableSchema]) -> ObjectiveSet:
    """Every objective declared under `objectives:` in a document's front-matter (or the YAML file it names).

    `extra_files` maps a named file to its parsed content and key lines; `kinds` are the record kinds qms.yml
    lists, `schemas` the table schemas by kind.
    """
    objectives: list[Objective] = []
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    for doc in documents:
        declared = doc.data.get("objectives")
        if declared is None:
            continue
        source, items, line_of = doc.path, declared, lambda path, d=doc: d.line_of(("objectives", *path))
        if isinstance(declared, str):
            named = extra_files.get(declared)
            if named is None:
                findings.append(_finding(doc.path, doc.line_of(("objectives",)),
                                         f"'objectives: {declared}' names no readable YAML file",
                                         "name a file relative to the repository root, holding a list of objectives"))
                continue
            content, lines = named
            source, items = declared, content.get("objectives") if isinstance(content, dict) else content
            line_of = lambda path, lines=lines: lines.get(("objectives", *path), lines.get(tuple(path[:1]), 1))  # noqa: E731
        if not isinstance(items, list):
            findings.append(_finding(source, line_of(()), "'objectives' must be a list of objectives"))
            continue
        for index, item in enumerate(items):
            objective, problems = _objective(item, source, lambda *p, i=index, at=line_of: at((i, *p)), kinds, schemas)
            findings.extend(problems)
            if objective is None:
                continue
            if objective.id in seen:
                findings.append(_finding(source, objective.line, f"objective {objective.id} is declared twice "
                                         f"(also in {seen[objective.id]})", "give each objective its own id"))
                continue
            seen[objective.id] = source
            objectives.append(objective)
    return ObjectiveSet(objectives, findings)


def _finding(path: str, line: int | None, message: str, hint: str | None = None, code: str = "M003",
             severity: str = ERROR) -> Finding:
    return Finding(path, line, code, severity, message, hint)


def _objective(item: Any, source: str, line: Callable[..., int], kinds: set[str],
               schemas: dict[str, TableSchema]) -> tuple[Objective | None, list[Finding]]:
    problems: list[Finding] = []

    def problem(message: str, *path: Any, hint: str | None = None) -> None:
        problems.append(_finding(source, line(*path), message, hint))

    if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)):
        problem("an objective needs at least an id, a title, a target, a period and a measure")
        return None, problems
    oid = str(item["id"])
    target = parse_target(item.get("target")) if item.get("target") is not None else None
    if item.get("target") is not None and target is None:
        problem(f"objective {oid}: target '{item.get('target')}' is not a comparison", "target",
                hint="write it as '>= 98%', '<= 5 working days' or '== 0'")
    baseline = parse_number(item["baseline"]) if item.get("baseline") is not None else None
    if item.get("baseline") is not None and baseline is None:
        problem(f"objective {oid}: baseline '{item.get('baseline')}' is not a number", "baseline",
                hint="write the figure the office started from, such as 96%")
    grain = str(item.get("period", "month"))
    if grain not in GRAINS:
        problem(f"objective {oid}: period '{grain}' is not one of {', '.join(GRAINS)}", "period")
        grain = "month"
    measure = item.get("measure")
    if not isinstance(measure, dict):
        problem(f"objective {oid} has no measure", hint="add measure: with a type (share, duration, count, value)")
        return None, problems
    problems.extend(_measure_problems(oid, measure, source, lambda *p: line("measure", *p), kinds, schemas))
    if problems:
        return None, problems
    objective = Objective(oid, str(item.get("title", oid)), item.get("owner"), _text(item.get("clause")), target,
                          baseline, grain, measure, source, line())
    return objective, problems


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _measure_problems(oid: str, measure: dict[str, Any], source: str, line: Callable[..., int], kinds: set[str],
                      schemas: dict[str, TableSchema]) -> list[Finding]:
    out: list[Finding] = []

    def problem(message: str, *path: Any, hint: str | None = None) -> None:
        out.append(_finding(source, line(*path), f"objective {oid}: {message}", hint))

    kind_name = measure.get("type")
    if kind_name not in MEASURES:
        problem(f"measure type '{kind_name}' is not one of {', '.join(MEASURES)}", "type")
        return out
    if kind_name == "sql":
        if not isinstance(measure.get("query"), str) or not measure["query"].strip():
            problem("an sql measure needs 'query', one SELECT that returns the value", "query")
        if parse_number(measure.get("seconds", 1)) is None:
            problem("'seconds' must be a number, the query's time limit", "seconds")
        return out
    kind = measure.get("kind")
    if kind not in kinds:
        problem(f"kind '{kind}' is not a record kind in qms.yml", "kind",
                hint=f"use one of {', '.join(sorted(kinds))}")
        return out
    schema = schemas.get(str(kind))
    columns = list(schema.columns) if schema else None
    if kind_name in ("share", "duration") and schema is None:
        problem(f"a {kind_name} measure needs a table, and {kind} records have no table schema", "kind",
                hint=f"declare the columns under tables: {kind}: in qms.yml")
        return out
    for key in ("where", "of"):
        for text in _conditions(measure.get(key)):
            parsed = parse_condition(text, columns)
            if isinstance(parsed, str):
                problem(parsed, key)
    if kind_name == "share" and not measure.get("where"):
        problem("a share measure needs 'where', the condition a row meets", "where")
    if kind_name == "duration":
        for key in ("from", "to"):
            name = measure.get(key)
            if schema is not None and (name not in schema.columns or schema.columns[str(name)].type != "date"):
                problem(f"'{key}: {name}' is not a date column of the {kind} table", key)
    if kind_name in STATS and measure.get("stat", "mean") not in STATS[kind_name]:
        problem(f"stat '{measure.get('stat')}' is not one of {', '.join(STATS[kind_name])}", "stat")
    if kind_name == "value":
        if measure.get("column") is not None:
            if schema is None or measure["column"] not in schema.columns:
                problem(f"'column: {measure['column']}' is not a column of the {kind} table", "column")
        elif not measure.get("field"):
            problem("a value measure needs 'field' (a front-matter key) or 'column'", "field")
    if schema is not None and schema.period_by and schema.period_by not in schema.columns:
        problem(f"the {kind} table's period_by '{schema.period_by}' (qms.yml) is not one of its columns", "kind")
    elif schema is not None and schema.period_by and schema.columns[schema.period_by].type != "date":
        problem(f"the {kind} table's period_by '{schema.period_by}' (qms.yml) is not a date column", "kind",
                hint="name the date column whose day puts each row in its period")
    if schema is not None and measure.get("by") is not None and measure["by"] not in schema.columns:
        problem(f"'by: {measure['by']}' is not a column of the {kind} table", "by")
    elif schema is not None and measure.get("by") is not None and schema.columns[str(measure["by"])].type != "date":
        problem(f"'by: {measure['by']}' is not a date column of the {kind} table: a row's period is a day", "by")
    return out


def _conditions(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


Columns = tuple[str | None, ...]  # columns of a kind's table; None stands for the record's date


def _columns_read(objective: Objective, schema: TableSchema) -> set[str | None]:
    """The columns a share, duration or count measure reads: the period's, the conditions', the durations'."""
    measure = objective.measure
    names: set[str | None] = {measure.get("by") or schema.period_by}
    if objective.type == "duration":
        names.update((str(measure["from"]), str(measure["to"])))
    for key in ("where", "of"):
        for text in _conditions(measure.get(key)):
            condition = parse_condition(text, schema.columns)
            if isinstance(condition, Condition):
                names.add(condition.column)
                if isinstance(condition.right, ColumnRef):
                    names.add(condition.right.name)
    return names


def _ordered(names: set[str | None]) -> Columns:
    return tuple(sorted(names, key=lambda name: (name is not None, name or "")))


def _row_test(condition: Condition | str, schema: TableSchema,
              at: dict[str | None, int]) -> Callable[[tuple[Any, ...]], bool]:
    """Whether a typed row meets the condition: false where a cell is empty, or the two sides cannot be compared
    (as _mask decides for a column)."""
    if isinstance(condition, str):
        return _never
    left = at[condition.column]
    test = OPERATORS[condition.op]
    if isinstance(condition.right, ColumnRef):
        right = at[condition.right.name]
        return lambda row: row[left] is not None and row[right] is not None and _safe(test, row[left], row[right])
    literal = _literal_of(condition, schema)
    if literal is _NOTHING:
        return _never
    return lambda row: row[left] is not None and _safe(test, row[left], literal)


_NOTHING = object()


def _literal_of(condition: Condition, schema: TableSchema) -> Any:
    """The condition's literal as its column's cells are typed; _NOTHING where no cell can equal it."""
    literal = condition.right
    spec = schema.columns.get(condition.column)
    kind = spec.type if spec is not None else "text"
    if kind in ("text", "person"):
        return str(literal) if not isinstance(literal, float) else _number(literal)
    if kind == "boolean":  # cells are True/False: `passed == yes` compares with True, as the cell was read
        word = (_number(literal) if isinstance(literal, float) else str(literal)).lower()
        return True if word in TRUE else False if word in FALSE else _NOTHING
    if (kind == "date" and not isinstance(literal, date)) or (
            kind in ("integer", "number") and not isinstance(literal, (int, float))):
        return _NOTHING
    return literal


def _never(row: tuple[Any, ...]) -> bool:
    return False


class Computer:
    """The values of objectives over the records.

    Share, duration and count measures over tables read each kind's rows once. The rows are counted by their
    distinct values in the columns the kind's objectives read (a million rows of an office's log hold a few
    thousand distinct combinations of dates and outcomes), each distinct row is typed once, and each objective
    tests it once, weighted by how often it occurs. A value over a column keeps the rows' order (its `last` and
    `sum` depend on it), and is computed a column at a time."""

    def __init__(self, records: list[Document], tables: dict[str, list[Table]], calendar: WorkCalendar,
                 objectives: Iterable[Objective] = ()) -> None:
        self.records = records
        self.tables = tables  # kind -> tables of records of that kind
        self.calendar = calendar
        self.objectives = list(objectives)  # all of them: a kind's rows are counted once over the columns they read
        self._buckets: dict[str, dict[Month, Bucket]] = {}
        self._kinds: dict[str, KindTables] = {}
        self._sql: sqlite3.Connection | None = None
        self._evidence: dict[tuple[str, str | None], dict[Month, tuple[int, set[str]]]] = {}
        self._distinct: dict[tuple[str, Columns], list[tuple[tuple[Any, ...], int]]] = {}
        self._shared: dict[str, Columns | None] = {}

    def _kind_tables(self, kind: str, tables: list[Table]) -> KindTables:
        if kind not in self._kinds:
            self._kinds[kind] = KindTables(tables[0].schema, tables)
        return self._kinds[kind]

    def _sql_result(self, objective: Objective, period: Period) -> Result:
        from qms.publish import sqlmeasure

        if self._sql is None:
            self._sql = sqlmeasure.database(self.records, self.tables)
        query = str(objective.measure["query"])
        seconds = min(float(objective.measure.get("seconds", sqlmeasure.SECONDS)), 60.0)
        value, problem = sqlmeasure.run(self._sql, query, period.start.isoformat(), period.end.isoformat(), seconds)
        before = period.previous()
        previous, _ = sqlmeasure.run(self._sql, query, before.start.isoformat(), before.end.isoformat(), seconds)
        met = objective.target.met(value) if value is not None and objective.target else None
        return Result(objective, period, value, met, previous, [], 0, problem=problem)

    def buckets(self, objective: Objective) -> dict[Month, Bucket]:
        if objective.id not in self._buckets:
            self._buckets[objective.id] = self._gather(objective)
        return self._buckets[objective.id]

    def _uses_table(self, objective: Objective) -> bool:
        measure = objective.measure
        return objective.type in ("share", "duration") or measure.get("column") is not None or (
            objective.type == "count" and measure.get("kind") in self.tables and measure.get("field") is None)

    def _gather(self, objective: Objective) -> dict[Month, Bucket]:
        kind = str(objective.measure["kind"])
        buckets: dict[Month, Bucket] = {}
        if self._uses_table(objective):
            tables = self.tables.get(kind, [])
            if tables:
                table = self._kind_tables(kind, tables)
                if table.size and objective.type == "value":
                    self._gather_column(objective, table, buckets)
                elif table.size:
                    self._gather_rows(objective, table, buckets)
        else:
            self._gather_records(objective, kind, buckets)
        return buckets

    def _add_evidence(self, table: KindTables, by: str | None, buckets: dict[Month, Bucket]) -> None:
        for month, (tables, records) in self._evidence_of(table, by).items():
            bucket = buckets.get(month)
            if bucket is None:
                bucket = buckets[month] = Bucket()
            bucket.tables += tables
            bucket.records.update(records)

    def _gather_rows(self, objective: Objective, table: KindTables, buckets: dict[Month, Bucket]) -> None:
        """A share, duration or count over the kind's distinct rows, each weighted by how often it occurs."""
        measure = objective.measure
        schema = table.schema
        by = measure.get("by") or schema.period_by
        names, rows = self._distinct_rows(objective, table)  # notes the evidence of `by` on its way
        self._add_evidence(table, by, buckets)
        at = {name: index for index, name in enumerate(names)}
        columns = list(schema.columns)
        where = [_row_test(parse_condition(c, columns), schema, at) for c in _conditions(measure.get("where"))]
        of = [_row_test(parse_condition(c, columns), schema, at) for c in _conditions(measure.get("of"))]
        period_at = at[by]
        share, duration = objective.type == "share", objective.type == "duration"
        number: dict[Any, float] = {}
        start_at = end_at = 0
        if duration:
            start_at, end_at = at[str(measure["from"])], at[str(measure["to"])]
            # Each date's number in a running count of working days, so a duration is one subtraction. Every
            # date of the column is numbered, kept or not, so the calendar spans what it spanned row by row.
            days = {row[start_at] for row, _ in rows} | {row[end_at] for row, _ in rows}
            number = {day: float(self.calendar.working_day_number(day)) for day in days if day is not None}
        counted: Counter[Month] = Counter()
        totals: Counter[Month | None] = Counter()
        hits: Counter[Month | None] = Counter()
        for row, weight in rows:
            month = _month(row[period_at])
            if month is None:
                continue
            if of and not all(test(row) for test in of):
                continue
            if of:
                counted[month] += weight
            meets = all(test(row) for test in where)
            if share:
                totals[month] += weight
                if where and meets:
                    hits[month] += weight
            elif meets:
                totals[month] += weight
                if duration:
                    start, end = row[start_at], row[end_at]
                    # An end before its start (M002 in `qms check`) drops out, as an empty date does: it would
                    # pull a mean below the truth.
                    if start is not None and end is not None and number[end] >= number[start]:
                        buckets[month].values.extend(repeat(number[end] - number[start], weight))
        if of:
            for month, bucket in buckets.items():
                if not counted.get(month):
                    bucket.undefined = True
        self._add_totals(buckets, totals, totals if objective.type == "count" else hits)

    @staticmethod
    def _add_totals(buckets: dict[Month, Bucket], totals: Counter[Month | None], hits: Counter[Month | None]) -> None:
        for month, total in totals.items():
            if month is None:
                continue
            bucket = buckets[month]
            bucket.total += total
            bucket.hits += hits.get(month, 0)
            if total:
                bucket.undefined = False

    def _distinct_rows(self, objective: Objective, table: KindTables) -> tuple[Columns, list[tuple[tuple[Any, ...], int]]]:
        """The kind's distinct rows over the columns the objective reads (or over those all the kind's objectives
        read, where that keeps them few), typed, each with how often it occurs."""
        kind = table.schema.kind
        own = _columns_read(objective, table.schema)
        shared = self._shared_columns(table)
        names = shared if shared is not None and own <= set(shared) else _ordered(own)
        if (kind, names) not in self._distinct:
            self._distinct[(kind, names)] = self._count_distinct(table, names)
        return names, self._distinct[(kind, names)]

    def _shared_columns(self, table: KindTables) -> Columns | None:
        kind = table.schema.kind
        if kind not in self._shared:
            wanted: set[str | None] = set()
            for objective in self.objectives:
                if (objective.type in ("share", "duration", "count") and objective.measure.get("kind") == kind
                        and self._uses_table(objective)):
                    wanted |= _columns_read(objective, table.schema)
            names = _ordered(wanted) if wanted else None
            if names is not None:
                rows = self._count_distinct(table, names)
                if not shares_counts(len(rows), table.size):
                    names = None  # nearly every row differs over all of them: each objective counts its own
                else:
                    self._distinct[(kind, names)] = rows
            self._shared[kind] = names
        return self._shared[kind]

    def _count_distinct(self, table: KindTables, names: Columns) -> list[tuple[tuple[Any, ...], int]]:
        """One pass over the kind's tables, one table at a time (so that no table's cells are kept): its rows
        counted over `names`, and the evidence of the period columns among them noted on the way."""
        kind = table.schema.kind
        periods = [by for by in names if by in self._period_columns(kind) and (kind, by) not in self._evidence]
        counted, evidence = count_texts(table.tables, table.schema, names, periods)
        for by in periods:
            self._evidence[(kind, by)] = evidence[by]
        return typed_rows(counted, table.schema, names)

    def seed(self, kind: str, names: Columns, counted: Counter[tuple[str, ...]],
             evidence: dict[str | None, dict[Month, tuple[int, set[str]]]]) -> bool:
        """Take a kind's rows as counted elsewhere (by `shared_plan`'s columns, in the tables' order), as
        `_shared_columns` would have counted them here. False, and nothing taken, where they are too many to
        share: then each objective counts its own, and needs the tables' cells."""
        if not shares_counts(len(counted), sum(t.size for t in self.tables[kind])):
            return False
        self._distinct[(kind, names)] = typed_rows(counted, self.tables[kind][0].schema, names)
        self._shared[kind] = names
        for by, months in evidence.items():
            self._evidence[(kind, by)] = months
        return True

    def _period_columns(self, kind: str) -> set[str | None]:
        """The columns that put the kind's rows in periods, for its objectives (None: the record's date)."""
        schema = self.tables[kind][0].schema
        return {o.measure.get("by") or schema.period_by for o in self.objectives if o.measure.get("kind") == kind}

    def _evidence_of(self, table: KindTables, by: str | None) -> dict[Month, tuple[int, set[str]]]:
        """For each month, how many of the kind's tables have rows in it and which records they belong to (the
        evidence), once per kind and period column: objectives over the same tables share them."""
        key = (table.schema.kind, by)
        if key not in self._evidence:
            month_of = _MonthOf(table.schema.columns.get(by, ColumnSpec(by)).type if by else "date")
            evidence: dict[Month, tuple[int, set[str]]] = {}
            for one in table.tables:
                if not one.size:
                    continue
                if by is None:
                    months = {_month(_day(one.record.data.get("date")))}
                else:
                    months = set(map(month_of.__getitem__, set(one.texts((by,))[0])))
                _note(evidence, months, one.record.id or one.record.path)
            self._evidence[key] = evidence
        return self._evidence[key]

    def _gather_column(self, objective: Objective, table: KindTables, buckets: dict[Month, Bucket]) -> None:
        """A value over a table column, a column at a time, in the rows' order."""
        measure = objective.measure
        columns = list(table.schema.columns)
        by = measure.get("by") or table.schema.period_by
        if by:
            days: list[Any] = table.column(by)
        else:
            days = []
            for one in table.tables:
                days.extend([_day(one.record.data.get("date"))] * one.size)
        months = list(map(_month, days))
        self._add_evidence(table, by, buckets)
        where = _all([_mask(parse_condition(c, columns), table) for c in _conditions(measure.get("where"))])
        of = _all([_mask(parse_condition(c, columns), table) for c in _conditions(measure.get("of"))])
        if of is not None:
            counted = Counter(compress(months, of))
            for month in buckets:
                if not counted.get(month):
                    buckets[month].undefined = True
        keep = of if where is None else where if of is None else list(map(operator.and_, of, where))
        totals = Counter(months) if keep is None else Counter(compress(months, keep))
        for m, k, v in zip(months, keep if keep is not None else repeat(True), table.column(str(measure["column"]))):
            if k and m is not None and v is not None:
                buckets[m].values.append(float(v))
        self._add_totals(buckets, totals, Counter())

    def _gather_records(self, objective: Objective, kind: str, buckets: dict[Month, Bucket]) -> None:
        measure = objective.measure
        conditions = [parse_condition(c, None) for c in _conditions(measure.get("where"))]
        name = measure.get("field")
        for record in self.records:
            if record.data.get("kind") != kind:
                continue
            day = _day(record.data.get("date"))
            if day is None:
                continue
            if not all(isinstance(c, Condition) and compare(_literal(record.data.get(c.column)), c.op,
                                                            _literal(record.data.get(c.right.name))
                                                            if isinstance(c.right, ColumnRef) else c.right)
                       for c in conditions):
                bucket = buckets.setdefault((day.year, day.month), Bucket())
                bucket.tables += 1
                continue
            bucket = buckets.setdefault((day.year, day.month), Bucket())
            bucket.tables += 1
            bucket.total += 1
            bucket.hits += 1
            bucket.records.add(record.id or record.path)
            if objective.type == "value":
                number = parse_number(record.data.get(str(name))) if name else None
                if number is not None:
                    bucket.values.append(number)

    def result(self, objective: Objective, period: Period) -> Result:
        if objective.type == "sql":
            return self._sql_result(objective, period)
        value, records, rows, undefined = self.value(objective, period)
        previous = self.value(objective, period.previous(), evidence=False)[0]
        met = objective.target.met(value) if value is not None and objective.target else None
        return Result(objective, period, value, met, previous, records, rows, undefined)

    def value(self, objective: Objective, period: Period,
              evidence: bool = True) -> tuple[float | None, list[str], int, bool]:
        """The value, the records it comes from (none listed without `evidence`), the rows, and whether it is
        undefined."""
        buckets = self.buckets(objective)
        months = [(period.start.year, period.start.month + k) for k in range(period.months)]
        inside = [buckets[m] for m in months if m in buckets]
        records = sorted({r for b in inside for r in b.records}) if evidence else []
        covered = sum(b.tables for b in inside)
        total = sum(b.total for b in inside)
        kind = objective.type
        if kind == "count" and not (objective.measure.get("column") or (objective.measure.get("kind") in self.tables
                                    and objective.measure.get("field") is None)):
            # Records are kept as events happen: a month without a record of the kind counted none.
            return float(total), records, total, False
        if not covered:
            return None, records, 0, False
        if kind == "share":
            if total == 0:
                return None, records, 0, any(b.undefined for b in inside)
            return round(100 * sum(b.hits for b in inside) / total, 4), records, total, False
        if kind == "count":
            return float(total), records, total, False
        values = [v for b in inside for v in b.values]
        if not values:
            return None, records, 0, kind == "duration" or kind == "value"
        stat = objective.measure.get("stat", "mean")
        if stat == "median":
            result = float(statistics.median(values))
        elif stat == "p90":
            result = float(percentile_nearest_rank(values, 90))
        elif stat == "min":
            result = min(values)
        elif stat == "max":
            result = max(values)
        elif stat == "sum":
            result = float(sum(values))
        elif stat == "last":
            result = values[-1]
        else:
            result = statistics.fmean(values)
        return round(result, 4), records, len(values), False


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def shares_counts(distinct: int, rows: int) -> bool:
    """Whether a kind's objectives share one count of its rows: where nearly every row differs over all the
    columns they read together, each objective counts its own instead."""
    return distinct <= max(FEW_ROWS, rows // 4)


def shared_plan(objectives: Iterable[Objective], schema: TableSchema) -> tuple[Columns, list[str | None]] | None:
    """The columns a kind's tables are counted over when every objective over them counts rows (share,
    duration, count), and the period columns among them: what `Computer._shared_columns` and
    `_count_distinct` would count. None where an objective over the kind reads a column's values in order."""
    wanted: set[str | None] = set()
    periods: set[str | None] = set()
    for objective in objectives:
        if objective.measure.get("kind") != schema.kind:
            continue
        periods.add(objective.measure.get("by") or schema.period_by)
        if objective.type not in ("share", "duration", "count") or objective.measure.get("column") is not None:
            return None
        if objective.type == "count" and objective.measure.get("field") is not None:
            continue  # counts records, not rows
        wanted |= _columns_read(objective, schema)
    if not wanted:
        return None
    names = _ordered(wanted)
    return names, [by for by in names if by in periods]


def count_texts(tables: Iterable[Table], schema: TableSchema, names: Columns, periods: list[str | None]
                ) -> tuple[Counter[tuple[Any, ...]], dict[str | None, dict[Month, tuple[int, set[str]]]]]:
    """The tables' rows counted by their text in `names` (None: the record's date), and for each of `periods`
    the evidence: which months each table has rows in. One table at a time, keeping no cell."""
    evidence: dict[str | None, dict[Month, tuple[int, set[str]]]] = {by: {} for by in periods}
    month_of = {by: _MonthOf(schema.columns.get(by, ColumnSpec(by)).type) for by in periods if by}
    read = [name for name in names if name is not None]  # in the order of `names`, after None
    dated = None in names
    period_at = [(by, read.index(by) if by is not None else -1) for by in periods]

    def rows() -> Iterator[Iterable[tuple[Any, ...]]]:
        for one in tables:
            if not one.size:
                continue
            texts = one.texts(read)
            day = _day(one.record.data.get("date")) if dated else None
            for by, at in period_at:
                months = {_month(day)} if by is None else set(map(month_of[by].__getitem__, set(texts[at])))
                _note(evidence[by], months, one.record.id or one.record.path)
            yield zip(repeat(day, one.size), *texts) if dated else zip(*texts)

    return Counter(chain.from_iterable(rows())), evidence


def merge_evidence(into: dict[Month, tuple[int, set[str]]], more: dict[Month, tuple[int, set[str]]]) -> None:
    """Evidence of later tables added to that of earlier ones, months in the order they first occur."""
    for month, (count, records) in more.items():
        before, known = into.get(month, (0, set()))
        into[month] = (before + count, known | records)


def typed_rows(counted: Counter[tuple[Any, ...]], schema: TableSchema,
               names: Columns) -> list[tuple[tuple[Any, ...], int]]:
    """Counted rows of text as rows of values, each distinct text converted once."""
    typed: list[dict[Any, Any]] = []
    for index, name in enumerate(names):
        seen = {key[index] for key in counted}
        if name is None:
            typed.append({value: value for value in seen})
        else:
            convert = converter(schema.columns.get(name, ColumnSpec(name)).type)
            typed.append({text: convert(text) for text in seen})
    return [(tuple([types[cell] for types, cell in zip(typed, key)]), weight) for key, weight in counted.items()]


def _mask(condition: Condition | str, table: KindTables) -> list[bool]:
    """Whether each row meets the condition, over the typed columns (a column holds one type, or None)."""
    n = table.size
    if isinstance(condition, str):
        return [False] * n
    left = table.column(condition.column)
    test = OPERATORS[condition.op]
    if isinstance(condition.right, ColumnRef):
        right = table.column(condition.right.name)
        if _family(table, condition.column) == _family(table, condition.right.name):  # compare directly
            return [a is not None and b is not None and test(a, b) for a, b in zip(left, right)]
        return [a is not None and b is not None and _safe(test, a, b) for a, b in zip(left, right)]
    literal = _literal_of(condition, table.schema)
    if literal is _NOTHING:
        return [False] * n
    if None not in left:
        return list(map(test, left, repeat(literal, n)))
    return [a is not None and test(a, literal) for a in left]


def _family(table: KindTables, column: str) -> str:
    spec = table.schema.columns.get(column)
    kind = spec.type if spec is not None else "text"
    return {"integer": "number", "person": "text"}.get(kind, kind)


def _safe(test: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    try:
        return bool(test(a, b))
    except TypeError:
        return False


def _all(masks: list[list[bool]]) -> list[bool] | None:
    if not masks:
        return None
    if len(masks) == 1:
        return masks[0]
    return [all(row) for row in zip(*masks)]


def _note(evidence: dict[Month, tuple[int, set[str]]], months: set[Month | None], record_id: str) -> None:
    """One more table, of this record, with rows in each of these months."""
    for month in months:
        if month is not None:
            count, records = evidence.get(month, (0, set()))
            records.add(record_id)
            evidence[month] = (count + 1, records)


class _MonthOf(dict[str, "Month | None"]):
    """The month of a period cell's text, worked out once for each distinct text."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.convert = converter(kind)

    def __missing__(self, text: str) -> Month | None:
        month = self[text] = _month(self.convert(text))
        return month


def _month(day: Any) -> Month | None:
    """The month of a day; None for an empty cell, or a period column whose cells are not dates."""
    return (day.year, day.month) if isinstance(day, date) else None


def _literal(value: Any) -> Any:
    if isinstance(value, str) and _DATE.match(value):
        return _day(value)
    return value


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def periods_for(objective: Objective, asked: Period) -> list[Period]:
    """The periods to report for an objective when `asked` is asked for: each period of the objective's own grain
    inside it, then the asked period as a whole where it is longer."""
    inner = asked.split(objective.grain)
    return inner if inner == [asked] else [*inner, asked]


def default_period(today: date) -> Period:
    return period_of(today, "year")


def undefined_finding(result: Result) -> Finding:
    objective = result.objective
    return Finding(objective.source, objective.line, "M004", WARNING,
                   f"objective {objective.id} divides by zero in {result.period.label}: the records of the period "
                   f"have rows, but none meets its 'of' condition (or carries the value measured)",
                   "check the condition, or the records of the period")
