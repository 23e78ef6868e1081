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
from qms.git.cachedir import cache_path, read_mapping, write_atomically
from qms.git.commits import Change, Commit

NAME = f"log-{__version__}-4.json"

Entry = list[Any]  # [parents, author name, email, date, committer name, email, date, approves, changes, reviews,
#                     disposes, periodic reviews, acknowledgements]


class DamagedCache(ValueError):
    """An entry does not have the shape `save` writes: the whole file is ignored."""


def load(root: Path) -> dict[str, Entry]:
    """The cached entries, not yet checked: `commit` checks each as it is used."""
    return read_mapping(root, NAME)


def commit(sha: str, entry: Entry | None) -> Commit:
    """The commit an entry describes, or DamagedCache."""
    if entry is None:
        raise DamagedCache(sha)
    try:
        parents, an, ae, ad, cn, ce, cd, approves, changes, reviews, disposes, periodic, acks = entry
        if not (parents.__class__ is an.__class__ is ae.__class__ is ad.__class__ is cn.__class__
                is ce.__class__ is cd.__class__ is str and approves.__class__ is list is reviews.__class__
                is disposes.__class__ is periodic.__class__ is acks.__class__
                and all(a.__class__ is str for a in (*approves, *reviews, *disposes, *periodic, *acks))):
            raise DamagedCache(sha)
        # A few dozen people write tens of thousands of commits: one string each.
        return Commit(sha, parents.split(), intern(an), intern(ae), ad, intern(cn), intern(ce), cd, approves, 0,
                      None, [_change(*c) for c in changes], reviews=reviews, disposes=disposes,
                      periodic_reviews=periodic, acknowledges=acks)
    except (TypeError, ValueError) as exc:
        raise DamagedCache(sha) from exc


def _change(status: str, path: str, blob: str, old_path: str | None) -> Change:
    if not (status.__class__ is path.__class__ is blob.__class__ is str
            and (old_path is None or old_path.__class__ is str)):
        raise DamagedCache(path)
    return Change(status, path, blob, old_path)


def save(root: Path, commits: list[Commit]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    path = cache_path(root, NAME)
    if path is None:
        return
    body = {c.sha: [" ".join(c.parents), c.author_name, c.author_email, c.author_date, c.committer_name,
                    c.committer_email, c.committer_date, c.approves,
                    [[x.status, x.path, x.blob, x.old_path] for x in c.changes], c.reviews, c.disposes,
                    c.periodic_reviews, c.acknowledges] for c in commits}
    write_atomically(path, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogateescape"))
