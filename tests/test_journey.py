"""The path a new organisation takes, as one acceptance test (issue 14).

Three people, each with their own clone of a shared repository: Li Na, the document controller, starts the
QMS with `qms init` and writes; Wang Li (top management) and Chen Jing (quality manager) approve. The starter
set is approved together in one pull request by both; a later pull request forgets the new revision in its
first commit and adds it in a second; its approval takes effect on a later date, and the site shows the
revision in force before and after that date. At every step the pull-request check (`qms check --since`)
and the audit of the main branch afterwards (`qms check --history`) agree, for each merge setting the docs
support.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from qmsrepo import QmsRun, run_qms

from qms.text.dates import current_day

pytestmark = pytest.mark.slow  # a dozen clones and commits, and two site builds

PEOPLE = {
    "li-na": ("Li Na", "li.na@harbour.example", ["document-controller"]),
    "wang-li": ("Wang Li", "wang.li@harbour.example", ["top-management"]),
    "chen-jing": ("Chen Jing", "chen.jing@harbour.example", ["quality-manager"]),
}
QP01 = "procedures/qp-01-document-control.md"
STARTER = ["QM-01", "QM-02", "QM-03", "QM-04", "QP-01"]
TODAY = current_day()  # the suite's day (QMS_TODAY)
LATER = TODAY + timedelta(days=14)
_CLOCK = itertools.count()


def _now() -> dict[str, str]:
    """Each git command a second after the last, on the suite's day: the team works today, whatever the clock says."""
    tick = next(_CLOCK)
    stamp = f"{TODAY.isoformat()}T{8 + tick // 3600 % 12:02d}:{tick // 60 % 60:02d}:{tick % 60:02d}+00:00"
    return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


@dataclass
class Clone:
    """One person's own clone of the shared repository."""

    who: str
    root: Path

    def git(self, *args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True,
                              env={**os.environ, "GIT_EDITOR": "true", **_now()})
        assert proc.returncode == 0, f"{self.who}: git {' '.join(args)}\n{proc.stdout}{proc.stderr}"
        return proc.stdout.strip()

    def qms(self, *args: str) -> QmsRun:
        run = run_qms(*args, cwd=self.root, env=_now())
        assert "Traceback" not in run.stderr, run.stderr
        return run

    def ok(self, *args: str) -> QmsRun:
        run = self.qms(*args)
        assert run.code == 0, f"{self.who}: qms {' '.join(args)} exited {run.code}\n{run.stdout}{run.stderr}"
        return run

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def switch(self, branch: str) -> None:
        self.git("fetch", "-q", "origin")
        self.git("switch", "-q", branch)
        self.git("merge", "-q", "--ff-only", f"origin/{branch}")

    def verdict(self, *args: str) -> int:
        """The exit code of `qms check ARGS`: 0 clean, 1 errors."""
        run = self.qms("check", *args)
        assert run.code in (0, 1), run.stdout + run.stderr
        return run.code


def clone(origin: Path, into: Path, who: str) -> Clone:
    subprocess.run(["git", "clone", "-q", str(origin), str(into)], check=True, capture_output=True)
    person = Clone(who, into)
    name, email, _ = PEOPLE[who]
    person.git("config", "user.name", name)
    person.git("config", "user.email", email)
    person.git("config", "commit.gpgsign", "false")
    return person


def roster() -> str:
    lines = ["people:"]
    for pid, (name, email, roles) in PEOPLE.items():
        lines += [f"  - id: {pid}", f"    name: {name}", f"    emails: [{email}]", f"    roles: [{', '.join(roles)}]"]
    return "\n".join(lines) + "\n"


def merge(main: Clone, branch: str, how: str) -> None:
    """Land `branch` on main as the forge would with the team's merge setting, and push."""
    main.switch("main")
    main.git("fetch", "-q", "origin", branch)
    if how == "merge":
        main.git("merge", "-q", "--no-ff", "-m", f"Merge pull request: {branch}", f"origin/{branch}")
    elif how == "fast-forward":
        main.git("merge", "-q", "--ff-only", f"origin/{branch}")
    elif how == "rebase":
        main.git("rebase", "-q", "HEAD", f"origin/{branch}")  # replay onto main, as a rebase merge does
        main.git("switch", "-q", "-C", "main")
    main.git("push", "-q", "origin", "main")


