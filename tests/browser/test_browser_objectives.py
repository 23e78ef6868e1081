"""The objectives chart in headless Chromium: its Chinese title is drawn in a CJK font, not as empty boxes."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser import browser, screenshots, shot  # noqa: F401  (fixtures)

from tests.test_objectives_site import build

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_chart_draws_its_chinese_labels(browser, tmp_path: Path) -> None:  # noqa: F811
    page = build(tmp_path) / "objectives" / "index.html"
    browser.get(page.as_uri())
    shot(browser, "objectives")
    title = browser.execute_script(
        "const svg = document.querySelector('figure svg').getBoundingClientRect();"
        "const t = [...document.querySelectorAll('svg text')].find(e => e.textContent.includes('按时办结率'));"
        "if (!t) return null; const b = t.getBBox();"
        "return {chart: svg.width * svg.height, width: b.width, height: b.height, font: getComputedStyle(t).fontFamily,"
        " cjk: document.fonts.check('16px \"Noto Sans CJK SC\"', '按时办结率')};")
    assert title is not None, "the chart has no text element with the Chinese title"
    assert title["chart"] > 300 * 100  # the chart is laid out at its size, not collapsed
    assert title["width"] > 5 * 8 and title["height"] > 8  # five glyphs drawn at their width, not collapsed
    assert "Noto Sans CJK SC" in title["font"]
    assert title["cjk"] is True
