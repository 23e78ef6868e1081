"""The `qms` command: parse arguments, call the core, print, exit.

No rule lives here. Exit codes: 0 no errors, 1 errors found, 2 the command
could not run, 3 an unexpected failure (details go to a log file), 130 when
interrupted.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import traceback
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from qms import __version__
from qms.errors import QmsError, UsageError
from qms.text.dates import current_day
from qms.text.safetext import visible

if TYPE_CHECKING:
    from qms.commands.approve import ApproveResult
    from qms.workspace import Workspace

# Each command imports what it needs when it runs: `qms check` never loads
# GitPython, Jinja2, WeasyPrint or Markdown, and starts in a fraction of the time.

# The order a newcomer meets the commands in, for `qms --help`.
ORDER = ("init", "adopt", "new", "import", "check", "review", "approve", "periodic-review", "ack", "history", "diff",
         "show", "build", "serve", "register", "training", "coverage", "objectives", "scorecard", "review-pack", "due",
         "dispose", "pdf", "export", "codeowners", "demo", "rules")


def _plain(params: list[Any]) -> list[Any]:
    """Help that reads as words: a flag shows no <bool>, an option its metavar or its choices, never a Python type."""
    for param in params:
        if isinstance(param, TyperArgument):
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]  # the metavar says it
        elif isinstance(param, TyperOption) and param.metavar is None:
            choices = param.type_descriptor.choices if param.type_descriptor.is_choice else None
            if param.is_flag:
                param.metavar = ""
            elif choices:
                param.metavar = "|".join(str(getattr(c, "value", c)) for c in choices)
            else:
                param.metavar = (param.name or "value").upper()
    return params


# A summary line followed at once by the examples (see _Command.__init__).
_EXAMPLES_AFTER_SUMMARY = re.compile(r"\A([^\n]*)\n\n(?=Examples?:)")


class _Command(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Typer dedents the text after the summary as a docstring, its first line left out: when that line is
        # "Examples:", the examples lose their indent and read as one paragraph. A blank line first keeps
        # them code, laid out as in the commands with more to say.
        if self.help:
            self.help = _EXAMPLES_AFTER_SUMMARY.sub("\\1\n\n\n", self.help, count=1)

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`qms approve [OPTIONS] ID...`: each argument as its metavar, in brackets when it may be left out."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "").upper()
                pieces.append(name if param.required or name.startswith("[") else f"[{name}]")
        return pieces

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as exc:  # "'x' is not one of 'text', 'json'", without the validator's "Value error, "
            exc.message = exc.message.replace("Value error, ", "")
            raise


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER))


app = typer.Typer(
    cls=_Group,
    name="qms",
    help="Keep an ISO 9001 quality management system as Markdown in git: check it, control it, publish it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"
    gitlab = "gitlab"
    markdown = "markdown"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class HistoryFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


def _version(value: bool) -> None:
    if value:
        print(f"qms (qmskit) {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Option("--directory", "-C", metavar="DIR", help="Run as if started in this folder (any folder inside the QMS)."),
    ] = Path("."),
    version: Annotated[
        Optional[bool],  # noqa: UP045 - Typer reads this annotation at runtime
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    ctx.obj = directory


def _workspace(ctx: typer.Context) -> Workspace:
    """The QMS at or above -C's folder (or here), opened lazily: nothing is read until a command asks."""
    from qms.workspace import Workspace

    return Workspace.open(ctx.obj)


def _say(text: str) -> None:
    """Print a line that quotes ids, titles, paths or names: their control characters are shown, not obeyed."""
    print(visible(text))


def _warn(text: str) -> None:
    """A line to standard error, control characters shown, not obeyed."""
    print(visible(text), file=sys.stderr)


def _mkdocs_warning(text: str) -> None:
    """A warning of MkDocs during `qms build`, on standard error, as MkDocs words it."""
    _warn(f"warning: MkDocs: {text}")


def _console() -> Console:
    """stdout: the terminal's width in a terminal; in a file, a pipe or a CI log nothing is wrapped or cut."""
    from qms.report.console import console

    return console()


AS_OF_HELP = "Show the revisions in force on this day (YYYY-MM-DD) instead of today."


def _as_of(value: str | None) -> Any:
    """--as-of DATE as a date (None for today); a clear refusal for anything else."""
    from qms.publish.snapshot import parse_as_of

    return parse_as_of(value)


def _as_it_stood(workspace: Workspace, day: Any) -> Workspace:
    """The QMS as committed at the end of `day` (`--as-of`); in a folder git does not manage there is no such
    state, and the files are judged as they are, with a note that says so."""
    from qms.git.runner import NotAGitRepositoryError

    try:
        return workspace.as_it_stood(day)
    except NotAGitRepositoryError:
        _warn(f"note: not a git repository, so --as-of judges the files as they are now, on {day}")
        return workspace


def _codes(values: list[str]) -> list[str]:
    """`--select R --select P001,P002` -> ["R", "P001", "P002"]."""
    return [code for value in values for code in value.split(",") if code.strip()]


@app.command(cls=_Command)
def check(
    ctx: typer.Context,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", metavar="FORMAT", help="text for people, json for tools, github for Actions; "
                                   "sarif, junit, gitlab (code quality) and markdown (job summary) for CI.")
    ] = OutputFormat.text,
    select: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--select", metavar="CODES", help="Only report these rule codes or prefixes (repeat, or separate with commas)."),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--ignore", metavar="CODES", help="Leave out these rule codes or prefixes, on top of qms.yml's ignore list."),
    ] = None,
    since: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--since", metavar="REV", help="Also apply change control to what HEAD brings after REV, "
                     "judged as a pull request that lands the way qms.yml's merge: says."),
    ] = None,
    as_landed: Annotated[
        bool, typer.Option("--as-landed", help="With --since: judge the commits after REV as they stand on the "
                           "main line, as --history does (for commits already merged).")
    ] = False,
    staged: Annotated[
        bool, typer.Option("--staged", help="Also judge what is staged against HEAD, before it is committed "
                           "(the pre-commit hook): a changed effective document needs a new revision.")
    ] = False,
    full_history: Annotated[
        bool, typer.Option("--history", help="Also apply change control to the whole git history.")
    ] = False,
    against: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--against", metavar="FILE", help="Report approvals and revisions of a saved "
                     "`qms history --format json` that history no longer holds (H011)."),
    ] = None,
    as_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--as-of", metavar="DATE", help="Check the QMS as it stood at the end of this day (YYYY-MM-DD): "
                     "the files of the main line's last commit of that day, and with --history the history up "
                     "to it; actions, audits, retention, periodic reviews and acknowledgements are judged on "
                     "that day. Uncommitted changes play no part."),
    ] = None,
) -> None:
    """Check every document, record, role and person against the schemas and rules.

    Exits 0 when there are no errors, 1 when there are, and 2 when the check
    cannot run (for example, no qms.yml).

    Examples:

        qms check

        qms check --format json

        qms check --select R,P --ignore R003

        qms check --since origin/main --format github

        qms check --staged

        qms check --format sarif > qms.sarif

        qms check --history

        qms check --as-of 2026-12-31
        qms check --history --as-of 2026-12-31

        qms history --format json > approvals.json; qms check --history --against approvals.json
    """
    from qms.report.findings import RENDERERS, render_text
    from qms.rules.runner import run_check

    day = _as_of(as_of) if as_of is not None else None  # a plain check imports no history code
    workspace = _as_it_stood(_workspace(ctx), day) if day is not None else _workspace(ctx)
    result = run_check(workspace, _codes(select or []), _codes(ignore or []), since, full_history, against,
                       as_landed, staged, day)
    if output_format is OutputFormat.text:
        render_text(result, _console())
    else:
        sys.stdout.write(RENDERERS[output_format.value](result) + "\n")
    raise typer.Exit(result.exit_code)


