"""The `qms` MkDocs plugin: publishes the controlled document set.

A thin adapter. The document set is loaded once, by the same code as
`qms check`, and history comes from the one-pass index; what is published and
what each header says is decided in `qms.publish`.
"""

from __future__ import annotations

import logging
import os
import posixpath
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsBaseConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from qms import publish
from qms.config import Config, load_config
from qms.errors import QmsError
from qms.gitlog import GitError
from qms.history import History, load_history
from qms.loader import load_set
from qms.model import Document, DocumentSet
from qms.site.labels import labels

log = logging.getLogger("mkdocs.plugins.qms")


class QmsPluginConfig(MkDocsBaseConfig):
    # Include obsolete documents under an OBSOLETE banner (`qms build --audit`, or QMS_AUDIT=1).
    audit = config_options.Type(bool, default=False)


class QmsPlugin(BasePlugin[QmsPluginConfig]):
    def __init__(self) -> None:
        self.qms: Config | None = None
        self.docs = DocumentSet(root="")
        self.history: History | None = None
        self.by_path: dict[str, Document] = {}
        self.audit = False
        self.env = Environment(loader=PackageLoader("qms.site", "templates"), autoescape=select_autoescape(["html"]))

    # on_config: load the QMS once, before MkDocs looks at any file.
    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path).parent
        try:
            self.qms = load_config(root)
            self.docs = load_set(self.qms)
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
        self.t = labels(self.qms.language)
        return config

    # on_files: decide here what is published, since page.meta exists only later.
    def on_files(self, files: Files, config: Any) -> Files:
        assert self.qms is not None
        root = str(self.qms.root)
        for doc in self.docs.documents:
            seen = publish.visibility(doc, self.audit)
            if seen == publish.HIDDEN:
                continue
            inclusion = InclusionLevel.DRAFT if seen == publish.DRAFT else InclusionLevel.INCLUDED
            files.append(File(doc.path, root, config.site_dir, config.use_directory_urls, inclusion=inclusion))
            self.by_path[doc.path] = doc
        files.append(File.generated(config, "register.md", content=self._register()))
        return files

    def _register(self) -> str:
        assert self.qms is not None
        role_titles = {r.id: r.title for r in self.docs.roles}
        lines = [f"# {self.t['register']}", "",
                 f"| {self.t['id']} | {self.t['title']} | {self.t['type']} | {self.t['revision']} | "
                 f"{self.t['effective']} | {self.t['owner']} | {self.t['next_review']} |",
                 "| --- | --- | --- | --- | --- | --- | --- |"]
        for doc in publish.register_rows(self.docs, self.audit):
            h = publish.header(doc, self.qms.review_months, role_titles)
            cells = [f"[{h.id}]({doc.path})", h.title, doc.type or "", h.revision, h.effective, h.owner, h.next_review]
            lines.append("| " + " | ".join(_cell(c) if i else c for i, c in enumerate(cells)) + " |")
        return "\n".join(lines) + "\n"

    # on_page_markdown: add the header and revision table, and resolve [[ID]].
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        doc = self.by_path.get(page.file.src_uri)
        if doc is None:
            return markdown
        assert self.qms is not None
        # Material shows `status:` as a nav badge; lifecycle status is shown in the header instead.
        page.meta.pop("status", None)
        here = posixpath.dirname(doc.path)
        targets = {d.id: (posixpath.relpath(path, here), d.title) for path, d in self.by_path.items() if d.id}
        body = publish.link_ids(markdown, 1, targets)
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
        return f"{head}\n\n{body}\n\n{table}\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
