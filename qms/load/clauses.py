"""Clause catalogues of standards: those shipped as data files in qms/data/, and a repository's own.

A catalogue names its standard (`standard: ISO 13485:2016`), a short key (`key: iso13485`) and
its clauses, number -> short title. qms.yml declares the standards a QMS follows by key, by the
shipped file's name (`iso13485-2016`), or by the path of a catalogue file in the repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from qms.errors import ConfigError
from qms.model import Located
from qms.text.yamlsafe import parse_yaml

# 4, 7.5.3, 7.5.3.1, and an annex's A.5, A.5.1 (ISO/IEC 27001's controls).
CLAUSE_NUMBER = re.compile(r"(?:[A-Z]\.)?[1-9][0-9]*(?:\.[1-9][0-9]*)*")
KEY = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class Catalogue:
    key: str  # iso13485
    name: str  # iso13485-2016 for a shipped file, the path for a repository's own
    standard: str  # ISO 13485:2016
    clauses: dict[str, str] = field(hash=False)  # number -> title, in the standard's order

    def names(self) -> set[str]:
        return {self.key, self.name}

    def parent(self, number: str) -> str | None:
        return parent_of(number)

    def ancestors(self, number: str) -> Iterator[str]:
        parent = parent_of(number)
        while parent is not None:
            yield parent
            parent = parent_of(parent)

    @property
    def leaves(self) -> list[str]:
        """The clauses with no subclause: the requirements coverage counts."""
        parents = {parent_of(number) for number in self.clauses}
        return [number for number in self.clauses if number not in parents]


def parent_of(number: str) -> str | None:
    """7.5.3 -> 7.5, A.5.1 -> A.5; a top clause (7, A.5) has none."""
    head, dot, _ = number.rpartition(".")
    if not dot or re.fullmatch(r"[A-Z]", head):
        return None
    return head


def _catalogue(data: Any, name: str, where: str, line_of: Any) -> Catalogue:
    """Check one parsed catalogue file; every problem names the file and the line."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}:1: a clause catalogue is a mapping with key, standard and clauses")
    for required in ("key", "standard", "clauses"):
        if required not in data:
            raise ConfigError(f"{where}:1: a clause catalogue needs '{required}:' (see docs/format.md)")
    key, standard, clauses = data["key"], data["standard"], data["clauses"]
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ConfigError(f"{where}:{line_of(('key',))}: key must be a short lower-case name such as iso13485")
    if not isinstance(standard, str) or not standard.strip():
        raise ConfigError(f"{where}:{line_of(('standard',))}: standard must name the standard, such as ISO 13485:2016")
    if not isinstance(clauses, dict) or not clauses:
        raise ConfigError(f"{where}:{line_of(('clauses',))}: clauses must map each clause number to its title")
    table: dict[str, str] = {}
    for number, title in clauses.items():
        text = str(number)
        line = line_of(("clauses", number))
        if not CLAUSE_NUMBER.fullmatch(text):
            raise ConfigError(f'{where}:{line}: "{text}" is not a clause number such as "7.5.3" or "A.5.1"')
        parent = parent_of(text)
        if parent is not None and parent not in table:
            raise ConfigError(f'{where}:{line}: clause "{text}" comes before its parent "{parent}"; list "{parent}" first')
        if not isinstance(title, str) or not title.strip():
            raise ConfigError(f'{where}:{line}: clause "{text}" needs a title')
        table[text] = title.strip()
    return Catalogue(key, name, standard.strip(), table)


def _data_folder() -> Any:
    return resources.files("qms") / "data"


@cache
def _shipped_names() -> tuple[str, ...]:
    return tuple(sorted(p.name[:-4] for p in _data_folder().iterdir() if p.name.endswith(".yml")))


@cache
def _shipped_keys() -> dict[str, str]:
    """key -> file name, read from each file's `key:` line without parsing the whole catalogue."""
    keys = {}
    for name in _shipped_names():
        found = re.search(r"(?m)^key:\s*(\S+)", (_data_folder() / f"{name}.yml").read_text("utf-8"))
        if found:
            keys[found.group(1)] = name
    return keys


@cache
def _shipped(name: str) -> Catalogue:
    """One shipped catalogue, parsed once and only when a QMS names it (a check reads one or two)."""
    where = f"qms/data/{name}.yml"
    parsed = parse_yaml((_data_folder() / f"{name}.yml").read_text("utf-8"))
    return _catalogue(parsed.value, name, where, Located(where, {}, parsed.lines).line_of)


def shipped() -> tuple[Catalogue, ...]:
    """Every catalogue qmskit ships, in file-name order."""
    return tuple(_shipped(name) for name in _shipped_names())


def read_own(root: Path, relative: str) -> Catalogue:
    """A repository's own catalogue file, named by its path in qms.yml."""
    path = root / relative
    if relative.startswith("/") or ".." in Path(relative).parts or not path.is_file():
        raise ConfigError(f"qms.yml: standards: '{relative}' is no catalogue file inside the repository; "
                          "give the path of a .yml file, relative to qms.yml")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{relative}:1: is not UTF-8 text; save it as UTF-8") from None
    parsed = parse_yaml(text.replace("\r\n", "\n"))
    if parsed.problems:
        problem = parsed.problems[0]
        raise ConfigError(f"{relative}:{problem.line or 1}: {problem.full_message}")
    return _catalogue(parsed.value, relative, relative, Located(relative, {}, parsed.lines).line_of)


def find(ref: str, root: Path) -> Catalogue:
    """The catalogue `ref` names: a shipped key or file name, or a .yml path in the repository."""
    if ref.endswith((".yml", ".yaml")):
        return read_own(root, ref)
    name = ref if ref in _shipped_names() else _shipped_keys().get(ref)
    if name is not None:
        return _shipped(name)
    choices = ", ".join(f"{c.key} ({c.standard})" for c in shipped())
    raise ConfigError(f"qms.yml: '{ref}' is not a standard qmskit ships (choose from {choices}), "
                      "nor the path of a catalogue file (ending in .yml)")


def load_catalogue(name: str) -> dict[str, str]:
    """Clause number -> title of a shipped catalogue, by key or file name (e.g. iso9001-2015)."""
    return find(name, Path(".")).clauses


def clause_entries(value: Any) -> Iterator[tuple[str | None, tuple[Any, ...], Any]]:
    """Each entry of a document's `clauses:` as (standard named, or None for the default; the key path
    for line numbers; the entry). A list is the default standard's; a mapping gives a list per standard."""
    if isinstance(value, dict):
        for ref, numbers in value.items():
            items = numbers if isinstance(numbers, list) else [numbers]
            for index, entry in enumerate(items):
                path = ("clauses", ref, index) if isinstance(numbers, list) else ("clauses", ref)
                yield str(ref), path, entry
    elif isinstance(value, list):
        for index, entry in enumerate(value):
            yield None, ("clauses", index), entry
    elif value is not None:
        yield None, ("clauses",), value
