"""Clause coverage for people (text), tools (JSON), spreadsheets (CSV) and reports (Markdown)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from qms.model import Document
from qms.publish.coverage import ADDRESSED, EXCLUDED, GAP, PARTIAL, StandardCoverage, coverage_page
from qms.text.safetext import csv_cell, visible

CSV_COLUMNS = ("standard", "clause", "title", "requirement", "status", "documents", "exclusion")
TEXT_STATUS = {ADDRESSED: "addressed", PARTIAL: "in part", EXCLUDED: "excluded", GAP: "NOT ADDRESSED"}


def summary(std: StandardCoverage) -> dict[str, int]:
    return {"requirements": std.requirements, "addressed": std.count(ADDRESSED), "excluded": std.count(EXCLUDED),
            "not_addressed": std.count(GAP)}


def to_json(standards: Sequence[StandardCoverage]) -> str:
    payload: list[dict[str, Any]] = [{
        "key": std.catalogue.key,
        "standard": std.catalogue.standard,
        "summary": summary(std),
        "clauses": [{"clause": row.number, "title": row.title, "requirement": row.leaf, "status": row.status,
                     "documents": list(row.documents), "exclusion": row.excluded_because} for row in std.rows],
    } for std in standards]
    return json.dumps({"standards": payload}, ensure_ascii=False, indent=2)


def to_csv(standards: Sequence[StandardCoverage]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for std in standards:
        for row in std.rows:
            writer.writerow([csv_cell(text) for text in (
                std.catalogue.key, row.number, row.title, "yes" if row.leaf else "no", row.status,
                " ".join(row.documents), row.excluded_because or "")])
    return out.getvalue()


def to_text(standards: Sequence[StandardCoverage]) -> str:
    """A block per standard: each clause indented under its parent, its status and the documents."""
    blocks = []
    for std in standards:
        counts = summary(std)
        lines = [visible(f"{std.catalogue.standard} ({std.catalogue.key}): {counts['addressed']} of "
                         f"{counts['requirements']} requirements addressed, {counts['excluded']} excluded, "
                         f"{counts['not_addressed']} not addressed")]
        width = max(len(row.number) + 2 * row.depth for row in std.rows)
        for row in std.rows:
            number = ("  " * row.depth + row.number).ljust(width)
            status = TEXT_STATUS[row.status] if row.leaf or row.status != GAP else "-"
            detail = ", ".join(row.documents)
            if row.excluded_because:
                detail = f"excluded: {row.excluded_because}"
            lines.append(visible(f"  {number}  {status:<13}  {row.title}" + (f"  [{detail}]" if detail else "")))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def to_markdown(standards: Sequence[StandardCoverage], by_id: dict[str, Document], language: str) -> str:
    """The site's page, linking each document by its path in the repository."""
    return coverage_page(standards, by_id, language, lambda path: path)
