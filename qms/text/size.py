"""How big a document is as rendered: its printed length, and its paragraphs. Pure text, no Markdown.

Two costs grow faster than the text (docs/decisions.md, "A long document is rendered in time that grows with
its length"), and both are bounded by sizes measured here, the same way by `qms check` and the renderers:

- WeasyPrint lays out every page of a PDF, and memory grows with them: `estimated_pages` says, before any layout,
  about how many pages a document prints to, counting each line of its text as one printed line per
  `COLUMNS` characters (a CJK character counts two), and `LINES_PER_PAGE` of those a page (with a heading, a
  table row or a paragraph's spacing, qmskit's A4 copies hold about 35 to 50).
- Python-Markdown rewrites the whole text of a paragraph each time it finds a link, an emphasis or a code span
  in it: a paragraph of n characters with m of them costs n * m. `long_paragraphs` finds the paragraphs
  longer than a limit, as they are written (runs of text lines between blank lines, list items, headings,
  tables and code); the renderers show a paragraph longer than the limit as plain text
  (qms/publish/gfm_ext.py), so the cost of any page stays linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qms.text.blocks import _CJK, LIST_ITEM, NOT_PROSE, QUOTE_PREFIX, TABLE_RULE, _code_lines

# The defaults of `limits:` in qms.yml.
PDF_PAGES = 300
PARAGRAPH_CHARACTERS = 20_000
COLUMNS = 100
LINES_PER_PAGE = 40
_WIDE = re.compile(f"[{_CJK}\uac00-\ud7a3]")
_FOOTNOTE = re.compile(r"^[ ]{0,3}\[\^[^\]]+\]:")


def printed_lines(text: str) -> int:
    """About how many lines `text` takes on paper: each line (blank ones too: the space between blocks) at least
    one, and one more for each further `COLUMNS` columns."""
    total = 0
    for line in text.split("\n"):
        width = len(line)
        if width > COLUMNS // 2:  # only a long line can wrap, even with every character wide
            width += len(_WIDE.findall(line))
        total += 1 + (width - 1) // COLUMNS if width else 1
    return total


def estimated_pages(text: str) -> int:
    return -(-printed_lines(text) // LINES_PER_PAGE)


@dataclass(frozen=True)
class Paragraph:
    line: int  # its first line, counted as the caller counts (the file's line of the text's first line + offset)
    last_line: int
    characters: int


def long_paragraphs(text: str, limit: int, first_line: int = 1) -> list[Paragraph]:
    """The paragraphs of `text` longer than `limit` characters (their lines joined, indentation and quote
    markers left out), in order."""
    if len(text) <= limit:
        return []
    lines = text.split("\n")
    code = _code_lines(lines)
    found: list[Paragraph] = []
    start, size, in_table = -1, 0, False

    def close(end: int) -> None:
        if start >= 0 and size > limit:
            found.append(Paragraph(first_line + start, first_line + end, size))

    for number, line in enumerate(lines):
        content = line[QUOTE_PREFIX.match(line).end():].strip()  # type: ignore[union-attr]
        if code[number] or not content:
            close(number - 1)
            start, size, in_table = -1, 0, False
            continue
        if TABLE_RULE.match(content) and "|" in content or (in_table and "|" in content):
            close(number - 1)  # a table's rows are read cell by cell: none is a paragraph of the text before
            start, size, in_table = -1, 0, True
            continue
        if start < 0 or LIST_ITEM.match(content) or NOT_PROSE.match(content) or _FOOTNOTE.match(content):
            close(number - 1)  # each list item, heading, footnote or HTML line starts a text of its own
            start, size, in_table = number, len(content), False
            continue
        size += 1 + len(content)
    close(len(lines) - 1)
    return found
