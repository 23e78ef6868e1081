"""What the published site shows, decided from the model: the faces (MkDocs, export) only render it.

Published by default: effective documents that are not restricted, and the
registers. Drafts and documents in review appear only in preview. Obsolete
documents appear only in an audit build, under a banner naming the successor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Protocol
from urllib.parse import quote

from qms.history.model import DocumentHistory, Revision
from qms.load.config import Config
from qms.model import Document, DocumentSet
from qms.publish.visibility import PUBLISHED, visibility
from qms.supervise.reviews import add_months, commit_day, interval_months, last_review
from qms.text import mdtext
from qms.text.body import replace_ids
from qms.text.dates import current_day
from qms.text.legacy import LegacyRevision, from_front_matter


@dataclass
class Header:
    id: str
    title: str
    revision: str
    status: str
    effective: str
    in_force_from: str | None  # set when the effective date is still ahead
    owner: str
    approvers: str
    next_review: str
    review_overdue: bool = False  # the next review's day has passed (on the day the header is made for)
    last_review: str = ""  # the day of the last valid periodic review of the revision shown, from history


@dataclass(frozen=True)
class ReviewSchedule:
    """What history says about a document's reviews: the interval, and the last periodic review."""

    months: int
    last_review: date | None = None


def review_schedule(doc: Document, revision: Revision | None, config: Config, day: date) -> ReviewSchedule:
    """The interval of `doc` (its own, its risk category's, its type's, or qms.yml's) and the last valid periodic
    review of the revision in force made by `day`, read from history."""
    last = last_review(revision, day) if revision is not None else None
    return ReviewSchedule(interval_months(doc.data.get, config), commit_day(last) if last is not None else None)


def header(doc: Document, review_months: int, role_titles: dict[str, str], today: date | None = None,
           schedule: ReviewSchedule | None = None) -> Header:
    """The header of a document page. Without `schedule` (no history read), the next review counts from the
    effective date with the document's own review_months or `review_months`."""
    today = today or current_day()
    effective = str(doc.data.get("effective") or "")
    own = doc.data.get("review_months")
    months = schedule.months if schedule is not None else own if isinstance(own, int) else review_months
    reviewed = schedule.last_review if schedule is not None else None
    next_review = ""
    ahead = None
    overdue = False
    try:
        start = date.fromisoformat(effective)
        due = add_months(max(start, reviewed) if reviewed is not None else start, months)
        next_review = due.isoformat()
        overdue = due < today and doc.status == "effective"  # only a document in force is reviewed
        ahead = effective if start > today else None
    except ValueError:
        pass
    approvers = [r for r in doc.data.get("approvers") or [] if isinstance(r, str)]
    owner = str(doc.data.get("owner") or "")
    return Header(doc.id or "", doc.title, doc.revision or "", doc.status or "", effective, ahead,
                  role_titles.get(owner, owner), ", ".join(role_titles.get(r, r) for r in approvers), next_review,
                  overdue, reviewed.isoformat() if reviewed is not None else "")


class Targets(Protocol):
    """Where `[[ID]]` links go: (url, title) for an id, or None when it is not published."""

    def get(self, doc_id: str, /) -> tuple[str, str] | None: ...


def link_ids(body: str, first_line: int, target_url: Targets) -> str:
    """`[[ID]]` outside code becomes a Markdown link titled with the target's title.

    `target_url` is a dict, or anything that works out a link when asked for one id. The text of a
    link (`[[QP-03]](url)`) and `[[...]]` that names nothing published are left as they are."""

    def replace(target: str) -> str | None:
        found = target_url.get(target)
        if found is None:
            return None
        url, title = found
        return f"[{target} {mdtext.cell(title)}]({quote(url)})"

    return replace_ids(body, first_line, replace)


