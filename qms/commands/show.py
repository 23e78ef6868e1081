"""`qms show ID[@REV]`: the revision of a document in force on a day, or a revision as it was last left in history."""


from __future__ import annotations

from datetime import date

from qms.commands.diff import revision_of
from qms.commands.history import document_history
from qms.errors import UsageError
from qms.git.log import read_blobs
from qms.git.runner import NoCommitsError, NotAGitRepositoryError
from qms.publish.snapshot import announcement, is_committed, snapshot
from qms.text.dates import current_day
from qms.text.suggest import not_a_document
from qms.workspace import Workspace


def show(workspace: Workspace, target: str, as_of: date | None = None) -> tuple[str, list[str]]:
    """(the text, notes for the reader). `QP-02`: the revision in force on `as_of` (default today), as git holds
    it, or the file as it stands when no revision of it is in force; `QP-02@B/0`: revision B/0 as last committed."""
    document_id, at, label = target.partition("@")
    if at and not label:
        raise UsageError(f"{target}: name the revision after the @, for example {document_id}@1 "
                         f"(qms history {document_id} lists them)")
    if at:
        (history,) = document_history(workspace, document_id)
        version = revision_of(history, label).last
        return read_blobs(workspace.root, [version.blob]).get(version.blob, b"").decode("utf-8", "replace"), []
    doc = workspace.documents.by_id().get(document_id)
    try:
        snap = snapshot(workspace, as_of)
    except (NotAGitRepositoryError, NoCommitsError):
        snap = None  # nothing is committed yet: the file as it stands is all there is
    day = (snap.as_of if snap else as_of or current_day()).isoformat()
    entries = snap.by_id(document_id) if snap else []
    entry = next((e for e in entries if doc is not None and e.doc.path == doc.path), entries[0] if entries else None)
    if entry is not None and entry.revision is not None:
        notes = [f"{document_id}: revision {entry.doc.revision}, in force on {day}, as committed"]
        if entry.upcoming is not None:
            notes.append(f"{document_id}: {announcement(entry, workspace.config.language)} "
                         f"See it with: qms show {document_id}@{entry.upcoming.revision}")
        if doc is not None and not is_committed(workspace, entry, doc.path):
            notes.append(f"{doc.path} holds changes that are not committed; they are not shown")
        return entry.text, notes
    if doc is None:
        raise UsageError(not_a_document(document_id, list(workspace.documents.by_id())))
    try:
        text = (workspace.root / doc.path).read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        raise UsageError(f"{doc.path} cannot be read: {exc.strerror or exc}") from None
    return text, [f"{document_id}: no revision is in force on {day}; this is {doc.path} as it stands"]
