"""Attachments: every picture, form and spreadsheet a document links to can be published, and none is left behind.

The site and the PDF publish a document's attachments as git holds them (qms/publish/attachments.py), so a
file that git does not hold, or holds only as a git-lfs pointer that was never fetched, would be a broken
picture or a dead link in the published copy. R003 only asks whether the file is there.
"""

from __future__ import annotations

from collections.abc import Iterator

from qms.git.worktree import tracked
from qms.load.assets import asset_files
from qms.load.links import LFS_POINTER, MARKDOWN, Link, is_lfs_pointer, links_of, publishable, resolve
from qms.model import Document, Finding
from qms.publish.visibility import HIDDEN, visibility
from qms.rules import Context, rule


def _published_links(ctx: Context) -> list[tuple[Document, Link]]:
    """The links to existing files of every document the site publishes, now or once approved."""
    root = ctx.config.root
    shown = (doc for doc in ctx.docs.documents if visibility(doc) != HIDDEN)
    return [(doc, link) for doc, link in links_of(shown) if (root / link.path).is_file()]


@rule("R010")
def attachment_not_committed(ctx: Context) -> Iterator[Finding]:
    links = _published_links(ctx)
    held = tracked(ctx.config.root, sorted({p for doc, link in links for p in (doc.path, link.path)}))
    if held is None:  # not a git repository: nothing is published from it at all
        return
    for doc, link in links:
        if not publishable(ctx.config, link.path):
            yield ctx.finding(
                "R010", doc.path, link.ref.line,
                f'the link "{link.ref.target}" goes to {link.path}, which is not in a document folder (or is the '
                "roles registry, the people roster or a hidden file); the site and the PDF publish only the files "
                "beside the documents, so it would be missing",
                "move the file into the folder of the document that uses it (an assets/ folder there will do)",
            )
        elif link.path not in held and doc.path in held:  # a new document and its pictures are added together
            yield ctx.finding(
                "R010", doc.path, link.ref.line,
                f'the link "{link.ref.target}" goes to {link.path}, which git does not hold (never added, or '
                "left out by .gitignore); the site and the PDF publish only committed files, so it would be missing",
                f"add it and commit it with the document: git add {_quoted(link.path)}",
            )


    yield from _links_to_markdown_not_a_document(ctx)


def _links_to_markdown_not_a_document(ctx: Context) -> Iterator[Finding]:
    """A link to a Markdown file that is not a document: the site makes pages of documents only."""
    root = ctx.config.root
    documents = {doc.path for doc in ctx.docs.documents}
    for doc in ctx.docs.documents:
        if visibility(doc) == HIDDEN:
            continue
        for ref in doc.relative_links():
            path = resolve(doc.path, ref.target)
            if (path is not None and path.lower().endswith(MARKDOWN) and path not in documents
                    and (root / path).is_file()):
                yield ctx.finding(
                    "R010", doc.path, ref.line,
                    f'the link "{ref.target}" goes to {path}, which is not a document of the QMS; the site '
                    "makes pages of documents only, so the link would lead nowhere",
                    "link to the document that holds this text, or make it one (front-matter with an id)",
                )


@rule("R011")
def lfs_pointer_not_fetched(ctx: Context) -> Iterator[Finding]:
    root = ctx.config.root
    for doc, link in _published_links(ctx):
        try:
            with open(root / link.path, "rb") as handle:
                head = handle.read(len(LFS_POINTER))
        except OSError:
            continue
        if is_lfs_pointer(head):
            yield ctx.finding(
                "R011", doc.path, link.ref.line,
                f'the link "{link.ref.target}" goes to {link.path}, which is a git-lfs pointer: the file itself '
                "was never fetched, so the site and the PDF would leave it out",
                "fetch it with `git lfs pull` (in CI, check out with git-lfs, for example actions/checkout "
                "with `lfs: true`), then check and build again",
            )


@rule("R012")
def unreferenced_asset(ctx: Context) -> Iterator[Finding]:
    named = {link.path for _, link in links_of(ctx.docs.documents)}
    for path in asset_files(ctx.config, (doc.path for doc in ctx.docs.documents)):
        if path not in named:
            yield ctx.finding(
                "R012", path, None,
                "no document links to or embeds this file, so it is never published",
                "link it from the document it belongs to, or remove it if it was left behind",
            )


def _quoted(path: str) -> str:
    return f"'{path}'" if any(c in path for c in " '\"$`\\") else path
