"""The `qms` MkDocs plugin: publishes the controlled document set.

A thin adapter. The document set is loaded once, by the same code as
`qms check`, and history comes from the one-pass index; what is published and
what each header says is decided in `qms.publish`.
"""

from __future__ import annotations

import logging
import os
import posixpath
from html import escape
from importlib.resources import files as package_files
from itertools import groupby
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsBaseConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from qms.errors import QmsError
from qms.git.runner import GitError
from qms.history.index import load_history
from qms.history.model import History
from qms.load.config import Config, load_config
from qms.load.documents import load_set
from qms.model import Document, DocumentSet
from qms.publish import pages as publish
from qms.publish.guides import Guide, find_guides, section_title
from qms.publish.labels import labels
from qms.publish.visibility import DRAFT, HIDDEN
from qms.text.mdtext import cell, link

log = logging.getLogger("mkdocs.plugins.qms")

# Shipped with the package, added to every site: the sortable tables and the print rules.
ASSETS = ("assets/qms.css", "assets/qms.js")


class QmsPluginConfig(MkDocsBaseConfig):
    # Include obsolete documents under an OBSOLETE banner (`qms build --audit`, or QMS_AUDIT=1).
    audit = config_options.Type(bool, default=False)
    # A folder of guides (relative to the repository root) published under "How we work".
    guides = config_options.Optional(config_options.Type(str))


