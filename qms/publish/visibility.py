"""Who may see a document: published, shown only in preview as a draft, or hidden."""


from __future__ import annotations

from qms.model import Document

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
