"""Compare today's history with a saved `qms history --format json` report (rule H011).

Git's hashes make a rewrite visible, but only to someone who remembers the old
ids. A saved report is that memory: every revision and every approval it lists
must still be in history with the same commit id, approver and date. A rebase,
an amend or a force-push under an approval is reported here, by name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.errors import UsageError
from qms.model import Finding
from qms.rules import SAVED_REPORT, Context, rule
from qms.rules.catalogue import RULES

if TYPE_CHECKING:
    from qms.history.model import History

CODE = "H011"


@rule(CODE, needs=SAVED_REPORT)
def rewritten_history(ctx: Context) -> Iterator[Finding]:
    assert ctx.saved is not None
    report, rows = ctx.saved
    return compare(ctx.workspace.history(), rows, report.name)


def load_report(path: Path) -> list[dict[str, Any]]:
    """The revision rows of a saved report, or a UsageError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--against {path}: cannot be read ({exc.strerror}); give the file "
                         "`qms history --format json` wrote") from None
    except UnicodeDecodeError:
        raise UsageError(f"--against {path}: is not UTF-8 text; give the file `qms history --format json` wrote") from None
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--against {path}:{exc.lineno}: is not valid JSON ({exc.msg}); "
                         "give the file `qms history --format json` wrote") from None
    if not isinstance(rows, list) or not all(_is_row(r) for r in rows):
        raise UsageError(f"--against {path}: is not a report of `qms history --format json` "
                         "(a list of revisions, each with id, revision, commits and approvals)")
    return rows


def _is_row(row: Any) -> bool:
    return (isinstance(row, dict) and isinstance(row.get("id"), str) and isinstance(row.get("revision"), str)
            and isinstance(row.get("commits"), list) and isinstance(row.get("approvals"), list)
            and all(isinstance(c, dict) and isinstance(c.get("commit"), str) for c in row["commits"])
            and all(isinstance(a, dict) and isinstance(a.get("commit"), str) for a in row["approvals"]))


def compare(history: History, rows: list[dict[str, Any]], report_name: str) -> Iterator[Finding]:
    """One H011 finding for each saved revision or approval that history no longer holds as it was."""
    severity = RULES[CODE].severity
    for row in rows:
        doc = history.documents.get(row["id"])
        label = f"{row['id']}@{row['revision']}"
        path = doc.path if doc else str(row.get("path") or "-")
        revision = next((r for r in doc.revisions if r.revision == row["revision"]), None) if doc else None
        if revision is None:
            yield Finding(path, None, CODE, severity,
                          f"{label}, recorded in {report_name}, is no longer in the history: "
                          "history was rewritten or the document removed")
            continue
        now = {v.commit.sha for v in revision.versions}
        gone = [c for c in row["commits"] if c["commit"] not in now]
        if gone:
            first = gone[0]
            yield Finding(path, None, CODE, severity,
                          f"{label}: {len(gone)} of its commits recorded in {report_name} are no longer in the "
                          f"history (first: {first['commit'][:7]} by {first.get('author', '?')}, "
                          f"{str(first.get('date', '?'))[:10]}); history was rewritten under this revision")
        current = {a.commit.sha for a in revision.approvals}
        for saved in row["approvals"]:
            who = f"{saved.get('name', '?')} <{saved.get('email', '?')}>"
            # Same commit id, same author and date: git's hash covers them.
            if saved["commit"] not in current:
                yield Finding(path, None, CODE, severity,
                              f"{label}: the approval by {who} on {saved.get('date', '?')} in commit "
                              f"{saved['commit'][:7]}, recorded in {report_name}, is no longer in the history")
