from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# Hypothesis keeps its example database and caches in .hypothesis/ of the working folder, the checkout;
# the tests write nothing there. Kept between runs, so that a failing example is tried first next time.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "qmskit-hypothesis"))
# The day the suite takes for today (qms.text.dates.current_day), in this process and every `qms` it starts:
# the fixtures' documents, reviews, audits and retention periods are dated around it, so the verdicts do not
# change as the calendar moves on. A test about another day says so with --as-of.
os.environ.setdefault("QMS_TODAY", "2026-12-06")

from qmsrepo import GitQmsRepo, QmsRepo

from qms.commands.demo import DemoSummary, build_demo

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo(tmp_path: Path) -> QmsRepo:
    return QmsRepo(tmp_path / "qms-repo")


@pytest.fixture
def git_repo(tmp_path: Path) -> GitQmsRepo:
    return GitQmsRepo(tmp_path / "qms-git")


def _git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # e.g. GIT_DIR inside a hook
    return subprocess.run(["git", "-c", "user.name=qmskit tests", "-c", "user.email=tests@qmskit.example", *args],
                          cwd=root, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's sample QMS, copied: every file git tracks or would track, committed in a repository of its own.

    What reads the sample (build_demo checks it first, `qms check`) keeps its caches in that repository's
    .git/qmskit, not in the checkout's. One per pytest process (each xdist worker makes its own).
    """
    copy = tmp_path_factory.mktemp("sample") / "qmskit"
    listed = _git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for rel in filter(None, listed):
        source = REPO_ROOT / rel
        if source.is_file() and not source.is_symlink():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / rel)
    _git(copy, "init", "-q", "-b", "main")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-q", "-m", "The sample of this checkout")
    return copy


@pytest.fixture(scope="session")
def _demo_built(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    """The demo repository, built once per pytest process and never changed: new_demo copies it."""
    return build_demo(tmp_path_factory.mktemp("demo-built") / "demo", sample)


@pytest.fixture(scope="session")
def new_demo(_demo_built: DemoSummary) -> Callable[[Path], DemoSummary]:
    """new_demo(target): a demo repository in `target`, as build_demo(target, sample) makes it.

    A copy of one build (the build is reproducible: test_demo checks that two builds give the same
    commits), with git's index refreshed as after a build, in a fraction of a build's time.
    """
    def copy(target: Path) -> DemoSummary:
        shutil.copytree(_demo_built.path, target, symlinks=True)
        _git(target, "update-index", "-q", "--refresh")
        return replace(_demo_built, path=target)

    return copy
