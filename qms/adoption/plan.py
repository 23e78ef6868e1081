"""The adoption plan: every file found, the type and id it would get, the settings, roles and people, and
what is unclear. It reads the files and one `git log` pass, and writes nothing."""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path, PurePosixPath

from qms.adoption.documents import (
    Candidate,
    candidate,
    next_id,
    own_value,
    plan_document,
    propose_type,
    scheme,
    word_candidate,
)
from qms.adoption.model import PEOPLE_FILE, ROLES_FILE, AdoptionPlan
from qms.adoption.people import DEFAULT_OWNER, TOP_ROLE, draft_people, draft_roles
from qms.adoption.scan import (
    QMS_STATUSES,
    Scanned,
    native_key,
    native_status,
    scan_markdown,
)
from qms.errors import UsageError
from qms.git.authorship import Authorship, is_work_tree, read_authorship, top_level, uncommitted_paths
from qms.git.log import author_identity
from qms.load.config import CONFIG_NAME

# Folders that never hold an organisation's documents.
SKIPPED_FOLDERS = {"node_modules", "site", "venv", ".venv", "__pycache__", "templates", "controlled-copies"}
NOT_DOCUMENTS = re.compile(r"(?i)^(readme|index|changelog|changes|license|licence|contributing|code_of_conduct|"
                           r"security|authors|notice|todo)(\.[a-z]+)?\.(md|markdown)$")
NOT_CONTROLLED_GLOBS = ["**/README.md", "**/readme.md", "**/index.md"]


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


def _plan_documents(plan: AdoptionPlan, scanned: list[Scanned], word: list[str], history: Authorship) -> None:
    candidates: list[Candidate] = []
    for found in scanned:
        cand = candidate(found)
        if found.problem:
            plan.left_out.append((found.path, found.problem))
        else:
            candidates.append(cand)
    adopted = {c.id: c.path for c in candidates if c.id}
    for rel in word:
        converted = word_candidate(plan.root, rel, plan.left_out)
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
    by_type: dict[str, list[Candidate]] = defaultdict(list)
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
    revisions = [str(own_value(c, "revision")) for c in candidates if c.id is not None and own_value(c, "revision") is not None]
    plan.revision_scheme = scheme(revisions)
    first_revision = {"integer": "1", "letter": "A", "major-minor": "1.0", "letter-number": "A/0"}[plan.revision_scheme]
    taken_ids = {c.id for group in by_type.values() for c in group if c.id}
    duplicate = {i for i, n in Counter(c.id for g in by_type.values() for c in g if c.id).items() if n > 1}
    for name in sorted(by_type):
        group = sorted(by_type[name], key=lambda c: c.path)
        type_spec = propose_type(plan, name, group)
        if type_spec is None:
            continue
        plan.types.append(type_spec)
        for cand in group:
            notes: list[str] = []
            if not cand.id:
                cand.id = next_id(type_spec, taken_ids)
                taken_ids.add(cand.id)
                notes.append(f"numbered {cand.id} by qms adopt: the file names no id")
            if cand.id in duplicate:
                plan.left_out.append((cand.source, f"its id {cand.id} is also the id of another file: give one of "
                                                   "them another id and run qms adopt again"))
                continue
            plan.documents.append(plan_document(plan, cand, type_spec, first_revision, history, notes))
            type_spec.documents += 1
    plan.documents.sort(key=lambda d: d.path)


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
