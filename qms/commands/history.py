"""`qms history`: the revision record of one document or of all, for people, tools and auditors."""


from __future__ import annotations

from pathlib import Path

from qms.errors import UsageError
from qms.history.index import DATE_ONLY, load_history
from qms.history.model import DocumentHistory, History
from qms.history.roster import Roster
from qms.load.config import Config, load_config
from qms.load.documents import load_people, load_set
from qms.text.suggest import did_you_mean


def load_for(path: Path) -> tuple[Config, History]:
    """Config and history for the QMS at or above `path`: the entry point commands use."""
    config = load_config(path)
    return config, load_history(config, load_people(config))


def document_history(path: Path, document_id: str | None = None) -> list[DocumentHistory]:
    """The history of one document, or of all, sorted by id."""
    config, history = load_for(path)
    if document_id is None:
        return [history.documents[k] for k in sorted(history.documents)]
    if document_id not in history.documents:
        uncommitted = load_set(config).by_id().get(document_id)
        if uncommitted is not None:
            raise UsageError(f"{document_id} ({uncommitted.path}) is not committed yet, so it has no history; "
                             "commit it first")
        known = sorted(history.documents)
        raise UsageError(f"{document_id} has no history in this repository{did_you_mean(document_id, known, 0.85)}")
    return [history.documents[document_id]]


def audit_trail_csv(path: Path, document_id: str | None, start: str | None, end: str | None) -> str:
    from qms.history.trail import audit_trail
    from qms.report.trail import render_csv

    for label, value in (("--from", start), ("--to", end)):
        if value is not None and not DATE_ONLY.match(value):
            raise UsageError(f'{label} must be a date written YYYY-MM-DD (found "{value}")')
    config = load_config(path)
    people = load_people(config)
    history = load_history(config, people)
    if document_id is not None:
        history.documents = {k: v for k, v in history.documents.items() if k == document_id}
    return render_csv(audit_trail(history, Roster(people).identify, start, end))
