"""The home page's overview in headless Chromium, at a desktop's width and a phone's (issue 15, Build 8).

Screenshots go where QMS_SCREENSHOTS says (see test_browser.py), as home-overview-1400.png and -390.png.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from qmsrepo import GitQmsRepo, run_qms
from test_browser import browser, screenshots, shot  # noqa: F401  (fixtures)
from test_home_overview import with_announced_revision

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def home_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    repo = with_announced_revision(GitQmsRepo(tmp_path_factory.mktemp("overview") / "qms"))
    built = run_qms("build", "--as-of", "2026-12-01", cwd=repo.root)
    assert built.code == 0, built.stderr
    server = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1",
                               "--directory", str(repo.root / "site")], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline() if server.stdout else ""  # "Serving HTTP on 127.0.0.1 port N ..."
        port = line.split(" port ")[1].split()[0]
        url = f"http://127.0.0.1:{port}/"
        for _ in range(150):
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("width", [1400, 390])
def test_home_page_overview_fits_and_reads(browser, home_url: str, width: int) -> None:  # noqa: F811
    browser.set_window_size(width, 1000)
    browser.get(home_url)
    article = browser.find_element("css selector", "article")
    words = article.text
    assert "In force on 2026-12-01" in words and "Recent changes" in words and "Coming into force" in words
    assert "2030-06-15" in words and "Numbers every form." in words
    # Nothing of the page runs off the side of a phone: wide tables scroll inside their own box.
    overflow = browser.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth,"
        " document.querySelector('article').scrollWidth) - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window at {width}px"
    shot(browser, f"home-overview-{width}")
