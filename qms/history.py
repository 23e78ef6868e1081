"""One pass over git history -> every document's versions, revisions and approvals.

Indexed by document id, read from each version's front-matter, so a file that
is renamed or moved keeps its history. Old front-matter is read in bulk from
`git cat-file --batch`, never one git process per file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qms import historycache
from qms.config import Config, find_root, load_config
from qms.errors import UsageError
from qms.forkpool import fork_map
from qms.frontmatter import SplitProblem, normalise_newlines, split_front_matter
from qms.gitlog import (
    Commit,
    Signature,
    ensure_full_history,
    read_blobs,
    read_log,
    read_signatures,
    resolve_commit,
    run_git,
)
from qms.historycache import INDEX, Front, project
from qms.loader import load_people, load_set
from qms.model import Person
from qms.schemas import did_you_mean
from qms.yamlsafe import parse_yaml

# Keys an approval or a withdrawal sets; a change to anything else is a change of content.
LIFECYCLE_KEYS = frozenset({"status", "effective", "superseded_by"})
ID, REVISION, STATUS = INDEX["id"], INDEX["revision"], INDEX["status"]
TRAILER = re.compile(r"^\s*(?P<id>[^@\s]+)@(?P<revision>\S+)\s*$")
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Version:
    """A document as one commit left it."""

    commit: Commit
    path: str
    data: Front | None  # historycache.FIELDS of the front-matter; None when it could not be read
    content: str  # digest of everything but the lifecycle keys
    deleted: bool = False
    blob: str = ""  # git blob id of the file as this commit left it
    author: Identity | None = None  # who changed the content here; None for lifecycle-only commits
    seed: bool = False  # the state at the start of a `--since` range, whose authors are not read

    def get(self, key: str) -> Any:
        """A front-matter value (one of historycache.FIELDS), or None."""
        return self.data[INDEX[key]] if self.data else None

    @property
    def revision(self) -> str | None:
        value = self.data[REVISION] if self.data else None
        return None if value is None or isinstance(value, (dict, list, bool)) else str(value)

    @property
    def status(self) -> str | None:
        value = self.data[STATUS] if self.data else None
        return value if isinstance(value, str) else None


@dataclass(slots=True)
class Identity:
    """A person from the roster, or the raw git identity when the roster does not know it."""

    name: str
    email: str
    person: str | None = None

    def label(self) -> str:
        return f"{self.name} ({self.person})" if self.person else f"{self.name} <{self.email}>"


@dataclass(slots=True)
class Approval:
    document: str
    revision: str
    commit: Commit
    approver: Identity
    roles: list[str] = field(default_factory=list)
    problem: str | None = None  # why it does not count, or None
    signature: str = "none"  # verified, unverified, none

    @property
    def valid(self) -> bool:
        return self.problem is None

    @property
    def date(self) -> str:
        return self.commit.author_date[:10]


@dataclass(slots=True)
class Revision:
    document: str
    revision: str
    versions: list[Version] = field(default_factory=list)
    authors: list[Identity] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    before_adoption: bool = False

    @property
    def last(self) -> Version:
        return self.versions[-1]

    @property
    def effective(self) -> str | None:
        value = self.last.get("effective")
        return str(value) if value is not None else None

    @property
    def change(self) -> str | None:
        value = self.last.get("change")
        return str(value) if value is not None else None

    @property
    def status(self) -> str | None:
        return self.last.status


@dataclass(slots=True)
class DocumentHistory:
    id: str
    versions: list[Version] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.versions[-1].path

    @property
    def title(self) -> str:
        for version in reversed(self.versions):
            if version.get("title"):
                return str(version.get("title"))
        return ""


@dataclass
class History:
    commits: list[Commit]
    documents: dict[str, DocumentHistory]
    # (commit, old id, new id, path) where a file's id was changed in place.
    id_changes: list[tuple[Commit, str, str, str]] = field(default_factory=list)
    # Approvals whose trailer names no document, or a revision it never had at that commit.
    stray_approvals: list[Approval] = field(default_factory=list)
    baseline: int = -1  # ordinal of the last commit before adoption; -1 for none


class Roster:
    """People by email, for turning git identities into persons."""

    def __init__(self, people: list[Person]) -> None:
        self.people = {p.id: p for p in people}
        self.by_email = {email.lower(): p for p in people for email in p.emails}
        self._known: dict[tuple[str, str], Identity] = {}

    def identify(self, name: str, email: str) -> Identity:
        # One object per git identity: tens of thousands of commits share a few dozen people.
        found = self._known.get((name, email))
        if found is None:
            person = self.by_email.get(email.lower())
            found = Identity(person.name, email, person.id) if person else Identity(name, email)
            self._known[(name, email)] = found
        return found


def content_digest(data: dict[str, Any] | None, body: str) -> str:
    kept = {k: v for k, v in (data or {}).items() if k not in LIFECYCLE_KEYS}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str) + "\x00" + body
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def _parse_blob(raw: bytes) -> tuple[Front | None, str]:
    """(front-matter, content digest) of one stored version of a document."""
    try:
        text = normalise_newlines(raw.decode("utf-8-sig"))
        split = split_front_matter(text)
    except (UnicodeDecodeError, SplitProblem):
        return None, content_digest(None, raw.decode("utf-8", "replace"))
    parsed = parse_yaml(split.yaml_text, split.yaml_line)
    data = parsed.value if isinstance(parsed.value, dict) and not parsed.problems else None
    # Only the keys history reads are kept: every version of every file is held at once.
    return project(data), content_digest(data, split.body)


def parse_blobs(blobs: dict[str, bytes]) -> dict[str, tuple[Front | None, str]]:
    """Parse every version, on every core when there are many."""
    shas = list(blobs)
    return dict(zip(shas, fork_map(_parse_blob, [blobs[sha] for sha in shas])))


def load_history(config: Config, people: list[Person]) -> History:
    """Read the whole first-parent history of the document folders in one pass."""
    root = config.root
    ensure_full_history(root)
    cached: dict[str, tuple[Front | None, str]] = {}

    def load_cache() -> None:
        cached.update(historycache.load(root))

    commits = read_log(root, while_git_works=load_cache)
    is_doc = document_path_test(config)
    parsed = parse_versions(root, commits, is_doc, cached)
    history = History(commits, {})
    index_versions(history, commits, parsed, is_doc, {})
    roster = Roster(people)
    judge_history(config, history, roster)
    history.baseline = baseline_ordinal(config, commits)
    for doc in history.documents.values():
        for revision in doc.revisions:
            revision.before_adoption = _in_force_by(revision, history.baseline)
    return history


def parse_versions(root: Path, commits: list[Commit], is_doc, cached: dict[str, tuple[Front | None, str]],
                   extra: Iterable[str] = ()) -> dict[str, tuple[Front | None, str]]:
    """Front-matter and content digest of every document version the commits (and `extra` blobs) name."""
    blob_ids = [c.blob for commit in commits for c in commit.changes if c.status != "D" and is_doc(c.path)]
    missing = {sha for sha in (*blob_ids, *extra) if sha not in cached}
    if missing:
        cached.update(parse_blobs(read_blobs(root, missing)))
        historycache.save(root, cached)
    return cached


def index_versions(history: History, commits: list[Commit], parsed: dict[str, tuple[Front | None, str]],
                   is_doc, at_path: dict[str, str]) -> None:
    """Add each commit's document changes to the history, by id; `at_path` maps path -> id as history stands."""
    documents = history.documents
    missing = (None, "")
    for commit in commits:
        for change in commit.changes:
            path = change.path
            if change.status == "D":
                doc_id = at_path.pop(path, None)
                if doc_id is not None:
                    last = documents[doc_id].versions[-1]
                    documents[doc_id].versions.append(
                        Version(commit, path, last.data, last.content, deleted=True, blob=last.blob)
                    )
                continue
            if not is_doc(path):
                continue
            data, digest = parsed.get(change.blob, missing)
            before = at_path.pop(change.old_path, None) if change.old_path else at_path.get(path)
            found = data[ID] if data else None
            doc_id = found if isinstance(found, str) else before
            if doc_id is None:
                continue
            if before is not None and before != doc_id:
                history.id_changes.append((commit, before, doc_id, path))
            at_path[path] = doc_id
            doc = documents.get(doc_id)
            if doc is None:
                doc = documents[doc_id] = DocumentHistory(doc_id)
            doc.versions.append(Version(commit, path, data, digest, blob=change.blob))


