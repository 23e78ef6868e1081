"""Hostile files and output (issue 13, point 9): what a repository holds cannot hang a command, hide a finding,
write outside its folder, or become a formula in a spreadsheet.

Each test plants one attack in a real repository in a temporary folder and runs the real `qms` on it.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from qmsrepo import PROCEDURE, QMS_YML, GitQmsRepo, QmsRepo, only, run_qms

from qms.cli import main

PROC = "procedures/qp-01-document-control.md"


def _release(fifo: Path) -> None:
    """Open the FIFO's writing end and close it, so that a reader stuck on it (before the fix) sees its end."""
    for _ in range(10):
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:  # ENXIO: nobody is reading it
            return


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_named_md_is_reported_and_never_opened(git_repo: GitQmsRepo) -> None:
    repo = git_repo  # the register reads what git holds, and the folder walk for its roles and people
    fifo = repo.root / "procedures" / "qp-09-pipe.md"
    os.mkfifo(fifo)
    try:
        run = run_qms("check", "--format", "json", cwd=repo.root, timeout=60)
        assert run.code == 1, run.stderr
        hit = only(run, "F012")
        assert (hit["path"], hit["severity"]) == ("procedures/qp-09-pipe.md", "error")
        assert "FIFO" in hit["message"] and hit["hint"]
        register = run_qms("register", cwd=repo.root, timeout=60)
        assert register.code == 0, register.stderr
    finally:
        _release(fifo)


