"""Objectives over many rows take short cuts: an unquoted CSV is split at its commas and kept as text until its
cells are asked for, and a kind's rows are counted by their distinct values, each tested once. Each short cut
gives what reading the tables row by row gives (docs/performance.md, "Objectives over a million rows")."""

from __future__ import annotations

import csv
import io
import operator
import random
import statistics
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from qms.load.tables import ColumnSpec, TableSchema, read_table
from qms.model import Document
from qms.publish import objectives
from qms.publish import results as results_module
from qms.publish.objectives import ColumnRef, Condition, parse_condition, percentile_nearest_rank
from qms.publish.periods import Period, parse_period
from qms.publish.results import Results
from qms.workspace import Workspace
from tests.qmsrepo import QMS_YML, QmsRepo

OBJECTIVES_DOC = """\
---
id: QM-03
title: Quality Objectives
type: manual
revision: 1
status: effective
owner: quality-manager
approvers: [director]
effective: 2026-01-05
{objectives}---

# Quality Objectives
"""


def record(rid: str, kind: str, day: str, extra: str = "") -> str:
    return (f"---\nid: {rid}\ntitle: {kind} {rid}\ntype: record\nkind: {kind}\nprocedure: QP-01\ndate: {day}\n"
            f"owner: quality-manager\nstatus: closed\nretention: 3y\n{extra}---\n\n# {rid}\n")


# -- reading: an unquoted CSV is split at its commas, to the cells csv.reader gives -------------------------------

PIECES = ["a", "b", " c ", ",", ",", "\n", "\n", "\r\n", "\r", '"', '"x,y"', "", "\n\n", "2026-02-03", "\ufeff"]


def _as_csv_reads(text: str, keep: set[str] | None) -> tuple[list[str], int, dict[str, list[str]], list[int]] | None:
    """What read_table made of a CSV before it took short cuts: csv.reader over the whole text."""
    try:
        every = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None
    if not every:
        return None
    header, body = [cell.strip() for cell in every[0]], every[1:]
    cells: dict[str, list[str]] = {}
    for index, name in enumerate(header):
        if (keep is None or name in keep) and name not in cells:
            cells[name] = [row[index] if index < len(row) else "" for row in body]
    return header, len(body), cells, [len(row) for row in body]


def test_a_csv_is_read_to_the_cells_csv_reader_gives(tmp_path: Path) -> None:
    """Thousands of small CSVs made of the awkward parts (quotes, CR LF and lone CR, blank lines, short and long
    rows, a byte order mark, a duplicated column) read to the same header, rows, cells and row widths."""
    rng = random.Random(18)
    schema = TableSchema("log", {"a": ColumnSpec("a"), "b": ColumnSpec("b")}, None, 1)
    owner = Document(path="records/r.md", data={"id": "R"}, lines={})
    checked = 0
    for _ in range(1500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 16)))
        if rng.random() < 0.6:
            text = rng.choice(["a,b", "a,b,a", "b", "a , b,c"]) + rng.choice(["\n", "\r\n"]) + text
        (tmp_path / "t.csv").write_bytes(text.encode("utf-8"))
        for validate, keep in ((True, None), (False, None), (False, {"a"}), (False, {"b", "zz"})):
            want = _as_csv_reads(text.removeprefix("\ufeff"), keep)
            table = read_table(tmp_path, "t.csv", owner, schema, validate, keep)
            if want is None:
                assert table.problems and not table.header, repr(text)
                continue
            header, size, cells, widths = want
            assert (table.header, table.size) == (header, size), repr(text)
            names = [*dict.fromkeys(header), "zz"]
            assert table.texts(names) == [cells.get(name) or [""] * size for name in names], repr(text)
            assert table.cells == cells, repr(text)
            if validate:
                assert table.widths == widths, repr(text)
            checked += 1
    assert checked > 2500


