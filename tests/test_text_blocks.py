"""The text rewrites that make Python-Markdown read the source as GitHub does (qms/text/blocks.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qms.text.blocks import indent_lists, join_cjk_lines, mark_details, separate_lists


@pytest.mark.parametrize(("source", "joined"), [
    ("保持\n现行有效", "保持现行有效"),
    ("作业指导书、\n表格", "作业指导书、表格"),
    ("- 办公室负责文件的\n  发放和回收", "- 办公室负责文件的发放和回收"),
    ("> 作废文件应加盖\n> “作废”印章", "> 作废文件应加盖“作废”印章"),
    ("第一行\n第二行\n第三行", "第一行第二行第三行"),
])
def test_a_break_between_cjk_characters_is_removed(source: str, joined: str) -> None:
    assert join_cjk_lines(source) == joined


@pytest.mark.parametrize("source", [
    "English text\nkeeps its break",
    "中文 text\nEnglish 中文",  # a Latin letter on either side
    "保持  \n现行有效",  # two spaces: a hard break, kept
    "保持\\\n现行有效",  # a backslash: a hard break, kept
    "# 标题\n正文",  # a heading is one line
    "```\n代码块里的\n换行保持不变\n```",
    "> ```\n> 引用中的代码\n> 换行\n> ```",
    "| 表格 |\n正文",
    "段落\n\n    缩进代码\n    第二行",
    "段落\n\n    缩进代码\n    第二行\n    第三行",
    "“引号”\nEnglish",
    "- 第一项\n- 第二项",  # a new list item, not a continuation
    "引用外\n> 引用内",
    "한국어\n문장",  # Korean puts spaces between words
])
def test_other_breaks_are_kept(source: str) -> None:
    assert join_cjk_lines(source) == source


def test_a_list_right_after_a_paragraph_gets_its_blank_line() -> None:
    assert separate_lists("Steps:\n- one\n- two") == "Steps:\n\n- one\n- two"
    assert separate_lists("Steps:\n1. one") == "Steps:\n\n1. one"
    assert separate_lists("In 2024 we had\n2. nothing") == "In 2024 we had\n2. nothing"  # only "1." interrupts
    assert separate_lists("- one\ncontinued\n- two") == "- one\ncontinued\n- two"  # lazy continuation
    assert separate_lists("```\ntext\n- not a list\n```") == "```\ntext\n- not a list\n```"
    assert separate_lists("```\n- a\n* b\n```") == "```\n- a\n* b\n```"  # code is code
    assert separate_lists("Para\n\n    - a\n    * b") == "Para\n\n    - a\n    * b"  # indented code too


def test_details_are_marked_for_markdown_inside_them() -> None:
    assert mark_details("<details>\n\n- a\n\n</details>") == '<details markdown="1">\n\n- a\n\n</details>'
    assert mark_details("<details open>") == '<details markdown="1" open>'
    assert mark_details('<details markdown="0">') == '<details markdown="0">'  # the writer said so
    assert mark_details("```html\n<details>\n```") == "```html\n<details>\n```"  # code is code


def test_a_change_of_marker_starts_a_new_list() -> None:
    assert indent_lists("* a\n+ b") == "* a\n\n<!-- -->\n\n+ b"
    assert indent_lists("- a\n  - b\n  1. c") == "- a\n    - b\n\n    <!-- -->\n\n    1. c"


def test_a_number_that_cannot_start_a_list_under_text_stays_text() -> None:
    assert indent_lists("- a\n  2. b") == "- a\n    2\\. b"
    assert indent_lists("- a\n  1. b") == "- a\n    1. b"


@pytest.mark.parametrize(("source", "indented"), [
    ("- a\n  - b\n    - c", "- a\n    - b\n        - c"),
    ("- a\n    - b", "- a\n    - b"),
    ("1. a\n   - b\n2. c", "1. a\n    - b\n2. c"),
    ("- a\n  ```\n    code\n  ```", "- a\n    ```\n      code\n    ```"),
    ("- ```toml\n  [[package]]\n  ```", "- \n    ```toml\n    [[package]]\n    ```"),
    ("> - a\n>   - b", "> - a\n>     - b"),
    ("Text\n\n    indented code\n    - in the code", "Text\n\n    indented code\n    - in the code"),
])
def test_lists_are_indented_four_spaces_a_level(source: str, indented: str) -> None:
    assert indent_lists(source) == indented


MARKDOWN_LINE = st.lists(st.sampled_from(["- ", "  ", "    ", "1. ", "1) ", "> ", "```", "~~~", "| a |", "# ", "中文", "保持",
                                          "text", "  \n", "\\", "[[QP-01]]", "<!-- -->", "\t", "*", "、", "“"]),
                         max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKDOWN_LINE, max_size=20).map("\n".join))
def test_the_rewrites_keep_every_character_of_the_text(text: str) -> None:
    """They only move line breaks and indentation (and write "1)" as "1."): no word is lost or added."""
    def visible(t: str) -> str:
        return re.sub(r"\s", "", t)

    def unquoted(t: str) -> str:  # a joined line in a quote loses its own quote marker
        return visible(re.sub(r"(?m)^[ \t>]*", "", t))

    assert unquoted(join_cjk_lines(text)) == unquoted(text)

    def without_comments(t: str) -> str:  # what indent_lists adds: an empty comment where a list ends, quote markers
        return unquoted(t).replace("<!---->", "")  # of a line split in two ("> - ```" is an item, then its fence)

    assert without_comments(indent_lists(text)).replace(".", ")").replace("\\", "") == \
        without_comments(text).replace(".", ")").replace("\\", "")

    def without_separators(t: str) -> str:  # what separate_lists adds: blank lines, in quotes too, and empty comments
        return visible("\n".join(line for line in t.split("\n") if not re.fullmatch(r"[> \t]*(<!-- -->)?", line)))

    assert without_separators(separate_lists(text)) == without_separators(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(MARKDOWN_LINE, max_size=20).map("\n".join))
def test_any_text_renders(text: str) -> None:
    """The published renderer takes any text: nothing a writer types stops a build."""
    from qms.publish.gfm import render

    assert isinstance(render(text), str)
