"""The site's "Quality objectives" page: added to the navigation and the files, rendered by
qms.publish.objectives_page. Shown only when the document that declares the objectives is published."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File

from qms.load.config import Config
from qms.model import DocumentSet
from qms.publish.objectives_page import PAGE, labels, objectives_page
from qms.publish.results import Results
from qms.publish.visibility import PUBLISHED, visibility
from qms.workspace import Workspace


def _declared(published: DocumentSet, audit: bool) -> bool:
    return any("objectives" in d.data and visibility(d, audit) == PUBLISHED for d in published.documents)


def navigation(qms: Config, published: DocumentSet, audit: bool) -> list[tuple[str, str]]:
    return [(labels(qms.language)["title"], PAGE)] if _declared(published, audit) else []


def page_file(config: Any, workspace: Workspace, published: DocumentSet, audit: bool) -> list[File]:
    if not _declared(published, audit):
        return []
    results = Results(workspace, validate_tables=False)
    return [File.generated(config, PAGE, content=objectives_page(results.series(), workspace.config.language))]
