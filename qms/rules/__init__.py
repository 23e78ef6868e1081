"""The rules `qms check` runs: one registry, one mechanism, every rule code.

Each rule is a small function registered with `@rule(CODE, ...)`. It takes the
check context and yields findings; it never prints and never writes. A rule
declares what it reads: the documents of the working tree (the default), git
history (change control: `--since` or `--history`), or a saved history report
(`--against`). History is read only when a rule that needs it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.load.config import Config
from qms.model import Document, DocumentSet, Finding
from qms.rules.catalogue import RULES
from qms.workspace import Workspace

if TYPE_CHECKING:
    from qms.history.model import Controls, History, Roster

RuleFunc = Callable[["Context"], Iterator[Finding]]

DOCUMENTS = "documents"  # the working tree
HISTORY = "history"  # git history, judged after a revision (--since) or from the start (--history)
SAVED_REPORT = "saved-report"  # git history held against a saved `qms history --format json` (--against)


@dataclass(frozen=True)
class Rule:
    codes: tuple[str, ...]
    func: RuleFunc
    needs: str


REGISTERED: list[Rule] = []


def rule(*codes: str, needs: str = DOCUMENTS) -> Callable[[RuleFunc], RuleFunc]:
    unknown = [code for code in codes if code not in RULES]
    if unknown:
        raise KeyError(f"rules {', '.join(unknown)} are not in the catalogue")

    def register(func: RuleFunc) -> RuleFunc:
        REGISTERED.append(Rule(codes, func, needs))
        return func

    return register


def registered() -> list[Rule]:
    # Importing the families registers their rules.
    from qms.rules import against, codeowners, content, history, identity, people, publishing, references  # noqa: F401

    return REGISTERED


class Context:
    """What a rule may read: the workspace, and for change control the history and where judging starts."""

    def __init__(self, workspace: Workspace, since: str | None = None, full_history: bool = False,
                 saved: tuple[Path, list[dict[str, Any]]] | None = None) -> None:
        self.workspace = workspace
        self.since = since
        self.full_history = full_history
        self.saved = saved  # (file, rows) of a saved history report
        # Split once: twenty rules walk these lists, over tens of thousands of records.
        self._documents: list[Document] = []
        self._records: list[Document] = []
        for doc in self.docs.documents:
            (self._records if doc.is_record else self._documents).append(doc)
        self.by_id = self.docs.by_id()

    @property
    def config(self) -> Config:
        return self.workspace.config

    @property
    def docs(self) -> DocumentSet:
        return self.workspace.documents

    def can_run(self, needs: str) -> bool:
        if needs == HISTORY:
            return self.since is not None or self.full_history
        if needs == SAVED_REPORT:
            return self.saved is not None
        return True

    @cached_property
    def _judged(self) -> tuple[History, int]:
        if self.since is not None and not self.full_history:
            if self.saved is None:
                return self.workspace.history_since(self.since)
            from qms.history.index import ordinal_of

            history = self.workspace.history()
            return history, ordinal_of(self.workspace.root, history, self.since)
        return self.workspace.history(), -1

    @property
    def history(self) -> History:
        return self._judged[0]

    @property
    def judged_after(self) -> int:
        """Commits with a greater ordinal are judged. Before the adoption baseline git was not yet the record."""
        history, first = self._judged
        return max(first, history.baseline)

    def controls_in_force(self) -> Controls | None:
        """The roster and approval settings in force at the end of the history judged (None: no history read,
        as for a range with no commits, where the working tree's settings are those in force)."""
        controls = self.history.controls
        return controls.last if controls is not None else None

    @property
    def roster(self) -> Roster:
        return self.workspace.roster

    def finding(self, code: str, path: str, line: int | None, message: str, hint: str | None = None) -> Finding:
        return Finding(path, line, code, RULES[code].severity, message, hint)

    def documents(self) -> Iterator[Document]:
        """Controlled documents (not records)."""
        return iter(self._documents)

    def records(self) -> Iterator[Document]:
        return iter(self._records)


def as_list(value: Any) -> list[Any]:
    """A front-matter list, or [] when the key is absent or of the wrong type (S001 says so)."""
    return value if isinstance(value, list) else []