def test_a_csv_that_is_not_utf8_is_one_problem_at_its_line(tmp_path: Path) -> None:
    schema = TableSchema("log", {"a": ColumnSpec("a")}, None, 1)
    owner = Document(path="records/r.md", data={"id": "R"}, lines={})
    (tmp_path / "t.csv").write_bytes(b"\xef\xbb\xbfa\nfine\n\xff\n")
    (problem,) = read_table(tmp_path, "t.csv", owner, schema).problems
    assert (problem.row, problem.message) == (3, "is not UTF-8 text")
    (tmp_path / "t.csv").write_bytes(b"\xef\xbb\xbfa\nfine\nalso\n")
    table = read_table(tmp_path, "t.csv", owner, schema)
    assert (table.header, table.cells, table.problems) == (["a"], {"a": ["fine", "also"]}, [])


# -- computing: each distinct row tested once, as each row would be ------------------------------------------------

TABLES = """\
record_kinds: [document-log, inspection]
tables:
  document-log:
    period_by: due
    columns:
      case: {type: text}
      received: {type: date}
      due: {type: date}
      completed: {type: date}
      handler: {type: person}
      complaint: {type: text}
  inspection:
    columns:
      item: {type: text}
      score: {type: number}
      passed: {type: text}
      checked: {type: date}
      inspector: {type: person}
"""

MEASURES = """\
objectives:
  - {id: S1, title: On time, period: month, measure: {type: share, kind: document-log, where: "completed <= due"}}
  - {id: S2, title: Same day, period: month,
     measure: {type: share, kind: document-log, where: "completed == received", of: "completed >= received"}}
  - {id: S3, title: Several, period: month, measure: {type: share, kind: document-log,
     where: ["complaint != valid", "handler == li-na"], of: ["received >= 2026-02-01", "case != x"]}}
  - {id: S4, title: Across kinds of column, period: month,
     measure: {type: share, kind: document-log, where: "handler != due", of: "case != complaint"}}
  - {id: D1, title: Mean, period: month, measure: {type: duration, kind: document-log, from: received, to: completed}}
  - {id: D2, title: Median, period: quarter,
     measure: {type: duration, kind: document-log, from: received, to: completed, stat: median}}
  - {id: D3, title: P90 by received, period: month, measure: {type: duration, kind: document-log, from: received,
     to: due, stat: p90, by: received, where: "complaint == none"}}
  - {id: C1, title: Complaints, period: month, measure: {type: count, kind: document-log, where: "complaint == valid"}}
  - {id: C2, title: Rows, period: half-year, measure: {type: count, kind: document-log}}
  - {id: C3, title: Inspections by record date, period: month,
     measure: {type: count, kind: inspection, where: "inspector == li-na"}}
  - {id: S5, title: Passed, period: month,
     measure: {type: share, kind: inspection, where: "passed == yes", of: "checked >= 2026-01-01"}}
"""


def _noisy_date(rng: random.Random, day: date) -> str:
    roll = rng.random()
    if roll < 0.04:
        return ""
    if roll < 0.07:
        return rng.choice(["2026-02-30", "soon", " 2026-03-04", "2026-3-4"])
    return day.isoformat()


def _log_csv(rng: random.Random, start: date, style: int) -> str:
    lines = ["case,received,due,completed,handler,complaint"]
    for _ in range(rng.randrange(0, 70)):
        received = start + timedelta(days=rng.randrange(0, 25))
        due = received + timedelta(days=rng.choice((0, 1, 2, 5, 9)))
        completed = received + timedelta(days=rng.choice((-1, 0, 0, 1, 2, 3, 7, 12)))
        cells = [rng.choice(["C1", "C2", "x"]), _noisy_date(rng, received), _noisy_date(rng, due),
                 _noisy_date(rng, completed), rng.choice(["li-na", "chen-jing", ""]),
                 rng.choice(["none", "none", "valid", "invalid", ""])]
        line = ",".join(cells)
        roll = rng.random()
        if style == 1 and roll < 0.2:
            line = f'"{cells[0]}, quoted",' + ",".join(cells[1:])
        elif style == 2 and roll < 0.05:
            line = ",".join(cells[:rng.randrange(0, 6)])  # a short row
        elif style == 2 and roll < 0.08:
            lines.append("")  # a blank line
        lines.extend([line] * rng.choice((1, 1, 2, 3)))  # rows alike, which the short cut counts together
    text = "\n".join(lines) + "\n"
    return text.replace("\n", "\r\n") if style == 3 else text


