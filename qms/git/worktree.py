"""The working tree as git sees it: whether a file holds changes nobody committed."""


from __future__ import annotations

import subprocess
from pathlib import Path

from qms.git.runner import git_command, git_environment


def has_uncommitted_change(path: Path) -> bool:
    """Whether git tracks `path` and it differs from the last commit (an untracked file is the command's to replace)."""
    try:
        proc = subprocess.run(git_command("status", "--porcelain", "--", path.name), cwd=path.parent,
                              capture_output=True, text=True, env=git_environment())
    except OSError:
        return False
    return proc.returncode == 0 and any(line[:2] not in ("??", "!!") for line in proc.stdout.splitlines())
