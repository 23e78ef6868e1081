"""Build small, valid QMS repositories in temporary folders and run the real `qms` on them.

`run_qms` runs the command in this process (`qms.cli.main`, as the console script does), with the
working folder, environment and standard output and error the separate process would have; starting
a Python process for every command made the suite slow. `run_qms(..., process=True)` starts the real
`python -m qms` process, for what only a process shows: signals, exit of the interpreter, time and
memory limits, environment read at start-up (PYTHONPATH), `qms serve` (which replaces the process).
"""

from __future__ import annotations

import gc
import io
import json
import locale
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

QMS_YML = """\
organisation: Test Office
language: en
revision_scheme: integer
review_months: 12
roles: manual/roles.yml
people: manual/people.yml
"""

ROLES_YML = """\
roles:
  - id: director
    title: Director
    reports_to: null
  - id: quality-manager
    title: Quality Manager
    reports_to: director
  - id: document-controller
    title: Document Controller
    reports_to: quality-manager
"""

PEOPLE_YML = """\
people:
  - id: wang-li
    name: Wang Li
    emails: [wang.li@office.example]
    roles: [director]
  - id: chen-jing
    name: Chen Jing
    emails: [chen.jing@office.example]
    roles: [quality-manager, document-controller]
  - id: li-na
    name: Li Na
    emails: [li.na@office.example]
    roles: [document-controller]
"""

MANUAL = """\
---
id: QM-01
title: Quality Manual
type: manual
revision: 1
status: effective
owner: quality-manager
approvers: [director]
effective: 2026-01-05
clauses: ["4.3", "7.5"]
---

# Quality Manual

Documents are controlled under [[QP-01]].
"""

PROCEDURE = """\
---
id: QP-01
title: Document Control
type: procedure
revision: 2
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-02-01
change: Adds electronic approval.
references: [QM-01]
---

# Document Control

See the [quality manual](../manual/qm-01-quality-manual.md).
"""

RECORD = """\
---
id: REC-2026-001
title: Internal audit of document control
type: record
kind: audit
procedure: QP-01
date: 2026-03-10
owner: quality-manager
status: closed
retention: 3y
auditors: [wang-li]
---

# Internal audit of document control

No nonconformities found.
"""

BASE_FILES = {
    "qms.yml": QMS_YML,
    "manual/roles.yml": ROLES_YML,
    "manual/people.yml": PEOPLE_YML,
    "manual/qm-01-quality-manual.md": MANUAL,
    "procedures/qp-01-document-control.md": PROCEDURE,
    "records/2026/rec-2026-001-audit.md": RECORD,
}


@dataclass
class QmsRun:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.json()["findings"]

    def codes(self) -> set[str]:
        return {f["code"] for f in self.findings}


class QmsRepo:
    """A QMS repository in a temporary folder, valid until a test changes it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for rel, text in BASE_FILES.items():
            self.write(rel, text)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        (self.root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def qms(self, *args: str, cwd: Path | None = None, process: bool = False) -> QmsRun:
        return run_qms(*args, cwd=cwd or self.root, process=process)

    def check(self, *args: str) -> QmsRun:
        """`qms check --format json`, asserting it printed JSON and did not crash."""
        run = self.qms("check", "--format", "json", *args)
        assert run.code in (0, 1), f"exit {run.code}\n{run.stdout}\n{run.stderr}"
        assert "Traceback" not in run.stderr
        return run


def run_qms(*args: str, cwd: Path, env: dict[str, str] | None = None, process: bool = False,
            timeout: float = 120) -> QmsRun:
    """`qms ARGS` started in `cwd` with `env` on top of this process's environment.

    In this process unless `process` is true or the run needs a process of its own (see `_needs_process`).
    """
    if process or _needs_process(args, env or {}):
        return run_qms_process(*args, cwd=cwd, env=env, timeout=timeout)
    return run_qms_in_process(*args, cwd=cwd, env=env)


def run_qms_process(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> QmsRun:
    """The real command, in a separate process, as a user would run it."""
    env = {**os.environ, **RUN_ENV, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "qms", *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout,
    )
    return QmsRun(proc.returncode, proc.stdout, proc.stderr)


# What every run sees, in either way of running it: no colour, and lines as wide as a wide terminal's.
RUN_ENV = {"NO_COLOR": "1", "COLUMNS": "200"}
# Options of `qms` itself that take a value, before the command's name.
_ROOT_OPTIONS_WITH_VALUE = {"-C", "--directory"}
# Only a process of its own has these: `serve` becomes MkDocs (os.execve); PYTHON* variables are read when
# the interpreter starts; QMS_TEST_* hooks stop the command so that a test can kill it.
_PROCESS_COMMANDS = {"serve"}
_PROCESS_VARIABLES = ("PYTHON", "QMS_TEST_")


def _command(args: tuple[str, ...]) -> str | None:
    """The command's name in `qms [OPTIONS] COMMAND ...`."""
    items = iter(args)
    for arg in items:
        if arg in _ROOT_OPTIONS_WITH_VALUE:
            next(items, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _needs_process(args: tuple[str, ...], env: dict[str, str]) -> bool:
    changes_start_up = any(key.startswith(_PROCESS_VARIABLES) and os.environ.get(key) != value for key, value in env.items())
    return (_command(args) in _PROCESS_COMMANDS or changes_start_up
            or threading.current_thread() is not threading.main_thread())


def run_qms_in_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> QmsRun:
    """`qms.cli.main(args)` in this process, seeing what `python -m qms` would see.

    For the call: the working folder is `cwd`; os.environ has RUN_ENV and `env` on top; standard output
    and error, both Python's sys.stdout/sys.stderr and file descriptors 1 and 2 (which the programs qms
    starts write to), go to files that are no terminal. Afterwards all of it is put back, and the cycle
    collector is as it was (`qms check` disables and freezes it for its run). Output is decoded as
    `subprocess.run(..., text=True)` decodes it.
    """
    from qms.cli import main

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with _working_folder(cwd), _environment({**RUN_ENV, **(env or {})}), _garbage_collector(), \
                _captured_output(out, err):
            code = main(list(args))
        return QmsRun(code, _decoded(out), _decoded(err))


@contextmanager
def _working_folder(cwd: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)


@contextmanager
def _environment(changes: dict[str, str]) -> Iterator[None]:
    before = dict(os.environ)
    os.environ.update(changes)
    # tempfile keeps the folder it found first; a run given its own TMPDIR looks again, as a process would.
    tempdir = tempfile.tempdir
    if {"TMPDIR", "TEMP", "TMP"} & changes.keys():
        tempfile.tempdir = None
    try:
        yield
    finally:
        tempfile.tempdir = tempdir
        for key in [key for key in os.environ if key not in before]:
            del os.environ[key]
        for key, value in before.items():
            if os.environ.get(key) != value:
                os.environ[key] = value


@contextmanager
def _garbage_collector() -> Iterator[None]:
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    try:
        yield
    finally:
        if gc.get_freeze_count() != frozen:
            gc.unfreeze()  # what the run froze goes back to the collector, or every run's objects would stay
        if enabled:
            gc.enable()
        else:
            gc.disable()


@contextmanager
def _captured_output(out: BinaryIO, err: BinaryIO) -> Iterator[None]:
    """Standard output and error into `out` and `err`, Python's streams and descriptors 1 and 2 both."""
    encoding = locale.getpreferredencoding(False)  # what a child process's sys.stdout would use
    streams = sys.stdout, sys.stderr
    for stream in streams:
        stream.flush()
    saved = os.dup(1), os.dup(2)
    try:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        # Unbuffered, on the same files as descriptors 1 and 2: Python's and child processes' output in
        # the order it was written. The error modes are those of Python's own standard streams.
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding, errors="strict",
                                      write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=encoding,
                                      errors="backslashreplace", write_through=True)
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                stream.flush()
        sys.stdout, sys.stderr = streams
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def _decoded(file: BinaryIO) -> str:
    """The file's bytes as `subprocess.run(..., text=True)` gives them: locale encoding, universal newlines."""
    file.seek(0)
    text = file.read().decode(locale.getpreferredencoding(False))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def find(run: QmsRun, code: str) -> list[dict[str, Any]]:
    return [f for f in run.findings if f["code"] == code]


