"""Change control over git history: the rules of document control applied commit by commit.

These rules read the one-pass history index, not the working tree. `qms check
--since REV` applies them to commits after REV; `--history` to every commit.
Each finding names the file, the commit and the person.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from qms.model import Finding
from qms.rules import HISTORY, Context, rule
from qms.rules.catalogue import RULES
from qms.text.revisions import RevisionError, parse_revision

if TYPE_CHECKING:
    from qms.history.model import Revision, Version

STATUS_ORDER = {"draft": 0, "review": 1, "effective": 2, "obsolete": 3}
RESTART = ("draft", "review")


def _finding(ctx: Context, code: str, path: str, version: Version, message: str, hint: str | None = None) -> Finding:
    commit = version.commit
    who = ctx.roster.identify(commit.author_name, commit.author_email).label()
    return Finding(path, None, code, RULES[code].severity, f"commit {commit.short} by {who}: {message}", hint)


@rule("H001", "H002", "H003", "H005", "H008", "H009", needs=HISTORY)
def transitions(ctx: Context) -> Iterator[Finding]:
    """Each change of a document from one commit to the next: content, revision, status, deletion."""
    since = ctx.judged_after
    for doc in ctx.history.documents.values():
        for before, after in zip(doc.versions, doc.versions[1:]):
            if after.commit.ordinal > since:
                yield from _transition(ctx, before, after)


@rule("H004", needs=HISTORY)
def id_changes(ctx: Context) -> Iterator[Finding]:
    since = ctx.judged_after
    for commit, old, new, path in ctx.history.id_changes:
        if commit.ordinal > since:
            who = ctx.roster.identify(commit.author_name, commit.author_email).label()
            yield ctx.finding("H004", path, None, f"commit {commit.short} by {who}: the id changed from {old} to {new}",
                              "ids never change, so make a new document instead")


@rule("H006", "H007", "H010", needs=HISTORY)
def approvals(ctx: Context) -> Iterator[Finding]:
    """Approvals that do not count, and revisions that became effective without the approvals they need."""
    for doc in ctx.history.documents.values():
        for revision in doc.revisions:
            yield from _approvals(ctx, revision)
    since = ctx.judged_after
    for approval in ctx.history.stray_approvals:
        if approval.commit.ordinal > since:
            known = ctx.history.documents.get(approval.document)
            yield ctx.finding("H010", known.path if known else "-", None,
                              f"commit {approval.commit.short} by {approval.approver.label()}: "
                              f"approval refused: {approval.problem}")


def _transition(ctx: Context, before: Version, after: Version) -> Iterator[Finding]:
    path = after.path
    if after.deleted:
        if before.get("type") == "record" or before.status in ("effective", "obsolete"):
            yield _finding(ctx, "H008", path, after, "a controlled document or record was deleted",
                           "restore it and make it obsolete instead (set status: obsolete)")
        return
    if before.get("type") == "record":
        if before.status == "closed" and (after.content != before.content or after.status != "closed"):
            yield _finding(ctx, "H009", path, after, "a closed record was edited",
                           "restore it and correct it with a new record that names it in 'corrects'")
        return
    same_revision = before.revision == after.revision
    if same_revision:
        if before.status == "effective" and after.content != before.content:
            yield _finding(ctx, "H001", path, after, f"the content of {before.get('id')} changed while "
                           f"revision {after.revision} was effective", "bump the revision and say why in 'change'")
        if _rank(after.status) < _rank(before.status):
            yield _finding(ctx, "H005", path, after, f"status went back from {before.status} to {after.status}",
                           "status only moves forward: draft, review, effective, obsolete")
        return
    scheme = ctx.config.revision_scheme
    try:
        went_down = parse_revision(scheme, after.revision or "") < parse_revision(scheme, before.revision or "")
    except RevisionError:
        went_down = False  # D005 reports revisions that break the scheme
    if went_down:
        yield _finding(ctx, "H003", path, after, f"revision went down from {before.revision} to {after.revision}",
                       "revisions only go up")
    if not after.get("change") or after.get("change") == before.get("change"):
        yield _finding(ctx, "H002", path, after, f"revision {after.revision} does not say what changed",
                       "write a new 'change' summary")
    if after.status not in RESTART and before.status != "obsolete":
        yield _finding(ctx, "H005", path, after, f"a new revision ({after.revision}) must start at draft or "
                       f"review, not {after.status}", "it becomes effective when approved")


def _approvals(ctx: Context, revision: Revision) -> Iterator[Finding]:
    since = ctx.judged_after
    for approval in revision.approvals:
        if approval.commit.ordinal <= since or approval.valid:
            continue
        path = revision.version_at(approval.commit.ordinal).path
        code = "H007" if approval.problem and approval.problem.startswith("the content changed") else "H010"
        yield ctx.finding(code, path, None, f"commit {approval.commit.short} by {approval.approver.label()}: "
                          f"approval of {revision.document}@{revision.revision} refused: {approval.problem}")
    became = revision.became_effective()
    if became is None or became.commit.ordinal <= since or revision.before_adoption:
        return
    approvers = [r for r in (revision.last.get("approvers") or []) if isinstance(r, str)]
    covered = {role for a in revision.approvals if a.valid for role in a.roles}
    missing = [role for role in approvers if role not in covered]
    if missing:
        yield _finding(ctx, "H006", became.path, became, f"{revision.document} revision {revision.revision} became "
                       f"effective without a valid approval from a holder of {', '.join(missing)}",
                       f"the approver runs `qms approve {revision.document}`")


def _rank(status: str | None) -> int:
    return STATUS_ORDER.get(status or "", -1)
