"""Where qmskit keeps its caches, and how they are read and written.

Every cache lives in the repository's git folder, `.git/qmskit/` (never in the
work tree, never committed), and is keyed by git's own ids (blob or commit),
so an entry never goes stale. A cache is written in one step (a temporary
file, then a rename); one that cannot be read is treated as absent, and each
cache checks the shape of what it reads, so nothing in it is trusted.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from qms.git.runner import GitError, run_git


def git_folder(root: Path) -> Path | None:
    """The repository's git folder (`.git`, or a work tree's own); None outside git."""
    try:
        return Path(run_git(root, "rev-parse", "--absolute-git-dir").decode().strip())
    except GitError:
        return None


def cache_path(root: Path, name: str) -> Path | None:
    """Where cache `name` lives in this repository's git folder; None outside git."""
    git_dir = git_folder(root)
    return None if git_dir is None else git_dir / "qmskit" / name


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the cache file in one step; a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError:
        return


def read_mapping(root: Path, name: str) -> dict[str, Any]:
    """The JSON object in cache `name`, or {} when there is none or it cannot be read: never an error."""
    path = cache_path(root, name)
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}
