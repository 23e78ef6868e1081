"""Walk the configured folders and load every document, record, role and person.

Loading never stops at a bad file: each problem becomes a finding and the
walk goes on, so one run reports everything.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from qms.blobids import IndexIds
from qms.config import CONFIG_NAME, Config
from qms.frontmatter import SplitProblem, normalise_newlines, split_front_matter
from qms.model import ERROR, WARNING, Document, DocumentSet, Finding, Located, Person, Role
from qms.schemas import did_you_mean, show
from qms.yamlsafe import parse_yaml

MARKDOWN_SUFFIXES = (".md", ".markdown")
ASSET_FOLDERS = {"assets"}
# Most documents fit in one read of this size; a shorter answer means the end of the file.
_FIRST_READ = 1 << 16
# O_BINARY on Windows, where os.open would otherwise turn CRLF into LF and stop at Ctrl-Z.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def load_set(config: Config) -> DocumentSet:
    # Imported here: checkcache builds on this module's load_document.
    from qms.checkcache import load_documents

    docs = DocumentSet(root=str(config.root))
    index = IndexIds(config.root, config.folders())  # git lists blob ids while the folders are walked
    paths = _walk(config, docs)
    docs.files_seen = len(paths)
    for document, findings in load_documents(config, paths, index):
        docs.findings.extend(findings)
        if document is not None:
            docs.documents.append(document)
    _load_registries(config, docs)
    return docs


def load_people(config: Config) -> list[Person]:
    """Just the roster and roles, for commands that read history rather than the working tree."""
    docs = DocumentSet(root=str(config.root))
    _load_registries(config, docs)
    return docs.people


def _walk(config: Config, docs: DocumentSet) -> list[str]:
    """Relative paths of the Markdown files to load; other files become findings."""
    root = config.root
    found: list[str] = []
    registry_files = config.registry_files()
    for folder in config.folders():
        top = root / folder
        if not top.is_dir():
            docs.findings.append(_missing_folder(config, folder))
            continue
        _walk_folder(root, top, Path(folder).as_posix(), registry_files, found, docs)
    return sorted(set(found))


def _walk_folder(root: Path, here: Path, rel_dir: str, registry_files: set[str], found: list[str],
                 docs: DocumentSet) -> None:
    # os.scandir, not os.walk: its entries know whether they are links without one more stat per file.
    try:
        with os.scandir(here) as listing:
            entries = list(listing)
    except OSError:  # an unreadable folder is passed over, as os.walk does
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
        if entry.is_symlink() and not _check_symlink(root, here / name, docs):
            continue
        if rel in registry_files:
            continue
        if _UNFIT_NAME.search(rel):
            docs.findings.append(_unfit_name(rel))
        elif name.lower().endswith(MARKDOWN_SUFFIXES):
            found.append(rel)
        else:
            docs.findings.append(
                Finding(rel, None, "F006", WARNING,
                        "this file is not Markdown (.md) and is not part of the document set; "
                        "move pictures into an assets/ folder and other files out of the document folders")
            )
    for path, rel in sorted(folders):
        _walk_folder(root, path, rel, registry_files, found, docs)


# Bytes that are not UTF-8 (read as lone surrogates) and control characters: no report, page or link can carry them.
_UNFIT_NAME = re.compile("[\udc80-\udcff\x00-\x1f\x7f-\x9f]")


def _unfit_name(rel: str) -> Finding:
    shown = _UNFIT_NAME.sub(lambda m: _escaped(m.group()), rel)
    return Finding(shown, None, "F001", ERROR,
                   "the file name is not UTF-8 text or holds a control character (shown with \\ escapes), so the "
                   "file is not read; rename it with letters, digits, spaces and - _ .")


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
        # A broken link is kept too, so that reading it reports F001 instead of skipping it.
        return path.is_file() or not target.exists()
    rel = path.relative_to(root).as_posix()
    docs.findings.append(
        Finding(rel, None, "F009", ERROR,
                "this symbolic link points outside the repository and is not followed; "
                "copy the file into the repository instead")
    )
    return False


def _missing_folder(config: Config, folder: str) -> Finding:
    line = None
    if config.source is not None:
        for name, spec in config.types.items():
            if spec.folder == folder:
                line = config.source.lines.get(("types", name, "folder"))
                break
    return Finding(CONFIG_NAME, line, "F010", WARNING,
                   f"the folder '{folder}' named here does not exist; create it or correct the folder name")


def read_bytes(root: Path, rel: str, findings: list[Finding]) -> bytes | None:
    # os.open and os.read, not open(): half the cost, for tens of thousands of small files.
    try:
        handle = os.open(os.path.join(root, rel), _READ_FLAGS)
        try:
            data = os.read(handle, _FIRST_READ)
            if len(data) < _FIRST_READ:
                return data
            parts = [data]
            while data:
                data = os.read(handle, 1 << 20)
                parts.append(data)
            return b"".join(parts)
        finally:
            os.close(handle)
    except OSError as exc:
        findings.append(Finding(rel, None, "F001", ERROR, f"cannot be read: {exc.strerror}"))
        return None


def read_text(root: Path, rel: str, findings: list[Finding]) -> str | None:
    """The file's text, BOM dropped and line ends made `\\n`; None (and a finding) if unreadable."""
    raw = read_bytes(root, rel, findings)
    return None if raw is None else decode_text(rel, raw, findings)