def judge_history(config: Config, history: History, roster: Roster) -> None:
    """Revisions, approvals and signatures from the indexed versions."""
    for doc in history.documents.values():
        _build_revisions(doc, roster)
    _attach_approvals(history, roster)
    _judge_signatures(config, history, roster)


def document_path_test(config: Config):
    folders = tuple(f + "/" for f in config.folders())
    registries = config.registry_files()

    @functools.cache
    def is_doc(path: str) -> bool:
        return path.startswith(folders) and path.lower().endswith((".md", ".markdown")) and path not in registries

    return is_doc


def _build_revisions(doc: DocumentHistory, roster: Roster) -> None:
    previous_content = None
    revision = None
    identify = roster.identify
    for version in doc.versions:
        if version.deleted:
            continue
        label = version.revision or "?"
        if revision is None or revision.revision != label:
            revision = Revision(doc.id, label)
            doc.revisions.append(revision)
        revision.versions.append(version)
        if version.content != previous_content and not version.seed:
            commit = version.commit
            who = version.author = identify(commit.author_name, commit.author_email)
            if who not in revision.authors:  # the same identity is the same object (Roster.identify)
                email = who.email.lower()
                for known in revision.authors:
                    if known.email.lower() == email or (who.person is not None and known.person == who.person):
                        break
                else:
                    revision.authors.append(who)
        previous_content = version.content


