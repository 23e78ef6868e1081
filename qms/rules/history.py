"""Change control over git history: the rules of DESIGN.md applied commit by commit.

These rules read the one-pass history index, not the working tree. `qms check
--since REV` applies them to commits after REV; `--history` to every commit.
Each finding names the file, the commit and the person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from qms.history.model import History, Revision, Version, became_effective, version_at
from qms.history.roster import Roster
from qms.load.config import Config
from qms.model import Finding
from qms.rules.catalogue import RULES
from qms.text.revisions import RevisionError, parse_revision

STATUS_ORDER = {"draft": 0, "review": 1, "effective": 2, "obsolete": 3}
RESTART = ("draft", "review")


class HistoryRules:
    def __init__(self, config: Config, history: History, roster: Roster, since: int) -> None:
        self.config = config
        self.history = history
        self.roster = roster
        self.since = since  # only commits with a greater ordinal are judged

    def finding(self, code: str, path: str, version: Version, message: str) -> Finding:
        commit = version.commit
        who = self.roster.identify(commit.author_name, commit.author_email).label()
        return Finding(path, None, code, RULES[code].severity, f"commit {commit.short} by {who}: {message}")

    def in_range(self, version: Version) -> bool:
        return version.commit.ordinal > self.since

    def run(self, wanted: Callable[[str], bool]) -> list[Finding]:
        findings: list[Finding] = []
        for doc in self.history.documents.values():
            pairs = list(zip(doc.versions, doc.versions[1:]))
            for before, after in pairs:
                if self.in_range(after):
                    findings.extend(f for f in self.transition(before, after) if wanted(f.code))
            for revision in doc.revisions:
                findings.extend(f for f in self.approvals(revision) if wanted(f.code))
        for commit, old, new, path in self.history.id_changes:
            if commit.ordinal > self.since and wanted("H004"):
                who = self.roster.identify(commit.author_name, commit.author_email).label()
                findings.append(Finding(path, None, "H004", RULES["H004"].severity,
                                        f"commit {commit.short} by {who}: the id changed from "
                                        f"{old} to {new}; ids never change, so make a new document instead"))
        for approval in self.history.stray_approvals:
            if approval.commit.ordinal > self.since and wanted("H010"):
                doc = self.history.documents.get(approval.document)
                findings.append(Finding(doc.path if doc else "-", None, "H010", RULES["H010"].severity,
                                        f"commit {approval.commit.short} by {approval.approver.label()}: "
                                        f"approval refused: {approval.problem}"))
        return findings

    def transition(self, before: Version, after: Version) -> Iterator[Finding]:
        path = after.path
        if after.deleted:
            if before.get("type") == "record" or before.status in ("effective", "obsolete"):
                yield self.finding("H008", path, after, "a controlled document or record was deleted; "
                                   "restore it and make it obsolete instead (set status: obsolete)")
            return
        if before.get("type") == "record":
            if before.status == "closed" and (after.content != before.content or after.status != "closed"):
                yield self.finding("H009", path, after, "a closed record was edited; restore it and "
                                   "correct it with a new record that names it in 'corrects'")
            return
        same_revision = before.revision == after.revision
        if same_revision:
            if before.status == "effective" and after.content != before.content:
                yield self.finding("H001", path, after, f"the content of {before.get('id')} changed while "
                                   f"revision {after.revision} was effective; bump the revision and say why in 'change'")
            if _rank(after.status) < _rank(before.status):
                yield self.finding("H005", path, after, f"status went back from {before.status} to {after.status}; "
                                   "status only moves forward: draft, review, effective, obsolete")
            return
        scheme = self.config.revision_scheme
        try:
            went_down = parse_revision(scheme, after.revision or "") < parse_revision(scheme, before.revision or "")
        except RevisionError:
            went_down = False  # D005 reports revisions that break the scheme
        if went_down:
            yield self.finding("H003", path, after, f"revision went down from {before.revision} to {after.revision}; "
                               "revisions only go up")
        if not after.get("change") or after.get("change") == before.get("change"):
            yield self.finding("H002", path, after, f"revision {after.revision} does not say what changed: "
                               "write a new 'change' summary")
        if after.status not in RESTART and before.status != "obsolete":
            yield self.finding("H005", path, after, f"a new revision ({after.revision}) must start at draft or "
                               f"review, not {after.status}; it becomes effective when approved")

    def approvals(self, revision: Revision) -> Iterator[Finding]:
        for approval in revision.approvals:
            if approval.commit.ordinal <= self.since or approval.valid:
                continue
            path = version_at(revision, approval.commit.ordinal).path
            code = "H007" if approval.problem and approval.problem.startswith("the content changed") else "H010"
            yield Finding(path, None, code, RULES[code].severity,
                          f"commit {approval.commit.short} by {approval.approver.label()}: approval of "
                          f"{revision.document}@{revision.revision} refused: {approval.problem}")
        became = became_effective(revision)
        if became is None or not self.in_range(became) or revision.before_adoption:
            return
        approvers = [r for r in (revision.last.get("approvers") or []) if isinstance(r, str)]
        covered = {role for a in revision.approvals if a.valid for role in a.roles}
        missing = [role for role in approvers if role not in covered]
        if missing:
            yield self.finding("H006", became.path, became, f"{revision.document} revision {revision.revision} became "
                               f"effective without a valid approval from a holder of {', '.join(missing)}; "
                               f"the approver runs `qms approve {revision.document}`")


def _rank(status: str | None) -> int:
    return STATUS_ORDER.get(status or "", -1)


def run_history_rules(
    config: Config, history: History, roster: Roster, since: int, wanted: Callable[[str], bool]
) -> list[Finding]:
    # Before the adoption baseline git was not yet the record: nothing there is judged.
    return HistoryRules(config, history, roster, max(since, history.baseline)).run(wanted)
