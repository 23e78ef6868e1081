"""Words for messages: a value shown as its author wrote it, and did-you-mean suggestions."""


from __future__ import annotations

import difflib
from typing import Any


def show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    return "a set of key: value lines"


def did_you_mean(word: Any, choices: list[str], cutoff: float = 0.6) -> str:
    """': did you mean "x"?' for the closest choice, or "" when none is close; case does not count
    (qp-01 -> QP-01), but a choice that matches with its case is preferred."""
    if not isinstance(word, str):
        return ""
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(choice.casefold(), choice)
    if word.casefold() in folded:
        return f': did you mean "{folded[word.casefold()]}"?'
    close = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    if not close:
        close = [folded[c] for c in difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=cutoff)]
    return f': did you mean "{close[0]}"?' if close else ""


def not_a_document(word: str, ids: list[str]) -> str:
    """The message for an id that names no document, with the closest id."""
    return f"{word} is not a document in this repository{did_you_mean(word, sorted(ids), 0.75)}"
