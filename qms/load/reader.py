"""Read one file into one document: bytes, text, front-matter, schema findings. No walking, no caching."""


from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from qms.load.config import CONFIG_NAME, Config
from qms.model import ERROR, Document, Finding
from qms.text.frontmatter import SplitProblem, normalise_newlines, split_front_matter
from qms.text.suggest import did_you_mean, show
from qms.text.yamlsafe import parse_yaml

MARKDOWN_SUFFIXES = (".md", ".markdown")


# Most documents fit in one read of this size; a shorter answer means the end of the file.
_FIRST_READ = 1 << 16


# O_BINARY on Windows, where os.open would otherwise turn CRLF into LF and stop at Ctrl-Z. O_NONBLOCK and O_NOCTTY:
# a FIFO or a terminal put in a file's place after the walk saw a file opens at once (and is refused below), where
# a plain open would wait for a writer that never comes; a regular file reads as it always does.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "an entry of an unknown kind"


def not_a_file(shown: str, kind: str, hint: str | None = None) -> Finding:
    """F012: something that is not a regular file sits where a document could be; it is never read."""
    return Finding(shown, None, "F012", ERROR, f"this is {kind}, not a regular file, so it is not read",
                   hint or "remove it from the document folder: only Markdown files, and pictures in assets/, "
                           "belong here")


def read_bytes(root: Path, rel: str, findings: list[Finding]) -> bytes | None:
    # os.open and os.read, not open(): half the cost, for tens of thousands of small files.
    try:
        handle = os.open(os.path.join(root, rel), _READ_FLAGS)
        try:
            kind = special_kind(os.fstat(handle).st_mode)
            if kind is not None:  # the walk leaves these out; this is one that took a file's place since
                findings.append(not_a_file(rel, kind))
                return None
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
                    f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read)",
                    "save the file as UTF-8 in your editor")
        )
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        findings.append(Finding(rel, line, "F001", ERROR, "is a binary file, not text", "only Markdown belongs here"))
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
                                    f">>>>>>> on line {unfinished[1]}): the merge of this file is not finished",
                                    "keep the right text, delete the marker lines, then `git add` the file"))
    try:
        split = split_front_matter(text)
    except SplitProblem as unsplit:
        hint = unsplit.hint
        name = rel.rsplit("/", 1)[-1]
        if unsplit.code == "F002" and name.lower() in ("readme.md", "index.md"):
            hint = (f"if it is not a controlled document, declare it in {CONFIG_NAME}: "
                    f'not_controlled: ["**/{name}"]')
        findings.append(Finding(rel, unsplit.line, unsplit.code, ERROR, unsplit.message, hint))
        return None
    parsed = parse_yaml(split.yaml_text, split.yaml_line)
    for problem in parsed.problems:
        findings.append(Finding(rel, problem.line, problem.code, ERROR, problem.message, problem.hint))
    if any(p.code in ("F004", "F008") for p in parsed.problems):
        return None
    data = parsed.value if parsed.value is not None else {}
    if not isinstance(data, dict):
        findings.append(
            Finding(rel, split.yaml_line, "F007", ERROR,
                    f"the front-matter must be key: value lines (found {show(data)})")
        )
        return None
    lines = parsed.lines
    data, clashes = config.front_matter.apply(data, lines)
    for key in clashes:
        target = config.front_matter.keys[key]
        findings.append(Finding(rel, lines.get((key,), split.yaml_line), "S001", ERROR,
                                f"both '{key}' and '{target}' are given, and {CONFIG_NAME} reads '{key}' as '{target}'",
                                f"keep one of them (the value of '{target}' is the one read)"))
    inferred = config.layout.inferred_type(rel, data.get("id")) if "type" not in data else None
    if inferred is not None:
        data["type"] = inferred
        lines[("type",)] = lines.get(("id",), split.yaml_line)
    document = Document(rel, data, lines, 1, split.body, split.body_line)
    findings.extend(schema_findings(config, document))
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


def schema_findings(config: Config, doc: Document) -> list[Finding]:
    assert config.schemas is not None
    found: list[Finding] = []

    def bad(line: int, message: str, hint: str | None = None) -> None:
        found.append(Finding(doc.path, line, "S001", ERROR, message, hint))

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
    for line, message, hint in config.schemas.errors(name, doc):
        bad(line, message, hint)
    # A type or record kind without a schema of its own is as strict as the shared schema: a typo such as
    # `referneces:` would otherwise pass unseen on exactly the types an organisation adds.
    if name == "document":
        allowed, where = config.types[doc_type].extra_keys, f"types.{doc_type}.extra_keys"
    elif name == "record" and doc.data.get("kind") in config.record_kinds:
        allowed, where = tuple(config.record_kind_keys.get(doc.data["kind"], ())), f"record_kind_keys.{doc.data['kind']}"
    else:
        return found
    declared = config.schemas.declared_keys(name)
    known = sorted(declared | set(allowed))
    for key in doc.data:
        if isinstance(key, str) and key not in declared and key not in allowed:
            if any(f.message.startswith(f"unknown key '{key}'") for f in found):
                continue  # the repository's own shared schema already forbids it
            suggestion = did_you_mean(key, known)
            bad(doc.line_of((key,)), f"unknown key '{key}'{suggestion}",
                None if suggestion else f"remove it, or allow it in {CONFIG_NAME} ({where}) or in the repository's "
                                        "schemas/")
    return found
