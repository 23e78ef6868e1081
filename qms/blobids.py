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
import subprocess
from pathlib import Path

# Regular files only: a symlink's blob is its target's name, not the content read through it.
_FILE_MODES = (b"100644", b"100755")


class IndexIds:
    """The two git commands, started; `result()` waits for them."""

    def __init__(self, root: Path, folders: list[str]) -> None:
        # No optional locks: a check only reads, and must not touch the index another git is writing.
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
        spec = ["--", *folders]
        self._runs: list[subprocess.Popen[bytes]] = []
        try:
            for args in (["ls-files", "-s", "-z", *spec], ["diff-files", "--name-only", "--relative", "-z", *spec]):
                self._runs.append(subprocess.Popen(["git", *args], cwd=root, env=env, stdin=subprocess.DEVNULL,
                                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
        except OSError:  # no git on this machine: every file is read and hashed
            self._runs = []

    def result(self) -> dict[str, str]:
        """Repository-relative path -> blob id, for tracked files whose content git says is unchanged."""
        outputs = [run.communicate()[0] for run in self._runs]
        if len(outputs) != 2 or any(run.returncode != 0 for run in self._runs):
            return {}  # not a git repository, or git failed: read everything
        listed, modified = outputs
        changed = set(modified.split(b"\0"))
        found: dict[str, str] = {}
        for record in listed.split(b"\0"):
            # "<mode> <blob> <stage>\t<path>"
            meta, _, path = record.partition(b"\t")
            fields = meta.split(b" ")
            if len(fields) != 3 or fields[0] not in _FILE_MODES or fields[2] != b"0" or path in changed:
                continue
            try:
                found[path.decode("utf-8")] = fields[1].decode("ascii")
            except UnicodeDecodeError:  # a path in another encoding: read it like an untracked file
                continue
        return found
