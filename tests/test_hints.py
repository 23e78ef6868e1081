"""A finding keeps what is wrong (message) apart from what to do (hint); every format carries both."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from qmsrepo import GitQmsRepo, QmsRepo, QmsRun
from rich.console import Console

from qms.model import Finding
from qms.report import ci
from qms.report.findings import render_github, render_json, render_text
from qms.rules.runner import CheckResult

FINDING = Finding("procedures/qp-01.md", 7, "H008", "error", "a controlled document was deleted",
                  "restore it and make it obsolete instead")
RESULT = CheckResult([FINDING], documents=1, records=0, files=1)


def test_text_prints_the_hint_under_the_problem() -> None:
    console = Console(record=True, width=200, color_system=None)
    render_text(RESULT, console)
    lines = console.export_text().splitlines()
    problem = next(i for i, line in enumerate(lines) if "a controlled document was deleted" in line)
    assert "help: restore it and make it obsolete instead" in lines[problem + 1]
    assert "restore it" not in lines[problem]


def test_json_has_message_and_hint_apart() -> None:
    (found,) = json.loads(render_json(RESULT))["findings"]
    assert (found["message"], found["hint"]) == ("a controlled document was deleted",
                                                 "restore it and make it obsolete instead")


def test_a_finding_without_a_hint_has_null() -> None:
    bare = CheckResult([Finding("a.md", None, "F006", "warning", "not Markdown")], 0, 0, 1)
    assert json.loads(render_json(bare))["findings"][0]["hint"] is None


def test_sarif_fills_help_and_keeps_the_message() -> None:
    run = json.loads(ci.render_sarif(RESULT))["runs"][0]
    (result,) = run["results"]
    assert result["properties"]["help"] == "restore it and make it obsolete instead"
    assert result["message"]["text"].startswith("a controlled document was deleted")
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "H008" and rule["help"]["text"]


def test_one_line_formats_say_both() -> None:
    assert "deleted; restore it" in render_github(RESULT)
    assert "deleted; restore it" in ci.render_gitlab(RESULT)
    assert "deleted; restore it" in ci.render_markdown(RESULT)
    failure = ET.fromstring(ci.render_junit(RESULT)).find(".//failure")
    assert failure is not None and "deleted; restore it" in failure.get("message", "")


# --- every finding a check makes: the problem in `message`, the fix (where there is one) in `hint`

PROC = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"


def broken_in_many_ways(repo: QmsRepo) -> None:
    repo.edit(PROC, "effective: 2026-02-01\n", "")  # D001: a deleted key
    repo.edit(PROC, "references: [QM-01]", "references: [QP-99]\ncolour: blue\nreferencs: [QM-01]")  # R001, S001 x2
    repo.edit(REC, "retention: 3y", "retention: 3 years")  # D004
    repo.edit(REC, "status: closed", "status: closed\nstatus: open")  # F005


def message_and_hint(run: QmsRun) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for finding in run.findings:
        key = finding["code"] + (" " + finding["message"].split("'")[1] if finding["code"] == "S001" else "")
        assert key not in found, run.findings
        found[key] = (finding["message"], finding["hint"])
    return found


EXPECTED = {
    "D001": ("an effective document needs an effective date", "add 'effective: YYYY-MM-DD'"),
    "R001": ('references: "QP-99" is not the id of any document or record', None),
    "S001 colour": ("unknown key 'colour'", "remove it, or allow it in the repository's schemas/"),
    # A suggestion describes the problem: it stays in the message, and there is no other fix to give.
    "S001 referencs": ("unknown key 'referencs': did you mean \"references\"?", None),
    "D004": ('retention "3 years" is not a period',
             "write a number and a unit (d, w, m or y), such as 6m or 3y, a period after an event, such as "
             "5y after closed, or 'permanent'"),
    "F005": ("key 'status' appears twice (lines 9 and 10)", "keep one of them"),
}


def test_check_json_gives_each_problem_and_its_fix_apart(git_repo: GitQmsRepo) -> None:
    """The same split whether a file is parsed afresh or its findings come from the check cache."""
    broken_in_many_ways(git_repo)
    fresh = git_repo.check()
    assert fresh.code == 1
    assert message_and_hint(fresh) == EXPECTED
    assert (git_repo.root / ".git" / "qmskit" / "check-cache.pickle").is_file()
    cached = git_repo.check()
    assert message_and_hint(cached) == EXPECTED


def test_text_prints_a_help_line_only_under_a_finding_with_a_fix(repo: QmsRepo) -> None:
    broken_in_many_ways(repo)
    lines = repo.qms("check").stdout.splitlines()
    d001 = next(i for i, line in enumerate(lines) if " D001 " in line)
    assert lines[d001].rstrip().endswith("an effective document needs an effective date")
    assert lines[d001 + 1].split() == ["help:", "add", "'effective:", "YYYY-MM-DD'"]
    r001 = next(i for i, line in enumerate(lines) if " R001 " in line)
    assert "help:" not in lines[r001 + 1]


def test_history_findings_give_the_fix_apart(git_repo: GitQmsRepo) -> None:
    """Change control too: the commit and the problem in the message, what to do in the hint."""
    git_repo.remove(PROC)
    git_repo.edit("manual/qm-01-quality-manual.md", "Documents are controlled under [[QP-01]].", "")
    sha = git_repo.commit("Remove QP-01", who="li-na")
    run = git_repo.check("--history")
    (deleted,) = [f for f in run.findings if f["code"] == "H008"]
    assert deleted["message"] == f"commit {sha[:7]} by Li Na (li-na): a controlled document or record was deleted"
    assert deleted["hint"] == "restore it and make it obsolete instead (set status: obsolete)"


def test_github_joins_problem_and_fix_as_one_sentence(repo: QmsRepo) -> None:
    broken_in_many_ways(repo)
    out = repo.qms("check", "--format", "github").stdout
    assert "an effective document needs an effective date; add 'effective: YYYY-MM-DD'" in out
