"""Results measured from the records: tables carried by records, working days, and quality objectives computed
from them, each checked against values worked out by hand (docs/format.md, "Tables" and "Quality objectives")."""

from __future__ import annotations

from datetime import date

import pytest

from qms.load.workdays import calendar_from
from qms.publish.objectives import percentile_nearest_rank
from qms.publish.periods import parse_period
from tests.qmsrepo import QMS_YML, QmsRepo, find

TABLES = """\
record_kinds: [audit, nonconformity, satisfaction-survey, document-log]
tables:
  document-log:
    period_by: due
    columns:
      case: {type: text, required: true}
      received: {type: date, required: true}
      due: {type: date, required: true}
      completed: {type: date, not_before: received}
      handler: {type: person}
      complaint: {type: text, values: [none, valid, invalid]}
"""

OBJECTIVES = """\
objectives:
  - id: O1
    title: On-time completion
    owner: quality-manager
    clause: "6.2"
    target: ">= 98%"
    baseline: 96%
    period: month
    measure: {type: share, kind: document-log, where: "completed <= due"}
  - id: O2
    title: Handling time
    target: "<= 5 working days"
    baseline: 11
    period: month
    measure: {type: duration, kind: document-log, from: received, to: completed, stat: mean}
  - id: O2m
    title: Handling time, median
    period: month
    measure: {type: duration, kind: document-log, from: received, to: completed, stat: median}
  - id: O2p
    title: Handling time, 90th percentile
    period: month
    measure: {type: duration, kind: document-log, from: received, to: completed, stat: p90}
  - id: O3
    title: Finished the same day
    target: ">= 66.7%"
    period: month
    measure: {type: share, kind: document-log, where: "completed == received", of: "completed >= received"}
  - id: O4
    title: Valid complaints
    target: "== 0"
    period: month
    measure: {type: count, kind: document-log, where: "complaint == valid"}
  - id: O5
    title: Major errors
    target: "== 0"
    period: year
    measure: {type: count, kind: nonconformity, where: "severity == major"}
  - id: O6
    title: Satisfied
    target: ">= 90%"
    period: half-year
    measure: {type: value, kind: satisfaction-survey, field: satisfied_percent, stat: mean}
"""

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


def record(rid: str, kind: str, day: str, extra: str = "", status: str = "closed") -> str:
    return (f"---\nid: {rid}\ntitle: {kind} {rid}\ntype: record\nkind: {kind}\nprocedure: QP-01\ndate: {day}\n"
            f"owner: quality-manager\nstatus: {status}\nretention: 3y\n{extra}---\n\n# {rid}\n")


HEADER = "case,received,due,completed,handler,complaint\n"
JANUARY = HEADER + "J1,2026-01-05,2026-01-06,2026-01-05,li-na,none\nJ2,2026-01-07,2026-01-09,2026-01-07,li-na,none\n"
# Across the 2026 Spring Festival: 14 and 28 February are Saturdays made working days, 15-23 February a holiday.
FEBRUARY = HEADER + (
    "A,2026-02-13,2026-02-24,2026-02-24,li-na,none\n"      # Sat 14 (make-up) and Tue 24: 2 working days, on time
    "B,2026-02-12,2026-02-13,2026-02-12,li-na,none\n"      # same day, on time
    "C,2026-02-26,2026-02-27,2026-03-02,chen-jing,none\n"  # Fri 27, Sat 28 (make-up), Mon 2 March: 3, late
    "D,2026-02-10,2026-02-11,2026-02-10,li-na,valid\n"     # same day, on time, a valid complaint
    "E,2026-02-25,2026-02-26,,li-na,none\n"                # not completed: late, no duration
)


def results_repo(repo: QmsRepo, objectives: str = OBJECTIVES) -> QmsRepo:
    repo.write("qms.yml", QMS_YML + TABLES)
    repo.write("manual/qm-03-quality-objectives.md", OBJECTIVES_DOC.format(objectives=objectives))
    repo.write("records/2026/rec-2026-010.md", record("REC-2026-010", "document-log", "2026-01-31", "data: rec-2026-010.csv\n"))
    repo.write("records/2026/rec-2026-010.csv", JANUARY)
    repo.write("records/2026/rec-2026-011.md", record("REC-2026-011", "document-log", "2026-02-28", "data: rec-2026-011.csv\n"))
    repo.write("records/2026/rec-2026-011.csv", FEBRUARY)
    repo.write("records/2026/rec-2026-012.md", record("REC-2026-012", "nonconformity", "2026-02-16", "severity: major\n"))
    repo.write("records/2026/rec-2026-013.md", record("REC-2026-013", "nonconformity", "2026-03-16", "severity: minor\n"))
    repo.write("records/2026/rec-2026-014.md", record("REC-2026-014", "satisfaction-survey", "2026-06-30",
                                                      "respondents: 30\nsatisfied_percent: 94\n"))
    repo.write("records/2026/rec-2026-015.md", record("REC-2026-015", "satisfaction-survey", "2026-12-20",
                                                      "respondents: 30\nsatisfied_percent: 90\n"))
    return repo


