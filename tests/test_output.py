"""Output of `qms check`: the json contract, text for people, GitHub annotations, and exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from qmsrepo import QmsRepo, run_qms

PROC = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"
NOTES = "procedures/notes.txt"
COMMA = "procedures/a,b.md"


def mixed_findings(repo: QmsRepo) -> None:
    """Two errors in one procedure, one in a record, and a warning with no line."""
    repo.edit(PROC, "effective: 2026-02-01\n", "")  # D001, line 6
    repo.edit(PROC, "owner: document-controller", "owner: doc-controller")  # P001, line 7
    repo.edit(REC, "retention: 3y", "retention: 3 years")  # D004, line 10
    repo.write(NOTES, "scratch notes\n")  # F006, no line


def awkward_file(repo: QmsRepo) -> None:
    """A file whose path has a comma and whose status holds '%' and a line break (S001, line 6)."""
    text = repo.read(PROC).replace("QP-01", "QP-02").replace("status: effective", 'status: "50%\\nready"')
    repo.write(COMMA, text)


# --- json


def test_json_has_exactly_the_contract_shape(repo: QmsRepo) -> None:
    """Tools read {"findings": [{code, severity, path, line, message, hint}], "summary": {...}}."""
    mixed_findings(repo)
    run = repo.check()
    payload = run.json()
    assert set(payload) == {"findings", "summary"}
    assert payload["findings"]
    for finding in payload["findings"]:
        assert set(finding) == {"code", "severity", "path", "line", "message", "hint"}
        assert re.fullmatch(r"[FSIRPD]\d{3}", finding["code"])
        assert finding["severity"] in ("error", "warning")
        assert not Path(finding["path"]).is_absolute() and "\\" not in finding["path"]
        assert (repo.root / finding["path"]).exists()
        assert finding["line"] is None or (isinstance(finding["line"], int) and finding["line"] >= 1)
        assert isinstance(finding["message"], str) and finding["message"]
        assert finding["hint"] is None or (isinstance(finding["hint"], str) and finding["hint"])
    assert [(f["path"], f["line"], f["code"]) for f in payload["findings"]] == [
        (NOTES, None, "F006"),
        (PROC, 6, "D001"),
        (PROC, 7, "P001"),
        (REC, 10, "D004"),
    ]


def test_json_summary_counts(repo: QmsRepo) -> None:
    """The summary counts errors and warnings, documents and records."""
    mixed_findings(repo)
    summary = repo.check().json()["summary"]
    assert summary["errors"] == 3
    assert summary["warnings"] == 1
    assert (summary["documents"], summary["records"]) == (2, 1)


def test_json_clean_repository(repo: QmsRepo) -> None:
    """A clean repository prints an empty findings list and zero counts."""
    payload = repo.check().json()
    assert payload["findings"] == []
    assert (payload["summary"]["errors"], payload["summary"]["warnings"]) == (0, 0)


def test_json_keeps_non_ascii_readable(repo: QmsRepo) -> None:
    """Chinese file names stay readable in json (not \\u escapes) and round-trip."""
    repo.write("procedures/qp-02-记录.md", "# 记录\n")
    run = repo.check()
    assert "procedures/qp-02-记录.md" in run.stdout
    assert run.findings[0]["path"] == "procedures/qp-02-记录.md"


# --- text


def test_text_groups_by_file_and_ends_with_summary(repo: QmsRepo) -> None:
    """People see each file once, its findings under it, and one summary line at the end."""
    mixed_findings(repo)
    run = repo.qms("check")
    assert run.code == 1
    assert "\x1b[" not in run.stdout  # NO_COLOR: plain text
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    headers = [line for line in lines if not line.startswith(" ")]
    assert headers[:-1] == [NOTES, PROC, REC]
    assert lines[-1] == "Found 3 errors and 1 warning in 3 files: 2 documents and 1 record checked."
    assert re.fullmatch(r"\s+-\s+warning\s+F006\s+this file is not Markdown.*", lines[1])
    proc_block = lines[lines.index(PROC) + 1 : lines.index(REC)]
    assert [line.split()[:3] for line in proc_block] == [["6", "error", "D001"], ["7", "error", "P001"]]
    assert 'owner "doc-controller" is not a role' in proc_block[1]


def test_text_shows_brackets_literally(repo: QmsRepo) -> None:
    """A file name or value that looks like terminal markup ([bold]) is printed as written."""
    repo.write("procedures/[bold]draft[/bold].txt", "x\n")
    repo.edit(PROC, "status: effective", 'status: "[red]ok[/red]"')
    out = repo.qms("check").stdout
    assert "procedures/[bold]draft[/bold].txt" in out.splitlines()
    assert '(found "[red]ok[/red]")' in out


def test_text_clean_repository(repo: QmsRepo) -> None:
    """A clean repository prints a single reassuring line."""
    run = repo.qms("check")
    assert run.code == 0
    assert run.stdout.strip().splitlines() == ["No problems found: 2 documents and 1 record checked."]


def test_text_warnings_only(repo: QmsRepo) -> None:
    """Only a warning: exit 0, and the summary says 1 warning."""
    repo.write(NOTES, "scratch\n")
    run = repo.qms("check")
    assert run.code == 0
    assert run.stdout.strip().splitlines()[-1].startswith("Found 1 warning in 1 file")


# --- github


def test_github_annotations(repo: QmsRepo) -> None:
    """GitHub Actions gets one ::error/::warning line per finding, with file, line and title."""
    mixed_findings(repo)
    run = repo.qms("check", "--format", "github")
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"::warning file={NOTES},title=qms F006::this file is not Markdown")
    assert lines[1] == (
        f"::error file={PROC},line=6,title=qms D001::"
        "an effective document needs an effective date: add 'effective: YYYY-MM-DD'"
    )
    assert lines[2].startswith(f"::error file={PROC},line=7,title=qms P001::owner \"doc-controller\"")
    assert lines[3].startswith(f"::error file={REC},line=10,title=qms D004::")
    assert sum(line.startswith("::") for line in lines) == 4
    assert lines[-1] == "qms check: 3 errors, 1 warning, 2 documents and 1 record checked"


def test_github_escapes_comma_percent_and_newline(repo: QmsRepo) -> None:
    """A path with ',' is escaped as a property; '%' and a line break are escaped in the message."""
    awkward_file(repo)
    run = repo.qms("check", "--format", "github")
    assert run.code == 1
    annotations = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=procedures/a%2Cb.md,line=6,title=qms S001::"
        'status must be one of draft, review, effective, obsolete (found "50%25%0Aready")'
    ]


def test_github_escapes_colon_in_path(repo: QmsRepo) -> None:
    """A ':' in a file name must not end the property list early."""
    repo.write("procedures/notes:old.txt", "x\n")
    run = repo.qms("check", "--format", "github")
    assert run.code == 0
    assert run.stdout.splitlines()[0].startswith("::warning file=procedures/notes%3Aold.txt,title=qms F006::")


def test_json_keeps_raw_path_and_message(repo: QmsRepo) -> None:
    """The same awkward finding in json is not escaped: path and message are as they are."""
    awkward_file(repo)
    finding = repo.check().findings[0]
    assert finding["path"] == COMMA
    assert '(found "50%\nready")' in finding["message"]


# --- exit codes


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_exit_codes_in_every_format(repo: QmsRepo, fmt: str) -> None:
    """0 when clean, 0 with warnings only, 1 with an error, whatever the format."""
    assert repo.qms("check", "--format", fmt).code == 0
    repo.write(NOTES, "scratch\n")
    assert repo.qms("check", "--format", fmt).code == 0
    repo.edit(PROC, "effective: 2026-02-01\n", "")
    assert repo.qms("check", "--format", fmt).code == 1


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_exit_2_when_check_cannot_run(tmp_path: Path, fmt: str) -> None:
    """Not a QMS repository: exit 2, nothing on stdout, whatever the format."""
    run = run_qms("check", "--format", fmt, cwd=tmp_path)
    assert run.code == 2
    assert run.stdout == ""
    assert "is not a QMS repository" in run.stderr
    assert "Traceback" not in run.stderr
