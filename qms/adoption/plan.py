"""The adoption plan: every file found, the type and id it would get, the settings, roles and people, and
what is unclear. It reads the files and one `git log` pass, and writes nothing."""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from qms.adoption.people import DEFAULT_OWNER, TOP_ROLE, DraftPerson, DraftRole, draft_people, draft_roles, slug
from qms.adoption.scan import (
    QMS_KEYS,
    QMS_STATUSES,
    Scanned,
    find_id,
    native_key,
    native_status,
    scan_markdown,
    without_id,
)
from qms.errors import QmsError, UsageError
from qms.git.authorship import Authorship, is_work_tree, read_authorship, top_level, uncommitted_paths
from qms.git.log import author_identity
from qms.load.config import CONFIG_NAME, DEFAULT_TYPES
from qms.load.word import WordDocument, read_word

ROLES_FILE = "manual/roles.yml"
PEOPLE_FILE = "manual/people.yml"
# Folders that never hold an organisation's documents.
SKIPPED_FOLDERS = {"node_modules", "site", "venv", ".venv", "__pycache__", "templates", "controlled-copies"}
NOT_DOCUMENTS = re.compile(r"(?i)^(readme|index|changelog|changes|license|licence|contributing|code_of_conduct|"
                           r"security|authors|notice|todo)(\.[a-z]+)?\.(md|markdown)$")
NOT_CONTROLLED_GLOBS = ["**/README.md", "**/readme.md", "**/index.md"]


@dataclass
class ProposedType:
    name: str
    folder: str
    id_pattern: str
    prefixes: list[str]
    documents: int = 0
    extra_keys: list[str] = field(default_factory=list)


@dataclass
class PlannedDocument:
    path: str  # the Markdown document, relative to the root
    source: str  # the file it comes from: the same Markdown file, or a Word file
    id: str
    type: str
    title: str
    revision: str
    status: str
    effective: str | None
    add: dict[str, Any]  # qmskit keys written, in order
    rename: dict[str, str] = field(default_factory=dict)  # foreign key -> qmskit key, renamed in the file
    status_word: tuple[str, str] | None = None  # (foreign status, qmskit status), replaced in the file
    has_front_matter: bool = False
    notes: list[str] = field(default_factory=list)
    revision_rows: int = 0

    @property
    def from_word(self) -> bool:
        return self.source != self.path

    @property
    def changes(self) -> bool:
        return bool(self.add or self.rename or self.status_word or self.from_word)


@dataclass
class AdoptionPlan:
    root: Path
    organisation: str | None
    language: str
    revision_scheme: str
    types: list[ProposedType]
    documents: list[PlannedDocument]
    left_out: list[tuple[str, str]]  # (path, why)
    key_map: dict[str, str]  # foreign key -> qmskit key
    status_map: dict[str, str]  # foreign status word -> qmskit status
    mapping_supported: bool  # this qmskit reads front_matter: from qms.yml
    layout_supported: bool  # this qmskit reads not_controlled: and extra_keys:
    rename_keys: bool
    owner: str
    approvers: list[str]
    roles: list[DraftRole]
    people: list[DraftPerson]
    git: bool
    commits: int
    not_controlled: list[str]
    existing: dict[str, bool]  # qms.yml, roles and people files: already there?
    uncommitted: list[str]  # documents with changes nobody committed: never written over
    unclear: list[str] = field(default_factory=list)

    @property
    def settings_file(self) -> str:
        return CONFIG_NAME


def shipped_settings() -> set[str]:
    """The qms.yml keys, and type keys, this qmskit knows: adopt writes only settings it can read back."""
    schema = json.loads(resources.files("qms").joinpath("schemas/qms.schema.json").read_text(encoding="utf-8"))
    keys = set(schema.get("properties", {}))
    type_keys = schema.get("properties", {}).get("types", {}).get("additionalProperties", {}).get("properties", {})
    return keys | {f"types.{key}" for key in type_keys}


