"""Blob ids of the working tree's files, from git's index, without reading the files.

`git ls-files -s` lists the blob id of every tracked file, and `git diff-files`
names the tracked files whose working copy differs from it (git compares
sizes and times, and the content where a time is too close to call). For
every other tracked file the index id is the id of the bytes on disk, so a
check whose cache knows that id need not open the file at all. Files git
does not list (untracked, modified, symlinks, conflicts, or no git at all)
are read and hashed by the caller instead.

Both git commands start at once and run while the caller walks the folders.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from qms.git.runner import git_command, git_environment

# "H <mode> <blob> <stage>\t<path>\0": tag H, a plain cached file (git diff-files keeps quiet about files
# marked assume-unchanged or skip-worktree, tagged h and S, even when they change: those are read);
# a regular file (a symlink's blob is its target's name, not the content read through it);
# stage 0 (a file in a merge conflict has stages 1-3 and is read instead).
_ENTRY = re.compile(r"(?:\A|(?<=\0))H (?:100644|100755) ([0-9a-f]+) 0\t([^\0]*)\0")


class IndexIds:
    """The two git commands, started; `result()` waits for them."""

    def __init__(self, root: Path, folders: list[str]) -> None:
        # No optional locks: a check only reads, and must not touch the index another git is writing.
        env = git_environment({"GIT_OPTIONAL_LOCKS": "0"})
        spec = ["--", *folders]
        self._runs: list[subprocess.Popen[bytes]] = []
        try:
            for args in (["ls-files", "-s", "-v", "-z", *spec], ["diff-files", "--name-only", "--relative", "-z", *spec]):
                self._runs.append(subprocess.Popen(git_command(*args), cwd=root, env=env, stdin=subprocess.DEVNULL,
                                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
        except OSError:  # no git on this machine: every file is read and hashed
            self._runs = []

    def result(self) -> dict[str, str]:
        """Repository-relative path -> blob id, for tracked files whose content git says is unchanged."""
        outputs = [run.communicate()[0] for run in self._runs]
        if len(outputs) != 2 or any(run.returncode != 0 for run in self._runs):
            return {}  # not a git repository, or git failed: read everything
        # Decoded as os.scandir decodes names, so that the paths compare equal to the walk's.
        listed, modified = (os.fsdecode(output) for output in outputs)
        changed = set(modified.split("\0"))
        return {path: blob for blob, path in _ENTRY.findall(listed) if path not in changed}