@app.command(cls=_Command)
def history(
    ctx: typer.Context,
    document_id: Annotated[Optional[str], typer.Argument(metavar="ID", help="One document's id; all when left out.")] = None,  # noqa: UP045
    output_format: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="text, json (one object per revision) or csv (audit trail).")
    ] = HistoryFormat.text,
    since_date: Annotated[
        Optional[str], typer.Option("--from", metavar="DATE", help="csv: first day of the audit trail.")  # noqa: UP045
    ] = None,
    until_date: Annotated[
        Optional[str], typer.Option("--to", metavar="DATE", help="csv: last day of the audit trail.")  # noqa: UP045
    ] = None,
) -> None:
    """Show the revision record read from git: every revision, its authors and approvals.

    Examples:

        qms history QP-02

        qms history --format json

        qms history --format csv --from 2026-01-01 --to 2026-06-30 > audit-trail.csv
    """
    from qms.commands.history import audit_trail_csv, document_history
    from qms.report.history import render_json as history_json
    from qms.report.history import render_text as history_text

    if output_format is HistoryFormat.csv:
        sys.stdout.write(audit_trail_csv(_workspace(ctx), document_id, since_date, until_date))
        return
    documents = document_history(_workspace(ctx), document_id)
    if output_format is HistoryFormat.json:
        history_json(documents, sys.stdout)
    else:
        history_text(documents, _console())


@app.command(cls=_Command)
def diff(
    ctx: typer.Context,
    document_id: Annotated[str, typer.Argument(metavar="ID", help="The document.")],
    rev_a: Annotated[str, typer.Argument(metavar="REV_A", help="The earlier revision.")],
    rev_b: Annotated[str, typer.Argument(metavar="REV_B", help="The later revision.")],
) -> None:
    """Show what changed between two revisions of a document: front-matter and text.

    Example:

        qms diff QP-02 A/0 B/0
    """
    from qms.commands.diff import revision_redline

    # The documents' own text: tabs and line breaks are its layout, any other control character is shown.
    sys.stdout.write(visible(revision_redline(_workspace(ctx), document_id, rev_a, rev_b), keep="\t\n"))


@app.command(cls=_Command)
def show(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="ID[@REV]", help="The document, and a revision from its history.")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)] = None,  # noqa: UP045
) -> None:
    """Print a document: the revision in force today, as committed, or a revision as it was last committed.

    A document with no revision in force yet (a first draft) is printed as it stands. Notes (an approved
    later revision, uncommitted changes) go to stderr.

    Examples:

        qms show QP-02

        qms show QP-02 --as-of 2026-12-15

        qms show QP-02@A/0 > qp-02-rev-A0.md
    """
    from qms.commands.show import show as show_document

    text, notes = show_document(_workspace(ctx), target, _as_of(as_of))
    # The document's own text: tabs and line breaks are its layout, any other control character is shown.
    sys.stdout.write(visible(text, keep="\t\n"))
    for note in notes:
        print(visible(note), file=sys.stderr)


@app.command(cls=_Command)
def approve(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="The documents to approve, in one commit.")],
    effective: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--effective", metavar="DATE", help="The date it takes effect (default today)."),
    ] = None,
    sign: Annotated[bool, typer.Option("--sign", help="Sign the approval commit (git commit -S).")] = False,
) -> None:
    """Approve documents as yourself: commit with an Approves: trailer, and set them effective once every approver role has approved.

    Refuses when you hold none of a document's approver roles, authored the
    revision you are approving, the document is still a draft (set status:
    review and commit first), or --effective is before today's approval.
    While other approver roles still have to approve, the document stays in
    review; so does one that relies on a document not yet in force, until
    the approval that completes the set puts them all in force together.
    Give the whole set: what you hold no approver role for is left out.
    Where a document names reviewers, they review it first (qms review).

    Examples:

        qms approve QP-07

        qms approve QP-07 WI-07-01 --effective 2027-01-01 --sign

    A change to the rules of approval (the people roster, the roles registry or
    the approval settings of qms.yml) is approved the same way, by a holder of a
    control role, with its path:

        qms approve manual/people.yml
    """
    from qms.commands.approve import approve as approve_documents

    result = approve_documents(_workspace(ctx), ids, effective, sign)
    for doc in result.documents:
        done = f"Approved {doc.id} revision {doc.revision} as {', '.join(doc.roles)}"
        if doc.waiting:
            _say(f"{done}; it stays in review until {', '.join(doc.waiting)} approve{'s' if len(doc.waiting) == 1 else ''} "
                 f"too (a holder runs `qms approve {doc.id}`)")
        elif doc.blocked_by:
            _say(f"{done}; it stays in review until {doc.blocked_by[0]}, which it relies on, is in force: "
                 f"{doc.next_step}. That approval puts them in force together.")
        else:
            _say(f"{done}, effective {doc.effective}")
    for doc in result.joined:
        _say(f"Put {doc.id} revision {doc.revision} in force with it, effective {doc.effective}: approved earlier, "
             "it was waiting for what this approval puts in force")
    _say_left_out_and_committed(result, "approves")


def _say_left_out_and_committed(result: ApproveResult, verb: str) -> None:
    for reason in result.skipped:
        _say(f"Left out: {reason}; a holder of one of them {verb} it.")
    _say(f"Committed {result.commit[:7]} as {result.approver}.")


