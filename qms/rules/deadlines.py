"""U rules: supervision over time. Corrective actions and what they answer, the audit programme, and
retention, each judged on the day of `--as-of` (today by default)."""

from __future__ import annotations

from collections.abc import Iterator

from qms.model import Finding
from qms.rules import Context, rule
from qms.supervise.audits import programme
from qms.supervise.records import (
    action_due,
    actions,
    broken_links,
    disposal_day,
    is_overdue,
    lacks_verification,
    retention_problem,
    unanswered,
)


@rule("U010")
def actions_past_due(ctx: Context) -> Iterator[Finding]:
    for doc in actions(ctx.records()):
        if is_overdue(doc, ctx.as_of):
            yield ctx.finding("U010", doc.path, doc.line_of(("due",)),
                              f"corrective action {doc.id} is still open and was due on {action_due(doc)}",
                              "finish it and close the record, or agree a new due date and write it in 'due'")


@rule("U011")
def actions_without_effectiveness_check(ctx: Context) -> Iterator[Finding]:
    for doc in actions(ctx.records()):
        if lacks_verification(doc):
            yield ctx.finding("U011", doc.path, doc.line_of(("status",)),
                              f"corrective action {doc.id} is closed without an effectiveness check",
                              "write the day it was checked in 'verified' and the result in 'effectiveness' "
                              "(effective or not-effective)")


@rule("U012")
def majors_without_action(ctx: Context) -> Iterator[Finding]:
    for item in unanswered(list(ctx.records())):
        yield ctx.finding("U012", item.record.path, item.record.line_of(item.key),
                          f"{item.what} has no corrective action",
                          "raise a corrective action that names it in 'nonconformity', or list it in 'actions'")


@rule("U013")
def action_links(ctx: Context) -> Iterator[Finding]:
    for link in broken_links(list(ctx.records()), ctx.by_id):
        yield ctx.finding("U013", link.record.path, link.record.line_of(link.key),
                          f'{link.key[0]}: "{link.target}" {link.problem}',
                          "name the id of the record it links to")


@rule("U014")
def audits_overdue(ctx: Context) -> Iterator[Finding]:
    for row in programme(ctx.docs.documents, ctx.config.audit_months, ctx.as_of):
        if row.overdue:
            doc = row.procedure
            last = f"last audited on {row.last}" if row.last else "never audited"
            yield ctx.finding("U014", doc.path, doc.line_of(("effective",)),
                              f"{doc.id} is {last}, and was due for audit on {row.due} "
                              f"(audit_months: {ctx.config.audit_months})",
                              "audit it and name it in the audit record's 'procedures' or 'scope'")


@rule("U015")
def retention_events(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.records():
        problem = retention_problem(doc)
        if problem:
            yield ctx.finding("U015", doc.path, doc.line_of(("retention",)), problem,
                              "write the event's day in the record under the event's name, such as closed: "
                              "2026-03-01 or end-of-employment: 2027-06-30")


@rule("U016")
def disposal_due(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.records():
        end = disposal_day(doc)
        if end is not None and end <= ctx.as_of:
            yield ctx.finding("U016", doc.path, doc.line_of(("retention",)),
                              f"{doc.id}'s retention ({doc.data.get('retention')}) ended on {end}: "
                              "it is due for disposal", f"a holder of its owner role runs `qms dispose {doc.id}`")