def _inspection_csv(rng: random.Random, day: date) -> str:
    lines = ["item,score,passed,checked,inspector"]
    for _ in range(rng.randrange(0, 25)):
        lines.append(",".join([rng.choice(["a", "b"]), rng.choice(["1", "2.5", "", "x"]),
                               rng.choice(["yes", "no", ""]), _noisy_date(rng, day + timedelta(days=rng.randrange(-40, 5))),
                               rng.choice(["li-na", "wang-li", ""])]))
    return "\n".join(lines) + "\n"


@pytest.fixture
def noisy(repo: QmsRepo) -> QmsRepo:
    rng = random.Random(6)
    repo.write("qms.yml", QMS_YML + TABLES)
    repo.write("manual/qm-03-quality-objectives.md", OBJECTIVES_DOC.format(objectives=MEASURES))
    for n in range(24):
        start = date(2025, 11, 1) + timedelta(days=n * 13)
        rid = f"REC-2026-{100 + n:03d}"
        repo.write(f"records/2026/{rid.lower()}.md",
                   record(rid, "document-log", (start + timedelta(days=25)).isoformat(), f"data: {rid.lower()}.csv\n"))
        repo.write(f"records/2026/{rid.lower()}.csv", _log_csv(rng, start, n % 4))
    for n in range(10):
        day = date(2026, 1, 10) + timedelta(days=n * 19)
        rid = f"REC-2026-{200 + n:03d}"
        repo.write(f"records/2026/{rid.lower()}.md",
                   record(rid, "inspection", day.isoformat(), f"data: {rid.lower()}.csv\n"))
        repo.write(f"records/2026/{rid.lower()}.csv", _inspection_csv(rng, day))
    return repo


def _typed(text: str, kind: str) -> Any:
    text = text.strip()
    if kind == "date":
        try:
            return date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            return None
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return None
    return text or None


OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _meets(row: dict[str, Any], condition: Condition, types: dict[str, str]) -> bool:
    """One row against one condition, as docs/format.md says: false where a cell is empty or the two sides are
    not of one kind; a text column compares as text."""
    left = row[condition.column]
    if isinstance(condition.right, ColumnRef):
        right = row[condition.right.name]
    else:
        right = condition.right
        kind = types[condition.column]
        if kind in ("text", "person"):
            right = str(right)
        elif (kind == "date") != isinstance(right, date):
            return False
    if left is None or right is None:
        return False
    try:
        return bool(OPS[condition.op](left, right))
    except TypeError:
        return False


def _row_by_row(workspace: Workspace, measure: dict[str, Any]) -> list[tuple[date, str, bool, bool, float | None]]:
    """Each row of the measure's kind, read with csv.reader and tested one by one: its period day, its record,
    whether it meets `of` and `where`, and its working-day duration. Slow, plain, and independent of the short
    cuts."""
    from qms.load.workdays import calendar_from

    config = workspace.config.source.data  # type: ignore[union-attr]
    spec = config["tables"][measure["kind"]]
    types = {name: column["type"] for name, column in spec["columns"].items()}
    by = measure.get("by") or spec.get("period_by")
    calendar = calendar_from(config.get("calendar"))
    where = [parse_condition(str(c), types) for c in _listed(measure.get("where"))]
    of = [parse_condition(str(c), types) for c in _listed(measure.get("of"))]
    out = []
    for doc in workspace.documents.documents:
        if doc.data.get("kind") != measure["kind"] or "data" not in doc.data:
            continue
        text = (workspace.root / "records/2026" / doc.data["data"]).read_text(encoding="utf-8")
        every = list(csv.reader(io.StringIO(text, newline="")))
        header = [cell.strip() for cell in every[0]]
        for cells in every[1:]:
            row = {name: _typed(cells[header.index(name)] if header.index(name) < len(cells) else "", kind)
                   for name, kind in types.items()}
            day = row[by] if by else date.fromisoformat(str(doc.data["date"]))
            if day is None:
                continue
            start, end = (row[measure["from"]], row[measure["to"]]) if measure["type"] == "duration" else (None, None)
            out.append((day, str(doc.id), all(_meets(row, c, types) for c in of),  # type: ignore[arg-type]
                        all(_meets(row, c, types) for c in where),  # type: ignore[arg-type]
                        _forward(float(calendar.working_days_between(start, end))) if start and end else None))
    return out


