"""Front-matter written onto an existing Markdown file by `qms adopt`, keeping the body byte for byte.

A file without front-matter gets a new block in front of its first byte. A file with
front-matter keeps every line of it (comments, order, quoting); missing keys are added at
its end, and a foreign key is renamed, or a status word replaced, only where asked. The
bytes after the closing fence are never decoded, split or rejoined.
"""

from __future__ import annotations

import json
import re

BOM = b"\xef\xbb\xbf"
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/()-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


class AdoptEditError(ValueError):
    pass


def yaml_scalar(value: str, number: bool = False) -> str:
    """`value` as a YAML scalar that reads back as this very string (plain where that is safe, else quoted);
    with `number`, digits stay plain (a revision such as 2 is written as qmskit's own documents write it)."""
    if re.fullmatch(r"[0-9][0-9_]*", value) and not number:
        return json.dumps(value)
    if _PLAIN.match(value) and value.lower() not in _RESERVED and not value.endswith(" ") and ": " not in value:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def yaml_value(value: str | list[str] | list[dict[str, str]], number: bool = False) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow_mapping(v) if isinstance(v, dict) else yaml_scalar(v) for v in value) + "]"
    return yaml_scalar(value, number)


def _flow_mapping(entry: dict[str, str]) -> str:
    """`{key: "value", ...}`, every value quoted: a date or a number in a paper record stays the text it was."""
    return "{" + ", ".join(f"{key}: {json.dumps(str(value), ensure_ascii=False)}" for key, value in entry.items()) + "}"


def front_matter_end(raw: bytes) -> int | None:
    """The offset just after the closing fence line of `raw`'s front-matter, or None when it has none."""
    start = len(BOM) if raw.startswith(BOM) else 0
    first = raw.find(b"\n", start)
    if first < 0 or raw[start:first].rstrip(b"\r \t") != b"---":
        return None
    position = first + 1
    while position <= len(raw):
        end = raw.find(b"\n", position)
        line = raw[position:] if end < 0 else raw[position:end]
        if line.rstrip(b"\r \t") in (b"---", b"..."):
            return len(raw) if end < 0 else end + 1
        if end < 0:
            return None
        position = end + 1
    return None


def adopt_front_matter(raw: bytes, add: dict[str, str | list[str]], rename: dict[str, str] | None = None,
                       status: tuple[str, str] | None = None) -> bytes:
    """`raw` with the keys of `add` written (those not yet present), keys renamed as `rename` says (foreign ->
    qmskit) and `status` (foreign word, qmskit word) replaced; the body after the front-matter kept as it is."""
    first_end = raw.find(b"\n")
    newline = b"\r\n" if first_end > 0 and raw[first_end - 1:first_end] == b"\r" else b"\n"  # as the first line ends
    added = [f"{key}: {yaml_value(value, key == 'revision')}".encode() for key, value in add.items()]
    end = front_matter_end(raw)
    if end is None:
        bom = BOM if raw.startswith(BOM) else b""
        block = newline.join([b"---", *added, b"---"]) + newline
        return bom + block + raw[len(bom):]
    head = raw[:end]
    lines = head.splitlines(keepends=True)
    closing = lines.pop()
    present = {m.group(1).decode("utf-8", "replace") for line in lines[1:]
               if (m := re.match(rb"^([^\s#:][^:]*?)[ \t]*:", line))}
    for foreign, native in (rename or {}).items():
        if native in present:
            raise AdoptEditError(f"both {foreign} and {native} are in the front-matter")
        pattern = re.compile(rb"^" + re.escape(foreign.encode()) + rb"([ \t]*:)")
        lines = [pattern.sub(native.encode() + rb"\1", line, count=1) if not line[:1].isspace() else line
                 for line in lines]
        present.discard(foreign)
        present.add(native)
    if status is not None:
        old, new = status
        pattern = re.compile(rb"^(status[ \t]*:[ \t]*)([\"']?)" + re.escape(old.encode()) + rb"\2([ \t]*(#.*)?\r?\n?)$")
        lines = [pattern.sub(rb"\g<1>" + new.encode() + rb"\3", line) for line in lines]
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += newline
    lines += [line + newline for key, line in zip(add, added) if key not in present]
    return b"".join(lines) + closing + raw[end:]
