"""Render the revision record: one row per revision, for people (text) and tools (json)."""

from __future__ import annotations

import io
import json
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qms.history.model import NONE, READ, UNREADABLE, Approval, DocumentHistory, Identity, Revision, Version
from qms.report.console import print_table
from qms.text.safetext import json_text, visible

BEFORE_QMSKIT = "before qmskit"
LEGACY_STATUS = "approved on paper"
# How a version from before qmskit read (model.Version.front_matter): its front-matter was there but named
# no id qmskit reads, there was none, or it did not parse.
FRONT_MATTER = {READ: "no id", NONE: "no front-matter", UNREADABLE: "front-matter unreadable"}


def _identity(who: Identity) -> dict[str, Any]:
    return {"name": who.name, "email": who.email, "person": who.person}


def _approval(approval: Approval) -> dict[str, Any]:
    return {
        **_identity(approval.approver),
        "roles": approval.roles,
        "date": approval.date,
        "meaning": approval.meaning,
        "commit": approval.commit.sha,
        "signature": approval.signature,
        "valid": approval.valid,
        "problem": approval.problem,
    }


def _commit(version: Version) -> dict[str, Any]:
    commit = version.commit
    return {"commit": commit.sha, "author": commit.author_name, "email": commit.author_email,
            "date": commit.author_date}


def write_json(documents: list[DocumentHistory], out: TextIO) -> None:
    """One revision per line, written as it is encoded: the rows of 50,000 records are never all in memory.

    Each row holds id, title, path, revision, status, effective, change, authors, approvals,
    approved_before_adoption, commits, first_commit and last_commit, and its kind: "revision", "before qmskit"
    (a version of the file before it carried this id: its front_matter says why; no revision, no approval) or
    "legacy" (a revision approved on paper, from `legacy_revisions:`: author and approved_by as written, no
    commits). A commit that files a week's records appears in each of their rows, and a few dozen people write
    them all: each is encoded once.
    """
    encode = json.JSONEncoder(ensure_ascii=False).encode

    def dumps(value: object) -> str:
        return json_text(encode(value))

    commits: dict[str, str] = {}
    people: dict[int, str] = {}

    def commit_json(version: Version) -> str:
        text = commits.get(version.commit.sha)
        if text is None:
            text = commits[version.commit.sha] = dumps(_commit(version))
        return text

    def person_json(who: Identity) -> str:
        text = people.get(id(who))
        if text is None:
            text = people[id(who)] = dumps(_identity(who))
        return text

    rows: list[str] = []
    opened = False
    for doc in documents:
        title = doc.title
        rows += (dumps({"id": doc.id, "title": title, "path": doc.path, "kind": "legacy", "revision": legacy.revision,
                        "status": LEGACY_STATUS, "effective": legacy.date or None, "change": legacy.change or None,
                        "authors": [], "author": legacy.author or None, "approved_by": legacy.approved_by or None,
                        "approvals": [], "reviews": [], "approved_before_adoption": False, "commits": []})
                 for legacy in doc.legacy)
        for version in doc.prehistory:
            head = dumps({"id": doc.id, "title": title, "path": version.path, "kind": "before qmskit",
                          "revision": None, "status": None, "effective": None, "change": None,
                          "front_matter": FRONT_MATTER[version.front_matter]})
            author = person_json(version.author) if version.author is not None else ""
            rows.append(f'{head[:-1]}, "authors": [{author}], "approvals": [], "reviews": [], '
                        f'"approved_before_adoption": false, "commits": [{commit_json(version)}], '
                        f'"first_commit": "{version.commit.sha}", "last_commit": "{version.commit.sha}"}}')
        for rev in doc.revisions:
            head = dumps({"id": doc.id, "title": title, "path": rev.last.path, "kind": "revision",
                          "revision": rev.revision, "status": rev.status, "effective": rev.effective,
                          "change": rev.change, **({"front_matter": _unread(rev.last)} if _unread(rev.last) else {})})
            rows.append(f'{head[:-1]}, "authors": [{", ".join(map(person_json, rev.authors))}], '
                        f'"approvals": {dumps([_approval(a) for a in rev.approvals])}, '
                        f'"reviews": {dumps([_approval(a) for a in rev.reviews])}, '
                        f'"periodic_reviews": {dumps([_approval(a) for a in rev.periodic_reviews])}, '
                        f'"acknowledgements": {dumps([_approval(a) for a in rev.acknowledgements])}, '
                        f'"approved_before_adoption": {"true" if rev.before_adoption else "false"}, '
                        f'"commits": [{", ".join(map(commit_json, rev.versions))}], '
                        f'"first_commit": "{rev.versions[0].commit.sha}", "last_commit": "{rev.last.commit.sha}"}}')
            if len(rows) >= 1_000:
                out.write((",\n" if opened else "[\n") + ",\n".join(rows))
                rows, opened = [], True
    if rows:
        out.write((",\n" if opened else "[\n") + ",\n".join(rows))
        opened = True
    out.write("\n]\n" if opened else "[]\n")


