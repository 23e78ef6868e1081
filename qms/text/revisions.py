"""Revision schemes: read a revision as written and put revisions in order.

Schemes (qms.yml `revision_scheme`):
  integer        1, 2, 3
  letter         A, B, ... Z, AA, AB   (letters run on like spreadsheet columns)
  major-minor    1.0, 1.1, 1.10, 2.0
  letter-number  A/0, A/1, B/0         (common in Chinese and European QMSs)
"""

from __future__ import annotations

import re

SCHEMES = ("integer", "letter", "major-minor", "letter-number")

# The first revision of each scheme: later ones must say what changed.
FIRST = {"integer": "1", "letter": "A", "major-minor": "1.0", "letter-number": "A/0"}

EXAMPLES = {"integer": "1, 2, 3", "letter": "A, B, C", "major-minor": "1.0, 1.1, 2.0", "letter-number": "A/0, A/1, B/0"}

_FORMS = {
    "integer": re.compile(r"(0|[1-9][0-9]*)"),
    "letter": re.compile(r"([A-Z]+)"),
    "major-minor": re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"),
    "letter-number": re.compile(r"([A-Z]+)/(0|[1-9][0-9]*)"),
}


class RevisionError(ValueError):
    pass


def _letters(text: str) -> int:
    value = 0
    for char in text:
        value = value * 26 + (ord(char) - ord("A") + 1)
    return value


def parse_revision(scheme: str, text: str) -> tuple[int, ...]:
    """A sortable key for `text`, or RevisionError if it does not follow `scheme`."""
    match = _FORMS[scheme].fullmatch(text.strip())
    if match is None:
        raise RevisionError(f'revision "{text}" does not follow the {scheme} scheme ({EXAMPLES[scheme]})')
    if scheme == "integer":
        return (int(match.group(1)),)
    if scheme == "letter":
        return (_letters(match.group(1)),)
    if scheme == "major-minor":
        return (int(match.group(1)), int(match.group(2)))
    return (_letters(match.group(1)), int(match.group(2)))


def is_after_first(scheme: str, text: str) -> bool:
    return parse_revision(scheme, text) > parse_revision(scheme, FIRST[scheme])
