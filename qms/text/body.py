"""Find `[[ID]]` references and relative links in a Markdown body, with lines.

Code is not prose: fenced blocks and inline code spans are skipped, so an
example such as `[[QP-07]]` in a how-to is not taken for a reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

WIKI_LINK = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
# [text](target), [text](<target with spaces>) and ![alt](target), with an optional "title".
MD_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*(?:<([^<>\n]+)>|([^)\s<>]+))(?:\s+[\"'(][^)]*)?\s*\)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class BodyRef:
    target: str
    line: int


def prose_lines(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """(file line, text) for lines outside fenced code, inline code blanked out."""
    fence: str | None = None
    for offset, text in enumerate(body.split("\n")):
        opened = FENCE.match(text)
        if fence is None and opened:
            fence = opened.group(1)
            continue
        if fence is not None:
            # Only a run of the same character, at least as long, closes it: a ```` block
            # can show a ``` example, and ```python inside does not end it.
            closing = text.strip()
            if closing and set(closing) == {fence[0]} and len(closing) >= len(fence):
                fence = None
            continue
        yield first_line + offset, INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text) if "`" in text else text


# Several rules ask for the same body's references: each body is scanned once.
@lru_cache(maxsize=100_000)
def id_references(body: str, first_line: int) -> tuple[BodyRef, ...]:
    if "[[" not in body:
        return ()
    return tuple(
        BodyRef(match.group(1).strip(), line)
        for line, text in prose_lines(body, first_line)
        for match in WIKI_LINK.finditer(text)
    )


@lru_cache(maxsize=100_000)
def relative_links(body: str, first_line: int) -> tuple[BodyRef, ...]:
    """Links to files in the repository: web addresses and #anchors left out."""
    if "](" not in body:
        return ()
    found = []
    for line, text in prose_lines(body, first_line):
        for match in MD_LINK.finditer(text):
            target = match.group(1) or match.group(2)
            if URL_SCHEME.match(target) or target.startswith(("#", "/")):
                continue
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if path:
                found.append(BodyRef(path, line))
    return tuple(found)
