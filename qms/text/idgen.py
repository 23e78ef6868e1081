"""The next free id of a document type, from its id pattern in qms.yml.

A pattern is read as fixed text and groups of digits (`QP-\\d{2}`, `WI-\\d{2}-\\d{2}`,
`REC-\\d{4}-\\d{3}`). The last group counts. Earlier groups come from the parent's number
(WI-07-03 belongs to QP-07) or, for a group of four digits, from the year. The count goes on
from the highest id in use, so an id is never given twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qms.errors import UsageError

_TOKEN = re.compile(r"\\d\{(\d+)\}|\[0-9\]\{(\d+)\}|\\d\+|\[0-9\]\+|\\(.)|([A-Za-z0-9 _/:.#-])", re.ASCII)


def id_regex(pattern: str) -> re.Pattern[str]:
    """An id pattern of qms.yml, compiled so that `\\d`, `\\w` and `\\s` match ASCII only.

    Python's `\\d` takes every Unicode digit, so `QP-\\d{2}` would take QP- followed by the full-width digits
    U+FF10 and U+FF17 beside `QP-07`: two ids that look the same. A pattern that wants more says so, with a class
    of the digits it wants or with `(?u)` at its start. re.error goes to the caller, which names the line of qms.yml.
    """
    try:
        return re.compile(pattern, re.ASCII)
    except ValueError:  # "(?u)" and re.ASCII are incompatible: the pattern asked for Unicode
        return re.compile(pattern)


@dataclass(frozen=True)
class _Group:
    width: int  # 0: any number of digits, no padding


def _parse(pattern: str) -> list[str | _Group]:
    """Fixed text and digit groups, or UsageError for a pattern that needs more than that."""
    parts: list[str | _Group] = []
    at = 0
    while at < len(pattern):
        match = _TOKEN.match(pattern, at)
        if match is None:
            raise UsageError(f"qms new cannot number ids of the pattern '{pattern}' (only fixed text and digit "
                             r"groups such as \d{2} are understood); give the id yourself with --id")
        width = match.group(1) or match.group(2)
        if width is not None or match.group(0) in (r"\d+", "[0-9]+"):
            parts.append(_Group(int(width or 0)))
        else:
            parts.append(match.group(3) or match.group(4))
        at = match.end()
    if not any(isinstance(p, _Group) for p in parts):
        raise UsageError(f"the id pattern '{pattern}' has no digits to count with; give the id yourself with --id")
    return parts


def next_id(pattern: str, taken: Iterable[str], parent_numbers: list[str], year: int, what: str) -> str:
    """The next id for `pattern`; `parent_numbers` are the digit groups of the parent's id."""
    parts = _parse(pattern)
    groups = [p for p in parts if isinstance(p, _Group)]
    fixed: list[int | None] = [None] * len(groups)
    leading = groups[:-1]
    for index, number in enumerate(parent_numbers[: len(leading)]):
        fixed[index] = int(number)
    for index, group in enumerate(leading):
        if fixed[index] is None and group.width == 4:
            fixed[index] = year
    missing = [i for i in range(len(leading)) if fixed[i] is None]
    if missing:
        raise UsageError(f"the id of a {what} ({pattern}) includes its parent's number; "
                         "name the parent with --parent, for example --parent QP-07")
    regex = re.compile("".join(re.escape(p) if isinstance(p, str) else r"(\d+)" for p in parts), re.ASCII)
    highest = 0
    for doc_id in taken:
        match = regex.fullmatch(doc_id)
        if match and all(int(match.group(i + 1)) == fixed[i] for i in range(len(leading))):
            highest = max(highest, int(match.group(len(groups))))
    fixed[-1] = highest + 1
    out, index = [], 0
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        text = str(fixed[index]).zfill(part.width)
        if part.width and len(text) > part.width:
            raise UsageError(f"no free id is left for a {what} under the pattern '{pattern}'")
        out.append(text)
        index += 1
    result = "".join(out)
    if not id_regex(pattern).fullmatch(result):
        raise UsageError(f"qms new made the id {result}, which does not match '{pattern}'; give the id with --id")
    return result


def numbers(doc_id: str) -> list[str]:
    """The digit groups of an id: QP-07 -> ["07"]."""
    return re.findall(r"\d+", doc_id, re.ASCII)