def decode_text(rel: str, raw: bytes, findings: list[Finding]) -> str | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        findings.append(
            Finding(rel, line, "F001", ERROR,
                    f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read); "
                    "save the file as UTF-8 in your editor")
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        findings.append(Finding(rel, line, "F001", ERROR, "is a binary file, not text; only Markdown belongs here"))
        return None
    return normalise_newlines(text)


def load_document(config: Config, rel: str, raw: bytes, findings: list[Finding]) -> Document | None:
    """The document in `raw` (the bytes of file `rel`); its problems go to `findings`."""
    text = decode_text(rel, raw, findings)
    if text is None:
        return None
    if "<<<<<<<" in text:  # a substring test first: the pattern runs only on the rare file that needs it
        unfinished = _conflict_markers(text)
        if unfinished is not None:
            findings.append(Finding(rel, unfinished[0], "F011", ERROR,
                                    f"git's conflict markers are still in the file (<<<<<<< on line {unfinished[0]}, "
                                    f">>>>>>> on line {unfinished[1]}): the merge of this file is not finished; keep "
                                    "the right text, delete the marker lines, then `git add` the file"))
    try:
        split = split_front_matter(text)
    except SplitProblem as problem:
        findings.append(Finding(rel, problem.line, problem.code, ERROR, problem.message))
        return None
    parsed = parse_yaml(split.yaml_text, split.yaml_line)
    for problem in parsed.problems:
        findings.append(Finding(rel, problem.line, problem.code, ERROR, problem.message))
    if any(p.code in ("F004", "F008") for p in parsed.problems):
        return None
    data = parsed.value if parsed.value is not None else {}
    if not isinstance(data, dict):
        findings.append(
            Finding(rel, split.yaml_line, "F007", ERROR,
                    f"the front-matter must be key: value lines (found {show(data)})")
        )
        return None
    document = Document(rel, data, parsed.lines, 1, split.body, split.body_line)
    findings.extend(_schema_findings(config, document))
    return document


_CONFLICT_START = re.compile(r"^<{7}(?: |$)", re.MULTILINE)
_CONFLICT_END = re.compile(r"^>{7}(?: |$)", re.MULTILINE)


