"""The check cache takes blob ids from git's index: what is staged, what is on disk and what is committed
may all differ, and the check always reports what is on disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

from qmsrepo import QmsRepo, assert_clean, only

DOC = "procedures/qp-01-document-control.md"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_disk_wins_over_index_in_a_qms_inside_a_larger_repository(tmp_path: Path) -> None:
    outer = tmp_path / "office"
    repo = QmsRepo(outer / "quality")
    git(outer, "init", "-q")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "QMS")
    assert_clean(repo)
    assert_clean(repo)  # answered from the cache, as the first run left it

    repo.edit(DOC, "status: effective", "status: approved")  # on disk only
    assert "approved" in only(repo.check(), "S001")["message"]

    git(outer, "add", "-A")  # staged: the index now names the broken version
    assert "approved" in only(repo.check(), "S001")["message"]

    repo.edit(DOC, "status: approved", "status: effective")  # disk back to the committed text, index still broken
    assert_clean(repo)

    git(outer, "add", "-A")
    assert_clean(repo)


def test_files_git_ignores_are_checked_too(tmp_path: Path) -> None:
    repo = QmsRepo(tmp_path / "qms")
    repo.write(".gitignore", "records/drafts/\n")
    git(repo.root, "init", "-q")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "QMS")
    repo.write("records/drafts/rec-2026-002.md", repo.read("records/2026/rec-2026-001-audit.md"))
    reported = {f["path"] for f in repo.check().findings if f["code"] == "I001"}
    assert reported == {"records/drafts/rec-2026-002.md", "records/2026/rec-2026-001-audit.md"}


def test_files_git_is_told_to_overlook_are_read_all_the_same(tmp_path: Path) -> None:
    """assume-unchanged and skip-worktree silence git diff-files; the check reads those files itself."""
    repo = QmsRepo(tmp_path / "qms")
    git(repo.root, "init", "-q")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "QMS")
    assert_clean(repo)
    record = "records/2026/rec-2026-001-audit.md"
    git(repo.root, "update-index", "--assume-unchanged", DOC)
    git(repo.root, "update-index", "--skip-worktree", record)
    repo.edit(DOC, "status: effective", "status: approved")
    repo.edit(record, "status: closed", "status: shut")
    reported = {f["path"] for f in repo.check().findings if f["code"] == "S001"}
    assert reported == {DOC, record}
