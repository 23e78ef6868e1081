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
from qms.history.model import History
from qms.load.config import Config
from qms.model import Document, DocumentSet
from qms.publish import generated, gfm
from qms.publish import pages as publish
from qms.publish.guides import Guide, find_guides, section_title
from qms.publish.labels import labels
from qms.publish.visibility import DRAFT, HIDDEN, PUBLISHED, visibility
from qms.workspace import Workspace

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
            self.workspace = Workspace.open(root)
            self.qms = self.workspace.config
            self.docs = self.workspace.documents
            self.guides = find_guides(self.qms.root, self.config.guides) if self.config.guides else []
        except QmsError as exc:
            raise PluginError(f"qms: {exc}") from None
        try:
            self.history = self.workspace.history()
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
        gfm.mkdocs_extensions(config.markdown_extensions, config.mdx_configs)  # render as GitHub does
        if config.nav is None:  # the site's own nav wins; otherwise sections by type and process
            docs_dir = Path(config.docs_dir)
            home = sorted((p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")),
                          key=lambda page: (page != "index.md", page))
            registers = [(self.t[key], name) for key, name in generated.PAGES]
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
            seen = visibility(doc, self.audit)
            if seen == HIDDEN:
                continue
            inclusion = InclusionLevel.DRAFT if seen == DRAFT else InclusionLevel.INCLUDED
            if doc.is_record and seen == PUBLISHED:
                # Records run to tens of thousands: they are reached through the records register,
                # not listed in the navigation every page embeds.
                inclusion = InclusionLevel.NOT_IN_NAV
            files.append(File(doc.path, root, config.site_dir, config.use_directory_urls, inclusion=inclusion))
            self.by_path[doc.path] = doc
        self.targets = None
        for guide in self.guides:
            files.append(File(guide.src_uri, str(guide.src_dir), config.site_dir, config.use_directory_urls))
        files.append(self._register(files, config))
        # The records register and the roles matrix link the source paths, which MkDocs resolves.
        files.append(File.generated(config, "records.md", content=generated.records_page(
            self.docs, self.t, generated.same_path, self.audit)))
        files.append(File.generated(config, "roles.md", content=generated.roles_page(
            self.docs, self.t, generated.same_path, self.audit, generated.HTML)))
        for name in ASSETS:
            content = package_files("qms.site").joinpath(name).read_bytes()
            files.append(File.generated(config, name, content=content))
        return files

    def _register(self, files: Files, config: Any) -> File:
        """The master register, an HTML table its script sorts, linking each page by its URL relative to the register."""
        assert self.qms is not None
        register = File.generated(config, "register.md", content="")

        def url(path: str) -> str:
            target = files.get_file_from_path(path)
            return target.url_relative_to(register) if target is not None else path

        register.content_string = generated.register_page(self.docs, self.qms.review_months, self.t, url, self.audit,
                                                          generated.HTML)
        return register

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
        head = self.env.get_template("header.html").render(
            h=h, t=self.t, banner=publish.banner(doc, self.t), effective=publish.effective_text(h, self.t))
        record = self.history.documents.get(doc.id or "") if self.history else None
        table = self.env.get_template("history.html").render(revisions=publish.revision_lines(record, self.t), t=self.t)
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

