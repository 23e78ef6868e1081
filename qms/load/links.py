"""Which files a document links to or embeds, other than pages: its attachments (pictures, forms, spreadsheets).

One helper for the check (R010-R012, F006) and for publishing (qms/publish/attachments.py), which reads the
files from git. Nothing here reads git, so a plain `qms check` stays free of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qms.load.config import Config
from qms.model import Document
from qms.text.body import BodyRef
from qms.text.linkpath import resolve_link

MARKDOWN = (".md", ".markdown")
SETTINGS = ("qms.yml", "mkdocs.yml")  # at the repository's root, where a type may keep its documents too
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
    """The repository-relative path a relative link points to, or None if it leaves the repository or names
    the repository's root itself (no file to publish)."""
    joined = resolve_link(doc_path, target)
    return None if joined == "." else joined


def linked_files(doc: Document) -> list[Link]:
    """The files other than Markdown that a document links to or embeds, inside the repository."""
    found = []
    for ref in doc.relative_links():
        path = resolve(doc.path, ref.target)
        if path is not None and not path.lower().endswith(MARKDOWN) and not ref.target.endswith("/"):
            found.append(Link(path, ref))
    return found


def publishable(config: Config, path: str) -> bool:
    """Whether the build publishes a linked file: one beside the documents, in a document folder; never the
    roles registry or the people roster (a link must not publish everyone's email address), the settings,
    a hidden file, nor a file qms.yml declares not controlled."""
    if path in SETTINGS or any(part.startswith(".") for part in path.split("/")) or config.layout.not_controlled(path):
        return False
    return any(folder in (".", "") or path.startswith(folder.rstrip("/") + "/") for folder in config.folders())


def is_lfs_pointer(data: bytes) -> bool:
    return data.startswith(LFS_POINTER)


def lfs_oid(pointer: bytes) -> str | None:
    match = _LFS_OID.search(pointer[:1024])
    return match.group(1).decode() if match else None


def links_of(docs: Iterable[Document]) -> Iterator[tuple[Document, Link]]:
    for doc in docs:
        for link in linked_files(doc):
            yield doc, link
