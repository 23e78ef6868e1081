"""Controlled copies as PDF: `qms pdf ID` and `qms pdf --all`.

One document becomes one PDF named ID_revREV.pdf. Its front page holds the
document's particulars, the approval block (who approved, in which role, when,
and what the signature means) and the revision table, all read from git through
the one-pass history index. Every page carries the id, title, revision,
effective date, "Page N of M" and "Controlled copy" (with its distribution number) in its margins.

The Markdown body is rendered as the site renders it (qms/publish/gfm.py), the
page with a Jinja2 template whose autoescaping keeps front-matter text as text,
and the PDF by WeasyPrint, called directly. Output is reproducible: the PDF's
dates and identifier come from git, so regenerating an unchanged revision gives
the same bytes, and a different file already at the target name is never
replaced without --force.
"""

from __future__ import annotations

import gc
import hashlib
import mimetypes
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, PackageLoader, select_autoescape

from qms import extras
from qms.errors import QmsError, UsageError
from qms.git.worktree import has_uncommitted_change
from qms.history.model import Revision
from qms.load.config import CONFIG_NAME, Config
from qms.load.sizes import too_long_to_print
from qms.model import Document, DocumentSet
from qms.publish import attachments, gfm
from qms.publish import pages as publish
from qms.publish.includes import Unpublished, hidden_documents
from qms.publish.labels import labels
from qms.publish.snapshot import Entry, announcement, is_committed, snapshot
from qms.publish.visibility import PUBLISHED, visibility
from qms.safewrite import within, write_atomically
from qms.text.blocks import space_after_headings
from qms.text.body import replace_ids
from qms.text.dates import current_day
from qms.text.size import PARAGRAPH_CHARACTERS, estimated_pages
from qms.text.suggest import not_a_document
from qms.workspace import Workspace

# Words the PDF adds to the site's labels, in each language.
WORDS = {
    "en": {"page": "Page {page} of {pages}",
           "approval": "Approval", "meaning": "Meaning", "name": "Name", "signed": "Signature",
           "approved_for_use": "approved for use", "authored": "prepared (author)",
           "signature_verified": "signed, verified by git", "signature_unverified": "signed, not verified",
           "signature_none": "not signed", "controlled_copy": "Controlled copy", "copy_number": "No. {number}",
           "draft_mark": "DRAFT", "none": "none recorded", "references": "References",
           "reviewed_before_approval": "reviewed before approval",
           "attachments": "Attachments", "attachments_note": "These files are embedded in this PDF file."},
    "zh": {"page": "第 {page} 页 共 {pages} 页",
           "approval": "审批", "meaning": "签署含义", "name": "姓名", "signed": "签名",
           "approved_for_use": "批准发布实施", "authored": "编写", "signature_verified": "已签名（git 已验证）",
           "signature_unverified": "已签名（未验证）", "signature_none": "未签名", "controlled_copy": "受控文件",
           "copy_number": "分发号 {number}",           "draft_mark": "草稿", "none": "无记录", "references": "引用文件",
           "reviewed_before_approval": "审核", "attachments": "附件", "attachments_note": "以下文件已嵌入本 PDF 文件。"},
}
FONTS = {
    "en": '"DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", sans-serif',
    "zh": '"Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Serif", serif',
}


class PdfUnavailableError(QmsError):
    """WeasyPrint is installed but its system libraries (Pango) are not."""


class PdfExistsError(QmsError):
    """A different file already holds the controlled copy's name."""


@dataclass
class Written:
    document: str
    revision: str
    path: Path
    state: str  # "written", "unchanged", "replaced", or "refused" (nothing written: `reason` says why)
    reason: str = ""


def file_name(doc: Document, draft: bool = False) -> str:
    """ID_revREV.pdf; characters a file name cannot hold (the / of A/0) become '-'."""
    revision = re.sub(r"[^A-Za-z0-9.]+", "-", doc.revision or "none").strip("-")
    return f"{doc.id}_rev{revision}{'_DRAFT' if draft else ''}.pdf"


