"""Issue 18's "Bad input gets a clear message", end to end: each bad input is a finding with its file and line or
row, from `qms check` and from the commands that compute from the records (`qms objectives`, `qms scorecard`,
`qms review-pack`), and nothing crashes or computes a figure from it as if it were good."""

from __future__ import annotations

import pytest

from tests.qmsrepo import QmsRepo, find
from tests.test_objectives import FEBRUARY, HEADER, OBJECTIVES, results_repo, values
from tests.test_scorecard import nc

DIVIDES = OBJECTIVES + ('  - id: O9\n    title: Referred on time\n    period: month\n'
                        '    measure: {type: share, kind: document-log, where: "completed <= due", '
                        'of: "complaint == invalid"}\n')


def line_of(repo: QmsRepo, rel: str, text: str) -> int:
    return next(i for i, x in enumerate(repo.read(rel).splitlines(), start=1) if text in x)


def test_a_csv_without_a_column_is_named_by_qms_objectives_too_not_only_by_the_check(repo: QmsRepo) -> None:
    results_repo(repo)
    repo.write("records/2026/rec-2026-011.csv", FEBRUARY.replace(HEADER, "case,received,completed,handler,complaint\n")
               .replace(",2026-02-24,2026-02-24,", ",2026-02-24,").replace(",2026-02-13,2026-02-12,", ",2026-02-12,")
               .replace(",2026-02-27,2026-03-02,", ",2026-03-02,").replace(",2026-02-11,2026-02-10,", ",2026-02-10,")
               .replace(",2026-02-26,,", ",,"))
    said = "records/2026/rec-2026-011.csv:1: error M002 row 1, column 'due': has no column 'due'"
    run = repo.qms("objectives", "--period", "2026-02")
    assert run.code == 0 and said in run.stderr  # February's "no data" says why
    assert repo.qms("objectives", "--period", "2026-02", "--fail-on-miss").code == 1
    pack = repo.qms("review-pack", "--period", "2026H1")
    assert pack.code == 0 and said in pack.stderr


def test_a_completed_date_before_received_is_a_finding_and_no_negative_duration(repo: QmsRepo) -> None:
    results_repo(repo)
    # F: received on Thursday 26 February, completed on Wednesday 25: -1 working day, had it counted.
    repo.write("records/2026/rec-2026-011.csv", FEBRUARY + "F,2026-02-26,2026-02-27,2026-02-25,li-na,none\n")
    (cell,) = [f for f in find(repo.check(), "M002") if f["line"] == 7]
    assert cell["path"] == "records/2026/rec-2026-011.csv"
    assert cell["message"] == "row 7, column 'completed': 'completed' 2026-02-25 is before 'received' 2026-02-26"
    got = values(repo, "2026-02")
    assert got[("O2", "2026-02")]["value"] == 1.25  # still (2 + 0 + 3 + 0) / 4, not (2 + 0 + 3 + 0 - 1) / 5
    assert got[("O2", "2026-02")]["rows"] == 4
    assert got[("O2m", "2026-02")]["value"] == 1.0


def test_a_bad_date_drops_out_of_the_figures_and_is_a_finding_at_its_row(repo: QmsRepo) -> None:
    results_repo(repo)
    repo.write("records/2026/rec-2026-011.csv", FEBRUARY.replace("B,2026-02-12,", "B,2026-02-30,"))
    (cell,) = [f for f in find(repo.check(), "M002") if f["line"] == 3]
    assert cell["message"] == "row 3, column 'received': 'received' is '2026-02-30', not a date YYYY-MM-DD"
    got = values(repo, "2026-02")
    assert got[("O2", "2026-02")]["value"] == round((2 + 3 + 0) / 3, 4)  # B has no start: no duration
    assert got[("O1", "2026-02")]["value"] == 60.0  # its due and completed dates still count it on time


