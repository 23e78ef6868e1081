"""`qms diff`: the redline between two revisions of a document, front-matter and text."""


from __future__ import annotations

import difflib
from pathlib import Path

from qms.commands.history import document_history
from qms.errors import UsageError
from qms.git.log import read_blobs
from qms.history.model import DocumentHistory, Revision
from qms.workspace import Workspace


def revision_of(doc: DocumentHistory, label: str) -> Revision:
    for revision in doc.revisions:
        if revision.revision == label:
            return revision
    known = ", ".join(r.revision for r in doc.revisions)
    raise UsageError(f"{doc.id} has no revision {label} in its history (it has {known})")


def redline(root: Path, doc: DocumentHistory, rev_a: str, rev_b: str) -> str:
    """A unified diff of the document as revision A and revision B were last left."""
    old, new = revision_of(doc, rev_a).last, revision_of(doc, rev_b).last
    blobs = read_blobs(root, [old.blob, new.blob])
    before = blobs.get(old.blob, b"").decode("utf-8", "replace").splitlines(keepends=True)
    after = blobs.get(new.blob, b"").decode("utf-8", "replace").splitlines(keepends=True)
    diff = difflib.unified_diff(before, after, f"{doc.id} revision {rev_a} ({old.path})",
                                f"{doc.id} revision {rev_b} ({new.path})")
    return "".join(diff) or f"{doc.id}: revisions {rev_a} and {rev_b} have the same text\n"


def revision_redline(workspace: Workspace, document_id: str, rev_a: str, rev_b: str) -> str:
    (doc,) = document_history(workspace, document_id)
    return redline(workspace.root, doc, rev_a, rev_b)