def render_json(documents: list[DocumentHistory], out: TextIO | None = None) -> str:
    """The JSON report, without the final newline; with `out`, written there as it is encoded
    (`write_json`, newline included) and "" returned."""
    if out is not None:
        write_json(documents, out)
        return ""
    buffer = io.StringIO()
    write_json(documents, buffer)
    return buffer.getvalue()[:-1]


def _unread(version: Version) -> str:
    """Why a version has no front-matter to show ("" when it has): never a blank an auditor reads as a status."""
    return FRONT_MATTER[version.front_matter] if version.data is None and not version.deleted else ""


def _approvals_text(revision: Revision) -> str:
    if not (revision.approvals or revision.reviews):
        approved = "approved before adoption" if revision.before_adoption else "-"
        return "\n".join([approved, *_periodic_text(revision)])
    parts = []
    for approval in (*revision.reviews, *revision.approvals):
        mark = "" if approval.valid else " [refused]"
        signed = " (signed)" if approval.signature == "verified" else ""
        roles = ", ".join(approval.roles) or f"no {'reviewer' if approval.meaning == 'reviewed' else 'approver'} role"
        reviewed = ", reviewed" if approval.meaning == "reviewed" else ""
        parts.append(f"{approval.approver.name}, {roles}, {approval.date}{reviewed}{signed}{mark}")
    return "\n".join([*parts, *_periodic_text(revision)])


def _periodic_text(revision: Revision) -> list[str]:
    """The periodic reviews of a revision in force, beside its approvals: each confirms it unchanged."""
    lines = []
    for review in revision.periodic_reviews:
        mark = "" if review.valid else " [refused]"
        signed = " (signed)" if review.signature == "verified" else ""
        roles = ", ".join(review.roles) or "no owner or approver role"
        lines.append(f"{review.approver.name}, {roles}, {review.date}, periodic review{signed}{mark}")
    return lines


def render_text(documents: list[DocumentHistory], console: Console) -> None:
    for doc in documents:
        # Ids, titles and names are the authors' text: never Rich markup, and never a terminal's control characters.
        console.print(f"[bold]{escape(visible(doc.id))}[/bold]  {escape(visible(doc.title))}  "
                      f"[dim]{escape(visible(doc.path))}[/dim]", highlight=False, soft_wrap=True)
        table = Table(box=None)
        for column in ("rev", "status", "effective"):  # ids and dates are one word each: never folded
            table.add_column(column, no_wrap=True)
        for column in ("change", "authors", "approvals"):
            table.add_column(column)
        table.add_column("commits", no_wrap=True)
        for legacy in doc.legacy:
            cells = (legacy.revision, LEGACY_STATUS, legacy.date, legacy.change, legacy.author,
                     f"{legacy.approved_by} (on paper)" if legacy.approved_by else "on paper", "")
            table.add_row(*(escape(visible(cell, keep="\n")) for cell in cells))
        for version in doc.prehistory:
            # Not a revision, so no status, no approval and nothing judged: who changed the text, and when.
            # Its date is when the text changed, not an effective date: said in the change column, with the name
            # the file had then.
            cells = (BEFORE_QMSKIT, FRONT_MATTER[version.front_matter], "",
                     f"changed {version.commit.author_date[:10]} as {version.path}",
                     version.author.name if version.author else version.commit.author_name, "",
                     version.commit.short)
            table.add_row(*(escape(visible(cell, keep="\n")) for cell in cells), style="dim")
        for revision in doc.revisions:
            first, last = revision.versions[0].commit.short, revision.last.commit.short
            cells = (
                revision.revision,
                revision.status or _unread(revision.last),
                revision.effective or "",
                revision.change or "",
                "\n".join(a.name for a in revision.authors),
                _approvals_text(revision),
                first if first == last else f"{first}..{last}",
            )
            table.add_row(*(escape(visible(cell, keep="\n")) for cell in cells))  # a cell's lines are its own
        print_table(console, table)
        console.print()
