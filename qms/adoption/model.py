"""What an adoption plan holds: the types proposed, each document's id, type and keys, roles, people, and what is
unclear. Made by `plan.py` and `documents.py`, written by `qms/commands/adopt.py`, shown by `qms/report/adoption.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qms.adoption.people import DraftPerson, DraftRole

ROLES_FILE = "manual/roles.yml"
PEOPLE_FILE = "manual/people.yml"


@dataclass
class ProposedType:
    name: str
    folder: str
    id_pattern: str
    prefixes: list[str]
    documents: int = 0
    extra_keys: list[str] = field(default_factory=list)


@dataclass
class PlannedDocument:
    path: str  # the Markdown document, relative to the root
    source: str  # the file it comes from: the same Markdown file, or a Word file
    id: str
    type: str
    title: str
    revision: str
    status: str
    effective: str | None
    add: dict[str, Any]  # qmskit keys written, in order
    rename: dict[str, str] = field(default_factory=dict)  # foreign key -> qmskit key, renamed in the file
    status_word: tuple[str, str] | None = None  # (foreign status, qmskit status), replaced in the file
    has_front_matter: bool = False
    notes: list[str] = field(default_factory=list)
    revision_rows: int = 0

    @property
    def from_word(self) -> bool:
        return self.source != self.path

    @property
    def changes(self) -> bool:
        return bool(self.add or self.rename or self.status_word or self.from_word)


@dataclass
class AdoptionPlan:
    root: Path
    organisation: str | None
    language: str
    revision_scheme: str
    types: list[ProposedType]
    documents: list[PlannedDocument]
    left_out: list[tuple[str, str]]  # (path, why)
    key_map: dict[str, str]  # foreign key -> qmskit key
    status_map: dict[str, str]  # foreign status word -> qmskit status
    mapping_supported: bool  # this qmskit reads front_matter: from qms.yml
    layout_supported: bool  # this qmskit reads not_controlled: and extra_keys:
    rename_keys: bool
    owner: str
    approvers: list[str]
    roles: list[DraftRole]
    people: list[DraftPerson]
    git: bool
    commits: int
    not_controlled: list[str]
    existing: dict[str, bool]  # qms.yml, roles and people files: already there?
    uncommitted: list[str]  # documents with changes nobody committed: never written over
    unclear: list[str] = field(default_factory=list)