def plan_adoption(start: Path, organisation: str | None = None, language: str = "en", owner: str | None = None,
                  approvers: list[str] | None = None, rename_keys: bool = False) -> AdoptionPlan:
    if not start.is_dir():
        raise UsageError(f"{start} is not a folder; run qms adopt in the repository (or folder of Word files) to adopt")
    git = is_work_tree(start)
    root = (top_level(start) or start.resolve()) if git else start.resolve()
    settings = shipped_settings()
    owner = owner or DEFAULT_OWNER[0]
    approvers = list(approvers or [TOP_ROLE[0]])
    for role in [owner, *approvers]:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", role):
            raise UsageError(f"'{role}' is not a role id: lower case words joined by hyphens, such as quality-manager")
    history = read_authorship(root) if git else Authorship()
    markdown, word, left_out = _find_files(root)
    scanned = [_scan(root, rel) for rel in markdown]
    for found in scanned:
        if found.problem:
            left_out.append((found.path, found.problem))
    readable = [s for s in scanned if not s.problem]
    existing_config = (root / CONFIG_NAME).is_file()
    plan = AdoptionPlan(
        root=root, organisation=organisation, language=language, revision_scheme="integer", types=[], documents=[],
        left_out=left_out, key_map={}, status_map={}, mapping_supported="front_matter" in settings,
        layout_supported="not_controlled" in settings and "types.extra_keys" in settings, rename_keys=rename_keys,
        owner=owner, approvers=approvers, roles=[], people=[], git=git, commits=history.commits,
        not_controlled=[], existing={name: (root / name).is_file() for name in (CONFIG_NAME, ROLES_FILE, PEOPLE_FILE)},
        uncommitted=[],
    )
    if existing_config and organisation is None:
        plan.organisation = _setting(root / CONFIG_NAME, "organisation")
    _plan_documents(plan, readable, word, history)
    texts = {s.path: s.body for s in readable}
    plan.roles = draft_roles(texts, owner, approvers)
    # The adopter is on the roster too: the adoption commit, and what follows, is theirs.
    name, email = author_identity(root) if git else ("", "")
    authors = dict(history.authors)
    if email and email.lower() not in authors:
        authors[email.lower()] = name or email
    plan.people = draft_people(authors, history.commits_by)
    # A Markdown file git does not hold as committed (changed, or never added) is never written by adopt; a Word
    # file's new document does not exist yet, so only its path being taken matters.
    dirty = uncommitted_paths(root) if git else set()
    plan.uncommitted = sorted(d.path for d in plan.documents if d.path in dirty and d.changes and not d.from_word)
    for doc in [d for d in plan.documents if d.from_word and (root / d.path).exists()]:
        plan.documents.remove(doc)
        plan.left_out.append((doc.source, f"its document would be {doc.path}, which exists already: move that file "
                                          "away, or give the Word file a name with its own id"))
    _unclear(plan)
    return plan


def _setting(path: Path, key: str) -> str | None:
    match = re.search(rf"(?m)^{key}:[ \t]*(.+?)[ \t]*$", path.read_text(encoding="utf-8", errors="replace"))
    return match.group(1).strip("\"'") if match else None


