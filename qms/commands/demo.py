"""Build the demonstration repository: the sample QMS with two years of scripted git history.

The sample holds only the final state of each file (and the CSV tables its records carry). STORY replays how the office got
there, 2024-07-01 to 2026-12-04, as commits that follow the approval model of docs/approvals.md:
people from the roster write and approve, an approval is the approver's commit with
`Approves: ID@REV` trailers that changes only `status` and `effective`, and each later
revision restarts in draft or review. Dates, names and messages are fixed, so two builds
give the same commit ids.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from qms.errors import QmsError
from qms.git.runner import GitError, git_process, run_git
from qms.rules.runner import run_check
from qms.workspace import Workspace


class DemoError(QmsError):
    """The demo cannot be built: the target is in use, or the sample no longer fits the story."""


FIRST_REVISION = "A/0"
ZONE = "+08:00"  # the office's time zone, part of every commit date
DC, DIRECTOR, MR, SUPERVISION = "document-controller", "director", "management-representative", "supervision-head"


@dataclass(frozen=True)
class Step:
    """One event. `who` is a person id, or a role id whose first holder in the roster acts."""

    date: str
    who: str
    action: str  # import, approve-import, add, revise, status, approve, self-approve, merge, rename, review-round, ack
    ids: tuple[str, ...] = ()
    message: str = ""
    status: str = "review"  # the status that add, revise and status leave (obsolete: withdraw)
    older: bool = False  # add: write the earlier text from OLDER rather than the sample's
    branch: str = ""  # approve: commit on this side branch; merge: the branch to merge
    path: str = ""  # rename: the earlier file name


STORY = [
    Step("2024-07-01", DC, "import", message="Import the quality management system at revision A/0"),
    Step("2024-07-01", "", "approve-import"),  # each approver approves the imported documents in one commit
    Step("2025-01-20", DC, "add", ("QP-14",), "Draft QP-14 on risks and opportunities to replace QP-13", "draft"),
    Step("2025-02-03", DC, "revise", ("QP-06", "QP-11"), "QP-06, QP-11 A/1: monthly assessment, accountability"),
    Step("2025-02-05", DC, "revise", ("QM-01", "QM-04"), "QM-01, QM-04 A/1: risk-based planning, accountability"),
    Step("2025-02-07", DC, "status", ("QP-14",), "Send QP-14 for review"),
    Step("2025-02-17", MR, "approve", ("QP-06", "QP-11", "QP-14"), "Approve QP-06, QP-11 and QP-14"),
    Step("2025-02-20", DIRECTOR, "approve", ("QM-01", "QM-04"), "Approve QM-01 and QM-04 revision A/1"),
    # The sample's QP-13 A/0 carries its withdrawal notice in the body. Adding it now would change
    # approved content (voiding the A/0 approval), so it is there from the import; this is status only.
    Step("2025-03-03", DC, "status", ("QP-13",), "Withdraw QP-13: superseded by QP-14", "obsolete"),
    # The yearly periodic reviews: each document in force is confirmed unchanged by a holder of its
    # approver (or owner) role who did not write it (`Periodic-review:` commits).
    Step("2025-06-16", "", "review-round", message="Periodic review"),
    Step("2025-06-10", DC, "rename", ("QP-08",), "Rename QP-08's file to match its title",
         path="procedures/qp-08-purchasing.md"),
    # The corrective action for late ordinary documents (REC-2025-004) ends in WI-04-01 A/1: 5 working days
    # instead of 15, simple ones the same day, the day-4 warning. Approved in December 2025, in force from
    # 2026-01-01, so 2025 is the year before it and 2026 the year after (the monthly logs show both).
    Step("2025-12-08", DC, "revise", ("WI-04-01",),
         "WI-04-01 A/1: ordinary documents in 5 working days, simple ones the same day (REC-2025-004)"),
    Step("2025-12-12", "secretariat-head", "approve", ("WI-04-01",), "Approve WI-04-01 revision A/1"),
    Step("2025-12-22", DC, "revise", ("QM-03", "QP-05", "QP-09", "F-09-01"),
         "Revise QM-03, QP-05, QP-09 and F-09-01 after the 2025 management review"),
    Step("2025-12-23", MR, "approve", ("QP-05", "QP-09"), "Approve QP-05 and QP-09 revision A/1",
         branch="approve/management-review-2025"),
    Step("2025-12-24", SUPERVISION, "approve", ("F-09-01",), "Approve F-09-01 revision A/1"),
    Step("2025-12-29", DIRECTOR, "approve", ("QM-03",), "Approve QM-03 revision A/1"),
    Step("2025-12-30", DC, "merge", message="Merge the approval of QP-05 and QP-09",
         branch="approve/management-review-2025"),
    # The management representative rewrites QP-02 herself and then approves it: refused, as she
    # wrote it. The deputy director, who also holds the role, approves it properly.
    Step("2026-01-19", MR, "revise", ("QP-02",), "QP-02 B/0: approval in the document repository", "draft"),
    Step("2026-02-02", DC, "status", ("QP-02",), "Send QP-02 B/0 for review"),
    Step("2026-02-06", MR, "self-approve", ("QP-02",), "Approve QP-02 revision B/0"),
    Step("2026-02-09", "zhao-guoqiang", "approve", ("QP-02",), "Approve QP-02 revision B/0"),
    # On purpose, EXT-02 is left out of the 2026 round: its review is overdue from 2026-06-16 (U001). QM-01,
    # reviewed here, relies on WI-07-01, whose revision A/1 comes after: a suspect reference (U003).
    Step("2026-05-04", "", "review-round", ("EXT-02",), "Periodic review"),
    # Read and understood: the section heads and the document controller were trained on QP-02 B/0
    # (REC-2026-001, trained_on); Wu Haitao, who gave the training, acknowledges it by trailer.
    Step("2026-02-11", "wu-haitao", "ack", ("QP-02",), "Acknowledge QP-02 revision B/0"),
    Step("2026-05-11", DC, "revise", ("WI-07-01",), "WI-07-01 A/1: restore tests on the standby server"),
    Step("2026-05-18", "it-head", "approve", ("WI-07-01",), "Approve WI-07-01 revision A/1"),
    Step("2026-08-03", SUPERVISION, "add", ("WI-04-03",), "Draft WI-04-03 on requests from the public", "draft",
         older=True),
    Step("2026-08-24", SUPERVISION, "revise", ("WI-04-03",), "WI-04-03: add the records section", "draft"),
    # Segregation of duties: she wrote WI-04-03 and approves it herself, which must not count
    # (`qms check --history` reports it). She alone holds supervision-head, so it stays a draft.
    Step("2026-08-25", SUPERVISION, "self-approve", ("WI-04-03",), "Approve WI-04-03"),
]

# When each closed record was closed, as its text says; the others close 14 days after their date.
# A record that carries a table (`data:`, such as the monthly document-handling log) is filed complete, table
# and all, on its date: the export is signed that day.
CLOSED = {"REC-2025-002": "2026-05-08", "REC-2025-003": "2025-05-30", "REC-2025-004": "2026-05-08",
          "REC-2025-005": "2025-09-12", "REC-2025-006": "2025-12-08", "REC-2025-007": "2025-12-29",
          "REC-2026-001": "2026-06-05", "REC-2026-002": "2026-04-28", "REC-2026-007": "2026-11-15",
          "REC-2026-008": "2026-10-30", "REC-2026-011": "2026-11-27"}


class Section(str):
    """A heading that stands for its whole section, up to the next heading of its level or above."""


# The text of revised documents before their revision, as (text in the sample, text before). A pair
# (start, end) stands for the text from start to end. `revision`, `change` and `superseded_by` are
# reset by _older. References to QP-14 become QP-13, which QP-14 replaced in 2025.
OLDER: dict[str, list[tuple[str | tuple[str, str], str]]] = {
    "QM-01": [("QP-12, QP-14, WI", "QP-12, QP-13, WI"), ("to [[QP-14]])", "to [[QP-13]])"),
              ("[[QP-12]], [[QP-14]] |", "[[QP-12]], [[QP-13]] |"), (" and in the risk register ([[QP-14]])", ""),
              ((" Accountability follows the reporting", "[[QP-06]]."), ""),
              (("Risks and opportunities —", "preventive action\nprocedure."),
               "Potential problems are\nprevented by preventive action ([[QP-13]]).")],
    "QM-03": [("; at least two thirds finished the same day |", " |"),
              ("5 working days for ordinary, or", "15 working days for ordinary, or"),
              (("  - id: OBJ-2S\n", "  - id: OBJ-3\n"), "  - id: OBJ-3\n"),
              ("| mayors and departments yearly; service-window public half-yearly |", "| yearly |"),
              ((", the average in working days of", "registration."), " and the average in working days."),
              (("When the office adopted its quality system", "finished the same day."),
               "When the office adopted its quality system, 96% of documents were completed\non time and an "
               "ordinary document took 7 to 15 days to handle. The targets\nbelow are the level the office "
               "commits to reach: above 98% on time, 3 to 5\ndays per ordinary document."),
              (("serves; the\nhalf-yearly survey", "in the survey month."), "serves.")],
    "QM-04": [(Section("## Accountability"), "")],
    "QP-02": [(("5. Approval is given in the repository", "no paper approval sheet is used."),
               "5. The approver signs the paper approval sheet; the document controller files\n"
               "   it and sets status `effective` and the effective date."),
              (("- The repository history: every revision", "effective date."),
               "- Signed approval sheets, kept for the life of the document plus 3 years.")],
    "QP-05": [("QP-12, QP-14]", "QP-12, QP-13]"), ("[[QP-01]]; [[QP-14]].", "[[QP-01]]; [[QP-13]]."),
              (("2. A mid-year review in July", "open actions.\n3."), "2."),
              (("9. Effectiveness of the actions taken", "([[QP-14]])."), "9. Preventive actions ([[QP-13]]).")],
    "QP-06": [("runs the monthly", "runs the yearly"), ("staff each month.", "staff each year."),
              ("confirms the monthly", "confirms the yearly"),
              (Section("### 4.5 Monthly performance assessment"), "### 4.5 Yearly performance assessment\n\n"
               "In January each section head scores each member of staff for the\nprevious year on: time "
               "limits kept, errors, service attitude and tasks\ncompleted. The deputy director confirms the "
               "results.\n\n")],
    "QP-09": [(("- **Half-yearly survey**", "who wrote to the office.\n"), ""),
              (Section("### 4.2 Half-yearly survey of the public"), ""),
              ("### 4.3 Analysis", "### 4.2 Analysis"), ("### 4.4 Action", "### 4.3 Action")],
    "QP-11": [(Section("### 4.5 Accountability"), ""), ("### 4.6 Close", "### 4.5 Close")],
    "F-09-01": [(Section("## Part C — Members of the public (short form)"), "")],
    "WI-04-01": [("**5 working days**; simple ones the same day |", "15 working days |"),
                 (("A **simple** ordinary document", "registered.\n\n"), ""),
                 (("cannot be completed in 5", "does not count."),
                  "cannot be completed in 15\n   working days, the handler asks the deputy director in charge for an\n"
                  "   extension in the OA system before the 15 days run out, giving the reason\n"
                  "   and a new date. An extension approved after the limit has expired does\n   not count.")],
    "WI-07-01": [("to the standby server", "to a test folder on the OA server"),
                 (("7. **Report.**", "restore test results.\n"), "")],
    "WI-04-03": [(Section("## Records"), "")],
}


@dataclass
class DemoSummary:
    path: Path
    commits: int
    head: str
    documents: int
    records: int
    renamed: tuple[str, str, str]  # id, earlier path, path now
    obsolete: str  # the id made obsolete
    superseded_by: str
    merged_branch: str
    self_approvals: list[str]  # the approvals that must not count, "ID@REV by person"


@dataclass
class _File:
    path: str  # relative to the sample, POSIX
    text: str
    meta: dict


def _front_matter(text: str) -> tuple[list[str], str]:
    """The front-matter lines (without the --- fences) and the rest, from the closing fence on."""
    end = text.index("\n---\n", 4)
    return text[4:end].split("\n"), text[end:]


def _meta(text: str) -> dict:
    # BaseLoader keeps values as written: "A/0" and "2024-07-01" stay text.
    return yaml.load("\n".join(_front_matter(text)[0]), Loader=yaml.BaseLoader) or {}


def _set_key(text: str, key: str, value: str | None, after: str = "approvers") -> str:
    """Set, insert (after the `after` line) or drop one front-matter key, keeping every other byte."""
    lines, rest = _front_matter(text)
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if at is not None:
        end = at + 1
        while end < len(lines) and lines[end].startswith(" "):  # a folded value's further lines
            end += 1
        lines[at:end] = [] if value is None else [f"{key}: {value}"]
    elif value is not None:
        anchor = next(i for i, line in enumerate(lines) if line.startswith(f"{after}:"))
        lines.insert(anchor + 1, f"{key}: {value}")
    return "---\n" + "\n".join(lines) + rest


def _find(text: str, what: str | tuple[str, str]) -> str:
    if isinstance(what, Section):
        start = text.index("\n" + what) + 1
        level = len(what) - len(what.lstrip("#")) or 6  # a heading-less block ends at any heading
        stop = re.compile(rf"^(#{{1,{level}}} |---$)", re.M).search(text, start + len(what))
        return text[start : stop.start() if stop else len(text)]
    if isinstance(what, tuple):
        start = text.index(what[0])
        return text[start : text.index(what[1], start) + len(what[1])]
    return what


def _older(file: _File) -> str:
    """The document as first imported or drafted: first revision, no change summary, no successor."""
    text = file.text
    for key, value in (("revision", FIRST_REVISION), ("change", None), ("superseded_by", None)):
        text = _set_key(text, key, value)
    for what, before in OLDER.get(file.meta["id"], []):
        try:
            found = _find(text, what)
        except ValueError:
            found = ""
        if not found or text.count(found) != 1:
            raise DemoError(f"{file.path} no longer holds the text the demo story revises: {what!r}")
        text = text.replace(found, before)
    return text


def _content(text: str) -> str:
    """Everything an approval covers: all but the lifecycle keys (as in qms.history)."""
    lines, rest = _front_matter(text)
    lifecycle = ("status:", "effective:", "superseded_by:")
    return "\n".join(line for line in lines if not line.startswith(lifecycle)) + rest


def _check_sample(source: Path) -> None:
    """Replay only a sample that passes `qms check`: its paths stay inside it and its files parse."""
    result = run_check(Workspace.open(source))
    if result.errors:
        raise DemoError(f"the sample in {source} has {result.errors} error(s), so it cannot be replayed; "
                        f"`qms -C {source} check` lists them")


class _Builder:
    def __init__(self, target: Path, source: Path, sign: bool) -> None:
        self.root, self.source, self.sign = target, source, sign
        settings = yaml.safe_load((source / "qms.yml").read_text(encoding="utf-8"))
        folders = sorted({t["folder"] for t in settings["types"].values()})
        self.registries = [settings.get("roles", "manual/roles.yml"), settings.get("people", "manual/people.yml")]
        self.files = [self._read(p) for folder in folders for p in sorted((source / folder).rglob("*.md"))]
        self.docs = {f.meta["id"]: f for f in self.files if f.meta.get("type") != "record"}
        self.records = sorted((f for f in self.files if f.meta.get("type") == "record"),
                              key=lambda f: (f.meta["date"], f.meta["id"]))
        self.people = yaml.safe_load((source / self.registries[1]).read_text(encoding="utf-8"))["people"]
        self.paths = {f.meta["id"]: f.path for f in self.files}
        self.paths.update({s.ids[0]: s.path for s in STORY if s.action == "rename"})
        self.authors: dict[str, set[str]] = defaultdict(set)  # who wrote the current revision's content
        self.clock: dict[str, int] = defaultdict(int)  # commits so far on each day
        self.self_approvals: list[str] = []
        self.tables: list[str] = []  # the CSVs records carry, as committed

    def _read(self, path: Path) -> _File:
        text = path.read_bytes().decode("utf-8")
        return _File(path.relative_to(self.source).as_posix(), text, _meta(text))

    def person(self, who: str) -> dict:
        """The person with id `who`, or else the first person holding the role `who`."""
        return next((p for p in self.people if p["id"] == who), None) or next(
            p for p in self.people if who in p["roles"])

    def git(self, *args: str, who: dict | None = None, day: str = "", stdin: str | None = None) -> str:
        # Without the caller's git config and GIT_* variables nothing local changes a byte of the
        # result. Signing needs the caller's signing key, so then their global config stays.
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(LC_ALL="C", GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
        if not self.sign:
            env["GIT_CONFIG_GLOBAL"] = os.devnull
        if who is not None:
            self.clock[day] += 1
            stamp = datetime.fromisoformat(f"{day}T09:00:00{ZONE}") + timedelta(minutes=20 * self.clock[day])
            for part in ("AUTHOR", "COMMITTER"):
                env.update({f"GIT_{part}_NAME": who["name"], f"GIT_{part}_EMAIL": who["emails"][0],
                            f"GIT_{part}_DATE": stamp.isoformat()})
        proc = git_process(self.root, *args, stdin=stdin.encode("utf-8") if stdin is not None else None, base_env=env)
        out, err = proc.stdout.decode("utf-8", "replace").strip(), proc.stderr.decode("utf-8", "replace").strip()
        if proc.returncode != 0:
            raise DemoError(f"git {' '.join(args[:2])} failed: {err or out}")
        return out

    def commit(self, day: str, who: dict, message: str, trailers: list[str] | None = None,
               key: str = "Approves") -> None:
        body = message + ("\n\n" + "\n".join(f"{key}: {t}" for t in trailers) if trailers else "")
        self.git("add", "-A")
        # Hook for signed approvals: git signs with the caller's key; qms counts the signature only
        # when the roster lists that key under the approver's signing_keys.
        sign = ["-S"] if self.sign and trailers else []
        empty = ["--allow-empty"] if trailers and not self.git("diff", "--cached", "--name-only") else []
        self.git("commit", "-q", "--no-verify", *sign, *empty, "-F", "-", who=who, day=day, stdin=body + "\n")

    def copy_table(self, rec: _File) -> None:
        """The CSV a record names under `data:`, next to it, as the sample holds it."""
        table = (Path(rec.path).parent / rec.meta["data"]).as_posix()
        (self.root / table).write_bytes((self.source / table).read_bytes())
        self.tables.append(table)

    def current(self, doc_id: str) -> str:
        return (self.root / self.paths[doc_id]).read_bytes().decode("utf-8")

    def write(self, doc_id: str, text: str, who: dict | None = None) -> None:
        """Write a file; `who` is its author when the content changes (None for lifecycle edits)."""
        path = self.root / self.paths[doc_id]
        before = path.read_bytes().decode("utf-8") if path.exists() else None
        if who is not None and (before is None or _content(before) != _content(text)):
            if before is None or _meta(before).get("revision") != _meta(text).get("revision"):
                self.authors[doc_id] = set()
            self.authors[doc_id].add(who["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))

    def run(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        dc = self.person(DC)
        for key, value in (("user.name", dc["name"]), ("user.email", dc["emails"][0]),
                           ("commit.gpgsign", "false"), ("core.autocrlf", "false")):
            self.git("config", key, value)
        # Records are not part of STORY: each opens on its date and, if the sample has it closed,
        # closes once later and is never edited again.
        events: list[tuple[str, int, int, Step | tuple[str, _File]]] = [(s.date, 0, i, s) for i, s in enumerate(STORY)]
        for i, rec in enumerate(self.records):
            if rec.meta.get("data"):
                events.append((rec.meta["date"], 1, i, ("File", rec)))
                continue
            events.append((rec.meta["date"], 1, i, ("Open", rec)))
            if rec.meta["status"] == "closed":
                later = str(date.fromisoformat(rec.meta["date"]) + timedelta(days=14))
                events.append((CLOSED.get(rec.meta["id"], later), 1, i, ("Close", rec)))
        for day, _, _, event in sorted(events, key=lambda e: e[:3]):
            if isinstance(event, Step):
                getattr(self, "do_" + event.action.replace("-", "_"))(event)
                continue
            verb, rec = event
            who = self.person(rec.meta["owner"])
            self.write(rec.meta["id"], rec.text if verb != "Open" else _set_key(rec.text, "status", "open"), who)
            if verb == "File":
                self.copy_table(rec)
            self.commit(day, who, f"{verb} {rec.meta['id']}: {rec.meta['title']}")
        self.verify()

    def do_import(self, step: Step) -> None:
        for name in (".gitignore", "mkdocs.yml", "portal", "docs/guides", "schemas", "templates", *self.registries):
            if (self.source / name).is_dir():
                shutil.copytree(self.source / name, self.root / name)
            elif (self.source / name).is_file():
                (self.root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.source / name, self.root / name)
        # The demo's history is its approval record from the first commit, so it has no adoption
        # baseline: drop the sample's `baseline:` and the comment above it, keeping every other byte.
        settings = (self.source / "qms.yml").read_bytes().decode("utf-8")
        (self.root / "qms.yml").write_bytes(re.sub(r"(?m)^\n?(?:#.*\n)*baseline:.*\n?", "", settings).encode())
        later = {i for s in STORY if s.action == "add" for i in s.ids}
        for doc_id, file in self.docs.items():
            if doc_id not in later:
                self.write(doc_id, self.lifecycle(_older(file), "review", None), self.person(step.who))
        self.commit(step.date, self.person(step.who), step.message)

    def do_approve_import(self, step: Step) -> None:
        by_person: dict[str, list[str]] = defaultdict(list)
        for doc_id in self.authors:
            roles = _meta(self.current(doc_id))["approvers"]
            if len(roles) != 1:  # several roles would need several approval commits per document
                raise DemoError(f"{doc_id}: the demo story expects one approver role, not {roles}")
            by_person[self.person(roles[0])["id"]].append(doc_id)
        for person in self.people:  # in roster order, so the director comes first
            ids = tuple(by_person.get(person["id"], ()))
            if ids:
                self.do_approve(Step(step.date, "", "approve", ids, f"Approve {', '.join(ids)}"), person)

    def do_approve(self, step: Step, who: dict | None = None) -> None:
        who = who or self.person(step.who)
        if step.branch:
            self.git("checkout", "-q", "-b", step.branch)
        trailers = []
        for doc_id in step.ids:
            text, final = self.current(doc_id), self.docs[doc_id].meta
            meta = _meta(text)
            if not set(meta["approvers"]) & set(who["roles"]) or who["id"] in self.authors[doc_id]:
                raise DemoError(f"the story lets {who['id']} approve {doc_id}, which the approval model forbids")
            # The sample's effective date for its own revision; earlier revisions take effect on approval.
            effective = final["effective"] if meta["revision"] == final["revision"] else step.date
            self.write(doc_id, self.lifecycle(text, "effective", effective))
            trailers.append(f"{doc_id}@{meta['revision']}")
        self.commit(step.date, who, step.message, trailers)
        if step.branch:
            self.git("checkout", "-q", "main")

    def do_review_round(self, step: Step) -> None:
        """A periodic review of every document in force but `step.ids`, one commit per reviewer: the first
        holder of an approver role, or else of the owner role, who did not write the revision."""
        by_person: dict[str, list[str]] = defaultdict(list)
        for doc_id in sorted(self.docs):
            if doc_id in step.ids or not (self.root / self.paths[doc_id]).exists():
                continue
            meta = _meta(self.current(doc_id))
            if meta.get("status") != "effective":
                continue
            roles = [*meta.get("approvers", []), meta.get("owner")]
            reviewer = next((p for role in roles for p in self.people
                             if role in p["roles"] and p["id"] not in self.authors[doc_id]), None)
            if reviewer is None:
                raise DemoError(f"nobody may make the periodic review of {doc_id} in the demo story")
            by_person[reviewer["id"]].append(f"{doc_id}@{meta['revision']}")
        for person in self.people:
            trailers = by_person.get(person["id"])
            if trailers:
                ids = ", ".join(t.split("@")[0] for t in trailers)
                self.commit(step.date, person, f"{step.message} of {ids}: confirmed unchanged", trailers,
                            "Periodic-review")

    def do_ack(self, step: Step) -> None:
        trailers = [f"{i}@{_meta(self.current(i))['revision']}" for i in step.ids]
        self.commit(step.date, self.person(step.who), step.message, trailers, "Acknowledges")

    def do_self_approve(self, step: Step) -> None:
        # A trailer-only commit: the status stays where the author left it.
        who = self.person(step.who)
        if not all(who["id"] in self.authors[i] for i in step.ids):
            raise DemoError(f"the story's self-approval by {who['id']} is not of content they wrote")
        trailers = [f"{i}@{_meta(self.current(i))['revision']}" for i in step.ids]
        self.self_approvals.append(f"{', '.join(trailers)} by {who['id']}")
        self.commit(step.date, who, step.message, trailers)

    def do_merge(self, step: Step) -> None:
        # The approval stays the side branch's commit; the merge only brings it onto main.
        self.git("merge", "-q", "--no-ff", "-m", step.message, step.branch, who=self.person(step.who), day=step.date)

    def do_revise(self, step: Step) -> None:
        who = self.person(step.who)
        for doc_id in step.ids:
            file = self.docs[doc_id]
            effective = file.meta.get("effective") if step.status in ("effective", "obsolete") else None
            self.write(doc_id, self.lifecycle(_older(file) if step.older else file.text, step.status, effective), who)
        self.commit(step.date, who, step.message)

    do_add = do_revise

    def do_status(self, step: Step) -> None:
        for doc_id in step.ids:
            text = _set_key(self.current(doc_id), "status", step.status)
            if step.status == "obsolete":  # withdrawal names the successor; no new revision, no approval
                text = _set_key(text, "superseded_by", self.docs[doc_id].meta["superseded_by"], "effective")
            self.write(doc_id, text)
        self.commit(step.date, self.person(step.who), step.message)

    def do_rename(self, step: Step) -> None:
        doc_id = step.ids[0]
        self.paths[doc_id] = self.docs[doc_id].path
        self.git("mv", step.path, self.paths[doc_id])
        self.commit(step.date, self.person(step.who), step.message)

    @staticmethod
    def lifecycle(text: str, status: str, effective: str | None) -> str:
        return _set_key(_set_key(text, "status", status), "effective", effective)

    def verify(self) -> None:
        """The story must end exactly at the sample; a difference means STORY or OLDER is wrong."""
        wrong = [f.path for f in self.files if (self.root / f.path).read_bytes() != f.text.encode("utf-8")]
        wrong += [t for t in self.tables if (self.root / t).read_bytes() != (self.source / t).read_bytes()]
        if wrong or self.git("status", "--porcelain"):
            raise DemoError(f"the demo story does not end at the sample: {', '.join(wrong) or 'stray files'}")


def refresh_demo(target: Path, source: Path) -> tuple[DemoSummary, bool]:
    """Build the demo in `target`, or keep it when it already holds exactly this demo, untouched.

    The build is reproducible, so an earlier build is recognised by its commit id; any other
    content in `target` is refused, never overwritten. Returns the summary and whether it was built.
    """
    target = Path(target)
    if not target.exists() or (target.is_dir() and not any(target.iterdir())):
        return build_demo(target, source), True
    with tempfile.TemporaryDirectory(prefix="qms-demo-") as scratch:
        fresh = build_demo(Path(scratch) / "demo", source)
        try:
            head = run_git(target, "rev-parse", "HEAD").decode().strip()
            dirty = run_git(target, "status", "--porcelain", "--untracked-files=no").decode().strip()
        except (GitError, NotADirectoryError):
            head, dirty = "", ""
        if head != fresh.head or dirty:
            raise DemoError(f"{target} already exists and is not this demo (or has changes); "
                            "give a new or empty folder for the demo")
        return replace(fresh, path=target), False


def build_demo(target: Path, source: Path, sign: bool = False) -> DemoSummary:
    """Build the demo repository in `target` (new or empty) from the sample QMS in `source`.

    With `sign`, approval commits are signed with the key in the caller's git config (no keys are
    made here), and the result is no longer the same byte for byte.
    """
    target, source = Path(target), Path(source)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DemoError(f"{target} already exists and is not empty; give a new or empty folder for the demo")
    if not (source / "qms.yml").is_file():
        raise DemoError(f"{source} holds no sample QMS (no qms.yml)")
    if shutil.which("git") is None:
        raise DemoError("git is not installed or not on PATH, and the demo is a git repository")
    _check_sample(source)
    try:
        builder = _Builder(target, source, sign)
        builder.run()
    except (KeyError, StopIteration) as exc:
        raise DemoError(f"the sample in {source} does not hold what the demo story needs (missing: {exc}); "
                        "the demo replays qmskit's own sample, so give --from a copy of it") from None
    renamed = next(s for s in STORY if s.action == "rename")
    withdrawn = next(s for s in STORY if s.status == "obsolete").ids[0]
    return DemoSummary(
        path=target, commits=int(builder.git("rev-list", "--count", "HEAD")),
        head=builder.git("rev-parse", "HEAD"), documents=len(builder.docs), records=len(builder.records),
        renamed=(renamed.ids[0], renamed.path, builder.paths[renamed.ids[0]]),
        obsolete=withdrawn, superseded_by=builder.docs[withdrawn].meta["superseded_by"],
        merged_branch=next(s.branch for s in STORY if s.action == "merge"), self_approvals=builder.self_approvals,
    )
