"""Change control over git history: the rules of document control applied commit by commit.

These rules read the one-pass history index, not the working tree. `qms check
--since REV` applies them to commits after REV; `--history` to every commit.
Each finding names the file, the commit and the person.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from qms.git.integrity import replacements
from qms.model import Finding
from qms.rules import HISTORY, Context, rule
from qms.rules.catalogue import RULES
from qms.text.dates import is_date_baseline
from qms.text.retention import EVENTS, retention_ends
from qms.text.revisions import RevisionError, parse_revision

if TYPE_CHECKING:
    from qms.history.model import Revision, Version

STATUS_ORDER = {"draft": 0, "review": 1, "effective": 2, "obsolete": 3}
RESTART = ("draft", "review")
# Backward moves within a revision that are allowed: a reviewer returns the draft to its author.
RETURNS = frozenset({("review", "draft")})


def _finding(ctx: Context, code: str, path: str, version: Version, message: str, hint: str | None = None) -> Finding:
    commit = version.commit
    who = ctx.roster.identify(commit.author_name, commit.author_email).label()
    return Finding(path, None, code, RULES[code].severity, f"{commit.label} by {who}: {message}", hint)


@rule("H001", "H002", "H003", "H005", "H008", "H009", "H017", needs=HISTORY)
def transitions(ctx: Context) -> Iterator[Finding]:
    """Each change of a document from one step of the main line to the next: content, revision, status,
    deletion. What reaches the main branch is controlled, so a merge is judged as a whole against its first
    parent (and under `--since`, the range as its merge will land it); the commits inside it keep their
    authors and approvals, judged per commit by the other rules."""
    since = ctx.judged_after
    for doc in ctx.history.documents.values():
        steps = _steps(ctx, doc.versions)
        for previous, step in pairwise(steps):
            after = step[-1]
            if after.commit.ordinal <= since:
                continue
            before = previous[-1]
            found = list(_transition(ctx, before, after, _opening(step, after)))
            yield from found
            if len(step) > 1 and not ctx.squashed(after.commit.ordinal):
                yield from _forgiven(ctx, [before, *step], {f.code for f in found})


def _steps(ctx: Context, versions: list[Version]) -> list[list[Version]]:
    """The versions of a document grouped by the step of the main line that made them."""
    steps: list[list[Version]] = []
    last_step = None
    for version in versions:
        commit = version.commit
        step = ctx.step_of(commit.ordinal, commit.sha, commit.merged_by)
        if steps and step == last_step:
            steps[-1].append(version)
        else:
            steps.append([version])
        last_step = step
    return steps


def _opening(step: list[Version], after: Version) -> Version:
    """The first version of the step at the revision the step ends with: where that revision started."""
    return next((v for v in step if not v.deleted and v.revision == after.revision), after)


def _forgiven(ctx: Context, versions: list[Version], reported: set[str]) -> Iterator[Finding]:
    """Errors of single commits inside a step that the step as a whole does not have: in order when the step
    lands as one (a merge commit, a squash), but not if its commits land one by one (a rebase, a fast-forward)."""
    for before, after in pairwise(versions):
        for inner in _transition(ctx, before, after, after):
            if inner.severity != "error" or inner.code in reported:
                continue
            yield Finding(inner.path, None, "H017", RULES["H017"].severity,
                          f"{inner.message} ({inner.code} on its own); the change it belongs to is in order as a whole",
                          "in order only if the change lands as one commit: a merge commit or a squash. If pull "
                          "requests are merged by rebase or fast-forward, each commit lands alone and `qms check "
                          "--history` reports it: set `merge: rebase` in qms.yml, so that `qms check --since` "
                          "judges each commit as the main branch will")


@rule("H004", needs=HISTORY)
def id_changes(ctx: Context) -> Iterator[Finding]:
    since = ctx.judged_after
    for commit, old, new, path in ctx.history.id_changes:
        if commit.ordinal > since:
            who = ctx.roster.identify(commit.author_name, commit.author_email).label()
            yield ctx.finding("H004", path, None, f"{commit.label} by {who}: the id changed from {old} to {new}",
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
                              f"{approval.act} refused: {approval.problem}")


@rule("H012", needs=HISTORY)
def replaced_history(ctx: Context) -> Iterator[Finding]:
    """Replace refs and grafts: ignored by every qms command, reported so that people know git shows otherwise."""
    for what, target in replacements(ctx.workspace.root):
        if target:
            replaced = what.removeprefix("refs/replace/")
            yield ctx.finding("H012", what, None,
                              f"git replaces object {replaced[:12]} with {target[:12]}, so `git log` and `git show` "
                              "show other content than was committed; qms judges history as stored and ignores it",
                              f"remove it with `git replace -d {replaced}` (and from the remote: "
                              f"`git push origin :{what}`)")
        else:
            yield ctx.finding("H012", what, None,
                              "a grafts file gives commits other parents than they were stored with; "
                              "qms judges history as stored and ignores it",
                              "delete the file (grafts are deprecated; `git replace --convert-graft-file` shows them)")


@rule("H013", needs=HISTORY)
def control_changes(ctx: Context) -> Iterator[Finding]:
    """Changes to the rules of approval that nobody entitled approved: the previous version stays in force."""
    timeline = ctx.history.controls
    if timeline is None:
        return
    since = ctx.judged_after
    for change in timeline.changes:
        if change.approval_commit is not None or change.commit.ordinal <= since:
            continue
        roles = ", ".join(timeline.before(change.commit.ordinal).approvers) or "none (set approvals: control: in qms.yml)"
        refused = f" ({'; '.join(change.refusals)})" if change.refusals else ""
        yield ctx.finding(
            "H013", change.path, None,
            f"commit {change.commit.short} by {change.author.label()}: this change to the rules of approval was "
            f"not approved by a holder of {roles}{refused}, so the version before it stays in force",
            f"a holder of {roles} who did not write it approves it: `qms approve {change.path}`")


@rule("H014", needs=HISTORY)
def authors_outside_the_roster(ctx: Context) -> Iterator[Finding]:
    """Content written under an e-mail the roster in force did not know: nobody can tell who wrote it."""
    timeline = ctx.history.controls
    if timeline is None:
        return
    since = ctx.judged_after
    for doc in ctx.history.documents.values():
        for version in doc.versions:
            author = version.author
            if author is None or version.commit.ordinal <= since:
                continue
            roster = timeline.before(version.commit.ordinal).roster
            if not roster.people:  # the commit that brings the roster in is judged by that roster
                roster = timeline.before(version.commit.ordinal + 1).roster
            if author.email.lower() in roster.by_email:
                continue
            record = version.get("type") == "record"
            yield Finding(version.path, None, "H014", "warning" if record else RULES["H014"].severity,
                          f"commit {version.commit.short} by {author.name} <{author.email}>: {doc.id} was changed under an "
                          "address that is in nobody's entry of the people roster, so segregation of duties "
                          "cannot be checked for it",
                          "commit under your own address in the roster (git config user.email), or add the "
                          "address to your entry in the roster, approved as a change to the rules of approval")


@rule("H015", needs=HISTORY)
def baseline_by_date(ctx: Context) -> Iterator[Finding]:
    """A date baseline is resolved along the first-parent line; a tag says the same thing and never moves."""
    value = ctx.config.baseline
    if value is None or not is_date_baseline(str(value)):
        return
    baseline = ctx.history.baseline
    sha = ctx.history.commits[baseline].sha if 0 <= baseline < len(ctx.history.commits) else None
    line = ctx.config.source.line_of(("baseline",)) if ctx.config.source else None
    where = f"commit {sha[:7]}" if sha else "no commit (the repository starts after it)"
    yield ctx.finding("H015", "qms.yml", line,
                      f"the adoption baseline is the date {value}, which resolves to {where} along the main line",
                      f"pin it: `git tag qms-baseline {sha or 'COMMIT'} && git push origin qms-baseline`, then set "
                      "`baseline: qms-baseline` in qms.yml")


@rule("H016", needs=HISTORY)
def effective_before_approval(ctx: Context) -> Iterator[Finding]:
    """A revision put in force from a day before it was approved: a back-dated effective date.

    Judged at each commit that makes a revision effective or changes its effective date, against the last
    valid approval of the revision up to that commit (or, with none, that commit itself: H006 reports it).
    """
    since = ctx.judged_after
    for doc in ctx.history.documents.values():
        for revision in doc.revisions:
            if revision.before_adoption:
                continue
            previous: tuple[str | None, str | None] = (None, None)
            for version in revision.versions:
                if version.deleted:
                    continue
                state = (version.status, _day(version.get("effective")))
                if state[0] == "effective" and state[1] is not None and state != previous \
                        and version.commit.ordinal > since:
                    approved = max((a.date for a in revision.approvals
                                    if a.valid and a.commit.ordinal <= version.commit.ordinal),
                                   default=version.commit.author_date[:10])
                    if state[1] < approved:
                        yield _finding(ctx, "H016", version.path, version,
                                       f"{revision.document} revision {revision.revision} is effective from "
                                       f"{state[1]}, earlier than its approval on {approved}",
                                       f"set 'effective' to {approved} or later: a revision is in force only once "
                                       "approved (`qms approve` refuses an earlier --effective)")
                previous = state


def _day(value: object) -> str | None:
    """An effective date as YYYY-MM-DD, or None when it is not one (D001 and the schema report those)."""
    text = str(value)[:10] if value is not None else ""
    return text if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit() else None


def _transition(ctx: Context, before: Version, after: Version, opened: Version) -> Iterator[Finding]:
    """`before` -> `after`; `opened` is where `after`'s revision started within the step (itself, commit by commit)."""
    path = after.path
    if after.deleted:
        if before.get("type") == "record":
            refused = _disposal_refused(ctx, before, after)
            if refused is not None:
                yield _finding(ctx, "H008", path, after, f"record {before.get('id')} was deleted{refused}",
                               "restore it; when its retention has ended, a holder of its owner role removes it "
                               f"with `qms dispose {before.get('id')}`")
        elif before.status in ("effective", "obsolete"):
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
        if _rank(after.status) < _rank(before.status) and (before.status, after.status) not in RETURNS:
            yield _finding(ctx, "H005", path, after, f"status went back from {before.status} to {after.status}",
                           "status only moves forward: draft, review, effective, obsolete (a revision in "
                           "review may go back to draft)")
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
    if opened.status not in RESTART and before.status != "obsolete":
        yield _finding(ctx, "H005", path, opened, f"a new revision ({after.revision}) must start at draft or "
                       f"review, not {opened.status}", "it becomes effective when approved")


