"""Chinese words inside longer words, for the site search.

Material for MkDocs splits Chinese text with `jieba.cut`, which keeps "党政机关" as one term, so a search
for "党政" finds nothing. jieba's search-engine segmentation (`cut_for_search`) also yields the shorter
words inside a long one. They are added to the search index in a hidden span after the long word:
Material's search worker indexes the text of every element, while the result preview, which shows the
text as HTML, hides the span, so each word is shown once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

ZWSP = "\u200b"  # Material's mark between the words jieba found
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u200b]*[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
                     r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u200b]*")

Segmenter = Callable[[str], Iterable[str]]


def inner_words(word: str, cut_for_search: Segmenter) -> list[str]:
    """The shorter words jieba finds inside `word`, in order, without `word` itself or repeats."""
    seen: list[str] = []
    for part in cut_for_search(word):
        if part != word and len(part) > 1 and part not in seen:
            seen.append(part)
    return seen


def with_inner_words(text: str, cut_for_search: Segmenter) -> str:
    """`text` with the inner words of each Chinese word after it, in a hidden span."""

    def extend(match: re.Match[str]) -> str:
        out = []
        for word in match.group(0).split(ZWSP):
            out.append(word)
            inner = inner_words(word, cut_for_search) if len(word) > 2 else []
            if inner:
                out.append(f"<span hidden>{ZWSP}{ZWSP.join(inner)}{ZWSP}</span>")
        return ZWSP.join(out)

    return HAN_RUN.sub(extend, text)


def add_inner_words(index_file: Path, cut_for_search: Segmenter) -> None:
    """Rewrite Material's search_index.json so that every inner Chinese word is a search term."""
    try:
        index = json.loads(index_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return  # not Material's index: search works as Material left it
    if not isinstance(index, dict) or not isinstance(index.get("docs"), list):
        return
    for doc in index["docs"]:
        if not isinstance(doc, dict):
            continue
        if isinstance(doc.get("text"), str):
            doc["text"] = with_inner_words(doc["text"], cut_for_search)
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
