"""The Python-Markdown extension `qms.publish.gfm_ext`: what GitHub does that no maintained extension does.

- lists nested by two spaces, a list that follows a paragraph without a blank line, and a line break between two CJK
  characters is no space (both rewrites of the text live in qms/text/blocks.py, which the export
  uses too);
- Markdown inside `<details>` is rendered;
- a backslash at the end of a line is a hard line break (CommonMark), not a literal backslash;
- and, for time rather than GitHub: a paragraph (or any text Markdown would read as one, such as a list item or
  a table cell) longer than `paragraph_characters` is shown as plain text. Python-Markdown's inline parser
  writes the whole text again after each link, emphasis or code span it finds in it, so a paragraph of n
  characters holding m of them costs n * m, and a paragraph of 10,000 lines with a link on each took minutes.
  Plain text is every character, escaped, in blocks of `_PIECE_LINES` lines (WeasyPrint, too, slows down with
  the square of one block's length); `qms check` names such a paragraph (F016, qms/text/size.py).

Imported only where Markdown is rendered (MkDocs loads it by name, `qms pdf` through qms/publish/gfm.py):
the base install has no `markdown`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from qms.text.blocks import indent_lists, join_cjk_lines, mark_details, separate_lists
from qms.text.size import PARAGRAPH_CHARACTERS


class _GitHubBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return join_cjk_lines(indent_lists(separate_lists(mark_details("\n".join(lines))))).split("\n")


class _BackslashBreak(InlineProcessor):
    def handleMatch(self, m: Any, data: str) -> tuple[etree.Element, int, int]:
        return etree.Element("br"), m.start(0), m.end(0)


# One block of plain text: short enough for WeasyPrint to lay out in time that grows with the page.
_PIECE_LINES = 50
_PIECE_CHARACTERS = 5_000
# Whitespace kept, long lines wrapped: every character is on the page, in the PDF too.
PLAIN_STYLE = "white-space: pre-wrap; overflow-wrap: anywhere; margin: 0"


def plain_pieces(text: str) -> list[str]:
    """`text` in pieces of at most _PIECE_LINES lines and _PIECE_CHARACTERS characters (a longer line is cut)."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(line[i:i + _PIECE_CHARACTERS] for i in range(0, max(len(line), 1), _PIECE_CHARACTERS))
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
    for line in lines:
        if piece and (len(piece) == _PIECE_LINES or size + len(line) > _PIECE_CHARACTERS):
            pieces.append("\n".join(piece))
            piece, size = [], 0
        piece.append(line)
        size += len(line) + 1
    pieces.append("\n".join(piece))
    return pieces


class _LongTextAsPlainText(Treeprocessor):
    """Before inline parsing (20): a text longer than the limit becomes plain text, which it never reads."""

    def __init__(self, md: Markdown, limit: int) -> None:
        super().__init__(md)
        self.limit = limit

    def run(self, root: etree.Element) -> None:
        for element in list(root.iter()):
            text = element.text
            if isinstance(text, str) and not isinstance(text, AtomicString) and len(text) > self.limit:
                element.text = None
                holder = element
                if element.tag == "p":  # a <div> cannot stand in a <p>: the paragraph becomes the <div>
                    element.tag = "div"
                else:
                    holder = etree.Element("div")
                    element.insert(0, holder)
                holder.set("class", "qms-plain-text")
                for number, piece in enumerate(plain_pieces(text.strip("\n"))):
                    pre = etree.Element("pre", {"style": PLAIN_STYLE})
                    pre.text = AtomicString(piece)
                    holder.insert(number, pre)
            tail = element.tail
            if isinstance(tail, str) and not isinstance(tail, AtomicString) and len(tail) > self.limit:
                element.tail = AtomicString(tail)  # rare (text after an element in its parent): shown as written


class GitHubExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {"paragraph_characters": [PARAGRAPH_CHARACTERS, "a longer paragraph is shown as plain text (qms.yml limits)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # Before the inline parser (20), after the blocks are parsed.
        md.treeprocessors.register(_LongTextAsPlainText(md, int(self.getConfig("paragraph_characters"))),
                                   "qms_long_text_as_plain_text", 20.5)
        # After whitespace is normalised (30), before fences (25) and raw HTML (20) are put aside:
        # the rewrites skip fenced code themselves, and see the text as the author wrote it.
        md.preprocessors.register(_GitHubBlocks(md), "qms_github_blocks", 29)
        # Before backslash escapes (180), which would leave the backslash of "\\\n" as text.
        md.inlinePatterns.register(_BackslashBreak(r"\\\n", md), "qms_backslash_break", 185)


def makeExtension(**kwargs: Any) -> GitHubExtension:
    return GitHubExtension(**kwargs)
