"""`qms adopt --apply`: write what the adoption plan says, and nothing else.

Each Markdown document gets its front-matter (the body after it kept byte for byte); each Word
file becomes a Markdown document beside its pictures, the Word file left where it was; qms.yml,
the roles registry and the people roster are written only where there is none. A file with
changes nobody committed is never written: the whole apply stops before writing anything.
Nothing is committed unless asked, and then under the user's own git identity, with the
adoption baseline tagged when asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from qms import safewrite
from qms.adoption.model import PEOPLE_FILE, ROLES_FILE, AdoptionPlan, PlannedDocument
from qms.errors import QmsError, UsageError
from qms.git.authorship import make_tag, stage_paths, tag_exists, valid_tag_name
from qms.git.commit import commit
from qms.git.log import author_identity
from qms.load.config import CONFIG_NAME
from qms.text.frontmatter_adopt import adopt_front_matter, front_matter_end, yaml_scalar, yaml_value


class AdoptError(QmsError):
    """The adoption cannot be applied as asked; nothing was written."""


@dataclass
class ApplyResult:
    written: list[str] = field(default_factory=list)  # files written or changed, relative to the root
    kept: list[str] = field(default_factory=list)  # settings files that were there already, left as they were
    commit: str | None = None
    tag: str | None = None
    author: str = ""


def apply_plan(plan: AdoptionPlan, commit_it: bool = False, tag: str | None = None) -> ApplyResult:
    root = plan.root
    if not plan.organisation:
        raise UsageError("give the organisation's name: qms adopt --apply --organisation \"NAME\" (qms adopt never "
                         "takes it from the folder's name)")
    if tag is not None and not commit_it:
        raise UsageError("a tag names a commit: give --commit with --tag, so that the baseline is the adoption commit")
    if (commit_it or tag) and not plan.git:
        raise UsageError(f"{root} is not a git repository: run git init and commit the files, then qms adopt again")
    if tag is not None:
        if not valid_tag_name(root, tag):
            raise UsageError(f"'{tag}' is not a valid git tag name; give one such as qms-baseline")
        if tag_exists(root, tag):
            raise UsageError(f"the tag {tag} exists already; give another name with --tag")
    if plan.uncommitted:
        raise AdoptError("these files have changes nobody committed (or were never committed), and qms adopt never "
                         "writes over them; commit or stash them, then run qms adopt again: " + ", ".join(plan.uncommitted))
    name, email = author_identity(root) if commit_it else ("", "")
    if commit_it and not email:
        raise UsageError("git does not know who you are: set git config user.name and user.email, so that the "
                         "adoption is committed under your own name")
    config_text = _config_text(plan, tag) if not plan.existing[CONFIG_NAME] else None
    baseline_edit = _with_baseline(root / CONFIG_NAME, tag) if plan.existing[CONFIG_NAME] and tag else None
    if commit_it:
        _refuse_unheld_roles(plan)
    edits = [(doc, _new_bytes(root, doc)) for doc in plan.documents if doc.changes and not doc.from_word]
    result = ApplyResult(author=f"{name} <{email}>" if email else "")
    for doc, data in edits:
        safewrite.write_atomically(root / doc.path, data)
        result.written.append(doc.path)
    for doc in plan.documents:
        if doc.from_word and not (root / doc.path).exists():
            result.written += _write_word(root, doc)
    if config_text is not None:
        safewrite.write_new(root / CONFIG_NAME, config_text.encode("utf-8"))
        result.written.append(CONFIG_NAME)
    elif baseline_edit is not None:
        safewrite.write_atomically(root / CONFIG_NAME, baseline_edit)
        result.written.append(CONFIG_NAME)
    else:
        result.kept.append(CONFIG_NAME)
    for rel, text in ((ROLES_FILE, _roles_text(plan)), (PEOPLE_FILE, _people_text(plan))):
        if plan.existing[rel]:
            result.kept.append(rel)
            continue
        safewrite.write_new(root / rel, text.encode("utf-8"))
        result.written.append(rel)
    if commit_it:
        paths = _adoption_paths(plan)
        stage_paths(root, paths)
        message = (f"Adopt the QMS with qmskit: front-matter for {len(plan.documents)} documents, qms.yml, "
                   "the roles registry and the people roster")
        result.commit = commit(root, message, paths)
        if tag is not None:
            make_tag(root, tag, f"Adoption baseline of the QMS ({plan.organisation}): documents in force here "
                                "count as approved before adoption")
            result.tag = tag
    return result


def _new_bytes(root: Path, doc: PlannedDocument) -> bytes:
    raw = (root / doc.path).read_bytes()
    data = adopt_front_matter(raw, doc.add, doc.rename, doc.status_word)
    old_end, new_end = front_matter_end(raw), front_matter_end(data)
    body_before = raw[old_end:] if old_end is not None else raw.removeprefix(b"\xef\xbb\xbf")
    if new_end is None or data[new_end:] != body_before:  # the body must come through as it was, byte for byte
        raise AdoptError(f"{doc.path}: its text would not be kept as it is; nothing was written")
    return data


def _write_word(root: Path, doc: PlannedDocument) -> list[str]:
    from qms.load.word import read_word

    word = read_word(root / doc.source, doc.source)
    rel = PurePosixPath(doc.path)
    assets = rel.parent / "assets" / rel.stem
    head = "---\n" + "".join(f"{k}: {yaml_value(v, k == 'revision')}\n" for k, v in doc.add.items()) + "---\n\n"
    body = word.markdown(f"assets/{rel.stem}") if word.pictures else word.markdown()
    written = []
    if word.pictures:
        target = root / assets
        if target.exists():
            raise AdoptError(f"{assets} exists already; qms adopt never writes over files, so move it away first")
        target.parent.mkdir(parents=True, exist_ok=True)
        with safewrite.folder_aside(target) as staging:
            for picture in word.pictures:
                (staging / picture.name).write_bytes(picture.data)
            safewrite.move_into_place(staging, target)
        written.append(str(assets))
    try:
        safewrite.write_new(root / doc.path, (head + body.lstrip("\n")).encode("utf-8"))
    except FileExistsError:
        raise AdoptError(f"{doc.path} appeared while adopting {doc.source}; it was left as it is") from None
    written.append(doc.path)
    return written


def _adoption_paths(plan: AdoptionPlan) -> list[str]:
    paths = [rel for rel in (CONFIG_NAME, ROLES_FILE, PEOPLE_FILE) if (plan.root / rel).is_file()]
    for doc in plan.documents:
        paths.append(doc.path)
        assets = PurePosixPath(doc.path).parent / "assets" / PurePosixPath(doc.path).stem
        if (plan.root / assets).is_dir():  # the pictures of a converted Word file
            paths.append(str(assets))
    return paths


def _refuse_unheld_roles(plan: AdoptionPlan) -> None:
    """Commit only a roster that names a holder of each role: after the baseline, a change to it needs top
    management's approval, which nobody could give while no one holds a role."""
    roles = _yaml_or_none(plan.root / ROLES_FILE)
    people = _yaml_or_none(plan.root / PEOPLE_FILE)
    if roles is None or people is None:
        raise AdoptError(f"run qms adopt --apply first, fill in who holds each role in {PEOPLE_FILE}, then commit "
                         "with qms adopt --apply --commit")
    held = {r for p in people.get("people") or [] if isinstance(p, dict) for r in p.get("roles") or []}
    unheld = [r.get("id") for r in roles.get("roles") or [] if isinstance(r, dict) and r.get("id") not in held]
    if unheld:
        raise AdoptError(f"nobody holds {', '.join(str(r) for r in unheld)}: name the holders of each role in "
                         f"{PEOPLE_FILE} (or delete the roles you do not use from {ROLES_FILE}), then commit. After "
                         "the adoption a change to the roster needs top management's approval, so it starts whole")


