"""Where a relative link in a document points, as a path inside the repository."""

from __future__ import annotations

import posixpath


def resolve_link(doc_path: str, target: str) -> str | None:
    """The repository-relative path a relative link in the document at `doc_path` names, or None when it
    leaves the repository (`..` above the root, or an absolute path)."""
    folder = posixpath.dirname(doc_path)
    if target and "/" not in target and not target.startswith(".") and "//" not in folder \
            and "/." not in "/" + folder and not folder.endswith("/") and not folder.startswith("/"):
        # A file beside a document in a plain folder (a record's CSV): what normpath would make of it, without
        # its cost for each of 20,000 records.
        return f"{folder}/{target}" if folder else target
    joined = posixpath.normpath(posixpath.join(folder, target))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):  # (a POSIX path's root is "/")
        return None
    return joined
