"""Document content: dates, successors, clauses, retention and revisions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qms.load.clauses import load_catalogue
from qms.model import Finding
from qms.rules import Context, as_list, rule
from qms.text.revisions import RevisionError, is_after_first, parse_revision
from qms.text.suggest import did_you_mean

RETENTION = re.compile(r"(?:[1-9][0-9]*[dwmy]|permanent)")


@rule("D001")
def effective_needs_date(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.documents():
        if doc.status == "effective" and doc.data.get("effective") is None:
            yield ctx.finding(
                "D001", doc.path, doc.line_of(("status",)),
                "an effective document needs an effective date", "add 'effective: YYYY-MM-DD'",
            )


@rule("D002")
def obsolete_names_successor(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.documents():
        if doc.status == "obsolete" and "superseded_by" not in doc.data:
            yield ctx.finding(
                "D002", doc.path, doc.line_of(("status",)),
                "an obsolete document must name its successor",
                "add 'superseded_by: ID', or 'superseded_by: none' if nothing replaces it",
            )


@rule("D003")
def known_clauses(ctx: Context) -> Iterator[Finding]:
    catalogue = load_catalogue(ctx.config.clause_catalogue)
    numbers = list(catalogue)
    for doc in ctx.docs.documents:
        for index, clause in enumerate(as_list(doc.data.get("clauses"))):
            if isinstance(clause, bool) or not isinstance(clause, (str, int, float)):
                continue  # S001 reports the wrong type
            number = str(clause).strip()
            if number not in catalogue:
                yield ctx.finding(
                    "D003", doc.path, doc.line_of(("clauses", index)),
                    f'"{number}" is not a clause of {ctx.config.clause_catalogue}{did_you_mean(number, numbers)}',
                )


@rule("D004")
def valid_retention(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.records():
        retention = doc.data.get("retention")
        if isinstance(retention, str) and not RETENTION.fullmatch(retention.strip()):
            yield ctx.finding(
                "D004", doc.path, doc.line_of(("retention",)),
                f'retention "{retention}" is not a period',
                "write a number and a unit (d, w, m or y), such as 6m or 3y, or 'permanent'",
            )


@rule("D005")
def revision_follows_scheme(ctx: Context) -> Iterator[Finding]:
    scheme = ctx.config.revision_scheme
    for doc in ctx.documents():
        if doc.revision is None:
            continue
        try:
            parse_revision(scheme, doc.revision)
        except RevisionError as exc:
            yield ctx.finding("D005", doc.path, doc.line_of(("revision",)), f"{exc}, as qms.yml sets")


@rule("D006")
def later_revision_says_why(ctx: Context) -> Iterator[Finding]:
    scheme = ctx.config.revision_scheme
    for doc in ctx.documents():
        if doc.revision is None or doc.data.get("change"):
            continue
        try:
            later = is_after_first(scheme, doc.revision)
        except RevisionError:
            continue  # D005 reports it
        if later:
            yield ctx.finding(
                "D006", doc.path, doc.line_of(("revision",)),
                f"revision {doc.revision} is not the first, so it needs 'change:' saying what changed and why",
            )
