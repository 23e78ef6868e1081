from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from qmsrepo import GitQmsRepo, QmsRepo

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo(tmp_path: Path) -> QmsRepo:
    return QmsRepo(tmp_path / "qms-repo")


@pytest.fixture
def git_repo(tmp_path: Path) -> GitQmsRepo:
    return GitQmsRepo(tmp_path / "qms-git")