def _weasyprint() -> Any:
    """WeasyPrint, loaded; MissingExtraError when it or Markdown is not installed (`qmskit[pdf]`)."""
    try:
        weasyprint = extras.require("pdf", "qms pdf", ("markdown", "pymdownx", "markdown_callouts", "weasyprint"))["weasyprint"]
    except (OSError, ImportError) as exc:
        raise PdfUnavailableError(
            f"PDF output needs WeasyPrint and the Pango text library, and they could not be loaded ({exc}). "
            "Install Pango: on Debian or Ubuntu 'apt-get install libpango-1.0-0 libpangoft2-1.0-0', "
            "on Fedora 'dnf install pango', on macOS 'brew install pango'; then run the command again."
        ) from None
    return weasyprint


def _choose(docs: DocumentSet, ids: list[str], every: bool, draft: bool) -> list[Document]:
    by_id = docs.by_id()
    if every:
        if ids:
            raise UsageError("give either document ids or --all, not both")
        return [d for d in publish.register_rows(docs) if visibility(d) == PUBLISHED]
    if not ids:
        raise UsageError("name the documents to print (for example: qms pdf QP-02), or give --all for the published set")
    chosen = []
    for doc_id in ids:
        doc = by_id.get(doc_id)
        if doc is None:
            raise UsageError(not_a_document(doc_id, list(by_id)))
        if doc.is_record:
            raise UsageError(f"{doc_id} ({doc.path}) is a record, not a controlled document; "
                             "only controlled documents are printed as controlled copies")
        if doc.status == "obsolete":
            successor = doc.data.get("superseded_by")
            raise UsageError(f"{doc_id} ({doc.path}) is obsolete and must not be issued"
                             + (f"; print its successor instead: qms pdf {successor}" if successor else ""))
        if doc.status != "effective" and not draft:
            raise UsageError(f"{doc_id} ({doc.path}) is {doc.status or 'without a status'}, not approved; "
                             f"to print a review copy marked DRAFT on every page, run: qms pdf {doc_id} --draft")
        chosen.append(doc)
    return chosen


def _in_force(workspace: Workspace, doc: Document, entry: Entry | None, draft: bool,
              checked: bool) -> tuple[Document, Revision | None, list[Revision]]:
    """(the document to print, its revision, the revision table newest first).

    A controlled copy is the revision in force on the day, as git holds it; a named document with uncommitted
    changes is refused rather than printed from git unseen (`checked`: it came from git, as --all's do)."""
    if draft:  # the file as it stands, marked DRAFT on every page
        revisions = entry.history.revisions if entry else []
        revision = next((r for r in reversed(revisions) if r.revision == doc.revision), None)
        return doc, revision, (revisions[: revisions.index(revision) + 1] if revision else [])[::-1]
    if entry is None or not (checked or is_committed(workspace, entry, doc.path)):
        raise UsageError(f"{doc.path} has changes that are not committed, so its copy would not match the approved "
                         f"record; commit them (or undo them), then print again")
    revisions = entry.history.revisions
    revision = entry.revision or next((r for r in reversed(revisions) if r.revision == entry.doc.revision), None)
    return entry.doc, revision, revisions[::-1]


def _body_html(doc: Document, titles: dict[str, str], paragraph_characters: int = PARAGRAPH_CHARACTERS) -> str:
    """The Markdown body as HTML, as the site renders it, with [[ID]] written out as the id and title it names."""

    def name(target: str) -> str | None:
        title = titles.get(target)
        return f"**{target}** {_md_text(title)}" if title else None

    return gfm.render(space_after_headings(replace_ids(doc.body, 1, name)), paragraph_characters)


def _md_text(text: str) -> str:
    return re.sub(r"([\[\]\\*_`<>])", r"\\\1", text)