def _find_files(root: Path) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Markdown and Word files under `root` (relative, sorted), and those left out with why."""
    markdown: list[str] = []
    word: list[str] = []
    left_out: list[tuple[str, str]] = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in SKIPPED_FOLDERS and f != "assets")
        rel_folder = PurePosixPath(Path(folder).relative_to(root).as_posix())
        for name in sorted(files):
            rel = str(rel_folder / name) if str(rel_folder) != "." else name
            lower = name.lower()
            if os.path.islink(os.path.join(folder, name)):
                continue
            if lower.endswith((".md", ".markdown")):
                if NOT_DOCUMENTS.match(name):
                    left_out.append((rel, "not a controlled document (a README, index or project file)"))
                else:
                    markdown.append(rel)
            elif lower.endswith(".docx") and not name.startswith("~$"):
                word.append(rel)
            elif lower.endswith(".doc"):
                left_out.append((rel, "an old Word file (.doc): open it in Word or LibreOffice, save it as .docx, "
                                      "and run qms adopt again"))
    return markdown, word, left_out


def _scan(root: Path, rel: str) -> Scanned:
    try:
        raw = (root / rel).read_bytes()
    except OSError as exc:
        return Scanned(rel, problem=f"cannot be read ({exc.strerror or exc})")
    return scan_markdown(rel, raw)


@dataclass
class _Candidate:
    path: str
    source: str
    id: str | None
    prefix: str | None
    number: str
    title: str
    type_hint: str | None
    scanned: Scanned | None
    word: WordDocument | None = None


def _plan_documents(plan: AdoptionPlan, scanned: list[Scanned], word: list[str], history: Authorship) -> None:
    candidates: list[_Candidate] = []
    for found in scanned:
        cand = _candidate(found)
        if found.problem:
            plan.left_out.append((found.path, found.problem))
        else:
            candidates.append(cand)
    adopted = {c.id: c.path for c in candidates if c.id}
    for rel in word:
        converted = _word_candidate(plan.root, rel, plan.left_out)
        if converted is None:
            continue
        if converted.id in adopted:  # converted by an earlier --apply: the Markdown document is the one adopted
            plan.left_out.append((rel, f"already adopted as {adopted[converted.id]}; the Word file is kept as it was"))
            continue
        candidates.append(converted)
    # Foreign keys and status words, across the whole set.
    keys_seen: Counter[str] = Counter()
    for cand in candidates:
        if cand.scanned is not None:
            keys_seen.update(k for k in cand.scanned.data if isinstance(k, str))
    for key in keys_seen:
        native = native_key(key)
        if native and key != native and native not in keys_seen:
            plan.key_map[key] = native
    status_key = next((k for k, v in plan.key_map.items() if v == "status"), "status")
    for cand in candidates:
        word_value = cand.scanned.data.get(status_key) if cand.scanned else None
        if isinstance(word_value, str) and word_value not in QMS_STATUSES:
            native = native_status(word_value)
            if native:
                plan.status_map[word_value] = native
    # Types: by the front-matter's own type, else by the id's prefix.
    by_type: dict[str, list[_Candidate]] = defaultdict(list)
    for cand in candidates:
        if cand.id is None:
            continue
        name = cand.type_hint or (cand.prefix or "").lower()
        by_type[name].append(cand)
    no_id = [c for c in candidates if c.id is None]
    folders_of = {name: {str(PurePosixPath(c.path).parent) for c in group} for name, group in by_type.items()}
    for cand in no_id:
        folder = str(PurePosixPath(cand.path).parent)
        owners = [name for name, folders in folders_of.items() if folder in folders]
        if len(owners) == 1:
            by_type[owners[0]].append(cand)
            cand.id = ""  # numbered below, after the ids the set already has
            continue
        why = "no document id in its name, front-matter or first heading"
        plan.left_out.append((cand.source, f"{why}: give it one (SOP-001 in the file name) to adopt it"))
    revisions = [str(_value(c, "revision")) for c in candidates if c.id is not None and _value(c, "revision") is not None]
    plan.revision_scheme = _scheme(revisions)
    first_revision = {"integer": "1", "letter": "A", "major-minor": "1.0", "letter-number": "A/0"}[plan.revision_scheme]
    taken_ids = {c.id for group in by_type.values() for c in group if c.id}
    duplicate = {i for i, n in Counter(c.id for g in by_type.values() for c in g if c.id).items() if n > 1}
    for name in sorted(by_type):
        group = sorted(by_type[name], key=lambda c: c.path)
        type_spec = _propose_type(plan, name, group)
        if type_spec is None:
            continue
        plan.types.append(type_spec)
        for cand in group:
            notes: list[str] = []
            if not cand.id:
                cand.id = _next_id(type_spec, taken_ids)
                taken_ids.add(cand.id)
                notes.append(f"numbered {cand.id} by qms adopt: the file names no id")
            if cand.id in duplicate:
                plan.left_out.append((cand.source, f"its id {cand.id} is also the id of another file: give one of "
                                                   "them another id and run qms adopt again"))
                continue
            plan.documents.append(_plan_document(plan, cand, type_spec, first_revision, history, notes))
            type_spec.documents += 1
    plan.documents.sort(key=lambda d: d.path)


def _candidate(scanned: Scanned) -> _Candidate:
    data = scanned.data
    own_id = next((v for k, v in data.items() if isinstance(k, str) and (k == "id" or native_key(k) == "id")
                   and isinstance(v, (str, int))), None)
    name = PurePosixPath(scanned.path).stem
    found = find_id(str(own_id)) if own_id is not None else None
    if own_id is not None and (found is None or found[0] != str(own_id)):
        # An id of its own that is not PREFIX-NUMBER as written: adopt never rewrites a document's number.
        scanned.problem = (f"its id {own_id!r} is not in the form SOP-001: correct it in the file (or remove it, and "
                           "qms adopt takes the id from the file name) and run qms adopt again")
        return _Candidate(scanned.path, scanned.path, None, None, "", "", None, scanned)
    found = found or find_id(name) or find_id(scanned.heading)
    doc_id, prefix, number = found if found else (None, None, "")
    title = next((v for k, v in data.items() if isinstance(k, str) and (k == "title" or native_key(k) == "title")
                  and isinstance(v, str) and v.strip()), None)
    title = title or without_id(scanned.heading, doc_id) or without_id(_humane(name), doc_id)
    own_type = data.get("type")
    type_hint = own_type if isinstance(own_type, str) and re.fullmatch(r"[a-z][a-z0-9-]*", own_type) else None
    return _Candidate(scanned.path, scanned.path, doc_id, prefix, number, title, type_hint, scanned)


def _word_candidate(root: Path, rel: str, left_out: list[tuple[str, str]]) -> _Candidate | None:
    """A Word file, converted as `qms import` converts it: its id from its name or text, its title from its own."""
    try:
        word = read_word(root / rel, rel)
    except QmsError as exc:  # not a Word file, damaged, or the word extra missing: said, never a traceback
        left_out.append((rel, str(exc)))
        return None
    stem = PurePosixPath(rel).stem
    found = find_id(stem) or (find_id(word.id) if word.id else None)
    doc_id, prefix, number = found if found else (None, None, "")
    title = without_id(word.title or _humane(stem), doc_id)
    return _Candidate("", rel, doc_id, prefix, number, title, None, None, word)


def _humane(stem: str) -> str:
    """A file name as a title: "WI-001-backup-restore" -> "WI 001 Backup restore" (the id is taken out after)."""
    words = re.sub(r"[-_]+", " ", stem).split()
    return " ".join(w[:1].upper() + w[1:] if i == 0 or (i == 2 and words[1].isdigit()) else w
                    for i, w in enumerate(words))


def _value(cand: _Candidate, native: str) -> Any:
    if cand.scanned is None:
        return None
    for key, value in cand.scanned.data.items():
        if key == native or (isinstance(key, str) and native_key(key) == native):
            return value
    return None


def _scheme(revisions: list[str]) -> str:
    """The revision scheme the set's own revisions follow; integer when it has none."""
    if not revisions:
        return "integer"
    for scheme, pattern in (("integer", r"\d+"), ("letter", r"[A-Z]{1,2}"), ("major-minor", r"\d+\.\d+"),
                            ("letter-number", r"[A-Z]/\d+")):
        if all(re.fullmatch(pattern, r) for r in revisions):
            return scheme
    return "integer"