@app.command(cls=_Command)
def review(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="The documents to review, in one commit.")],
    sign: Annotated[bool, typer.Option("--sign", help="Sign the review commit (git commit -S).")] = False,
) -> None:
    """Review documents as yourself, before they are approved: an empty commit with a Reviews: trailer.

    A document that names reviewers (roles) in its front-matter needs a review
    by a holder of each before `qms approve` takes it. The same rules as an
    approval apply: your own git identity, a reviewer role you hold, not the
    author of the revision, signed where qms.yml requires signed approvals.
    A review covers the content as committed; a later change voids it. To
    send the document back instead, set status: draft and say why.

    Examples:

        qms review QP-07

        qms review QP-07 WI-07-01 --sign
    """
    from qms.commands.approve import review as review_documents

    result = review_documents(_workspace(ctx), ids, sign)
    for doc in result.documents:
        waiting = (f"; a holder of {', '.join(doc.waiting)} reviews it too (`qms review {doc.id}`), then it can be "
                   "approved") if doc.waiting else f"; it can now be approved (`qms approve {doc.id}`)"
        _say(f"Reviewed {doc.id} revision {doc.revision} as {', '.join(doc.roles)}{waiting}")
    _say_left_out_and_committed(result, "reviews")


class DueFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    ics = "ics"


@app.command(cls=_Command)
def due(
    ctx: typer.Context,
    person: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--person", metavar="ID", help="Only this person's duties (their id in the roster).")] = None,
    within: Annotated[str, typer.Option("--within", metavar="PERIOD", help="Duties due within this period from the day "
                                        "(days, weeks, months or years: 30d, 6w, 3m, 1y); overdue ones always.")] = "30d",
    as_of: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--as-of", metavar="DATE", help="What was due and overdue on this day (YYYY-MM-DD) instead of today, "
        "read from the main line's last commit of that day; uncommitted changes play no part.")] = None,
    output_format: Annotated[DueFormat, typer.Option("--format", "-f", help="text, json, markdown (a CI job summary) "
                                                     "or ics (iCalendar, for calendars; needs the calendar extra).")] = DueFormat.text,
) -> None:
    """List what each person owes: approvals, reviews, periodic reviews, acknowledgements, actions, audits, disposals.

    Every duty owed through a role is listed once for each person who holds it.

    Examples:

        qms due

        qms due --person li-na --within 3m

        qms due --as-of 2026-12-31 --format json

        qms due --person li-na --format ics > duties.ics
    """

    from qms.publish.duties import due_list
    from qms.report.due import RENDERERS as DUE_RENDERERS

    day = _as_of(as_of) or current_day()
    workspace = _as_it_stood(_workspace(ctx), day) if as_of is not None else _workspace(ctx)
    result = due_list(workspace, day, _days(within), person)
    text = DUE_RENDERERS[output_format.value](result)
    if output_format is DueFormat.ics:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))  # as written: iCalendar's lines end in CRLF
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(text + "\n")


def _days(period: str) -> int:
    """--within 30d, 6w, 3m or 1y as a number of days (a month 30, a year 365)."""
    import re

    found = re.fullmatch(r"([0-9]+)([dwmy])", period.strip())
    if not found:
        raise UsageError(f"--within {period!r} is not a period; write a number and a unit (d, w, m or y), "
                         "for example --within 30d")
    return int(found.group(1)) * {"d": 1, "w": 7, "m": 30, "y": 365}[found.group(2)]


@app.command(cls=_Command)
def dispose(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="The record whose retention has ended.")],
) -> None:
    """Remove a record whose retention has ended, as a commit with a Disposes: trailer.

    Only a holder of the record's owner role may, once the record is closed and
    its retention has ended; git keeps who disposed of it and when, and
    qms check --history accepts the deletion.

    Examples:

        qms dispose REC-2023-004
    """
    from qms.commands.dispose import dispose as dispose_record

    done = dispose_record(_workspace(ctx), record_id)
    _say(f"Disposed of {done.id} ({done.path}): its retention ended on {done.ended}. Committed {done.commit[:7]}.")
@app.command(cls=_Command, name="periodic-review")
def periodic_review(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="The documents reviewed, in one commit.")],
    sign: Annotated[bool, typer.Option("--sign", help="Sign the commit (git commit -S).")] = False,
) -> None:
    """Confirm documents unchanged after their periodic review: an empty commit with a Periodic-review: trailer.

    The trailer names the revision in force. Only a holder of its owner role
    or of an approver role who did not write it may make it, signed where
    qms.yml requires signed approvals. The next review is then due the
    document's review interval after this one.

    Examples:

        qms periodic-review QP-07

        qms periodic-review QP-07 WI-07-01 --sign
    """
    from qms.commands.supervise import periodic_review as review_periodically

    result = review_periodically(_workspace(ctx), ids, sign)
    for doc in result.documents:
        _say(f"Periodic review of {doc.id} revision {doc.revision} recorded as {', '.join(doc.roles)}: "
             "confirmed unchanged")
    _say(f"Committed {result.commit[:7]} as {result.person}.")


@app.command(cls=_Command)
def ack(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="The documents read, in one commit.")],
    sign: Annotated[bool, typer.Option("--sign", help="Sign the commit (git commit -S).")] = False,
) -> None:
    """Acknowledge that you read and understood documents: an empty commit with an Acknowledges: trailer.

    The trailer names each document's latest approved revision. Holders of
    the roles in a document's distribution owe one within acknowledge_days
    (qms.yml); `qms training` shows who has and who has not.

    Examples:

        qms ack QP-07

        qms ack QP-07 WI-07-01
    """
    from qms.commands.supervise import acknowledge

    result = acknowledge(_workspace(ctx), ids, sign)
    for doc in result.documents:
        reader = f" (a reader as {', '.join(doc.roles)})" if doc.roles else ""
        _say(f"Acknowledged {doc.id} revision {doc.revision}{reader}")
    _say(f"Committed {result.commit[:7]} as {result.person}.")


@app.command(cls=_Command)
def training(
    ctx: typer.Context,
    output_format: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="text, json or csv (for a spreadsheet).")
    ] = HistoryFormat.text,
    as_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--as-of", metavar="DATE", help="As it stood at the end of this day (YYYY-MM-DD) instead of "
                     "today, read from the main line's last commit of that day."),
    ] = None,
) -> None:
    """Show who has read and understood each revision in force: people by documents.

    Each holder of a role in a document's distribution acknowledges its
    revision in force within acknowledge_days (qms.yml), by `qms ack ID` or
    through a training record (attendees, trained_on: [ID@REV]). A cell says
    when the person acknowledged it, or by when they must.

    Examples:

        qms training

        qms training --format csv > training-matrix.csv

        qms training --format json --as-of 2026-12-31
    """
    from qms.report.training import render_csv, render_json, render_text
    from qms.supervise.acknowledge import readers

    day = _as_of(as_of) or current_day()
    workspace = _as_it_stood(_workspace(ctx), day) if as_of is not None else _workspace(ctx)
    found = readers(workspace.history(), workspace.committed_config, [d for d in workspace.documents.documents if d.is_record],
                    day)
    if output_format is HistoryFormat.text:
        render_text(found, _console())
    else:
        sys.stdout.write((render_json(found) + "\n") if output_format is HistoryFormat.json else render_csv(found))


