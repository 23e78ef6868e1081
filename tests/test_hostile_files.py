"""Hostile files and output (issue 13, point 9): what a repository holds cannot hang a command, hide a finding,
write outside its folder, or become a formula in a spreadsheet.

Each test plants one attack in a real repository in a temporary folder and runs the real `qms` on it.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from qmsrepo import PROCEDURE, QmsRepo, only, run_qms

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
def test_a_fifo_named_md_is_reported_and_never_opened(repo: QmsRepo) -> None:
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