def _attach_approvals(history: History, roster: Roster) -> None:
    for commit in history.commits:
        for trailer in commit.approves:
            approver = roster.identify(commit.author_name, commit.author_email)
            match = TRAILER.match(trailer)
            if match is None:
                history.stray_approvals.append(Approval(trailer, "", commit, approver, problem=(
                    f"the trailer 'Approves: {trailer}' is not in the form ID@REVISION")))
                continue
            doc_id, revision = match["id"], match["revision"]
            doc = history.documents.get(doc_id)
            current = _revision_at(doc, commit) if doc else None
            approval = Approval(doc_id, revision, commit, approver)
            if current is None:
                approval.problem = f"{doc_id} is not a document in the history at this commit"
                history.stray_approvals.append(approval)
            elif current.revision != revision:
                approval.problem = f"{doc_id} was at revision {current.revision}, not {revision}, in this commit"
                history.stray_approvals.append(approval)
            else:
                _judge(approval, current, roster)
                current.approvals.append(approval)


def _revision_at(doc: DocumentHistory, commit: Commit) -> Revision | None:
    found = None
    for revision in doc.revisions:
        if revision.versions[0].commit.ordinal <= commit.ordinal:
            found = revision
    return found


def version_at(revision: Revision, ordinal: int) -> Version:
    current = revision.versions[0]
    for version in revision.versions:
        if version.commit.ordinal <= ordinal:
            current = version
    return current


def _judge(approval: Approval, revision: Revision, roster: Roster) -> None:
    """Decide whether an approval counts; signatures are judged later, with their own git call."""
    approver = approval.approver
    if approver.person is None:
        approval.problem = f"{approver.email} is not the email of anyone in the people roster"
        return
    person = roster.people[approver.person]
    at = version_at(revision, approval.commit.ordinal)
    approvers = [r for r in (at.get("approvers") or []) if isinstance(r, str)]
    approval.roles = [r for r in approvers if r in person.roles]
    if not approval.roles:
        approval.problem = (f"{person.name} holds none of the approver roles of {revision.document} "
                            f"({', '.join(approvers) or 'none listed'})")
        return
    authors_so_far = _authors_until(revision, approval.commit.ordinal)
    if approver.person in authors_so_far:
        approval.problem = f"{person.name} authored this content and cannot approve it (segregation of duties)"
        return
    changed_after = next((v for v in revision.versions
                          if v.commit.ordinal > approval.commit.ordinal and v.content != at.content), None)
    if changed_after is not None:
        approval.problem = (f"the content changed after this approval, in commit {changed_after.commit.short}, "
                            "so the approval no longer covers it")


def _judge_signatures(config: Config, history: History, roster: Roster) -> None:
    approvals = [a for d in history.documents.values() for r in d.revisions for a in r.approvals]
    if not approvals:
        return
    with tempfile.TemporaryDirectory(prefix="qms-signers-") as folder:
        signers = Path(folder) / "allowed_signers"
        signers.write_text(allowed_signers(roster.people.values()), encoding="utf-8")
        signatures = read_signatures(config.root, (a.commit.sha for a in approvals), signers)
    for approval in approvals:
        signature = signatures.get(approval.commit.sha)
        signed_by = _signer(signature, roster) if signature and signature.verified else None
        if signature is None or signature.status == "N":
            approval.signature = "none"
        elif signed_by is not None and signed_by == approval.approver.person:
            approval.signature = "verified"
        else:
            approval.signature = "unverified"
        if config.require_signature and approval.valid and approval.signature != "verified":
            approval.problem = (
                "the approval is not signed, and qms.yml requires signed approvals"
                if approval.signature == "none"
                else f"the signature is not one git can verify with a key registered for "
                f"{approval.approver.label()} in the people roster"
            )


