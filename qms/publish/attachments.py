"""Attachments: the pictures, forms and spreadsheets that documents link to or embed, published beside their pages.

A document's attachments are the files its relative links and images point to that are not Markdown
(a linked Markdown file is a page, or nothing). They are published as git holds them at the commit whose
text the page shows, never from the working tree: a picture that was redrawn but not committed, or that
nobody ever added to git, is not what was approved. The attachments of a document the site does not
publish (restricted, a draft in a build, obsolete) are never published; a file that a published document
links to is published, even when a restricted document links to it as well. Only files inside the document
folders are published (not the roster, not qms.yml, not a file elsewhere in the repository): `qms check`
reports a link to any other (R010).

Large binaries kept with git-lfs are committed as small pointer files; the picture itself is in the
working tree once `git lfs pull` has fetched it. Such a file is published from the working tree only when
its bytes are the ones the committed pointer names (its SHA-256), so it is still the committed content.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from qms.git.log import blobs_at, read_blobs
from qms.load.config import Config
from qms.model import Document
from qms.text.body import BodyRef

MARKDOWN = (".md", ".markdown")
# What a git-lfs pointer file starts with (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md).
LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
_LFS_OID = re.compile(rb"^oid sha256:([0-9a-f]{64})$", re.M)
# Files a browser and WeasyPrint show in the page; any other attachment is a download.
PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


@dataclass(frozen=True)
class Link:
    """A document's link to a file that is not a page: where it points, and on which line."""

    path: str  # repository-relative
    ref: BodyRef


def resolve(doc_path: str, target: str) -> str | None:
    """The repository-relative path a relative link points to, or None if it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), target))
    if joined in (".", "..") or joined.startswith("../") or PurePosixPath(joined).is_absolute():
        return None
    return joined


def linked_files(doc: Document) -> list[Link]:
    """The files other than Markdown that a document links to or embeds, inside the repository."""
    found = []
    for ref in doc.relative_links():
        path = resolve(doc.path, ref.target)
        if path is not None and not path.lower().endswith(MARKDOWN) and not ref.target.endswith("/"):
            found.append(Link(path, ref))
    return found


def publishable(config: Config, path: str) -> bool:
    """Whether the build publishes a linked file: one beside the documents, in a document folder, and not the
    roles registry or the people roster (a link must not publish everyone's email address) nor a hidden file."""
    if path in config.registry_files() or any(part.startswith(".") for part in path.split("/")):
        return False
    return any(path.startswith(folder.rstrip("/") + "/") for folder in config.folders())


def is_lfs_pointer(data: bytes) -> bool:
    return data.startswith(LFS_POINTER)


def lfs_oid(pointer: bytes) -> str | None:
    match = _LFS_OID.search(pointer[:1024])
    return match.group(1).decode() if match else None


def committed(root: Path, wanted: dict[str, Iterable[str]]) -> dict[str, bytes]:
    """path -> bytes, for each path as the commit that wants it holds it (commit -> paths).

    Where two commits want one path (two pages of different ages link one picture), the later listed wins.
    A git-lfs pointer becomes the working tree's file when that file is what the pointer names; a pointer
    whose file was never fetched is left out (`qms check` reports it, R011).
    """
    ids: dict[str, str] = {}
    for commit, paths in wanted.items():
        ids.update(blobs_at(root, commit, sorted(set(paths))))
    blobs = read_blobs(root, set(ids.values()))
    found: dict[str, bytes] = {}
    for path, blob in ids.items():
        data = blobs.get(blob)
        if data is None:
            continue
        if is_lfs_pointer(data):
            fetched = _fetched(root / path, lfs_oid(data))
            if fetched is None:
                continue
            data = fetched
        found[path] = data
    return found


def _fetched(path: Path, oid: str | None) -> bytes | None:
    """The working tree's file, when git-lfs has fetched the very content the pointer names."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if oid is not None and hashlib.sha256(data).hexdigest() == oid else None


def links_of(docs: Iterable[Document]) -> Iterator[tuple[Document, Link]]:
    for doc in docs:
        for link in linked_files(doc):
            yield doc, link
