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
from qms.git.runner import GitError, resolve_commit
from qms.load.config import Config
from qms.model import Document, DocumentSet
from qms.publish import attachments, folders, generated, gfm, overview
from qms.publish import pages as publish
from qms.publish.guides import Guide, find_guides, section_title
from qms.publish.labels import labels
from qms.publish.records import record_events, record_header
from qms.publish.snapshot import Entry, Snapshot, announcement, is_committed, parse_as_of, snapshot
from qms.publish.visibility import DRAFT, HIDDEN, PUBLISHED, public_only, visibility
from qms.site import brand, coverage, objectives, supervision
from qms.site.framing import framed
from qms.site.include_guard import IncludeGuard
from qms.site.links import html_anchors
from qms.site.rawhtml import point_raw_html
from qms.site.search import add_inner_words
from qms.site.search_toc import index_headings_once
from qms.text import mdtext
from qms.text.blocks import space_after_headings
from qms.text.dates import current_day
from qms.text.safetext import css_string
from qms.workspace import Workspace

log = logging.getLogger("mkdocs.plugins.qms")

# Shipped with the package, added to every site: the sortable tables and the print rules.
ASSETS = ("assets/qms.css", "assets/qms.js")
BRAND_CSS = "assets/qms-brand.css"
GENERATED = frozenset(name for _, name in generated.PAGES)
# In mkdocs.yml's site_name and the pages of docs_dir, replaced by qms.yml's organisation.
ORGANISATION = "{organisation}"


class QmsPluginConfig(MkDocsBaseConfig):
    # Include obsolete documents under an OBSOLETE banner (`qms build --audit`, or QMS_AUDIT=1).
    audit = config_options.Type(bool, default=False)
    # Publish only documents classified public, for a site anyone can read (`qms build --public`, or QMS_PUBLIC=1).
    public = config_options.Type(bool, default=False)
    # A folder of guides (relative to the repository root) published under "How we work".
    guides = config_options.Optional(config_options.Type(str))
    # The day whose revisions in force are published (`qms build --as-of`, or QMS_AS_OF); default: the build's day.
    as_of = config_options.Optional(config_options.Type(str))


