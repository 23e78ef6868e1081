"""Split a Markdown file into its YAML front-matter and its body, keeping lines."""

from __future__ import annotations

from dataclasses import dataclass

FENCE = "---"
CLOSERS = ("---", "...")


@dataclass
class Split:
    yaml_text: str
    yaml_line: int  # file line of the first YAML line
    body: str
    body_line: int  # file line where the body starts


class SplitProblem(Exception):
    def __init__(self, code: str, line: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.line = line
        self.message = message


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> Split:
    """`text` is decoded, BOM-free, with `\\n` line ends."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise SplitProblem(
            "F002",
            1,
            "no front-matter: the file must start with a '---' line, then the YAML keys "
            "(id, title, type, ...), then another '---' line",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in CLOSERS:
            return Split(
                yaml_text="\n".join(lines[1:index]),
                yaml_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    raise SplitProblem(
        "F003",
        1,
        "the front-matter opened on line 1 is never closed: add a '---' line after the last key",
    )