def start(tmp_path: Path, merge_setting: str = "merge") -> dict[str, Clone]:
    """The shared repository, started by Li Na with `qms init`, with Wang Li and Chen Jing in the roster.

    `merge_setting` is the team's forge setting as qms.yml declares it (`merge:`): merge commits (and
    squash), or rebase (and fast-forward).
    """
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    li = clone(origin, tmp_path / "li-na", "li-na")
    li.ok("init", "--organisation", "Harbour Office", ".")
    li.git("push", "-q", "origin", "main")
    assert li.verdict() == 0

    # The roster names the approvers: a change to the rules of approval, approved by the new top management.
    wang = clone(origin, tmp_path / "wang-li", "wang-li")
    chen = clone(origin, tmp_path / "chen-jing", "chen-jing")
    li.git("switch", "-q", "-c", "roster")
    (li.root / "manual" / "people.yml").write_text(roster(), encoding="utf-8")
    li.commit("Name the people who approve")
    li.git("push", "-q", "origin", "roster")
    wang.switch("roster")
    wang.ok("approve", "manual/people.yml")
    wang.git("push", "-q", "origin", "roster")
    li.switch("roster")
    assert li.verdict("--since", "origin/main") == 0
    merge(li, "roster", "merge")
    assert li.verdict("--history") == 0
    if merge_setting != "merge":
        # The team's forge lands pull requests by rebase: a change to the rules of approval, approved as such.
        li.git("switch", "-q", "-c", "merge-setting")
        with (li.root / "qms.yml").open("a", encoding="utf-8") as settings:
            settings.write(f"\n# How pull requests land on main.\nmerge: {merge_setting}\n")
        li.commit("Pull requests land by rebase")
        li.git("push", "-q", "origin", "merge-setting")
        wang.switch("merge-setting")
        wang.ok("approve", "qms.yml")
        wang.git("push", "-q", "origin", "merge-setting")
        li.switch("merge-setting")
        assert li.verdict("--since", "origin/main") == 0
        merge(li, "merge-setting", "merge")
        assert li.verdict("--history") == 0
    return {"li-na": li, "wang-li": wang, "chen-jing": chen}


@pytest.fixture
def team(tmp_path: Path) -> dict[str, Clone]:
    return start(tmp_path)


def approve_starter_set(team: dict[str, Clone]) -> None:
    """One pull request: Li Na puts the five documents up for review, Wang Li and Chen Jing approve theirs."""
    li, wang, chen = team["li-na"], team["wang-li"], team["chen-jing"]
    li.switch("main")
    li.git("switch", "-q", "-c", "starter")
    for path in [*sorted((li.root / "manual").glob("qm-*.md")), li.root / QP01]:
        li.edit(str(path.relative_to(li.root)), "status: draft", "status: review")
    li.commit("Put the starter set up for review")
    li.git("push", "-q", "origin", "starter")

    wang.switch("starter")
    run = wang.qms("approve", "QM-01", "QM-02", "QM-03", "QM-04")
    assert run.code == 0, run.stdout + run.stderr
    said = run.stdout + run.stderr
    # The manual relies on QP-01, which the quality manager has still to approve: the set waits, and says so.
    assert "QP-01" in said and ("quality-manager" in said or "Quality Manager" in said), said
    wang.git("push", "-q", "origin", "starter")
    assert wang.verdict() == 0  # nothing half in force: the check stays green on the way

    chen.switch("starter")
    chen.ok("approve", "QP-01")
    chen.git("push", "-q", "origin", "starter")
    chen.ok("check")


def test_starter_set_approved_together_by_two_people(team: dict[str, Clone]) -> None:
    li = team["li-na"]
    approve_starter_set(team)
    li.switch("starter")
    assert li.verdict("--since", "origin/main") == 0
    merge(li, "starter", "merge")
    assert li.verdict("--history") == 0
    history = li.ok("history", "QP-01", "--format", "json").json()
    approvals = [a for a in history[-1]["approvals"] if a["valid"]]
    assert [a["name"] for a in approvals] == ["Chen Jing"]


