"""Markup in front-matter shows as text in a real browser, and runs nothing.

The site of tests/test_safe_output.py (titles, names and change summaries
holding <script> and <img onerror>) is opened in headless Chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser import browser, screenshots  # noqa: F401 - the shared headless Chromium fixture
from test_safe_output import SCRIPT, build_hostile_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # builds a site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("browser-safe") / "qms")


@pytest.mark.parametrize("page", ["procedures/qp-01-document-control", "records", "roles", "register"])
def test_script_in_a_title_shows_as_text_and_never_runs(browser, hostile_site: Path, page: str) -> None:  # noqa: F811
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.get((hostile_site / page / "index.html").as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 - reading it is the check
    assert browser.execute_script("return document.querySelectorAll('script:not([src])').length") == \
        browser.execute_script("return [...document.scripts].filter(s => !s.src && !s.textContent.includes('alert(')).length")
    visible = browser.find_element(By.CSS_SELECTOR, "body").text
    assert SCRIPT in visible