def values(repo: QmsRepo, period: str) -> dict[tuple[str, str], dict]:
    run = repo.qms("objectives", "--period", period, "--format", "json")
    assert run.code == 0, (run.stdout + run.stderr)
    return {(row["objective"], row["period"]): row for row in run.json()["objectives"]}


def test_a_clean_repository_with_tables_and_objectives_passes_the_check(repo: QmsRepo) -> None:
    run = results_repo(repo).check()
    assert not [f for f in run.findings if f["code"].startswith("M")], (run.stdout + run.stderr)


def test_a_records_table_belongs_to_it_but_a_csv_nothing_names_is_f006(repo: QmsRepo) -> None:
    """The CSV a record names under `data:` is part of that record, as a linked file is, not a stray file."""
    results_repo(repo)
    repo.write("records/2026/export-draft.csv", HEADER)
    stray = [f["path"] for f in repo.check().findings if f["code"] == "F006"]
    assert stray == ["records/2026/export-draft.csv"]


def test_each_measure_matches_the_value_worked_out_by_hand(repo: QmsRepo) -> None:
    got = values(results_repo(repo), "2026-02")
    on_time = got[("O1", "2026-02")]
    assert on_time["value"] == 60.0  # A, B, D of five rows due in February
    assert on_time["state"] == "missed"
    assert on_time["previous"] == 100.0 and on_time["change_previous"] == -40.0  # both January rows on time
    assert on_time["change_baseline"] == -36.0
    assert on_time["records"] == ["REC-2026-011"] and on_time["rows"] == 5
    assert got[("O2", "2026-02")]["value"] == 1.25  # (2 + 0 + 3 + 0) / 4 working days
    assert got[("O2", "2026-02")]["state"] == "met"
    assert got[("O2m", "2026-02")]["value"] == 1.0  # median of 0, 0, 2, 3
    assert got[("O2p", "2026-02")]["value"] == 3.0  # nearest rank: the 4th of 4
    assert got[("O3", "2026-02")]["value"] == 50.0  # B and D of the four completed
    assert got[("O4", "2026-02")]["value"] == 1.0 and got[("O4", "2026-02")]["state"] == "missed"


def test_a_year_shows_each_period_of_the_objective_and_the_year_as_a_whole(repo: QmsRepo) -> None:
    got = values(results_repo(repo), "2026")
    assert got[("O1", "2026-01")]["value"] == 100.0
    assert got[("O1", "2026")]["value"] == pytest.approx(100 * 5 / 7, abs=1e-3)  # 2 of 2, then 3 of 5
    assert got[("O5", "2026")]["value"] == 1.0  # one major nonconformity; the minor one does not count
    assert got[("O5", "2026")]["records"] == ["REC-2026-012"]
    assert got[("O6", "2026H1")]["value"] == 94.0
    assert got[("O6", "2026H2")]["value"] == 90.0
    assert got[("O6", "2026")]["value"] == 92.0


def test_a_period_without_records_is_no_data_never_zero(repo: QmsRepo) -> None:
    got = values(results_repo(repo), "2026-04")
    assert got[("O1", "2026-04")]["value"] is None
    assert got[("O1", "2026-04")]["state"] == "no data"
    assert got[("O2", "2026-04")]["state"] == "no data"
    lines = repo.qms("objectives", "--period", "2026-04").stdout.splitlines()
    on_time = lines[lines.index(next(x for x in lines if x.startswith("O1 "))) + 1]
    assert on_time.split() == ["2026-04", "no", "data", "no", "data"]


def test_fail_on_miss_exits_1_and_without_it_0(repo: QmsRepo) -> None:
    results_repo(repo)
    assert repo.qms("objectives", "--period", "2026-02").code == 0
    assert repo.qms("objectives", "--period", "2026-02", "--fail-on-miss").code == 1
    assert repo.qms("objectives", "--period", "2026-01", "--fail-on-miss").code == 0


@pytest.mark.parametrize("fmt", ["text", "csv", "markdown"])
def test_every_format_shows_the_figures(repo: QmsRepo, fmt: str) -> None:
    run = results_repo(repo).qms("objectives", "--period", "2026-02", "--format", fmt)
    assert run.code == 0
    assert "60" in run.stdout and "1.25" in run.stdout and "REC-2026-011" in run.stdout


def test_a_bad_period_is_a_usage_error(repo: QmsRepo) -> None:
    run = results_repo(repo).qms("objectives", "--period", "2026-13")
    assert run.code == 2 and "--period 2026-13" in (run.stdout + run.stderr)


