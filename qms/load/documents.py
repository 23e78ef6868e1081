"""Walk the configured folders and load every document, record, role and person into a DocumentSet.

The orchestrator: the cache (qms.load.cache) decides which files need reading, and
the reader (qms.load.reader) reads each one.
"""


from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from qms.git.blobids import IndexIds
from qms.load.config import CONFIG_NAME, Config
from qms.load.layout import Layout
from qms.load.reader import not_a_file, read_text, special_kind
from qms.model import ERROR, WARNING, DocumentSet, Finding, Located, Person, Role
from qms.text.linkpath import resolve_link
from qms.text.yamlsafe import parse_yaml

ASSET_FOLDERS = {"assets"}


def load_set(config: Config) -> DocumentSet:
    # Imported here: checkcache builds on this module's load_document.
    from qms.load.cache import load_documents

    docs = DocumentSet(root=str(config.root))
    index = IndexIds(config.root, config.folders())  # git lists blob ids while the folders are walked
    others: list[str] = []
    paths = _walk(config, docs, others)
    docs.files_seen = len(paths)
    for document, findings in load_documents(config, paths, index):
        docs.findings.extend(findings)
        if document is not None:
            docs.documents.append(document)
    docs.findings.extend(_unreferenced(docs, others))
    _load_registries(config, docs)
    return docs


def _unreferenced(docs: DocumentSet, others: list[str]) -> list[Finding]:
    """F006 for each file beside the documents that is not Markdown and that no document links to or embeds.

    A quiz, an evidence PDF or a picture a document links to belongs to it, and so does the table a record names
    under `data:`; a file nothing names is most likely left behind (a Word original, a draft export).
    """
    if not others:
        return []
    named = {resolve_link(doc.path, ref.target) for doc in docs.documents for ref in doc.relative_links()}
    # A record's table (`data:`, a CSV next to it) belongs to the record as much as a link would make it.
    named.update(resolve_link(doc.path, doc.data["data"]) for doc in docs.documents
                 if doc.is_record and isinstance(doc.data.get("data"), str))
    return [Finding(rel, None, "F006", WARNING,
                    "this file is not Markdown (.md), is not part of the document set, and no document links to it",
                    "link it from the document it belongs to, move pictures into an assets/ folder, "
                    "or move the file out of the document folders")
            for rel in others if rel not in named]


def load_people(config: Config) -> list[Person]:
    """Just the roster and roles, for commands that read history rather than the working tree."""
    docs = DocumentSet(root=str(config.root))
    _load_registries(config, docs)
    return docs.people


def _walk(config: Config, docs: DocumentSet, others: list[str]) -> list[str]:
    """Relative paths of the Markdown files to load; other files in the document folders go to `others`."""
    root = config.root
    found: list[str] = []
    layout = config.layout
    # Only a folder the repository's own qms.yml names is missing: an unused default type is not an error. A
    # folder inside another that is walked (manual/external in manual/) loses no document by being absent.
    named = {spec.folder for spec in config.types.values() if spec.named and not spec.paths}
    docs.findings.extend(_missing_folder(config, folder) for folder in layout.roots()
                         if folder in named and not (root / folder).is_dir())
    for folder in layout.roots():
        top = root / folder
        if top.is_dir():
            _walk_folder(root, top, Path(folder).as_posix(), layout, found, others, docs)
    return sorted(set(found))