def _forward(days: float) -> float | None:
    """A duration that ends before it starts (M002) counts as no duration, as an empty date does."""
    return days if days >= 0 else None


def _value_of(measure: dict[str, Any], rows: list[tuple[date, str, bool, bool, float | None]],
              period: Period) -> tuple[float | None, list[str], int]:
    """The measure's value, records and rows in the period, from the rows tested one by one."""
    inside = [row for row in rows if period.contains(row[0])]
    records = sorted({record for _, record, _, _, _ in inside})
    counted = [row for row in inside if row[2]]
    if measure["type"] == "share":
        total, hits = len(counted), sum(1 for row in counted if row[3] and measure.get("where"))
        return (round(100 * hits / total, 4) if total else None), records, total
    kept = [row for row in counted if row[3]]
    if measure["type"] == "count":
        return (float(len(kept)) if records else None), records, len(kept)
    values = [row[4] for row in kept if row[4] is not None]
    if not values:
        return None, records, 0
    stat = measure.get("stat", "mean")
    value = (statistics.median(values) if stat == "median" else percentile_nearest_rank(values, 90) if stat == "p90"
             else statistics.fmean(values))
    return round(float(value), 4), records, len(values)


def _listed(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


@pytest.mark.parametrize("forked", [False, True], ids=["read here", "read and counted in forked shares"])
@pytest.mark.parametrize("few_rows", [10**9, 0], ids=["rows counted once for all", "rows counted per objective"])
def test_every_table_measure_gives_what_reading_row_by_row_gives(noisy: QmsRepo, few_rows: int, forked: bool,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Shares, working-day durations and counts over tables with bad dates, empty cells, quoted and short rows,
    blank lines and CR LF endings, per month, quarter, half-year and year, against csv.reader and a row test.
    Forked, the shares' counts are added up in the parent (and rows too varied to share are read again here)."""
    monkeypatch.setattr(objectives, "FEW_ROWS", few_rows)
    monkeypatch.setattr(results_module, "TABLES_PARALLEL_FROM", 1 if forked else 10**9)
    workspace = Workspace.open(noisy.root)
    results = Results(workspace, validate_tables=False)
    assert not results.objectives.findings
    periods = [parse_period(f"2026-{m:02d}") for m in range(1, 13)] + [
        parse_period(p) for p in ("2025-11", "2025-12", "2026Q1", "2026Q4", "2026H1", "2026H2", "2026", "2025")]
    compared = 0
    for objective in results.objectives.objectives:
        tested = _row_by_row(workspace, objective.measure)
        for period in periods:
            assert period is not None
            value, records, rows, _undefined = results.computer.value(objective, period)
            assert (value, records, rows) == _value_of(objective.measure, tested, period), (objective.id, period.label)
            compared += value is not None
    assert compared > 150
    assert (results.computer._shared["document-log"] is None) == (few_rows == 0)
    # The tables' rows were counted where they were read exactly when forked and few enough to share.
    assert all(t.counted for t in results.tables["document-log"]) == (forked and few_rows > 0)
    # Rows alike were counted together: a weight lost would show above.
    assert max(weight for rows in results.computer._distinct.values() for _, weight in rows) >= 3


def test_bad_tables_are_reported_alike_when_read_in_forked_shares(noisy: QmsRepo,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing CSV, one not UTF-8, one without a needed column, a path outside and a kind without schema give
    the same findings, in the same order, and the same values, read here or in forked shares."""
    noisy.write("records/2026/rec-2026-103.csv", "case,received\nA,2026-01-02\n")  # no due, completed...
    (noisy.root / "records/2026/rec-2026-105.csv").write_bytes(b"case,received,due,completed\n\xff\xfe,1\n")
    (noisy.root / "records/2026/rec-2026-107.csv").unlink()
    noisy.write("records/2026/rec-2026-300.md", record("REC-2026-300", "document-log", "2026-03-01",
                                                         "data: ../../../outside.csv\n"))
    noisy.write("records/2026/rec-2026-301.md", record("REC-2026-301", "inspection", "2026-03-01",
                                                         "data: rec-2026-204.csv\n"))  # one table, two records
    # Values over a column keep the rows' order: that kind's tables come back whole from the shares.
    noisy.write("manual/qm-03-quality-objectives.md", OBJECTIVES_DOC.format(objectives=MEASURES + """\
  - {id: V1, title: Last score, period: month, measure: {type: value, kind: inspection, column: score, stat: last}}
  - {id: V2, title: Score sum, period: quarter, measure: {type: value, kind: inspection, column: score, stat: sum,
     where: "passed == yes"}}
"""))
    seen = []
    for threshold in (10**9, 1):
        monkeypatch.setattr(results_module, "TABLES_PARALLEL_FROM", threshold)
        results = Results(Workspace.open(noisy.root), validate_tables=False)
        computed = results.results(parse_period("2026"))  # type: ignore[arg-type]
        seen.append(([(f.path, f.line, f.code, f.message, f.hint) for f in results.table_findings],
                     [(r.objective.id, r.period.label, r.value, r.previous, r.rows, sorted(r.records))
                      for r in computed]))
    assert seen[0] == seen[1]
    assert {oid for oid, _, value, *_ in seen[0][1] if value is not None} >= {"V1", "V2", "S1", "D1"}
    messages = " ".join(message for _, _, _, message, _ in seen[0][0])
    assert "does not exist" in messages and "UTF-8" in messages and "outside the repository" in messages


def test_objectives_keep_no_cell_of_an_unquoted_table(noisy: QmsRepo) -> None:
    """A million rows are counted table by table: what objectives read leaves unquoted tables as text."""
    results = Results(Workspace.open(noisy.root), validate_tables=False)
    results.results(parse_period("2026"))  # type: ignore[arg-type]
    plain = []
    for table in results.tables["document-log"]:
        lines = (noisy.root / table.path).read_text(encoding="utf-8").splitlines()
        if len(lines) > 1 and '"' not in "".join(lines) and len({line.count(",") for line in lines}) == 1:
            plain.append(table)
    assert len(plain) >= 8 and all(table._cells is None and table.body for table in plain)


# -- hand-worked: a table without period column, `by:`, values over a column, several conditions --------------------

INSPECTIONS = """\
objectives:
  - {id: I1, title: Inspections, period: month, measure: {type: count, kind: inspection}}
  - {id: I2, title: By day checked, period: month,
     measure: {type: count, kind: inspection, by: checked, where: "inspector == li-na"}}
  - {id: I3, title: Mean score, period: month, measure: {type: value, kind: inspection, column: score, stat: mean}}
  - {id: I4, title: Score sum, period: quarter, measure: {type: value, kind: inspection, column: score, stat: sum}}
  - {id: I5, title: Last passed score, period: month,
     measure: {type: value, kind: inspection, column: score, stat: last, where: "passed == yes"}}
  - {id: I6, title: Good and passed, period: month, measure: {type: share, kind: inspection,
     where: ["passed == yes", "score >= 4"], of: "inspector == li-na"}}
"""


def test_a_table_without_period_column_by_and_values_over_a_column_worked_by_hand(repo: QmsRepo) -> None:
    repo.write("qms.yml", QMS_YML + TABLES)
    repo.write("manual/qm-03-quality-objectives.md", OBJECTIVES_DOC.format(objectives=INSPECTIONS))
    repo.write("records/2026/rec-2026-020.md", record("REC-2026-020", "inspection", "2026-03-10", "data: i20.csv\n"))
    repo.write("records/2026/i20.csv", "item,score,passed,checked,inspector\n"
                                       "a,4,yes,2026-03-02,li-na\n"
                                       "b,2.5,no,2026-04-01,chen-jing\n"
                                       "c,,yes,2026-03-05,li-na\n")
    repo.write("records/2026/rec-2026-021.md", record("REC-2026-021", "inspection", "2026-04-20", "data: i21.csv\n"))
    repo.write("records/2026/i21.csv", "item,score,passed,checked,inspector\r\n"
                                       "d,5,yes,2026-04-03,li-na\r\n"
                                       '"e, late",1,no,2026-04-04,li-na\r\n'
                                       "f,4.5,yes,2026-04-05,li-na\r\n")
    run = repo.qms("objectives", "--period", "2026", "--format", "json")
    assert run.code == 0, run.stdout + run.stderr
    got = {(row["objective"], row["period"]): row for row in run.json()["objectives"]}
    # The rows of a kind without period_by fall in the month of their record's date: a, b, c in March.
    assert (got[("I1", "2026-03")]["value"], got[("I1", "2026-04")]["value"]) == (3.0, 3.0)
    assert got[("I1", "2026-03")]["records"] == ["REC-2026-020"]
    # by: checked moves b into April; li-na checked a and c in March, d, e and f in April.
    assert (got[("I2", "2026-03")]["value"], got[("I2", "2026-04")]["value"]) == (2.0, 3.0)
    assert got[("I2", "2026-04")]["records"] == ["REC-2026-020", "REC-2026-021"]
    assert got[("I3", "2026-03")]["value"] == 3.25  # (4 + 2.5) / 2: c has no score
    assert got[("I3", "2026-04")]["value"] == 3.5  # (5 + 1 + 4.5) / 3
    assert (got[("I4", "2026Q1")]["value"], got[("I4", "2026Q2")]["value"]) == (6.5, 10.5)
    assert (got[("I5", "2026-03")]["value"], got[("I5", "2026-04")]["value"]) == (4.0, 4.5)  # a; then d, f
    assert got[("I6", "2026-03")]["value"] == 50.0  # of a and c, a passed with 4; c has no score
    assert got[("I6", "2026-04")]["value"] == pytest.approx(66.6667)  # d and f of d, e, f
    assert got[("I6", "2026-04")]["rows"] == 3


def test_a_csv_linked_inside_the_repository_is_read_and_one_outside_refused(repo: QmsRepo, tmp_path: Path) -> None:
    """Links are found by listing each CSV folder once: one inside is followed, one outside is M001."""
    repo.write("qms.yml", QMS_YML + TABLES)
    repo.write("manual/qm-03-quality-objectives.md", OBJECTIVES_DOC.format(objectives=INSPECTIONS))
    repo.write("exports/i20.csv", "item,score,passed,checked,inspector\na,4,yes,2026-03-02,li-na\n")
    repo.write("records/2026/rec-2026-020.md", record("REC-2026-020", "inspection", "2026-03-10", "data: i20.csv\n"))
    (repo.root / "records/2026/i20.csv").symlink_to(repo.root / "exports/i20.csv")
    (tmp_path / "secret.csv").write_text("item,score,passed,checked,inspector\nSECRET,9,yes,2026-04-02,li-na\n")
    repo.write("records/2026/rec-2026-021.md", record("REC-2026-021", "inspection", "2026-04-20", "data: i21.csv\n"))
    (repo.root / "records/2026/i21.csv").symlink_to(tmp_path / "secret.csv")
    run = repo.qms("objectives", "--period", "2026", "--format", "json")
    got = {(row["objective"], row["period"]): row for row in run.json()["objectives"]}
    assert got[("I3", "2026-03")]["value"] == 4.0 and got[("I3", "2026-04")]["value"] is None
    outside = [f for f in repo.check().findings if f["code"] == "M001"]
    assert [f["path"] for f in outside] == ["records/2026/rec-2026-021.md"]
    assert "'data: i21.csv' points outside the repository" in outside[0]["message"]