def failing(repo: QmsRepo, code: str) -> dict[str, Any]:
    """Check, expect exit 1 (errors found), and return the one finding with `code`."""
    run = repo.check()
    assert run.code == 1
    return only(run, code)


def assert_clean(repo: QmsRepo) -> None:
    run = repo.check()
    assert (run.code, run.findings) == (0, [])


def only(run: QmsRun, code: str) -> dict[str, Any]:
    """The single finding with `code`; fails listing everything found otherwise."""
    hits = find(run, code)
    assert len(hits) == 1, f"expected one {code}, got {run.findings}"
    return hits[0]


PEOPLE = {
    "wang-li": ("Wang Li", "wang.li@office.example"),
    "chen-jing": ("Chen Jing", "chen.jing@office.example"),
    "li-na": ("Li Na", "li.na@office.example"),
    "stranger": ("Zhao Ming", "zhao.ming@elsewhere.example"),
}


class GitQmsRepo(QmsRepo):
    """A QMS repository under git, whose commits are made by named people at fixed times.

    The base documents are committed on 2026-01-01 and tagged qms-baseline, the adoption
    baseline, so they count as approved before adoption; everything after must follow the rules.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.write("qms.yml", QMS_YML + "baseline: qms-baseline\n")
        self.clock = 0
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "user.name", "Nobody")
        self.git("config", "user.email", "nobody@example.invalid")
        self.commit("Adopt the QMS", who="li-na", day="2026-01-01")
        self.git("tag", "qms-baseline")

    def identity(self, who: str, day: str | None = None) -> dict[str, str]:
        self.clock += 1
        name, email = PEOPLE[who]
        when = f"{day or '2026-02-01'}T{8 + self.clock // 60 % 12:02d}:{self.clock % 60:02d}:00+00:00"
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": when,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": when}

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True,
                              env={**os.environ, **(env or {})})
        assert proc.returncode == 0, f"git {args}: {proc.stderr}"
        return proc.stdout.strip()

    def commit(self, message: str, who: str, day: str | None = None) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env=self.identity(who, day))
        return self.git("rev-parse", "HEAD")

    def commit_rules(self, message: str, who: str = "chen-jing", approver: str = "wang-li") -> None:
        """Commit a change to qms.yml, the roster or the roles registry, and have it approved (by the director)."""
        self.commit(message, who=who)
        changed = self.git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").split()
        run = self.qms_as(approver, "approve", *changed)
        assert run.code == 0, run.stderr

    def qms_as(self, who: str, *args: str, day: str | None = None, process: bool = False) -> QmsRun:
        return run_qms(*args, cwd=self.root, env=self.identity(who, day), process=process)

    def history(self, doc_id: str) -> list[dict[str, Any]]:
        run = self.qms("history", doc_id, "--format", "json")
        assert run.code == 0, run.stderr
        return json.loads(run.stdout)

    def revise(self, rel: str, old: str, new: str, who: str = "li-na") -> str:
        """An edit committed by `who`."""
        self.edit(rel, old, new)
        return self.commit(f"Edit {rel}", who=who)
