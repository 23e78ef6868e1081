"""`qms approve`: record an approval as a commit by the approver.

The commit carries one `Approves: ID@REV` trailer per document. When the
approval completes the document's approver roles, it also sets `status:
effective` and `effective:`; while other roles still have to approve, the
document stays in review, out of force. It changes nothing else. Only a
document in review (or an effective one gaining a further approver) is
approved: a draft is refused, and so is an effective date before the
approval commit's author date. Every
check runs before the first byte is written; if the commit fails, the files
are put back as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from qms.errors import QmsError, UsageError
from qms.git.lock import repository_lock
from qms.git.repo import ensure_ready_to_commit, open_repo, user_setup
from qms.git.runner import GitError, run_git
from qms.history.controls import control_files, refusal
from qms.model import Document
from qms.safewrite import write_atomically
from qms.text.frontmatter_edit import EditError, set_keys
from qms.text.suggest import not_a_document
from qms.workspace import Workspace

APPROVE_LOCK = "approve.lock"
IDENT = re.compile(r"^(?P<name>.*) <(?P<email>[^>]*)> (?P<epoch>\d+) (?P<zone>[+-]\d{4})$", re.ASCII)


class ApprovalRefusedError(QmsError):
    """The approval would break the approval model; nothing was written."""


@dataclass
class Approved:
    id: str
    revision: str
    path: str
    roles: list[str]
    waiting: list[str]  # approver roles that still have to approve this revision
    effective: str = ""


@dataclass
class ApproveResult:
    commit: str
    approver: str
    documents: list[Approved]


def approve(workspace: Workspace, ids: list[str], effective: str | None = None, sign: bool = False) -> ApproveResult:
    """Approve `ids` as the git user, in one commit.

    Two approvers at once are taken one after the other: the lock in `.git/qmskit/` is held from reading the
    documents until the commit is made, so the second reads the first one's approval (and never writes over
    it). One that waits longer than LOCK_WAIT seconds stops, naming the process that holds the lock.
    """
    if effective is not None and not _is_date(effective):
        raise UsageError(f'--effective must be a real date written YYYY-MM-DD (found "{effective}")')
    with repository_lock(workspace.config.root, APPROVE_LOCK):
        return _approve(workspace, ids, effective, sign)


def _approve(workspace: Workspace, ids: list[str], effective: str | None, sign: bool) -> ApproveResult:
    config = workspace.config
    root = config.root
    with open_repo(root) as repo:
        ensure_ready_to_commit(repo)
        signs = sign or user_setup(repo).signs_commits
    files = control_files(config)
    if any(i in files for i in ids):
        if not all(i in files for i in ids):
            raise UsageError("approve changes to the rules of approval (" + ", ".join(files) + ") in a commit of "
                             "their own: give only those files, or only document ids")
        return _approve_controls(workspace, list(dict.fromkeys(ids)), signs)
    docs = workspace.documents
    roster = workspace.roster
    ident = IDENT.match(run_git(root, "var", "GIT_AUTHOR_IDENT").decode().strip())
    if ident is None:
        raise GitError("git does not know who you are; set user.name and user.email (git config)")
    approver = roster.identify(ident["name"], ident["email"])
    if approver.person is None:
        raise ApprovalRefusedError(
            f"your git email {ident['email']} is not in {config.people_file}; approvals are made under the "
            "approver's own git identity (git config user.email)"
        )
    person = roster.people[approver.person]
    approved_on = _author_day(ident)
    if effective is not None and effective < approved_on:
        raise UsageError(f"--effective {effective} is earlier than the approval ({approved_on}): a revision cannot "
                         f"be in force before it is approved, and this approval commit is dated {approved_on}; give "
                         "that date or a later one, or leave --effective out")
    history = workspace.history()
    by_id = docs.by_id()
    plan: list[tuple[Document, Approved]] = []
    for doc_id in dict.fromkeys(ids):
        doc = by_id.get(doc_id)
        if doc is None:
            raise UsageError(not_a_document(doc_id, [d for d, found in by_id.items() if not found.is_record]))
        if doc.is_record:
            raise UsageError(f"{doc_id} ({doc.path}) is a record, not a controlled document: records are not approved")
        plan.append((doc, _check_one(root, doc, person.roles, approver.person, person.name, history)))

    originals = {doc.path: (root / doc.path).read_bytes() for doc, _ in plan}
    try:
        for doc, approved in plan:
            if approved.waiting:
                continue  # in review (or effective) already: the commit records the approval, the file stays
            # A later approver of an effective document keeps its date unless told otherwise.
            kept = doc.data.get("effective") if doc.status == "effective" else None
            when = effective or (str(kept) if kept else max(date.today().isoformat(), approved_on))
            raw = originals[doc.path]
            status_key, effective_key = (config.front_matter.written_key(raw, key) for key in ("status", "effective"))
            updated = set_keys(raw, {status_key: "effective", effective_key: when}, status_key)
            write_atomically(root / doc.path, updated)
            approved.effective = when
        message = _message([a for _, a in plan])
        run_git(root, "commit", "--quiet", "--allow-empty", *(["-S"] if signs else []), "-m", message, "--", *originals)
    except (GitError, EditError, OSError) as exc:
        for rel, data in originals.items():
            write_atomically(root / rel, data)
        raise ApprovalRefusedError(f"the approval commit failed and the files were put back: {exc}") from None
    sha = run_git(root, "rev-parse", "HEAD").decode().strip()
    return ApproveResult(sha, approver.label(), [a for _, a in plan])


def _check_one(root: Path, doc: Document, roles: list[str], person_id: str, name: str, history) -> Approved:
    assert doc.id is not None
    if doc.status not in ("draft", "review", "effective"):
        raise ApprovalRefusedError(f"{doc.id} is {doc.status}; only a document in review can be approved")
    if run_git(root, "status", "--porcelain", "--", doc.path).strip():
        raise ApprovalRefusedError(
            f"{doc.path} has changes that are not committed; an approval covers committed content only, "
            "so commit the changes (or set them aside) first"
        )
    revision = doc.revision or "?"
    record = history.documents.get(doc.id)
    # The approvers of the revision in force before this one approve too: an author cannot swap them.
    earlier = next((r for r in reversed(record.revisions) if r.revision != revision and r.became_effective()),
                   None) if record else None
    own = [r for r in doc.data.get("approvers") or [] if isinstance(r, str)]
    approvers = [*own, *(r for r in (earlier.last.get("approvers") or []) if isinstance(r, str) and r not in own)] \
        if earlier else own
    held = [r for r in approvers if r in roles]
    if not held:
        raise ApprovalRefusedError(
            f"{name} holds none of the approver roles of {doc.id} ({', '.join(approvers)})"
        )
    current = record.revisions[-1] if record and record.revisions else None
    if current is not None and current.revision == revision and any(a.person == person_id for a in current.authors):
        raise ApprovalRefusedError(
            f"{name} authored revision {revision} of {doc.id} and cannot approve it (segregation of duties)"
        )
    if doc.status == "draft":
        raise ApprovalRefusedError(
            f"{doc.id} is still a draft; only a document in review can be approved: when it is ready, set "
            f"status: review in {doc.path} and commit it first (its author does), then approve it"
        )
    covered = set(held)
    if current is not None and current.revision == revision:
        covered.update(role for approval in current.approvals if approval.valid for role in approval.roles)
    return Approved(doc.id, revision, doc.path, held, [role for role in approvers if role not in covered])


def _approve_controls(workspace: Workspace, paths: list[str], signs: bool) -> ApproveResult:
    """Approve the committed version of qms.yml, the roster or the roles registry: an empty commit whose
    trailers name each file and its blob, judged by the roster and settings in force."""
    root = workspace.root
    timeline = workspace.history().controls
    assert timeline is not None
    in_force = timeline.last
    ident = IDENT.match(run_git(root, "var", "GIT_AUTHOR_IDENT").decode().strip())
    if ident is None:
        raise GitError("git does not know who you are; set user.name and user.email (git config)")
    approved, trailers, label = [], [], f"{ident['name']} <{ident['email']}>"
    for path in paths:
        if run_git(root, "status", "--porcelain", "--", path).strip():
            raise ApprovalRefusedError(f"{path} has changes that are not committed; an approval covers committed "
                                       "content only, so commit the change first")
        blob = run_git(root, "rev-parse", f"HEAD:{path}").decode().strip()
        waiting = next((c for c in timeline.changes if c.path == path and c.blob == blob and c.approval_commit is None),
                       None)
        if waiting is None:
            raise ApprovalRefusedError(f"{path} as committed is already in force: there is no change to approve")
        problem = refusal(in_force, ident["name"], ident["email"], waiting)
        if problem is not None:
            raise ApprovalRefusedError(f"you cannot approve the change to {path} (commit {waiting.commit.short}): {problem}")
        rules = waiting.proposed if waiting.proposed is not None and not in_force.roster.by_email.get(
            ident["email"].lower()) else in_force
        approver = rules.roster.identify(ident["name"], ident["email"])
        label = approver.label()
        person = rules.roster.people.get(approver.person or "")
        held = [r for r in rules.approvers if person is not None and r in person.roles]
        approved.append(Approved(path, blob[:12], path, held, [], "from this commit on"))
        trailers.append(f"Approves: {path}@{blob[:12]}")
    message = f"Approve the change to {', '.join(paths)}\n\n" + "\n".join(trailers) + "\n"
    run_git(root, "commit", "--quiet", "--allow-empty", *(["-S"] if signs else []), "-m", message)
    sha = run_git(root, "rev-parse", "HEAD").decode().strip()
    return ApproveResult(sha, label, approved)


def _author_day(ident: re.Match[str]) -> str:
    """The day of the approval commit, as its author date will say (GIT_AUTHOR_DATE, or now), in its own zone."""
    zone = ident["zone"]
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * (-1 if zone[0] == "-" else 1)
    return datetime.fromtimestamp(int(ident["epoch"]), timezone(offset)).date().isoformat()


def _is_date(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII)) and bool(date.fromisoformat(text))
    except ValueError:
        return False


def _message(approved: list[Approved]) -> str:
    names = ", ".join(f"{a.id} revision {a.revision}" for a in approved)
    trailers = "\n".join(f"Approves: {a.id}@{a.revision}" for a in approved)
    return f"Approve {names}\n\n{trailers}\n"
