"""Authors' text made safe for where it is shown: a terminal or CI log, and a spreadsheet.

A title, a file name, a YAML value or a git author's name can hold control characters. Printed raw, ESC starts
a terminal escape sequence (clear the screen, set the window's title, move the cursor), and a carriage return
sends the cursor back to overwrite the line: either can hide or fake a finding in a reviewer's terminal or a CI
log. `visible` shows each of them as a `\\` escape instead, the way F001 shows a file name.

A CSV cell that starts with `=`, `+`, `-` or `@` is a formula to a spreadsheet, which may run it (`=HYPERLINK`
sends data away, `=cmd|...` once ran programs). `spreadsheet_cell` neutralises it as OWASP's "CSV Injection"
page advises: a single quote before it, so the spreadsheet shows the text and computes nothing.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls: 0x9b alone is a CSI to a terminal that reads 8-bit controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _escape(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")  # \t \n \r, \x1b, \x9b


def visible(text: str, keep: str = "") -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\r`), except those in `keep`.

    `keep` is for formats that need a character themselves: the line breaks of a CSV cell or a table cell.
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


# What json.dumps(ensure_ascii=False) leaves raw: it escapes C0 controls itself, but not DEL or the C1 controls.
_JSON_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def json_text(encoded: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with DEL and the C1 controls written as `\\u007f`
    escapes, as ESC already is: the value read back is the same, and a terminal showing the text sees no control.

    Those characters can only be inside JSON strings, where `\\uXXXX` means the same character.
    """
    if not _JSON_RAW_CONTROL.search(encoded):
        return encoded
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


# What makes a spreadsheet read a cell as a formula: these at its start (a tab or a carriage return may hide one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """`text` for a CSV cell: with a `'` before it when a spreadsheet would take it for a formula, else as it is."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_cell(text: str) -> str:
    """A CSV cell, printed to a terminal as often as opened in a spreadsheet: control characters shown as escapes
    (tabs and line breaks kept: a cell may hold them), then a `'` before what a spreadsheet would take for a formula.
    """
    return spreadsheet_cell(visible(text, keep="\t\n"))


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that no author's text can end early: everything but letters, digits,
    spaces and the CJK range is a CSS escape, so neither a quote nor `</style>` survives as itself."""

    def keep(char: str) -> bool:
        return char.isalnum() or char == " " or char in ".,:;-_/()（）：；，。、"

    return '"' + "".join(char if keep(char) else f"\\{ord(char):06x}" for char in text) + '"'
