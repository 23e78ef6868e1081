"""The site's clause coverage page: added to the navigation and the files, rendered by qms.publish.coverage."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File

from qms.load.config import Config
from qms.model import DocumentSet
from qms.publish.coverage import PAGE, coverage, coverage_labels, coverage_page
from qms.publish.visibility import PUBLISHED, visibility


def navigation(qms: Config) -> list[tuple[str, str]]:
    """The page's navigation entry, beside the registers, for a QMS that declares its standards."""
    return [(coverage_labels(qms.language)["coverage"], PAGE)] if qms.declares_standards else []


def page_file(config: Any, qms: Config, docs: DocumentSet, audit: bool) -> list[File]:
    """The page as a generated file. It links the source path of each published document, which
    MkDocs resolves; a document the site does not publish (restricted) is counted, not named."""
    if not qms.declares_standards:
        return []
    by_id = docs.by_id()
    published = {d.path for d in by_id.values() if visibility(d, audit) == PUBLISHED}

    def link_to(path: str) -> str | None:
        return path if path in published else None

    content = coverage_page(coverage(docs, qms), by_id, qms.language, link_to)
    return [File.generated(config, PAGE, content=content)]