def revise_qp01(team: dict[str, Clone], branch: str, forget: bool) -> int:
    """A pull request whose first commit edits QP-01 without a new revision; the second adds it unless `forget`.

    Chen Jing approves it to take effect two weeks from today. Returns the pull-request check's verdict.
    """
    li, chen = team["li-na"], team["chen-jing"]
    li.switch("main")
    li.git("switch", "-q", "-c", branch)
    li.edit(QP01, "# Control of Documented Information\n", "# Control of Documented Information\n\n"
            "Every document is approved in git by the holder of its approver role.\n")
    li.commit("Say how documents are approved")
    li.git("push", "-q", "origin", branch)
    assert li.verdict("--since", "origin/main") == 1  # an effective document changed, no new revision yet
    if not forget:
        li.edit(QP01, "revision: 1", "revision: 2")
        li.edit(QP01, "status: effective", "status: review")
        li.edit(QP01, "\nowner:", "\nchange: Says how documents are approved in git.\nowner:")
        li.commit("QP-01 revision 2 for review")
        li.git("push", "-q", "origin", branch)
    chen.switch(branch)
    approval = chen.qms("approve", "QP-01", "--effective", LATER.isoformat())
    assert approval.code == 0 or forget, approval.stdout + approval.stderr
    if approval.code == 0:
        chen.git("push", "-q", "origin", branch)
    li.switch(branch)
    return li.verdict("--since", "origin/main")


# Each way of landing a pull request the docs support, with the qms.yml `merge:` setting that declares it.
LANDINGS = [("merge", "merge"), ("fast-forward", "rebase"), ("rebase", "rebase")]


@pytest.mark.parametrize(("how", "setting"), LANDINGS)
def test_a_forgotten_revision_fixed_in_a_later_commit_and_the_audit_agree(tmp_path: Path, how: str, setting: str) -> None:
    team = start(tmp_path, setting)
    li = team["li-na"]
    approve_starter_set(team)
    merge(li, "starter", "merge" if setting == "merge" else "fast-forward")
    assert li.verdict("--history") == 0
    before = revise_qp01(team, "qp01-rev2", forget=False)
    if setting == "merge":
        assert before == 0  # the pull request as a whole adds the revision: green
    merge(li, "qp01-rev2", how)
    assert li.verdict("--history") == before


@pytest.mark.parametrize(("how", "setting"), LANDINGS)
def test_a_revision_really_forgotten_stays_red_in_both(tmp_path: Path, how: str, setting: str) -> None:
    team = start(tmp_path, setting)
    li = team["li-na"]
    approve_starter_set(team)
    merge(li, "starter", "merge" if setting == "merge" else "fast-forward")
    assert revise_qp01(team, "qp01-forgot", forget=True) == 1
    merge(li, "qp01-forgot", how)
    assert li.verdict("--history") == 1


def page_header(site: Path) -> str:
    html = (site / "procedures" / "qp-01-document-control" / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_site_shows_the_revision_in_force_before_and_after_its_date(team: dict[str, Clone]) -> None:
    li = team["li-na"]
    approve_starter_set(team)
    merge(li, "starter", "merge")
    assert revise_qp01(team, "qp01-rev2", forget=False) == 0
    merge(li, "qp01-rev2", "merge")

    li.ok("build", "--as-of", TODAY.isoformat())
    before = page_header(li.root / "site")
    assert "Every document is approved in git" not in before  # revision 1's text, still in force
    assert re.search(r"Revision 1\b", before) or " 1 " in before
    assert LATER.isoformat() in before  # revision 2 is announced with its date

    li.ok("build", "--as-of", LATER.isoformat())
    after = page_header(li.root / "site")
    assert "Every document is approved in git" in after
    register = li.ok("register", "--as-of", LATER.isoformat(), "--format", "json").stdout
    assert '"2"' in register or ": 2" in register