def _walk_folder(root: Path, here: Path, rel_dir: str, layout: Layout, found: list[str], others: list[str],
                 docs: DocumentSet) -> None:
    # os.scandir, not os.walk: its entries know whether they are links without one more stat per file.
    try:
        with os.scandir(here) as listing:
            entries = list(listing)
    except OSError as exc:  # the documents in it would go unchecked and unpublished without a word
        docs.findings.append(_unreadable_folder(rel_dir, exc))
        return
    folders = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        rel = f"{rel_dir}/{name}" if rel_dir not in (".", "") else name
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if name in ASSET_FOLDERS:
                continue
            if entry.is_symlink():
                _check_symlink(root, here / name, docs)
                continue
            folders.append((here / name, rel))
            continue
        if not layout.in_area(rel):  # outside every type's folder and glob, or declared not controlled
            if layout.declared_uncontrolled(rel) and _looks_controlled(here / name):
                docs.findings.append(_hidden_document(rel))
            continue
        if entry.is_symlink() and not _check_symlink(root, here / name, docs):
            continue
        if _UNFIT_NAME.search(rel):
            docs.findings.append(_unfit_name(rel))
        elif (kind := _special(entry)) is not None:
            docs.findings.append(not_a_file(rel, kind))
        elif layout.is_document(rel):
            found.append(rel)
        else:
            others.append(rel)
    for path, rel in sorted(folders):
        _walk_folder(root, path, rel, layout, found, others, docs)


# Front-matter with an id (or documentId, doc_id...): a controlled document, whatever qms.yml declares.
_ID_LINE = re.compile(rb"\A(?:\xef\xbb\xbf)?---[ \t]*\r?\n(?:(?!---)[^\n]*\n)*?[A-Za-z_-]*id[ \t]*:", re.I)


def _looks_controlled(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False
    return _ID_LINE.match(head) is not None


def _hidden_document(rel: str) -> Finding:
    return Finding(rel, 1, "F014", ERROR,
                   f"this file has a document's front-matter (an id), but {CONFIG_NAME} declares it not controlled "
                   "(not_controlled), so it is neither checked nor published",
                   f"narrow the not_controlled globs in {CONFIG_NAME} so they leave out documents, or remove the "
                   "front-matter if the file is not a document")


def _special(entry: os.DirEntry[str]) -> str | None:
    """What the entry is when it is not a regular file (a FIFO, a socket, a device), without opening it.

    A FIFO would make reading it wait for ever, and a device could give bytes without end: neither is read.
    """
    try:
        if entry.is_file():  # from the listing itself, no system call, for all but the rare odd entry
            return None
        mode = entry.stat().st_mode  # through a symbolic link, to what it points at
    except OSError:  # a broken or looping link: kept, so that reading it reports F001
        return None
    return special_kind(mode)


def _special_path(path: Path) -> str | None:
    """What stands at `path` when it is there and not a regular file; None for a file or nothing."""
    try:
        return special_kind(path.stat().st_mode)
    except OSError:
        return None


def _unreadable_folder(rel: str, exc: OSError) -> Finding:
    shown = _UNFIT_NAME.sub(lambda m: _escaped(m.group()), rel)
    return Finding(shown, None, "F013", ERROR,
                   f"this folder cannot be read ({exc.strerror or exc}), so the documents in it are neither "
                   "checked nor published",
                   "fix its permissions so that whoever runs qms may open and list it (for example chmod u+rx), "
                   "or move it out of the document folders")


# Bytes that are not UTF-8 (read as lone surrogates) and control characters: no report, page or link can carry them.
_UNFIT_NAME = re.compile("[\udc80-\udcff\x00-\x1f\x7f-\x9f]")


def _unfit_name(rel: str) -> Finding:
    shown = _UNFIT_NAME.sub(lambda m: _escaped(m.group()), rel)
    return Finding(shown, None, "F001", ERROR,
                   "the file name is not UTF-8 text or holds a control character (shown with \\ escapes), so the "
                   "file is not read",
                   "rename it with letters, digits, spaces and - _ .")


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code - 0xDC00:02x}" if code >= 0xDC80 else char.encode("unicode_escape").decode("ascii")


