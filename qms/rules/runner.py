"""`qms check` as a function: open, run the rules that were asked for, sort."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qms.errors import ConfigError, UsageError
from qms.model import ERROR, WARNING, Finding
from qms.rules import DOCUMENTS, Context, Rule, registered
from qms.rules.against import load_report
from qms.rules.catalogue import RULES
from qms.workspace import Workspace


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
    workspace: Workspace,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    since: str | None = None,
    full_history: bool = False,
    against: Path | None = None,
    as_landed: bool = False,
    staged: bool = False,
    as_of: date | None = None,
) -> CheckResult:
    """Content rules on the working tree; with `since` or `full_history`, change control over git too; with
    `staged`, the rules of a single change over what is staged against HEAD."""
    config = workspace.config
    if staged and (since is not None or full_history or against is not None):
        raise UsageError("--staged judges the change about to be committed: use it without --since, --history "
                         "and --against")
    if as_landed and since is None:
        raise UsageError("--as-landed says how to judge the commits after --since REV: give --since REV too")
    try:
        CodeFilter(ignore=config.ignore)
    except UsageError as exc:
        line = config.source.lines.get(("ignore",)) if config.source else None
        raise ConfigError(f"qms.yml:{line or 1}: ignore: {exc}") from None
    wanted = CodeFilter(select, [*config.ignore, *ignore])
    saved = (against, load_report(against)) if against is not None else None
    asked = [r for r in registered() if any(wanted(code) for code in r.codes)]
    with no_cycle_collection():
        docs = workspace.documents
        context = Context(workspace, since, full_history, saved, as_landed, staged, as_of)
        if since is not None or full_history:
            # Under change control, what is left out is what the approved qms.yml leaves out, not what the
            # change under review may have written into it.
            in_force = context.controls_in_force()
            kept = list(in_force.ignore) if in_force is not None else config.ignore
            wanted = CodeFilter(select, [*_known(kept), *ignore])
            asked = [r for r in registered() if any(wanted(code) for code in r.codes)]
        findings = [f for f in docs.findings if wanted(f.code)]
        findings += _run(context, [r for r in asked if r.needs == DOCUMENTS], wanted)
    later = [r for r in asked if r.needs != DOCUMENTS and context.can_run(r.needs)]
    if staged:
        # Approvals, signatures and authors are judged on commits; the commit-to-be has no message yet.
        later = [r for r in later if set(r.codes) & STAGED_CODES]
        unstaged = [code for code in RULES if code.startswith("H") and code not in STAGED_CODES]
        wanted = CodeFilter(select, [*config.ignore, *ignore, *unstaged])
    findings += _run(context, later, wanted)
    findings.sort(key=Finding.sort_key)
    records = sum(1 for d in docs.documents if d.is_record)
    return CheckResult(findings, len(docs.documents) - records, records, docs.files_seen)


# The rules `qms check --staged` applies to the change about to be committed: one change of each document.
STAGED_CODES = frozenset({"H001", "H002", "H003", "H004", "H005", "H008", "H009"})


def _known(codes: Sequence[str]) -> list[str]:
    return [code for code in codes if any(known.startswith(code.strip().upper()) for known in RULES) and code.strip()]


def _run(context: Context, rules: list[Rule], wanted: CodeFilter) -> list[Finding]:
    return [finding for r in rules for finding in r.func(context) if wanted(finding.code)]


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
