"""Authors' text made safe for where it is shown: a terminal or CI log.

A title, a file name, a YAML value or a git author's name can hold control characters. Printed raw, ESC starts
a terminal escape sequence (clear the screen, set the window's title, move the cursor), and a carriage return
sends the cursor back to overwrite the line: either can hide or fake a finding in a reviewer's terminal or a CI
log. `visible` shows each of them as a `\\` escape instead, the way F001 shows a file name.
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