def _only_local(root: Path, unpublished: Unpublished | None = None,
                committed: Callable[[str], bytes | None] | None = None) -> Any:
    """A WeasyPrint URL fetcher that reads files inside the repository, and nothing from the network; with
    `unpublished` (printing a published document), nothing of a document the site does not publish (S003).

    With `committed` (a controlled copy), a file is read as git holds it at the commit of the printed text,
    never from the working tree: the picture in the copy is the approved one.
    `URLFetcher` (WeasyPrint 68 and later) replaced the function `default_url_fetcher`, which 70 removed.
    """
    weasyprint = _weasyprint()
    inside = root.resolve().as_uri() + "/"

    class RepositoryFetcher(weasyprint.URLFetcher):  # type: ignore[name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(inside):
                raise ValueError(f"a controlled copy only embeds files from the repository, not {url}")
            rel = unquote(url[len(inside):].split("#")[0].split("?")[0])
            if unpublished is not None and unpublished.find(rel):
                raise ValueError(f"a published document's copy embeds nothing of an unpublished document, not {url}")
            if committed is None:
                return super().fetch(url, headers)
            data = committed(rel)
            if data is None:
                raise ValueError(f"a controlled copy only embeds committed files, and git holds no {rel}")
            kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
            # Not a file: address, which WeasyPrint would open from the working tree instead of these bytes.
            return weasyprint.urls.URLFetcherResponse(f"git-blob:{rel}", data, {"Content-Type": kind})


    return RepositoryFetcher(allowed_protocols=("file",))


def signature_rows(revision: Revision | None, t: dict[str, str], role_titles: dict[str, str]) -> list[dict[str, str]]:
    """The approval block: who prepared this revision, who approved it for use, in which role, when."""
    rows: list[dict[str, str]] = []
    if revision is None:
        revision = Revision("", "")
    for who in revision.authors:
        first = next(v for v in revision.versions if v.author is not None and v.author.email == who.email)
        rows.append({"kind": "author", "meaning": t["authored"], "name": who.name, "role": "",
                     "date": first.commit.author_date[:10], "signature": ""})
    for review in revision.reviews:
        if review.valid:
            rows.append({"kind": "reviewer", "meaning": t["reviewed_before_approval"], "name": review.approver.name,
                         "role": ", ".join(role_titles.get(r, r) for r in review.roles), "date": review.date,
                         "signature": t["signature_" + review.signature]})
    for approval in revision.approvals:
        if approval.valid:
            rows.append({"kind": "approver", "meaning": t["approved_for_use"], "name": approval.approver.name,
                         "role": ", ".join(role_titles.get(r, r) for r in approval.roles), "date": approval.date,
                         "signature": t["signature_" + approval.signature]})
    if not any(row["kind"] == "approver" for row in rows):  # say so, rather than leave the block silent
        adopted = revision.before_adoption and not revision.approvals
        rows.append({"kind": "approver", "meaning": t["approved_for_use"], "name": t["before_adoption" if adopted else "none"],
                     "role": "", "date": (revision.effective or "") if adopted else "", "signature": ""})
    return rows


