"""GitHub alerts are titled in the site's language: 注意, not "Note", on a Chinese page."""

from __future__ import annotations

from qms.publish import gfm
from qms.publish.labels import labels

ALERTS = "> [!NOTE]\n> Read this.\n\n> [!WARNING]\n> Careful.\n\n> [!TIP] Own title\n> Kept.\n"


def test_alert_titles_follow_the_language() -> None:
    html = gfm.render(ALERTS)
    chinese = gfm.translate_alert_titles(html, labels("zh"))
    assert '<p class="admonition-title">注意</p>' in chinese and '<p class="admonition-title">警告</p>' in chinese
    assert ">Note<" not in chinese and ">Warning<" not in chinese
    assert gfm.translate_alert_titles(html, labels("en")) == html


def test_a_title_the_author_wrote_stays() -> None:
    html = gfm.render("> [!NOTE] 特别说明\n> 内容。\n")
    assert gfm.translate_alert_titles(html, labels("zh")) == html
