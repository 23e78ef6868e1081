"""The Python-Markdown extension `qms.publish.gfm_ext`: what GitHub does that no maintained extension does.

- lists nested by two spaces, a list that follows a paragraph without a blank line, and a line break between two CJK
  characters is no space (both rewrites of the text live in qms/text/blocks.py, which the export
  uses too);
- Markdown inside `<details>` is rendered;
- a backslash at the end of a line is a hard line break (CommonMark), not a literal backslash.

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

from qms.text.blocks import indent_lists, join_cjk_lines, mark_details, separate_lists


class _GitHubBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return join_cjk_lines(indent_lists(separate_lists(mark_details("\n".join(lines))))).split("\n")


class _BackslashBreak(InlineProcessor):
    def handleMatch(self, m: Any, data: str) -> tuple[etree.Element, int, int]:
        return etree.Element("br"), m.start(0), m.end(0)


class GitHubExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After whitespace is normalised (30), before fences (25) and raw HTML (20) are put aside:
        # the rewrites skip fenced code themselves, and see the text as the author wrote it.
        md.preprocessors.register(_GitHubBlocks(md), "qms_github_blocks", 29)
        # Before backslash escapes (180), which would leave the backslash of "\\\n" as text.
        md.inlinePatterns.register(_BackslashBreak(r"\\\n", md), "qms_backslash_break", 185)


def makeExtension(**kwargs: Any) -> GitHubExtension:
    return GitHubExtension(**kwargs)
