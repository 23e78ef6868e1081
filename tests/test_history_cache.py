"""The caches `qms history` keeps in .git/qmskit (git's log by commit id, front-matter by blob id)
change nothing it reports: not when warm, not after new commits and a merge, not when damaged."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from qmsrepo import run_qms

pytestmark = pytest.mark.slow  # a demo repository for each test, read cold and warm

DIRECTOR = {"GIT_AUTHOR_NAME": "Wang Jianguo", "GIT_AUTHOR_EMAIL": "wang.jianguo@example.org",
            "GIT_COMMITTER_NAME": "Wang Jianguo", "GIT_COMMITTER_EMAIL": "wang.jianguo@example.org"}


def git(root: Path, *args: str) -> str:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, **DIRECTOR}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout


def report(root: Path) -> tuple[str, str]:
    history = run_qms("history", "--format", "json", cwd=root)
    check = run_qms("check", "--history", "--format", "json", cwd=root)
    assert history.code == 0 and check.code in (0, 1), history.stderr + check.stderr
    return history.stdout, check.stdout


def uncached(root: Path) -> tuple[str, str]:
    shutil.rmtree(root / ".git" / "qmskit", ignore_errors=True)
    return report(root)


@pytest.fixture
def demo(tmp_path: Path, new_demo) -> Path:
    return new_demo(tmp_path / "demo").path


def test_warm_runs_and_new_commits_report_what_an_uncached_run_does(demo: Path) -> None:
    cold = uncached(demo)
    assert {"history", "log"} <= {p.name.split("-")[0] for p in (demo / ".git" / "qmskit").glob("*.json")}
    assert report(demo) == cold
    # New commits on a side branch and a merge: the cache knows the old commits, git gives the new ones.
    git(demo, "switch", "-q", "-c", "tidy")
    manual = next((demo / "manual").glob("qm-01*.md"))
    manual.write_text(manual.read_text(encoding="utf-8") + "\nA sentence.\n", encoding="utf-8")
    git(demo, "commit", "-q", "-am", "Add a sentence")
    git(demo, "switch", "-q", "main")
    git(demo, "merge", "-q", "--no-ff", "-m", "Merge tidy", "tidy")
    after = report(demo)
    assert git(demo, "rev-parse", "tidy").strip() in after[0]  # the side branch's commit is in the record
    assert after == uncached(demo)


@pytest.mark.parametrize("garbage", ["{not json", '{"abc": [1, 2]}', "[]", '{"abc": ["x", "y", "z", "d", "n", "e", '
                                     '"d", [], [["M"]]]}'])
def test_a_damaged_log_cache_is_ignored_and_rebuilt(demo: Path, garbage: str) -> None:
    cold = uncached(demo)
    (log,) = (demo / ".git" / "qmskit").glob("log-*.json")
    log.write_text(garbage)
    assert report(demo) == cold
    assert len(log.read_text()) > 1000  # rebuilt
