"""The site's clause coverage page: added to the navigation and the files, rendered by qms.publish.coverage."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from qms.load.config import Config
from qms.model import DocumentSet
from qms.publish.coverage import PAGE, coverage, coverage_labels, coverage_page
from qms.publish.visibility import PUBLISHED, visibility
from qms.site.links import html_anchors


def navigation(qms: Config) -> list[tuple[str, str]]:
    """The page's navigation entry, beside the registers, for a QMS that declares its standards."""
    return [(coverage_labels(qms.language)["coverage"], PAGE)] if qms.declares_standards else []


def page_file(config: Any, qms: Config, in_force: DocumentSet, published: DocumentSet, audit: bool,
              files: Files) -> list[File]:
    """The page as a generated file. Coverage counts every document in force; the page links each one the
    site publishes, with the URL MkDocs gives it in `files`, and counts the others without naming them."""
    if not qms.declares_standards:
        return []
    shown = {d.path for d in published.documents if visibility(d, audit) == PUBLISHED}

    def link_to(path: str) -> str | None:
        return path if path in shown else None

    page = File.generated(config, PAGE, content="")
    page.content_string = coverage_page(coverage(in_force, qms), in_force.by_id(), qms.language, link_to,
                                        html_anchors(files, page))
    return [page]
