"""Each page's heading is the document's title, with the header under it; the printed note is safe CSS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, run_qms

from qms.site.framing import framed, heading_text
from qms.text.safetext import css_string

pytestmark = pytest.mark.slow  # a real mkdocs build

QM = "manual/qm-01-quality-manual.md"
QP = "procedures/qp-01-document-control.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = GitQmsRepo(tmp_path_factory.mktemp("framing") / "qms")
    repo.edit(QM, "# Quality Manual\n", "# Purpose\n\nWhy this manual exists.\n")
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\n"
                             "markdown_extensions:\n  - toc:\n      permalink: true\nplugins:\n  - search\n  - qms\n")
    repo.commit("A manual that opens with its purpose", who="li-na")
    site = repo.root.parent / "site"
    run = run_qms("build", "--site-dir", str(site), cwd=repo.root)
    assert run.code == 0, run.stdout + run.stderr
    return site


def article(site: Path, page: str) -> str:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article"):html.index("</article>")]


def test_a_body_opening_with_another_heading_keeps_it_under_the_title(site: Path) -> None:
    html = article(site, "manual/qm-01-quality-manual")
    headings = [heading_text(h) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S)]
    assert headings[:2] == ["Quality Manual", "Purpose"]
    assert html.index("Quality Manual") < html.index('class="qms-header"') < html.index("Purpose")


def test_a_body_opening_with_its_title_has_one_heading_and_the_header_under_it(site: Path) -> None:
    html = article(site, "procedures/qp-01-document-control")
    h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert [heading_text(h) for h in h1s] == ["Document Control"]
    assert html.index("<h1") < html.index('class="qms-header"')


def test_framing_escapes_the_title_it_adds() -> None:
    page = framed("<p>text</p>", "<script>x</script> & co", "<div>head</div>", "<table></table>")
    assert page.startswith("<h1>&lt;script&gt;x&lt;/script&gt; &amp; co</h1>\n<div>head</div>")


@pytest.mark.parametrize("text", ['QP-02 "rev" 1', "x</style><script>alert(1)</script>", "a\\b\nc"])
def test_a_css_string_cannot_be_ended_by_the_text(text: str) -> None:
    quoted = css_string(text)
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"' and '"' not in inner and "<" not in inner and "\n" not in inner
    assert re.sub(r"\\([0-9a-f]{6})", lambda m: chr(int(m.group(1), 16)), inner) == text
