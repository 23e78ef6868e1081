"""The sample office's document-handling logs: tools/generate_logs.py writes them, and writes the same bytes
every time, on China's working days, as the records that tell of them say."""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from qms.load.workdays import WorkCalendar

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "generate_logs.py"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("generate_logs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def files(generator) -> dict[str, str]:
    return generator.generate()


def rows(files: dict[str, str], year: str | None = None) -> list[dict[str, str]]:
    return [row for path, text in sorted(files.items()) if path.endswith(".csv") and (year is None or f"/{year}/" in path)
            for row in csv.DictReader(io.StringIO(text))]


def test_regenerating_gives_the_committed_files_byte_for_byte(generator, files, tmp_path: Path) -> None:
    committed = {p.relative_to(ROOT).as_posix() for p in (ROOT / "records").rglob("rec-*-1[01][0-9]-document-log.*")}
    assert set(files) == committed
    for path, text in files.items():
        assert (ROOT / path).read_bytes() == text.encode("utf-8"), f"{path}: run python tools/generate_logs.py"
    assert generator.main(["--root", str(tmp_path)]) == 0  # a second run, into an empty folder
    for path, text in files.items():
        assert (tmp_path / path).read_bytes() == text.encode("utf-8"), path
    assert generator.main(["--root", str(tmp_path), "--check"]) == 0
    (tmp_path / "records/2026/rec-2026-111-document-log.csv").write_text("case\n", encoding="utf-8")
    assert generator.main(["--root", str(tmp_path), "--check"]) == 1


def test_one_log_a_month_about_three_thousand_documents_a_year(files) -> None:
    logs = sorted(p for p in files if p.endswith(".md"))
    assert len(logs) == 23 and logs[0].endswith("rec-2025-101-document-log.md")
    assert logs[-1].endswith("rec-2026-111-document-log.md")
    assert len(rows(files, "2025")) == 3051  # January to December
    assert len(rows(files, "2026")) == 2778  # January to November


def test_dates_follow_chinas_working_days_and_the_time_limits(files) -> None:
    calendar = WorkCalendar(country="CN")
    every = rows(files)
    received = Counter(date.fromisoformat(r["received"]) for r in every)
    assert all(calendar.is_working_day(day) for day in received)
    # Make-up working Saturdays are worked (Spring Festival 2025 and 2026, National Day 2025); holidays are not.
    assert {date(2025, 1, 26), date(2026, 2, 14), date(2025, 9, 28)} <= set(received)
    assert not {date(2025, 10, 1), date(2026, 2, 17), date(2025, 5, 1)} & set(received)
    # WI-04-01 A/0 gave ordinary documents 15 working days; A/1, in force from 2026-01-01, gives them 5.
    before, after = {"special-urgent": 0, "urgent": 2, "ordinary": 15}, {"special-urgent": 0, "urgent": 2, "ordinary": 5}
    for row in every:
        start, due = date.fromisoformat(row["received"]), date.fromisoformat(row["due"])
        limits = after if start >= date(2026, 1, 1) else before
        if row["extended"] == "no":  # an extension moves the limit
            assert calendar.working_days_between(start, due) == limits[row["priority"]], row["case"]
        else:
            assert start >= date(2026, 1, 1) and row["priority"] == "ordinary", row["case"]
        assert row["complaint"] in ("none", "invalid")


def test_the_late_documents_the_records_tell_of_are_in_the_logs(files) -> None:
    calendar = WorkCalendar(country="CN")
    by_case = {r["case"]: r for r in rows(files)}
    # The three the 2025 internal audit sampled (REC-2025-002, REC-2025-003): registered, completed, working days.
    for case, registered, completed, days in (("收〔2025〕0469", "2025-03-04", "2025-03-27", 17),
                                              ("收〔2025〕0553", "2025-03-11", "2025-04-08", 19),
                                              ("收〔2025〕0638", "2025-03-18", "2025-04-21", 23)):
        row = by_case[case]
        assert (row["priority"], row["received"], row["completed"]) == ("ordinary", registered, completed)
        assert calendar.working_days_between(date.fromisoformat(registered), date.fromisoformat(completed)) == days
    # REC-2025-003: 44 of the 992 ordinary documents due in January to May 2025 past their 15 working days, in
    # every month; none registered after the warning came on (2025-12-01, REC-2025-004), none in 2026.
    ordinary = [r for r in rows(files) if r["priority"] == "ordinary"]
    late = [r for r in ordinary if not r["completed"] or r["completed"] > r["due"]]
    to_may = [r for r in ordinary if r["due"] < "2025-06"]
    assert (len([r for r in late if r["due"] < "2025-06"]), len(to_may)) == (44, 992)
    assert Counter(r["due"][:7] for r in late if r["due"] < "2025-06") == {
        "2025-01": 8, "2025-02": 11, "2025-03": 8, "2025-04": 14, "2025-05": 3}
    assert all(r["received"] < "2025-12-01" for r in late)
    urgent = by_case["收〔2026〕2328"]  # REC-2026-008
    assert (urgent["priority"], urgent["due"], urgent["completed"], urgent["handler"]) == (
        "urgent", "2026-10-22", "2026-10-23", "he-jun")
