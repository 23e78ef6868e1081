"""Find `[[ID]]` references and relative links in a Markdown body, with lines.

Relative links are Markdown links and images, and raw HTML that links or embeds a file: `<a href>`,
`<img src>`, `<object data>`, `<embed src>`, `<iframe src>`, `<source src>`, `<track src>`, and
`<video src|poster>`, `<audio src>` (a tag may span lines; HTML comments are skipped). Each is checked
(R003), published as an attachment, and, for raw HTML, pointed by the site at the published file
(`replace_html_links`), since MkDocs rewrites only Markdown's own links.

The one scanner of the body: `qms check`, the site, the PDF and the export all
ask it where the `[[...]]` are. Code is not prose: fenced blocks (also those
inside a blockquote or a list item) and inline code spans are skipped, so an
example such as `[[QP-07]]` in a how-to, or TOML's `[[package]]` in a quoted
fence, is not taken for a reference. Nor is the text of a link: in
`[[1]](url)` or `[[QP-03]](url)` the brackets are the link's text, as GitHub
shows it. Whether the text inside names a document is for the caller to say
(the id patterns of qms.yml): see `Config.names_an_id`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from urllib.parse import unquote

# [[text]] that is not the text of a link ([[1]](url), [[QP-03]][ref]): a link's text is shown, never resolved.
WIKI_LINK = re.compile(r"\[\[([^\[\]\n]+?)\]\](?![(\[])")
# [text](target), [text](<target with spaces>) and ![alt](target), with an optional "title".
MD_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*(?:<([^<>\n]+)>|([^)\s<>]+))(?:\s+[\"'(][^)]*)?\s*\)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# A fence may sit in a blockquote (`> ```toml`) or a list item (`- ```` ` or indented under one).
CONTAINER = re.compile(r"^(?:[ \t]*>[ \t]?)*")
LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Raised whenever what the scanner finds changes: the load cache keeps each file's links and must not be reused.
SCANNER_VERSION = 2
# Raw HTML elements that link to or embed a file, and the attributes that name it.
HTML_LINK_TAG = re.compile(r"<(?:a|img|object|embed|iframe|source|track|video|audio)\b[^<>]*>", re.I)
HTML_URL_ATTR = re.compile(r"""(?<=\s)(?:href|src|data|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
NEWLINE = re.compile("\n")
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)


@dataclass(frozen=True)
class BodyRef:
    target: str
    line: int


def _inside_containers(text: str) -> tuple[int, str]:
    """(blockquote depth, the rest) of a line: `> > - ```x` gives (2, "- ```x")."""
    prefix = CONTAINER.match(text)
    quotes = prefix.group(0).count(">") if prefix else 0
    return quotes, text[prefix.end():] if prefix else text


def prose_lines(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """(file line, text) for lines outside fenced code, inline code blanked out."""
    fence: str | None = None
    fence_quotes = 0
    for offset, text in enumerate(body.split("\n")):
        quotes, rest = _inside_containers(text)
        if fence is not None:
            # A line outside the quote that holds the fence ends the quote, and the fence with it. (A list
            # item's fence is not ended by indentation here: a doubt is taken for code, never for a reference.)
            if quotes >= fence_quotes:
                # Only a run of the same character, at least as long, closes it: a ```` block
                # can show a ``` example, and ```python inside does not end it.
                closing = rest.strip()
                if closing and set(closing) == {fence[0]} and len(closing) >= len(fence):
                    fence = None
                continue
            fence = None
        marker = LIST_MARKER.match(rest)
        opened = FENCE.match(rest[marker.end():] if marker else rest)
        if opened:
            fence, fence_quotes = opened.group(1), quotes
            continue
        yield first_line + offset, INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text) if "`" in text else text


def id_spans(body: str, first_line: int) -> Iterator[tuple[int, re.Match[str]]]:
    """(file line, match) for every `[[text]]` in prose that is not a link's text; group 1 is the text."""
    if "[[" not in body:
        return
    for line, text in prose_lines(body, first_line):
        if "[[" in text:
            for match in WIKI_LINK.finditer(text):
                yield line, match