@app.command(cls=_Command)
def demo(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(metavar="DIR", help="A new or empty folder.")] = Path("qms-demo"),
    source: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--from", metavar="SAMPLE",
                     help="The sample QMS to replay (default: the QMS you are in, or else the sample office qmskit ships)."),
    ] = None,
) -> None:
    """Build a demonstration QMS repository: the sample with two years of scripted git history.

    Document controllers' edits, approvals by the director and deputies, a
    refused self-approval, a renamed procedure, a superseded procedure,
    closed records and a document-handling log filed each month with its
    CSV (for qms objectives), all on fixed dates, so every build is identical.

    Example:

        qms demo /tmp/qms-demo && cd /tmp/qms-demo && qms history QP-02
    """
    from qms.commands.demo import refresh_demo
    from qms.commands.scaffold import sample_root
    from qms.errors import NotAQmsRepositoryError
    from qms.load.config import find_root

    if source is not None:
        sample = source
    else:
        try:
            sample = find_root(ctx.obj)
        except NotAQmsRepositoryError:
            sample = sample_root()
    summary, built = refresh_demo(target, sample)
    _say(f"{'Built' if built else 'Kept'} the demo QMS in {summary.path}: {summary.commits} commits, "
          f"{summary.documents} documents and {summary.records} records.")
    _say(f"Try: cd {summary.path} && qms check --history && qms history {summary.renamed[0]}")
    approvals = " and ".join(item.replace(" by ", " approved by ", 1) for item in summary.self_approvals)
    on_purpose = [
        f"H010 ({len(summary.self_approvals)}): {approvals}, each the author of what they approved. The story makes "
        "these approvals to show that an author's own approval never counts (segregation of duties); they are "
        "refused, and are not mistakes in the demo.",
        "U001: EXT-02's periodic review, overdue since 2026-06-16 (it was left out of the 2026 review round), and "
        "U003: so its reference to WI-04-01's revision A/1 is suspect too.",
        "U003 (2): QM-01 and QP-07 rely on WI-07-01, revised after their 2026 review.",
        "U010: REC-2026-010, a corrective action still open past its due date of 2026-11-30.",
        "U016: REC-2025-008, a fire-drill record whose 1-year retention ended on 2026-01-16, due for disposal.",
    ]
    _say(f"The check shows {len(summary.self_approvals) + 6} warnings, all on purpose:")
    for line in on_purpose:
        _say(f"  - {line}")
    _say("As time goes on, more reviews, actions and disposals come due, as in the office.")


@app.command(cls=_Command)
def build(
    ctx: typer.Context,
    site_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--site-dir", "-d", metavar="DIR", help="Where to write the site (default site/)."),
    ] = None,
    audit: Annotated[bool, typer.Option("--audit", help="Also publish obsolete documents, under an OBSOLETE banner.")] = False,
    public: Annotated[bool, typer.Option("--public", help="Only documents and records classified public: for a site "
                                         "anyone can read, such as GitHub or GitLab Pages.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)] = None,  # noqa: UP045
    force: Annotated[bool, typer.Option("--force", help="Publish even while qms check has errors that affect the site "
                                        "(they are listed); unpublished documents and includes still stay out.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail, and keep the old site, when MkDocs warns "
                                         "(a link to a file it does not publish, for example).")] = False,
) -> None:
    """Publish the controlled document set as a website (mkdocs build with the qms plugin).

    Only committed content is published: each document's revision in force on
    the day, as git holds it. Build daily to keep the site current.

    Documents are classified internal unless their front-matter says
    classification: public, and a plain build publishes internal ones too: it
    is for a site only staff can reach. Build a site on the open internet with
    --public. MkDocs' warnings are shown; --strict fails on any.

    Refuses, exit code 1, while qms check has errors that affect what would
    be published; --force publishes anyway and lists them.

    Examples:

        qms build

        qms build --public --site-dir public

        qms build --audit --site-dir audit-site

        qms build --as-of 2026-12-15 --site-dir site-from-15-december

        qms build --strict
    """
    from qms.commands.build import build_site
    from qms.commands.build_gate import UNBUILDABLE, publishing_errors
    from qms.errors import ConfigError
    from qms.load.config import find_root
    from qms.report.findings import render_text

    root = find_root(ctx.obj)
    blocking = publishing_errors(_workspace(ctx), audit)
    if blocking.errors and not force:
        render_text(blocking, _console())
        _say("qms build published nothing: qms check has errors that affect the site (above). Fix them, or publish "
             "anyway with: qms build --force (restricted, draft and other unpublished documents still stay out)")
        raise typer.Exit(1)
    unreadable = [f for f in blocking.findings if f.code in UNBUILDABLE]
    if unreadable:  # MkDocs would stop on them, or recurse until Python gives up: say where, and build nothing
        for f in unreadable:
            _warn(f"  {f.path}{f':{f.line}' if f.line else ''}: {f.code} {f.message}")
        raise ConfigError("MkDocs cannot read its settings (above), so qms build cannot run, not even with "
                          "--force; fix the INHERIT chain of mkdocs.yml, then build again")
    if blocking.errors:
        _warn(f"qms build --force: publishing despite {blocking.errors} error{'s' if blocking.errors != 1 else ''} "
              "of qms check that affect the site; skipped:")
        for f in blocking.findings:
            _warn(f"  {f.path}{f':{f.line}' if f.line else ''}: {f.code} {f.message}")
    site = build_site(root, site_dir, audit, public, _as_of(as_of), strict=strict, on_warning=_mkdocs_warning)
    _say(f"Built the {'public ' if public else ''}site in {site}"
         f"{': documents classified public only' if public else ''}.")
    _say(f"Open its index.html in a browser, or preview it, drafts included, with: cd {root} && qms serve")


@app.command(cls=_Command)
def serve(
    ctx: typer.Context,
    dev_addr: Annotated[str, typer.Option("--dev-addr", "-a", metavar="IP:PORT", help="Where to serve.")] = "127.0.0.1:8000",
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)] = None,  # noqa: UP045
) -> None:
    """Preview the site, drafts and documents in review included (under a DRAFT banner).

    The preview is rebuilt when a document, a record, qms.yml, the roles or
    the people change, and after every commit (the revision tables come from
    git). Stop it with Ctrl-C.
    The preview also shows your uncommitted changes, under the DRAFT banner;
    `qms build` publishes only what is committed.

    Examples:

        qms serve

        qms serve --dev-addr 127.0.0.1:8001
    """
    from qms.commands.build import mkdocs_command
    from qms.load.config import find_root

    root = find_root(ctx.obj)
    argv, env = mkdocs_command(root, "serve", "--dev-addr", dev_addr, as_of=_as_of(as_of))
    # Become the server, so that stopping `qms serve` (Ctrl-C, or a signal from a supervisor) stops MkDocs too.
    os.chdir(root)
    os.execve(argv[0], argv, env)