def _check_symlink(root: Path, path: Path, docs: DocumentSet) -> bool:
    """True when a symlink stays inside the repository and may be read."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a link that loops: reading it reports F001
        return True
    if target == root or root in target.parents:
        # Kept, whatever it points at: a broken link so that reading it reports F001, a link to a FIFO or a
        # device so that the walk reports F012 instead of skipping it.
        return True
    rel = path.relative_to(root).as_posix()
    docs.findings.append(
        Finding(rel, None, "F009", ERROR,
                "this symbolic link points outside the repository and is not followed",
                "copy the file into the repository instead")
    )
    return False


def _missing_folder(config: Config, folder: str) -> Finding:
    line = None
    if config.source is not None:
        for name, spec in config.types.items():
            if spec.folder == folder and spec.named:
                line = config.source.lines.get(("types", name, "folder"))
                break
    return Finding(CONFIG_NAME, line, "F010", WARNING,
                   f"the folder '{folder}' named here does not exist", "create it or correct the folder name")


def _load_registries(config: Config, docs: DocumentSet) -> None:
    docs.roles_file = _load_yaml_file(config, config.roles_file, "roles", docs.findings)
    docs.people_file = _load_yaml_file(config, config.people_file, "people", docs.findings)
    if docs.roles_file is not None:
        docs.roles.extend(roles_of(docs.roles_file))
    if docs.people_file is not None:
        docs.people.extend(people_of(docs.people_file))


def roles_of(registry: Located) -> list[Role]:
    """The roles a parsed registry lists; entries of the wrong shape are left out (S002 reports them)."""
    roles = []
    for index, item in enumerate(_list(registry.data.get("roles"))):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            reports_to = item.get("reports_to")
            roles.append(Role(item["id"], str(item.get("title", "")),
                              reports_to if isinstance(reports_to, str) else None,
                              registry.line_of(("roles", index))))
    return roles


def people_of(roster: Located) -> list[Person]:
    """The people a parsed roster lists; entries of the wrong shape are left out (S002 reports them)."""
    people = []
    for index, item in enumerate(_list(roster.data.get("people"))):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            people.append(
                Person(item["id"], str(item.get("name", "")),
                       _strings(item.get("emails")), _strings(item.get("roles")),
                       roster.line_of(("people", index)),
                       [roster.line_of(("people", index, "roles", i)) for i in range(len(_strings(item.get("roles"))))],
                       _strings(item.get("signing_keys")))
            )
    return people


def top_roles_of(registry: Located) -> list[str]:
    """The roles that report to nobody: top management, who approve changes to the rules of approval by default."""
    return [item["id"] for item in _list(registry.data.get("roles"))
            if isinstance(item, dict) and isinstance(item.get("id"), str) and not item.get("reports_to")]


def _list(value: Any) -> list[Any]:
    """A YAML list, or [] for anything else (S002 reports the wrong type)."""
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _load_yaml_file(config: Config, rel: str, schema: str, findings: list[Finding]) -> Located | None:
    what = "roles registry" if schema == "roles" else "people roster"
    path = config.root / rel
    kind = _special_path(path)
    if kind is not None:
        findings.append(not_a_file(rel, kind, f"put the {what} itself, a YAML file, in its place"))
        return None
    if not path.is_file():
        line = config.source.lines.get((schema,)) if config.source else None
        findings.append(
            Finding(CONFIG_NAME, line, "S002", ERROR,
                    f"the {what} '{rel}' does not exist", f"create it or correct the path in {CONFIG_NAME}")
        )
        return None
    text = read_text(config.root, rel, findings)
    return registry_from_text(config, rel, text, schema, findings) if text is not None else None


def registry_from_text(config: Config, rel: str, text: str, schema: str, findings: list[Finding]) -> Located | None:
    """The roles registry or people roster (`schema`) in `text`, the file `rel`, checked against its schema."""
    what = "roles registry" if schema == "roles" else "people roster"
    parsed = parse_yaml(text)
    for problem in parsed.problems:
        findings.append(Finding(rel, problem.line, problem.code, ERROR, problem.message, problem.hint))
    if any(p.code in ("F004", "F008") for p in parsed.problems):
        return None
    if not isinstance(parsed.value, dict):
        findings.append(Finding(rel, 1, "S002", ERROR,
                                f"the {what} must start with '{schema}:' followed by a list"))
        return None
    located = Located(rel, parsed.value, parsed.lines)
    assert config.schemas is not None
    for line, message, hint in config.schemas.errors(schema, located):
        findings.append(Finding(rel, line, "S002", ERROR, message, hint))
    return located
