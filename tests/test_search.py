"""Site search: Chinese text is segmented (jieba, U+200B) and the search separator splits on U+200B."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from qmsrepo import run_qms

pytestmark = pytest.mark.slow  # builds the demo repository and its site, in English and Chinese

SAMPLE = Path(__file__).resolve().parent.parent


def build(new_demo, root: Path, language: str | None = None) -> Path:
    demo = new_demo(root).path
    if language:
        qms_yml = demo / "qms.yml"
        qms_yml.write_text(re.sub(r"(?m)^language: .*$", f"language: {language}", qms_yml.read_text(encoding="utf-8")),
                           encoding="utf-8")
    run = run_qms("build", cwd=demo)
    assert run.code == 0, run.stdout + run.stderr
    return demo


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, new_demo) -> dict:
    demo = build(new_demo, tmp_path_factory.mktemp("search") / "demo")
    return json.loads((demo / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))


def separator(index: dict) -> re.Pattern[str]:
    # The separator is a JavaScript regex; `\u200b` means the same to Python's re.
    return re.compile(index["config"]["separator"])


def found(index: dict, word: str) -> set[str]:
    """Locations whose title or text has `word` as a term, split the way lunr splits (separator, lowercase).

    Material's search worker indexes the text between tags, hidden or not, and not the tags.
    """
    sep = separator(index)
    return {doc["location"] for doc in index["docs"]
            if word.lower() in sep.split(re.sub(r"<[^>]+>", " ", f"{doc['title']} {doc['text']}").lower())}


def test_separator_splits_on_zero_width_space(index: dict) -> None:
    sep = index["config"]["separator"]
    assert "\\u200b" in sep or "\u200b" in sep
    assert separator(index).split("a\u200bb c-d") == ["a", "b", "c", "d"]
    assert "zh" not in index["config"]["lang"]


@pytest.mark.parametrize("word", ["沟通", "公文"])
def test_chinese_word_finds_qp04(index: dict, word: str) -> None:
    source = (SAMPLE / "procedures" / "qp-04-internal-communication.md").read_text(encoding="utf-8")
    assert word in source
    assert any("\u200b" in doc["text"] for doc in index["docs"]), "jieba did not segment any Chinese text"
    hits = found(index, word)
    assert any(loc.startswith("procedures/qp-04-internal-communication/") for loc in hits), sorted(hits)


@pytest.mark.parametrize("word", ["党政", "机关"])
def test_a_word_inside_a_longer_chinese_word_is_a_term(index: dict, word: str) -> None:
    source = (SAMPLE / "manual" / "external" / "ext-02-official-documents-regulations.md").read_text(encoding="utf-8")
    assert "党政机关" in source
    hits = found(index, word)
    assert any(loc.startswith("manual/external/ext-02-official-documents-regulations/") for loc in hits), sorted(hits)
    # The long word is still a term of its own, and the text shown in results names it once.
    assert any(loc.startswith("manual/external/ext-02") for loc in found(index, "党政机关"))
    shown = [re.sub(r"<span hidden>.*?</span>", "", doc["text"], flags=re.S) for doc in index["docs"]]
    assert not any("党政\u200b机关" in text or "党政机关党政" in text for text in shown)


def test_english_word_finds_english_procedure(index: dict) -> None:
    source = (SAMPLE / "procedures" / "qp-02-document-control.md").read_text(encoding="utf-8")
    assert "obsolete" in source.lower()
    hits = found(index, "obsolete")
    assert any(loc.startswith("procedures/qp-02-document-control/") for loc in hits), sorted(hits)


def test_chinese_qms_language_gives_chinese_site(tmp_path: Path, new_demo) -> None:
    demo = build(new_demo, tmp_path / "demo", "zh")
    html = (demo / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*\blang="zh"', html)
    assert "搜索" in html  # Material's zh translation of the search box
    index = json.loads((demo / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\\u200b" in index["config"]["separator"]
    assert any(loc.startswith("procedures/qp-04-internal-communication/") for loc in found(index, "公文"))
