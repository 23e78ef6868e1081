"""The pages qmskit writes itself: the master document register, the records register and the roles matrix.

Rendered here once, as Markdown, for both faces: the site (qms.site) and the plain
Markdown export (`qms export`). Both publish them at the root of the set, under the
names in PAGES. The rows and columns come from qms.publish.pages, the labels from
qms.publish.labels, and every author's value is escaped here: with qms.text.mdtext
in Markdown, with html.escape inside the register's HTML table.

A face passes `link_to`, which turns a published file's path (relative to the root
of the set) into the link the page writes: the site gives the register the URL of
each page relative to it, the export gives the path itself; `anchor` writes the
link (Markdown by default; the site's are HTML anchors, qms.site.links). `style` is the one
genuine difference: MARKDOWN is plain Markdown any generator renders; HTML is what
the site's script and styles need, the register as an HTML table of class
qms-sortable and each role title tagged with its role id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from itertools import groupby

from qms.model import Document, DocumentSet
from qms.publish.pages import ReviewSchedule, header, record_rows, register_rows, role_rows
from qms.publish.records import kind_title, status_word
from qms.text.mdtext import cell, link

MARKDOWN, HTML = "markdown", "html"

# Label key -> file name of each generated page, in the order the navigation and the export's index list them.
PAGES = (("register", "register.md"), ("records", "records.md"), ("roles", "roles.md"))

REGISTER_COLUMNS = ("id", "title", "type", "revision", "status", "effective", "owner", "next_review")
RECORD_COLUMNS = ("record", "title", "procedure", "date", "owner", "status", "retention")
ROLE_COLUMNS = ("role", "holders", "owns", "approves", "reads")

Link = Callable[[str], str]
# (text, path) -> the link as the page writes it; Markdown by default. The site writes its links as HTML anchors
# with MkDocs' URLs: a cell of hundreds of Markdown links costs Python-Markdown time that grows with its square.
Anchor = Callable[[object, str], str]


def same_path(path: str) -> str:
    """`link_to` for a page at the root of the set whose generator resolves links to source files."""
    return path


def markdown_table(heads: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table of cells already escaped; no line break after the last row."""
    lines = ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def register_page(docs: DocumentSet, review_months: int, t: dict[str, str], link_to: Link,
                  audit: bool = False, style: str = MARKDOWN, announced: dict[str, str] | None = None,
                  as_of: date | None = None, schedules: dict[str, ReviewSchedule] | None = None,
                  mark_overdue: bool = False) -> str:
    """The master document register: every published document (not records), sorted by id.

    `announced` (by path) names an approved later revision beside the one in force on `as_of`; `schedules` (by
    path) the interval and last periodic review from history; `mark_overdue` (an internal site) marks a next
    review that has passed."""
    role_titles = {r.id: r.title for r in docs.roles}
    announced = announced or {}
    rows = []  # (id, link, the other columns as text)
    for doc in register_rows(docs, audit):
        h = header(doc, review_months, role_titles, as_of, (schedules or {}).get(doc.path))
        revision = h.revision + (f" ({announced[doc.path]})" if announced.get(doc.path) else "")
        next_review = h.next_review + (f" ({t['overdue']})" if mark_overdue and h.review_overdue else "")
        rows.append((h.id, link_to(doc.path), (h.title, doc.type or "", revision, status_word(h.status, t),
                                               h.effective, h.owner, next_review)))
    heads = [t[k] for k in REGISTER_COLUMNS]
    if style == HTML:
        lines = ['<table class="qms-sortable qms-register">',
                 "<thead><tr>" + "".join(f"<th>{escape(head)}</th>" for head in heads) + "</tr></thead>", "<tbody>"]
        for doc_id, url, texts in rows:
            cells = [f'<a href="{escape(url)}">{escape(doc_id)}</a>', *(escape(text) for text in texts)]
            lines.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        lines += ["</tbody>", "</table>"]
        table = "\n".join(lines)
    else:
        table = markdown_table(heads, [[link(doc_id, url), *map(cell, texts)] for doc_id, url, texts in rows])
    day = f"{t['in_force_on']} {as_of.isoformat()}.\n\n" if as_of is not None else ""
    return f"# {t['register']}\n\n{day}{table}\n"


def records_page(docs: DocumentSet, t: dict[str, str], link_to: Link, audit: bool = False,
                 anchor: Anchor = link) -> str:
    """The records register: one table per kind of record, each sorted by id. The same in every style (the site's
    links are HTML anchors, by `anchor`)."""
    role_titles = {r.id: r.title for r in docs.roles}
    heads = [t[k] for k in RECORD_COLUMNS]
    parts = [f"# {t['records']}"]
    for kind, group in groupby(record_rows(docs, role_titles, audit), key=lambda r: r.kind):
        rows = [[anchor(r.id, link_to(r.path)), cell(r.title),
                 anchor(r.procedure, link_to(r.procedure_path)) if r.procedure_path else cell(r.procedure),
                 cell(r.date), cell(r.owner), cell(status_word(r.status, t)), cell(r.retention)] for r in group]
        parts.append(f"## {cell(kind_title(kind, t))}\n\n{markdown_table(heads, rows)}")
    return "\n\n".join(parts) + "\n"


def roles_page(docs: DocumentSet, t: dict[str, str], link_to: Link, audit: bool = False,
               style: str = MARKDOWN, anchor: Anchor = link) -> str:
    """The roles and responsibilities matrix: who holds each role, and what it owns, approves and must read."""

    def links(items: list[Document]) -> str:
        return ", ".join(anchor(d.id or "", link_to(d.path)) for d in items)

    def title(role_id: str, text: str) -> str:
        if style == HTML:
            return f'<span class="qms-role" data-qms-role="{escape(" ".join(role_id.split()))}">{cell(text)}</span>'
        return cell(text)

    rows = [[title(r.id, r.title), cell(", ".join(r.holders)), links(r.owns), links(r.approves), links(r.reads)]
            for r in role_rows(docs, audit)]
    return f"# {t['roles']}\n\n{markdown_table([t[k] for k in ROLE_COLUMNS], rows)}\n"
