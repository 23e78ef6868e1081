"""The site's "Due and overdue" page and audit programme: internal pages, never on a public site.

The due list names people and roles, nothing else about them; the programme names procedures and audits.
Both are rendered by qms.publish.due, which `qms due --format markdown` shares.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from mkdocs.structure.files import File

from qms.model import DocumentSet
from qms.publish.due import DUE_PAGE, PROGRAMME_PAGE, due_markdown, programme_markdown
from qms.publish.duties import due_list
from qms.publish.visibility import PUBLISHED, visibility
from qms.supervise.audits import programme
from qms.workspace import Workspace

DUE_DAYS = 30  # the page shows what is overdue and what falls due in the next 30 days, as `qms due` does


def navigation(public: bool) -> list[tuple[str, str]]:
    return [] if public else [("Due and overdue", DUE_PAGE), ("Audit programme", PROGRAMME_PAGE)]


def page_files(config: Any, workspace: Workspace, docs: DocumentSet, today: date, public: bool,
               audit: bool = False) -> list[File]:
    """The two pages, from `docs`: what git holds, as the rest of the site."""
    if public:
        return []  # a site anyone can read shows no duties and no audit plan
    qms = workspace.config
    # Duties are judged over everything in force; the pages name only what the site publishes, so a
    # restricted procedure's title or its audit never reaches a page or the search index.
    shown = {d.id for d in docs.documents if d.id and visibility(d, audit) == PUBLISHED}
    rows = [row for row in programme(docs.documents, qms.audit_months, today) if row.procedure.id in shown]
    due = due_list(workspace, today, DUE_DAYS, docs=docs)
    due.duties = [duty for duty in due.duties if duty.document in shown]
    due.titles = {doc_id: title for doc_id, title in due.titles.items() if doc_id in shown}
    return [File.generated(config, DUE_PAGE, content=due_markdown(due)),
            File.generated(config, PROGRAMME_PAGE, content=programme_markdown(rows, qms.audit_months, today))]
