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
    """What is wrong (message) and, where there is one, what to do about it (hint)."""

    def __init__(self, code: str, line: int, message: str, hint: str | None = None) -> None:
        super().__init__(f"{message}; {hint}" if hint else message)
        self.code = code
        self.line = line
        self.message = message
        self.hint = hint

    @property
    def full_message(self) -> str:
        """The problem and its fix in one sentence."""
        return str(self)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> Split:
    """`text` is decoded, BOM-free, with `\\n` line ends."""
    # Line by line up to the closing fence only: the body, however long, is never split into lines.
    end = text.find("\n")
    if (text if end < 0 else text[:end]).rstrip() != FENCE:
        raise SplitProblem(
            "F002",
            1,
            "no front-matter",
            "the file must start with a '---' line, then the YAML keys (id, title, type, ...), "
            "then another '---' line",
        )
    start = position = end + 1
    index = 1
    while end >= 0:
        end = text.find("\n", position)
        if (text[position:] if end < 0 else text[position:end]).rstrip() in CLOSERS:
            return Split(
                yaml_text=text[start : position - 1] if position > start else "",
                yaml_line=2,
                body="" if end < 0 else text[end + 1 :],
                body_line=index + 2,
            )
        position = end + 1
        index += 1
    raise SplitProblem(
        "F003",
        1,
        "the front-matter opened on line 1 is never closed",
        "add a '---' line after the last key",
    )
