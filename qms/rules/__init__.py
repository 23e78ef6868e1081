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
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.load.config import Config
from qms.model import Document, DocumentSet, Finding
from qms.rules.catalogue import RULES
from qms.text.dates import current_day
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
    from qms.rules import (  # noqa: F401
        against,
        attachments,
        codeowners,
        content,
        deadlines,
        history,
        identity,
        people,
        publishing,
        references,
        results,
        supervision,
    )

    return REGISTERED


class Context:
    """What a rule may read: the workspace, and for change control the history and where judging starts."""

    def __init__(self, workspace: Workspace, since: str | None = None, full_history: bool = False,
                 saved: tuple[Path, list[dict[str, Any]]] | None = None, as_landed: bool = False,
                 staged: bool = False, as_of: date | None = None) -> None:
        self.workspace = workspace
        # The day date rules judge (`--as-of`): what was due and what was done, as it stood that day.
        self.as_of = as_of or current_day()
        self.since = since
        self.full_history = full_history
        # `--since REV --as-landed`: the commits after REV as they stand on the main line, as `--history` judges
        # them; without it the range is a pull request, judged as the team's merge setting will land it.
        self.as_landed = as_landed
        self.staged = staged  # `--staged`: the index against HEAD, before the commit exists
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
            return self.since is not None or self.full_history or self.staged
        if needs == SAVED_REPORT:
            return self.saved is not None
        return True

    @cached_property
    def _judged(self) -> tuple[History, int]:
        if self.staged:
            return self.workspace.history_staged()
        if self.since is not None and not self.full_history:
            if self.saved is None:
                judged = self.workspace.history_since(self.since)
            else:
                from qms.history.index import ordinal_of

                history = self.workspace.history()
                judged = history, ordinal_of(self.workspace.root, history, self.since)
            if _merge_setting(judged[0], self.config) == "squash" and not self.as_landed:
                _drop_branch_approvals(*judged)
            return judged
        return self.workspace.history(), -1

    @property
    def merge_setting(self) -> str:
        """How pull requests reach the main branch: the `merge:` of the approved qms.yml."""
        return _merge_setting(self.history, self.config)

    @property
    def judges_a_pull_request(self) -> bool:
        """`--since REV`: the commits after REV are a pull request, to be judged as they will land."""
        return self.since is not None and not self.full_history and not self.as_landed

    def squashed(self, ordinal: int) -> bool:
        """Whether a commit of the range judged by `--since` will reach the main branch squashed into one."""
        return self.judges_a_pull_request and ordinal > self._judged[1] and self.merge_setting == "squash"

    def step_of(self, ordinal: int, sha: str, merged_by: str | None) -> str:
        """The step along the main branch's first-parent line that a commit belongs to: a merge with
        everything it brought in, any other commit on its own. Under `--since` the range is judged as it will
        land: as one step (a merge commit or a squash), or with `merge: rebase` (also for fast-forward) each
        of its commits on its own."""
        if self.judges_a_pull_request and ordinal > self._judged[1]:
            return sha if self.merge_setting == "rebase" else "the range"
        return merged_by or sha

    @property
    def history(self) -> History:
        return self._judged[0]

    @property
    def judged_after(self) -> int:
        """Commits with a greater ordinal are judged. Before the adoption baseline git was not yet the record."""
        history, first = self._judged
        return max(first, history.baseline)

    def history_read(self) -> History | None:
        """The history, when this check reads it anyway (--since, --history); None for a plain check, which
        reads no git and imports no history code."""
        return self.history if self.can_run(HISTORY) else None

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


def _merge_setting(history: History, config: Config) -> str:
    controls = history.controls
    return controls.last.merge if controls is not None else config.merge


SQUASHED = ("a squash merge makes one commit of the pull request, so this approval does not reach the main "
            "branch (qms.yml: merge: squash); approve on the main branch after the merge, or merge with a "
            "merge commit")


def _drop_branch_approvals(history: History, after: int) -> None:
    """Under `merge: squash` an approval made in the range is lost when the range is squashed: judge it so now,
    as `--history` will judge the squashed commit."""
    for doc in history.documents.values():
        for revision in doc.revisions:
            for approval in revision.approvals:
                if approval.commit.ordinal > after and approval.valid:
                    approval.problem = SQUASHED
