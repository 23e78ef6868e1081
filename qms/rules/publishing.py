"""Publishing: nothing the site does not publish is pulled into a page it does (S003), nothing from the web
either (S005), and the site's settings can be read as MkDocs reads them, INHERIT and all (S004).

A `pymdownx.snippets` line, an `<iframe>`, `<object>` or `<embed>`, or an image in a published page or
in one of the site's home pages can bring a restricted, draft or obsolete document's text or view into
that page, and into the search index. `qms build` leaves such includes out (the plugin uses the same
`qms.publish.includes`); the check says where they are, so they are removed before anyone relies on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from qms.load.site import read_source
from qms.model import Document, Finding
from qms.publish.includes import (
    Fetched,
    Reached,
    appended_fetching,
    appended_reaching,
    fetched,
    find_includes,
    hidden_documents,
    reached,
    snippet_bases,
)
from qms.publish.visibility import PUBLISHED, visibility
from qms.rules import Context, rule

# What any include starts with: a file without one of these is not read further (lower case, as bytes).
MARKERS = (b"8<", b"![", b"<iframe", b"<object", b"<embed", b"<img", b"<video", b"<audio", b"<source", b"<frame")


@rule("S003")
def includes_unpublished(ctx: Context) -> Iterator[Finding]:
    root = ctx.config.root
    site = ctx.workspace.site_sources
    unpublished = hidden_documents(ctx.docs.documents, lambda doc: visibility(doc) == PUBLISHED)
    bases = snippet_bases(str(root), site.snippet_bases)

    def read(path: str) -> str | None:
        return read_source(root, path)

    for hit in appended_reaching(site.auto_append, unpublished, bases, read):
        yield ctx.finding("S003", "mkdocs.yml", None, f"pymdownx.snippets' auto_append: {describe(hit)} (on every page)",
                          "take it out of auto_append; qms build leaves it out")
    for path, text, first_line in _published_pages(ctx):
        for hit in reached(find_includes(text), path, unpublished, bases, read):
            yield ctx.finding("S003", path, first_line + hit.include.line - 1, describe(hit),
                              "remove the include, or link to a published document; qms build leaves it out")


@rule("S004")
def site_config_unreadable(ctx: Context) -> Iterator[Finding]:
    for problem in ctx.workspace.site_sources.problems:
        yield ctx.finding("S004", problem.path, problem.line, problem.message, problem.hint)


@rule("S005")
def snippet_from_web(ctx: Context) -> Iterator[Finding]:
    site = ctx.workspace.site_sources
    if not site.snippets_on:
        return
    root = ctx.config.root
    bases = snippet_bases(str(root), site.snippet_bases)
    allowed = ctx.config.snippet_urls

    def read(path: str) -> str | None:
        return read_source(root, path)

    hint = ("copy the text into a document of the repository, where it is approved like the rest, or allow the "
            "address in qms.yml (site: snippet_urls); qms build leaves it out")
    for hit in appended_fetching(site.auto_append, bases, read, allowed):
        yield ctx.finding("S005", "mkdocs.yml", None, f"pymdownx.snippets' auto_append: {_fetches(hit, site.url_download)}"
                          " (on every page)", hint)
    for path, text, first_line in _published_pages(ctx, b"8<"):
        for hit in fetched(find_includes(text), path, bases, read, allowed):
            yield ctx.finding("S005", path, first_line + hit.include.line - 1, _fetches(hit, site.url_download), hint)


def _published_pages(ctx: Context, *markers: bytes) -> Iterator[tuple[str, str, int]]:
    """(path, text, first line) of the site's own pages and of each published document that holds a marker."""
    for path, text in ctx.workspace.site_sources.pages:
        yield path, text, 1
    for doc in ctx.docs.documents:
        if visibility(doc) == PUBLISHED and _may_include(ctx.config.root, doc, markers or MARKERS):
            yield doc.path, doc.body, doc.body_line


def _fetches(hit: Fetched, url_download: bool) -> str:
    named = f'"{hit.include.target}" includes text from the web ({hit.url}, named in {hit.via})' if hit.via else (
        f'"{hit.url}" includes text from the web')
    effect = ("the build would download it: text from outside the repository, which nobody approved and which can "
              "change between two builds" if url_download else
              "text from outside the repository, which nobody approved (with url_download: true the build would "
              "download it)")
    return f"{named}: {effect}"


def _may_include(root: Path, doc: Document, markers: tuple[bytes, ...] = MARKERS) -> bool:
    """Whether the document's file holds anything an include starts with. A document the load cache made has
    not read its body: the file's bytes are looked at instead, so tens of thousands of records' bodies are not
    all kept in memory for a rule that finds nothing in them."""
    if type(doc) is Document:
        raw = doc.body.lower().encode("utf-8", "replace")
    else:
        try:
            with open(root / doc.path, "rb") as handle:
                raw = handle.read().lower()
        except OSError:
            return False
    return any(marker in raw for marker in markers)


def describe(hit: Reached) -> str:
    doc = hit.document
    through = "" if hit.via == doc.path else f" through {hit.via}"
    if hit.include.kind == "snippet":
        what, effect = "includes", "its text would appear on this page and in the search index"
    else:
        what, effect = f"shows ({hit.include.kind})", "it would be shown inside this page"
    return (f'"{hit.include.target}" {what} {doc.id or doc.path}{through}, which the site does not publish '
            f"({_why(doc)}): {effect}")


def _why(doc: Document) -> str:
    classification = doc.data.get("classification")
    if classification not in (None, "public", "internal"):
        return f"classified {classification}" if isinstance(classification, str) else "classified"
    return doc.status or "not in force"
