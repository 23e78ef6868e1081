"""Parsed front-matter kept between runs, keyed by git blob id.

A blob id names exact file content, so an entry can never go stale: a file
that has not changed is never read or parsed twice. The cache lives inside
the git folder (never in the work tree, never committed) as plain JSON. Any
cache that cannot be read, or does not have the expected shape, is ignored
and rebuilt, never trusted.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from qms import __version__
from qms.gitlog import GitError, run_git

# Part of the file name: a new parser version starts a new cache.
FORMAT = f"frontmatter-{__version__}-1.json"

Entry = tuple[dict[str, Any] | None, str]


def cache_path(root: Path, name: str = FORMAT) -> Path | None:
    """Where cache `name` lives in this repository's git folder; None outside git."""
    try:
        git_dir = run_git(root, "rev-parse", "--absolute-git-dir").decode().strip()
    except GitError:
        return None
    return Path(git_dir) / "qmskit" / name


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


def load(path: Path | None) -> dict[str, Entry]:
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    entries: dict[str, Entry] = {}
    for sha, value in raw.items():
        if (isinstance(value, list) and len(value) == 2 and isinstance(value[1], str)
                and (value[0] is None or isinstance(value[0], dict))):
            entries[sha] = (value[0], value[1])
    return entries


def save(path: Path | None, entries: dict[str, Entry]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({sha: [data, digest] for sha, (data, digest) in entries.items()}, out,
                      ensure_ascii=False, separators=(",", ":"))
        os.replace(temp, path)
    except OSError:
        return
