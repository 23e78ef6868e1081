"""The inner words of long Chinese words, added to the search index (in process, with jieba)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import jieba
import pytest

from qms.site.search import add_inner_words, inner_words, with_inner_words

logging.getLogger("jieba").setLevel(logging.WARNING)
Z = "\u200b"


def test_inner_words_of_a_long_word_exclude_the_word_and_single_characters() -> None:
    assert inner_words("党政机关", jieba.cut_for_search) == ["党政", "机关"]
    assert inner_words("中华人民共和国", jieba.cut_for_search)[:2] == ["中华", "华人"]


def test_latin_text_and_short_words_are_left_alone() -> None:
    text = f"ISO 9001 clause 7.5 ({Z}公文{Z}处理{Z})"
    assert with_inner_words(text, jieba.cut_for_search) == text


def test_material_segmented_text_keeps_its_marks_and_gains_a_hidden_span() -> None:
    text = f"({Z}党政机关{Z}公文{Z})"
    assert with_inner_words(text, jieba.cut_for_search) == (
        f"({Z}党政机关{Z}<span hidden>{Z}党政{Z}机关{Z}</span>{Z}公文{Z})")


def test_the_index_file_is_rewritten_in_place(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    index.write_text(json.dumps({"config": {"lang": ["en"]}, "docs": [
        {"location": "a/", "title": "党政机关", "text": "党政机关"}]}), encoding="utf-8")
    add_inner_words(index, jieba.cut_for_search)
    doc = json.loads(index.read_text(encoding="utf-8"))["docs"][0]
    assert doc["title"] == "党政机关"  # titles are shown as text: left as they are
    assert "<span hidden>" in doc["text"] and "党政" in doc["text"].split("<span hidden>")[1]


@pytest.mark.parametrize("broken", ["", "{", "[]"])
def test_an_index_that_is_not_materials_is_left_alone(tmp_path: Path, broken: str) -> None:
    index = tmp_path / "search_index.json"
    index.write_text(broken, encoding="utf-8")
    add_inner_words(index, jieba.cut_for_search)
    assert index.read_text(encoding="utf-8") == broken
