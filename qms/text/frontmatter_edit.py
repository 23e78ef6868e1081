"""Change one front-matter value in place, keeping every other byte of the file.

Used by `qms approve`: comments, key order, quoting of other keys, a BOM and
CRLF line ends all stay as they were.
"""

from __future__ import annotations

import re

BOM = b"\xef\xbb\xbf"


class EditError(ValueError):
    pass


def set_keys(raw: bytes, values: dict[str, str], insert_after: str) -> bytes:
    """`raw` with each top-level key in `values` set; missing keys go after `insert_after`."""
    bom = raw.startswith(BOM)
    text = raw[len(BOM):].decode("utf-8") if bom else raw.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise EditError("the file has no front-matter")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise EditError("the front-matter is never closed")
    for key, value in values.items():
        pattern = re.compile(rf"^{re.escape(key)}:[ \t]*(?P<value>[^#\r\n]*?)(?P<rest>[ \t]+#[^\r\n]*)?(?P<eol>\r?\n?)$")
        index = next((i for i in range(1, end) if pattern.match(lines[i])), None)
        if index is not None:
            match = pattern.match(lines[index])
            assert match is not None
            lines[index] = f"{key}: {value}{match['rest'] or ''}{match['eol']}"
            continue
        anchor = next((i for i in range(1, end) if lines[i].startswith(f"{insert_after}:")), end - 1)
        eol = "\r\n" if lines[anchor].endswith("\r\n") else "\n"
        lines.insert(anchor + 1, f"{key}: {value}{eol}")
        end += 1
    out = "".join(lines).encode("utf-8")
    return BOM + out if bom else out
