"""Markdown made cheaper to render, without changing what it renders to.

Python-Markdown parses a run of lines with no blank line between them as one block: an ATX heading
(`## Title`) at its top is taken off and the rest of the block is tried again by every block
processor, each of which reads the whole remainder (the tables extension splits it into rows). A
run of n headings with no blank lines between them therefore costs n^2; 100,000 such lines took
minutes. A blank line after each heading makes each heading its own block; the HTML is the same.
"""

from __future__ import annotations

import re

from qms.text.body import prose_lines

ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")


def space_after_headings(body: str) -> str:
    """`body` with a blank line after every ATX heading (outside fenced code) that has none."""
    if "#" not in body:
        return body
    lines = body.split("\n")
    last = len(lines) - 1
    spaced: set[int] = set()
    for line_number, text in prose_lines(body, 0):
        if line_number < last and ATX_HEADING.match(text) and lines[line_number + 1].strip():
            spaced.add(line_number)
    if not spaced:
        return body
    out: list[str] = []
    for index, line in enumerate(lines):
        out.append(line)
        if index in spaced:
            out.append("")
    return "\n".join(out)
