"""What `git log` said about each commit, kept between runs, keyed by commit id.

A commit id names the commit, its parents and their trees, so what git lists
for it (author, dates, Approves trailers, the files it changed against its
first parent, with renames) can never change. Kept in .git/qmskit, a later
run asks git only for the shape of history (one `git rev-list`, which takes
a tenth of a second for 50,000 commits) and for the commits added since. A
rewritten history simply has other ids. A file that cannot be read or has
the wrong shape is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import json
from pathlib import Path
from sys import intern
from typing import Any

from qms import __version__
from qms.blobcache import cache_path, write_atomically
from qms.gitlog import Change, Commit

NAME = f"log-{__version__}-1.json"

Entry = list[Any]  # [parents, author name, email, date, committer name, email, date, approves, changes]


def load(root: Path) -> dict[str, Entry]:
    path = cache_path(root, NAME)
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or not all(_valid(entry) for entry in raw.values()):
        return {}
    return raw


def _valid(entry: Any) -> bool:
    return (isinstance(entry, list) and len(entry) == 9 and all(isinstance(v, str) for v in entry[:7])
            and isinstance(entry[7], list) and isinstance(entry[8], list)
            and all(isinstance(c, list) and len(c) == 4 for c in entry[8]))


def commit(sha: str, entry: Entry) -> Commit:
    parents, an, ae, ad, cn, ce, cd, approves, changes = entry
    # A few dozen people write tens of thousands of commits: one string each.
    return Commit(sha, parents.split(), intern(an), intern(ae), ad, intern(cn), intern(ce), cd, approves, 0, None,
                  [Change(status, path, blob, old_path) for status, path, blob, old_path in changes])


def save(root: Path, commits: list[Commit]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    path = cache_path(root, NAME)
    if path is None:
        return
    body = {c.sha: [" ".join(c.parents), c.author_name, c.author_email, c.author_date, c.committer_name,
                    c.committer_email, c.committer_date, c.approves,
                    [[x.status, x.path, x.blob, x.old_path] for x in c.changes]] for c in commits}
    write_atomically(path, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogateescape"))
