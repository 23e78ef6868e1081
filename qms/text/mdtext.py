"""Authors' values (titles, names, change summaries) written into generated Markdown as plain text.

A value lands in a table cell or a heading of a page that Python-Markdown (the site)
or another generator (`qms export`) renders. As text it must not end the cell (`|`),
the row (a line break), or turn into HTML, a link, an image or emphasis. Each such
character becomes its HTML character reference, which every Markdown renderer shows
as the character itself and none reads as syntax.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_REFERENCES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: f"&#{ord(c)};" for c in "|\\[]`*_!#~"}}
_SYNTAX = re.compile("[" + re.escape("".join(_REFERENCES)) + "]")


def cell(value: object) -> str:
    """`value` as inline Markdown text on one line: every run of white space, line breaks included, is one space."""
    return _SYNTAX.sub(lambda m: _REFERENCES[m.group()], " ".join(str(value).split()))


def link(text: object, path: str) -> str:
    """A Markdown link to a file of the set; the path is percent-encoded, so no character in it ends the link."""
    return f"[{cell(text)}]({quote(path)})"
