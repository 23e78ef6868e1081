"""Revisions approved on paper before qmskit: read from a revision-history table in the body, or from a
`majorRevisions`-style front-matter key, and kept as `legacy_revisions:` (docs/format.md).

`qms adopt` calls `read_legacy_revisions` on each document it adopts; `qms history`, the site and the PDF
show what `legacy_revisions:` holds. Nothing here judges an approval: these rows are what the paper record
says, shown as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Column names as adopted sets write them, lower case with spaces, dashes and underscores left out.
_COLUMNS = {
    "revision": {"revision", "rev", "revno", "revisionno", "revisionnumber", "version", "ver", "versionno",
                 "issue", "edition", "版本", "版本号", "版次", "修订号", "修订版本", "版本/修订"},
    "date": {"date", "effective", "effectivedate", "releasedate", "approvaldate", "issuedate", "revisiondate",
             "日期", "生效日期", "发布日期", "修订日期", "批准日期", "实施日期"},
    "change": {"change", "changes", "description", "changedescription", "descriptionofchange", "summary",
               "changesummary", "reason", "reasonforchange", "comment", "comments", "remarks", "修订内容",
               "变更内容", "更改内容", "修改内容", "修订说明", "变更说明", "说明", "描述", "摘要"},
    "approved_by": {"approvedby", "approver", "approvers", "approval", "approved", "authorisedby",
                    "authorizedby", "批准", "批准人", "审批", "审批人", "核准"},
    "author": {"author", "authors", "by", "preparedby", "changedby", "editor", "编写", "编制", "修订人", "拟制"},
}
_NAMES = {name: column for column, names in _COLUMNS.items() for name in names}
# Front-matter keys that hold a revision list in the sets we adopted.
LIST_KEYS = frozenset({"legacyrevisions", "majorrevisions", "revisionhistory", "revisions", "changehistory",
                       "revisionlog", "changelog", "版本历史", "修订记录", "修订历史"})
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class LegacyRevision:
    """One revision approved before qmskit, as its paper record gives it; any field may be empty."""

    revision: str
    date: str = ""
    change: str = ""
    approved_by: str = ""
    author: str = ""

    def as_front_matter(self) -> dict[str, str]:
        """The `legacy_revisions:` entry: the keys that have a value, in a fixed order."""
        return {k: v for k, v in (("revision", self.revision), ("date", self.date), ("change", self.change),
                                  ("approved_by", self.approved_by), ("author", self.author)) if v}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-.:：*]+", "", name).lower()


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def from_front_matter(value: Any) -> list[LegacyRevision]:
    """The revisions a front-matter list holds (`legacy_revisions:`, `majorRevisions:`): each entry a mapping
    with a revision and any of date, change, approved_by, author, under the names `_COLUMNS` knows."""
    if not isinstance(value, list):
        return []
    found = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        fields = {_NAMES[_key(str(k))]: _text(v) for k, v in entry.items() if _key(str(k)) in _NAMES}
        if fields.get("revision"):
            found.append(LegacyRevision(**fields))
    return found


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)]


def _plain(cell: str) -> str:
    """A cell's text without Markdown emphasis or `<br>`: names and dates, not markup."""
    cell = re.sub(r"<br\s*/?>", "; ", cell, flags=re.IGNORECASE)
    return re.sub(r"(\*\*|__|\*|`)", "", cell).strip()


def from_body(body: str) -> list[LegacyRevision]:
    """The rows of the first pipe table in `body` whose header names a revision column and a date or a
    change column (English or Chinese); [] when there is none."""
    lines = body.split("\n")
    for index in range(len(lines) - 1):
        if "|" not in lines[index] or not _SEPARATOR.match(lines[index + 1]):
            continue
        header = [_NAMES.get(_key(_plain(cell))) for cell in _cells(lines[index])]
        if "revision" not in header or not {"date", "change"} & set(header):
            continue
        found = []
        for line in lines[index + 2:]:
            if "|" not in line or not line.strip():
                break
            fields: dict[str, str] = {}
            for column, cell in zip(header, _cells(line)):
                if column is not None and column not in fields:
                    fields[column] = _plain(cell)
            if fields.get("revision"):
                found.append(LegacyRevision(**fields))
        return found
    return []


def read_legacy_revisions(data: dict[str, Any] | None, body: str) -> list[LegacyRevision]:
    """The revisions approved before qmskit that a document records: a front-matter list under a key
    `LIST_KEYS` knows, else its body's revision-history table."""
    for key, value in (data or {}).items():
        if _key(str(key)) in LIST_KEYS:
            found = from_front_matter(value)
            if found:
                return found
    return from_body(body)
