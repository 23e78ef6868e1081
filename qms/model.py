"""The loaded document set: documents, records, roles, people and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qms.text.body import BodyRef, id_references, relative_links
from qms.text.yamlsafe import KeyPath

ERROR = "error"
WARNING = "warning"



@dataclass(frozen=True, order=True)
class Finding:
    """One problem, pinned to a file and (where one applies) a line."""

    path: str
    line: int | None
    code: str
    severity: str
    message: str  # what is wrong
    hint: str | None = field(default=None, compare=False)  # what to do about it, where the rule knows

    @property
    def full_message(self) -> str:
        """The problem and its fix in one sentence, for outputs that have one text field."""
        return f"{self.message}; {self.hint}" if self.hint else self.message

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line or 0, self.code)


@dataclass
class Located:
    """A parsed YAML mapping that remembers the line of every key."""

    path: str
    data: dict[str, Any]
    lines: dict[KeyPath, int]
    # Line of the front-matter's opening `---`, or 1 for a YAML file.
    start_line: int = 1

    def line_of(self, key_path: KeyPath) -> int:
        """The line of the deepest known key along key_path."""
        probe = tuple(key_path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.start_line


@dataclass
class Document(Located):
    """A controlled document or a record: front-matter plus Markdown body."""

    body: str = ""
    body_line: int = 1

    def id_references(self) -> tuple[BodyRef, ...]:
        """The body's `[[ID]]` references (a cached document knows them without reading its body)."""
        return id_references(self.body, self.body_line)

    def relative_links(self) -> tuple[BodyRef, ...]:
        return relative_links(self.body, self.body_line)

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value if isinstance(value, str) else None

    @property
    def type(self) -> str | None:
        value = self.data.get("type")
        return value if isinstance(value, str) else None

    @property
    def is_record(self) -> bool:
        return self.type == "record"

    @property
    def status(self) -> str | None:
        value = self.data.get("status")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        value = self.data.get("title")
        return str(value) if value is not None else ""

    @property
    def revision(self) -> str | None:
        value = self.data.get("revision")
        if value is None or isinstance(value, (dict, list, bool)):
            return None
        return str(value)


@dataclass
class Role:
    id: str
    title: str
    reports_to: str | None
    line: int


@dataclass
class Person:
    id: str
    name: str
    emails: list[str]
    roles: list[str]
    line: int
    role_lines: list[int] = field(default_factory=list)
    signing_keys: list[str] = field(default_factory=list)


@dataclass
class DocumentSet:
    """Everything `qms check` looks at, loaded once."""

    root: str
    documents: list[Document] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    roles_file: Located | None = None
    people_file: Located | None = None
    # Findings met while loading (unreadable files, bad YAML, schema errors).
    findings: list[Finding] = field(default_factory=list)
    files_seen: int = 0

    def by_id(self) -> dict[str, Document]:
        """The first document for each id (duplicates are reported by I001)."""
        index: dict[str, Document] = {}
        for doc in self.documents:
            if doc.id is not None:
                index.setdefault(doc.id, doc)
        return index

    def role_ids(self) -> set[str]:
        return {role.id for role in self.roles}