def _propose_type(plan: AdoptionPlan, name: str, group: list[_Candidate]) -> ProposedType | None:
    prefixes = sorted({c.prefix for c in group if c.prefix})
    shapes = sorted({re.sub(r"\d", "0", c.number) for c in group if c.number})
    number = "|".join(re.sub(r"0+", lambda m: rf"\d{{{len(m.group())}}}", s) for s in shapes) or r"\d+"
    prefix = prefixes[0] if len(prefixes) == 1 else f"(?:{'|'.join(prefixes)})"
    pattern = f"{prefix}-{number}" if len(shapes) <= 1 else f"{prefix}-(?:{number})"
    placed = [c for c in group if c.path]
    folders = sorted({str(PurePosixPath(c.path).parent) for c in placed})
    # Markdown documents stay where they are, under the folder they share; Word files go into a folder of the type.
    common = os.path.commonpath(folders) if placed else slug(name) + "s"
    if common in ("", "."):
        files = ", ".join(sorted(c.path for c in placed)[:3])
        plan.unclear.append(f"documents of type {name} ({files}...) are at the top of the repository: move them into "
                            f"a folder (git mv {placed[0].path} {name}s/) and run qms adopt again")
        for cand in group:
            plan.left_out.append((cand.source, f"type {name}: at the top of the repository, outside any folder"))
        return None
    if name in DEFAULT_TYPES:
        plan.unclear.append(f"type {name} is one of qmskit's own types, whose schema is strict: keys qmskit does not "
                            "know are reported by qms check (S001)")
    for cand in group:
        if not cand.path:
            cand.path = _word_target(common, cand)
    return ProposedType(name, common, pattern, prefixes)


