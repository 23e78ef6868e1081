"""Two approvers at once, and locks held by others: every approval counts, and a busy lock is named, not deleted.

Concurrent `qms approve` processes are serialised by a lock in `.git/qmskit/`, held from reading the
document until the commit, so the second one reads the first one's approval. A lock that stays held (an
approve that is stuck, a git process that holds git's index.lock) is reported with who holds it and what to do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from qmsrepo import PEOPLE, GitQmsRepo
from test_approve import _new_revision

QP = "procedures/qp-01-document-control.md"
APPROVE = ("approve", "QP-01", "--effective", "2026-03-01")
TRIALS = 30
LOCK_WAIT = 10  # seconds: qms.commands.approve waits this long for another approve


def _needs_two_roles(repo: GitQmsRepo) -> None:
    """Revision 3 of QP-01, by Li Na and in review, needs the director (Wang Li) and the quality manager (Chen Jing).

    The first approval is a commit with its trailer alone (the document stays in review); the second sets it
    effective. (A draft is refused: qms approve takes only a document in review.)"""
    repo.edit(QP, "revision: 2", "revision: 3")
    repo.edit(QP, "status: effective", "status: review")
    repo.edit(QP, "approvers: [quality-manager]", "approvers: [director, quality-manager]")
    repo.edit(QP, "change: Adds electronic approval.", "change: The director approves it too.")
    repo.commit("Revise QP-01", who="li-na")


def _env(who: str, when: str = "2026-02-02T09:00:00+00:00", **extra: str) -> dict[str, str]:
    name, email = PEOPLE[who]
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": when, **extra}


def _start(repo: GitQmsRepo, who: str, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "qms", *args], cwd=repo.root, env=_env(who, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _paused(repo: GitQmsRepo, who: str, *args: str) -> subprocess.Popen[str]:
    """`qms approve` stopped by the test hook after its checks, before it writes the document and commits."""
    proc = _start(repo, who, *args, QMS_TEST_WRITE_PAUSE="before-rename")
    assert proc.stderr is not None
    line = proc.stderr.readline()
    if not line.startswith("qms: test pause before-rename"):
        proc.kill()
        out, err = proc.communicate(timeout=30)
        raise AssertionError(line + err + out)
    return proc


def _let_go(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Resume a paused process, and again at every pause after (putting a file back pauses too); its output."""
    assert proc.stdout is not None and proc.stderr is not None
    proc.send_signal(signal.SIGUSR1)
    err = []
    for line in proc.stderr:
        if line.startswith("qms: test pause "):
            proc.send_signal(signal.SIGUSR1)
        else:
            err.append(line)
    out = proc.stdout.read()
    proc.wait(timeout=120)
    return out, "".join(err)


def _approvals(repo: GitQmsRepo) -> dict[str, str]:
    """The valid approvals of QP-01's current revision, role -> person, and its status, from `qms history`."""
    current = repo.history("QP-01")[-1]
    roles = {role: a["person"] for a in current["approvals"] if a["valid"] for role in a["roles"]}
    return {**roles, "status": current["status"], "revision": str(current["revision"])}


@pytest.mark.slow
def test_two_approvers_at_once_both_count(git_repo: GitQmsRepo) -> None:
    """Wang Li and Chen Jing approve QP-01 at the same moment, 30 times over: it ends effective, both approvals in."""
    _needs_two_roles(git_repo)
    base = git_repo.git("rev-parse", "HEAD")
    for trial in range(TRIALS):
        git_repo.git("reset", "-q", "--hard", base)
        people = ("wang-li", "chen-jing") if trial % 2 == 0 else ("chen-jing", "wang-li")
        procs = {who: _start(git_repo, who, *APPROVE) for who in people}
        for who, proc in procs.items():
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, f"trial {trial}: {who}'s approve failed: {out}{err}"
        assert "status: effective" in git_repo.read(QP), f"trial {trial}: a lost update:\n{git_repo.read(QP)}"
        assert git_repo.git("rev-list", "--count", f"{base}..HEAD") == "2"
        assert _approvals(git_repo) == {"director": "wang-li", "quality-manager": "chen-jing", "status": "effective",
                                        "revision": "3"}, f"trial {trial}"
        check = git_repo.check("--history")
        assert (check.code, check.findings) == (0, []), f"trial {trial}"
        assert git_repo.git("status", "--porcelain") == ""