def _conflict_markers(text: str) -> tuple[int, int] | None:
    """(line of <<<<<<<, line of the >>>>>>> after it) when git left a conflict in the text."""
    start = _CONFLICT_START.search(text)
    end = _CONFLICT_END.search(text, start.end()) if start else None
    if start is None or end is None:
        return None
    return text.count("\n", 0, start.start()) + 1, text.count("\n", 0, end.start()) + 1


def _schema_findings(config: Config, doc: Document) -> list[Finding]:
    assert config.schemas is not None
    found: list[Finding] = []

    def bad(line: int, message: str) -> None:
        found.append(Finding(doc.path, line, "S001", ERROR, message))

    doc_type = doc.data.get("type")
    if doc_type is None:
        bad(1, "required key 'type' is missing")
        return found
    if not isinstance(doc_type, str) or doc_type not in config.types:
        choices = list(config.types)
        bad(doc.line_of(("type",)),
            f"type must be one of {', '.join(choices)} (found {show(doc_type)}{did_you_mean(doc_type, choices)})")
        return found
    name = doc_type if config.schemas.has(doc_type) else "document"
    if doc_type == "record":
        kind = doc.data.get("kind")
        name = "record"
        if kind in config.record_kinds:
            name = f"record-{kind}" if config.schemas.has(f"record-{kind}") else "record"
        elif kind is not None:
            kinds = config.record_kinds
            bad(doc.line_of(("kind",)),
                f"kind must be one of {', '.join(kinds)} (found {show(kind)}{did_you_mean(kind, kinds)})")
    for line, message in config.schemas.errors(name, doc):
        bad(line, message)
    return found


def _load_registries(config: Config, docs: DocumentSet) -> None:
    docs.roles_file = _load_yaml_file(config, config.roles_file, "roles", docs.findings)
    docs.people_file = _load_yaml_file(config, config.people_file, "people", docs.findings)
    if docs.roles_file is not None:
        for index, item in enumerate(_list(docs.roles_file.data.get("roles"))):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                reports_to = item.get("reports_to")
                docs.roles.append(
                    Role(item["id"], str(item.get("title", "")),
                         reports_to if isinstance(reports_to, str) else None,
                         docs.roles_file.line_of(("roles", index)))
                )
    if docs.people_file is not None:
        for index, item in enumerate(_list(docs.people_file.data.get("people"))):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                docs.people.append(
                    Person(item["id"], str(item.get("name", "")),
                           _strings(item.get("emails")), _strings(item.get("roles")),
                           docs.people_file.line_of(("people", index)),
                           [docs.people_file.line_of(("people", index, "roles", i))
                            for i in range(len(_strings(item.get("roles"))))],
                           _strings(item.get("signing_keys")))
                )


def _list(value: Any) -> list[Any]:
    """A YAML list, or [] for anything else (S002 reports the wrong type)."""
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _load_yaml_file(config: Config, rel: str, schema: str, findings: list[Finding]) -> Located | None:
    what = "roles registry" if schema == "roles" else "people roster"
    if not (config.root / rel).is_file():
        line = config.source.lines.get((schema,)) if config.source else None
        findings.append(
            Finding(CONFIG_NAME, line, "S002", ERROR,
                    f"the {what} '{rel}' does not exist; create it or correct the path in {CONFIG_NAME}")
        )
        return None
    text = read_text(config.root, rel, findings)
    if text is None:
        return None
    parsed = parse_yaml(text)
    for problem in parsed.problems:
        findings.append(Finding(rel, problem.line, problem.code, ERROR, problem.message))
    if any(p.code in ("F004", "F008") for p in parsed.problems):
        return None
    if not isinstance(parsed.value, dict):
        findings.append(Finding(rel, 1, "S002", ERROR,
                                f"the {what} must start with '{schema}:' followed by a list"))
        return None
    located = Located(rel, parsed.value, parsed.lines)
    assert config.schemas is not None
    for line, message in config.schemas.errors(schema, located):
        findings.append(Finding(rel, line, "S002", ERROR, message))
    return located
