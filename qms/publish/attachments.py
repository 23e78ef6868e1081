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
from collections.abc import Iterable, Mapping
from pathlib import Path

from qms.git.log import read_blobs
from qms.load.config import Config
from qms.load.links import PICTURES, is_lfs_pointer, lfs_oid, linked_files, publishable
from qms.model import Document
from qms.publish.includes import Unpublished

__all__ = ["PICTURES", "committed", "linked_files", "of_pages", "publishable"]


def of_pages(config: Config, pages: Iterable[tuple[Document, str]], unpublished: Unpublished | None) -> dict[str, bytes]:
    """path -> bytes of every attachment of the published `pages` (each a document and the commit of the text
    shown), as git holds it at that commit: only files beside the documents, never a file of a document in
    `unpublished` (beside it, or in a folder of its name), even when a published page links to it too.
    What `qms export` carries; the site does the same with its drafts' preview added."""
    wanted: dict[str, str] = {}
    for doc, commit in pages:
        for link in linked_files(doc):
            if publishable(config, link.path):
                wanted.setdefault(link.path, commit)
    by_commit: dict[str, list[str]] = {}
    for path, commit in wanted.items():
        by_commit.setdefault(commit, []).append(path)
    found = committed(config.root, by_commit)
    return {path: data for path, data in sorted(found.items())
            if unpublished is None or unpublished.find(path) is None}


def committed(root: Path, wanted: Mapping[str, Iterable[str]]) -> dict[str, bytes]:
    """path -> bytes, for each path as the commit that wants it holds it (commit -> paths).

    Where two commits want one path (two pages of different ages link one picture), one of them is read.
    A git-lfs pointer becomes the working tree's file when that file is what the pointer names; a pointer
    whose file was never fetched is left out (`qms check` reports it, R011).
    """
    # One `git cat-file --batch` for every file of every commit, named COMMIT:PATH (a site of thousands of
    # illustrated pages would otherwise start a git process per page).
    names = {f"{commit}:{path}": path for commit, paths in wanted.items() if commit
             for path in paths if "\n" not in path and not (root / path).is_dir()}  # a folder's tree is no file
    read = read_blobs(root, names)
    blobs = {names[name]: data for name, data in read.items()}
    found: dict[str, bytes] = {}
    for path, data in blobs.items():
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