def _word_target(folder: str, cand: _Candidate) -> str:
    words = slug(cand.title).split("-")[:8]
    return f"{folder}/{cand.id.lower() if cand.id else 'doc'}{'-' if words and words[0] else ''}{'-'.join(words)}.md"


def _next_id(spec: ProposedType, taken: set[str]) -> str:
    prefix = spec.prefixes[0] if spec.prefixes else spec.name.upper()
    width = max((len(i.split("-", 1)[1]) for i in taken if i.startswith(prefix + "-") and "-" not in i.split("-", 1)[1]),
                default=3)
    number = 1
    while f"{prefix}-{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}-{number:0{width}d}"


def _plan_document(plan: AdoptionPlan, cand: _Candidate, spec: ProposedType, first_revision: str, history: Authorship,
                   notes: list[str]) -> PlannedDocument:
    data = cand.scanned.data if cand.scanned else {}
    present = {plan.key_map.get(k, k) for k in data if isinstance(k, str)}
    rename = {k: v for k, v in plan.key_map.items() if k in data} if (plan.rename_keys or not plan.mapping_supported) else {}
    status_value = _value(cand, "status")
    status_word = None
    if isinstance(status_value, str) and status_value in plan.status_map:
        status = plan.status_map[status_value]
        if plan.rename_keys or not plan.mapping_supported:
            status_word = (status_value, status)
    elif isinstance(status_value, str) and status_value in QMS_STATUSES:
        status = status_value
    else:
        status = "effective"
        if status_value is not None:
            notes.append(f"status {status_value!r} means nothing to qmskit: set it to draft, review, effective or obsolete")
    revision = _value(cand, "revision")
    revision = str(revision) if revision is not None else first_revision
    last_row = cand.scanned.last_revision if cand.scanned else None
    if cand.word is not None and cand.word.revision_table and cand.word.revision_table.rows:
        row = cand.word.revision_table.rows[-1]
        last_row = (row.revision.strip(), row.change.strip())
    effective = _value(cand, "effective")
    changed = history.last_changed.get(cand.source)
    effective_date = str(effective) if effective is not None else changed
    add: dict[str, Any] = {}
    wanted: dict[str, Any] = {"id": cand.id, "title": cand.title, "type": spec.name, "revision": revision,
                              "status": status, "owner": plan.owner, "approvers": plan.approvers}
    if status in ("effective", "obsolete") and effective is None:
        wanted["effective"] = changed or _today()
        if not changed:
            notes.append("effective date: today (the file has no commit); set it to the date it took effect")
    if status == "obsolete" and "superseded_by" not in present:
        wanted["superseded_by"] = "none"
        notes.append("obsolete: superseded_by none; name its successor if it has one")
    if revision != first_revision and _value(cand, "change") is None:
        # A later revision says what changed (D006): the revision table's own words where its last row is this
        # revision, else plainly that the change was recorded before qmskit.
        if last_row and last_row[0] == revision and last_row[1]:
            wanted["change"] = last_row[1]
        else:
            wanted["change"] = f"Revision {revision} in force when the QMS was adopted; its change is recorded before qmskit"
            notes.append("change: its change summary is not known; write it if the paper record has it")
    for key, value in wanted.items():
        if key not in present:
            add[key] = value
    extra = [k for k in data if isinstance(k, str) and plan.key_map.get(k, k) not in QMS_KEYS]
    for key in extra:
        if key not in spec.extra_keys:
            spec.extra_keys.append(key)
    if cand.scanned is not None and cand.scanned.revision_rows:
        notes.append(f"revision table in the body ({cand.scanned.revision_rows} rows): kept as it is")
    if cand.word is not None:
        if cand.word.revision_table is not None:
            notes.append(f"revision table ({len(cand.word.revision_table.rows)} rows): kept in the body as it was")
        notes += [f"not converted faithfully: {w.what}: {w.hint}" for w in cand.word.warnings]
    return PlannedDocument(cand.path, cand.source, cand.id or "", spec.name, cand.title, revision, status,
                           effective_date, add, rename, status_word, bool(cand.scanned and cand.scanned.has_front_matter),
                           notes, cand.scanned.revision_rows if cand.scanned else 0)


