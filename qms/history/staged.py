"""History for `qms check --staged`: what is staged in git's index, judged against HEAD.

The pre-commit hook runs before the commit exists. To catch the most common mistake, an
effective document edited without a new revision, it needs the change that is about to be
committed: the index against HEAD, for the documents it touches and nothing else. That is one
`git diff --cached` (which names the blobs before and after) and one `git cat-file --batch`, so
the hook stays as fast as `qms check`. The commit-to-be is judged by the rules of a single change (content, revision,
status, deletion, id); approvals are not, because their trailers are in a commit message that
does not exist yet (`qms check --since` judges them in the pull request).
"""

from __future__ import annotations

from datetime import datetime, timezone

from qms.git.commits import STAGED, Commit
from qms.git.log import author_identity, read_blobs, staged_changes
from qms.history import cache as historycache
from qms.history.index import document_path_test, index_versions, parse_blobs
from qms.history.model import DocumentHistory, History, Version
from qms.load.config import Config


def load_staged(config: Config) -> tuple[History, int]:
    """(HEAD's version of each staged document, then the staged one; the ordinal after which commits are judged)."""
    root = config.root
    found = staged_changes(root)
    if found is None:  # before the first commit everything is new: nothing to compare
        return History([], {}, whole=False), 0
    head, changes = found
    is_doc = document_path_test(config)
    changes = [c for c in changes if is_doc(c.path) or (c.old_path and is_doc(c.old_path))]
    # The version at HEAD of each file the change touches: the blob git names before the change.
    at_head = {(c.old_path or c.path): c.old_blob for c in changes if c.status != "A" and c.old_blob}
    new_blobs = {c.blob for c in changes if c.status != "D"}
    parsed = parse_blobs(read_blobs(root, {*at_head.values(), *new_blobs}), config.front_matter)
    name, email = author_identity(root)
    now = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    seed = Commit(head, [], "", "", "", "", "", "", [], ordinal=0)
    staged = Commit(STAGED, [head], name, email, now, name, email, now, [], ordinal=1, changes=changes)
    # Only the staged documents, and no approvals: the rules that need more judge the plain way.
    history = History([seed, staged], {}, whole=False)
    at_path: dict[str, str] = {}
    for path, blob in at_head.items():
        data, digest = parsed.get(blob, (None, ""))
        data = is_doc.with_type(path, data)
        doc_id = data[historycache.INDEX["id"]] if data else None
        if isinstance(doc_id, str) and doc_id not in history.documents:
            at_path[path] = doc_id
            history.documents[doc_id] = DocumentHistory(doc_id, [Version(seed, path, data, digest, blob=blob,
                                                                         seed=True)])
    index_versions(history, [staged], parsed, is_doc, at_path)
    return history, 0
