"""The published snapshot: what every output shows on a day, read from git, never from the working tree.

The site, the registers, the export, the PDF and `qms show` all start here. For each
document file the last commit holds, the snapshot gives the revision in force on the
day (the latest approved revision whose effective date has come) as a loaded
`Document` made from that revision's committed text, the file's own revision history
up to that revision, and the approved later revision, if any, announced with its
date. Untracked, ignored and uncommitted files and edits are not in it: only what git
holds is published. A later revision takes over on its date, with no commit, because
the day is an input (`--as-of`, today by default).

History is keyed by document: the versions of one file (following renames), so a file
that reuses another's id never shows the other's revisions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date

from qms.errors import UsageError
from qms.git.log import blobs_at, read_blobs
from qms.history.landing import lands_in_its_revision, merge_ordinals
from qms.history.model import DocumentHistory, Identity, Revision, Version
from qms.load.documents import people_of, roles_of
from qms.load.reader import load_document
from qms.model import Document, DocumentSet, Finding, Located, Person, Role
from qms.text.dates import DATE_ONLY, current_day
from qms.text.frontmatter import normalise_newlines
from qms.text.yamlsafe import parse_yaml
from qms.workspace import Workspace


@dataclass
class Entry:
    """One committed document file as the snapshot shows it."""

    doc: Document  # the committed text of the revision in force (of the last commit, for records and drafts)
    text: str  # that file's whole text, front-matter included
    history: DocumentHistory  # this file's own history, revisions up to the one shown
    revision: Revision | None  # the revision shown, None when none is in force (a record, a draft)
    upcoming: Revision | None = None  # an approved later revision, not yet in force on the day
    head_blob: str = ""  # the git blob id of the file as the last commit left it
    commit: str = ""  # the commit whose text is shown: its attachments are published as that commit holds them


@dataclass
class Snapshot:
    as_of: date
    docs: DocumentSet  # the documents of the entries, with the working tree's roles and people
    entries: dict[str, Entry] = field(default_factory=dict)  # by path

    def by_id(self, doc_id: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.doc.id == doc_id]


def parse_as_of(text: str | None) -> date | None:
    """`--as-of DATE`: YYYY-MM-DD, or None for today."""
    if text is None:
        return None
    try:
        if DATE_ONLY.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(f"--as-of {text!r} is not a date; write it as YYYY-MM-DD, for example --as-of 2026-12-15")


def effective_date(revision: Revision) -> date | None:
    try:
        return date.fromisoformat(revision.effective or "")
    except ValueError:
        return None


def in_force(revisions: list[Revision], day: date) -> tuple[Revision | None, Revision | None]:
    """(the revision in force on `day`, the approved revision that follows it with a later date)."""
    current: Revision | None = None
    upcoming: Revision | None = None
    for revision in revisions:
        if revision.became_effective() is None:
            continue
        starts = effective_date(revision)
        if starts is None or starts <= day:  # an unreadable date is reported by check; the approval stands
            current, upcoming = revision, None
        elif upcoming is None:
            upcoming = revision
    return current, upcoming


def own_history(record: DocumentHistory, origin: str) -> DocumentHistory:
    """The history of one file: only the versions that belong to it, even where another file shares its id."""
    if all(v.origin == origin for v in record.versions):
        return record
    view = DocumentHistory(record.id, [v for v in record.versions if v.origin == origin])
    for revision in record.revisions:
        versions = [v for v in revision.versions if v.origin == origin]
        if not versions:
            continue
        commits = {v.commit.sha for v in versions}
        authors = []
        for version in versions:
            if version.author is not None and version.author not in authors:
                authors.append(version.author)
        approvals = [a for a in revision.approvals if a.commit.sha in commits]
        view.revisions.append(Revision(revision.document, revision.revision, versions, authors, approvals,
                                       revision.before_adoption, revision.required,
                                       periodic_reviews=revision.periodic_reviews,
                                       acknowledgements=revision.acknowledgements))
    return view


def snapshot(workspace: Workspace, as_of: date | None = None) -> Snapshot:
    """Every committed document file as it stands on `as_of` (default today)."""
    day = as_of or current_day()
    history = workspace.history()
    chosen: list[tuple[str, DocumentHistory, Version, Revision | None, Revision | None, str]] = []
    ordinals = merge_ordinals(history)
    for path, doc_id in sorted(history.at_head.items()):
        record = history.documents.get(doc_id)
        head = _last_at(record, path) if record else None
        if record is None or head is None or head.data is None:
            continue  # unreadable in git: the check reports the file as it stands
        view = own_history(record, head.origin)
        current = upcoming = None
        if head.get("type") != "record" and head.status != "obsolete":
            current, upcoming = in_force(view.revisions, day)
        # The revision's text as the main line had it: not an edit a merged branch then made the next revision.
        shown = next((v for v in reversed(current.versions) if lands_in_its_revision(record, v, ordinals)),
                     current.last) if current is not None else head
        if current is not None:
            kept = view.revisions[: next(i for i, r in enumerate(view.revisions) if r is current) + 1]
            view = DocumentHistory(view.id, view.versions, kept)
        chosen.append((path, view, shown, current, upcoming, head.blob))
    blobs = read_blobs(workspace.root, {shown.blob for _, _, shown, _, _, _ in chosen})
    roles, people = _committed_registries(workspace)
    docs = DocumentSet(root=str(workspace.root), roles=roles, people=people)
    result = Snapshot(day, docs)
    names = {p.id: p.name for p in people}
    for path, view, shown, current, upcoming, head_blob in chosen:
        named = _named(view, names)
        if named is not view and current is not None:  # the same revision, with the committed roster's names
            current = named.revisions[next(i for i, r in enumerate(view.revisions) if r is current)]
        view = named
        raw = blobs.get(shown.blob)
        findings: list[Finding] = []
        doc = load_document(workspace.config, path, raw, findings) if raw is not None else None
        if doc is None:
            continue
        text = normalise_newlines(raw.decode("utf-8-sig", "replace")) if raw is not None else ""
        result.entries[path] = Entry(doc, text, view, current, upcoming, head_blob, shown.commit.sha)
        docs.documents.append(doc)
    return result


def _named(view: DocumentHistory, names: dict[str, str]) -> DocumentHistory:
    """The history with people named as the committed roster names them (history names them by the working tree's)."""

    def who(identity: Identity) -> Identity:
        if identity.person is None:
            return identity
        return Identity(names.get(identity.person, identity.email), identity.email, identity.person)

    def renamed(identity: Identity) -> bool:
        return identity.person is not None and names.get(identity.person) != identity.name

    if not any(renamed(i) for r in view.revisions for i in (*r.authors, *(a.approver for a in r.approvals))):
        return view
    revisions = [replace(r, authors=[who(a) for a in r.authors],
                         approvals=[replace(a, approver=who(a.approver)) for a in r.approvals]) for r in view.revisions]
    return DocumentHistory(view.id, view.versions, revisions)


def _committed_registries(workspace: Workspace) -> tuple[list[Role], list[Person]]:
    """The roles and people as the last commit holds them (none, where a registry was never committed)."""
    config = workspace.config
    at_head = blobs_at(workspace.root, "HEAD", [config.roles_file, config.people_file])
    raw = read_blobs(workspace.root, set(at_head.values()))

    def parsed(rel: str) -> Located | None:
        data = raw.get(at_head.get(rel, ""))
        value = parse_yaml(data.decode("utf-8-sig", "replace")) if data is not None else None
        return Located(rel, value.value, value.lines) if value and isinstance(value.value, dict) else None

    registry, roster = parsed(config.roles_file), parsed(config.people_file)
    return (roles_of(registry) if registry else []), (people_of(roster) if roster else [])


def _last_at(record: DocumentHistory, path: str) -> Version | None:
    for version in reversed(record.versions):
        if version.path == path and not version.deleted:
            return version
    return None


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a file."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


def is_committed(workspace: Workspace, entry: Entry | None, path: str) -> bool:
    """Whether the working tree's file at `path` is exactly what the last commit holds."""
    if entry is None:
        return False
    try:
        return blob_id((workspace.root / path).read_bytes()) == entry.head_blob
    except OSError:
        return False


ANNOUNCE = {"en": "Revision {revision} takes effect on {date}.", "zh": "第 {revision} 版自 {date} 起施行。"}


def announcement(entry: Entry | None, language: str) -> str:
    """The line that announces the approved later revision, or an empty string."""
    if entry is None or entry.upcoming is None:
        return ""
    words = ANNOUNCE["zh" if language.lower().startswith("zh") else "en"]
    return words.format(revision=entry.upcoming.revision, date=entry.upcoming.effective or "")