def test_a_bad_table_is_a_finding_at_each_row_and_column(repo: QmsRepo) -> None:
    results_repo(repo)
    repo.write("records/2026/rec-2026-011.csv",
               "case,received,completed,handler,complaint\n"
               "A,2026-02-31,2026-02-24,li-na,none\n"
               "B,2026-02-12,2026-02-10,nobody,maybe\n")
    run = repo.check()
    cells = {(f["path"], f["line"], f["message"]) for f in find(run, "M002")}
    path = "records/2026/rec-2026-011.csv"
    assert (path, 1, "row 1, column 'due': has no column 'due'") in cells
    assert (path, 2, "row 2, column 'received': 'received' is '2026-02-31', not a date YYYY-MM-DD") in cells
    assert (path, 3, "row 3, column 'completed': 'completed' 2026-02-10 is before 'received' 2026-02-12") in cells
    assert (path, 3, "row 3, column 'complaint': 'complaint' is 'maybe', not one of none, valid, invalid") in cells
    assert (path, 3, "row 3, column 'handler': 'nobody' is not in the roster") in cells
    assert run.code == 1


def test_a_missing_csv_or_a_kind_without_table_schema_is_m001(repo: QmsRepo) -> None:
    results_repo(repo)
    repo.remove("records/2026/rec-2026-010.csv")
    repo.edit("records/2026/rec-2026-012.md", "severity: major\n", "severity: major\ndata: nc.csv\n")
    found = find(repo.check(), "M001")
    assert {f["path"] for f in found} == {"records/2026/rec-2026-010.md", "records/2026/rec-2026-012.md"}
    assert any("does not exist" in f["message"] for f in found)
    assert any("no table schema" in f["message"] for f in found)


def test_a_csv_outside_the_repository_is_refused(repo: QmsRepo) -> None:
    results_repo(repo)
    repo.edit("records/2026/rec-2026-010.md", "data: rec-2026-010.csv", "data: ../../../outside.csv")
    (f,) = find(repo.check(), "M001")
    assert "outside the repository" in f["message"]


def test_an_objective_naming_an_unknown_kind_or_column_is_m003(repo: QmsRepo) -> None:
    bad = OBJECTIVES.replace("kind: nonconformity", "kind: complaints").replace(
        'where: "completed <= due"', 'where: "finished <= due"')
    results_repo(repo, bad)
    found = find(repo.check(), "M003")
    messages = " ".join(f["message"] for f in found)
    assert "kind 'complaints' is not a record kind" in messages
    assert "names no column 'finished'" in messages
    assert all(f["path"] == "manual/qm-03-quality-objectives.md" and f["line"] for f in found)
    run = repo.qms("objectives", "--period", "2026-02", "--format", "json")
    assert run.code == 0 and "M003" in run.stderr
    assert {row["objective"] for row in run.json()["objectives"]} >= {"O2", "O3"}


def test_a_measure_that_divides_by_zero_is_m004_not_zero(repo: QmsRepo) -> None:
    divides = OBJECTIVES + ('  - id: O9\n    title: Referred on time\n    period: month\n'
                            '    measure: {type: share, kind: document-log, where: "completed <= due", '
                            'of: "complaint == invalid"}\n')
    results_repo(repo, divides)
    run = repo.qms("objectives", "--period", "2026-02", "--format", "json")
    row = next(r for r in run.json()["objectives"] if r["objective"] == "O9")
    assert row["value"] is None and row["state"] == "undefined"
    assert "M004" in run.stderr and "divides by zero" in run.stderr


def test_objectives_in_a_file_the_document_names(repo: QmsRepo) -> None:
    results_repo(repo, "objectives: manual/objectives.yml\n")
    repo.write("manual/objectives.yml", OBJECTIVES)
    got = values(repo, "2026-02")
    assert got[("O1", "2026-02")]["value"] == 60.0


def test_working_days_across_a_holiday_and_make_up_days() -> None:
    calendar = calendar_from({})
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert calendar.working_days_between(date(2026, 2, 26), date(2026, 3, 2)) == 3
    assert calendar.working_days_between(date(2026, 2, 12), date(2026, 2, 12)) == 0
    weekends_only = calendar_from({"country": "none"})
    assert weekends_only.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 7


def test_qms_yml_adds_days_off_and_working_days() -> None:
    calendar = calendar_from({"holidays": ["2026-03-03"], "working_days": ["2026-03-07"]})
    assert not calendar.is_working_day(date(2026, 3, 3))
    assert calendar.is_working_day(date(2026, 3, 7))
    assert calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 5  # 4,5,6,7(Sat),9


def test_periods_and_percentiles() -> None:
    assert parse_period("2026Q3").label == "2026Q3" and parse_period("2026h1").label == "2026H1"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026H1").previous().label == "2025H2"
    assert [p.label for p in parse_period("2026H2").split("quarter")] == ["2026Q3", "2026Q4"]
    assert parse_period("2026-13") is None
    assert percentile_nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9