@app.command(cls=_Command)
def rules(
    output_format: Annotated[ListFormat, typer.Option("--format", "-f", help="text or json.")] = ListFormat.text,
) -> None:
    """List every rule code `qms check` reports, with its severity.

    Example:

        qms rules
    """
    from rich.table import Table

    from qms.report.console import print_table
    from qms.rules.catalogue import RULES

    if output_format is ListFormat.json:

        rows = [{"code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary} for r in RULES.values()]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(box=None)
    for column in ("code", "name", "severity"):
        table.add_column(column, no_wrap=True)
    table.add_column("what it checks")
    for info in RULES.values():
        table.add_row(info.code, info.name, info.severity, escape(info.summary))
    print_table(_console(), table)


@app.command(cls=_Command)
def pdf(
    ctx: typer.Context,
    ids: Annotated[Optional[list[str]], typer.Argument(metavar="[ID...]", help="The documents to print.")] = None,  # noqa: UP045
    every: Annotated[bool, typer.Option("--all", help="Every published document: effective and not restricted.")] = False,
    output_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output-dir", "-o", metavar="DIR", help="Where to write (default: controlled-copies/ at the root)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a different file already at a copy's name.")] = False,
    draft: Annotated[bool, typer.Option("--draft", help="Allow a draft or in-review document, marked DRAFT.")] = False,
    copy_number: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--copy-number", metavar="N", min=1, help="The distribution number printed on each page."),
    ] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)] = None,  # noqa: UP045
) -> None:
    """Print controlled copies as PDF: ID_revREV.pdf with approvals, revision table and page headers.

    A document estimated at more pages than limits.pdf_pages in qms.yml (300) is not printed: the others are,
    and the command exits 1.

    Examples:

        qms pdf QP-02

        qms pdf --all --output-dir /tmp/copies

        qms pdf QP-02 --copy-number 3

        qms pdf WI-04-03 --draft
    """
    from qms.commands.pdf import make_pdfs

    refused = 0
    for item in make_pdfs(_workspace(ctx), ids or [], every, output_dir, force, draft, _as_of(as_of),
                          copy_number=copy_number):
        if item.state == "refused":
            refused += 1
            _warn(f"Not printed: {item.document} revision {item.revision}, {item.reason}")
        else:
            _say(f"{item.state.capitalize()} {item.path} ({item.document} revision {item.revision})")
    if refused:
        raise typer.Exit(1)


@app.command(cls=_Command)
def init(
    target: Annotated[Path, typer.Argument(metavar="DIR", help="A new or empty folder (default: here).")] = Path("."),
    example: Annotated[bool, typer.Option("--example", help="Copy the sample government office instead of the blank set.")] = False,
    blank: Annotated[bool, typer.Option("--blank", help="The minimal ISO 9001:2015 set (the default).")] = False,
    lang: Annotated[str, typer.Option("--lang", metavar="LANG", help="en or zh: the language of the documents and the site.")] = "en",
    organisation: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--organisation", metavar="NAME",
                     help="The organisation's name, kept in qms.yml (default: made from DIR's name)."),
    ] = None,
) -> None:
    """Start a QMS repository: documents, roles, templates, CI files, and a first commit under your git name.

    Refuses a folder that already holds a QMS, and never writes over a file.

    Examples:

        qms init my-qms

        qms init my-qms --lang zh --organisation "某市人民政府办公室"

        qms init demo-office --example
    """
    from qms.commands.scaffold import init_repository

    if example and blank:
        raise UsageError("choose --example or --blank, not both")
    result = init_repository(target, example, lang, organisation)
    what = "the example office" if result.example else f"the blank ISO 9001:2015 set ({result.language})"
    _say(f"Started a QMS in {result.root} from {what}: {len(result.written)} files, "
          f"first commit {result.commit[:7]} by {result.author}.")
    for rel in result.kept:
        _say(f"Kept your own {rel} as it is.")
    if result.organisation_from_folder:
        _say(f'The organisation\'s name, "{result.organisation}", was made from the folder\'s name (no --organisation). '
             "It is written once, in qms.yml: change organisation: there, and the site, controlled copies and "
             "exports follow.")
    _say(f"Next: cd {result.root} && qms check, then qms new procedure --title \"...\" to add a document. "
          "Add the people who approve to manual/people.yml; push to GitHub or GitLab and the CI files check every change.")


@app.command(cls=_Command)
def new(
    ctx: typer.Context,
    doc_type: Annotated[str, typer.Argument(metavar="TYPE", help="procedure, work-instruction, form, manual, external or record.")],
    title: Annotated[str, typer.Option("--title", "-t", help="The title of the new document.")],
    parent: Annotated[Optional[str], typer.Option("--parent", metavar="ID", help="The procedure it belongs to.")] = None,  # noqa: UP045
    kind: Annotated[Optional[str], typer.Option("--kind", help="A record's kind, e.g. nonconformity.")] = None,  # noqa: UP045
    procedure: Annotated[
        Optional[str], typer.Option("--procedure", metavar="ID", help="The procedure a record is evidence for.")  # noqa: UP045
    ] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="ROLE", help="The owner role (default from qms.yml).")] = None,  # noqa: UP045
    approver: Annotated[
        Optional[list[str]], typer.Option("--approver", metavar="ROLE", help="An approver role (repeat; default from qms.yml).")  # noqa: UP045
    ] = None,
    doc_id: Annotated[Optional[str], typer.Option("--id", metavar="ID", help="Use this id instead of the next free one.")] = None,  # noqa: UP045
) -> None:
    """Add a document or record from a template, with the next free id, where its type lives.

    Examples:

        qms new procedure --title "Complaints Handling"

        qms new work-instruction --parent QP-07 --title "Restoring a Backup"

        qms new record --kind nonconformity --procedure QP-11 --title "Late reply to a department"
    """
    from qms.commands.scaffold import new_document

    result = new_document(_workspace(ctx), doc_type, title, parent, kind, procedure, owner, approver, doc_id)
    _say(f"Created {result.path} ({result.id}).")
    print("Next:")
    for number, step in enumerate(result.next_steps, 1):
        _say(f"  {number}. {step}")


