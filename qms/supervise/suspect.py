"""Suspect references: a document in force that relies on another which has since had a new revision.

A document was last looked at when its revision in force was approved, or
when it last had a valid periodic review, whichever came later. A document it
names in `references` whose revision in force was approved after that is a
new revision this document has not been checked against. A periodic review or
a new revision of the document clears it. Everything is read from git: no
stamps in the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qms.history.model import History, Revision
from qms.supervise.reviews import in_force_on, last_review


@dataclass(frozen=True)
class Suspect:
    document: str
    revision: str  # the document's revision in force
    path: str
    looked_at: str  # "approved 2026-03-01" or "last reviewed 2026-05-02"
    reference: str
    old_revision: str  # the reference's revision in force when the document was last looked at
    new_revision: str  # the reference's revision in force now
    new_since: str  # the day the new revision was approved


def _approval_ordinal(revision: Revision) -> int:
    became = revision.became_effective()
    return became.commit.ordinal if became is not None else -1


def suspects(history: History, as_of: date) -> list[Suspect]:
    found: list[Suspect] = []
    if not history.whole:
        return found
    for doc in sorted(history.documents.values(), key=lambda d: d.id):
        revision = in_force_on(doc, as_of)
        if revision is None:
            continue
        references = revision.last.get("references")
        if not isinstance(references, list):
            continue
        looked = _approval_ordinal(revision)
        became = revision.became_effective()
        looked_at = f"approved {became.commit.author_date[:10]}" if became is not None else ""
        review = last_review(revision, as_of)
        if review is not None and review.commit.ordinal > looked:
            looked, looked_at = review.commit.ordinal, f"last reviewed {review.date}"
        for ref in dict.fromkeys(r for r in references if isinstance(r, str)):
            target = history.documents.get(ref)
            current = in_force_on(target, as_of) if target is not None else None
            if target is None or current is None or _approval_ordinal(current) <= looked:
                continue
            earlier = [r for r in target.revisions if r.became_effective() is not None
                       and _approval_ordinal(r) <= looked]
            if not earlier:
                continue  # not in force when this document was approved: R004's business, not a new revision
            new = current.became_effective()
            found.append(Suspect(doc.id, revision.revision, revision.last.path, looked_at, ref,
                                 earlier[-1].revision, current.revision, new.commit.author_date[:10] if new else ""))
    return found
