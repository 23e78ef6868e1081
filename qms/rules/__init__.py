"""The rules `qms check` runs over a loaded document set.

Each rule is a small function registered with `@rule(CODE)`. It takes the
check context and yields findings; it never prints and never writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from qms.load.config import Config
from qms.model import Document, DocumentSet, Finding
from qms.rules.catalogue import RULES

RuleFunc = Callable[["Context"], Iterator[Finding]]
_REGISTERED: list[tuple[str, RuleFunc]] = []


def rule(code: str) -> Callable[[RuleFunc], RuleFunc]:
    if code not in RULES:
        raise KeyError(f"rule {code} is not in the catalogue")

    def register(func: RuleFunc) -> RuleFunc:
        _REGISTERED.append((code, func))
        return func

    return register


@dataclass
class Context:
    config: Config
    docs: DocumentSet
    by_id: dict[str, Document] = field(init=False)
    # Split once: twenty rules walk these lists, over tens of thousands of records.
    _documents: list[Document] = field(init=False)
    _records: list[Document] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = self.docs.by_id()
        self._documents, self._records = [], []
        for doc in self.docs.documents:
            (self._records if doc.is_record else self._documents).append(doc)

    def finding(self, code: str, path: str, line: int | None, message: str) -> Finding:
        return Finding(path, line, code, RULES[code].severity, message)

    def documents(self) -> Iterator[Document]:
        """Controlled documents (not records)."""
        return iter(self._documents)

    def records(self) -> Iterator[Document]:
        return iter(self._records)


def run_rules(config: Config, docs: DocumentSet, wanted: Callable[[str], bool]) -> list[Finding]:
    # Importing the families registers their rules.
    from qms.rules import codeowners, content, identity, people, references  # noqa: F401

    context = Context(config, docs)
    findings: list[Finding] = []
    for code, func in _REGISTERED:
        if wanted(code):
            findings.extend(func(context))
    return findings


def as_list(value: Any) -> list[Any]:
    """A front-matter list, or [] when the key is absent or of the wrong type (S001 says so)."""
    return value if isinstance(value, list) else []