@app.command(name="import", cls=_Command)
def import_word_file(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(metavar="FILE.docx", help="The Word file to import.")],
    doc_type: Annotated[
        Optional[str], typer.Option("--type", metavar="TYPE", help="procedure, work-instruction, form, manual or external "  # noqa: UP045
                                    "(default: the type whose ids fit the id in the file).")
    ] = None,
    doc_id: Annotated[
        Optional[str], typer.Option("--id", metavar="ID", help="The id (default: the file's own, else the next free one).")  # noqa: UP045
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", "-t", help="The title (default: the file's).")] = None,  # noqa: UP045
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="ROLE", help="The owner role (default from qms.yml).")] = None,  # noqa: UP045
    approver: Annotated[
        Optional[list[str]], typer.Option("--approver", metavar="ROLE", help="An approver role (repeat; default from qms.yml).")  # noqa: UP045
    ] = None,
    plan: Annotated[bool, typer.Option("--plan", help="Print what would be written, and write nothing.")] = False,
) -> None:
    """Import a Word file as a new draft document: its text as Markdown, its pictures beside it.

    Headings, numbered and nested lists, tables, bold and italics, footnotes and
    pictures are converted. What cannot be converted faithfully (tracked
    changes, text boxes, fields, comments, merged table cells) is listed.
    Never writes over a file.

    Examples:

        qms import "QP-03 Risk Management.docx" --plan

        qms import "SOP-003 Risk Management.docx" --type procedure

        qms import manual.docx --type manual --id QM-02
    """
    from qms.commands.word_import import import_word

    result = import_word(_workspace(ctx), source, doc_type, doc_id, title, owner, approver, plan)
    verb = "Created" if result.written else "Would create"
    _say(f"{verb} {result.path} ({result.id}, {result.type}: {result.title}) from {result.source}.")
    for path, picture in result.pictures:
        _say(f"{verb} {path} ({len(picture.data)} bytes).")
    for note in result.notes:
        _say(f"Note: {note}.")
    if result.revision_table is not None:
        rows = result.revision_table.rows
        _say(f"Revision table found ({len(rows)} rows), kept in the body as it was:")
        for row in rows:
            _say(f"  {row.revision or '-'}  {row.date or '-'}  {row.change or '-'}  {row.approved_by or '-'}")
    if result.warnings:
        _say("Not converted faithfully; check these against the Word file:")
        for warning in result.warnings:
            _say(f"  - {warning.what}: {warning.hint}")
    if not result.written:
        print("The new document would read:")
        print(visible(result.text.rstrip("\n"), keep="\n"))
        print("Nothing was written (--plan).")
        return
    print("Next:")
    for number, step in enumerate(result.next_steps, 1):
        _say(f"  {number}. {step}")


@app.command(cls=_Command)
def adopt(
    ctx: typer.Context,
    plan: Annotated[bool, typer.Option("--plan", help="Print the plan and change nothing (the default).")] = False,
    apply: Annotated[bool, typer.Option("--apply", help="Write the front-matter, qms.yml, roles and people.")] = False,
    organisation: Annotated[
        Optional[str], typer.Option("--organisation", metavar="NAME", help="The organisation's name (asked for, never "  # noqa: UP045
                                    "taken from the folder's name).")
    ] = None,
    language: Annotated[str, typer.Option("--lang", help="en or zh: the language of the QMS and its site.")] = "en",
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="ROLE", help="The owner role of every document "  # noqa: UP045
                                                 "(default quality-manager).")] = None,
    approver: Annotated[
        Optional[list[str]], typer.Option("--approver", metavar="ROLE", help="An approver role (repeat; default "  # noqa: UP045
                                          "top-management).")
    ] = None,
    rename: Annotated[bool, typer.Option("--rename", help="Rename foreign front-matter keys and status words in the "
                                         "files, instead of mapping them in qms.yml.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="With --apply: commit the adoption under your git identity.")] = False,
    tag: Annotated[
        Optional[str], typer.Option("--tag", metavar="NAME", help="With --commit: tag the adoption commit and write "  # noqa: UP045
                                    "baseline: NAME in qms.yml.")
    ] = None,
    output_format: Annotated[ListFormat, typer.Option("--format", help="text or json (the plan).")] = ListFormat.text,
) -> None:
    """Adopt an existing document set (Markdown in git, or Word files) as a QMS, without a starter set.

    Finds the documents, proposes types and id patterns from the ids it sees
    (SOP-001, POL-..., WI-...), maps foreign front-matter (documentId,
    status: approved), drafts the roles from the text and the people from the
    git authors, and says what is unclear. --plan changes nothing. --apply
    keeps each body byte for byte, writes qms.yml, manual/roles.yml and
    manual/people.yml where absent, and never writes over a file with
    uncommitted changes. Who holds which role is never guessed: fill in
    manual/people.yml, then commit with --commit --tag.

    Examples:

        qms adopt --plan --organisation "Acme Medical"

        qms adopt --plan --format json

        qms adopt --apply --organisation "Acme Medical"

        qms adopt --apply --commit --tag qms-baseline
    """
    from qms.adoption.plan import plan_adoption
    from qms.report.adoption import plan_json_text, plan_text

    if plan and apply:
        raise UsageError("choose --plan or --apply, not both")
    if (commit or tag) and not apply:
        raise UsageError("--commit and --tag go with --apply")
    if language not in ("en", "zh"):
        raise UsageError(f"--lang {language}: give en or zh")
    found = plan_adoption(ctx.obj, organisation, language, owner, approver, rename)
    if apply and not found.organisation and sys.stdin.isatty():
        found.organisation = typer.prompt("The organisation's name").strip() or None
    if not apply:
        print(plan_json_text(found) if output_format == ListFormat.json else visible(plan_text(found), keep="\n"))
        if output_format == ListFormat.text:
            print("Nothing was written (--plan); qms adopt --apply writes it.")
        return
    from qms.commands.adopt import apply_plan

    result = apply_plan(found, commit, tag)
    if output_format == ListFormat.json:
        print(json.dumps({"written": result.written, "kept": result.kept, "commit": result.commit, "tag": result.tag}))
        return
    count = len(result.written)
    _say(f"Wrote {count} file{'' if count == 1 else 's'}" + (f"; kept {', '.join(result.kept)} as they were." if result.kept
                                                              else "."))
    for rel in result.written:
        _say(f"  {rel}")
    if result.commit:
        _say(f"Committed the adoption as {result.commit[:7]} by {result.author}"
             + (f", tagged {result.tag} (baseline: {result.tag} in qms.yml)." if result.tag else "."))
        _say("Next: qms check --history.")
        return
    _say("Nothing was committed. Next: fill in each person's roles in manual/people.yml, run qms check, then "
         "qms adopt --apply --commit --tag qms-baseline.")


class RegisterFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command(cls=_Command)
def codeowners(
    ctx: typer.Context,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", metavar="PATH", help="Where to write it (default .github/CODEOWNERS)."),
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Only compare: exit 1 when the file is missing or out of date.")
    ] = False,
) -> None:
    """Write CODEOWNERS: each document is owned by the handles of the people who hold its approver roles.

    Handles come from the people roster (handle: "@name"). Refuses to replace
    a CODEOWNERS written by hand.

    Examples:

        qms codeowners

        qms codeowners --output CODEOWNERS

        qms codeowners --check
    """
    from qms.commands.codeowners import codeowners as codeowners_file

    workspace = _workspace(ctx)
    outcome = codeowners_file(workspace, output, check_only)
    if not outcome.owned:
        Console(stderr=True, highlight=False).print(escape(visible(
            f"qms: error: no approver has a handle, so {outcome.path} would own nothing and was not written: "
            f'add handle: "@name" to the approvers in {workspace.config.people_file}, then run qms codeowners again')),
            soft_wrap=True)
        raise typer.Exit(1)
    if check_only:
        state = "up to date" if not outcome.changed else "out of date" if outcome.existed else "missing"
        _say(f"{outcome.path} is {state}{': run qms codeowners' if outcome.changed else ''}.")
        raise typer.Exit(1 if outcome.changed else 0)
    _say(f"{'Wrote' if outcome.changed else 'Kept (already up to date)'} {outcome.path}.")


