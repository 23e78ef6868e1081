"""`qms export DIR`: the published set as plain Markdown, for any static site generator.

The same documents as the site (qms.publish decides): the revision in force on the
day, as git holds it (the working tree's uncommitted text is never exported), each with its
front-matter kept, the header and the revision table from git rendered in as
Markdown tables, and `[[ID]]` turned into relative links; plus the master
register, the records register and the roles matrix. History comes from the
one-pass index. The export is built aside (in the git folder when DIR is in
the repository) and renamed into place, so DIR holds either the whole export or
nothing, and no existing file is touched.

Every file the exported documents link to or embed (pictures, PDF forms,
spreadsheets; Markdown and raw HTML links alike) is exported at its own path, as
git holds it at the commit of the text exported, so each relative link still
works in the exported folder; as on the site, never a file of a document that
is not exported (qms/publish/attachments.py).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from qms import safewrite
from qms.errors import QmsError
from qms.history.model import DocumentHistory
from qms.load.config import Config
from qms.model import Document
from qms.publish import attachments, generated
from qms.publish import pages as publish
from qms.publish.includes import Unpublished
from qms.publish.labels import labels
from qms.publish.scorecard import without_personal_keys
from qms.publish.snapshot import Snapshot, announcement, snapshot
from qms.publish.visibility import PUBLISHED, visibility
from qms.text.blocks import join_cjk_lines
from qms.text.frontmatter import split_front_matter
from qms.text.mdtext import cell as md_cell
from qms.workspace import Workspace


class ExportError(QmsError):
    """The export folder cannot be used."""


@dataclass
class ExportSummary:
    path: Path
    documents: int
    records: int


def export(workspace: Workspace, target: Path, audit: bool = False, as_of: date | None = None) -> ExportSummary:
    config = workspace.config
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} already exists and is not an empty folder; export into a new folder "
                          "(qms export never writes over files)")
    snap = snapshot(workspace, as_of)
    published = [d for d in snap.docs.documents if visibility(d, audit) == PUBLISHED]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with safewrite.folder_aside(target) as staging:
            _write_pages(staging, config, snap, published, audit, workspace.committed_config)
            _write_attachments(staging, workspace, snap, published)
            safewrite.move_into_place(staging, target)  # replaces the empty folder checked above
    except OSError as exc:
        raise ExportError(f"cannot write the export to {target}: {exc.strerror or exc}; nothing was written") from None
    records = sum(1 for d in published if d.is_record)
    return ExportSummary(target, len(published) - records, records)


def _write_pages(out: Path, config: Config, snap: Snapshot, published: list[Document], audit: bool,
                 settings: Config) -> None:
    """`settings`: the committed qms.yml, whose review intervals give the next reviews."""
    docs = snap.docs
    t = labels(config.language)
    role_titles = {r.id: r.title for r in docs.roles}

    def write(rel: str, text: str) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    for doc in published:
        here = posixpath.dirname(doc.path)
        targets = {d.id: (posixpath.relpath(d.path, here), d.title) for d in published if d.id}
        entry = snap.entries[doc.path]
        front = split_front_matter(entry.text).yaml_text
        if doc.is_record:  # who is charged points for an error is personal performance data (qms scorecard)
            front = without_personal_keys(front)
        # The reader's Markdown renderer shows a line break as a space: CJK lines are joined here.
        body = join_cjk_lines(publish.link_ids(doc.body, doc.body_line, targets))
        parts = [f"---\n{front}\n---"]
        if not doc.is_record:
            schedule = publish.review_schedule(doc, entry.revision, settings, snap.as_of)
            parts += [_header(doc, config, role_titles, t, snap.as_of, announcement(entry, config.language), schedule),
                      body.strip("\n"), _revisions(entry.history, t)]
        else:
            parts.append(body.strip("\n"))
        write(doc.path, "\n\n".join(parts) + "\n")
    announced = {path: announcement(entry, config.language) for path, entry in snap.entries.items()}
    # The export is internal, as a plain site is: overdue reviews are marked, as there.
    schedules = {path: publish.review_schedule(entry.doc, entry.revision, settings, snap.as_of)
                 for path, entry in snap.entries.items() if not entry.doc.is_record}
    write("register.md", generated.register_page(docs, config.review_months, t, generated.same_path, audit,
                                                 generated.MARKDOWN, announced, snap.as_of, schedules, mark_overdue=True))
    write("records.md", generated.records_page(docs, t, generated.same_path, audit))
    write("roles.md", generated.roles_page(docs, t, generated.same_path, audit))
    write("index.md", f"# {md_cell(config.organisation)}\n\n"
                      + "".join(f"- [{t[key]}]({name})\n" for key, name in generated.PAGES))


def _write_attachments(out: Path, workspace: Workspace, snap: Snapshot, published: list[Document]) -> None:
    """The files the exported documents link to or embed, beside them; none of a document left out (restricted,
    a draft, obsolete; the working tree's too, as on the site)."""
    shown = {doc.path for doc in published}
    unpublished = Unpublished(doc for doc in [*snap.docs.documents, *workspace.documents.documents]
                              if doc.path not in shown)
    pages = [(doc, snap.entries[doc.path].commit) for doc in published]
    for rel, data in attachments.of_pages(workspace.config, pages, unpublished).items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _header(doc: Document, config: Config, role_titles: dict[str, str], t: dict[str, str], as_of: date,
            upcoming: str, schedule: publish.ReviewSchedule | None = None) -> str:
    h = publish.header(doc, config.review_months, role_titles, as_of, schedule)
    heads = [t[k] for k in ("id", "revision", "status", "effective", "owner", "approvers", "next_review")]
    values = (h.id, h.revision, h.status, publish.effective_text(h, t), h.owner, h.approvers, h.next_review)
    table = generated.markdown_table(heads, [[md_cell(v) for v in values]])
    # Only published documents are exported: the banner is never DRAFT here.
    shown = publish.banner(doc, t, md_cell)
    banner = f"> **{shown.text}**\n\n" if shown else ""
    banner += f"> **{md_cell(upcoming)}**\n\n" if upcoming else ""
    return f"{banner}{table}\n\n> {t['uncontrolled']}"


def _revisions(history: DocumentHistory | None, t: dict[str, str]) -> str:
    rows = [[md_cell(r.revision), md_cell(r.effective), md_cell(r.change), md_cell(r.authors), md_cell(r.approvals),
             f"`{r.commit}`"] for r in publish.revision_lines(history, t)]
    heads = [t["revision"], t["effective"], t["change"], t["authors"], t["approvals"], t["commit"]]
    return f"## {t['history']}\n\n{generated.markdown_table(heads, rows)}"
