"""Clause coverage: which effective documents address each clause of each standard the QMS declares.

One computation for the three faces: `qms coverage`, the site's coverage page and rule D007.
A document addresses the clauses it names under `clauses:` and everything below them, so a
document naming 7.5 addresses 7.5.3.1. Only the leaf clauses (those with no subclause) count
as requirements: a parent clause is addressed when it is named itself, or when each of its
leaves is addressed or excluded. An exclusion in qms.yml covers the clause and its subclauses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qms.load.clauses import Catalogue, clause_entries
from qms.load.config import Config
from qms.model import Document, DocumentSet
from qms.text.mdtext import cell, link

ADDRESSED, PARTIAL, EXCLUDED, GAP = "addressed", "partial", "excluded", "gap"

LABELS = {
    "en": {"coverage": "Clause coverage", "clause": "Clause", "title": "Title", "status": "Status",
           "documents": "Addressed by", ADDRESSED: "addressed", PARTIAL: "in part", EXCLUDED: "excluded",
           GAP: "not addressed", "because": ": ", "unpublished": "not published",
           "summary": "{addressed} of {total} requirements addressed, {excluded} excluded, {gaps} not addressed"},
    "zh": {"coverage": "条款覆盖", "clause": "条款", "title": "名称", "status": "状态", "documents": "对应文件",
           ADDRESSED: "已覆盖", PARTIAL: "部分覆盖", EXCLUDED: "不适用", GAP: "未覆盖", "because": "：",
           "unpublished": "未公开",
           "summary": "{total} 项要求中已覆盖 {addressed} 项，不适用 {excluded} 项，未覆盖 {gaps} 项"},
}
PAGE = "coverage.md"


def coverage_labels(language: str) -> dict[str, str]:
    return LABELS["zh"] if language.lower().startswith("zh") else LABELS["en"]


@dataclass(frozen=True)
class ClauseRow:
    number: str
    title: str
    depth: int  # 0 for a top clause
    leaf: bool
    status: str  # ADDRESSED, PARTIAL, EXCLUDED or GAP
    documents: tuple[str, ...]  # ids of the effective documents that address it, or part of it
    excluded_because: str | None  # the reason qms.yml gives, on the clause it names (not on each subclause)


@dataclass(frozen=True)
class StandardCoverage:
    catalogue: Catalogue
    rows: tuple[ClauseRow, ...]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.leaf and row.status == status)

    @property
    def requirements(self) -> int:
        return sum(1 for row in self.rows if row.leaf)


def addresses(docs: Sequence[Document], config: Config) -> dict[str, dict[str, set[str]]]:
    """standard key -> clause number -> ids of the given documents that name it. Entries that name
    no declared standard, or no clause of it, are left out (D003 reports them)."""
    named: dict[str, dict[str, set[str]]] = {c.key: {} for c in config.standards}
    default = config.default_standard
    for doc in docs:
        for ref, _path, entry in clause_entries(doc.data.get("clauses")):
            catalogue = default if ref is None else config.standard(ref)
            if catalogue is None or isinstance(entry, bool) or not isinstance(entry, (str, int, float)):
                continue
            number = str(entry).strip()
            if number in catalogue.clauses and doc.id:
                named[catalogue.key].setdefault(number, set()).add(doc.id)
    return named


def exclusions_of(catalogue: Catalogue, config: Config) -> dict[str, str]:
    """Clause -> reason, for the clauses qms.yml excludes from this standard (under any of its names)."""
    found: dict[str, str] = {}
    for ref, clauses in config.exclusions.items():
        if ref in catalogue.names():
            found.update({n: why for n, why in clauses.items() if n in catalogue.clauses})
    return found


def effective_documents(docs: DocumentSet) -> list[Document]:
    return [doc for doc in docs.documents if not doc.is_record and doc.status == "effective"]


def coverage(docs: DocumentSet, config: Config, only: str | None = None) -> list[StandardCoverage]:
    """Every clause of every declared standard (or of `only`), in the standard's order."""
    named = addresses(effective_documents(docs), config)
    result = []
    for catalogue in config.standards:
        if only is not None and only not in catalogue.names():
            continue
        result.append(_standard(catalogue, named[catalogue.key], exclusions_of(catalogue, config)))
    return result


def _standard(catalogue: Catalogue, named: dict[str, set[str]], excluded: dict[str, str]) -> StandardCoverage:
    children: dict[str, list[str]] = {}
    for number in catalogue.clauses:
        parent = catalogue.parent(number)
        if parent is not None:
            children.setdefault(parent, []).append(number)

    def lineage(number: str) -> list[str]:
        return [number, *catalogue.ancestors(number)]

    def below(number: str) -> list[str]:
        out = []
        for child in children.get(number, []):
            out += [child, *below(child)]
        return out

    rows = []
    for number, title in catalogue.clauses.items():
        direct = set().union(*(named.get(n, set()) for n in lineage(number)))
        part = set().union(*(named.get(n, set()) for n in below(number)))
        leaves = [n for n in below(number) if n not in children]
        if any(n in excluded for n in lineage(number)):
            status = EXCLUDED
        elif direct:
            status = ADDRESSED
        elif leaves and all(any(named.get(m) or m in excluded for m in lineage(n)) for n in leaves):
            status = ADDRESSED if part else EXCLUDED  # each subclause addressed or excluded
        else:
            status = PARTIAL if part else GAP
        rows.append(ClauseRow(number, title, len(lineage(number)) - 1, number not in children, status,
                              tuple(sorted(direct | part)), excluded.get(number)))
    return StandardCoverage(catalogue, tuple(rows))


Link = Callable[[str], str | None]
Anchor = Callable[[object, str], str]  # (text, link) -> the link as the page writes it


def coverage_page(standards: Sequence[StandardCoverage], by_id: dict[str, Document], language: str,
                  link_to: Link, anchor: Anchor = link) -> str:
    """The coverage page as Markdown: a table per standard. `link_to` gives a published document's link,
    or None for one the site does not publish, which is counted but not named. `anchor` writes the link:
    Markdown by default, HTML on the site (qms.site.links)."""
    t = coverage_labels(language)
    parts = [f"# {t['coverage']}"]
    for std in standards:
        summary = t["summary"].format(addressed=std.count(ADDRESSED), total=std.requirements,
                                      excluded=std.count(EXCLUDED), gaps=std.count(GAP))
        lines = [f"## {cell(std.catalogue.standard)}", "", cell(summary), "",
                 f"| {t['clause']} | {t['title']} | {t['status']} | {t['documents']} |", "| --- | --- | --- | --- |"]
        for row in std.rows:
            status = t[row.status]
            if row.excluded_because is not None:
                status += t["because"] + row.excluded_because
            shown, hidden = [], 0
            for doc_id in row.documents:
                target = link_to(by_id[doc_id].path) if doc_id in by_id else None
                if target is None:
                    hidden += 1
                else:
                    shown.append(anchor(doc_id, target))
            if hidden:
                shown.append(cell(f"{hidden} {t['unpublished']}"))
            number = cell(row.number) if row.depth == 0 else "&emsp;" * row.depth + cell(row.number)
            lines.append(f"| {number} | {cell(row.title)} | {cell(status)} | {', '.join(shown)} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"

