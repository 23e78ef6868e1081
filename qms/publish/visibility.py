"""Who may see a document: published, shown only in preview as a draft, or hidden."""


from __future__ import annotations

from dataclasses import replace

from qms.model import Document, DocumentSet

DRAFT, HIDDEN, PUBLISHED = "draft", "hidden", "published"
# The classifications that may be published; anything else, a misspelt "Restricted" included, is not.
SHOWN_CLASSIFICATIONS = (None, "public", "internal")


def visibility(doc: Document, audit: bool = False) -> str:
    """published, draft (preview only) or hidden, for one document or record. Fails closed: a classification
    that is not exactly one of the published values hides the document (S001 reports the value)."""
    if doc.data.get("classification") not in SHOWN_CLASSIFICATIONS:
        return HIDDEN
    if doc.is_record:
        return PUBLISHED
    if doc.status == "effective":
        return PUBLISHED
    if doc.status in ("draft", "review"):
        return DRAFT
    return PUBLISHED if audit and doc.status == "obsolete" else HIDDEN


def public_only(docs: DocumentSet) -> DocumentSet:
    """The set a public site is made from (`qms build --public`): only documents and records classified
    `public`, and no roster, so the roles matrix names no one. `internal`, the default, stays in house."""
    return replace(docs, documents=[d for d in docs.documents if d.data.get("classification") == "public"], people=[])
