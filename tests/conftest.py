from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# Hypothesis keeps its example database and caches in .hypothesis/ of the working folder, the checkout;
# the tests write nothing there. Kept between runs, so that a failing example is tried first next time.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "qmskit-hypothesis"))

from qmsrepo import GitQmsRepo, QmsRepo

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo(tmp_path: Path) -> QmsRepo:
    return QmsRepo(tmp_path / "qms-repo")


@pytest.fixture
def git_repo(tmp_path: Path) -> GitQmsRepo:
    return GitQmsRepo(tmp_path / "qms-git")