def allowed_signers(people: Iterable[Person]) -> str:
    """git's allowed-signers file (gpg.ssh.allowedSignersFile) built from the roster's SSH keys."""
    lines = []
    for person in people:
        for key in person.signing_keys:
            if key.startswith(("ssh-", "ecdsa-", "sk-")) and person.emails:
                lines.append(f'{",".join(person.emails)} namespaces="git" {key}')
    return "\n".join(lines) + "\n"


def _signer(signature: Signature, roster: Roster) -> str | None:
    """The person a verified signature belongs to, or None when the key is not registered for them.

    SSH: git checked the key against the allowed-signers file built from the roster, and
    gives the principal (an email). GPG: git gives "Name <email>" and the key's fingerprint,
    which must be one registered in the roster's signing_keys.
    """
    text = signature.signer
    email = text[text.find("<") + 1 : text.rfind(">")] if "<" in text else text
    person = roster.by_email.get(email.strip().lower())
    if person is None:
        return None
    if signature.key.startswith("SHA256:"):
        return person.id
    registered = {k.replace(" ", "").upper() for k in person.signing_keys if not k.startswith(("ssh-", "ecdsa-", "sk-"))}
    fingerprint = signature.key.replace(" ", "").upper()
    return person.id if any(fingerprint.endswith(k) or k.endswith(fingerprint) for k in registered if k) else None


def _authors_until(revision: Revision, ordinal: int) -> set[str]:
    """Person ids (or emails, for people not in the roster) who wrote the revision up to `ordinal`."""
    return {v.author.person or v.author.email.lower()
            for v in revision.versions if v.author is not None and v.commit.ordinal <= ordinal}


def baseline_ordinal(config: Config, commits: list[Commit]) -> int:
    baseline = config.baseline
    if baseline is None:
        return -1
    text = str(baseline)
    if DATE_ONLY.match(text) or "T" in text:
        limit = datetime.fromisoformat(text if "T" in text else text + "T23:59:59+00:00")
        if limit.tzinfo is None:
            limit = limit.replace(tzinfo=timezone.utc)
        last = -1
        for commit in commits:
            if datetime.fromisoformat(commit.committer_date) <= limit:
                last = commit.ordinal
        return last
    sha = resolve_commit(config.root, text)
    for commit in commits:
        if commit.sha == sha:
            return commit.ordinal
    # The baseline commit touched no document: take the last document commit before it.
    ancestors = set(run_git(config.root, "rev-list", "--first-parent", sha).decode().split())
    return max((c.ordinal for c in commits if c.sha in ancestors), default=-1)


def _in_force_by(revision: Revision, baseline: int) -> bool:
    return baseline >= 0 and any(
        v.status == "effective" and v.commit.ordinal <= baseline for v in revision.versions
    )


def load_for(path: Path) -> tuple[Config, History]:
    """Config and history for the QMS at or above `path`: the entry point commands use."""
    config = load_config(path)
    return config, load_history(config, load_people(config))


def document_history(path: Path, document_id: str | None = None) -> list[DocumentHistory]:
    """The history of one document, or of all, sorted by id."""
    config, history = load_for(path)
    if document_id is None:
        return [history.documents[k] for k in sorted(history.documents)]
    if document_id not in history.documents:
        uncommitted = load_set(config).by_id().get(document_id)
        if uncommitted is not None:
            raise UsageError(f"{document_id} ({uncommitted.path}) is not committed yet, so it has no history; "
                             "commit it first")
        known = sorted(history.documents)
        raise UsageError(f"{document_id} has no history in this repository{did_you_mean(document_id, known, 0.85)}")
    return [history.documents[document_id]]


def audit_trail_csv(path: Path, document_id: str | None, start: str | None, end: str | None) -> str:
    from qms.audit import audit_trail, render_csv

    for label, value in (("--from", start), ("--to", end)):
        if value is not None and not DATE_ONLY.match(value):
            raise UsageError(f'{label} must be a date written YYYY-MM-DD (found "{value}")')
    config = load_config(path)
    people = load_people(config)
    history = load_history(config, people)
    if document_id is not None:
        history.documents = {k: v for k, v in history.documents.items() if k == document_id}
    return render_csv(audit_trail(history, Roster(people).identify, start, end))


def revision_redline(path: Path, document_id: str, rev_a: str, rev_b: str) -> str:
    from qms.audit import redline

    (doc,) = document_history(path, document_id)
    return redline(find_root(path), doc, rev_a, rev_b)