class QmsPlugin(BasePlugin[QmsPluginConfig]):
    def __init__(self) -> None:
        self.qms: Config | None = None
        self.docs = DocumentSet(root="")
        self.history: History | None = None
        self.by_path: dict[str, Document] = {}
        self.targets: dict[str, tuple[str, str]] | None = None  # id -> (path, title) of published pages
        self.framing: dict[str, tuple[str, str]] = {}  # page path -> (header, revision table) HTML
        self.audit = False
        self.guides: list[Guide] = []
        self.env = Environment(loader=PackageLoader("qms.site", "templates"), autoescape=select_autoescape(["html"]))

    # on_config: load the QMS once, before MkDocs looks at any file.
    # Priority 100: run before Material's search on_config, which reads theme.language and the separator.
    @event_priority(100)
    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path).parent
        try:
            self.qms = load_config(root)
            self.docs = load_set(self.qms)
            self.guides = find_guides(self.qms.root, self.config.guides) if self.config.guides else []
        except QmsError as exc:
            raise PluginError(f"qms: {exc}") from None
        try:
            self.history = load_history(self.qms, self.docs.people)
        except GitError as exc:
            log.warning("qms: no revision history on the pages: %s", exc)
            self.history = None
        self.audit = self.config.audit or os.environ.get("QMS_AUDIT") == "1"
        theme_language = config.theme.get("language")
        if not theme_language or theme_language == "en":
            config.theme["language"] = self.qms.language
        logging.getLogger("jieba").setLevel(logging.WARNING)  # its dictionary-loading chatter
        # With jieba installed, Material's search splits Han text with U+200B; the separator must
        # contain it or Chinese words are never separate terms (only Material's zh default has it).
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None and "separator" in search.config:
            # Unset means Material's per-language default, which its search on_config (run after us) would pick.
            sep = search.config.separator or search._translate(config, "search.config.separator")
            if "\\u200b" not in sep and "\u200b" not in sep:
                sep = "[\\u200b" + sep[1:] if sep.startswith("[") and sep[1:2] != "^" else f"(?:{sep})|\\u200b"
            search.config.separator = sep
        self.t = labels(self.qms.language)
        self._add_assets(config)
        if config.nav is None:  # the site's own nav wins; otherwise sections by type and process
            docs_dir = Path(config.docs_dir)
            home = sorted((p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")),
                          key=lambda page: (page != "index.md", page))
            registers = [(self.t["register"], "register.md"), (self.t["records"], "records.md"),
                         (self.t["roles"], "roles.md")]
            config.nav = publish.navigation(self.docs, self.qms.language, registers, home, self.audit)
            if self.guides:
                config.nav.append({section_title(self.qms.language): [{g.title: g.src_uri} for g in self.guides]})
        return config

    def _add_assets(self, config: Any) -> None:
        css, js = ASSETS
        if css not in [str(c) for c in config.extra_css]:
            config.extra_css.append(css)
        if js not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(js)

    # on_files: decide here what is published, since page.meta exists only later.
    def on_files(self, files: Files, config: Any) -> Files:
        assert self.qms is not None
        root = str(self.qms.root)
        for doc in self.docs.documents:
            seen = publish.visibility(doc, self.audit)
            if seen == HIDDEN:
                continue
            inclusion = InclusionLevel.DRAFT if seen == DRAFT else InclusionLevel.INCLUDED
            if doc.is_record and seen == publish.PUBLISHED:
                # Records run to tens of thousands: they are reached through the records register,
                # not listed in the navigation every page embeds.
                inclusion = InclusionLevel.NOT_IN_NAV
            files.append(File(doc.path, root, config.site_dir, config.use_directory_urls, inclusion=inclusion))
            self.by_path[doc.path] = doc
        self.targets = None
        for guide in self.guides:
            files.append(File(guide.src_uri, str(guide.src_dir), config.site_dir, config.use_directory_urls))
        register = File.generated(config, "register.md", content="")
        register.content_string = self._register(register, files)
        files.append(register)
        files.append(File.generated(config, "records.md", content=self._records()))
        files.append(File.generated(config, "roles.md", content=self._roles()))
        for name in ASSETS:
            content = package_files("qms.site").joinpath(name).read_bytes()
            files.append(File.generated(config, name, content=content))
        return files

    def _register(self, register: File, files: Files) -> str:
        """The master register as an HTML table (class qms-sortable), with links relative to its page."""
        assert self.qms is not None
        role_titles = {r.id: r.title for r in self.docs.roles}
        heads = ("id", "title", "type", "revision", "effective", "owner", "next_review")
        lines = [f"# {self.t['register']}", "", '<table class="qms-sortable qms-register">',
                 "<thead><tr>" + "".join(f"<th>{escape(self.t[h])}</th>" for h in heads) + "</tr></thead>", "<tbody>"]
        for doc in publish.register_rows(self.docs, self.audit):
            h = publish.header(doc, self.qms.review_months, role_titles)
            target = files.get_file_from_path(doc.path)
            url = target.url_relative_to(register) if target is not None else doc.path
            cells = [f'<a href="{escape(url)}">{escape(h.id)}</a>'] + [
                escape(c) for c in (h.title, doc.type or "", h.revision, h.effective, h.owner, h.next_review)]
            lines.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        lines += ["</tbody>", "</table>"]
        return "\n".join(lines) + "\n"

    def _records(self) -> str:
        """The records register, one table per kind."""
        role_titles = {r.id: r.title for r in self.docs.roles}
        t = self.t
        lines = [f"# {t['records']}", ""]
        for kind, rows in groupby(publish.record_rows(self.docs, role_titles, self.audit), key=lambda r: r.kind):
            heads = ("record", "title", "procedure", "date", "owner", "status", "retention")
            lines += [f"## {cell(kind)}", "", "| " + " | ".join(t[h] for h in heads) + " |", "|" + " --- |" * len(heads)]
            for r in rows:
                procedure = link(r.procedure, r.procedure_path) if r.procedure_path else cell(r.procedure)
                cells = [link(r.id, r.path), cell(r.title), procedure, cell(r.date), cell(r.owner), cell(r.status),
                         cell(r.retention)]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        return "\n".join(lines)

    def _roles(self) -> str:
        """The roles and responsibilities matrix: who holds each role, what it owns, approves and must read."""
        t = self.t

        def links(docs: list[Document]) -> str:
            return ", ".join(link(d.id or "", d.path) for d in docs)

        lines = [f"# {t['roles']}", "",
                 f"| {t['role']} | {t['holders']} | {t['owns']} | {t['approves']} | {t['reads']} |",
                 "| --- | --- | --- | --- | --- |"]
        for r in publish.role_rows(self.docs, self.audit):
            cells = [f'<span class="qms-role" data-qms-role="{escape(" ".join(r.id.split()))}">{cell(r.title)}</span>',
                     cell(", ".join(r.holders)), links(r.owns), links(r.approves), links(r.reads)]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"

    # on_page_markdown: resolve [[ID]], and make the header and revision table for on_page_content.
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        doc = self.by_path.get(page.file.src_uri)
        if doc is None:
            return markdown
        assert self.qms is not None
        # Material shows `status:` as a nav badge; lifecycle status is shown in the header instead.
        page.meta.pop("status", None)
        # The theme prints the page title into <title> and the search index unescaped.
        page.meta["title"] = escape(doc.title, quote=False)
        if self.targets is None:
            self.targets = {d.id: (path, d.title) for path, d in self.by_path.items() if d.id}
        # Only the ids this page names get a relative link: a table of every target per page cost
        # a million relpath calls on a site of a thousand pages.
        body = publish.link_ids(markdown, 1, RelativeTargets(self.targets, posixpath.dirname(doc.path)))
        if doc.is_record:
            return body
        role_titles = {r.id: r.title for r in self.docs.roles}
        h = publish.header(doc, self.qms.review_months, role_titles)
        banner = None
        if doc.status in ("draft", "review"):
            banner = {"kind": "draft", "text": self.t["draft"]}
        elif doc.status == "obsolete":
            successor = doc.data.get("superseded_by")
            text = self.t["obsolete"] + (f" {self.t['successor']}: {successor}" if successor else "")
            banner = {"kind": "obsolete", "text": text}
        head = self.env.get_template("header.html").render(h=h, t=self.t, banner=banner)
        record = self.history.documents.get(doc.id or "") if self.history else None
        table = self.env.get_template("history.html").render(revisions=publish.revision_rows(record), t=self.t)
        self.framing[page.file.src_uri] = (head, table)
        return body

    # on_page_content: the header and revision table are HTML already; added after Markdown, they are
    # not parsed again by its raw-HTML reader (a tenth of a large site's build).
    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        framing = self.framing.pop(page.file.src_uri, None)
        if framing is None:
            return html
        head, table = framing
        return f"{head}\n{html}\n{table}"


class RelativeTargets:
    """id -> (link relative to one page, title), worked out only for the ids that page names."""

    def __init__(self, targets: dict[str, tuple[str, str]], here: str) -> None:
        self.targets = targets
        self.here = here

    def get(self, doc_id: str) -> tuple[str, str] | None:
        found = self.targets.get(doc_id)
        return None if found is None else (posixpath.relpath(found[0], self.here), found[1])