class QmsPlugin(BasePlugin[QmsPluginConfig]):
    def __init__(self) -> None:
        self.qms: Config | None = None
        self.docs = DocumentSet(root="")
        self.snapshot: Snapshot | None = None
        self.in_force: DocumentSet | None = None  # the snapshot's documents before --public leaves some out
        self.preview = False  # `mkdocs serve`: the author's working tree may be shown, under the DRAFT banner
        self.by_path: dict[str, Document] = {}
        self.entries: dict[str, Entry] = {}  # page path -> the committed revision it shows
        self.targets: dict[str, tuple[str, str]] | None = None  # id -> (path, title) of published pages
        self.include_guard: IncludeGuard | None = None
        self.framing: dict[str, tuple[str, str]] = {}  # page path -> (header, revision table) HTML
        self.audit = False
        self.public = False  # `--public`: supervision (overdue reviews, who has read what) is never shown
        self.readers: dict[str, tuple[int, int]] | None = None  # id -> (acknowledged, readers) of the revision in force
        self.guides: list[Guide] = []
        self.logo: Path | None = None
        self.env = Environment(loader=PackageLoader("qms.site", "templates"), autoescape=select_autoescape(["html"]))

    # on_startup: the only event that says whether this is a build (the controlled copy) or the author's preview.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.preview = command == "serve"

    # on_config: load the QMS once, before MkDocs looks at any file.
    # Priority 100: run before Material's search on_config, which reads theme.language and the separator.
    @event_priority(100)
    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path).parent
        try:
            self.workspace = Workspace.open(root)
            self.qms = self.workspace.config
            # The working tree is read only for the author's preview; a build publishes what git holds.
            self.docs = self.workspace.documents if self.preview else DocumentSet(root=str(self.qms.root))
            self.guides = find_guides(self.qms.root, self.config.guides) if self.config.guides else []
            self.logo = brand.logo_file(self.qms)
        except QmsError as exc:
            raise PluginError(f"qms: {exc}") from None
        try:
            as_of = parse_as_of(os.environ.get("QMS_AS_OF") or self.config.as_of)
            # Only committed content is published: what git holds, in force on the day.
            self.snapshot = snapshot(self.workspace, as_of)
        except (QmsError, GitError) as exc:
            raise PluginError(f"qms: only committed documents are published, and git could not be read: {exc}") from None
        self.audit = self.config.audit or os.environ.get("QMS_AUDIT") == "1"
        self.in_force = self.snapshot.docs  # coverage counts what is in force, published or not
        self.as_of = as_of or current_day()
        self.public = bool(self.config.public or os.environ.get("QMS_PUBLIC") == "1")
        if self.public:
            # A site anyone can read: only what is classified public, from the committed set and the preview alike.
            self.docs = public_only(self.docs)
            published = public_only(self.snapshot.docs)
            kept = {id(d) for d in published.documents}
            self.snapshot.entries = {p: e for p, e in self.snapshot.entries.items() if id(e.doc) in kept}
            self.snapshot.docs = published
        # The organisation's name is kept once, in qms.yml: mkdocs.yml's site_name may say where it goes.
        # MkDocs' templates print site_name unescaped, so the name is escaped here.
        if ORGANISATION in config.site_name:
            config.site_name = config.site_name.replace(ORGANISATION, escape(self.qms.organisation))
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
        shown = [path for path, e in self.snapshot.entries.items() if visibility(e.doc, self.audit) == PUBLISHED]
        self.include_guard = IncludeGuard(self.qms.root, shown, [*self.snapshot.docs.documents,
                                          *self.workspace.documents.documents], self.t["left_out"],
                                          self.qms.snippet_urls, self.t["left_out_web"])
        self._add_assets(config)
        self._brand(config)
        gfm.mkdocs_extensions(config.markdown_extensions, config.mdx_configs,  # render as GitHub does
                              self.qms.paragraph_characters)
        if config.nav is None:  # the site's own nav wins; otherwise sections by type and process
            docs_dir = Path(config.docs_dir)
            home = sorted((p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")),
                          key=lambda page: (page != "index.md", page))
            registers = [(self.t[key], name) for key, name in generated.PAGES]
            registers += coverage.navigation(self.qms)
            registers += objectives.navigation(self.qms, self.snapshot.docs, self.audit)
            registers += supervision.navigation(self.public)
            config.nav = publish.navigation(self.snapshot.docs, self.qms.language, registers, home, self.audit)
            if self.guides:
                config.nav.append({section_title(self.qms.language): [{g.title: g.src_uri} for g in self.guides]})
        return config

    # on_pre_build: Material's search makes its index object in its own on_config, after ours.
    def on_pre_build(self, config: Any) -> None:
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index_headings_once(getattr(search, "search_index", None))

    def _add_assets(self, config: Any) -> None:
        css, js = ASSETS
        if css not in [str(c) for c in config.extra_css]:
            config.extra_css.append(css)
        if js not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(js)

    def _brand(self, config: Any) -> None:
        """The organisation's footer, logo and colour (qms.yml `site:`) instead of Material's own."""
        assert self.qms is not None
        try:
            commit = resolve_commit(self.qms.root, "HEAD")
        except QmsError:
            commit = ""
        day = self.snapshot.as_of if self.snapshot is not None else current_day()
        note = brand.footer(self.qms, commit, day.isoformat())
        config.copyright = f"{config.copyright} · {note}" if config.copyright else note
        config.extra["generator"] = False  # "Made with Material for MkDocs"
        if self.logo is not None:
            config.theme["logo"] = brand.LOGO_DEST + self.logo.suffix.lower()
        if self.qms.site_colour:
            palette = config.theme.get("palette") or {}
            for scheme in palette if isinstance(palette, list) else [palette]:
                scheme["primary"] = "custom"
            config.theme["palette"] = palette or {"primary": "custom"}
            if BRAND_CSS not in [str(c) for c in config.extra_css]:
                config.extra_css.append(BRAND_CSS)

    # on_files: decide here what is published, since page.meta exists only later.
    def on_files(self, files: Files, config: Any) -> Files:
        assert self.qms is not None and self.snapshot is not None
        root = str(self.qms.root)
        # With on_startup defined, MkDocs keeps this instance across the rebuilds of `serve`: start afresh.
        self.by_path, self.entries, self.framing = {}, {}, {}
        self.drafts: set[str] = set()
        working = {doc.path: doc for doc in self.docs.documents} if self.preview else {}
        for path, entry in self.snapshot.entries.items():
            doc = entry.doc
            seen = visibility(doc, self.audit)
            if seen == HIDDEN or (path in working and not is_committed(self.workspace, entry, path)):
                continue  # the preview shows the working tree's text instead, below
            inclusion = InclusionLevel.DRAFT if seen == DRAFT else InclusionLevel.INCLUDED
            if doc.is_record and seen == PUBLISHED:
                # Records run to tens of thousands: they are reached through the records register,
                # not listed in the navigation every page embeds.
                inclusion = InclusionLevel.NOT_IN_NAV
            # The committed text, whatever the working tree holds.
            files.append(File.generated(config, path, content=entry.text, inclusion=inclusion))
            self.by_path[path] = doc
            self.entries[path] = entry
        for path, doc in working.items():
            # The author's preview: a draft, or a change not yet committed, under the DRAFT banner; never in a build.
            if path in self.by_path or visibility(doc, self.audit) == HIDDEN:
                continue
            files.append(File(path, root, config.site_dir, config.use_directory_urls, inclusion=InclusionLevel.DRAFT))
            self.by_path[path] = doc
            self.drafts.add(path)
        self._add_attachments(files, config, working)
        self.targets = None
        for guide in self.guides:
            files.append(File(guide.src_uri, str(guide.src_dir), config.site_dir, config.use_directory_urls))
        files.append(self._register(files, config))
        # The records register and the roles matrix link each page with the URL MkDocs gives it (qms.site.links).
        records = File.generated(config, "records.md", content="")
        records.content_string = generated.records_page(self.snapshot.docs, self.t, generated.same_path, self.audit,
                                                        html_anchors(files, records))
        files.append(records)
        roles = File.generated(config, "roles.md", content="")
        roles.content_string = generated.roles_page(self.snapshot.docs, self.t, generated.same_path, self.audit,
                                                    generated.HTML, html_anchors(files, roles))
        files.append(roles)
        self._add_folder_pages(files, config)
        in_force = self.in_force or self.snapshot.docs
        for page in coverage.page_file(config, self.qms, in_force, self.snapshot.docs, self.audit, files):
            files.append(page)
        for page in [*objectives.page_file(config, self.workspace, self.snapshot.docs, self.audit),
                     *supervision.page_files(config, self.workspace, in_force, self.as_of, self.public, self.audit)]:
            files.append(page)
        for name in ASSETS:
            content = package_files("qms.site").joinpath(name).read_bytes()
            files.append(File.generated(config, name, content=content))
        if self.logo is not None:
            files.append(File.generated(config, brand.LOGO_DEST + self.logo.suffix.lower(), abs_src_path=str(self.logo)))
        if self.qms.site_colour:
            files.append(File.generated(config, BRAND_CSS, content=brand.colour_css(self.qms.site_colour)))
        return files

    def _add_attachments(self, files: Files, config: Any, working: dict[str, Document]) -> None:
        """The files the pages link to or embed, as git holds them at the commit each page shows.

        A build publishes those of published pages only; a draft's appear only in the preview, which shows
        the working tree's file for a page it shows from the working tree (the author's own picture)."""
        assert self.qms is not None
        hidden = self.include_guard.unpublished if self.include_guard is not None else None

        def pages(seen: str) -> list[tuple[Document, str]]:
            return [(entry.doc, entry.commit) for entry in self.entries.values()
                    if visibility(entry.doc, self.audit) == seen]

        # A file a published page links is published, whoever else links it; a draft's only in the preview.
        published = attachments.of_pages(self.qms, pages(PUBLISHED), hidden)
        drafted = {path: data for path, data in attachments.of_pages(self.qms, pages(DRAFT), hidden).items()
                   if path not in published}
        taken = {f.src_uri for f in files}
        for path, data in sorted({**published, **drafted}.items()):
            if path in taken:
                continue
            inclusion = InclusionLevel.INCLUDED if path in published else InclusionLevel.DRAFT
            files.append(File.generated(config, path, content=data, inclusion=inclusion))
            taken.add(path)
        for path in self.drafts:  # the preview only: the working tree's files, never in a build
            for link in attachments.linked_files(working[path]):
                if (link.path not in taken and attachments.publishable(self.qms, link.path)
                        and (self.qms.root / link.path).is_file()):
                    files.append(File(link.path, str(self.qms.root), config.site_dir, config.use_directory_urls,
                                      inclusion=InclusionLevel.DRAFT))
                    taken.add(link.path)

    def _add_folder_pages(self, files: Files, config: Any) -> None:
        """`/procedures/` and each other type's folder: a page listing its documents, unless one is there."""
        assert self.qms is not None
        taken = {f.dest_uri for f in files}
        assert self.snapshot is not None
        for page in folders.folder_pages(self.qms, self.snapshot.docs, self.t, "records.md", self.audit):
            made = File.generated(config, page.src_uri, content=page.content, inclusion=InclusionLevel.NOT_IN_NAV)
            if made.dest_uri not in taken:  # the records register, or the site's own page for the folder
                files.append(made)

    # on_serve: MkDocs watches only mkdocs.yml and docs_dir; the documents, records and settings are
    # elsewhere, and a preview that does not follow an edit makes its author think the edit is wrong.
    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        assert self.qms is not None
        guides = self.qms.root / self.config.guides if self.config.guides else None
        for path in folders.preview_sources(self.qms, guides):
            server.watch(str(path))
        return server

    def _register(self, files: Files, config: Any) -> File:
        """The master register, an HTML table its script sorts, linking each page by its URL relative to the register."""
        assert self.qms is not None and self.snapshot is not None
        register = File.generated(config, "register.md", content="")

        def url(path: str) -> str:
            target = files.get_file_from_path(path)
            return target.url_relative_to(register) if target is not None else path

        snap = self.snapshot
        announced = {path: announcement(entry, self.qms.language) for path, entry in snap.entries.items()}
        schedules = {path: publish.review_schedule(entry.doc, entry.revision, self.workspace.committed_config, snap.as_of)
                     for path, entry in snap.entries.items() if not entry.doc.is_record}
        register.content_string = generated.register_page(snap.docs, self.qms.review_months, self.t, url, self.audit,
                                                          generated.HTML, announced, snap.as_of, schedules,
                                                          mark_overdue=not self.public)
        return register

    # on_page_markdown: resolve [[ID]], and make the header and revision table for on_page_content.
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        if self.include_guard is not None:  # before Markdown reads the page: its snippets included
            markdown = self.include_guard.page(markdown, page, config)
        if page.file.src_uri in GENERATED:
            page.meta.setdefault("hide", ["toc"])  # a register needs the width, and has no sections
        doc = self.by_path.get(page.file.src_uri)
        if doc is None:
            return self._site_page(markdown, page, config)
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
        body = point_raw_html(body, page, files)  # MkDocs points only Markdown's own links at the published file
        body = space_after_headings(body)
        if doc.is_record:
            self.framing[page.file.src_uri] = self._record_framing(doc, page, files)
            return body
        assert self.snapshot is not None
        role_titles = {r.id: r.title for r in self.snapshot.docs.roles}
        entry = self.entries.get(page.file.src_uri)
        schedule = publish.review_schedule(doc, entry.revision if entry else None, self.workspace.committed_config,
                                           self.snapshot.as_of)
        h = publish.header(doc, self.qms.review_months, role_titles, self.snapshot.as_of, schedule)
        banner = publish.banner(doc, self.t)
        if page.file.src_uri in self.drafts and banner is None:
            banner = publish.Banner("draft", self.t["draft"])  # an uncommitted change is never the revision in force
        head = self.env.get_template("header.html").render(
            h=h, t=self.t, banner=banner, effective=publish.effective_text(h, self.t), internal=not self.public,
            readers=None if self.public else self._readers().get(h.id),
            upcoming=announcement(entry, self.qms.language),
            print_note=css_string(f"{h.id} {self.t['revision']} {h.revision}. {self.t['uncontrolled']}"))
        record = entry.history if entry is not None else None
        lines = publish.revision_lines(record, self.t, publish.legacy_revisions(doc))  # as the page shown says
        table = self.env.get_template("history.html").render(revisions=lines, t=self.t)
        self.framing[page.file.src_uri] = (head, table)
        return body

    def _readers(self) -> dict[str, tuple[int, int]]:
        """(acknowledged, readers) of each revision in force, read once per build from history and the committed
        training records; never asked for on a public site."""
        if self.readers is None:
            from qms.supervise.acknowledge import readers

            assert self.snapshot is not None and self.qms is not None
            found = readers(self.workspace.history(), self.workspace.committed_config,
                            [d for d in self.snapshot.docs.documents if d.is_record], self.snapshot.as_of)
            self.readers = {}
            for reading in found.readings:
                done, total = self.readers.get(reading.document, (0, 0))
                self.readers[reading.document] = (done + (reading.acknowledged is not None), total + 1)
        return self.readers

    def _record_framing(self, doc: Document, page: Any, files: Files) -> tuple[str, str]:
        """A record's header (kind, date, procedure, owner, status, retention) and its history from git."""
        procedure = doc.data.get("procedure")
        target = self.targets.get(procedure) if isinstance(procedure, str) and self.targets else None
        target_file = files.get_file_from_path(target[0]) if target else None
        assert self.snapshot is not None
        role_titles = {r.id: r.title for r in self.snapshot.docs.roles}
        h = record_header(doc, role_titles, self.t, target[0] if target and target_file else None)
        head = self.env.get_template("record_header.html").render(
            h=h, t=self.t, procedure_url=target_file.url_relative_to(page.file) if target_file else "")
        entry = self.entries.get(page.file.src_uri)
        history = entry.history if entry is not None else None
        table = self.env.get_template("record_history.html").render(events=record_events(history, self.t), t=self.t)
        return head, table

    def _site_page(self, markdown: str, page: Any, config: Any) -> str:
        """A page of the site's own (docs_dir, the home page) may write {organisation}: qms.yml's name, as text.
        The home page shows what is in force, what changed lately and what comes into force soon: where it
        writes {qms_overview}, or at its end.

        Controlled documents are left as approved: their text changes only by a new revision."""
        if self.qms is None or page.file.src_dir != config.docs_dir:
            return markdown
        if ORGANISATION in markdown:
            markdown = markdown.replace(ORGANISATION, mdtext.cell(self.qms.organisation))
        if page.file.src_uri == "index.md" and self.snapshot is not None:
            block = overview.overview_markdown(overview.overview(self.snapshot, self.audit), self.qms.language)
            if overview.MARKER in markdown:
                markdown = markdown.replace(overview.MARKER, block, 1)
            else:
                markdown = markdown.rstrip("\n") + "\n\n" + block
        return markdown

    # on_page_content: the header and revision table are HTML already; added after Markdown, they are
    # not parsed again by its raw-HTML reader (a tenth of a large site's build).
    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        html = gfm.translate_alert_titles(html, self.t)
        framing = self.framing.pop(page.file.src_uri, None)
        if framing is None:
            return html
        head, table = framing
        doc = self.by_path[page.file.src_uri]
        return framed(html, doc.title, head, table)

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, config: Any) -> None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        if index.is_file():
            import jieba

            add_inner_words(index, jieba.cut_for_search)


class RelativeTargets:
    """id -> (link relative to one page, title), worked out only for the ids that page names."""

    def __init__(self, targets: dict[str, tuple[str, str]], here: str) -> None:
        self.targets = targets
        self.here = here

    def get(self, doc_id: str) -> tuple[str, str] | None:
        found = self.targets.get(doc_id)
        return None if found is None else (posixpath.relpath(found[0], self.here), found[1])

