"""Results measured from the records: the tables records carry (M001, M002), the objectives declared over them
(M003), the accountability roll-up (M006, M007), a management review closed with a blank left (M008), and the
tables a closed record froze (H009)."""

from __future__ import annotations

from collections.abc import Iterator

from qms.model import Finding
from qms.publish.periods import parse_period
from qms.publish.results import Results
from qms.publish.reviewpack import BLANK_MARK
from qms.publish.scorecard import scorecard
from qms.rules import HISTORY, Context, rule


@rule("M001", "M002")
def tables(ctx: Context) -> Iterator[Finding]:
    results = Results(ctx.workspace)
    yield from results.table_findings
    yield from results.person_findings()


@rule("M003")
def objectives(ctx: Context) -> Iterator[Finding]:
    yield from Results(ctx.workspace).objectives.findings


@rule("M006", "M007")
def charged_people(ctx: Context) -> Iterator[Finding]:
    """Points charged to someone not in the roster, or up a line that is not one person at each level."""
    records = [doc for doc in ctx.docs.documents if doc.is_record and "responsible" in doc.data]
    if not records:
        return
    source = ctx.config.source
    settings = source.data.get("scorecard") if source is not None else None
    years = sorted({str(doc.data.get("date", ""))[:4] for doc in records})
    for year in years:
        period = parse_period(year)
        if period is not None:
            yield from scorecard(records, ctx.docs.people, ctx.docs.roles, period, settings).findings


@rule("M008")
def review_blanks_left(ctx: Context) -> Iterator[Finding]:
    """A closed management-review record that still holds a blank `qms review-pack --save` marked for management:
    closing freezes it (H009), so the blank would stay unanswered for good."""
    for record in ctx.records():
        if record.data.get("kind") != "management-review" or record.status != "closed":
            continue
        for offset, text in enumerate(record.body.splitlines()):
            if BLANK_MARK in text:
                what = text.split(BLANK_MARK, 1)[1].strip()
                yield ctx.finding("M008", record.path, record.body_line + offset,
                                  f"{record.id} is closed, but this blank is still to be completed by management"
                                  + (f": {what}" if what else ""),
                                  "write what the review found or decided in place of the marked quote; if the "
                                  "record is already committed as closed, correct it with a new record that names it "
                                  "in 'corrects'")


@rule("H009", needs=HISTORY)
def closed_tables(ctx: Context) -> Iterator[Finding]:
    """A change to the CSV a record names by `data:`, made while that record stood closed."""
    history = ctx.history
    since = ctx.judged_after
    # The table's path -> the versions of the record that names it, in order.
    named: dict[str, list[tuple[int, str | None, str]]] = {}
    for doc in history.documents.values():
        for version in doc.versions:
            data = version.get("data")
            if version.deleted or not isinstance(data, str):
                continue
            folder = version.path.rsplit("/", 1)[0] if "/" in version.path else ""
            table = f"{folder}/{data}" if folder else data
            named.setdefault(table, []).append((version.commit.ordinal, version.status, doc.id))
    if not named:
        return
    for commit in history.commits:
        if commit.ordinal <= since:
            continue
        for change in commit.changes:
            versions = named.get(change.path)
            if not versions or change.status == "A":
                continue
            before = [v for v in versions if v[0] < commit.ordinal]
            if before and before[-1][1] == "closed":
                yield ctx.finding("H009", change.path, None,
                                  f"the table of closed record {before[-1][2]} was changed in {commit.sha[:10]}",
                                  "restore it and correct it with a new record that names it in 'corrects'")
