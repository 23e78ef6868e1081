"""`qms history`: the revision record of one document or of all, for people, tools and auditors."""


from __future__ import annotations

from qms.errors import UsageError
from qms.history.model import DocumentHistory
from qms.text.dates import DATE_ONLY
from qms.text.suggest import not_a_document
from qms.workspace import Workspace


def document_history(workspace: Workspace, document_id: str | None = None) -> list[DocumentHistory]:
    """The history of one document, or of all, sorted by id."""
    history = workspace.history()
    if document_id is None:
        return [history.documents[k] for k in sorted(history.documents)]
    if document_id not in history.documents:
        uncommitted = workspace.documents.by_id().get(document_id)
        if uncommitted is not None:
            raise UsageError(f"{document_id} ({uncommitted.path}) is not committed yet, so it has no history; "
                             "commit it first")
        raise UsageError(not_a_document(document_id, list(history.documents)))
    return [history.documents[document_id]]


def audit_trail_csv(workspace: Workspace, document_id: str | None, start: str | None, end: str | None) -> str:
    from qms.history.trail import audit_trail
    from qms.report.trail import render_csv

    for label, value in (("--from", start), ("--to", end)):
        if value is not None and not DATE_ONLY.match(value):
            raise UsageError(f'{label} must be a date written YYYY-MM-DD (found "{value}")')
    if document_id is not None:
        document_history(workspace, document_id)  # an id that names no document is said so, not an empty trail
    history = workspace.history()
    if document_id is not None:
        history.documents = {k: v for k, v in history.documents.items() if k == document_id}
    return render_csv(audit_trail(history, workspace.roster.identify, start, end))