def render_html(config: Config, docs: DocumentSet, doc: Document, revision: Revision | None,
                earlier: list[Revision], draft: bool, upcoming: str = "", copy_number: int | None = None,
                attached: list[str] | None = None, schedule: publish.ReviewSchedule | None = None,
                as_of: date | None = None) -> str:
    """The controlled copy as one HTML page; `earlier` is the revision table, newest first.

    A copy from `qms pdf` is a controlled copy and says so on every page, with its distribution number when it
    has one; only a page printed from the site says "Uncontrolled when printed".
    """
    language = "zh" if config.language.lower().startswith("zh") else "en"
    t = {**labels(language), **WORDS[language]}
    role_titles = {r.id: r.title for r in docs.roles}
    titles = {d.id: d.title for d in docs.documents if d.id}
    # The next review as the register, the site and `qms check` give it: the document's interval (its own, its
    # risk category's, its type's) from the later of its effective date and its last periodic review.
    head = publish.header(doc, config.review_months, role_titles, as_of,
                          schedule or publish.review_schedule(doc, None, config, as_of or current_day()))
    env = Environment(loader=PackageLoader("qms.site", "templates"), autoescape=select_autoescape(["html"]))
    copy = t["draft_mark"] if draft else t["controlled_copy"]
    if copy_number is not None and not draft:
        copy += " " + t["copy_number"].format(number=copy_number)
    page_label = t["page"].replace('"', "").format(page='" counter(page) "', pages='" counter(pages) "')
    return env.get_template("pdf.html").render(
        h=head, t=t, lang="zh-Hans" if language == "zh" else "en", fonts=FONTS[language], page_label=page_label,
        effective=publish.effective_text(head, t),
        organisation=config.organisation, revision=revision, rows=earlier, role_titles=role_titles,
        legacy=list(reversed(publish.legacy_revisions(doc))),  # approved on paper, before the first revision in git
        signatures=signature_rows(revision, t, role_titles),
        body=gfm.translate_alert_titles(_body_html(doc, titles, config.paragraph_characters), t), draft=draft, copy=copy,
        change=doc.data.get("change"), upcoming=upcoming, attached=attached or [],
        created=(revision.last.commit.author_date if revision else current_day().isoformat()),
    )


DEFAULT_OUTPUT_DIR = "controlled-copies"


def make_pdfs(workspace: Workspace, ids: list[str], every: bool = False, output_dir: Path | None = None,
              force: bool = False, draft: bool = False, as_of: date | None = None,
              copy_number: int | None = None) -> list[Written]:
    """Render each chosen document, in its revision in force on `as_of` (default today), to output_dir (default:
    controlled-copies/ at the repository's root, which the .gitignore of `qms init` leaves out of git) and say
    what was written."""
    config = workspace.config
    if every:
        _weasyprint()  # a missing extra is named before git is read
    snap = snapshot(workspace, as_of) if every else None
    docs = snap.docs if snap is not None else workspace.documents
    chosen = _choose(docs, ids, every, draft)
    target_dir = (output_dir or config.root / DEFAULT_OUTPUT_DIR).resolve()
    for doc in chosen:  # a path built from an id never leaves its folder, whatever the type's id pattern allows
        name = file_name(doc, doc.status != "effective")
        if not within(target_dir, target_dir / name):
            raise UsageError(f"{doc.path}: the id {doc.id} would put its copy at {name}, outside {target_dir}; "
                             "give the document an id without '..' (the id pattern in qms.yml should not allow it)")
    weasyprint = _weasyprint()  # after the cheap refusals: loading it takes a second
    snap = snap or snapshot(workspace, as_of)
    if target_dir.exists() and not target_dir.is_dir():
        raise UsageError(f"{target_dir} is a file, not a folder; give --output-dir a folder")
    # Every refusal comes before the first file is written.
    plans = []
    refused = []
    for chosen_doc in chosen:
        entry = snap.entries.get(chosen_doc.path)
        is_draft = chosen_doc.status != "effective"  # only reaches here with --draft
        # The revision table lists the revision printed and those before it, newest first.
        doc, revision, rows = _in_force(workspace, chosen_doc, entry, is_draft, every)
        if too_long_to_print(config, doc.body):  # before WeasyPrint lays out a page of it; the others go on
            refused.append(Written(doc.id or "", doc.revision or "", target_dir / file_name(doc, is_draft), "refused",
                                   _too_long(config, doc)))
            continue
        plans.append((doc, revision, rows, is_draft, "" if is_draft else announcement(entry, config.language),
                      "" if is_draft or entry is None else entry.commit))
    target_dir.mkdir(parents=True, exist_ok=True)
    # What the site does not publish, committed or in the working tree (WeasyPrint reads the working tree's files).
    unpublished = hidden_documents([*snap.docs.documents, *workspace.documents.documents],
                                   lambda d: visibility(d) == PUBLISHED)
    written = []
    for doc, revision, rows, is_draft, upcoming, commit in plans:
        guard = unpublished if visibility(doc) == PUBLISHED else None
        files = _Files(config, commit or None)
        downloads = [(path, data) for path, data in files.downloads(doc) if guard is None or not guard.find(path)]
        schedule = publish.review_schedule(doc, None if is_draft else revision, workspace.committed_config, snap.as_of)
        html = render_html(config, snap.docs, doc, revision, rows, is_draft, upcoming, copy_number,
                           [posixpath.basename(path) for path, _ in downloads], schedule, snap.as_of)
        identifier = hashlib.sha1(html.encode("utf-8")).hexdigest()[:32].encode()
        when = datetime.fromisoformat(revision.last.commit.author_date) if revision else datetime(2000, 1, 1)
        embedded = [weasyprint.Attachment(string=content, name=posixpath.basename(path), created=when, modified=when)
                    for path, content in downloads]
        fetcher = _only_local(config.root, guard, files.read if commit else None)
        data = weasyprint.HTML(string=html, base_url=str(config.root / doc.path), url_fetcher=fetcher).write_pdf(
            pdf_identifier=identifier, attachments=embedded)
        written.append(_write(doc, target_dir / file_name(doc, is_draft), data, force))
        # WeasyPrint's boxes refer to each other in cycles: free one document's layout before the next is made.
        del html, data, embedded, downloads
        gc.collect()
    return written + refused