def _disposal_refused(ctx: Context, before: Version, after: Version) -> str | None:
    """None when the deletion of a record is a disposal in order: the commit carries `Disposes: ID`, its author
    held the record's owner role, and the retention had ended by the commit's day. Otherwise why not."""
    commit, record = after.commit, before.get("id")
    if record not in commit.disposes:
        return ""
    timeline = ctx.history.controls
    roster = timeline.before(commit.ordinal).roster if timeline is not None else ctx.roster
    who = roster.identify(commit.author_name, commit.author_email)
    person = roster.people.get(who.person or "")
    owner = before.get("owner")
    if person is None or owner not in person.roles:
        return f" by a disposal that does not count: {who.label()} does not hold its owner role ({owner})"
    data = {key: before.get(key) for key in ("retention", "date", *EVENTS)}
    end = retention_ends(data)
    if end is None or end.isoformat() > commit.author_date[:10]:
        kept = f"until {end}" if end else f"as its retention ({before.get('retention')}) says"
        return f" by a disposal that does not count: it is kept {kept}"
    return None


def _approvals(ctx: Context, revision: Revision) -> Iterator[Finding]:
    since = ctx.judged_after
    for approval in (*revision.reviews, *revision.approvals):
        if approval.commit.ordinal <= since or approval.valid:
            continue
        path = revision.version_at(approval.commit.ordinal).path
        code = "H007" if approval.problem and approval.problem.startswith("the content changed") else "H010"
        hint = (f"a holder of {', '.join(revision.required_reviews)} reviews it first (`qms review "
                f"{revision.document}`), then it is approved again" if approval.problem
                and "before a review" in approval.problem else None)
        yield ctx.finding(code, path, None, f"commit {approval.commit.short} by {approval.approver.label()}: "
                          f"{approval.act} of {revision.document}@{revision.revision} refused: {approval.problem}",
                          hint)
    became = revision.became_effective()
    if became is None or became.commit.ordinal <= since or revision.before_adoption:
        return
    approvers = revision.required
    covered = {role for a in revision.approvals if a.valid for role in a.roles}
    missing = [role for role in approvers if role not in covered]
    if missing:
        yield _finding(ctx, "H006", became.path, became, f"{revision.document} revision {revision.revision} became "
                       f"effective without a valid approval from a holder of {', '.join(missing)}",
                       f"the approver runs `qms approve {revision.document}`")


def _rank(status: str | None) -> int:
    return STATUS_ORDER.get(status or "", -1)
