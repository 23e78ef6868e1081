"""Supervision over time: duties that come due, judged as they stood on a day (`qms check --history --as-of`).

Periodic reviews past due (U001), periodic reviews and acknowledgements that do
not count (U002, U005), references to documents that have had a new revision
since (U003), acknowledgements owed past their day (U004), training records
that name revisions that never existed (U006). All read git history; the risk
category of a document (U007) is checked on the working tree alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from qms.model import Finding
from qms.rules import HISTORY, Context, as_list, rule
from qms.text.suggest import did_you_mean


def _judges_supervision(ctx: Context) -> bool:
    """Dates are judged over the whole history (`--history`): a range (`--since`) holds only some documents."""
    return ctx.full_history and ctx.history.whole


@rule("U001", needs=HISTORY)
def reviews_overdue(ctx: Context) -> Iterator[Finding]:
    from qms.supervise.reviews import commit_day, reviews_due

    if not _judges_supervision(ctx):
        return
    for due in reviews_due(ctx.history, ctx.workspace.committed_config, ctx.as_of):
        if due.next_review is None or due.next_review >= ctx.as_of:
            continue
        last = (f"last reviewed {commit_day(due.last_review)}" if due.last_review is not None
                else f"effective {due.effective}, never reviewed since")
        yield ctx.finding("U001", due.path, None,
                          f"{due.document} revision {due.revision.revision} was due for its periodic review on "
                          f"{due.next_review} ({last}; every {due.months} months)",
                          f"a holder of its owner role reviews it and confirms it unchanged with `qms periodic-review "
                          f"{due.document}`, or revises it")


@rule("U002", "U005", needs=HISTORY)
def acts_refused(ctx: Context) -> Iterator[Finding]:
    """Periodic reviews and acknowledgements that do not count, each at the commit and the person."""
    if not ctx.full_history:
        return
    history = ctx.history
    acts = [(doc.path, a) for doc in history.documents.values() for r in doc.revisions
            for a in (*r.periodic_reviews, *r.acknowledgements) if not a.valid]
    acts += [(history.documents[a.document].path if a.document in history.documents else "-", a)
             for a in history.stray_acts]
    for path, act in sorted(acts, key=lambda pa: pa[1].commit.ordinal):
        code = "U002" if act.meaning == "periodic-reviewed" else "U005"
        named = f"{act.document}@{act.revision}" if act.revision else act.document
        yield ctx.finding(code, path, None, f"{act.commit.label} by {act.approver.label()}: {act.act} of {named} "
                          f"refused: {act.problem}")


@rule("U003", needs=HISTORY)
def suspect_references(ctx: Context) -> Iterator[Finding]:
    from qms.supervise.suspect import suspects

    if not _judges_supervision(ctx):
        return
    for s in suspects(ctx.history, ctx.as_of):
        doc = ctx.by_id.get(s.document)
        line = doc.line_of(("references",)) if doc is not None and doc.path == s.path else None
        yield ctx.finding("U003", s.path, line,
                          f"{s.document} revision {s.revision} ({s.looked_at}) relies on {s.reference} revision "
                          f"{s.old_revision}, but {s.reference} has been at revision {s.new_revision} since "
                          f"{s.new_since}: {s.document} has not been checked against it",
                          f"its owner checks {s.document} against {s.reference} revision {s.new_revision}, then "
                          f"confirms it with `qms periodic-review {s.document}` or revises it")


@rule("U004", needs=HISTORY)
def acknowledgements_overdue(ctx: Context) -> Iterator[Finding]:
    from qms.supervise.acknowledge import readers

    if not _judges_supervision(ctx):
        return
    found = readers(ctx.history, ctx.workspace.committed_config, ctx.records(), ctx.as_of)
    for r in found.readings:
        if r.overdue(ctx.as_of):
            yield ctx.finding("U004", r.path, None,
                              f"{r.name} ({r.person}, {r.role}) has not acknowledged {r.document} revision "
                              f"{r.revision}, due by {r.due}",
                              f"{r.name} runs `qms ack {r.document}`, or a training record lists {r.person} in "
                              f"attendees and {r.document}@{r.revision} in trained_on")


@rule("U006", needs=HISTORY)
def training_revisions(ctx: Context) -> Iterator[Finding]:
    """Each `trained_on: ID@REV` of a training record names a revision history holds."""
    if not ctx.full_history:
        return
    documents = ctx.history.documents
    for record in ctx.records():
        if record.data.get("kind") != "training":
            continue
        for index, target in enumerate(as_list(record.data.get("trained_on"))):
            if not isinstance(target, str):
                continue
            doc_id, _, revision = target.strip().partition("@")
            if not doc_id or not revision:
                continue  # not ID@REVISION: the schema's finding (S001) names it at the same line
            known = documents.get(doc_id)
            revisions = [r.revision for r in known.revisions] if known is not None else []
            if revision in revisions:
                continue
            problem = (f"{doc_id} has no revision {revision} (it has {', '.join(revisions) or 'none'})"
                       if known is not None else f"{doc_id} is not a document in the history"
                       f"{did_you_mean(doc_id, sorted(documents))}")
            yield ctx.finding("U006", record.path, record.line_of(("trained_on", index)),
                              f"trained_on: {target}: {problem}",
                              "name the revision the attendees were trained on, as ID@REVISION (`qms history ID` "
                              "lists them)")


@rule("U007")
def risk_categories(ctx: Context) -> Iterator[Finding]:
    declared = ctx.config.review_categories
    for doc in ctx.documents():
        risk = doc.data.get("risk")
        if isinstance(risk, str) and risk not in declared:
            yield ctx.finding("U007", doc.path, doc.line_of(("risk",)),
                              f'risk: "{risk}" is not a risk category declared in qms.yml'
                              f"{did_you_mean(risk, sorted(declared))}",
                              "declare it under review: categories: in qms.yml with its months between reviews "
                              "(for example A: 6), or name a declared one" if not declared else
                              f"name one of {', '.join(sorted(declared))}")
