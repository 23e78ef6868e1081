"""Build the demonstration repository: the sample QMS with two years of scripted git history.

The sample holds only the final state of each file. The story below replays how the
office got there, 2024-07-01 to 2026-11-15, as git commits that follow the approval
model in DESIGN.md: people from the roster author and approve, approvals are commits
by the approver with `Approves: ID@REV` trailers that change only `status` and
`effective`, and every later revision restarts in draft or review. Every date, name
and message is fixed, so two builds give the same commit ids.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from qms.errors import QmsError


class DemoError(QmsError):
    """The demo cannot be built: the target is in use, or the sample does not fit the story."""


FIRST_REVISION = "A/0"
ZONE = "+08:00"  # the office's time zone; part of every commit date
DC, DIRECTOR, MR = "document-controller", "director", "management-representative"


@dataclass(frozen=True)
class Step:
    """One event of the story. `who` is a role id: the first person in the roster holding it acts."""

    date: str
    who: str
    action: str  # import, approve-import, add, revise, status, approve, self-approve, merge, withdraw, rename
    ids: tuple[str, ...] = ()
    message: str = ""
    status: str = "review"  # for add, revise and status
    older: bool = False  # add: write the earlier text from OLDER, not the sample's
    branch: str = ""  # approve: commit on this side branch; merge: the branch to merge
    path: str = ""  # rename: the older file name


STORY = [
    Step("2024-07-01", DC, "import", message="Import the quality management system at revision A/0"),
    Step("2024-07-01", "", "approve-import"),
    Step("2025-01-20", DC, "add", ("QP-14",), "Draft QP-14 on risks and opportunities to replace QP-13",
         status="draft"),
    Step("2025-02-03", DC, "revise", ("QP-06", "QP-11"), "QP-06, QP-11 A/1: monthly assessment and accountability"),
    Step("2025-02-05", DC, "revise", ("QM-01", "QM-04"), "QM-01, QM-04 A/1: risk-based planning and accountability"),
    Step("2025-02-07", DC, "status", ("QP-14",), "Send QP-14 for review"),
    Step("2025-02-17", MR, "approve", ("QP-06", "QP-11", "QP-14"), "Approve QP-06, QP-11 and QP-14"),
    Step("2025-02-20", DIRECTOR, "approve", ("QM-01", "QM-04"), "Approve QM-01 and QM-04 revision A/1"),
    Step("2025-03-03", DC, "withdraw", ("QP-13",), "Withdraw QP-13: superseded by QP-14"),
    Step("2025-06-10", DC, "rename", ("QP-08",), "Rename QP-08's file to match its title",
         path="procedures/qp-08-purchasing.md"),
    Step("2025-07-07", DC, "revise", ("WI-04-01",), "WI-04-01 A/1: ask for extensions by day 4 (REC-2025-004)"),
    Step("2025-07-14", "secretariat-head", "approve", ("WI-04-01",), "Approve WI-04-01 revision A/1"),
    Step("2025-12-22", DC, "revise", ("QM-03", "QP-05", "QP-09", "F-09-01"),
         "Revise QM-03, QP-05, QP-09, F-09-01 after the 2025 management review"),
    Step("2025-12-23", MR, "approve", ("QP-05", "QP-09"), "Approve QP-05 and QP-09 revision A/1",
         branch="approve/management-review-2025"),
    Step("2025-12-24", "supervision-head", "approve", ("F-09-01",), "Approve F-09-01 revision A/1"),
    Step("2025-12-29", DIRECTOR, "approve", ("QM-03",), "Approve QM-03 revision A/1"),
    Step("2025-12-30", DC, "merge", message="Merge the approval of QP-05 and QP-09",
         branch="approve/management-review-2025"),
    Step("2026-01-19", DC, "revise", ("QP-02",), "QP-02 B/0: approval in the document repository",
         status="draft"),
    Step("2026-02-02", DC, "status", ("QP-02",), "Send QP-02 B/0 for review"),
    Step("2026-02-09", MR, "approve", ("QP-02",), "Approve QP-02 revision B/0"),
    Step("2026-05-11", DC, "revise", ("WI-07-01",), "WI-07-01 A/1: restore tests on the standby server"),
    Step("2026-05-18", "it-head", "approve", ("WI-07-01",), "Approve WI-07-01 revision A/1"),
    Step("2026-08-03", "supervision-head", "add", ("WI-04-03",), "Draft WI-04-03 on requests from the public",
         status="draft", older=True),
    Step("2026-08-24", "supervision-head", "revise", ("WI-04-03",), "WI-04-03: add the records section",
         status="draft"),
    # Segregation of duties: she wrote WI-04-03 and tries to approve it herself. qms must reject
    # this; she alone holds supervision-head, so WI-04-03 stays a draft, as in the sample.
    Step("2026-08-25", "supervision-head", "self-approve", ("WI-04-03",), "Approve WI-04-03"),
]

# When each closed record was closed (as its text says); others close 14 days after their date.
CLOSED = {"REC-2025-002": "2025-11-05", "REC-2025-003": "2025-05-30", "REC-2025-004": "2025-11-05",
          "REC-2025-005": "2025-09-12", "REC-2025-006": "2025-12-08", "REC-2025-007": "2025-12-29",
          "REC-2026-001": "2026-06-05", "REC-2026-002": "2026-04-28", "REC-2026-007": "2026-11-15"}


class Section(str):
    """A heading that stands for its whole section, up to the next heading of its level or above."""


# Earlier text of documents the story revises: (text in the sample, text before). The front-matter
# keys `revision`, `change` and `superseded_by` are reset separately (see _older).
OLDER: dict[str, list[tuple[str, str]]] = {
    "QM-01": [("QP-12, QP-14, WI", "QP-12, QP-13, WI"), ("to [[QP-14]])", "to [[QP-13]])"),
              ("[[QP-12]], [[QP-14]] |", "[[QP-12]], [[QP-13]] |"),
              (" and in the risk register ([[QP-14]]).", "."),
              ("goes with it. Accountability follows the reporting\nline: when an error is found, the member of "
               "staff who made it, their section\nhead and the deputy director above them are each assessed, as "
               "set out in\n[[QP-11]] and [[QP-06]].", "goes with it."),
              ("Risks and opportunities — what could make the office miss an\nobjective, and what could help "
               "it do better — are identified, assessed and\nacted on under [[QP-14]], which replaces the former "
               "preventive action\nprocedure.", "Potential problems are\nprevented by preventive action "
               "([[QP-13]]).")],
    "QM-03": [("; at least two thirds finished the same day |", " |"),
              ("| mayors and departments yearly; service-window public half-yearly |", "| yearly |"),
              ("within 5 working days, the average in working days, and the share\nfinished on the day of "
               "registration.", "within 5 working days and the average in working days."),
              ("department the office serves; the\nhalf-yearly survey goes to members of the public served at "
               "the service\nwindow in the survey month.", "department the office serves.")],
    "QM-04": [(Section("## Accountability"), "")],
    "QP-02": [("5. Approval is given in the repository by the approver's own commit, which\n   sets status "
               "`effective` and the effective date. The repository keeps who\n   approved, when and which "
               "revision; no paper approval sheet is used.", "5. The approver signs the paper approval sheet; "
               "the document controller files\n   it and sets status `effective` and the effective date."),
              ("- The repository history: every revision, its change summary, author,\n  approvers and "
               "effective date.", "- Signed approval sheets, kept for the life of the document plus 3 "
               "years.")],
    "QP-05": [("QP-12, QP-14]", "QP-12, QP-13]"), ("[[QP-01]]; [[QP-14]].", "[[QP-01]]; [[QP-13]]."),
              ("2. A mid-year review in July, covering January to June, focused on the\n   objectives and open "
               "actions.\n3. An extra", "2. An extra"),
              ("9. Effectiveness of the actions taken on risks and opportunities\n   ([[QP-14]]).",
               "9. Preventive actions taken ([[QP-13]]).")],
    "QP-06": [("runs the monthly", "runs the yearly"), ("staff each month.", "staff each year."),
              ("confirms the monthly", "confirms the yearly"),
              (Section("### 4.5 Monthly performance assessment"), "### 4.5 Yearly performance assessment\n\n"
               "In January each section head scores each member of staff for the\nprevious year on: time "
               "limits kept, errors, service attitude and tasks\ncompleted. The deputy director confirms the "
               "results.\n\n")],
    "QP-09": [("- **Half-yearly survey** of members of the public served at the office's\n  service window or "
               "who wrote to the office.\n", ""), (Section("### 4.2 Half-yearly survey of the public"), ""),
              ("### 4.3 Analysis", "### 4.2 Analysis"), ("### 4.4 Action", "### 4.3 Action")],
    "QP-11": [(Section("### 4.5 Accountability"), ""), ("### 4.6 Close", "### 4.5 Close")],
    "F-09-01": [(Section("## Part C — Members of the public (short form)"), "")],
    "WI-04-01": [("**by the end of the 4th working day**, giving\n   the reason and a new date. The OA system "
                  "warns the handler and the\n   secretariat-head at the start of day 4. An extension approved "
                  "after the\n   limit has expired does not count.", "before the 5 days run out,\n   giving "
                  "the reason and a new date.")],
    "WI-07-01": [("to the standby server", "to a test folder on the OA server"),
                 ("7. **Report.** Each quarter the it-head sends the management representative\n   the backup "
                  "success rate and the restore test results.\n", "")],
    "WI-04-03": [(Section("## Records"), "")],
}


@dataclass
class DemoSummary:
    path: Path
    commits: int
    head: str
    documents: int
    records: int
    renamed: tuple[str, str, str]  # id, old path, new path
    obsolete: str  # id made obsolete
    superseded_by: str
    merged_branch: str
    self_approval: str  # the rejected approval, "ID@REV by person"


@dataclass
class _File:
    path: str  # relative to the sample root, POSIX
    text: str
    meta: dict


def _front_matter(text: str) -> tuple[list[str], str]:
    """The front-matter lines (without the --- fences) and everything from the closing fence on."""
    end = text.index("\n---\n", 4)
    return text[4:end].split("\n"), text[end:]


def _meta(text: str) -> dict:
    # BaseLoader keeps every value as written: "A/0", "2024-07-01" stay text.
    return yaml.load("\n".join(_front_matter(text)[0]), Loader=yaml.BaseLoader) or {}


def _set_key(text: str, key: str, value: str | None, after: str = "approvers") -> str:
    """Set, insert (after the `after` line) or drop one front-matter key, keeping every other byte."""
    lines, rest = _front_matter(text)
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if at is not None:
        end = at + 1
        while end < len(lines) and lines[end].startswith(" "):  # folded continuation lines
            end += 1
        lines[at:end] = [] if value is None else [f"{key}: {value}"]
    elif value is not None:
        anchor = next(i for i, line in enumerate(lines) if line.startswith(f"{after}:"))
        lines.insert(anchor + 1, f"{key}: {value}")
    return "---\n" + "\n".join(lines) + rest


def _section(text: str, heading: str) -> str:
    start = text.index("\n" + heading) + 1
    level = len(heading) - len(heading.lstrip("#")) or 6  # a quote block ends at the next heading
    stop = re.compile(r"^(#{1,%d} |---$)" % level, re.M)
    match = stop.search(text, start + len(heading))
    return text[start : match.start() if match else len(text)]


def _older(file: _File) -> str:
    """The document's text before the story's revisions: first revision, no change summary, no successor."""
    text = file.text
    for key, value in (("revision", FIRST_REVISION), ("change", None), ("superseded_by", None)):
        text = _set_key(text, key, value)
    for new, old in OLDER.get(file.meta["id"], []):
        new = _section(text, new) if isinstance(new, Section) else new
        if text.count(new) != 1:
            raise DemoError(f"{file.path}: the demo story expects this text once in the sample: {new[:60]!r}")
        text = text.replace(new, old)
    return text


def _content(text: str) -> str:
    """What counts as content: everything but the status and effective lines."""
    lines, rest = _front_matter(text)
    return "\n".join(line for line in lines if not line.startswith(("status:", "effective:"))) + rest


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
        self.authors: dict[str, set[str]] = defaultdict(set)  # content authors of the current revision
        self.clock: dict[str, int] = defaultdict(int)  # commits so far on each date
        self.self_approval = ""

    def _read(self, path: Path) -> _File:
        text = path.read_bytes().decode("utf-8")
        return _File(path.relative_to(self.source).as_posix(), text, _meta(text))

    def person(self, role: str) -> dict:
        return next(p for p in self.people if role in p["roles"])

    # -- git ---------------------------------------------------------------------------------
    def git(self, *args: str, who: dict | None = None, day: str = "", stdin: str | None = None) -> str:
        # Leave out the caller's git settings and GIT_* variables, so nothing local changes a
        # byte of the result. Signing needs the caller's signing key, so it keeps their config.
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
        proc = subprocess.run(["git", *args], cwd=self.root, env=env, input=stdin, capture_output=True,
                              text=True, encoding="utf-8")
        if proc.returncode != 0:
            raise DemoError(f"git {' '.join(args[:2])} failed: {proc.stderr.strip() or proc.stdout.strip()}")
        return proc.stdout.strip()

    def commit(self, step: Step, who: dict, message: str, trailers: list[str], approval: bool = False) -> None:
        body = message + ("\n\n" + "\n".join(f"Approves: {t}" for t in trailers) if trailers else "") + "\n"
        self.git("add", "-A")
        # The hook for signed approvals: the key comes from the caller's git config; the roster must
        # list it under the approver's signing_keys for qms to count the signature.
        sign = ["-S"] if self.sign and approval else []
        empty = ["--allow-empty"] if approval and not self.git("diff", "--cached", "--name-only") else []
        self.git("commit", "-q", "--no-verify", *sign, *empty, "-F", "-", who=who, day=step.date, stdin=body)

    # -- files -------------------------------------------------------------------------------
    def current(self, doc_id: str) -> str:
        return (self.root / self.paths[doc_id]).read_bytes().decode("utf-8")

    def write(self, doc_id: str, text: str, who: dict | None) -> None:
        path = self.root / self.paths[doc_id]
        before = path.read_bytes().decode("utf-8") if path.exists() else None
        if who is not None and (before is None or _content(before) != _content(text)):
            if before is None or _meta(before).get("revision") != _meta(text).get("revision"):
                self.authors[doc_id] = set()
            self.authors[doc_id].add(who["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))

    def lifecycle(self, text: str, status: str, effective: str | None) -> str:
        return _set_key(_set_key(text, "status", status), "effective", effective)

    # -- the story ---------------------------------------------------------------------------
    def run(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        dc = self.person(DC)
        for key, value in (("user.name", dc["name"]), ("user.email", dc["emails"][0]),
                           ("commit.gpgsign", "false"), ("core.autocrlf", "false")):
            self.git("config", key, value)
        events = [(s.date, 0, i, s) for i, s in enumerate(STORY)]
        for i, rec in enumerate(self.records):
            events.append((rec.meta["date"], 1, i, ("open", rec)))
            if rec.meta["status"] == "closed":
                closed = CLOSED.get(rec.meta["id"]) or str(date.fromisoformat(rec.meta["date"]) + timedelta(14))
                events.append((closed, 1, i, ("close", rec)))
        for day, _, _, event in sorted(events, key=lambda e: e[:3]):
            if isinstance(event, tuple):
                self.record(day, *event)
            else:
                getattr(self, "do_" + event.action.replace("-", "_"))(event)
        self.verify()

    def record(self, day: str, what: str, rec: _File) -> None:
        # Records are not approved: the owner opens one on its date and closes it once, never to edit it again.
        who = self.person(rec.meta["owner"])
        text = rec.text if what == "close" else _set_key(rec.text, "status", "open")
        self.write(rec.meta["id"], text, who)
        title = f"{'Close' if what == 'close' else 'Open'} {rec.meta['id']}: {rec.meta['title']}"
        self.commit(Step(day, "", "record"), who, title, [])

    def do_import(self, step: Step) -> None:
        for name in ("qms.yml", "mkdocs.yml", "schemas", "templates", *self.registries):
            if (self.source / name).is_dir():
                shutil.copytree(self.source / name, self.root / name)
            elif (self.source / name).is_file():
                (self.root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.source / name, self.root / name)
        later = {i for s in STORY if s.action == "add" for i in s.ids}
        for doc_id, file in self.docs.items():
            if doc_id not in later:
                self.write(doc_id, self.lifecycle(_older(file), "review", None), self.person(step.who))
        self.commit(step, self.person(step.who), step.message, [])

    def do_approve_import(self, step: Step) -> None:
        by_person: dict[str, list[str]] = defaultdict(list)
        for doc_id in self.authors:
            roles = _meta(self.current(doc_id))["approvers"]
            if len(roles) != 1:
                raise DemoError(f"{doc_id}: the demo story expects one approver role, not {roles}")
            by_person[self.person(roles[0])["id"]].append(doc_id)
        for person in self.people:  # roster order: the director first
            if person["id"] in by_person:
                ids = tuple(by_person[person["id"]])
                self.approve(Step(step.date, "", "approve", ids, f"Approve {', '.join(ids)}"), person)

    def do_approve(self, step: Step) -> None:
        self.approve(step, self.person(step.who))

    def approve(self, step: Step, who: dict) -> None:
        if step.branch:
            self.git("checkout", "-q", "-b", step.branch)
        trailers = []
        for doc_id in step.ids:
            text, final = self.current(doc_id), self.docs[doc_id].meta
            meta = _meta(text)
            if not set(meta["approvers"]) & set(who["roles"]) or who["id"] in self.authors[doc_id]:
                raise DemoError(f"the story lets {who['id']} approve {doc_id}, which the approval model forbids")
            is_final = meta["revision"] == final["revision"]
            effective = final["effective"] if is_final else step.date
            self.write(doc_id, self.lifecycle(text, "effective", effective), None)
            trailers.append(f"{doc_id}@{meta['revision']}")
        self.commit(step, who, step.message, trailers, approval=True)
        if step.branch:
            self.git("checkout", "-q", "main")

    def do_merge(self, step: Step) -> None:
        # The approval stays the side branch's commit; the merge only brings it onto main.
        self.git("merge", "-q", "--no-ff", "-m", step.message, step.branch, who=self.person(step.who), day=step.date)

    def do_self_approve(self, step: Step) -> None:
        # An approval commit that changes no file: the status stays where the author left it.
        who = self.person(step.who)
        trailers = [f"{i}@{_meta(self.current(i))['revision']}" for i in step.ids]
        if not all(who["id"] in self.authors[i] for i in step.ids):
            raise DemoError(f"the story's self-approval by {who['id']} is not of content they wrote")
        self.self_approval = f"{', '.join(trailers)} by {who['id']}"
        self.commit(step, who, step.message, trailers, approval=True)

    def do_add(self, step: Step) -> None:
        self.do_revise(step)

    def do_revise(self, step: Step) -> None:
        who = self.person(step.who)
        for doc_id in step.ids:
            file = self.docs[doc_id]
            text = _older(file) if step.older else file.text
            effective = file.meta.get("effective") if step.status in ("effective", "obsolete") else None
            self.write(doc_id, self.lifecycle(text, step.status, effective), who)
        self.commit(step, who, step.message, [])

    def do_status(self, step: Step) -> None:
        for doc_id in step.ids:
            self.write(doc_id, _set_key(self.current(doc_id), "status", step.status), None)
        self.commit(step, self.person(step.who), step.message, [])

    def do_withdraw(self, step: Step) -> None:
        # Making a document obsolete is a status change and names the successor; no approval.
        for doc_id in step.ids:
            text = _set_key(self.current(doc_id), "status", "obsolete")
            text = _set_key(text, "superseded_by", self.docs[doc_id].meta["superseded_by"], after="effective")
            self.write(doc_id, text, None)
        self.commit(step, self.person(step.who), step.message, [])

    def do_rename(self, step: Step) -> None:
        doc_id = step.ids[0]
        self.paths[doc_id] = self.docs[doc_id].path
        self.git("mv", step.path, self.paths[doc_id])
        self.commit(step, self.person(step.who), step.message, [])

    def verify(self) -> None:
        """The story must end exactly at the sample: any difference is a bug in the story table."""
        wrong = [f.path for f in self.files if (self.root / f.path).read_bytes() != f.text.encode("utf-8")]
        if wrong or self.git("status", "--porcelain"):
            raise DemoError(f"the demo story does not end at the sample for: {', '.join(wrong) or 'untracked files'}")


def build_demo(target: Path, source: Path, sign: bool = False) -> DemoSummary:
    """Build the demo repository in `target` (new or empty) from the sample in `source`.

    `sign` signs the approval commits with the signing key in the caller's git config; the
    result is then no longer byte-for-byte reproducible.
    """
    target, source = Path(target), Path(source)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DemoError(f"{target} already exists and is not empty; give a new or empty folder for the demo")
    if not (source / "qms.yml").is_file():
        raise DemoError(f"{source} holds no sample QMS (no qms.yml)")
    if shutil.which("git") is None:
        raise DemoError("git is not installed or not on PATH; the demo is a git repository")
    builder = _Builder(target, source, sign)
    builder.run()
    renamed = next(s for s in STORY if s.action == "rename")
    withdrawn = next(s for s in STORY if s.action == "withdraw").ids[0]
    return DemoSummary(
        path=target, commits=int(builder.git("rev-list", "--count", "HEAD")), head=builder.git("rev-parse", "HEAD"),
        documents=len(builder.docs), records=len(builder.records),
        renamed=(renamed.ids[0], renamed.path, builder.paths[renamed.ids[0]]),
        obsolete=withdrawn, superseded_by=builder.docs[withdrawn].meta["superseded_by"],
        merged_branch=next(s.branch for s in STORY if s.action == "merge"), self_approval=builder.self_approval,
    )
