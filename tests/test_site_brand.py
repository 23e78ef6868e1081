"""The organisation's own site: its logo and colour from qms.yml, and a footer naming it and the commit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, run_qms

from qms.site.brand import colour_css

pytestmark = pytest.mark.slow  # real mkdocs builds

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#fff"/></svg>\n'


def site_repo(root: Path, site_settings: str) -> GitQmsRepo:
    repo = GitQmsRepo(root)
    repo.write("portal/index.md", "# Home\n")
    repo.write("portal/logo.svg", LOGO)
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n")
    repo.edit("qms.yml", "language: en\n", f"language: en\n{site_settings}")
    repo.commit("The site's look", who="li-na")
    return repo


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitQmsRepo, Path]:
    repo = site_repo(tmp_path_factory.mktemp("brand") / "qms", 'site:\n  logo: portal/logo.svg\n  colour: "#8b1a1a"\n')
    site = repo.root.parent / "site"
    run = run_qms("build", "--site-dir", str(site), cwd=repo.root)
    assert run.code == 0, run.stdout + run.stderr
    return repo, site


def test_every_page_names_the_organisation_and_the_commit_in_its_footer(branded: tuple[GitQmsRepo, Path]) -> None:
    repo, site = branded
    head = repo.git("rev-parse", "--short=7", "HEAD")
    pages = list(site.rglob("index.html"))
    assert len(pages) >= 4
    for page in pages:
        html = page.read_text(encoding="utf-8")
        footer = html[html.index('<footer class="md-footer">'):]
        assert f"Published by Test Office from commit {head}" in footer, page
        assert "Made with" not in footer, page


def test_the_logo_and_colour_from_qms_yml_are_used(branded: tuple[GitQmsRepo, Path]) -> None:
    _, site = branded
    html = (site / "index.html").read_text(encoding="utf-8")
    logo = re.search(r'class="md-header__button md-logo".*?<img src="([^"]+)"', html, re.S).group(1)
    assert (site / logo).read_text(encoding="utf-8") == LOGO
    assert 'data-md-color-primary="custom"' in html
    assert "assets/qms-brand.css" in html
    assert "--md-primary-fg-color: #8b1a1a;" in (site / "assets" / "qms-brand.css").read_text(encoding="utf-8")


def test_a_missing_logo_stops_the_build_naming_the_line(tmp_path: Path) -> None:
    repo = site_repo(tmp_path / "qms", "site:\n  logo: portal/missing.svg\n")
    run = run_qms("build", "--site-dir", str(tmp_path / "site"), cwd=repo.root)
    assert run.code != 0 and "Traceback" not in run.stderr
    assert re.search(r"qms\.yml:\d+: the site logo portal/missing\.svg is not a file", run.stdout + run.stderr)


def test_a_colour_that_is_not_rrggbb_is_refused_naming_its_line(tmp_path: Path) -> None:
    repo = site_repo(tmp_path / "qms", "site:\n  colour: dark red\n")
    run = repo.qms("check")
    assert run.code == 2 and "Traceback" not in run.stderr
    assert 'qms.yml:4: site > colour must be a colour as #RRGGBB, such as #8b1a1a (found "dark red")' in run.stderr


def test_text_on_a_dark_colour_is_white_and_on_a_light_one_black() -> None:
    assert "--md-primary-bg-color: #ffffff;" in colour_css("#8b1a1a")
    assert "--md-primary-bg-color: #000000de;" in colour_css("#f5e663")