def _too_long(config: Config, doc: Document) -> str:
    return (f"{doc.path}: its text would print to about {estimated_pages(doc.body):,} pages, more than the "
            f"{config.pdf_pages:,} one PDF may hold (F015); split it into shorter documents, or raise "
            f"limits.pdf_pages in {CONFIG_NAME}")


class _Files:
    """The files a copy embeds or attaches: as git holds them at the printed text's commit, or, for a draft
    (no commit), as the working tree holds them."""

    def __init__(self, config: Config, commit: str | None) -> None:
        self.config = config
        self.root = config.root
        self.commit = commit
        self.read_already: dict[str, bytes | None] = {}

    def read(self, rel: str) -> bytes | None:
        if not attachments.publishable(self.config, rel):  # as on the site: only files beside the documents
            return None
        if rel not in self.read_already:
            if self.commit is None:
                path = self.root / rel
                self.read_already[rel] = path.read_bytes() if path.is_file() else None
            else:
                self.read_already[rel] = attachments.committed(self.root, {self.commit: [rel]}).get(rel)
        return self.read_already[rel]

    def downloads(self, doc: Document) -> list[tuple[str, bytes]]:
        """(path, content) of each linked file that is not a picture: attached to the PDF, listed at its end."""
        links = [link.path for link in attachments.linked_files(doc)]
        if self.commit is not None:
            self.read_already.update(dict.fromkeys(links))
            self.read_already.update(attachments.committed(self.root, {self.commit: links}))
        found = []
        for path in dict.fromkeys(links):
            content = self.read(path)
            if content is not None and not path.lower().endswith(attachments.PICTURES):
                found.append((path, content))
        return found


def _write(doc: Document, path: Path, data: bytes, force: bool) -> Written:
    state = "written"
    if path.exists():
        if path.read_bytes() == data:
            return Written(doc.id or "", doc.revision or "", path, "unchanged")
        if not force:
            raise PdfExistsError(f"{path} already exists and differs from the copy of {doc.id} revision {doc.revision} "
                                 "made now; move it away, or give --force to replace it")
        if has_uncommitted_change(path):
            raise PdfExistsError(f"{path} has changes git has not committed; commit or move it away first "
                                 "(--force replaces only a committed or untracked copy)")
        state = "replaced"
    write_atomically(path, data)
    return Written(doc.id or "", doc.revision or "", path, state)
