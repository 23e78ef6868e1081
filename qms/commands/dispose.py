"""`qms dispose ID`: remove a record whose retention has ended, under control.

The disposal is a commit by a holder of the record's owner role that deletes the record's file and
carries `Disposes: ID`. `qms check --history` accepts that deletion (H008 refuses any other), and git keeps
who disposed of what and when. Every check runs before the file is touched; if the commit fails, the
file is put back as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from qms.commands.approve import APPROVE_LOCK
from qms.errors import QmsError, UsageError
from qms.git.commit import HookRefusedError, commit
from qms.git.lock import repository_lock
from qms.git.repo import ensure_ready_to_commit, open_repo
from qms.git.runner import GitError, run_git
from qms.safewrite import write_atomically
from qms.supervise.records import disposal_day
from qms.workspace import Workspace

IDENT = re.compile(r"^(?P<name>.*) <(?P<email>[^>]*)> (?P<epoch>\d+) (?P<zone>[+-]\d{4})$", re.ASCII)


class DisposalRefusedError(QmsError):
    """The record may not be disposed of (yet, or by this person); nothing was written."""


@dataclass(frozen=True)
class Disposed:
    id: str
    path: str
    ended: date
    commit: str


def dispose(workspace: Workspace, record_id: str) -> Disposed:
    root = workspace.config.root
    doc = workspace.documents.by_id().get(record_id)
    if doc is None or not doc.is_record:
        what = "not the id of any record" if doc is None else f"a controlled document ({doc.path}): documents " \
            "are made obsolete, never removed"
        raise UsageError(f"{record_id} is {what}")
    with open_repo(root) as repo:
        ensure_ready_to_commit(repo)
    ident = IDENT.match(run_git(root, "var", "GIT_AUTHOR_IDENT").decode().strip())
    if ident is None:
        raise GitError("git does not know who you are; set user.name and user.email (git config)")
    who = workspace.roster.identify(ident["name"], ident["email"])
    person = workspace.roster.people.get(who.person or "")
    owner = str(doc.data.get("owner") or "")
    if person is None or owner not in person.roles:
        raise DisposalRefusedError(f"{record_id} is disposed of by a holder of its owner role ({owner}); "
                                   f"{who.label()} does not hold it")
    if doc.status != "closed":
        raise DisposalRefusedError(f"{record_id} is still open: close it before its retention can end")
    ended = disposal_day(doc)
    today = _author_day(ident)
    if ended is None or ended > today:
        kept = f"until {ended}" if ended else f"as its retention ({doc.data.get('retention')}) says"
        raise DisposalRefusedError(f"{record_id} is kept {kept}: it cannot be disposed of yet")
    if run_git(root, "status", "--porcelain", "--", doc.path).strip():
        raise DisposalRefusedError(f"{doc.path} has changes that are not committed: commit or restore them first")
    message = f"Dispose of {record_id}: its retention ({doc.data.get('retention')}) ended on {ended}\n\n" \
              f"Disposes: {record_id}\n"
    original = (root / doc.path).read_bytes()
    with repository_lock(root, APPROVE_LOCK):
        (root / doc.path).unlink()
        try:
            sha = commit(root, message, [doc.path])
        except (HookRefusedError, GitError) as exc:
            write_atomically(root / doc.path, original)
            raise DisposalRefusedError(f"the disposal commit failed, and {doc.path} was put back: {exc}") from None
    return Disposed(record_id, doc.path, ended, sha)


def _author_day(ident: re.Match[str]) -> date:
    """The day of the commit, as its author date will say (GIT_AUTHOR_DATE, or now), in its own zone."""
    zone = ident["zone"]
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * (-1 if zone[0] == "-" else 1)
    return datetime.fromtimestamp(int(ident["epoch"]), timezone(offset)).date()