def test_a_stuck_approve_is_waited_for_then_named(git_repo: GitQmsRepo) -> None:
    """Wang Li's approve is stuck before its commit: Chen Jing's waits, then says who holds the lock and what to do.

    Chen Jing has approved already, so Wang Li's approval completes the set and writes the document (where the
    test hook stops it); a first approval of a document in review writes nothing and would not stop there."""
    _needs_two_roles(git_repo)
    first = _start(git_repo, "chen-jing", *APPROVE)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0 and "stays in review until director approves too" in out, out + err
    head = git_repo.git("rev-parse", "HEAD")
    before = git_repo.read(QP)
    lock = git_repo.root / ".git" / "qmskit" / "approve.lock"
    stuck = _paused(git_repo, "wang-li", *APPROVE)
    try:
        started = time.monotonic()
        second = _start(git_repo, "chen-jing", *APPROVE)
        out, err = second.communicate(timeout=120)
        waited = time.monotonic() - started
    finally:
        stuck.send_signal(signal.SIGKILL)  # and with it goes its lock: the system drops it
        stuck.communicate(timeout=30)
    assert second.returncode == 2, out + err
    assert waited >= LOCK_WAIT
    message = " ".join(err.split())
    assert f"process {stuck.pid}" in message, message
    assert "qms approve QP-01 --effective 2026-03-01" in message, message
    assert str(lock) in message, message
    assert "wait for it to finish" in message, message
    assert f"only if process {stuck.pid} no longer exists, delete {lock}" in message, message
    assert "Traceback" not in err
    assert (git_repo.git("rev-parse", "HEAD"), git_repo.read(QP)) == (head, before)

    # The stuck process is gone, and so is its hold: the next approve goes through at once.
    again = _start(git_repo, "wang-li", *APPROVE)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, out + err
    assert "Approved QP-01 revision 3 as director, effective 2026-03-01" in out
    assert _approvals(git_repo) == {"quality-manager": "chen-jing", "director": "wang-li", "status": "effective",
                                    "revision": "3"}


def test_git_index_lock_held_by_another_git_is_reported_as_busy(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """A `git commit` waiting for its editor holds .git/index.lock when approve commits: wait for it, not delete it."""
    _new_revision(git_repo)
    head = git_repo.git("rev-parse", "HEAD")
    before = git_repo.read(QP)
    index_lock = git_repo.root / ".git" / "index.lock"
    release = tmp_path / "release-the-editor"
    approve = _paused(git_repo, "chen-jing", *APPROVE)
    editor = f"while [ ! -e '{release}' ]; do sleep 0.05; done; false"
    # With --all, git holds the index lock while the editor is open (a plain commit has let it go by then).
    other = subprocess.Popen(["git", "commit", "--all", "--allow-empty", "-q"], cwd=git_repo.root,
                             env=_env("li-na", GIT_EDITOR=editor), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not index_lock.exists():
            assert time.monotonic() < deadline and other.poll() is None, "git commit never took the index lock"
            time.sleep(0.05)
        out, err = _let_go(approve)  # approve goes on to its commit, while git holds the index
    finally:
        release.touch()  # the editor gives up, and git commit removes its lock
        other.wait(timeout=60)
        if approve.poll() is None:
            approve.kill()
            approve.communicate(timeout=30)
    assert approve.returncode == 2, out + err
    message = " ".join(err.split())
    assert "another git process is running in this repository" in message, message
    assert str(index_lock) in message, message
    assert "wait for it to finish" in message, message
    assert "remove the file manually" not in message, message
    assert "Traceback" not in err
    assert (git_repo.git("rev-parse", "HEAD"), git_repo.read(QP)) == (head, before)  # the file was put back
    assert not index_lock.exists()
