"""How big a document is as rendered: its printed length, and its paragraphs. Pure text, no Markdown.

Two costs grow faster than the text (docs/decisions.md, "What one PDF and one paragraph may hold"), and
both are bounded by sizes measured here, the same way by `qms check` and the renderers:

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

import itertools
import re
from dataclasses import dataclass

from qms.text.blocks import _CJK

# The defaults of `limits:` in qms.yml.
PDF_PAGES = 300
PARAGRAPH_CHARACTERS = 20_000
COLUMNS = 100
LINES_PER_PAGE = 40
_WIDE = re.compile(f"[{_CJK}\uac00-\ud7a3]")


def printed_lines(text: str) -> int:
    """About how many lines `text` takes on paper: each line (blank ones too: the space between blocks) at least
    one, and one more for each further `COLUMNS` columns."""
    total = text.count("\n") + 1
    wide = _WIDE.search(text) is not None
    shortest = COLUMNS // 2 if wide else COLUMNS  # a line this long or shorter never wraps
    # Only the lines that may wrap are looked at, each found at C speed after its line break, and none copied.
    starts = [0] if text.find("\n", 0, shortest + 1) < 0 and len(text) > shortest else []
    starts += [m.end() for m in re.finditer(f"\n(?=[^\n]{{{shortest + 1}}})", text)]
    for start in starts:
        stop = text.find("\n", start)
        stop = len(text) if stop < 0 else stop
        width = stop - start + (len(_WIDE.findall(text, start, stop)) if wide else 0)
        total += (width - 1) // COLUMNS
    return total


def estimated_pages(text: str) -> int:
    return -(-printed_lines(text) // LINES_PER_PAGE)


@dataclass(frozen=True)
class Paragraph:
    line: int  # its first line, counted as the caller counts (the file's line of the text's first line + offset)
    last_line: int
    characters: int


# Every pattern starts with a line break, which the regular expression engine finds at C speed; the first
# line of the text is looked at with "\n" put before it.
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
# A fence that opens or closes code, in a quote or a list item too.
_FENCE = re.compile(r"\n[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(`{3,}|~{3,})([^\n]*)")
# Where a new text starts inside a run of lines: a list item, a heading, HTML, a table row, a thematic break,
# a footnote (after any quote markers).
_STARTS_TEXT = re.compile(r"\n[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|#{1,6}(?:[ \t]|$)|<|\||\[\^[^\]\n]+\]:"
                          r"|(?:[-*_][ \t]*){3,}$)", re.MULTILINE)
_TABLE_RULE = re.compile(r"\n[ \t>]*\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$", re.MULTILINE)
_NOT_SPACE = re.compile(r"\S")
_QUOTE = re.compile(r"\n[ \t]{0,3}>")
_TABLE_ROW = re.compile(r"\n[^\n]*\|")  # in a table, each row is read cell by cell


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of fenced code, fences included; a fence left open runs to the end."""
    if "```" not in text and "~~~" not in text:
        return []
    spans: list[tuple[int, int]] = []
    opened: re.Match[str] | None = None
    first = _FENCE.match("\n" + text[:text.find("\n") if "\n" in text else len(text)])
    fences = [(0, first)] if first else []
    fences += [(m.start() + 1, m) for m in _FENCE.finditer(text)]
    opened_at = 0
    for at, fence in fences:
        if opened is None:
            opened, opened_at = fence, at
        elif fence.group(1)[0] == opened.group(1)[0] and len(fence.group(1)) >= len(opened.group(1)) \
                and not fence.group(2).strip():
            spans.append((opened_at, at + len(fence.group()) - 1))
            opened = None
    if opened is not None:
        spans.append((opened_at, len(text)))
    return spans


def _quotes_opened(text: str, start: int, end: int) -> list[int]:
    """Where a quote starts inside a run: a `>` line after one without (inside a quote, each line has one)."""
    opened = []
    for quote in _QUOTE.finditer(text, start, end):
        previous = text.rfind("\n", start, quote.start()) + 1 or start
        if not text[previous:quote.start()].lstrip().startswith(">"):
            opened.append(quote.start() + 1)
    return opened


def _stripped_length(text: str, start: int, end: int) -> int:
    """len(text[start:end].strip()), without copying the text."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return end - start


def _runs(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each run of lines with no blank line among them."""
    runs, start = [], 0
    for blank in _BLANK_LINES.finditer(text):
        runs.append((start, blank.start()))
        start = blank.end()
    runs.append((start, len(text)))
    return [(a, b) for a, b in runs if _NOT_SPACE.search(text, a, b)]


def long_paragraphs(text: str, limit: int, first_line: int = 1) -> list[Paragraph]:
    """The paragraphs of `text` longer than `limit` characters, in order, as written: runs of lines between
    blank lines, code (fenced, or indented after a blank line), list items, headings, HTML, tables and
    footnotes. Only a run longer than the limit is looked into."""
    if len(text) <= limit:
        return []
    code = _code_spans(text)
    found: list[Paragraph] = []
    for run_start, run_end in _runs(text):
        if run_end - run_start <= limit or text.startswith(("    ", "\t"), run_start):
            continue  # short, or indented code (or a list item's own paragraph: only the item is measured)
        pieces = [(run_start, run_end)]
        for start, end in code:  # the run's text outside fenced code
            pieces = [part for a, b in pieces for part in ((a, min(b, start)), (max(a, end), b)) if part[0] < part[1]]
        for start, end in pieces:
            if end - start <= limit:
                continue
            starts = _TABLE_ROW if _TABLE_RULE.search(text, start - 1, end) else _STARTS_TEXT
            cuts = sorted({start, end, *(m.start() + 1 for m in starts.finditer(text, start, end)),
                           *_quotes_opened(text, start, end)})
            for a, b in itertools.pairwise(cuts):
                size = _stripped_length(text, a, b)
                if size > limit:
                    line = first_line + text.count("\n", 0, a)
                    found.append(Paragraph(line, line + text.count("\n", a, b - 1), size))
    return found