def test_an_unreadable_folder_is_reported(repo: QmsRepo, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    locked = repo.root / "procedures" / "locked"
    repo.write("procedures/locked/qp-02-locked.md", PROCEDURE.replace("QP-01", "QP-02"))
    # The tests run as root, and chmod 000 does not keep root out; so the folder is locked (which is enough for any
    # other user) and os.scandir is also made to refuse it as it would refuse anyone else. That needs the command
    # in this process: qms.cli.main, not a separate `qms`.
    real_scandir = os.scandir

    def refusing_scandir(path: str | os.PathLike[str]) -> Iterator[os.DirEntry[str]]:
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    locked.chmod(0)
    try:
        code = main(["-C", str(repo.root), "check", "--format", "json"])
    finally:
        locked.chmod(0o755)
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    (hit,) = [f for f in findings if f["code"] == "F013"]
    assert (hit["path"], hit["line"], hit["severity"]) == ("procedures/locked", None, "error")
    assert "Permission denied" in hit["message"]
    assert "permissions" in hit["hint"]


ESC_TITLE = "\x1b[2J"  # clears the screen
ESC_AUTHOR = "Zhao \x1b]0;x\x07Ming"  # sets the terminal's title
ESC_FILE = "procedures/qp-01-\x1b[2J.txt"


def test_control_characters_never_reach_the_terminal(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    repo.edit(PROC, "title: Document Control", 'title: "Document Control \\e[2J\\x9b2J"')
    repo.edit(PROC, "owner: document-controller", 'owner: "doc\\e[2Jcontroller\\rX"')
    repo.write(ESC_FILE, "scratch\n")
    repo.git("add", "-A")
    stranger = {"GIT_AUTHOR_NAME": ESC_AUTHOR, "GIT_AUTHOR_EMAIL": "zhao@elsewhere.example",
                "GIT_COMMITTER_NAME": ESC_AUTHOR, "GIT_COMMITTER_EMAIL": "zhao@elsewhere.example"}
    repo.git("commit", "-q", "-m", "Hostile title", env=stranger)
    runs = {
        "check": repo.qms("check"),
        "check --format github": repo.qms("check", "--format", "github"),
        "check --format markdown": repo.qms("check", "--format", "markdown"),
        "check --format junit": repo.qms("check", "--format", "junit"),
        "history": repo.qms("history"),
        "history --format csv": repo.qms("history", "--format", "csv"),
        "register": repo.qms("register"),
        "register --format csv": repo.qms("register", "--format", "csv"),
    }
    # JSON escapes control characters itself (json.dumps), and keeps the value as it is.
    assert any("doc\x1b[2Jcontroller\rX" in f["message"] for f in repo.check().findings)
    repo.write("qms.yml", QMS_YML + 'types: {"a\\e[2J": {folder: a, id_pattern: "("}}\n')
    runs["error"] = repo.qms("check")
    for name, run in runs.items():
        shown = run.stdout + run.stderr
        assert not any(c in shown for c in "\x1b\x07\x9b\r"), f"qms {name}: {shown!r}"
    assert runs["error"].code == 2 and "id_pattern of a\\x1b[2J" in runs["error"].stderr
    assert "doc\\x1b[2Jcontroller\\rX" in runs["check"].stdout
    assert "doc\\x1b[2Jcontroller%0DX" in runs["check --format github"].stdout  # the format's own escape
    assert "Document Control \\x1b[2J\\x9b2J" in runs["history"].stdout
    assert "Zhao \\x1b]0;x\\x07Ming" in runs["history"].stdout
    assert "Zhao \\x1b]0;x\\x07Ming" in runs["history --format csv"].stdout
    assert "Document Control \\x1b[2J\\x9b2J" in runs["register"].stdout


def test_full_width_digits_do_not_make_an_id(repo: QmsRepo) -> None:
    wide = "procedures/qp-07-wide.md"
    repo.write("procedures/qp-07-control.md", PROCEDURE.replace("QP-01", "QP-07"))
    repo.write(wide, PROCEDURE.replace("QP-01", "QP-\uff10\uff17"))  # QP- and full-width 0 and 7
    run = repo.check()
    hit = only(run, "I002")
    assert hit["path"] == wide
    refused = repo.qms("new", "procedure", "--title", "Wide", "--id", "QP-\uff10\uff18")
    assert refused.code == 2 and "is not an id of a procedure" in refused.stderr


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if ".git" not in p.parts}


@pytest.mark.parametrize("doc_id", ["../../escape", "../escape", "sub/../../escape"])
def test_new_never_writes_outside_the_types_folder(repo: QmsRepo, tmp_path: Path, doc_id: str) -> None:
    repo.write("qms.yml", QMS_YML + "types: {note: {folder: notes, id_pattern: '.+'}}\n")
    repo.write("notes/.gitkeep", "")
    before = _files(tmp_path)
    run = repo.qms("new", "note", "--title", "Escape", "--id", doc_id, "--owner", "quality-manager",
                   "--approver", "director")
    assert _files(tmp_path) == before
    assert run.code == 2, run.stdout + run.stderr
    assert f"--id {doc_id}" in run.stderr and "outside notes/" in run.stderr


def test_new_keeps_an_id_that_stays_in_the_folder(repo: QmsRepo) -> None:
    repo.write("qms.yml", QMS_YML + "types: {note: {folder: notes, id_pattern: '.+'}}\n")
    run = repo.qms("new", "note", "--title", "Inside", "--id", "N-1", "--owner", "quality-manager",
                   "--approver", "director")
    assert run.code == 0, run.stderr
    assert (repo.root / "notes" / "n-1-inside.md").is_file()


def test_pdf_never_writes_outside_its_folder(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    repo = git_repo
    repo.write("qms.yml", QMS_YML + "types: {note: {folder: notes, id_pattern: '.+'}}\n")
    repo.write("notes/escape.md", PROCEDURE.replace("id: QP-01", "id: ../../pdf-escape").replace("type: procedure", "type: note"))
    repo.commit("A note whose id climbs out", who="li-na")
    (repo.root / "copies").mkdir()
    before = _files(tmp_path)
    run = repo.qms("pdf", "../../pdf-escape", "--output-dir", "copies")
    assert _files(tmp_path) == before
    assert run.code == 2, run.stdout + run.stderr
    assert "notes/escape.md: the id ../../pdf-escape would put its copy at ../../pdf-escape_rev2.pdf" in run.stderr


FORMULA = '=HYPERLINK("http://x","y")'


def _cells(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


def test_csv_cells_never_start_a_formula(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    repo.edit(PROC, "title: Document Control", "title: '=HYPERLINK(\"http://x\",\"y\")'")
    repo.edit(PROC, "revision: 2", "revision: 3")
    repo.edit(PROC, "change: Adds electronic approval.", "change: '@SUM(1+1)'")
    repo.git("add", "-A")
    formula_author = {"GIT_AUTHOR_NAME": "-2+3", "GIT_AUTHOR_EMAIL": "x@elsewhere.example",
                      "GIT_COMMITTER_NAME": "-2+3", "GIT_COMMITTER_EMAIL": "x@elsewhere.example"}
    repo.git("commit", "-q", "-m", "Formulas", env=formula_author)
    register = repo.qms("register", "--format", "csv")
    assert register.code == 0, register.stderr
    assert "'" + FORMULA in _cells(register.stdout)
    assert FORMULA not in _cells(register.stdout)
    trail = repo.qms("history", "--format", "csv")
    assert trail.code == 0, trail.stderr
    cells = _cells(trail.stdout)
    assert {"'@SUM(1+1)", "'-2+3"} <= cells
    assert not {"@SUM(1+1)", "-2+3"} & cells
    # Everything else is as it was: the date, the id and the email are untouched.
    assert {"QP-01", "x@elsewhere.example"} <= cells


HOSTILE = "\x1b[2J\x7f\x85\x9b2J"  # ESC, DEL, NEL (C1) and CSI (C1)


def test_del_and_c1_controls_never_reach_json_sarif_gitlab_or_csv(git_repo: GitQmsRepo) -> None:
    """JSON keeps the value (as `\\u007f` escapes); every other format shows the escape; none carries the byte."""
    repo = git_repo
    repo.edit(PROC, "title: Document Control", 'title: "Document Control \\e[2J\\x7f\\x85\\x9b2J"')
    repo.edit(PROC, "owner: document-controller", 'owner: "doc\\e[2J\\x7f\\x85\\x9b2Jcontroller"')
    repo.git("add", "-A")
    author = f"Zhao {HOSTILE}Ming"
    stranger = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "zhao@elsewhere.example",
                "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "zhao@elsewhere.example"}
    repo.git("commit", "-q", "-m", "Hostile title", env=stranger)
    runs = {f"check --format {f}": repo.qms("check", "--format", f)
            for f in ("json", "sarif", "gitlab", "github", "junit", "markdown")}
    runs |= {f"history --format {f}": repo.qms("history", "--format", f) for f in ("json", "csv")}
    runs |= {f"register --format {f}": repo.qms("register", "--format", f) for f in ("json", "csv")}
    for name, run in runs.items():
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", run.stdout + run.stderr), f"qms {name}: {run.stdout!r}"
    messages = [f["message"] for f in json.loads(runs["check --format json"].stdout)["findings"]]
    assert any(f"doc{HOSTILE}controller" in m for m in messages)  # lossless
    assert "\\u007f\\u0085\\u009b" in runs["check --format json"].stdout
    assert any(f"doc{HOSTILE}controller" in r["message"]["text"]
               for r in json.loads(runs["check --format sarif"].stdout)["runs"][0]["results"])
    assert any(f"doc{HOSTILE}controller" in i["description"] for i in json.loads(runs["check --format gitlab"].stdout))
    history = json.loads(runs["history --format json"].stdout)
    assert any(row["title"] == f"Document Control {HOSTILE}" for row in history)
    assert any(a["name"] == author for row in history for a in row["authors"])
    assert any(row["title"] == f"Document Control {HOSTILE}" for row in json.loads(runs["register --format json"].stdout))
    assert "Zhao \\x1b[2J\\x7f\\x85\\x9b2JMing" in runs["history --format csv"].stdout