def test_a_measure_that_divides_by_zero_names_the_objective_s_file_and_line(repo: QmsRepo) -> None:
    results_repo(repo, DIVIDES)
    run = repo.qms("objectives", "--period", "2026-02")
    line = line_of(repo, "manual/qm-03-quality-objectives.md", "id: O9")
    assert f"manual/qm-03-quality-objectives.md:{line}: warning M004 objective O9 divides by zero in 2026-02" \
           in run.stderr
    assert run.code == 0 and "Traceback" not in run.stderr
    pack = repo.qms("review-pack", "--period", "2026H1")
    assert pack.code == 0 and "| O9 | 2026-02 | undefined | undefined |" in pack.stdout


def test_an_objective_naming_an_unknown_kind_or_column_points_at_its_own_line(repo: QmsRepo) -> None:
    bad = OBJECTIVES.replace("kind: nonconformity", "kind: complaints").replace(
        'where: "completed <= due"', 'where: "finished <= due"')
    results_repo(repo, bad)
    rel = "manual/qm-03-quality-objectives.md"
    found = {f["line"]: f["message"] for f in find(repo.check(), "M003")}
    assert "kind 'complaints' is not a record kind" in found[line_of(repo, rel, "kind: complaints")]
    assert "names no column 'finished'" in found[line_of(repo, rel, "finished <= due")]


def test_a_scorecard_record_naming_an_unknown_person_is_m006_at_the_responsible_line(repo: QmsRepo) -> None:
    results_repo(repo)
    rel = "records/2026/rec-2026-105.md"
    repo.write(rel, nc("REC-2026-105", "2026-11-12", "zhang-san", 1))
    (finding,) = find(repo.check(), "M006")
    assert finding["path"] == rel and finding["line"] == line_of(repo, rel, "responsible: zhang-san")
    run = repo.qms("scorecard", "--month", "2026-11")
    assert run.code == 1 and f"{rel}:{finding['line']}: error M006" in run.stderr


@pytest.mark.parametrize("command", [
    ("check",), ("objectives", "--period", "2026"), ("objectives", "--period", "2026-02", "--format", "json"),
    ("scorecard", "--year", "2026"), ("review-pack", "--period", "2026H1"), ("review-pack", "--period", "2026"),
])
def test_every_bad_input_at_once_crashes_nothing(repo: QmsRepo, command: tuple[str, ...]) -> None:
    results_repo(repo, DIVIDES.replace("kind: nonconformity", "kind: complaints"))
    repo.write("records/2026/rec-2026-010.csv", "case,received,completed\nJ1,2026-01-05,2026-01-04\n,,\n")
    repo.write("records/2026/rec-2026-011.csv", FEBRUARY.replace("B,2026-02-12,", "B,2026-02-30,")
               + "F,2026-02-20,2026-02-27,2026-02-18,nobody,maybe\n\"unclosed,quote\n")
    repo.write("records/2026/rec-2026-105.md", nc("REC-2026-105", "2026-11-12", "zhang-san", 1))
    repo.write("records/2026/rec-2026-106.md", nc("REC-2026-106", "2026-11-13", "li-na", -2))
    run = repo.qms(*command)
    assert "Traceback" not in run.stderr and "unexpected error" not in run.stderr, run.stderr
    assert run.code in (0, 1), (run.code, run.stderr)


def test_an_objective_counted_by_a_column_that_is_not_a_date_is_m003_not_no_data(repo: QmsRepo) -> None:
    results_repo(repo, OBJECTIVES + ('  - id: O8\n    title: On time by handler\n    period: month\n'
                                     '    measure: {type: share, kind: document-log, where: "completed <= due", '
                                     'by: handler}\n'))
    rel = "manual/qm-03-quality-objectives.md"
    found = {f["line"]: f["message"] for f in find(repo.check(), "M003")}
    assert found == {line_of(repo, rel, "by: handler"):
                     "objective O8: 'by: handler' is not a date column of the document-log table: a row's period is a day"}
    assert "Traceback" not in repo.qms("objectives", "--period", "2026-02").stderr
