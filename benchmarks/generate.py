#!/usr/bin/env python3
"""Build a synthetic QMS git repository with a long document-control history.

The files at HEAD pass `qms check`, and the history follows the approval
model of DESIGN.md (it passes `qms check --history`), so `qms history` has
real work to do:

- documents (manual, procedure, work-instruction, form) are created at
  revision 1, edited in `draft`/`review`, and approved by a commit whose
  author holds the approver role, never an author of that revision, with a
  trailer `Approves: QP-07@3` per document (some commits approve several);
- the approval sets `status: effective` and `effective: DATE`; the next
  content change starts a new revision (revision bumped, `change:` given);
- some revisions rename the file (a new title gives a new file name), and
  some commits only move a file into a subfolder;
- a few revisions are prepared on a side branch and merged (the first-parent
  line of `main` carries the merge);
- commit dates increase, and the same seed gives the same commit ids.

Everything is streamed into one `git fast-import` process: one `git commit`
per commit would take minutes for 20,000 commits.

Usage:
    python benchmarks/generate.py DEST [--size small|medium|large]
        [--docs N] [--commits M] [--seed S] [--layout flat|nested] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

# Presets: (documents, commits, records).
SIZES: dict[str, tuple[int, int, int]] = {
    "small": (200, 2_000, 2_000),
    "medium": (2_000, 20_000, 20_000),
    "large": (10_000, 50_000, 50_000),
}

# History runs from here to END; commit dates are spread evenly over it.
TZ = timezone(timedelta(hours=8))
START = datetime(2019, 3, 1, 9, 0, tzinfo=TZ)
END = datetime(2026, 10, 30, 18, 0, tzinfo=TZ)

LAYOUTS = ("flat", "nested")

MAIN = "refs/heads/main"

# Side branches are written to this ref and merged into main; it is deleted at the end.
TOPIC = "refs/heads/topic"

# The id patterns of the sample's qms.yml: at most 99 procedures and 99 work
# instructions and 99 forms per procedure.
MAX_PROCEDURES = 99
MAX_CHILDREN = 99

# ---------------------------------------------------------------------------
# Organisation: roles and people
# ---------------------------------------------------------------------------

# (section key, role id, English name, Chinese name)
SECTIONS: list[tuple[str, str, str, str]] = [
    ("secretariat", "secretariat-head", "Secretariat Section", "秘书科"),
    ("general-affairs", "general-affairs-head", "General Affairs Section", "行政事务科"),
    ("supervision", "supervision-head", "Supervision Section", "督查科"),
    ("information", "it-head", "Information Section", "信息科"),
    ("personnel", "personnel-head", "Personnel Section", "人事科"),
    ("finance", "finance-head", "Finance Section", "财务科"),
    ("research", "research-head", "Research Section", "调研科"),
]

# 15 roles: (id, title, reports_to, responsibility).
ROLES: list[tuple[str, str, str | None, str]] = [
    ("director", "Director of the General Office", None,
     "Sets the quality policy and objectives and approves the quality manual."),
    ("management-representative", "Deputy Director and Management Representative", "director",
     "Keeps the quality management system running and approves procedures."),
    ("deputy-director", "Deputy Director for General Affairs", "director",
     "Directs the General Affairs, Supervision and Personnel sections."),
    ("section-heads", "Section Heads (collectively)", "director",
     "Apply the procedures in their sections and brief staff on each new revision."),
    *[(role, f"Head of the {name} ({zh})", "management-representative",
       f"Runs the {name.lower()} and approves its work instructions and forms.")
      for _key, role, name, zh in SECTIONS],
    ("document-controller", "Document Controller", "management-representative",
     "Keeps the document register and the repository in order."),
    ("archivist", "Archivist", "secretariat-head",
     "Keeps records and transfers them to the city archives."),
    ("internal-auditor", "Internal Auditor", "management-representative",
     "Audits the quality management system against ISO 9001 and the procedures."),
    ("all-staff", "All Staff", None,
     "Follow the documents that apply to their work."),
]

SURNAMES = [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
            ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"),
            ("Xu", "徐"), ("Sun", "孙"), ("Hu", "胡"), ("Zhu", "朱"), ("Gao", "高"),
            ("Lin", "林"), ("He", "何"), ("Guo", "郭"), ("Ma", "马"), ("Luo", "罗")]
GIVEN = [("Li", "立"), ("Jing", "静"), ("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"),
         ("Qiang", "强"), ("Lei", "磊"), ("Jun", "军"), ("Yang", "洋"), ("Yan", "燕"),
         ("Tao", "涛"), ("Ming", "明"), ("Hua", "华"), ("Ping", "平"), ("Gang", "刚"),
         ("Hui", "慧"), ("Xin", "欣"), ("Yu", "宇"), ("Lin", "琳"), ("Bo", "波")]


@dataclass
class Person:
    id: str
    name: str
    emails: list[str]
    roles: list[str]
    section: str | None = None  # which section's documents they usually write


def make_people(rng: random.Random) -> list[Person]:
    """About 40 people; every role held, every section head role held twice."""
    names = rng.sample([(s, g) for s in SURNAMES for g in GIVEN], 40)
    people: list[Person] = []

    def add(roles: list[str], section: str | None = None) -> None:
        (sur, sur_zh), (giv, giv_zh) = names[len(people)]
        pid = f"{sur}-{giv}".lower()
        emails = [f"{sur}.{giv}@office.example".lower()]
        # A few people also commit from an older address: both must map to them.
        if len(people) % 9 == 4:
            emails.append(f"{sur}{giv}@gov.example".lower())
        people.append(Person(pid, f"{sur} {giv} ({sur_zh}{giv_zh})", emails, roles, section))

    add(["director"])
    add(["management-representative", "internal-auditor"])
    add(["deputy-director"])
    for key, role, _name, _zh in SECTIONS:
        add([role, "section-heads"], key)  # head
        add([role], key)  # deputy head, who can approve in the head's absence
    add(["document-controller", "all-staff"])
    add(["document-controller", "all-staff"])
    add(["archivist", "all-staff"], "secretariat")
    add(["archivist", "all-staff"], "secretariat")
    while len(people) < 40:
        section = SECTIONS[len(people) % len(SECTIONS)][0]
        roles = ["all-staff", "internal-auditor"] if len(people) % 6 == 0 else ["all-staff"]
        add(roles, section)
    return people


# ---------------------------------------------------------------------------
# Words for titles and bodies
# ---------------------------------------------------------------------------

# (English, Chinese) objects of the office's work, used in titles.
OBJECTS = [("Incoming Letters", "来文"), ("Meeting Minutes", "会议纪要"), ("Public Requests", "群众来信"),
           ("Outgoing Documents", "发文"), ("Vehicle Bookings", "用车申请"), ("Budget Requests", "预算申请"),
           ("Training Plans", "培训计划"), ("Supplier Evaluations", "供应商评价"), ("Data Backups", "数据备份"),
           ("Visitor Passes", "来访登记"), ("Press Releases", "新闻稿"), ("Survey Results", "调查结果"),
           ("Duty Rotas", "值班表"), ("Contract Files", "合同档案"), ("Complaints", "投诉"),
           ("Leader Instructions", "领导批示"), ("Seal Use", "印章使用"), ("Confidential Papers", "涉密文件"),
           ("Office Supplies", "办公用品"), ("Reception Visits", "接待工作"), ("Research Reports", "调研报告"),
           ("Staff Leave", "请假"), ("Expense Claims", "费用报销"), ("Network Accounts", "网络账号")]
GERUNDS = [("Registering", "登记"), ("Checking", "核对"), ("Archiving", "归档"), ("Reviewing", "审核"),
           ("Scheduling", "安排"), ("Issuing", "印发"), ("Recording", "记录"), ("Handling", "办理"),
           ("Preparing", "准备"), ("Tracking", "跟踪")]
FORM_WORDS = [("Register", "登记表"), ("Record Form", "记录表"), ("Checklist", "检查表"),
              ("Request Form", "申请表"), ("Log", "台账")]
MANUAL_TITLES = [("Quality Manual", "质量手册"), ("Quality Policy", "质量方针"),
                 ("Quality Objectives", "质量目标"), ("Organisation and Responsibilities", "组织机构与职责"),
                 ("Context of the Office", "办公厅的环境"), ("Interested Parties", "相关方"),
                 ("Scope of the Quality System", "质量体系范围"), ("Process Map", "过程图")]

EN_ACTORS = ["the registry clerk", "the section head", "the duty officer", "the document controller",
             "the archivist", "the IT technician", "the drafting officer", "the meeting secretary"]
EN_VERBS = ["checks", "records", "registers", "files", "reviews", "signs", "scans", "forwards", "archives"]
EN_THINGS = ["the incoming letter", "the processing slip", "the meeting notice", "the draft reply",
             "the backup log", "the visitor register", "the budget request", "the training record",
             "the complaint form", "the signed minutes"]
EN_WHEN = ["on the day it arrives", "within 2 working days", "before the leader signs", "every Friday",
           "at the end of each month", "before 17:00", "as soon as the request is approved",
           "within 5 working days"]
ZH_ACTORS = ["登记员", "科长", "值班人员", "文件管理员", "档案员", "信息技术员", "拟稿人", "会务秘书"]
ZH_VERBS = ["核对", "登记", "归档", "审核", "签收", "扫描", "转交", "复核"]
ZH_THINGS = ["来文", "文件处理笺", "会议通知", "答复稿", "备份记录", "来访登记簿", "预算申请",
             "培训记录", "投诉表", "会议纪要"]
ZH_WHEN = ["当日", "在2个工作日内", "在领导签发前", "每周五", "每月月底", "在17:00前",
           "在申请批准后", "在5个工作日内"]
EN_CHANGES = ["Shortens the time limit after the {audit} found replies late",
              "Adds the OA system step agreed at the {review}",
              "Moves the check to the section head, as the {review} decided",
              "Clarifies who signs when the leader is away, after the {audit}",
              "Removes the paper copy now that the OA system keeps the record",
              "Updates the form to the new city archive rules"]
ZH_CHANGES = ["根据{audit}的发现缩短办理时限", "按照{review}的决定增加OA系统步骤",
              "明确领导外出时的签发人", "取消纸质副本，改由OA系统保存记录"]

# Clauses of ISO 9001:2015 that documents of each type typically address.
CLAUSES = {
    "manual": ["4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.2", "9.3"],
    "procedure": ["7.1.3", "7.2", "7.4", "7.5.3", "8.2.1", "8.4", "8.5.1", "8.7", "9.1.2", "9.2", "10.2"],
    "work-instruction": ["7.5.3", "8.5.1", "8.5.2", "8.5.4", "8.7"],
    "form": ["7.5.3", "8.5.2"],
}


def en_sentence(rng: random.Random) -> str:
    actor = rng.choice(EN_ACTORS)
    return (f"{actor[0].upper()}{actor[1:]} {rng.choice(EN_VERBS)} "
            f"{rng.choice(EN_THINGS)} {rng.choice(EN_WHEN)}.")


def zh_sentence(rng: random.Random) -> str:
    return f"{rng.choice(ZH_ACTORS)}{rng.choice(ZH_WHEN)}{rng.choice(ZH_VERBS)}{rng.choice(ZH_THINGS)}。"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def yaml_str(text: str) -> str:
    """A YAML scalar for `text`: plain when safe, else a JSON (= YAML) double-quoted string."""
    if re.fullmatch(r"[A-Za-z\u4e00-\u9fff][\w \u4e00-\u9fff()（）,'.-]*", text) and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


@dataclass
class Doc:
    id: str
    type: str
    folder: str  # e.g. procedures/qp-07
    section: str | None
    owner: str
    approver: str  # the one approver role
    zh: bool  # title and body in Chinese
    title_en: str = ""
    title_zh: str = ""
    revision: int = 0  # 0: not created yet
    status: str = "draft"
    effective: str | None = None
    change: str | None = None
    clauses: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)
    purpose: str = ""
    steps: list[str] = field(default_factory=list)
    records: str = ""
    activity: float = 1.0  # how often it is revised, relative to others
    authors: list[str] = field(default_factory=list)  # person ids of this revision's content
    subfolder: str = ""  # "" or a subfolder it was moved into
    parent: str | None = None  # the procedure a work instruction or form belongs to

    @property
    def title(self) -> str:
        return self.title_zh if self.zh else self.title_en

    @property
    def path(self) -> str:
        folder = f"{self.folder}/{self.subfolder}" if self.subfolder else self.folder
        return f"{folder}/{self.id.lower()}-{slugify(self.title_en)}.md"

    def render(self) -> bytes:
        lines = ["---", f"id: {self.id}", f"title: {yaml_str(self.title)}", f"type: {self.type}",
                 f"revision: {self.revision}", f"status: {self.status}", f"owner: {self.owner}",
                 f"approvers: [{self.approver}]"]
        if self.effective:
            lines.append(f"effective: {self.effective}")
        if self.change:
            lines.append(f"change: {yaml_str(self.change)}")
        if self.clauses:
            lines.append("clauses: [" + ", ".join(f'"{c}"' for c in self.clauses) + "]")
        if self.references:
            lines.append(f"references: [{', '.join(self.references)}]")
        if self.distribution:
            lines.append(f"distribution: [{', '.join(self.distribution)}]")
        lines += ["---", "", f"# {self.title}", ""]
        see = ""
        if self.references:
            links = [f"[[{ref}]]" for ref in self.references[:2]]
            see = f"参见{'、'.join(links)}。" if self.zh else f" See {' and '.join(links)}."
        lines += ["## 目的" if self.zh else "## Purpose", "", self.purpose + see, ""]
        lines += ["## 步骤" if self.zh else "## Steps", ""]
        lines += [f"{n}. {step}" for n, step in enumerate(self.steps, 1)]
        lines += ["", "## 记录" if self.zh else "## Records", "", self.records, ""]
        return "\n".join(lines).encode()


def plan_documents(n: int, rng: random.Random, layout: str = "flat") -> list[Doc]:
    """`n` documents in the order they are created: manuals, then procedures
    each followed (loosely) by their work instructions and forms.

    layout "flat" files them all directly in procedures/, as the sample QMS
    does; "nested" gives each procedure a folder for itself, its work
    instructions and its forms (smaller git trees, so git is much faster)."""
    manuals = max(2, min(len(MANUAL_TITLES) + 12, n // 100))
    procedures = max(1, min(MAX_PROCEDURES, n // 20))
    rest = n - manuals - procedures
    if rest < 0 or rest > procedures * MAX_CHILDREN * 2:
        raise SystemExit(f"--docs {n} does not fit the id patterns (QP-nn, WI-nn-nn, F-nn-nn)")
    docs: list[Doc] = []
    for i in range(manuals):
        en, zh = MANUAL_TITLES[i] if i < len(MANUAL_TITLES) else (f"Quality Manual Annex {i}", f"质量手册附录{i}")
        docs.append(Doc(f"QM-{i + 1:02d}", "manual", "manual", None, "management-representative",
                        "director", rng.random() < 0.25, en, zh))
    # Each child gets a random procedure; a procedure's children come after it.
    keyed: list[tuple[float, int, Doc]] = []
    for p in range(1, procedures + 1):
        key, role, _name, _zh = SECTIONS[(p - 1) % len(SECTIONS)]
        obj = OBJECTS[(p - 1) % len(OBJECTS)]
        folder = "procedures" if layout == "flat" else f"procedures/qp-{p:02d}"
        doc = Doc(f"QP-{p:02d}", "procedure", folder, key, role,
                  "management-representative", rng.random() < 0.25,
                  f"Control of {obj[0]}", f"{obj[1]}管理程序")
        keyed.append((rng.random() * 0.5, len(keyed), doc))
    counts = {("work-instruction", p): 0 for p in range(1, procedures + 1)}
    counts.update({("form", p): 0 for p in range(1, procedures + 1)})
    for i in range(rest):
        p = 1 + i % procedures
        kind = "work-instruction" if rng.random() < 0.55 else "form"
        if counts[(kind, p)] == MAX_CHILDREN:  # this procedure is full of that kind
            kind = "form" if kind == "work-instruction" else "work-instruction"
        counts[(kind, p)] += 1
        number = counts[(kind, p)]
        parent = keyed[p - 1][2]
        obj, gerund = rng.choice(OBJECTS), rng.choice(GERUNDS)
        if kind == "form":
            word = rng.choice(FORM_WORDS)
            en, zh, did = f"{obj[0]} {word[0]}", f"{obj[1]}{word[1]}", f"F-{p:02d}-{number:02d}"
        else:
            en, zh, did = f"{gerund[0]} {obj[0]}", f"{obj[1]}{gerund[1]}作业指导书", f"WI-{p:02d}-{number:02d}"
        doc = Doc(did, kind, parent.folder, parent.section, parent.owner, parent.owner,
                  rng.random() < 0.25, en, zh, parent=parent.id)
        keyed.append((keyed[p - 1][0] + rng.random() * 0.5, len(keyed), doc))
    docs += [doc for _key, _n, doc in sorted(keyed, key=lambda t: (t[0], t[1]))]
    for doc in docs:
        # A few documents change often, most rarely (a long-tailed spread).
        doc.activity = min(1.0, rng.paretovariate(1.2) / 8)
    return docs


@dataclass
class Record:
    """A retained record: written once, sometimes closed later, then never changed."""
    id: str
    kind: str
    title: str
    procedure: str
    date: str
    owner: str
    status: str
    retention: str
    extra: list[str]  # kind-specific front-matter lines
    text: str

    @property
    def path(self) -> str:
        return f"records/{self.date[:4]}/{self.id.lower()}-{slugify(self.title)}.md"

    def render(self) -> bytes:
        lines = ["---", f"id: {self.id}", f"title: {yaml_str(self.title)}", "type: record",
                 f"kind: {self.kind}", f"procedure: {self.procedure}", f"date: {self.date}",
                 f"owner: {self.owner}", f"status: {self.status}", f"retention: {self.retention}",
                 *self.extra, "---", "", f"# {self.title}", "", self.text, ""]
        return "\n".join(lines).encode()


# (kind, title, owner role, retention)
RECORD_KINDS = [("audit", "Internal audit", "internal-auditor", "5y"),
                ("nonconformity", "Nonconformity report", "supervision-head", "3y"),
                ("corrective-action", "Corrective action", "supervision-head", "3y"),
                ("training", "Training session", "personnel-head", "5y"),
                ("management-review", "Management review", "management-representative", "permanent"),
                ("satisfaction-survey", "Satisfaction survey", "research-head", "3y")]


# ---------------------------------------------------------------------------
# A set that supports O(1) add, remove and random choice
# ---------------------------------------------------------------------------


class Pool:
    def __init__(self) -> None:
        self.items: list[int] = []
        self.where: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item: int) -> bool:
        return item in self.where

    def add(self, item: int) -> None:
        if item not in self.where:
            self.where[item] = len(self.items)
            self.items.append(item)

    def remove(self, item: int) -> None:
        index = self.where.pop(item)
        last = self.items.pop()
        if last != item:
            self.items[index] = last
            self.where[last] = index

    def choice(self, rng: random.Random) -> int:
        return self.items[rng.randrange(len(self.items))]


# ---------------------------------------------------------------------------
# The history simulation, written as a fast-import stream
# ---------------------------------------------------------------------------


@dataclass
class Episode:
    """Some new revisions prepared on a side branch, then merged into main."""
    docs: list[int]
    base_mark: int
    commits_left: int
    old_paths: dict[int, str]
    tip: int = 0  # mark of the branch's last commit; 0 before the first


class Generator:
    def __init__(self, out: BinaryIO, docs: int, commits: int, seed: int, layout: str, records: int = 0) -> None:
        self.out = out
        self.rng = random.Random(seed)
        self.n_commits = commits
        self.people = make_people(self.rng)
        self.by_id = {p.id: p for p in self.people}
        self.holders = {role: [p.id for p in self.people if role in p.roles] for role, *_ in ROLES}
        self.docs = plan_documents(docs, self.rng, layout)
        self.mark = 0
        self.main_mark = 0
        self.when = START
        self.step = (END - START) / max(1, commits)
        # Documents by state; a document on a side branch is in none of them.
        self.draft, self.review, self.effective = Pool(), Pool(), Pool()
        self.review_by_role: dict[str, Pool] = {role: Pool() for role, *_ in ROLES}
        # Ids ever approved: safe to rely on, as they stay in force (nothing is made obsolete).
        self.in_force: list[str] = []
        self.in_force_set: set[str] = set()
        self.procedures_in_force: list[str] = []  # what records may be evidence for
        self.episode: Episode | None = None
        self.records: list[Record] = []
        self.n_records = records
        self.record_numbers: dict[int, int] = {}  # year -> last record number
        self.open_records = Pool()
        self.last_nonconformity: str | None = None
        self.stats = {"create": 0, "revise": 0, "edit": 0, "approve": 0, "approved_docs": 0,
                      "rename": 0, "move": 0, "branch": 0, "merge": 0, "record": 0, "other": 0}

    # -- low-level stream -------------------------------------------------

    def _tick(self) -> int:
        """The next commit's timestamp: dates strictly increase, with jitter."""
        self.when += self.step * self.rng.uniform(0.3, 1.7)
        return int(self.when.timestamp())

    def commit(self, ref: str, author: str, message: str, changes: list[tuple[str, bytes | None]],
               parents: tuple[int, ...] = (), stamp: int | None = None) -> int:
        """Write one commit; `parents` empty means "on top of the ref's tip"."""
        person = self.by_id[author]
        email = self.rng.choice(person.emails)  # people with two addresses use either
        if stamp is None:
            stamp = self._tick()
        self.mark += 1
        msg = message.encode()
        head = [f"commit {ref}", f"mark :{self.mark}",
                f"author {person.name} <{email}> {stamp} +0800",
                f"committer {person.name} <{email}> {stamp} +0800",
                f"data {len(msg)}"]
        parts = ["\n".join(head).encode(), b"\n", msg, b"\n"]
        for index, parent in enumerate(parents):
            parts.append(f"{'from' if index == 0 else 'merge'} :{parent}\n".encode())
        for path, content in changes:
            if content is None:
                parts.append(f"D {path}\n".encode())
            else:
                parts.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode())
                parts += [content, b"\n"]
        parts.append(b"\n")
        self.out.write(b"".join(parts))
        if ref == MAIN:
            self.main_mark = self.mark
        return self.mark

    def date(self) -> str:
        return self.when.date().isoformat()

    # -- choices ----------------------------------------------------------

    def author_for(self, doc: Doc, *others: Doc) -> str:
        """Someone who may write `doc` (and `others`): never a holder of an
        approver role of theirs, so that an approver always exists who did not
        author the content (segregation of duties)."""
        approvers = {d.approver for d in (doc, *others)}
        weights: list[float] = []
        names: list[str] = []
        for p in self.people:
            if approvers.intersection(p.roles):
                continue
            w = 0.2
            if doc.owner in p.roles or "document-controller" in p.roles:
                w = 3.0
            elif doc.section is not None and p.section == doc.section:
                w = 4.0
            names.append(p.id)
            weights.append(w)
        return self.rng.choices(names, weights)[0]

    def pick_refs(self, doc: Doc) -> list[str]:
        """Up to 3 ids of documents already in force (so an effective document
        never relies on one that is not: rule R004), its procedure first."""
        refs: list[str] = []
        if doc.parent in self.in_force_set:
            refs.append(doc.parent)
        for _ in range(self.rng.randint(0, 3) - len(refs)):
            if self.in_force:
                ref = self.rng.choice(self.in_force)
                if ref != doc.id and ref not in refs:
                    refs.append(ref)
        return refs

    def sentence(self, doc: Doc) -> str:
        return zh_sentence(self.rng) if doc.zh else en_sentence(self.rng)

    def change_text(self, doc: Doc) -> str:
        """What the new revision changes: never the same words as the last
        revision's summary, which would not say what changed this time."""
        year = self.when.year
        for _ in range(20):
            template = self.rng.choice(ZH_CHANGES if doc.zh else EN_CHANGES)
            if doc.zh:
                text = template.format(audit=f"{year}年内部审核", review=f"{year}年管理评审")
            else:
                text = template.format(audit=f"{year} internal audit", review=f"{year} management review") + "."
            if text != doc.change:
                return text
        return f"{text} ({doc.revision})"

    def set_status(self, i: int, status: str) -> None:
        """Move document i between the state pools."""
        doc = self.docs[i]
        for pool in (self.draft, self.review, self.effective, self.review_by_role[doc.approver]):
            if i in pool:
                pool.remove(i)
        doc.status = status
        if status == "draft":
            self.draft.add(i)
        elif status == "review":
            self.review.add(i)
            self.review_by_role[doc.approver].add(i)
        elif status == "effective":
            self.effective.add(i)

    def pick_active(self, pool: Pool) -> int:
        """A document from `pool`, favouring those that change often."""
        for _ in range(30):
            i = pool.choice(self.rng)
            if self.rng.random() < self.docs[i].activity:
                return i
        return pool.choice(self.rng)

    # -- actions: each writes exactly one commit -------------------------

    def initial(self) -> None:
        files = [("qms.yml", QMS_YML.encode()), ("manual/roles.yml", roles_yaml().encode()),
                 ("manual/people.yml", people_yaml(self.people).encode()),
                 ("README.md", README.encode())]
        controller = self.holders["document-controller"][0]
        self.commit(MAIN, controller, "Start the quality management system repository\n", files)

    def create(self, group: list[int]) -> None:
        first = self.docs[group[0]]
        author = self.author_for(first, *(self.docs[i] for i in group[1:]))
        changes: list[tuple[str, bytes | None]] = []
        for i in group:
            doc = self.docs[i]
            doc.revision = 1
            chosen = self.rng.sample(CLAUSES[doc.type], self.rng.randint(0, 3 if doc.type == "manual" else 2))
            doc.clauses = sorted(chosen, key=lambda c: [int(x) for x in c.split(".")])
            doc.references = self.pick_refs(doc)
            if self.rng.random() < 0.6:
                section_role = doc.owner if doc.owner.endswith("-head") else None
                doc.distribution = [r for r in (section_role, "section-heads") if r]
            doc.purpose = self.sentence(doc)
            doc.steps = [self.sentence(doc) for _ in range(self.rng.randint(3, 6))]
            doc.records = self.sentence(doc)
            doc.authors = [author]
            self.set_status(i, "draft" if self.rng.random() < 0.3 else "review")
            changes.append((doc.path, doc.render()))
        if len(group) == 1:
            message = f"新增 {first.id} {first.title}\n" if first.zh else f"Add {first.id} {first.title}\n"
        else:
            message = f"Add {', '.join(self.docs[i].id for i in group)}\n"
        self.stats["create"] += 1
        self.commit(MAIN, author, message, changes)

    def start_revision(self, i: int, ref: str = MAIN, parents: tuple[int, ...] = ()) -> int:
        """The first change to an effective document: a new revision."""
        doc = self.docs[i]
        old_path = doc.path
        doc.revision += 1
        doc.effective = None
        doc.change = self.change_text(doc)
        author = self.author_for(doc)
        doc.authors = [author]
        renamed = doc.type != "manual" and self.rng.random() < 0.05
        if renamed:  # a new title, so a new file name: git sees a rename
            obj, gerund = self.rng.choice(OBJECTS), self.rng.choice(GERUNDS)
            if doc.type == "procedure":
                doc.title_en, doc.title_zh = f"Control of {obj[0]}", f"{obj[1]}管理程序"
            elif doc.type == "form":
                word = self.rng.choice(FORM_WORDS)
                doc.title_en, doc.title_zh = f"{obj[0]} {word[0]}", f"{obj[1]}{word[1]}"
            else:
                doc.title_en, doc.title_zh = f"{gerund[0]} {obj[0]}", f"{obj[1]}{gerund[1]}作业指导书"
            self.stats["rename"] += int(doc.path != old_path)
        else:
            doc.steps[self.rng.randrange(len(doc.steps))] = self.sentence(doc)
            if self.rng.random() < 0.3:
                doc.references = self.pick_refs(doc)
        status = "draft" if self.rng.random() < 0.3 else "review"
        if ref == MAIN:
            self.set_status(i, status)
        else:
            doc.status = status  # on a side branch: out of the pools until merged
        changes: list[tuple[str, bytes | None]] = []
        if doc.path != old_path:
            changes.append((old_path, None))
        changes.append((doc.path, doc.render()))
        message = (f"{doc.id}：开始第{doc.revision}版修订\n\n{doc.change}\n" if doc.zh
                   else f"{doc.id}: start revision {doc.revision}\n\n{doc.change}\n")
        self.stats["revise"] += 1
        return self.commit(ref, author, message, changes, parents)

    def edit(self, i: int, ref: str = MAIN) -> int:
        """A further change within the current (unapproved) revision."""
        doc = self.docs[i]
        author = doc.authors[-1] if doc.authors and self.rng.random() < 0.6 else self.author_for(doc)
        if author not in doc.authors:
            doc.authors.append(author)
        what = self.rng.random()
        if what < 0.4:
            doc.steps[self.rng.randrange(len(doc.steps))] = self.sentence(doc)
            summary = "reword a step"
        elif what < 0.7 and len(doc.steps) < 9:
            doc.steps.insert(self.rng.randrange(len(doc.steps) + 1), self.sentence(doc))
            summary = "add a step"
        else:
            doc.purpose = self.sentence(doc)
            summary = "clarify the purpose"
        if doc.status == "draft" and self.rng.random() < 0.6:
            summary += ", ready for review"
            if ref == MAIN:
                self.set_status(i, "review")
            else:
                doc.status = "review"
        self.stats["edit"] += 1
        return self.commit(ref, author, f"{doc.id}: {summary}\n", [(doc.path, doc.render())])

    def approve(self) -> None:
        """An approval commit by a holder of the approver role, for 1-4 documents."""
        first = self.pick_active(self.review)
        role = self.docs[first].approver
        group = [first]
        pool = self.review_by_role[role]
        for _ in range(self.rng.choice([0, 0, 0, 0, 1, 1, 2, 3])):
            other = pool.choice(self.rng)
            if other not in group:
                group.append(other)
        authors = {a for i in group for a in self.docs[i].authors}
        candidates = [p for p in self.holders[role] if p not in authors]
        assert candidates, f"nobody may approve {[self.docs[i].id for i in group]}"
        approver = self.rng.choice(candidates)
        # The commit's own date, known before the files are written: usually in
        # force that day, sometimes from a date ahead (approved, not yet in force).
        stamp = self._tick()
        effective = self.when
        if self.rng.random() < 0.15:
            effective += timedelta(days=self.rng.randint(1, 30))
        changes: list[tuple[str, bytes | None]] = []
        trailers: list[str] = []
        for i in group:
            doc = self.docs[i]
            doc.effective = effective.date().isoformat()
            self.set_status(i, "effective")
            doc.authors = []
            if doc.id not in self.in_force_set:
                self.in_force_set.add(doc.id)
                self.in_force.append(doc.id)
                if doc.type == "procedure":
                    self.procedures_in_force.append(doc.id)
            changes.append((doc.path, doc.render()))
            trailers.append(f"Approves: {doc.id}@{doc.revision}")
        if len(group) == 1:
            doc = self.docs[first]
            subject = f"批准 {doc.id} 第{doc.revision}版" if doc.zh else f"Approve {doc.id} revision {doc.revision}"
        else:
            subject = f"Approve {len(group)} documents"
        self.stats["approve"] += 1
        self.stats["approved_docs"] += len(group)
        self.commit(MAIN, approver, subject + "\n\n" + "\n".join(trailers) + "\n", changes,
                    stamp=stamp)

    def move(self) -> bool:
        """Move a work instruction or form into a subfolder, content unchanged."""
        for _ in range(20):
            i = self.effective.choice(self.rng)
            doc = self.docs[i]
            if doc.type in ("work-instruction", "form") and not doc.subfolder:
                old = doc.path
                doc.subfolder = "forms" if doc.type == "form" else "instructions"
                self.stats["move"] += 1
                self.commit(MAIN, self.holders["document-controller"][0],
                            f"Move {doc.id} into {doc.folder}/{doc.subfolder}/\n",
                            [(old, None), (doc.path, doc.render())])
                return True
        return False

    def add_record(self) -> None:
        """File a batch of records (a week's registers), evidence for procedures in force.

        The batch grows with the number of records asked for, so the total
        comes close to it whatever the number of commits.
        """
        stamp = self._tick()
        left = self.n_records - len(self.records)
        commits_left = max(1, self.n_commits - self.mark)
        batch = max(1, -(-left // max(1, int(commits_left * 0.006)))) if left > 0 else 1
        made = [self.make_record() for _ in range(batch)]
        owner = made[0].owner
        self.stats["record"] += 1
        self.commit(MAIN, self.rng.choice(self.holders[owner]),
                    f"File {made[0].id}" + (f" and {len(made) - 1} more records" if len(made) > 1 else "")
                    + f": {made[0].title}\n", [(r.path, r.render()) for r in made], stamp=stamp)

    def make_record(self) -> Record:
        kind, title, owner, retention = self.rng.choice(RECORD_KINDS)
        year = self.when.year
        number = self.record_numbers[year] = self.record_numbers.get(year, 0) + 1
        people = [p.id for p in self.people]
        extra: list[str] = []
        if kind == "audit":
            extra = [f"auditors: [{', '.join(self.rng.sample(self.holders['internal-auditor'], 2))}]"]
        elif kind == "nonconformity":
            extra = [f"severity: {self.rng.choice(['minor', 'minor', 'major'])}"]
        elif kind == "corrective-action" and self.last_nonconformity:
            extra = [f"nonconformity: {self.last_nonconformity}"]
        elif kind in ("training", "management-review"):
            extra = [f"attendees: [{', '.join(self.rng.sample(people, 5))}]"]
        elif kind == "satisfaction-survey":
            extra = [f"respondents: {self.rng.randint(20, 400)}", f"satisfied_percent: {self.rng.randint(70, 99)}"]
        record = Record(f"REC-{year}-{number:03d}", kind, f"{title} {self.when:%Y-%m-%d}",
                        self.rng.choice(self.procedures_in_force), self.when.date().isoformat(), owner,
                        "open" if self.rng.random() < 0.3 else "closed", retention, extra,
                        en_sentence(self.rng) + " " + en_sentence(self.rng))
        self.records.append(record)
        if kind == "nonconformity":
            self.last_nonconformity = record.id
        if record.status == "open":
            self.open_records.add(len(self.records) - 1)
        return record

    def close_record(self) -> None:
        index = self.open_records.choice(self.rng)
        self.open_records.remove(index)
        record = self.records[index]
        record.status = "closed"
        record.text += " " + en_sentence(self.rng)
        self.stats["record"] += 1
        self.commit(MAIN, self.rng.choice(self.holders[record.owner]),
                    f"Close {record.id}\n", [(record.path, record.render())])

    def touch_readme(self) -> None:
        self.stats["other"] += 1
        text = README + f"\nLast tidied on {self.date()}.\n"
        self.commit(MAIN, self.holders["document-controller"][1],
                    "Tidy the README\n", [("README.md", text.encode())])

    def branch_step(self) -> None:
        """One commit of the side-branch episode, or its merge when done."""
        ep = self.episode
        assert ep is not None
        if ep.commits_left > 0:
            fresh = [i for i in ep.docs if self.docs[i].status == "effective"]
            if fresh:
                # The branch's first commit names its parent; fast-import then follows the ref.
                ep.tip = self.start_revision(fresh[0], TOPIC, (ep.base_mark,) if ep.tip == 0 else ())
            else:
                ep.tip = self.edit(self.rng.choice(ep.docs), TOPIC)
            ep.commits_left -= 1
            self.stats["branch"] += 1
            return
        # The merge: main's tree plus the branch's documents (main left them alone).
        changes: list[tuple[str, bytes | None]] = []
        approver_roles = {self.docs[i].approver for i in ep.docs}
        merger = next(p for p in self.holders["document-controller"]
                      if not approver_roles & set(self.by_id[p].roles))
        for i in ep.docs:
            doc = self.docs[i]
            if doc.path != ep.old_paths[i]:
                changes.append((ep.old_paths[i], None))
            changes.append((doc.path, doc.render()))
            # On the first-parent line the merge brings this content in: its author counts as one.
            if merger not in doc.authors:
                doc.authors.append(merger)
            self.set_status(i, doc.status)
        names = "-".join(self.docs[i].id.lower() for i in ep.docs)
        self.stats["merge"] += 1
        self.commit(MAIN, merger, f"Merge branch 'revise-{names}'\n", changes,
                    parents=(self.main_mark, ep.tip))
        self.episode = None

    def start_episode(self) -> None:
        chosen: list[int] = []
        for _ in range(10):
            if len(self.effective) == 0 or len(chosen) >= self.rng.randint(1, 3):
                break
            i = self.effective.choice(self.rng)
            if i not in chosen:
                chosen.append(i)
        if not chosen:
            return
        for i in chosen:  # locked: main leaves them alone until the merge
            self.effective.remove(i)
        self.episode = Episode(chosen, self.main_mark, len(chosen) + self.rng.randint(0, 2),
                               {i: self.docs[i].path for i in chosen})

    # -- the main loop ----------------------------------------------------

    def run(self) -> dict[str, int]:
        rng = self.rng
        total = self.n_commits
        groups = creation_groups(len(self.docs), rng)
        if total < len(groups) + 1:
            raise SystemExit(f"--commits {total} is too few for {len(self.docs)} documents")
        # Creations are spread over the first 70 % of history, so later history is
        # mostly revisions; side-branch episodes start between 30 % and 90 %.
        creation_end = max(len(groups) + 1, int(total * 0.7))
        merges = max(3, total // 2500)
        episode_starts: list[int] = []
        if total >= 100:
            episode_starts = sorted(rng.sample(range(int(total * 0.3), int(total * 0.9)), merges))
        self.initial()
        done = 1
        while done < total:
            left = total - done
            ep = self.episode
            if ep is not None and (rng.random() < 0.5 or left <= ep.commits_left + 1 + len(groups) + 5):
                self.branch_step()
            elif groups and (left <= len(groups) + (ep.commits_left + 1 if ep else 0)
                             or rng.random() < len(groups) / max(1, creation_end - done)):
                self.create(groups.pop(0))
            elif episode_starts and done >= episode_starts[0] and ep is None and len(self.effective):
                episode_starts.pop(0)
                self.start_episode()
                self.branch_step()
            else:
                self.regular()
            done += 1
        return self.stats

    def regular(self) -> None:
        """One everyday commit: approve, revise, edit, or something rarer."""
        rng = self.rng
        pending = len(self.draft) + len(self.review)
        weights = {
            "approve": 0.45 * min(1.0, len(self.review) / 10) if len(self.review) else 0.0,
            "revise": 0.30 if len(self.effective) else 0.0,
            "edit": 0.25 * min(1.0, pending / 10) if pending else 0.0,
            "move": 0.004 if len(self.effective) else 0.0,
            "readme": 0.003,
            "record": 0.012 if self.procedures_in_force else 0.0,
            "close": 0.01 * min(1.0, len(self.open_records) / 3),
        }
        action = rng.choices(list(weights), list(weights.values()))[0]
        if action == "approve":
            self.approve()
        elif action == "revise":
            self.start_revision(self.pick_active(self.effective))
        elif action == "edit":
            pool = self.draft if rng.random() < len(self.draft) / pending else self.review
            self.edit(self.pick_active(pool))
        elif action == "move" and self.move():
            pass
        elif action == "record":
            self.add_record()
        elif action == "close":
            self.close_record()
        else:
            self.touch_readme()


def creation_groups(n: int, rng: random.Random) -> list[list[int]]:
    """Document indices in creation order, mostly one per commit, sometimes 2-3."""
    groups: list[list[int]] = []
    i = 0
    while i < n:
        size = 1 if rng.random() < 0.85 else rng.randint(2, 3)
        groups.append(list(range(i, min(n, i + size))))
        i += size
    return groups


# ---------------------------------------------------------------------------
# Fixed files
# ---------------------------------------------------------------------------

QMS_YML = """\
# qmskit settings for a synthetic quality management system (benchmarks).
organisation: Synthetic City Government General Office
language: en

# How revisions are numbered and compared.
revision_scheme: integer

# Default periodic review interval, in months.
review_months: 12

# Where each document type lives and what its ids look like.
types:
  manual: {folder: manual, id_pattern: 'QM-\\d{2}'}
  external: {folder: manual/external, id_pattern: 'EXT-\\d{2}'}
  procedure: {folder: procedures, id_pattern: 'QP-\\d{2}'}
  work-instruction: {folder: procedures, id_pattern: 'WI-\\d{2}-\\d{2}'}
  form: {folder: procedures, id_pattern: 'F-\\d{2}-\\d{2}'}
  record: {folder: records, id_pattern: 'REC-\\d{4}-\\d{3,5}'}

record_kinds:
  - audit
  - nonconformity
  - corrective-action
  - management-review
  - satisfaction-survey
  - training

roles: manual/roles.yml
people: manual/people.yml

clause_catalogue: iso9001-2015

ignore: []
"""

README = """\
# Synthetic QMS

Generated by qmskit's benchmarks/generate.py to measure how fast
document history is read from git. Every name, date and text is invented.
"""


def roles_yaml() -> str:
    lines = ["# Roles registry (synthetic).", "roles:"]
    for role, title, reports_to, duty in ROLES:
        lines += [f"  - id: {role}", f"    title: {yaml_str(title)}",
                  f"    reports_to: {reports_to or 'null'}", "    responsibilities:", f"      - {yaml_str(duty)}", ""]
    return "\n".join(lines)


def people_yaml(people: list[Person]) -> str:
    lines = ["# People roster (synthetic): the emails are those used in git.", "people:"]
    for p in people:
        lines += [f"  - id: {p.id}", f"    name: {yaml_str(p.name)}",
                  f"    emails: [{', '.join(p.emails)}]", f"    roles: [{', '.join(p.roles)}]", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def git(dest: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(dest), *args], check=True)


# Problems --plant adds in one last commit: (code qms check reports, file, what to change in a valid record).
PLANTED: list[tuple[str, str, str]] = [
    ("F004", "records/planted/rec-2026-90001-broken-yaml.md", "title: [never closed"),
    ("S001", "records/planted/rec-2026-90002-unknown-kind.md", "kind: inspection"),
    ("I002", "records/planted/rec-26-1-bad-id.md", "id: REC-26-1"),
    ("R002", "records/planted/rec-2026-90004-dangling-link.md", "body: See [[QP-00]] for the steps."),
    ("P006", "records/planted/rec-2026-90005-unknown-person.md", "attendees: [nobody-on-the-roster]"),
]


def planted_record(number: int, procedure: str, person: str, change: str) -> str:
    """A valid training record with one change from PLANTED."""
    fields = {"id": f"REC-2026-{number}", "title": f"Planted problem {number}", "type": "record",
              "kind": "training", "procedure": procedure, "date": "2026-10-30", "owner": "personnel-head",
              "status": "closed", "retention": "5y", "attendees": f"[{person}]"}
    body = "The registry clerk records the training."
    key, value = change.split(": ", 1)
    if key == "body":
        body = value
    else:
        fields[key] = value
    return "\n".join(["---", *(f"{k}: {v}" for k, v in fields.items()), "---", "", body, ""])


def plant(dest: Path, procedure: str, person: str) -> list[tuple[str, str]]:
    """Commit the PLANTED problems; return the (code, path) pairs `qms check` must report."""
    for number, (_code, path, change) in enumerate(PLANTED, start=90001):
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(planted_record(number, procedure, person, change), encoding="utf-8")
    git(dest, "add", "records/planted")
    subprocess.run(["git", "-C", str(dest), "commit", "-q", "-m", "Add records with known problems"], check=True,
                   env={**os.environ, "GIT_AUTHOR_DATE": "2026-10-31T09:00:00+08:00",
                        "GIT_COMMITTER_DATE": "2026-10-31T09:00:00+08:00"})
    return [(code, path) for code, path, _change in PLANTED]


def build(dest: Path, docs: int, commits: int, seed: int = 1, layout: str = "flat", records: int = 0,
          planted: bool = False) -> dict:
    """Create the repository at `dest` (which must be absent or empty).

    About `records` records are filed over the history (0: a few hundred, as
    events happen). With `planted`, a last commit adds the PLANTED problems.
    """
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit(f"{dest} is not empty; choose a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    git(dest, "init", "-q", "-b", "main")
    # Fixed identity for anything git writes itself; commits carry their own.
    git(dest, "config", "user.name", "qmskit benchmark")
    git(dest, "config", "user.email", "bench@office.example")
    importer = subprocess.Popen(["git", "-C", str(dest), "fast-import", "--quiet", "--done"],
                                stdin=subprocess.PIPE)
    assert importer.stdin is not None
    try:
        generator = Generator(importer.stdin, docs, commits, seed, layout, records)
        stats = generator.run()
        importer.stdin.write(b"done\n")
    finally:
        importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    if generator.stats["merge"]:
        git(dest, "update-ref", "-d", TOPIC)
    git(dest, "reset", "-q", "--hard", "main")
    # Pack as a long-lived repository would be after `git gc`; fast-import's pack is loose-ish.
    git(dest, "gc", "-q")
    stats["documents"] = len(generator.docs)
    stats["commits"] = generator.mark
    stats["records"] = len(generator.records)
    stats["pending_at_end"] = len(generator.draft) + len(generator.review)
    if planted:
        stats["planted"] = plant(dest, generator.procedures_in_force[0], generator.people[0].id)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", type=Path, help="folder to create the repository in (absent or empty)")
    parser.add_argument("--size", choices=sorted(SIZES), default="medium",
                        help="preset: small 200/2,000, medium 2,000/20,000, large 10,000/50,000")
    parser.add_argument("--docs", type=int, help="number of documents (overrides --size)")
    parser.add_argument("--records", type=int, help="about this many records (overrides --size)")
    parser.add_argument("--plant", action="store_true",
                        help="add a last commit with known problems (see PLANTED) that qms check must report")
    parser.add_argument("--commits", type=int, help="number of commits (overrides --size)")
    parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same commit ids")
    parser.add_argument("--layout", choices=LAYOUTS, default="flat",
                        help="flat: all of procedures/ in one folder, as the sample (default); "
                             "nested: a folder per procedure")
    parser.add_argument("--check", action="store_true",
                        help="run `python -m qms check --history` (or plain `check`) on the result")
    args = parser.parse_args(argv)
    docs, commits, records = SIZES[args.size]
    docs = args.docs or docs
    commits = args.commits or commits
    records = args.records if args.records is not None else records
    started = time.perf_counter()
    stats = build(args.dest, docs, commits, args.seed, args.layout, records, args.plant)
    elapsed = time.perf_counter() - started
    print(f"built {args.dest}: {docs:,} documents, {stats['commits']:,} commits in {elapsed:.1f} s")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in stats.items() if isinstance(v, int)))
    if args.check:
        # Change control over all of history where this qms has it, else the files at HEAD.
        result = subprocess.run([sys.executable, "-m", "qms", "check", "--history"], cwd=args.dest,
                                capture_output=True, text=True)
        if result.returncode == 2 and "No such option" in result.stderr:
            result = subprocess.run([sys.executable, "-m", "qms", "check"], cwd=args.dest,
                                    capture_output=True, text=True)
        print(result.stdout + result.stderr, end="")
        return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