def replace_ids(body: str, first_line: int, replace: Callable[[str], str | None]) -> str:
    """The body with each `[[text]]` that `replace(text)` answers for replaced by its answer; the rest kept."""
    lines = body.split("\n")
    for line, match in reversed(list(id_spans(body, first_line))):  # from the end: offsets stay right
        new = replace(match.group(1).strip())
        if new is not None:
            index = line - first_line
            lines[index] = lines[index][:match.start()] + new + lines[index][match.end():]
    return "\n".join(lines)


# Several rules ask for the same body's references: each body is scanned once.
@lru_cache(maxsize=100_000)
def id_references(body: str, first_line: int) -> tuple[BodyRef, ...]:
    """Every `[[text]]` that could name a document; the caller keeps those that match an id pattern."""
    return tuple(BodyRef(match.group(1).strip(), line) for line, match in id_spans(body, first_line))


@lru_cache(maxsize=100_000)
def relative_links(body: str, first_line: int) -> tuple[BodyRef, ...]:
    """Links to files in the repository, Markdown's and raw HTML's, in order: web addresses and #anchors left out."""
    if "](" not in body and "<" not in body:
        return ()
    found = []
    for line, text in prose_lines(body, first_line):
        if "](" in text:
            for match in MD_LINK.finditer(text):
                path = _file_path(match.group(1) or match.group(2))
                if path:
                    found.append(BodyRef(path, line))
    if "<" in body:
        found += [BodyRef(path, line) for line, _, _, path in html_links(body, first_line)]
        found.sort(key=lambda ref: ref.line)
    return tuple(found)


def _file_path(target: str) -> str | None:
    """The repository path a link's target names (query and fragment dropped, %-escapes read), or None for a web
    address, an anchor or a site-absolute path."""
    if URL_SCHEME.match(target) or target.startswith(("#", "/")):
        return None
    return unquote(target.split("#", 1)[0].split("?", 1)[0]) or None


def _prose_text(body: str) -> str:
    """The body with everything that is not prose blanked (code lines, inline code, HTML comments), each character
    kept in its place: offsets and lines in it are the body's, and raw HTML tags may span lines."""
    lines = [" " * len(line) for line in body.split("\n")]
    for line, text in prose_lines(body, 0):
        lines[line] = text
    text = "\n".join(lines)
    if "<!--" in text:
        text = HTML_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text


def html_links(body: str, first_line: int) -> list[tuple[int, int, int, str]]:
    """(file line, start, end, repository path) of each relative file a raw HTML tag in prose names; [start, end)
    is the attribute's value in `body`."""
    text = _prose_text(body)
    found: list[tuple[int, int, int, str]] = []
    if "<" not in text:
        return found
    breaks = [m.start() for m in NEWLINE.finditer(text)]  # a line per tag found, without counting from the start
    for tag in HTML_LINK_TAG.finditer(text):
        for attr in HTML_URL_ATTR.finditer(tag.group(0)):
            group = next(i for i in (1, 2, 3) if attr.group(i) is not None)
            path = _file_path(unescape(attr.group(group)))
            if path:
                start = tag.start() + attr.start(group)
                found.append((first_line + bisect_left(breaks, start), start, tag.start() + attr.end(group), path))
    return found


def replace_html_links(body: str, replace: Callable[[str], str | None]) -> str:
    """The body with the value of each raw HTML attribute that names a relative file replaced by
    `replace(value as written, entities read)` where it answers (the site: the published file's URL relative to
    the page); everything else kept byte for byte."""
    if "<" not in body:
        return body
    pieces: list[str] = []
    position = 0
    for _, start, end, _ in html_links(body, 1):
        new = replace(unescape(body[start:end]))
        if new is not None:
            pieces += [body[position:start], new]
            position = end
    pieces.append(body[position:])
    return "".join(pieces)