def effective_text(h: Header, t: dict[str, str]) -> str:
    """The effective date as a header shows it: while it is still ahead, with when the revision comes into force."""
    return h.effective + (f" ({t['in_force_from']} {h.in_force_from})" if h.in_force_from else "")


@dataclass
class Banner:
    kind: str  # draft or obsolete
    text: str


def banner(doc: Document, t: dict[str, str], value: Callable[[object], str] = str) -> Banner | None:
    """The line above a document's header: DRAFT in a preview, OBSOLETE (naming the successor) in an audit build.

    `value` writes the author's value (the successor) into the text: `str` where a template escapes the
    whole line, mdtext.cell where the line is Markdown."""
    if doc.status in ("draft", "review"):
        return Banner("draft", t["draft"])
    if doc.status == "obsolete":
        successor = doc.data.get("superseded_by")
        return Banner("obsolete", t["obsolete"] + (f" {t['successor']}: {value(successor)}" if successor else ""))
    return None


def revision_rows(history: DocumentHistory | None) -> list[Revision]:
    return list(reversed(history.revisions)) if history else []


@dataclass
class RevisionLine:
    """One row of a document's revision table as text, newest first; each face escapes it its own way."""

    revision: str
    effective: str
    change: str
    authors: str
    approvals: str  # the valid approvals, or that the revision was approved before adoption
    commit: str  # the short id of the revision's last commit


def legacy_revisions(doc: Document) -> list[LegacyRevision]:
    """The revisions approved on paper before qmskit that this text of the document lists."""
    return from_front_matter(doc.data.get("legacy_revisions"))


def revision_lines(history: DocumentHistory | None, t: dict[str, str],
                   legacy: list[LegacyRevision] | None = None) -> list[RevisionLine]:
    """The revisions git holds, newest first, then those approved on paper before qmskit (`legacy`, by default
    the `legacy_revisions:` of the history's last version): what the paper says, with no commit."""
    lines = []
    for r in revision_rows(history):
        if r.approvals:
            # Reviews come first, as they were made: "Name (role, date, reviewed)".
            approvals = "; ".join([*(f"{a.approver.name} ({', '.join(a.roles)}, {a.date}, {t['reviewed']})"
                                     for a in r.reviews if a.valid),
                                   *(f"{a.approver.name} ({', '.join(a.roles)}, {a.date})" for a in r.approvals if a.valid)])
        else:
            approvals = t["before_adoption"] if r.before_adoption else ""
        lines.append(RevisionLine(str(r.revision), r.effective or "", r.change or "",
                                  ", ".join(a.name for a in r.authors), approvals, r.last.commit.short))
    for old in reversed(legacy if legacy is not None else history.legacy if history else []):
        approved = f"{old.approved_by} ({t['on_paper']})" if old.approved_by else t["on_paper"]
        lines.append(RevisionLine(old.revision, old.date, old.change, old.author, approved, ""))
    return lines


def register_rows(docs: DocumentSet, audit: bool = False) -> list[Document]:
    return sorted((d for d in docs.documents if not d.is_record and visibility(d, audit) == PUBLISHED),
                  key=lambda d: d.id or "")


@dataclass
class RecordRow:
    kind: str
    id: str
    title: str
    path: str
    procedure: str
    procedure_path: str | None  # set when the procedure is published
    date: str
    owner: str
    status: str
    retention: str


def record_rows(docs: DocumentSet, role_titles: dict[str, str], audit: bool = False) -> list[RecordRow]:
    """Published records, sorted by kind then id: the records register."""
    by_id = docs.by_id()
    rows = []
    for doc in docs.documents:
        if not doc.is_record or visibility(doc, audit) != PUBLISHED:
            continue
        procedure = doc.data.get("procedure")
        procedure = procedure if isinstance(procedure, str) else ""
        target = by_id.get(procedure)
        shown = target is not None and visibility(target, audit) == PUBLISHED
        owner = str(doc.data.get("owner") or "")
        rows.append(RecordRow(str(doc.data.get("kind") or ""), doc.id or "", doc.title, doc.path, procedure,
                              target.path if shown and target else None, str(doc.data.get("date") or ""),
                              role_titles.get(owner, owner), doc.status or "", str(doc.data.get("retention") or "")))
    return sorted(rows, key=lambda r: (r.kind, r.id))