def test_a_csv_linked_outside_the_repository_is_refused(repo: QmsRepo, tmp_path_factory) -> None:
    results_repo(repo)
    outside = tmp_path_factory.mktemp("outside") / "secret.csv"
    outside.write_text(JANUARY.replace("J1", "SECRET"), encoding="utf-8")
    (repo.root / "records/2026/rec-2026-010.csv").unlink()
    (repo.root / "records/2026/rec-2026-010.csv").symlink_to(outside)
    run = repo.check()
    (f,) = find(run, "M001")
    assert "outside the repository" in f["message"] and "SECRET" not in run.stdout


SQL = """\
objectives:
  - id: S1
    title: On time, by SQL
    target: ">= 98%"
    period: month
    measure:
      type: sql
      query: >-
        select 100.0 * sum(completed <> '' and completed <= due) / count(*)
        from document_log where due >= :start and due < :end
  - id: S2
    title: Major errors, by SQL
    period: year
    measure:
      type: sql
      query: "select count(*) from records where kind = 'nonconformity'
              and json_extract(data, '$.severity') = 'major' and date >= :start and date < :end"
"""


def test_an_sql_measure_reads_the_records_and_tables(repo: QmsRepo) -> None:
    got = values(results_repo(repo, SQL), "2026-02")
    assert got[("S1", "2026-02")]["value"] == 60.0 and got[("S1", "2026-02")]["previous"] == 100.0
    assert got[("S2", "2026-02")]["value"] == 1.0
    assert values(repo, "2026-04")[("S1", "2026-04")]["state"] == "no data"  # 0 / 0 is NULL, not 0%


@pytest.mark.parametrize("query, said", [
    ("delete from records", "not authorized"),
    ("insert into records values ('x', 'x', 'x', 'x', 'x')", "not authorized"),
    ("attach database '/tmp/x.db' as x", "not authorized"),
    ("with recursive n(i) as (select 1 union all select i + 1 from n) select max(i) from n", "ran longer than 0.2 s"),
    ("select x from nowhere", "no such table"),
])
def test_an_sql_measure_may_only_read_and_only_for_a_while(repo: QmsRepo, query: str, said: str) -> None:
    results_repo(repo, "objectives:\n  - id: S9\n    title: Bad\n    period: month\n"
                       f"    measure: {{type: sql, seconds: 0.2, query: \"{query}\"}}\n")
    run = repo.qms("objectives", "--period", "2026-02", "--format", "json")
    assert run.code == 0
    assert "M003" in run.stderr and said in run.stderr
    assert run.json()["objectives"][0]["value"] is None
    assert repo.qms("objectives", "--period", "2026-02", "--fail-on-miss").code == 1


def test_a_bad_calendar_day_or_period_column_is_a_clear_message(repo: QmsRepo) -> None:
    results_repo(repo)
    repo.write("qms.yml", QMS_YML + TABLES.replace("period_by: due", "period_by: deadline")
               + "calendar:\n  holidays: [2026-02-30]\n")
    run = repo.qms("objectives", "--period", "2026-02")
    assert run.code == 2 and "'2026-02-30' is not a day of the calendar" in run.stderr
    assert "Traceback" not in run.stderr
    repo.write("qms.yml", QMS_YML + TABLES.replace("period_by: due", "period_by: deadline"))
    assert "period_by 'deadline' (qms.yml) is not one of its columns" in " ".join(
        f["message"] for f in find(repo.check(), "M003"))


def test_a_condition_on_a_yes_no_column_reads_the_words_the_cells_are_written_in(repo: QmsRepo) -> None:
    """A boolean column's cells are read as yes/no: `extended == yes` and `extended == 1` match the same rows."""
    results_repo(repo, OBJECTIVES + (
        '  - {id: O7, title: Extended, period: month, measure: {type: share, kind: document-log, '
        'where: "extended == yes"}}\n'
        '  - {id: O7n, title: Not extended, period: month, measure: {type: count, kind: document-log, '
        'where: "extended == 0"}}\n'))
    repo.write("qms.yml", QMS_YML + TABLES + "      extended: {type: boolean}\n")
    repo.write("records/2026/rec-2026-011.csv", "".join(
        line + (",extended\n" if n == 0 else ",yes\n" if n in (1, 3) else ",no\n")
        for n, line in enumerate(FEBRUARY.splitlines())))
    repo.write("records/2026/rec-2026-010.csv", JANUARY.replace("\n", ",no\n").replace("complaint,no", "complaint,extended"))
    got = values(repo, "2026-02")
    assert got[("O7", "2026-02")]["value"] == 40.0  # A and C of five
    assert got[("O7n", "2026-02")]["value"] == 3.0   # B, D, E
