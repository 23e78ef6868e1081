"""The history model: versions of a document, its revisions, their approvals. Built by qms.history.index."""


from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from qms.git.commits import Commit
from qms.history.cache import INDEX, Front
from qms.model import Located, Person
from qms.text.legacy import LegacyRevision, from_front_matter

# Keys an approval or a withdrawal sets; a change to anything else is a change of content.
LIFECYCLE_KEYS = frozenset({"status", "effective", "superseded_by"})


ID, REVISION, STATUS = INDEX["id"], INDEX["revision"], INDEX["status"]

# How a version's front-matter read: the last character of its content digest (index.content_digest).
READ, NONE, UNREADABLE = "r", "n", "u"


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
    # The file this version belongs to ("path@ordinal" where it was created; renames keep it): two files that
    # share an id, at once or one after the other, are two documents, and never show each other's revisions.
    origin: str = ""

    def get(self, key: str) -> Any:
        """A front-matter value (one of historycache.FIELDS), or None."""
        return self.data[INDEX[key]] if self.data else None

    @property
    def body(self) -> str:
        """The digest of the text alone, front-matter left out: the same text, whoever added front-matter."""
        return self.content[24:48]

    @property
    def front_matter(self) -> str:
        """READ, NONE (the file had none) or UNREADABLE (it did not parse, or the file is not UTF-8)."""
        return self.content[48:] or READ

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


ACTS = {"reviewed": "review", "periodic-reviewed": "periodic review", "acknowledged": "acknowledgement"}


@dataclass(slots=True)
class Approval:
    document: str
    revision: str
    commit: Commit
    approver: Identity
    roles: list[str] = field(default_factory=list)
    problem: str | None = None  # why it does not count, or None
    signature: str = "none"  # verified, unverified, none
    # or "reviewed" (a `Reviews:` trailer), "periodic-reviewed" (`Periodic-review:`), "acknowledged"
    # (`Acknowledges:`): each judged by the same rules of identity, and the first two of role and segregation
    meaning: str = "approved"

    @property
    def act(self) -> str:
        return ACTS.get(self.meaning, "approval")

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
    # Approver roles it needs: its own and those of the revision in force before it (set when judged).
    required: list[str] = field(default_factory=list)
    reviews: list[Approval] = field(default_factory=list)  # `Reviews:` trailers, before approval
    required_reviews: list[str] = field(default_factory=list)  # reviewer roles, as `required` for approvers
    periodic_reviews: list[Approval] = field(default_factory=list)  # `Periodic-review:` trailers, while in force
    acknowledgements: list[Approval] = field(default_factory=list)  # `Acknowledges:` trailers (read and understood)
    # Who wrote the text before the file carried front-matter, for the first revision of an adopted file whose
    # adoption left the text as it was: authors of it (in `authors` too), so none of them approves it.
    text_authors: list[Identity] = field(default_factory=list)

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

    def version_at(self, ordinal: int) -> Version:
        """The version in force at commit `ordinal` (the first one, for an earlier commit)."""
        current = self.versions[0]
        for version in self.versions:
            if version.commit.ordinal <= ordinal:
                current = version
        return current

    def became_effective(self) -> Version | None:
        """The first version of this revision that was effective."""
        for version in self.versions:
            if version.status == "effective" and not version.deleted:
                return version
        return None


@dataclass(slots=True)
class DocumentHistory:
    id: str
    versions: list[Version] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    # The file's versions before it carried this id (no front-matter, another id key, front-matter that does
    # not parse), followed across renames as `git log --follow` does: shown "before qmskit", never revisions,
    # never judged for approval.
    prehistory: list[Version] = field(default_factory=list)

    @property
    def legacy(self) -> list[LegacyRevision]:
        """The revisions approved on paper before qmskit, as the last version's `legacy_revisions:` lists them."""
        last = self.versions[-1] if self.versions else None
        return from_front_matter(last.get("legacy_revisions")) if last is not None else []

    @property
    def path(self) -> str:
        return self.versions[-1].path

    def in_force_before(self, revision: str | None) -> bool:
        """Whether a revision other than `revision` became effective in history, and the document was not
        withdrawn or deleted after: that revision stays in force while `revision` is being prepared."""
        last = self.versions[-1] if self.versions else None
        if last is None or last.deleted or last.status == "obsolete":
            return False
        return any(r.revision != revision and r.became_effective() is not None for r in self.revisions)

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
    # Periodic reviews and acknowledgements whose trailer names no document or no revision it had then.
    stray_acts: list[Approval] = field(default_factory=list)
    baseline: int = -1  # ordinal of the last commit before adoption; -1 for none
    # The roster and approval settings in force over time (qms.history.controls builds it).
    controls: ControlTimeline | None = None
    control_files: frozenset[str] = frozenset()  # qms.yml, the roster and the roles registry
    # path -> id of every document file as the last commit left it (the committed state, for publishing).
    at_head: dict[str, str] = field(default_factory=dict)
    whole: bool = True  # every document's whole history; False for a `--since` range's documents only


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


@dataclass
class Controls:
    """The roster and approval settings in force from one commit on."""

    roster: Roster
    require_signature: bool = False
    ignore: tuple[str, ...] = ()
    baseline: str | None = None
    approvers: tuple[str, ...] = ()  # the roles that approve a change to these controls
    merge: str = "merge"  # how pull requests reach the main branch (qms.yml `merge:`), for `--since`


@dataclass
class ControlChange:
    """A change to the rules of approval: the file, its new blob, the commit, and whether it was approved."""

    path: str
    blob: str
    commit: Commit
    author: Identity
    approved_by: Identity | None = None
    approval_commit: Commit | None = None
    refusals: list[str] = field(default_factory=list)  # why approvals of it did not count
    proposed: Controls | None = None  # the controls in force once it is approved
    content: Located | None = None  # the file as the change leaves it (None: deleted or unreadable)


@dataclass
class ControlTimeline:
    starts: list[int]  # ordinals from which each entry of `controls` is in force
    controls: list[Controls]
    changes: list[ControlChange] = field(default_factory=list)
    files: dict[str, tuple[str, Located | None]] = field(default_factory=dict)  # each file in force at the end

    def before(self, ordinal: int) -> Controls:
        """The controls in force before commit `ordinal` (the state at its parent)."""
        index = bisect.bisect_right(self.starts, ordinal) - 1
        return self.controls[max(index, 0)]

    @property
    def last(self) -> Controls:
        return self.controls[-1]
