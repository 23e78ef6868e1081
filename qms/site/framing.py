"""Where the header and the revision table go on a built page.

The document's title, from its front-matter, is always the page's heading, and the header sits under it.
A body that opens with its own heading of that title keeps it as the page's heading; a body that opens
with another heading (`# Purpose`) keeps that heading below the title, as the author wrote it.
"""

from __future__ import annotations

import re
from html import escape, unescape

FIRST_H1 = re.compile(r"\s*<h1\b[^>]*>(.*?)</h1>", re.S)
TAG = re.compile(r"<[^>]+>")
PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


def heading_text(inner_html: str) -> str:
    """The words of a heading as a reader sees them, without Material's permalink sign."""
    return " ".join(unescape(TAG.sub("", PERMALINK.sub("", inner_html))).split())


def framed(html: str, title: str, head: str, table: str) -> str:
    """The page body with the title as its heading, the header under it and the revision table at the end."""
    opening = FIRST_H1.match(html)
    if opening and heading_text(opening.group(1)) == " ".join(title.split()):
        return f"{html[:opening.end()]}\n{head}\n{html[opening.end():]}\n{table}"
    return f"<h1>{escape(title, quote=False)}</h1>\n{head}\n{html}\n{table}"
