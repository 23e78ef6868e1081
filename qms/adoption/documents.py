"""Each file's id, type, title, revision, status and the keys adopt writes, and the type proposed for a group of
documents: the decisions about one document, from what its file says and the date git last saw it change."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from qms.adoption.model import AdoptionPlan, PlannedDocument, ProposedType
from qms.adoption.people import slug
from qms.adoption.scan import QMS_KEYS, QMS_STATUSES, Scanned, find_id, native_key, without_id
from qms.errors import QmsError
from qms.git.authorship import Authorship
from qms.load.config import DEFAULT_TYPES
from qms.load.word import WordDocument, read_word
from qms.text.dates import current_day
from qms.text.legacy import LegacyRevision, read_legacy_revisions


@dataclass
class Candidate:
    """A file that may be a document, with what it says about itself; `path` is "" for a Word file until its
    type's folder is known."""

    path: str
    source: str
    id: str | None
    prefix: str | None
    number: str
    title: str
    type_hint: str | None
    scanned: Scanned | None
    word: WordDocument | None = None


def candidate(scanned: Scanned) -> Candidate:
    data = scanned.data
    own_id = next((v for k, v in data.items() if isinstance(k, str) and (k == "id" or native_key(k) == "id")
                   and isinstance(v, (str, int))), None)
    name = PurePosixPath(scanned.path).stem
    found = find_id(str(own_id)) if own_id is not None else None
    if own_id is not None and (found is None or found[0] != str(own_id)):
        # An id of its own that is not PREFIX-NUMBER as written: adopt never rewrites a document's number.
        scanned.problem = (f"its id {own_id!r} is not in the form SOP-001: correct it in the file (or remove it, and "
                           "qms adopt takes the id from the file name) and run qms adopt again")
        return Candidate(scanned.path, scanned.path, None, None, "", "", None, scanned)
    found = found or find_id(name) or find_id(scanned.heading)
    doc_id, prefix, number = found if found else (None, None, "")
    title = next((v for k, v in data.items() if isinstance(k, str) and (k == "title" or native_key(k) == "title")
                  and isinstance(v, str) and v.strip()), None)
    title = title or without_id(scanned.heading, doc_id) or without_id(_humane(name), doc_id)
    own_type = data.get("type")
    type_hint = own_type if isinstance(own_type, str) and re.fullmatch(r"[a-z][a-z0-9-]*", own_type) else None
    return Candidate(scanned.path, scanned.path, doc_id, prefix, number, title, type_hint, scanned)


def word_candidate(root: Path, rel: str, left_out: list[tuple[str, str]]) -> Candidate | None:
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
    return Candidate("", rel, doc_id, prefix, number, title, None, None, word)


def _humane(stem: str) -> str:
    """A file name as a title: "WI-001-backup-restore" -> "WI 001 Backup restore" (the id is taken out after)."""
    words = re.sub(r"[-_]+", " ", stem).split()
    return " ".join(w[:1].upper() + w[1:] if i == 0 or (i == 2 and words[1].isdigit()) else w
                    for i, w in enumerate(words))


def own_value(cand: Candidate, native: str) -> Any:
    if cand.scanned is None:
        return None
    for key, value in cand.scanned.data.items():
        if key == native or (isinstance(key, str) and native_key(key) == native):
            return value
    return None


def scheme(revisions: list[str]) -> str:
    """The revision scheme the set's own revisions follow; integer when it has none."""
    if not revisions:
        return "integer"
    for scheme, pattern in (("integer", r"\d+"), ("letter", r"[A-Z]{1,2}"), ("major-minor", r"\d+\.\d+"),
                            ("letter-number", r"[A-Z]/\d+")):
        if all(re.fullmatch(pattern, r) for r in revisions):
            return scheme
    return "integer"


def propose_type(plan: AdoptionPlan, name: str, group: list[Candidate]) -> ProposedType | None:
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


def _word_target(folder: str, cand: Candidate) -> str:
    words = slug(cand.title).split("-")[:8]
    return f"{folder}/{cand.id.lower() if cand.id else 'doc'}{'-' if words and words[0] else ''}{'-'.join(words)}.md"


def next_id(spec: ProposedType, taken: set[str]) -> str:
    prefix = spec.prefixes[0] if spec.prefixes else spec.name.upper()
    width = max((len(i.split("-", 1)[1]) for i in taken if i.startswith(prefix + "-") and "-" not in i.split("-", 1)[1]),
                default=3)
    number = 1
    while f"{prefix}-{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}-{number:0{width}d}"


def plan_document(plan: AdoptionPlan, cand: Candidate, spec: ProposedType, first_revision: str, history: Authorship,
                  notes: list[str]) -> PlannedDocument:
    data = cand.scanned.data if cand.scanned else {}
    present = {plan.key_map.get(k, k) for k in data if isinstance(k, str)}
    rename = {k: v for k, v in plan.key_map.items() if k in data} if (plan.rename_keys or not plan.mapping_supported) else {}
    status_value = own_value(cand, "status")
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
    revision = own_value(cand, "revision")
    revision = str(revision) if revision is not None else first_revision
    last_row = cand.scanned.last_revision if cand.scanned else None
    if cand.word is not None and cand.word.revision_table and cand.word.revision_table.rows:
        row = cand.word.revision_table.rows[-1]
        last_row = (row.revision.strip(), row.change.strip())
    effective = own_value(cand, "effective")
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
    if revision != first_revision and own_value(cand, "change") is None:
        # A later revision says what changed (D006): the revision table's own words where its last row is this
        # revision, else plainly that the change was recorded before qmskit.
        if last_row and last_row[0] == revision and last_row[1]:
            wanted["change"] = last_row[1]
        else:
            wanted["change"] = f"Revision {revision} in force when the QMS was adopted; its change is recorded before qmskit"
            notes.append("change: its change summary is not known; write it if the paper record has it")
    if "legacy_revisions" not in present and (cand.scanned is not None or cand.word is not None):
        # The paper record of approvals, as data the history, the site and the PDF show (docs/format.md).
        if cand.word is not None:
            rows = cand.word.revision_table.rows if cand.word.revision_table else ()
            legacy = [LegacyRevision(r.revision.strip(), r.date.strip(), r.change.strip(), r.approved_by.strip())
                      for r in rows if r.revision.strip()]
        else:
            legacy = read_legacy_revisions(data, cand.scanned.body if cand.scanned else "")
        if legacy:
            wanted["legacy_revisions"] = [r.as_front_matter() for r in legacy]
            notes.append(f"{len(legacy)} revisions approved on paper: listed as legacy_revisions")
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
    return current_day().isoformat()
