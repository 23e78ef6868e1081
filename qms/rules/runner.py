"""`qms check` as a function: load the set, run the rules, filter, sort."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qms.errors import ConfigError, UsageError
from qms.load.config import load_config
from qms.load.documents import load_set
from qms.model import ERROR, WARNING, DocumentSet, Finding
from qms.rules import run_rules
from qms.rules.catalogue import RULES

if TYPE_CHECKING:  # history is read only for --since, --history and --against
    from qms.history.model import History


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    documents: int = 0
    records: int = 0
    files: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


class CodeFilter:
    """Which rule codes to report: ruff-style selection by code or prefix."""

    def __init__(self, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> None:
        self.select = [_known_prefix(c) for c in select]
        self.ignore = [_known_prefix(c) for c in ignore]

    def __call__(self, code: str) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)


def _known_prefix(code: str) -> str:
    code = code.strip().upper()
    if not code or not any(known.startswith(code) for known in RULES):
        raise UsageError(f"'{code}' is not a rule code or prefix; `qms rules` lists them")
    return code


def run_check(
    start: Path,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    since: str | None = None,
    full_history: bool = False,
    against: Path | None = None,
) -> CheckResult:
    """Content rules on the working tree; with `since` or `full_history`, change control over git too."""
    config = load_config(start)
    try:
        CodeFilter(ignore=config.ignore)
    except UsageError as exc:
        line = config.source.lines.get(("ignore",)) if config.source else None
        raise ConfigError(f"qms.yml:{line or 1}: ignore: {exc}") from None
    wanted = CodeFilter(select, [*config.ignore, *ignore])
    with no_cycle_collection():
        docs = load_set(config)
        findings = [f for f in docs.findings if wanted(f.code)]
        findings += run_rules(config, docs, wanted)
    saved = None
    if against is not None:
        from qms.rules.against import load_report

        saved = load_report(against)
    quick = None
    if since is not None and not full_history and saved is None:
        from qms.history.since import load_since

        quick = load_since(config, docs.people, since, _shared_ids(docs))
    if quick is not None:
        from qms.history.roster import Roster
        from qms.rules.history import run_history_rules

        history, first = quick
        findings += run_history_rules(config, history, Roster(docs.people), first, wanted)
    elif since is not None or full_history or saved is not None:
        from qms.history.index import load_history
        from qms.history.roster import Roster
        from qms.rules.against import CODE as H011
        from qms.rules.against import compare
        from qms.rules.history import run_history_rules

        history = load_history(config, docs.people)
        if since is not None or full_history:
            first = -1 if full_history else since_ordinal(config.root, history, since or "")
            findings += run_history_rules(config, history, Roster(docs.people), first, wanted)
        if saved is not None and against is not None and wanted(H011):
            findings += compare(history, saved, against.name)
    findings.sort(key=Finding.sort_key)
    records = sum(1 for d in docs.documents if d.is_record)
    return CheckResult(findings, len(docs.documents) - records, records, docs.files_seen)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Loading builds millions of small objects and no reference cycles: the cycle collector would
    walk them again and again for nothing (a sixth of a warm check's time on 22,000 files)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Frozen first, or the first collection after this would walk all of them once more.
            gc.freeze()
            gc.enable()


def _shared_ids(docs: DocumentSet) -> set[str]:
    counts = Counter(d.id for d in docs.documents if d.id)
    return {doc_id for doc_id, count in counts.items() if count > 1}


def since_ordinal(root: Path, history: History, rev: str) -> int:
    """The last history commit at or before `rev` on the first-parent line."""
    from qms.git.runner import resolve_commit, run_git

    sha = resolve_commit(root, rev)
    reachable = set(run_git(root, "rev-list", "--first-parent", sha).decode().split())
    return max((c.ordinal for c in history.commits if c.sha in reachable), default=-1)
