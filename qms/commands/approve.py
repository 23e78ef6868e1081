"""`qms approve` and `qms review`: record an approval (or a review) as a commit by the person who makes it.

The commit carries one `Approves: ID@REV` trailer per document. When the
approval completes the document's approver roles, it also sets `status:
effective` and `effective:`; while other roles still have to approve, the
document stays in review, out of force. It changes nothing else. Only a
document in review (or an effective one gaining a further approver) is
approved: a draft is refused, and so is an effective date before the
approval commit's author date. Documents that rely on each other and are
not yet in force are put in force together, by the approval that completes
the set. Where a document names `reviewers`, a review by a holder of each
comes first (`qms review`: an empty commit with `Reviews: ID@REV`). Every
check runs before the first byte is written; if the commit fails (a hook
refused it, say), the files are put back as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from qms.errors import QmsError, UsageError
from qms.git.commit import HookRefusedError, commit
from qms.git.lock import repository_lock
from qms.git.repo import ensure_ready_to_commit, open_repo, user_setup
from qms.git.runner import GitError, run_git
from qms.history.controls import control_files, judging_rules, refusal
from qms.history.model import DocumentHistory, History, Identity
from qms.model import Document, Person
from qms.rules.references import in_force, relied_on, who_acts
from qms.safewrite import write_atomically
from qms.text.dates import current_day
from qms.text.frontmatter_edit import EditError, set_keys
from qms.text.suggest import not_a_document
from qms.workspace import Workspace

APPROVE_LOCK = "approve.lock"
IDENT = re.compile(r"^(?P<name>.*) <(?P<email>[^>]*)> (?P<epoch>\d+) (?P<zone>[+-]\d{4})$", re.ASCII)


class ApprovalRefusedError(QmsError):
    """The approval would break the approval model; nothing was written."""


class NoRoleError(ApprovalRefusedError):
    """The person holds none of the roles that approve (or review) the document."""


@dataclass(frozen=True)
class Act:
    """An act of control that `qms approve` or `qms review` records: its words, trailer and roles key."""

    command: str  # approve, review
    noun: str  # approval, review
    done: str  # approved, reviewed
    trailer: str  # Approves, Reviews
    key: str  # the front-matter key naming the roles: approvers, reviewers


APPROVE = Act("approve", "approval", "approved", "Approves", "approvers")
REVIEW = Act("review", "review", "reviewed", "Reviews", "reviewers")


@dataclass
class Approved:
    id: str
    revision: str
    path: str
    roles: list[str]
    waiting: list[str]  # roles that still have to approve (or review) this revision
    effective: str = ""
    # Documents it relies on that are not in force, from the one it names to the one that needs an act:
    # it stays in review until the approval that puts them in force puts it in force with them.
    blocked_by: list[str] = field(default_factory=list)
    next_step: str = ""  # who must do what for the last of `blocked_by`


@dataclass
class ApproveResult:
    commit: str
    approver: str
    documents: list[Approved]
    # Documents approved earlier that waited only for what this approval put in force, and joined it.
    joined: list[Approved] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # documents left to holders of other roles, and why


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


def review(workspace: Workspace, ids: list[str], sign: bool = False) -> ApproveResult:
    """Record the git user's review of `ids` in one empty commit carrying `Reviews: ID@REV` trailers.

    The same rules as an approval: the reviewer's own identity, a reviewer role they hold, not the author of
    the revision, a signature where qms.yml requires one (history judges that). No file changes."""
    with repository_lock(workspace.config.root, APPROVE_LOCK):
        signs, who, person, _ = _signer(workspace, sign)
        history = workspace.history()
        planned, skipped = _plan(workspace.root, _documents(workspace, ids), person, history, REVIEW)
        plan = [approved for _, approved in planned]
        sha = _commit(workspace.root, _message(plan, REVIEW), [], signs, REVIEW, ids)
        return ApproveResult(sha, who.label(), plan, skipped=skipped)


def _signer(workspace: Workspace, sign: bool) -> tuple[bool, Identity, Person, str]:
    """(signs, identity, person, day of the commit): the git user, who must be in the roster."""
    root = workspace.config.root
    with open_repo(root) as repo:
        ensure_ready_to_commit(repo)
        signs = sign or user_setup(repo).signs_commits
    ident = _ident(root)
    who = workspace.roster.identify(ident["name"], ident["email"])
    if who.person is None:
        raise ApprovalRefusedError(
            f"your git email {ident['email']} is not in {workspace.config.people_file}; approvals and reviews are "
            "made under the person's own git identity (git config user.email)"
        )
    return signs, who, workspace.roster.people[who.person], _author_day(ident)


def _ident(root: Path) -> re.Match[str]:
    ident = IDENT.match(run_git(root, "var", "GIT_AUTHOR_IDENT").decode().strip())
    if ident is None:
        raise GitError("git does not know who you are; set user.name and user.email (git config)")
    return ident


def _documents(workspace: Workspace, ids: list[str]) -> list[Document]:
    by_id = workspace.documents.by_id()
    found = []
    for doc_id in dict.fromkeys(ids):
        doc = by_id.get(doc_id)
        if doc is None:
            raise UsageError(not_a_document(doc_id, [d for d, known in by_id.items() if not known.is_record]))
        if doc.is_record:
            raise UsageError(f"{doc_id} ({doc.path}) is a record, not a controlled document: a record has "
                             "no revisions, so it is not approved, reviewed or acknowledged")
        found.append(doc)
    return found


def _approve(workspace: Workspace, ids: list[str], effective: str | None, sign: bool) -> ApproveResult:
    config = workspace.config
    root = config.root
    files = control_files(config)
    if any(i in files for i in ids):
        if not all(i in files for i in ids):
            raise UsageError("approve changes to the rules of approval (" + ", ".join(files) + ") in a commit of "
                             "their own: give only those files, or only document ids")
        with open_repo(root) as repo:
            ensure_ready_to_commit(repo)
            signs = sign or user_setup(repo).signs_commits
        return _approve_controls(workspace, list(dict.fromkeys(ids)), signs)
    signs, who, person, approved_on = _signer(workspace, sign)
    if effective is not None and effective < approved_on:
        raise UsageError(f"--effective {effective} is earlier than the approval ({approved_on}): a revision cannot "
                         f"be in force before it is approved, and this approval commit is dated {approved_on}; give "
                         "that date or a later one, or leave --effective out")
    history = workspace.history()
    plan, skipped = _plan(root, _documents(workspace, ids), person, history, APPROVE)
    joining = put_in_force_together(workspace, history, plan)
    originals = {doc.path: (root / doc.path).read_bytes() for doc, _ in [*plan, *joining]}
    try:
        for doc, approved in [*plan, *joining]:
            if approved.waiting or approved.blocked_by:
                continue  # the commit records the approval; the document stays in review, out of force
            # A later approver of an effective document keeps its date unless told otherwise.
            kept = doc.data.get("effective") if doc.status == "effective" else None
            when = effective or (str(kept) if kept else max(current_day().isoformat(), approved_on))
            raw = originals[doc.path]
            status_key, effective_key = (config.front_matter.written_key(raw, key) for key in ("status", "effective"))
            updated = set_keys(raw, {status_key: "effective", effective_key: when}, status_key)
            write_atomically(root / doc.path, updated)
            approved.effective = when
    except (EditError, OSError) as exc:
        _put_back(root, originals)
        raise ApprovalRefusedError(f"the approval could not be written and the files were put back: {exc}") from None
    try:
        sha = _commit(root, _message([a for _, a in plan], APPROVE, [a for _, a in joining]), list(originals),
                      signs, APPROVE, ids)
    except ApprovalRefusedError:
        _put_back(root, originals)  # no commit was made: the files go back to what they were
        raise
    return ApproveResult(sha, who.label(), [a for _, a in plan], [a for _, a in joining], skipped)


def _plan(root: Path, docs: list[Document], person: Person, history: History, act: Act
          ) -> tuple[list[tuple[Document, Approved]], list[str]]:
    """Each document this person may approve (or review), and why each other one is left to someone else.

    A set is approved by several people, each giving the whole set: a document whose roles this person
    does not hold is left out, with who approves it; any other refusal refuses the whole command."""
    plan, skipped = [], []
    for doc in docs:
        try:
            plan.append((doc, _check_one(root, doc, person, history, act)))
        except NoRoleError as exc:
            if len(docs) == 1:
                raise
            skipped.append(str(exc))
    if not plan:
        raise ApprovalRefusedError("; ".join(skipped))
    return plan, skipped


def _put_back(root: Path, originals: dict[str, bytes]) -> None:
    for rel, data in originals.items():
        write_atomically(root / rel, data)


def _commit(root: Path, message: str, paths: list[str], signs: bool, act: Act, ids: list[str]) -> str:
    """The commit, or a refusal that says what refused it and what to do."""
    try:
        return commit(root, message, paths, signs)
    except HookRefusedError as exc:
        said = "\n".join(f"    {line}" for line in exc.output.splitlines()) or "    (it printed nothing)"
        put_back = f", and {', '.join(paths)} {'was' if len(paths) == 1 else 'were'} put back as before" if paths else ""
        r004 = (" R004 (an effective document relying on one not in force): approve documents that rely on each "
                "other with `qms approve`, which keeps each in review until the approval that completes the set "
                "puts them in force together; do not set status: effective by hand.") if "R004" in exc.output else ""
        raise ApprovalRefusedError(
            f"git's {exc.hook} hook refused the {act.noun} commit, so nothing was committed{put_back}. "
            f"The hook said:\n{said}\n"
            f"Fix what it reports, commit that fix, and run `qms {act.command} {' '.join(ids)}` again. A hook that "
            "runs qms check checks the whole working tree, so a change you have not committed can make it refuse "
            f"too.{r004}") from None
    except GitError as exc:
        raise ApprovalRefusedError(f"the {act.noun} commit failed: {exc}") from None


def put_in_force_together(workspace: Workspace, history: History, plan: list[tuple[Document, Approved]]
                          ) -> list[tuple[Document, Approved]]:
    """Decide which documents this approval puts in force, and which stay in review for what they rely on.

    A document whose approver roles have all approved is put in force only with everything it relies on
    (references, [[ID]]s, links) that is not in force yet: a set that refers to itself, approved by several
    people, enters into force with the approval that completes it, so no commit leaves an effective document
    sending staff to one that is not in force. Marks `blocked_by` on what stays in review, and returns the
    documents approved earlier and waiting for this approval, which join it.
    """
    docs = workspace.documents
    by_id = docs.by_id()
    by_path = {d.path: d for d in docs.documents}
    scheme = workspace.config.revision_scheme
    # An effective document gaining a further approver is in force already: nothing to put in force.
    complete: dict[str, tuple[Document, Approved]] = {a.id: (doc, a) for doc, a in plan
                                                      if not a.waiting and doc.status != "effective"}
    joining: dict[str, tuple[Document, Approved]] = {}
    for doc in docs.documents:
        if doc.id is None or doc.id in complete or doc.status != "review" or doc.is_record:
            continue
        waiting = _approved_and_waiting(workspace.root, doc, history)
        if waiting is not None:
            joining[doc.id] = (doc, waiting)
    candidates = {**joining, **complete}
    blocked: dict[str, str] = {}
    changed = True
    while changed:  # until no candidate relies on something that is neither in force nor a candidate
        changed = False
        for doc_id, (doc, _) in list(candidates.items()):
            for target, _where in relied_on(doc, by_path):
                other = by_id.get(target)
                if other is None or other.is_record or target in candidates or in_force(other, scheme, history):
                    continue
                blocked[doc_id] = target
                del candidates[doc_id]
                changed = True
                break
    for doc_id, target in blocked.items():
        approved = (complete.get(doc_id) or joining[doc_id])[1]
        approved.blocked_by = _what_blocks(target, blocked)
        approved.next_step = who_acts(by_id[approved.blocked_by[-1]])
    return [entry for doc_id, entry in joining.items() if doc_id in candidates]


def _approved_and_waiting(root: Path, doc: Document, history: History) -> Approved | None:
    """A document in review whose committed revision has every approval it needs: it waits only for what it
    relies on. None for any other document."""
    record = history.documents.get(doc.id or "")
    current = record.revisions[-1] if record and record.revisions else None
    if current is None or current.revision != doc.revision or current.status != "review" or not current.required:
        return None
    covered = {role for a in current.approvals if a.valid for role in a.roles}
    if any(role not in covered for role in current.required):
        return None
    if run_git(root, "status", "--porcelain", "--", doc.path).strip():
        return None  # changed since it was approved: the approvals do not cover what is on disk
    roles = sorted(covered & set(current.required))
    return Approved(doc.id or "", current.revision, doc.path, roles, [])


def _what_blocks(target: str, blocked: dict[str, str]) -> list[str]:
    """The chain of documents not yet in force, from `target` to the one that needs an act: who does what."""
    chain, seen = [target], {target}
    while chain[-1] in blocked and blocked[chain[-1]] not in seen:
        seen.add(blocked[chain[-1]])
        chain.append(blocked[chain[-1]])
    return chain


def _check_one(root: Path, doc: Document, person: Person, history: History, act: Act) -> Approved:
    assert doc.id is not None
    name = person.name
    if doc.status not in ("draft", "review", "effective") or (act is REVIEW and doc.status == "effective"):
        raise ApprovalRefusedError(f"{doc.id} is {doc.status}; only a document in review can be {act.done}")
    if run_git(root, "status", "--porcelain", "--", doc.path).strip():
        raise ApprovalRefusedError(
            f"{doc.path} has changes that are not committed; an {act.noun} covers committed content only, "
            "so commit the changes (or set them aside) first"
        )
    revision = doc.revision or "?"
    record = history.documents.get(doc.id)
    current = record.revisions[-1] if record and record.revisions else None
    if current is not None and current.revision != revision:
        current = None
    needed = _needed(doc, record, revision, act.key)
    if act is REVIEW and not needed:
        raise ApprovalRefusedError(f"{doc.id} names no reviewers, so it needs no review: a holder of "
                                   f"{', '.join(_needed(doc, record, revision, 'approvers'))} approves it "
                                   f"(`qms approve {doc.id}`)")
    held = [r for r in needed if r in person.roles]
    if not held:
        raise NoRoleError(f"{name} holds none of the {act.key[:-1]} roles of {doc.id} ({', '.join(needed)})")
    if current is not None and any(a.person == person.id for a in (*current.authors,
                                                                   *(v.author for v in current.versions if v.author))):
        raise ApprovalRefusedError(
            f"{name} authored revision {revision} of {doc.id} and cannot {act.command} it (segregation of duties)"
        )
    if doc.status == "draft":
        raise ApprovalRefusedError(
            f"{doc.id} is still a draft; only a document in review can be {act.done}: when it is ready, set "
            f"status: review in {doc.path} and commit it first (its author does), then {act.command} it"
        )
    done = current.reviews if act is REVIEW and current else current.approvals if current else []
    covered = set(held) | {role for a in done if a.valid for role in a.roles}
    if act is APPROVE:
        reviewers = _needed(doc, record, revision, "reviewers")
        reviewed = {role for a in (current.reviews if current else []) if a.valid for role in a.roles}
        missing = [r for r in reviewers if r not in reviewed]
        if missing:
            raise ApprovalRefusedError(
                f"{doc.id} revision {revision} needs a review by a holder of {', '.join(missing)} before it can be "
                f"approved: the reviewer runs `qms review {doc.id}`, then you approve it")
    return Approved(doc.id, revision, doc.path, held, [role for role in needed if role not in covered])


def _needed(doc: Document, record: DocumentHistory | None, revision: str, key: str) -> list[str]:
    """The roles of `key` (approvers or reviewers) a revision needs: its own, and those of the revision in
    force before it, so that an author cannot swap them for friendlier ones."""
    earlier = next((r for r in reversed(record.revisions) if r.revision != revision and r.became_effective()),
                   None) if record else None
    own = [r for r in doc.data.get(key) or [] if isinstance(r, str)]
    before = earlier.last.get(key) if earlier else None
    return [*own, *(r for r in (before if isinstance(before, list) else []) if isinstance(r, str) and r not in own)]


def _approve_controls(workspace: Workspace, paths: list[str], signs: bool) -> ApproveResult:
    """Approve the committed version of qms.yml, the roster or the roles registry: an empty commit whose
    trailers name each file and its blob, judged by the roster and settings in force."""
    root = workspace.root
    timeline = workspace.history().controls
    assert timeline is not None
    in_force = timeline.last
    ident = _ident(root)
    approved, trailers, label = [], [], f"{ident['name']} <{ident['email']}>"
    changes = []
    for path in paths:
        if run_git(root, "status", "--porcelain", "--", path).strip():
            raise ApprovalRefusedError(f"{path} has changes that are not committed; an approval covers committed "
                                       "content only, so commit the change first")
        blob = run_git(root, "rev-parse", f"HEAD:{path}").decode().strip()
        waiting = next((c for c in timeline.changes if c.path == path and c.blob == blob and c.approval_commit is None),
                       None)
        if waiting is None:
            raise ApprovalRefusedError(f"{path} as committed is already in force: there is no change to approve")
        changes.append((path, blob, waiting))
    for path, blob, waiting in changes:
        # Judged as history will judge this commit: every change it approves together (judging_rules).
        rules = judging_rules(workspace.config, in_force, timeline.files, waiting, [c for _, _, c in changes])
        problem = refusal(rules, ident["name"], ident["email"], waiting)
        if problem is not None:
            raise ApprovalRefusedError(f"you cannot approve the change to {path} (commit {waiting.commit.short}): {problem}")
        approver = rules.roster.identify(ident["name"], ident["email"])
        label = approver.label()
        person = rules.roster.people.get(approver.person or "")
        held = [r for r in rules.approvers if person is not None and r in person.roles]
        approved.append(Approved(path, blob[:12], path, held, [], "from this commit on"))
        trailers.append(f"Approves: {path}@{blob[:12]}")
    message = f"Approve the change to {', '.join(paths)}\n\n" + "\n".join(trailers) + "\n"
    sha = _commit(root, message, [], signs, APPROVE, paths)
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


def _message(approved: list[Approved], act: Act, joined: list[Approved] | None = None) -> str:
    names = ", ".join(f"{a.id} revision {a.revision}" for a in approved)
    trailers = "\n".join(f"{act.trailer}: {a.id}@{a.revision}" for a in approved)
    body = ""
    if joined:
        body = ("Puts in force with it, approved earlier and waiting for it: "
                + ", ".join(f"{a.id} revision {a.revision}" for a in joined) + "\n\n")
    return f"{act.command.capitalize()} {names}\n\n{body}{trailers}\n"
