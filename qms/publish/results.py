"""Results measured from the records: a workspace's tables, working-day calendar and objectives, read once.

`qms check` asks it for the table and objective findings (M001-M005), `qms objectives` for the values, and the
site for the page of objectives.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from qms.forkpool import MAX_WORKERS, fork_map
from qms.load.tables import Table, TableSchema, data_path, read_table, table_schemas
from qms.load.workdays import WorkCalendar, calendar_from
from qms.model import ERROR, WARNING, Document, Finding
from qms.publish.objectives import (
    ColumnRef,
    Columns,
    Computer,
    Condition,
    Month,
    Objective,
    ObjectiveSet,
    Result,
    count_texts,
    declared_objectives,
    merge_evidence,
    parse_condition,
    periods_for,
    shared_plan,
    shares_counts,
    undefined_finding,
)
from qms.publish.periods import Period
from qms.text.yamlsafe import parse_yaml
from qms.workspace import Workspace

# Below this many tables they are read and counted in this process: a fork costs more than it saves.
TABLES_PARALLEL_FROM = 2_000


class Results:
    def __init__(self, workspace: Workspace, validate_tables: bool = True) -> None:
        self.workspace = workspace
        # `qms objectives` computes from the tables and leaves their cells to `qms check` (M002).
        self.validate_tables = validate_tables
        self._columns: dict[str, set[str]] = {}
        # Each kind's rows, where they were counted as the tables were read (see _read_counted).
        self._counted: dict[str, tuple[Columns, Counter[tuple[Any, ...]],
                                       dict[str | None, dict[Month, tuple[int, set[str]]]]]] = {}

    @cached_property
    def settings(self) -> dict[str, Any]:
        source = self.workspace.config.source
        return source.data if source is not None else {}

    @cached_property
    def schemas(self) -> dict[str, TableSchema]:
        source = self.workspace.config.source
        line_of = source.line_of if source is not None else (lambda path: 1)
        return table_schemas(self.settings.get("tables") or {}, line_of)

    @cached_property
    def calendar(self) -> WorkCalendar:
        return calendar_from(self.settings.get("calendar"))

    @cached_property
    def records(self) -> list[Document]:
        return [doc for doc in self.workspace.documents.documents if doc.is_record]

    @cached_property
    def _loaded(self) -> tuple[dict[str, list[Table]], list[Finding]]:
        jobs: list[tuple[Document, str, TableSchema]] = []
        for record in self.records:
            if "data" in record.data:
                kind = str(record.data.get("kind"))
                schema = self.schemas.get(kind)
                if schema is not None:
                    jobs.append((record, kind, schema))
        plans = self._plans(jobs)
        if plans and len(jobs) >= TABLES_PARALLEL_FROM:
            read = self._read_counted(jobs, plans)
            if read is not None:
                return self._tables_and_findings(read)
        root = str(self.workspace.root)
        links: dict[str, frozenset[str]] = {}
        return self._tables_and_findings([self._read(root, record, kind, schema, links)
                                          for record, kind, schema in jobs])

    def _tables_and_findings(self, read: list[tuple[str | None, str | None, Table | None]]
                             ) -> tuple[dict[str, list[Table]], list[Finding]]:
        """The tables read, by kind, and the findings of the records that carry one, in the records' order."""
        tables: dict[str, list[Table]] = {}
        findings: list[Finding] = []
        outcomes = iter(read)
        for record in self.records:
            if "data" not in record.data:
                continue
            kind = str(record.data.get("kind"))
            if kind not in self.schemas:
                findings.append(Finding(record.path, record.line_of(("data",)), "M001", ERROR,
                                        f"{record.id} carries a table, but {kind} records have no table schema",
                                        f"declare its columns under tables: {kind}: in qms.yml"))
                continue
            rel, problem, table = next(outcomes)
            if rel is None or table is None:
                findings.append(Finding(record.path, record.line_of(("data",)), "M001", ERROR,
                                        problem or "bad 'data'"))
                continue
            for p in table.problems:
                if p.row is None or not table.header:
                    findings.append(Finding(record.path, record.line_of(("data",)), "M001", ERROR,
                                            f"the table of {record.id}: {p.message}", p.hint))
                else:
                    where = f"row {p.row}" + (f", column '{p.column}'" if p.column else "")
                    findings.append(Finding(rel, p.row, "M002", ERROR, f"{where}: {p.message}", p.hint))
            if table.header:
                tables.setdefault(kind, []).append(table)
        return tables, findings

    def _read(self, root: str, record: Document, kind: str, schema: TableSchema,
              links: dict[str, frozenset[str]]) -> tuple[str | None, str | None, Table | None]:
        rel, problem = data_path(root, record, links)
        if rel is None:
            return None, problem, None
        return rel, None, read_table(root, rel, record, schema, self.validate_tables,
                                     None if self.validate_tables else self._wanted(kind))

    def _plans(self, jobs: list[tuple[Document, str, TableSchema]]) -> dict[str, tuple[Columns, list[str | None]]]:
        """For computing only: each kind's columns to count its rows over, where every objective over the kind
        counts rows (see objectives.shared_plan). Empty where the tables are checked, or an sql measure may read
        any of their cells."""
        if self.validate_tables or self._any_sql:
            return {}
        plans: dict[str, tuple[Columns, list[str | None]]] = {}
        for schema in {kind: schema for _record, kind, schema in jobs}.values():
            plan = shared_plan(self.objectives.objectives, schema)
            if plan is not None:
                plans[schema.kind] = plan
        return plans

    def _read_counted(self, jobs: list[tuple[Document, str, TableSchema]],
                      plans: dict[str, tuple[Columns, list[str | None]]]
                      ) -> list[tuple[str | None, str | None, Table | None]] | None:
        """Read the tables and count their rows in shares on every core (qms.forkpool): each share sends back
        what each CSV held (its header, size and problems) and its kinds' rows counted by their text, which
        are added up here in the tables' order, so the objectives come out as when counted in this process.
        None where a kind's rows turn out too varied to count together: then they are read here."""
        root = str(self.workspace.root)
        wanted = {kind: self._wanted(kind) for _record, kind, _schema in jobs}
        step = -(-len(jobs) // MAX_WORKERS)
        shares = [(start, min(start + step, len(jobs))) for start in range(0, len(jobs), step)]

        def read_share(bounds: tuple[int, int]) -> tuple[list[Any], dict[str, Any]]:
            links: dict[str, frozenset[str]] = {}
            outcomes: list[Any] = []
            by_kind: dict[str, list[Table]] = {}
            for record, kind, schema in jobs[bounds[0]: bounds[1]]:
                rel, problem = data_path(root, record, links)
                if rel is None:
                    outcomes.append((None, problem, None))
                    continue
                table = read_table(root, rel, record, schema, False, wanted[kind])
                if kind in plans:  # counted here: only its size and problems travel
                    outcomes.append((rel, None, (table.header, table.size, table.problems)))
                    if table.header:
                        by_kind.setdefault(kind, []).append(table)
                else:  # read in order, by a value measure: its kept text travels too
                    outcomes.append((rel, None, (table.header, table.size, table.problems, table.widths, table.body,
                                                 table._cells)))
            counts = {kind: count_texts(tables, tables[0].schema, *plans[kind]) for kind, tables in by_kind.items()}
            return outcomes, counts

        read: list[tuple[str | None, str | None, Table | None]] = []
        counted: dict[str, Counter[tuple[Any, ...]]] = {}
        evidence: dict[str, dict[str | None, dict[Month, tuple[int, set[str]]]]] = {}
        for bounds, (outcomes, counts) in zip(shares, fork_map(read_share, shares, parallel_from=1)):
            for (record, kind, schema), (rel, problem, held) in zip(jobs[bounds[0]: bounds[1]], outcomes):
                table = None
                if held is not None and len(held) == 3:
                    table = Table(rel, record, schema, held[0], held[1], problems=held[2], counted=True)
                elif held is not None:
                    table = Table(rel, record, schema, held[0], held[1], widths=held[3], problems=held[2],
                                  body=held[4], keep=wanted[kind], _cells=held[5])
                read.append((rel, problem, table))
            for kind, (rows, months) in counts.items():
                counted.setdefault(kind, Counter()).update(rows)
                for by, more in months.items():
                    merge_evidence(evidence.setdefault(kind, {}).setdefault(by, {}), more)
        sizes: Counter[str] = Counter()
        for (_record, kind, _schema), (_rel, _problem, table) in zip(jobs, read):
            if table is not None and table.header:
                sizes[kind] += table.size
        if not all(shares_counts(len(rows), sizes[kind]) for kind, rows in counted.items()):
            return None
        self._counted = {kind: (plans[kind][0], rows, evidence.get(kind, {})) for kind, rows in counted.items()}
        return read

    def _wanted(self, kind: str) -> set[str] | None:
        """The columns of a kind's tables that the objectives read: only these are kept when computing (all of
        them where an sql measure may read any)."""
        if self._any_sql:
            return None
        if kind not in self._columns:
            schema = self.schemas[kind]
            wanted = {schema.period_by} if schema.period_by else set()
            for objective in self.objectives.objectives:
                measure = objective.measure
                if measure.get("kind") != kind:
                    continue
                wanted.update(str(measure[key]) for key in ("from", "to", "column", "by") if measure.get(key))
                for key in ("where", "of"):
                    value = measure.get(key)
                    for text in value if isinstance(value, list) else [value] if value else []:
                        parsed = parse_condition(str(text), schema.columns)
                        if isinstance(parsed, Condition):
                            wanted.add(parsed.column)
                            if isinstance(parsed.right, ColumnRef):
                                wanted.add(parsed.right.name)
            self._columns[kind] = wanted
        return self._columns[kind]

    @cached_property
    def _any_sql(self) -> bool:
        return any(o.type == "sql" for o in self.objectives.objectives)

    @property
    def tables(self) -> dict[str, list[Table]]:
        return self._loaded[0]

    @property
    def table_findings(self) -> list[Finding]:
        return self._loaded[1]

    def person_findings(self) -> list[Finding]:
        """Cells of `person` columns that name nobody in the roster."""
        people = {p.id for p in self.workspace.documents.people}
        findings: list[Finding] = []
        for tables in self.tables.values():
            for table in tables:
                for name, spec in table.schema.columns.items():
                    if spec.type != "person" or name not in table.header:
                        continue
                    for i, value in enumerate(table.column(name)):
                        if value is not None and value not in people:
                            findings.append(Finding(table.path, i + 2, "M002", ERROR,
                                                    f"row {i + 2}, column '{name}': '{value}' is not in the roster",
                                                    "use a person id from the people roster"))
        return findings

    @cached_property
    def objectives(self) -> ObjectiveSet:
        named: dict[str, tuple[Any, dict[Any, int]]] = {}
        root = self.workspace.root
        for doc in self.workspace.documents.documents:
            value = doc.data.get("objectives")
            if isinstance(value, str) and value not in named:
                path = (root / value)
                try:
                    inside = path.resolve().is_relative_to(root.resolve())
                    parsed = parse_yaml(path.read_text(encoding="utf-8")) if inside else None
                except (OSError, UnicodeDecodeError):
                    parsed = None
                if parsed is not None and not parsed.problems:
                    named[value] = (parsed.value, dict(parsed.lines))
        kinds = set(self.workspace.config.record_kinds)
        return declared_objectives(self.workspace.documents.documents, named, kinds, self.schemas)

    @cached_property
    def computer(self) -> Computer:
        computer = Computer(self.records, self.tables, self.calendar, self.objectives.objectives)
        for kind, (names, rows, evidence) in self._counted.items():
            computer.seed(kind, names, rows, evidence)  # (always taken: _read_counted checked they are few)
        return computer

    def results(self, asked: Period) -> list[Result]:
        out: list[Result] = []
        with _no_cycle_collection():
            for objective in self.objectives.objectives:
                for period in periods_for(objective, asked):
                    out.append(self.computer.result(objective, period))
        return out

    def result_findings(self, results: list[Result]) -> list[Finding]:
        findings = [undefined_finding(r) for r in results if r.undefined]
        findings += [Finding(r.objective.source, r.objective.line, "M003", ERROR,
                             f"objective {r.objective.id} in {r.period.label}: {r.problem}",
                             "correct the query (docs/format.md, 'Quality objectives')")
                     for r in results if r.problem]
        if self.calendar.uncovered_years:
            years = ", ".join(str(y) for y in sorted(self.calendar.uncovered_years))
            findings.append(Finding("qms.yml", None, "M005", WARNING,
                                    f"the public holiday calendar does not cover {years} yet: working days there "
                                    "count weekends and qms.yml's own days only",
                                    "upgrade chinese-calendar, or list the year's days under calendar: in qms.yml"))
        return findings

    def series(self) -> list[tuple[Objective, list[Result]]]:
        """Each objective with its value for every period of its length that the records cover: the site's chart."""
        from qms.publish.objectives_page import periods_shown

        out: list[tuple[Objective, list[Result]]] = []
        with _no_cycle_collection():
            for objective in self.objectives.objectives:
                if objective.type == "sql":
                    continue  # no months to chart without knowing what the query reads
                months = sorted(m for m, b in self.computer.buckets(objective).items() if b.tables)
                out.append((objective, [self.computer.result(objective, p) for p in periods_shown(objective, months)]))
        return out


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading a million table cells makes hundreds of thousands of lists and no reference cycle: the cycle
    collector would walk them again and again for nothing (a third of the time of `qms objectives` over
    1,000,000 rows). Paused, and not frozen afterwards (as the check's runner does): the site's `qms serve`
    computes the objectives at every rebuild, and what a long-lived process freezes is never collected."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
