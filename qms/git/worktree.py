"""The working tree as git sees it: whether a file holds changes nobody committed."""


from __future__ import annotations

import os
import subprocess
from pathlib import Path

from qms.git.runner import GitError, git_command, git_environment, run_git


def has_uncommitted_change(path: Path) -> bool:
    """Whether git tracks `path` and it differs from the last commit (an untracked file is the command's to replace)."""
    try:
        proc = subprocess.run(git_command("status", "--porcelain", "--", path.name), cwd=path.parent,
                              capture_output=True, text=True, env=git_environment())
    except OSError:
        return False
    return proc.returncode == 0 and any(line[:2] not in ("??", "!!") for line in proc.stdout.splitlines())


def tracked(root: Path, paths: list[str]) -> set[str] | None:
    """Those of `paths` that git tracks (in its index: committed, or staged to be); None outside a repository."""
    if not paths:
        return set()
    try:
        out = run_git(root, "--literal-pathspecs", "ls-files", "-z", "--", *paths)
    except GitError:
        return None
    return {os.fsdecode(name) for name in out.split(b"\0") if name}


def changed_since_head(root: Path, paths: list[str]) -> bool | None:
    """Whether any file under `paths` differs from the last commit or is not in it yet (None outside a
    repository): figures computed from the working tree then say so beside the commit they name."""
    try:
        out = run_git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", *paths)
    except GitError:
        return None
    return bool(out.strip(b"\0"))