@app.command(cls=_Command)
def register(
    ctx: typer.Context,
    records: Annotated[bool, typer.Option("--records", help="The records register instead of the document list.")] = False,
    output_format: Annotated[
        RegisterFormat, typer.Option("--format", "-f", help="table for people, csv for spreadsheets, json for tools.")
    ] = RegisterFormat.table,
    audit: Annotated[bool, typer.Option("--audit", help="Also list obsolete documents.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)] = None,  # noqa: UP045
) -> None:
    """Print the master document register (what is in force), or with --records the records register.

    The same rows as the published site's registers.

    Examples:

        qms register

        qms register --format csv > register.csv

        qms register --records --format json
    """
    from qms.publish.register import register as register_rows
    from qms.report.register import print_table as print_register
    from qms.report.register import to_csv as register_csv
    from qms.report.register import to_json as register_json

    columns, rows = register_rows(_workspace(ctx), records, audit, _as_of(as_of))
    if output_format is RegisterFormat.csv:
        sys.stdout.write(register_csv(columns, rows))
    elif output_format is RegisterFormat.json:
        sys.stdout.write(register_json(columns, rows) + "\n")
    else:
        print_register(columns, rows, _console())


class CoverageFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@app.command(cls=_Command)
def coverage(
    ctx: typer.Context,
    standard: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--standard", "-s", help="One declared standard, by key (iso13485) or name."),
    ] = None,
    output_format: Annotated[
        CoverageFormat,
        typer.Option("--format", "-f", help="text for people, json for tools, csv for spreadsheets, markdown for reports."),
    ] = CoverageFormat.text,
) -> None:
    """Show every clause of each standard the QMS declares, with the effective documents that address it.

    A document addresses the clauses it names under clauses: and their subclauses. Clauses
    qms.yml excludes are shown with the reason; `qms check` warns of the others no effective
    document addresses (D007).

    Examples:

        qms coverage

        qms coverage --standard iso13485 --format csv > coverage.csv
    """
    from qms.errors import UsageError
    from qms.publish.coverage import coverage as clause_coverage
    from qms.report import coverage as render

    workspace = _workspace(ctx)
    config = workspace.config
    if standard is not None and config.standard(standard) is None:
        declared = ", ".join(f"{c.key} ({c.standard})" for c in config.standards)
        raise UsageError(f"--standard {standard}: not a standard this QMS declares (declared: {declared})")
    docs = workspace.documents
    standards = clause_coverage(docs, config, standard)
    if output_format is CoverageFormat.json:
        sys.stdout.write(render.to_json(standards) + "\n")
    elif output_format is CoverageFormat.csv:
        sys.stdout.write(render.to_csv(standards))
    elif output_format is CoverageFormat.markdown:
        sys.stdout.write(render.to_markdown(standards, docs.by_id(), config.language))
    else:
        sys.stdout.write(render.to_text(standards))


class ObjectivesFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@app.command(cls=_Command)
def objectives(
    ctx: typer.Context,
    period: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--period", "-p", metavar="PERIOD",
                     help="A month (2026-11), quarter (2026Q3), half-year (2026H1) or year (2026); this year by default."),
    ] = None,
    output_format: Annotated[
        ObjectivesFormat,
        typer.Option("--format", "-f", help="text for people, json for tools, csv for spreadsheets, markdown for reports."),
    ] = ObjectivesFormat.text,
    fail_on_miss: Annotated[
        bool, typer.Option("--fail-on-miss", help="Exit 1 when a target is missed or an objective cannot be computed."),
    ] = False,
) -> None:
    """Compute the quality objectives from the records: value, target, met or not, the change on the previous
    period and on the baseline, and the records each value comes from.

    Each objective is shown for every period of its own length inside PERIOD, then for PERIOD as a whole.
    A period without records is "no data", never 0%.

    Examples:

        qms objectives --period 2026

        qms objectives --period 2026-11 --format json

        qms objectives --period 2026H1 --format csv > objectives.csv
    """

    from qms.publish.periods import parse_period, period_of
    from qms.publish.results import Results
    from qms.report import objectives as render

    asked = parse_period(period) if period is not None else period_of(current_day(), "year")
    if asked is None:
        raise UsageError(f"--period {period}: write a month (2026-11), a quarter (2026Q3), a half-year (2026H1) "
                         "or a year (2026)")
    results_of = Results(_workspace(ctx), validate_tables=False)
    results = results_of.results(asked)
    findings = sorted([*results_of.table_findings, *results_of.objectives.findings,
                       *results_of.result_findings(results)], key=lambda f: f.sort_key())
    for finding in findings:
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        sys.stderr.write(visible(f"{where}: {finding.severity} {finding.code} {finding.full_message}") + "\n")
    if output_format is ObjectivesFormat.json:
        sys.stdout.write(render.to_json(results) + "\n")
    elif output_format is ObjectivesFormat.csv:
        sys.stdout.write(render.to_csv(results))
    elif output_format is ObjectivesFormat.markdown:
        sys.stdout.write(render.to_markdown(results))
    else:
        sys.stdout.write(render.to_text(results))
    if fail_on_miss and (any(r.met is False for r in results) or any(f.severity == "error" for f in findings)):
        raise typer.Exit(1)


class ScorecardFormat(str, Enum):
    text = "text"
    json = "json"


