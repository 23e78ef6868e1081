"""The home page's overview: what is in force, what changed lately, and what comes into force soon.

Made from the published snapshot on the build's day (`--as-of`), so it says what the site itself shows:
only documents the site publishes are counted or named (a restricted document is neither), and a revision
approved for a later date is announced with that date, not counted as in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qms.publish.snapshot import Snapshot
from qms.publish.visibility import PUBLISHED, visibility
from qms.text import mdtext

# Where a site's own home page wants the overview; without it, the overview ends the home page.
MARKER = "{qms_overview}"
RECENT = 5  # the last revisions to take effect that the home page lists

WORDS = {
    "en": {"in_force": "In force on {date}", "type": "Type", "documents": "Documents", "total": "Total",
           "recent": "Recent changes", "upcoming": "Coming into force",
           "revision_of": "revision {revision}",
           "no_documents": "No document is in force yet.", "no_upcoming": "No approved revision is waiting for its date.",
           "manual": "Quality manual", "procedure": "Procedures", "work-instruction": "Work instructions",
           "form": "Forms", "external": "External documents"},
    "zh": {"in_force": "截至 {date} 现行有效文件", "type": "类别", "documents": "文件数", "total": "合计",
           "recent": "最近修订", "upcoming": "即将施行",
           "revision_of": "第 {revision} 版",
           "no_documents": "尚无现行有效文件。", "no_upcoming": "暂无已批准、待施行的修订。",
           "manual": "质量手册", "procedure": "程序文件", "work-instruction": "作业指导书",
           "form": "表格", "external": "外来文件"},
}
TYPE_ORDER = ("manual", "procedure", "work-instruction", "form", "external")


@dataclass(frozen=True)
class Change:
    day: str
    doc_id: str
    title: str
    path: str
    revision: str
    change: str


@dataclass
class Overview:
    as_of: date
    by_type: dict[str, int]
    recent: list[Change]
    upcoming: list[Change]


def overview(snap: Snapshot, audit: bool = False) -> Overview:
    """The counts and changes of the documents the site publishes, on the snapshot's day."""
    by_type: dict[str, int] = {}
    recent: list[Change] = []
    upcoming: list[Change] = []
    for path, entry in snap.entries.items():
        doc = entry.doc
        if doc.is_record or visibility(doc, audit) != PUBLISHED or doc.status != "effective":
            continue
        if entry.revision is not None:
            by_type[doc.type or ""] = by_type.get(doc.type or "", 0) + 1
            if entry.revision.effective:
                recent.append(Change(entry.revision.effective, doc.id or "", doc.title, path, entry.revision.revision,
                                     entry.revision.change or ""))
        if entry.upcoming is not None:
            upcoming.append(Change(entry.upcoming.effective or "", doc.id or "", doc.title, path,
                                   entry.upcoming.revision, entry.upcoming.change or ""))
    recent.sort(key=lambda c: (c.day, c.doc_id), reverse=True)
    upcoming.sort(key=lambda c: (c.day, c.doc_id))
    order = {name: index for index, name in enumerate(TYPE_ORDER)}
    ordered = dict(sorted(by_type.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))
    return Overview(snap.as_of, ordered, recent[:RECENT], upcoming)


def overview_markdown(view: Overview, language: str) -> str:
    """The overview as Markdown for a page at the top of the site (its links are the documents' paths)."""
    w = WORDS["zh" if language.lower().startswith("zh") else "en"]
    lines = [f"## {w['in_force'].format(date=view.as_of.isoformat())}", ""]
    if view.by_type:
        lines += [f"| {w['type']} | {w['documents']} |", "| --- | ---: |"]
        lines += [f"| {mdtext.cell(w.get(kind, kind))} | {count} |" for kind, count in view.by_type.items()]
        lines += [f"| **{w['total']}** | **{sum(view.by_type.values())}** |"]
    else:
        lines.append(w["no_documents"])
    lines += ["", f"## {w['recent']}", ""]
    lines += _changes(view.recent, w) if view.recent else [w["no_documents"]]
    lines += ["", f"## {w['upcoming']}", ""]
    lines += _changes(view.upcoming, w) if view.upcoming else [w["no_upcoming"]]
    return "\n".join(lines) + "\n"


def _changes(changes: list[Change], w: dict[str, str]) -> list[str]:
    """One line each, not a table: on a phone a four-column table runs off the side; a list wraps."""
    lines = []
    for c in changes:
        change = f": {mdtext.cell(c.change)}" if c.change else ""
        lines.append(f"- **{mdtext.cell(c.day)}** {mdtext.link(f'{c.doc_id} {c.title}', c.path)}, "
                     f"{w['revision_of'].format(revision=mdtext.cell(c.revision))}{change}")
    return lines