def _yaml_or_none(path: Path) -> dict[str, Any] | None:
    try:
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _with_baseline(path: Path, tag: str) -> bytes:
    raw = path.read_bytes()
    if any(line.startswith(b"baseline:") for line in raw.splitlines()):
        raise AdoptError(f"{CONFIG_NAME} already names a baseline; moving it is a controlled change (see "
                         "docs/decisions.md), so qms adopt leaves it alone: run without --tag")
    newline = b"" if raw.endswith(b"\n") or not raw else b"\n"
    return raw + newline + f"baseline: {yaml_scalar(tag)}  # the adoption: documents in force here count as approved\n".encode()


def _config_text(plan: AdoptionPlan, tag: str | None) -> str:
    lines = [
        "# Settings of this QMS, written by qms adopt (docs/adopting.md); docs/format.md explains each key.",
        f"organisation: {yaml_scalar(plan.organisation or '')}",
        f"language: {plan.language}",
        f"revision_scheme: {plan.revision_scheme}",
        "review_months: 12",
        f"roles: {ROLES_FILE}",
        f"people: {PEOPLE_FILE}",
    ]
    if plan.types:
        lines.append("types:")
        for spec in plan.types:
            lines += [f"  {spec.name}:", f"    folder: {yaml_scalar(spec.folder)}",
                      f"    id_pattern: '{spec.id_pattern}'"]
            if plan.layout_supported and spec.extra_keys:
                lines.append(f"    extra_keys: {yaml_value(sorted(spec.extra_keys))}")
    mapped = plan.mapping_supported and not plan.rename_keys and (plan.key_map or plan.status_map)
    if mapped:
        lines.append("front_matter:  # this set's own key names and status words, read as qmskit's")
        for section, mapping in (("keys", plan.key_map), ("status", plan.status_map)):
            if mapping:
                lines.append(f"  {section}:")
                lines += [f"    {yaml_scalar(k)}: {yaml_scalar(v)}" for k, v in sorted(mapping.items())]
    if plan.not_controlled:
        lines.append(f"not_controlled: {yaml_value(plan.not_controlled)}  # README and index pages, not documents")
    if tag is not None:
        lines.append(f"baseline: {yaml_scalar(tag)}  # the adoption: documents in force here count as approved")
    return "\n".join(lines) + "\n"


def _roles_text(plan: AdoptionPlan) -> str:
    lines = ["# Roles registry drafted by qms adopt: the roles documents are owned and approved by, and the job",
             "# titles their text names. Correct the titles and reporting lines, and delete the roles you do not use.",
             "roles:"]
    for role in plan.roles:
        lines += [f"  - id: {role.id}", f"    title: {yaml_scalar(role.title)}",
                  f"    reports_to: {role.reports_to or 'null'}"]
        if role.documents:
            lines.append(f"    # named in {len(role.documents)} document(s), first in {role.documents[0]}")
    return "\n".join(lines) + "\n"


def _people_text(plan: AdoptionPlan) -> str:
    lines = ["# People roster drafted by qms adopt from the git authors (names and addresses as git shows them).",
             "# qms adopt never guesses who holds which role: fill in each person's roles from manual/roles.yml,",
             "# and remove anyone who has left.",
             "people:"]
    for person in plan.people:
        lines += [f"  - id: {person.id}", f"    name: {yaml_scalar(person.name)}",
                  f"    emails: {yaml_value(person.emails)}", "    roles: []  # fill in",]
    return "\n".join(lines) + "\n"
