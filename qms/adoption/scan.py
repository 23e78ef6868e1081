"""What one file of an existing document set says about itself: id, title, front-matter, revision table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qms.load.word import RevisionTable, revision_table
from qms.text.frontmatter import SplitProblem, normalise_newlines, split_front_matter
from qms.text.yamlsafe import parse_yaml

# Foreign key names real document sets use for qmskit's keys (compared without case, `_` or `-`).
KEY_SYNONYMS = {
    "id": ("documentid", "docid", "documentnumber", "docnumber", "docno", "documentno", "number", "identifier"),
    "title": ("documenttitle", "name", "doctitle"),
    "revision": ("version", "rev", "revisionnumber", "documentversion", "issue"),
    "status": ("state", "documentstatus", "lifecycle"),
    "effective": ("effectivedate", "dateeffective", "releasedate", "releasedon", "approvedon", "approvaldate"),
    "owner": ("documentowner", "ownerrole"),
    "change": ("changesummary", "changedescription", "revisionsummary"),
    "references": ("relateddocuments", "related", "refs"),
    "clauses": ("isoclauses", "clause", "standardclauses"),
}
# Status words real sets use, and what they mean in qmskit.
STATUS_SYNONYMS = {
    "effective": ("approved", "released", "published", "active", "current", "issued", "in_force", "in-force", "final"),
    "review": ("in_review", "in-review", "inreview", "under_review", "under-review", "pending", "pending_approval",
               "for_review", "submitted"),
    "draft": ("wip", "work-in-progress", "in_progress", "in-progress", "new", "proposed", "draft"),
    "obsolete": ("archived", "retired", "withdrawn", "superseded", "cancelled", "canceled", "deprecated", "obsolete"),
}
QMS_STATUSES = ("draft", "review", "effective", "obsolete")
QMS_KEYS = ("id", "title", "type", "revision", "status", "owner", "approvers", "reviewers", "effective", "change",
            "references", "clauses", "review_months", "supersedes", "superseded_by", "distribution", "classification",
            "parent", "legacy_revisions")

# An id: letters, an optional separator, digits, optionally "-digits" more (SOP-001, QP-07, WI-07-01, POL_2).
ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,5})[-_ ]?(\d{1,4}(?:[-.]\d{1,4})?)(?![0-9A-Za-z])")
# Prefixes that name a standard or a date, not a document.
NOT_PREFIXES = {"ISO", "IEC", "EN", "GB", "BS", "DIN", "ANSI", "FDA", "CFR", "NO", "NR", "V", "VER", "REV", "Q", "FY",
                "PAGE", "P", "TAB", "FIG", "STEP", "ART", "SEC", "CH", "ANNEX", "TS", "TR"}
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)
_TABLE_ROW = re.compile(r"^[ \t]*\|(.+)\|[ \t]*$")


def normal(key: str) -> str:
    return re.sub(r"[\s_-]", "", key).lower()


def native_key(key: str) -> str | None:
    """The qmskit key a foreign key stands for, or None."""
    found = normal(key)
    for native, synonyms in KEY_SYNONYMS.items():
        if found == native or found in synonyms:  # `Status` and `effective_date` as well as `state`
            return native
    return None


def native_status(word: str) -> str | None:
    found = word.strip().lower()
    for native, synonyms in STATUS_SYNONYMS.items():
        if found == native or found in synonyms:
            return native
    return None


def find_id(text: str) -> tuple[str, str, str] | None:
    """(id, prefix, number) of the first document id in `text`, upper-cased with a hyphen: "sop_001" -> SOP-001."""
    for match in ID_IN_TEXT.finditer(text):
        prefix = match.group(1).upper()
        if prefix in NOT_PREFIXES:
            continue
        number = match.group(2).replace(".", "-")
        return f"{prefix}-{number}", prefix, number
    return None


def without_id(title: str, found: str | None) -> str:
    """`title` without the id `found` in it ("SOP-003 Risk Management" -> "Risk Management")."""
    if not found:
        return title.strip()
    for match in ID_IN_TEXT.finditer(title):
        if f"{match.group(1).upper()}-{match.group(2).replace('.', '-')}" == found:
            rest = title[:match.start()] + " " + title[match.end():].lstrip(" \t:.-–—_")
            return re.sub(r"\s+", " ", rest).strip(" -–—:_") or title.strip()
    return title.strip()


@dataclass
class Scanned:
    """One Markdown file as found. `data` is its front-matter (empty when it has none)."""

    path: str
    has_front_matter: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # why the file cannot be adopted as it is
    heading: str = ""
    body: str = ""
    revision_rows: int = 0
    last_revision: tuple[str, str] | None = None  # (revision, change) of the table's last row


def scan_markdown(path: str, raw: bytes) -> Scanned:
    found = Scanned(path)
    try:
        text = normalise_newlines(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError:
        found.problem = "not UTF-8 text: save it as UTF-8 and run qms adopt again"
        return found
    body = text
    if text.startswith("---\n") or text.startswith("---\r") or text.rstrip() == "---":
        try:
            split = split_front_matter(text)
        except SplitProblem as exc:
            found.problem = f"its front-matter cannot be read ({exc.full_message})"
            return found
        parsed = parse_yaml(split.yaml_text, split.yaml_line)
        if parsed.problems:
            found.problem = f"its front-matter is not valid YAML (line {parsed.problems[0].line}: {parsed.problems[0].message})"
            return found
        if parsed.value is not None and not isinstance(parsed.value, dict):
            found.problem = "its front-matter is not key: value lines"
            return found
        found.has_front_matter = True
        found.data = parsed.value or {}
        body = split.body
    found.body = body
    heading = _HEADING.match(body.lstrip("\n"))  # a title only where the text opens with it
    found.heading = heading.group(1).strip() if heading else ""
    table = body_revision_table(body)
    if table is not None and table.rows:
        found.revision_rows = len(table.rows)
        found.last_revision = (table.rows[-1].revision.strip(), table.rows[-1].change.strip())
    return found


def body_revision_table(body: str) -> RevisionTable | None:
    """Rows of a revision-history table in the body (Revision | Date | Change ...), as `qms import` knows them."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in body.split("\n"):
        row = _TABLE_ROW.match(line)
        if row:
            cells = [c.strip() for c in row.group(1).split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return revision_table(tables)
