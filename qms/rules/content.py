"""Document content: dates, successors, clauses, retention and revisions."""

from __future__ import annotations

from collections.abc import Iterator

from qms.load.clauses import Catalogue, clause_entries
from qms.load.config import CONFIG_NAME, Config
from qms.model import Finding
from qms.publish.coverage import GAP, coverage
from qms.rules import Context, rule
from qms.text.retention import RETENTION
from qms.text.revisions import RevisionError, is_after_first, parse_revision
from qms.text.suggest import did_you_mean


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
    config = ctx.config
    default = config.default_standard
    declared = ", ".join(c.key for c in config.standards)
    for doc in ctx.docs.documents:
        value = doc.data.get("clauses")
        for ref in value if isinstance(value, dict) else ():
            if config.standard(str(ref)) is None:
                yield ctx.finding(
                    "D003", doc.path, doc.line_of(("clauses", ref)),
                    f'clauses: "{ref}" is not a standard this QMS declares (declared: {declared})'
                    f"{did_you_mean(str(ref), [n for c in config.standards for n in sorted(c.names())])}",
                    "use the key of a declared standard, or add the standard to standards: in qms.yml",
                )
        for ref, path, entry in clause_entries(value):
            catalogue = default if ref is None else config.standard(ref)
            if catalogue is None:
                continue  # reported above, once for the standard
            if isinstance(entry, bool) or not isinstance(entry, (str, int, float)):
                continue  # S001 reports the wrong type
            number = str(entry).strip()
            if number not in catalogue.clauses:
                yield ctx.finding(
                    "D003", doc.path, doc.line_of(path),
                    f'"{number}" is not a clause of {catalogue.standard}'
                    f"{did_you_mean(number, list(catalogue.clauses))}",
                    _other_standards(number, catalogue, config),
                )
    yield from _unknown_exclusions(ctx)


def _other_standards(number: str, catalogue: Catalogue, config: Config) -> str | None:
    """A hint when the number belongs to another declared standard: the mapping form says which."""
    others = [c.key for c in config.standards if c is not catalogue and number in c.clauses]
    if not others:
        return None
    return f"if it is a clause of {others[0]}, list it under that standard: clauses: {{{others[0]}: [\"{number}\"]}}"


def _unknown_exclusions(ctx: Context) -> Iterator[Finding]:
    """Exclusions in qms.yml must name a declared standard and a clause of it."""
    config = ctx.config
    source = config.source
    for ref, clauses in config.exclusions.items():
        catalogue = config.standard(ref)
        line = source.line_of(("exclusions", ref)) if source else None
        if catalogue is None:
            yield ctx.finding(
                "D003", CONFIG_NAME, line,
                f'exclusions: "{ref}" is not a standard this QMS declares '
                f'(declared: {", ".join(c.key for c in config.standards)})',
                "use the key of a declared standard, or add the standard to standards:",
            )
            continue
        for number in clauses:
            if number not in catalogue.clauses:
                yield ctx.finding(
                    "D003", CONFIG_NAME, source.line_of(("exclusions", ref, number)) if source else None,
                    f'exclusions: "{number}" is not a clause of {catalogue.standard}'
                    f"{did_you_mean(number, list(catalogue.clauses))}",
                )


@rule("D007")
def clauses_covered(ctx: Context) -> Iterator[Finding]:
    config = ctx.config
    if not config.claims_coverage:
        return  # only standards: claims to meet a standard; clause_catalogue: kept its old meaning
    source = config.source
    line = source.line_of(("standards",)) if source is not None else None
    for std in coverage(ctx.docs, config):
        for row in std.rows:
            if row.leaf and row.status == GAP:
                yield ctx.finding(
                    "D007", CONFIG_NAME, line,
                    f"{std.catalogue.standard} clause {row.number} ({row.title}) is addressed by no effective document",
                    "name it under clauses: of the document that addresses it, or give the reason it "
                    f"does not apply under exclusions: {std.catalogue.key}: in qms.yml",
                )


@rule("D004")
def valid_retention(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.records():
        retention = doc.data.get("retention")
        if isinstance(retention, str) and not RETENTION.fullmatch(retention.strip()):
            yield ctx.finding(
                "D004", doc.path, doc.line_of(("retention",)),
                f'retention "{retention}" is not a period',
                "write a number and a unit (d, w, m or y), such as 6m or 3y, a period after an event, such as "
                "5y after closed, or 'permanent'",
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