@app.command(cls=_Command)
def scorecard(
    ctx: typer.Context,
    month: Annotated[Optional[str], typer.Option("--month", metavar="YYYY-MM", help="One month: 2026-11.")] = None,  # noqa: UP045
    half: Annotated[Optional[str], typer.Option("--half", metavar="YYYYH1", help="A half-year: 2026H1.")] = None,  # noqa: UP045
    year: Annotated[Optional[str], typer.Option("--year", metavar="YYYY", help="A year: 2026.")] = None,  # noqa: UP045
    output_format: Annotated[
        ScorecardFormat, typer.Option("--format", "-f", help="text for people, json for tools.")
    ] = ScorecardFormat.text,
) -> None:
    """Print the accountability roll-up: the points of nonconformity records, charged to the person responsible
    and up the reporting line (1, 0.5, 0.25, ... or scorecard: weights: in qms.yml), per person and per section.

    RESTRICTED: this is personal performance data. It is printed only here, never on the site, in the export or
    in the search index. A person whose superior is not one person (two lines, a role several people hold) is a
    finding (M007), and nobody above them is charged; the command then exits 1.

    Examples:

        qms scorecard --month 2026-11

        qms scorecard --half 2026H1 --format json
    """
    from qms.publish.periods import parse_period
    from qms.publish.scorecard import scorecard as roll_up
    from qms.report import scorecard as render

    given = [(name, value) for name, value in (("--month", month), ("--half", half), ("--year", year)) if value]
    if len(given) != 1:
        raise UsageError("give one of --month 2026-11, --half 2026H1 or --year 2026")
    option, text = given[0]
    period = parse_period(text)
    grain = {"--month": "month", "--half": "half-year", "--year": "year"}[option]
    if period is None or period.grain != grain:
        raise UsageError(f"{option} {text}: write " + {"--month": "a month such as 2026-11",
                                                         "--half": "a half-year such as 2026H1",
                                                         "--year": "a year such as 2026"}[option])
    workspace = _workspace(ctx)
    docs = workspace.documents
    settings = workspace.config.source.data.get("scorecard") if workspace.config.source else None
    card = roll_up((d for d in docs.documents if d.is_record), docs.people, docs.roles, period, settings)
    for finding in card.findings:
        sys.stderr.write(visible(f"{finding.path}:{finding.line}: {finding.severity} {finding.code} "
                                 f"{finding.full_message}") + "\n")
    if output_format is ScorecardFormat.json:
        sys.stdout.write(render.to_json(card) + "\n")
    else:
        sys.stdout.write(render.to_text(card, {p.id: p.name for p in docs.people}))
    if card.findings:
        raise typer.Exit(1)


@app.command(name="review-pack", cls=_Command)
def review_pack(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", "-p", metavar="PERIOD",
                                        help="The period reviewed: 2026H1, 2026, 2026Q3 or 2026-11.")],
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", metavar="FILE",
                     help="Write the pack to a new file: Markdown, or the PDF with --pdf (never overwritten)."),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Write the pack as a PDF (default: controlled-copies/"
                                                    "management-review-input-PERIOD.pdf).")] = False,
    save: Annotated[bool, typer.Option("--save", help="Save the pack as a new, open management-review record "
                                                      "(the next free id), to be completed at the meeting.")] = False,
    procedure: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--procedure", metavar="ID", help="With --save: the procedure the record is evidence for "
                                                       "(default: that of the last management-review record)."),
    ] = None,
) -> None:
    """Write the management review input (ISO 9001 9.3.2): Markdown, a PDF, or a draft management-review record.

    It is computed from the repository: actions from earlier reviews, changes
    to documents, objectives met and missed, satisfaction, nonconformities and
    corrective actions, audits, monitoring results and external providers,
    each figure linked to its evidence, with a marked blank for what only
    management can judge.

    Examples:

        qms review-pack --period 2026H1

        qms review-pack --period 2026 --output review-2026.md

        qms review-pack --period 2026H1 --pdf

        qms review-pack --period 2026H1 --save
    """
    from qms.commands import reviewpack as packs

    asked = packs.period_of(period)
    if procedure is not None and not save:
        raise UsageError("--procedure names the procedure of the record --save writes; give --save too")
    if save and output is not None and not pdf:
        raise UsageError("--save writes the record where qms new would, with the next free id; leave out --output "
                         "(or give --pdf, and --output names the PDF)")
    if output is not None and output.exists() and not pdf:
        raise UsageError(f"--output {output}: the file exists; name a new file (the pack never overwrites one)")
    workspace = _workspace(ctx)
    if pdf:
        packs.ready_for_pdf()
    pack = packs.Pack(workspace, asked)
    for finding in pack.findings:  # what may make a figure wrong or missing, before the figures
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        sys.stderr.write(visible(f"{where}: {finding.severity} {finding.code} {finding.full_message}") + "\n")
    if save:
        saved = packs.save_record(pack, procedure)
        _say(f"Created {saved.path} ({saved.id}), a draft management-review record for {asked.label}, evidence "
             f"for {saved.procedure}, with {saved.blanks} blanks for management to complete.")
        print("Next:")
        for number, step in enumerate(saved.next_steps, 1):
            _say(f"  {number}. {step}")
        for other in saved.same_period:
            _say(f"Note: {other} is already a management-review record of {asked.label}; if this one was made by "
                 f"mistake, delete {saved.path} before you commit it.")
    if pdf:
        written = packs.write_pdf(pack, output or packs.default_pdf(workspace, asked))
        _say(f"{written.state.capitalize()} {written.path} (the management review input for {asked.label}, PDF).")
    elif output is not None:
        packs.write_markdown(pack, output)
        _say(f"Wrote the management review input for {asked.label} to {output}.")
    elif not save:
        sys.stdout.write(pack.markdown(workspace.root))


@app.command(name="export", cls=_Command)
def export_markdown(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(metavar="DIR", help="A new or empty folder.")],
    audit: Annotated[bool, typer.Option("--audit", help="Also export obsolete documents, under an OBSOLETE banner.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)] = None,  # noqa: UP045
) -> None:
    """Export the published set as plain Markdown, headers and revision tables rendered in, for any site generator.

    Writes the same documents as qms build, with their front-matter, the
    registers and the roles matrix. Never writes into a folder that holds files.

    Examples:

        qms export /tmp/qms-markdown

        qms export audit-copy --audit
    """
    from qms.commands.export import export as export_set

    summary = export_set(_workspace(ctx), target, audit, _as_of(as_of))
    _say(f"Exported {summary.documents} documents and {summary.records} records to {summary.path}.")


def main(argv: list[str] | None = None) -> int:
    err = Console(stderr=True, highlight=False)
    try:
        app(args=argv, prog_name="qms")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except QmsError as exc:
        # The message quotes titles, ids and paths as their authors wrote them: text, never Rich markup, and never
        # a control character the terminal would obey (a message's own line breaks are kept).
        message = escape(visible(str(exc), keep="\n"))
        err.print(f"[red]qms: error:[/red] {message}", markup=True, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("qms: interrupted")
        return 130
    except Exception:
        with tempfile.NamedTemporaryFile("w", prefix="qms-crash-", suffix=".log", delete=False) as log:
            log.write(traceback.format_exc())
        err.print(
            f"qms: an unexpected error occurred; this is a bug in qmskit. Details are in {log.name}",
            soft_wrap=True,
        )
        return 3
    return 0
