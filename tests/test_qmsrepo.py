"""run_qms in this process gives what the real `python -m qms` process gives, and leaves this process as it was."""

from __future__ import annotations

import gc
import os
import sys

import pytest
from qmsrepo import GitQmsRepo, QmsRepo, run_qms_in_process, run_qms_process

PROC = "procedures/qp-01-document-control.md"

COMMANDS = {
    "check-text": ("check",),
    "check-json": ("check", "--format", "json"),
    "check-github": ("check", "--format", "github"),
    "check-unknown-format": ("check", "--format", "yaml"),
    "rules-table": ("rules",),
    "version": ("--version",),
    "help": ("check", "--help"),
    "no-command": ("history", "QP-99"),
    "history-text": ("history", "QP-01"),
    "register-table": ("register",),
    "diff": ("diff", "QP-01", "1", "2"),
}


@pytest.fixture(scope="module")
def broken_repo(tmp_path_factory: pytest.TempPathFactory) -> GitQmsRepo:
    """A git QMS with two findings (a missing effective date, an unknown owner role)."""
    repo = GitQmsRepo(tmp_path_factory.mktemp("parity") / "qms")
    repo.edit(PROC, "effective: 2026-02-01\n", "")
    repo.edit(PROC, "owner: document-controller", "owner: doc-controller")
    repo.commit("Two problems", who="li-na")
    return repo


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_in_process_and_process_give_the_same_code_and_output(broken_repo: GitQmsRepo, args: tuple[str, ...]) -> None:
    env = broken_repo.identity("chen-jing")
    in_process = run_qms_in_process(*args, cwd=broken_repo.root, env=env)
    process = run_qms_process(*args, cwd=broken_repo.root, env=env)
    assert in_process == process


def test_a_run_in_process_leaves_this_process_as_it_was(repo: QmsRepo) -> None:
    before = (os.getcwd(), dict(os.environ), sys.stdout, sys.stderr, gc.isenabled(), gc.get_freeze_count())
    run = run_qms_in_process("check", "--format", "json", cwd=repo.root, env={"QMS_PARITY_VARIABLE": "1"})
    assert run.code == 0, run.stderr
    assert (os.getcwd(), dict(os.environ), sys.stdout, sys.stderr, gc.isenabled(), gc.get_freeze_count()) == before


def test_output_is_no_terminal_and_has_no_colour(repo: QmsRepo) -> None:
    repo.edit(PROC, "owner: document-controller", "owner: doc-controller")
    run = run_qms_in_process("check", cwd=repo.root)
    assert run.code == 1 and "P001" in run.stdout
    assert "\x1b[" not in run.stdout + run.stderr
