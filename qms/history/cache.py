"""Old versions' front-matter, kept between runs of `qms history`, keyed by git blob id.

A blob id names exact file content, so an entry never goes stale. Only the
keys history reads are kept (`FIELDS`), as one tuple per version: a history
of 50,000 records holds hundreds of thousands of versions at once, and a
dict per version would cost several times the memory. Equal values (a role,
a status, a date) are shared between versions. The file lives in
.git/qmskit as plain JSON; one that cannot be read or has the wrong shape is
ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import json
from pathlib import Path
from sys import intern
from typing import Any

from qms import __version__
from qms.git.cachedir import cache_path, read_mapping, write_atomically
from qms.text.keymap import FrontMatterMap

# The front-matter keys history, its rules and its reports read from old versions, in tuple order.
FIELDS = ("id", "title", "type", "revision", "status", "change", "effective", "approvers", "superseded_by",
          "reviewers", "data",  # data: the table a record carries (H009 freezes it with the record)
          # A record's owner and retention, and the days it may run from: whether its disposal was in order.
          "owner", "retention", "date", "closed", "end-of-employment", "end-of-contract", "expiry",
          # When a document is due for review, and what it relies on (suspect references).
          "review_months", "risk", "distribution", "references",
          "legacy_revisions")  # revisions approved on paper (model.DocumentHistory.legacy)
INDEX = {key: index for index, key in enumerate(FIELDS)}
APPROVERS = INDEX["approvers"]
NAME = f"history-{__version__}-7.json"

Front = tuple  # one value per FIELDS entry, None where the key is absent
Entry = tuple[Front | None, str]  # (front-matter, content digest); None when it could not be read


class Interner:
    """One shared object per distinct value, so that repeated statuses, roles and dates cost nothing."""

    def __init__(self) -> None:
        self.lists: dict[tuple[str, ...], list[str]] = {}

    def front(self, values: list[Any]) -> Front:
        approvers = values[APPROVERS]
        if approvers.__class__ is list:
            key = tuple(approvers) if all(v.__class__ is str for v in approvers) else None
            if key is not None:
                values[APPROVERS] = self.lists.setdefault(key, [intern(v) for v in approvers])
        return tuple([intern(v) if v.__class__ is str else v for v in values])


def project(data: dict[str, Any] | None, interner: Interner | None = None) -> Front | None:
    """The FIELDS of parsed front-matter as a tuple."""
    if data is None:
        return None
    values = [data.get(key) for key in FIELDS]
    return interner.front(values) if interner else tuple(values)


def file_name(mapping: FrontMatterMap | None = None) -> str:
    """The cache's file: one per front-matter mapping, as the same bytes read otherwise under another one."""
    fingerprint = mapping.fingerprint() if mapping else ""
    return NAME if not fingerprint else NAME.replace(".json", f"-{fingerprint}.json")


def load(root: Path, mapping: FrontMatterMap | None = None) -> dict[str, Entry]:
    raw = read_mapping(root, file_name(mapping))
    interner = Interner()
    entries: dict[str, Entry] = {}
    width = len(FIELDS)
    for sha, value in raw.items():
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], str)):
            return {}
        front = value[0]
        if front is None:
            entries[sha] = (None, value[1])
        elif isinstance(front, list) and len(front) == width:
            entries[sha] = (interner.front(front), value[1])
        else:
            return {}
    return entries


def save(root: Path, entries: dict[str, Entry], mapping: FrontMatterMap | None = None) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    path = cache_path(root, file_name(mapping))
    if path is None:
        return
    body = json.dumps({sha: [front, digest] for sha, (front, digest) in entries.items()},
                      ensure_ascii=False, separators=(",", ":"))
    write_atomically(path, body.encode("utf-8", "surrogateescape"))
