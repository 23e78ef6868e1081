"""What the published site shows, decided from the model: the faces (MkDocs, export) only render it.

Published by default: effective documents that are not restricted, and the
registers. Drafts and documents in review appear only in preview. Obsolete
documents appear only in an audit build, under a banner naming the successor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from qms.body import WIKI_LINK, prose_lines
from qms.history import DocumentHistory, Revision
from qms.model import Document, DocumentSet

DRAFT, HIDDEN, PUBLISHED = "draft", "hidden", "published"


def visibility(doc: Document, audit: bool = False) -> str:
    """published, draft (preview only) or hidden, for one document or record."""
    if doc.data.get("classification") == "restricted":
        return HIDDEN
    if doc.is_record:
        return PUBLISHED
    if doc.status == "effective":
        return PUBLISHED
    if doc.status in ("draft", "review"):
        return DRAFT
    return PUBLISHED if audit and doc.status == "obsolete" else HIDDEN


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


def header(doc: Document, review_months: int, role_titles: dict[str, str], today: date | None = None) -> Header:
    today = today or date.today()
    effective = str(doc.data.get("effective") or "")
    months = doc.data.get("review_months") if isinstance(doc.data.get("review_months"), int) else review_months
    next_review = ""
    ahead = None
    try:
        start = date.fromisoformat(effective)
        year, month = divmod(start.month - 1 + months, 12)
        next_review = date(start.year + year, month + 1, min(start.day, 28)).isoformat()
        ahead = effective if start > today else None
    except ValueError:
        pass
    approvers = [r for r in doc.data.get("approvers") or [] if isinstance(r, str)]
    owner = str(doc.data.get("owner") or "")
    return Header(doc.id or "", doc.title, doc.revision or "", doc.status or "", effective, ahead,
                  role_titles.get(owner, owner), ", ".join(role_titles.get(r, r) for r in approvers), next_review)


def link_ids(body: str, first_line: int, target_url: dict[str, tuple[str, str]]) -> str:
    """`[[ID]]` outside code becomes a Markdown link titled with the target's title."""
    lines = body.split("\n")
    for line_number, _ in prose_lines(body, first_line):
        index = line_number - first_line

        def replace(match: re.Match[str]) -> str:
            found = target_url.get(match.group(1).strip())
            if found is None:
                return match.group(0)
            url, title = found
            return f"[{match.group(1).strip()} {_md_text(title)}]({url})"

        lines[index] = WIKI_LINK.sub(replace, lines[index])
    return "\n".join(lines)


def _md_text(text: str) -> str:
    return re.sub(r"([\[\]\\*_`<>])", r"\\\1", text)


def revision_rows(history: DocumentHistory | None) -> list[Revision]:
    return list(reversed(history.revisions)) if history else []


def register_rows(docs: DocumentSet, audit: bool = False) -> list[Document]:
    return sorted((d for d in docs.documents if not d.is_record and visibility(d, audit) == PUBLISHED),
                  key=lambda d: d.id or "")
