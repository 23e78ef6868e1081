"""Build small, valid QMS repositories in temporary folders and run the real `qms` on them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

    def qms(self, *args: str, cwd: Path | None = None) -> QmsRun:
        return run_qms(*args, cwd=cwd or self.root)

    def check(self, *args: str) -> QmsRun:
        """`qms check --format json`, asserting it printed JSON and did not crash."""
        run = self.qms("check", "--format", "json", *args)
        assert run.code in (0, 1), f"exit {run.code}\n{run.stdout}\n{run.stderr}"
        assert "Traceback" not in run.stderr
        return run


def run_qms(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> QmsRun:
    """The real command, in a separate process, as a user would run it."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "qms", *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout,
    )
    return QmsRun(proc.returncode, proc.stdout, proc.stderr)


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

    def qms_as(self, who: str, *args: str, day: str | None = None) -> QmsRun:
        return run_qms(*args, cwd=self.root, env=self.identity(who, day))

    def history(self, doc_id: str) -> list[dict[str, Any]]:
        run = self.qms("history", doc_id, "--format", "json")
        assert run.code == 0, run.stderr
        return json.loads(run.stdout)

    def revise(self, rel: str, old: str, new: str, who: str = "li-na") -> str:
        """An edit committed by `who`."""
        self.edit(rel, old, new)
        return self.commit(f"Edit {rel}", who=who)