def _today() -> str:
    from datetime import date

    return date.today().isoformat()


def _unclear(plan: AdoptionPlan) -> None:
    if not plan.organisation:
        plan.unclear.append("the organisation's name: give --organisation \"NAME\" (it is never taken from the "
                            "folder's name)")
    if not plan.git:
        plan.unclear.append("this folder is not a git repository: qmskit keeps the record in git, so run git init, "
                            "commit the files, and run qms adopt again before --apply --commit")
    if plan.key_map or plan.status_map:
        if plan.mapping_supported and not plan.rename_keys:
            plan.unclear.append("foreign front-matter is kept as it is, and qms.yml maps it (front_matter:); give "
                                "--rename to rename the keys and status words in the files instead")
        else:
            why = "as asked (--rename)" if plan.rename_keys else "because this qmskit cannot map them in qms.yml yet"
            plan.unclear.append(f"foreign front-matter keys and status words are renamed in the files, {why}")
    if not plan.layout_supported:
        folders = {t.folder for t in plan.types}
        inside = [p for p, _ in plan.left_out
                  if any(p.startswith(f + "/") for f in folders) and p.lower().endswith((".md", ".markdown"))]
        if inside:
            plan.unclear.append("these Markdown files are in document folders but are not documents, and this qmskit "
                                "checks every Markdown file there (F002): move them out of the folder: "
                                + ", ".join(inside))
    else:
        folders = {t.folder for t in plan.types}
        plan.not_controlled = [g for g in NOT_CONTROLLED_GLOBS
                               if any(re.fullmatch(r"(?i)(readme|index)\.md", PurePosixPath(p).name)
                                      and any(p.startswith(f + "/") for f in folders) for p, _ in plan.left_out)]
        others = [p for p, _ in plan.left_out if p.lower().endswith(".md") and any(p.startswith(f + "/") for f in folders)
                  and not re.fullmatch(r"(?i)(readme|index)\.md", PurePosixPath(p).name)]
        if others:
            plan.unclear.append("these Markdown files in document folders are not documents: give them an id, or "
                                "list them under not_controlled: in qms.yml: " + ", ".join(others))
    if plan.uncommitted:
        plan.unclear.append("these files have changes nobody committed (or were never committed), and qms adopt never "
                            "writes over them: commit or stash them first: " + ", ".join(plan.uncommitted))
    plan.unclear.append(f"who holds which role: {PEOPLE_FILE} lists everyone who committed, with no roles; qms adopt "
                        "never guesses them. Fill in each person's roles (every role in "
                        f"{ROLES_FILE} needs a holder) before committing the adoption")
    plan.unclear.append(f"every document is owned by {plan.owner} and approved by {', '.join(plan.approvers)}: "
                        "give --owner ROLE and --approver ROLE for others, or edit them afterwards")