@dataclass
class RoleRow:
    id: str
    title: str
    holders: list[str]
    owns: list[Document]
    approves: list[Document]
    reads: list[Document]  # in the document's distribution


def role_rows(docs: DocumentSet, audit: bool = False) -> list[RoleRow]:
    """For each role: who holds it, and which published documents it owns, approves and must read."""
    published = register_rows(docs, audit)

    def names(key: str, role: str) -> list[Document]:
        return [d for d in published if role in (v if isinstance(v := d.data.get(key), list) else [v])]

    return [RoleRow(role.id, role.title, [p.name for p in docs.people if role.id in p.roles],
                    names("owner", role.id), names("approvers", role.id), names("distribution", role.id))
            for role in docs.roles]


# Section titles of the navigation, by document type; other types use their own name.
NAV_SECTIONS = {"en": {"home": "Home", "registers": "Registers", "manual": "Quality manual",
                       "procedure": "Procedures", "external": "External documents"},
                "zh": {"home": "首页", "registers": "清单", "manual": "质量手册",
                       "procedure": "程序文件", "external": "外来文件"}}


LEVEL_THREE = ("work-instruction", "form")


def navigation(docs: DocumentSet, language: str, registers: list[tuple[str, str]],
               home_pages: list[str], audit: bool = False) -> list[object]:
    """The site's nav, by type and by process: each procedure with its work instructions and forms
    (those whose `parent:` names it, or, where they name none, those of its number).

    Records are left out (the records register leads to them), so the navigation every page
    embeds stays small however many records there are.
    """
    words = NAV_SECTIONS["zh" if language.lower().startswith("zh") else "en"]
    by_type: dict[str, list[Document]] = {}
    for doc in register_rows(docs, audit):
        by_type.setdefault(doc.type or "", []).append(doc)

    def title(doc: Document) -> str:
        # MkDocs themes print nav titles as HTML, unescaped: an author's "<" must stay text.
        return escape(f"{doc.id} {doc.title}", quote=False)

    def entry(doc: Document) -> dict[str, object]:
        return {title(doc): doc.path}

    def process(doc_id: str) -> str:
        found = re.search(r"(\d+)", doc_id, re.ASCII)
        return found.group(1).lstrip("0") if found else ""

    nav: list[object] = [{words["home"]: page} if page == "index.md" else page for page in home_pages]
    nav.append({words["registers"]: [{title: page} for title, page in registers]})
    if by_type.get("manual"):
        nav.append({words["manual"]: [entry(d) for d in by_type["manual"]]})
    level_three = [d for t in LEVEL_THREE for d in by_type.get(t, [])]

    def belongs(child: Document, proc: Document) -> bool:
        # `parent:` says where it belongs; numbering (WI-03-01 under QP-03) only when it does not say.
        parent = child.data.get("parent")
        if isinstance(parent, str):
            return parent == proc.id
        return process(child.id or "") == process(proc.id or "")

    procedures = []
    for proc in by_type.get("procedure", []):
        children = [d for d in level_three if belongs(d, proc)]
        procedures.append({title(proc): [entry(proc), *map(entry, children)]} if children
                          else entry(proc))
    orphans = [d for d in level_three if not any(belongs(d, p) for p in by_type.get("procedure", []))]
    if procedures or orphans:
        nav.append({words["procedure"]: procedures + [entry(d) for d in orphans]})
    for doc_type, items in by_type.items():
        if doc_type not in ("manual", "procedure", *LEVEL_THREE):
            nav.append({words.get(doc_type, doc_type): [entry(d) for d in items]})
    return nav
