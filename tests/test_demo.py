"""The demo repository: built from the sample, reproducible, and a faithful approval history."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from qmsrepo import QmsRun, run_qms

from qms.commands.demo import DemoError, DemoSummary, build_demo
from qms.errors import QmsError

pytestmark = pytest.mark.slow  # builds the demo repository, several times

SAMPLE = Path(__file__).resolve().parent.parent  # what the demo must end at
# The demo is built from `sample` (tests/conftest.py), a copy of SAMPLE in a repository of its own, so that
# the check build_demo starts with keeps its cache there and not in this checkout's git folder.
FOLDERS = ("manual", "procedures", "records")


def git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # e.g. GIT_DIR inside a hook
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout


def qms_check(root: Path, *args: str) -> tuple[int, dict]:
    # On a fixed day: one open corrective action is past due (U010), another falls due on 2026-12-15, and later its
    # audits and retentions come due too; the findings the demo shows on purpose are judged on its last day.
    run = run_qms("check", "--format", "json", "--as-of", "2026-12-06", *args, cwd=root)
    return run.code, json.loads(run.stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, sample: Path) -> DemoSummary:
    return build_demo(tmp_path_factory.mktemp("demo") / "qms-demo", sample)


def test_two_builds_give_the_same_commits(demo: DemoSummary, tmp_path: Path, sample: Path) -> None:
    again = build_demo(tmp_path / "again", sample)
    assert git(again.path, "rev-parse", "HEAD") == git(demo.path, "rev-parse", "HEAD")
    assert again.head == demo.head and again.commits == demo.commits


def test_the_history_ends_at_the_sample(demo: DemoSummary) -> None:
    sample = {p.relative_to(SAMPLE) for folder in FOLDERS for p in (SAMPLE / folder).rglob("*") if p.is_file()}
    built = {p.relative_to(demo.path) for folder in FOLDERS for p in (demo.path / folder).rglob("*") if p.is_file()}
    assert built == sample
    for path in sample:
        assert (demo.path / path).read_bytes() == (SAMPLE / path).read_bytes(), path
    for path in (p.relative_to(SAMPLE) for p in (SAMPLE / "schemas").rglob("*") if p.is_file()):
        assert (demo.path / path).read_bytes() == (SAMPLE / path).read_bytes(), path
    # qms.yml is the sample's without an adoption baseline: in the demo, git is the record from the start.
    settings = (demo.path / "qms.yml").read_text(encoding="utf-8")
    assert "baseline:" not in settings
    assert set(settings.splitlines()) <= set((SAMPLE / "qms.yml").read_text(encoding="utf-8").splitlines())
    assert git(demo.path, "status", "--porcelain") == ""
    # 14 records of the story, 6 more (a record due for disposal, nonconformities that charge points, an action
    # past due, the 2026 survey) and 23 monthly document-handling logs, January 2025 to November 2026.
    assert demo.documents == 30 and demo.records == 14 + 6 + 23
    logs = sorted(p.name for p in (demo.path / "records").rglob("*-document-log.csv"))
    assert len(logs) == 23 and logs[0] == "rec-2025-101-document-log.csv" and logs[-1] == "rec-2026-111-document-log.csv"


def test_the_demo_passes_the_check(demo: DemoSummary) -> None:
    # Without --history, only what it shows on purpose that needs no history: an action past due, a record to dispose of.
    code, report = qms_check(demo.path)
    assert code == 0
    assert [(f["code"], f["path"]) for f in report["findings"]] == [
        ("U016", "records/2025/rec-2025-008-fire-drill.md"), ("U010", "records/2026/rec-2026-010-ca-one-room-diary.md")]


def test_change_control_passes_and_warns_only_of_the_self_approvals(demo: DemoSummary) -> None:
    # Every other commit follows the approval model; the story's self-approvals are refused (a warning),
    # and QP-02 B/0 is in force on the deputy director's proper approval, so the history passes.
    # Judged on a fixed day: later, more periodic reviews come due, as in the office.
    code, report = qms_check(demo.path, "--history", "--as-of", "2026-12-06")
    assert code == 0
    found = [(f["code"], f["severity"], f["path"]) for f in report["findings"] if f["code"] == "H010"]
    assert found == [("H010", "warning", "procedures/qp-02-document-control.md"),
                     ("H010", "warning", "procedures/wi-04-03-public-requests.md")]
    assert all("segregation of duties" in f["message"] for f in report["findings"] if f["code"] == "H010")
    # The story's supervision findings, on purpose: EXT-02 left out of the 2026 review round, and the
    # documents that rely on WI-07-01, revised after their review.
    # And an action past due (REC-2026-010, due 2026-11-30) and a record past its retention (REC-2025-008, 1y).
    supervision = [(f["code"], f["path"]) for f in report["findings"] if f["code"] != "H010"]
    assert supervision == [("U001", "manual/external/ext-02-official-documents-regulations.md"),
                           ("U003", "manual/external/ext-02-official-documents-regulations.md"),
                           ("U003", "manual/qm-01-quality-manual.md"),
                           ("U003", "procedures/qp-07-computer-network.md"),
                           ("U016", "records/2025/rec-2025-008-fire-drill.md"),
                           ("U010", "records/2026/rec-2026-010-ca-one-room-diary.md")]
    assert demo.self_approvals == ["QP-02@B/0 by chen-jing", "WI-04-03@A/0 by zhou-min"]


def test_history_has_a_merged_approval_branch(demo: DemoSummary) -> None:
    merges = git(demo.path, "rev-list", "--merges", "HEAD").split()
    assert len(merges) == 1
    brought = git(demo.path, "log", "--format=%ae %(trailers:key=Approves,valueonly,separator=%x2c)",
                  f"{merges[0]}^1..{merges[0]}^2").strip()
    assert brought == "chen.jing@office.example QP-05@A/1,QP-09@A/1"
    assert git(demo.path, "branch", "--list", demo.merged_branch).strip()


def test_history_follows_the_renamed_procedure(demo: DemoSummary) -> None:
    doc_id, old, new = demo.renamed
    assert (doc_id, new) == ("QP-08", "procedures/qp-08-procurement.md")
    log = git(demo.path, "log", "--follow", "--name-status", "--format=", "--", new).split("\n")
    assert any(line.startswith("R") and line.split("\t")[1:] == [old, new] for line in log)
    assert not (demo.path / old).exists()


def test_approvals_carry_trailers_and_change_only_the_lifecycle(demo: DemoSummary) -> None:
    shas = git(demo.path, "log", "--format=%H", "--grep=^Approves:").split()
    per_commit = [git(demo.path, "log", "-1", "--format=%(trailers:key=Approves,valueonly)", sha).split()
                  for sha in shas]
    assert max(len(trailers) for trailers in per_commit) >= 2
    for sha in shas:
        diff = git(demo.path, "show", "--format=", "-U0", "--first-parent", sha).splitlines()
        changed = [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert all(line[1:].startswith(("status: ", "effective: ")) for line in changed), sha


def test_withdrawn_procedure_names_its_successor(demo: DemoSummary) -> None:
    assert (demo.obsolete, demo.superseded_by) == ("QP-13", "QP-14")
    log = git(demo.path, "log", "--format=%s", "--", "procedures/qp-13-preventive-action.md").splitlines()
    assert log[0] == "Withdraw QP-13: superseded by QP-14"


def test_commit_dates_span_the_story(demo: DemoSummary) -> None:
    dates = git(demo.path, "log", "--format=%ad", "--date=short").split()
    assert (min(dates), max(dates)) == ("2024-07-01", "2026-12-04")
    assert demo.commits == len(dates)


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path, sample: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me\n", encoding="utf-8")
    with pytest.raises(DemoError, match="not empty") as raised:
        build_demo(tmp_path, sample)
    assert isinstance(raised.value, QmsError)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me\n"


def test_builds_into_an_empty_folder_and_needs_a_sample(tmp_path: Path, sample: Path) -> None:
    with pytest.raises(DemoError, match="no sample"):
        build_demo(tmp_path / "demo", tmp_path)
    (tmp_path / "empty").mkdir()
    assert build_demo(tmp_path / "empty", sample).commits > 50


def test_history_agrees_with_git_log_follow_for_every_file(demo: DemoSummary) -> None:
    """For every document and record: the same commits, authors and dates as `git log --follow`."""
    run = run_qms("history", "--format", "json", cwd=demo.path)
    assert run.code == 0, run.stderr
    by_path: dict[str, list[tuple[str, str, str]]] = {}
    for row in json.loads(run.stdout):
        by_path.setdefault(row["path"], [])
        # A merge's own row repeats what its branch brought in; git log --follow shows the branch commits.
        by_path[row["path"]] += [(c["commit"], c["author"], c["date"]) for c in row["commits"]
                                 if len(git(demo.path, "rev-list", "--parents", "-n1", c["commit"]).split()) <= 2]
    assert len(by_path) == demo.documents + demo.records
    # git log --follow also takes a new file for a copy of a similar one already there (it looks for copies
    # harder), and the monthly document-handling logs are alike by design; so it follows only renamed files.
    renamed = {line.split("\t")[2] for line in git(demo.path, "log", "-M", "--name-status", "--format=").splitlines()
               if line.startswith("R")}
    assert "procedures/qp-08-procurement.md" in renamed
    for path, ours in by_path.items():
        follow = git(demo.path, "log", *(["--follow"] if path in renamed else []), "--format=%H|%an|%aI", "--",
                     path).splitlines()[::-1]
        assert ours == [tuple(line.split("|")) for line in follow], path


def test_qms_demo_command_builds_keeps_and_refuses(tmp_path: Path, sample: Path) -> None:
    """A second run keeps an identical demo; a changed one, or any other folder, is refused untouched."""
    target = tmp_path / "demo"

    def demo_command() -> QmsRun:
        return run_qms("demo", str(target), cwd=sample)

    run = demo_command()
    assert run.code == 0, run.stderr
    assert f"Built the demo QMS in {target}" in run.stdout
    again = demo_command()
    assert again.code == 0, again.stderr
    assert f"Kept the demo QMS in {target}" in again.stdout
    manual = target / "manual" / "qm-01-quality-manual.md"
    manual.write_text("my own work\n", encoding="utf-8")
    refused = demo_command()
    assert refused.code == 2
    assert "already exists and is not this demo" in refused.stderr
    assert manual.read_text(encoding="utf-8") == "my own work\n"


def test_qms_demo_outside_a_qms_replays_the_sample_office_qmskit_ships(tmp_path: Path) -> None:
    """Run from any folder (here, an empty one), `qms demo` needs no checkout of qmskit: it replays the
    sample office that comes with it, and the result is the demo built from this checkout."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = run_qms("demo", "office", cwd=elsewhere)
    assert run.code == 0, run.stderr
    assert "Built the demo QMS in office: 103 commits, 30 documents and 43 records." in run.stdout
    built = elsewhere / "office"
    assert (built / "qms.yml").is_file() and (built / "procedures").is_dir()
    check = run_qms("check", cwd=built)
    assert check.code == 0, check.stdout + check.stderr
