"""The repository's state and configuration, through GitPython's small surface.

GitPython is in maintenance mode and tends to hold resources, so it is used
only here, briefly, and closed: to find the repository, read who the user is
and whether they sign commits, and see whether a merge or rebase is under way.
"""

from __future__ import annotations

import configparser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from git import InvalidGitRepositoryError, NoSuchPathError, Repo

from qms.git.runner import GitError, NotAGitRepositoryError

# Files git leaves in its folder while an operation is unfinished, and what to say.
_UNFINISHED = {
    "index.lock": "another git command is running, or one crashed and left .git/index.lock; "
    "wait for it to finish, or delete that file if no git command is running",
    "MERGE_HEAD": "a merge is in progress; finish it (git commit) or abort it (git merge --abort) first",
    "rebase-merge": "a rebase is in progress; finish it (git rebase --continue) or abort it first",
    "rebase-apply": "a rebase or git am is in progress; finish or abort it first",
    "CHERRY_PICK_HEAD": "a cherry-pick is in progress; finish or abort it first",
    "REVERT_HEAD": "a revert is in progress; finish or abort it first",
}


@dataclass(frozen=True)
class UserSetup:
    name: str | None
    email: str | None
    signs_commits: bool


@contextmanager
def open_repo(root: Path) -> Iterator[Repo]:
    try:
        repo = Repo(root, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise NotAGitRepositoryError(f"{root} is not inside a git repository; run `git init` first") from None
    try:
        yield repo
    finally:
        repo.close()


def user_setup(repo: Repo) -> UserSetup:
    reader = repo.config_reader()

    def value(section: str, option: str, default: str | None) -> object:
        # GitPython raises for a section no config file has, default or not (identity may come from GIT_* variables).
        try:
            return reader.get_value(section, option, default=default)
        except configparser.Error:
            return default

    name = value("user", "name", None)
    email = value("user", "email", None)
    signs = str(value("commit", "gpgsign", "false")).lower() in ("true", "1", "yes", "on")
    return UserSetup(str(name) if name else None, str(email) if email else None, signs)


def ensure_ready_to_commit(repo: Repo) -> None:
    """Refuse to write while git is in the middle of something else."""
    git_dir = Path(repo.git_dir)
    for name, advice in _UNFINISHED.items():
        if (git_dir / name).exists():
            raise GitError(f"cannot approve now: {advice}")
    if repo.head.is_detached:
        raise GitError("cannot approve on a detached HEAD; check out a branch first (git switch BRANCH)")
