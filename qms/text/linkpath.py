"""Where a relative link in a document points, as a path inside the repository."""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath


def resolve_link(doc_path: str, target: str) -> str | None:
    """The repository-relative path a relative link in the document at `doc_path` names, or None when it
    leaves the repository (`..` above the root, or an absolute path)."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), target))
    if joined == ".." or joined.startswith("../") or PurePosixPath(joined).is_absolute():
        return None
    return joined
