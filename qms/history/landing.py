"""What reached the main line. A commit on the first-parent line lands as it is; a commit inside a merged
branch lands only as its merge leaves the document. A branch that edits revision 1 and then makes the edit
revision 2 lands as revision 2: revision 1, as the main line had it, never changed (issue 14: a pull
request is judged as a whole, and the audit of the main line agrees with the check made on the request).
"""

from __future__ import annotations

from qms.history.model import DocumentHistory, History, Version


def merge_ordinals(history: History) -> dict[str, int]:
    """sha -> ordinal of every commit, to find where a side commit's merge sits."""
    return {commit.sha: commit.ordinal for commit in history.commits}


def as_merged(doc: DocumentHistory, version: Version, ordinals: dict[str, int]) -> Version | None:
    """The document's version as the main line received `version`: itself on the main line, or the
    document as the merge that brought it in left it (None when the merge is not in this history)."""
    merge = ordinals.get(version.commit.merged_by or "")
    if merge is None:
        return version
    landed = None
    for candidate in doc.versions:
        if candidate.commit.ordinal > merge:
            break
        landed = candidate
    return landed


def lands_in_its_revision(doc: DocumentHistory, version: Version, ordinals: dict[str, int]) -> bool:
    """Whether the main line received `version` as a state of its own revision."""
    landed = as_merged(doc, version, ordinals)
    return landed is None or landed.deleted or landed.revision == version.revision
