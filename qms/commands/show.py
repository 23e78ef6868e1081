"""`qms show ID[@REV]`: a document as it stands in the working tree, or as a revision was last left in history."""


from __future__ import annotations

from qms.commands.diff import revision_of
from qms.commands.history import document_history
from qms.errors import UsageError
from qms.git.log import read_blobs
from qms.text.suggest import not_a_document
from qms.workspace import Workspace


def show(workspace: Workspace, target: str) -> str:
    """The file's text: `QP-02` as it stands now, `QP-02@B/0` as revision B/0 was last committed."""
    document_id, at, label = target.partition("@")
    if at and not label:
        raise UsageError(f"{target}: name the revision after the @, for example {document_id}@1 "
                         f"(qms history {document_id} lists them)")
    if not at:
        doc = workspace.documents.by_id().get(document_id)
        if doc is None:
            raise UsageError(not_a_document(document_id, list(workspace.documents.by_id())))
        try:
            return (workspace.root / doc.path).read_bytes().decode("utf-8", "replace")
        except OSError as exc:
            raise UsageError(f"{doc.path} cannot be read: {exc.strerror or exc}") from None
    (history,) = document_history(workspace, document_id)
    version = revision_of(history, label).last
    return read_blobs(workspace.root, [version.blob]).get(version.blob, b"").decode("utf-8", "replace")
