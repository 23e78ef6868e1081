"""The links of the pages the plugin generates (coverage, roles matrix, records register) are HTML anchors.

Python-Markdown 3.11.4 rescans a table cell after each Markdown link in it, so a cell of n links costs n
squared; the plugin writes those links as the anchors MkDocs would make of them instead. In process:
qms.site.links against MkDocs' own File objects, the pages as the plugin hands them to MkDocs, and (slow)
a real MkDocs build of the demo repository with the anchors and with Markdown links, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.structure.files import File, Files, InclusionLevel

from qms.site import links
from qms.text.mdtext import link


def site_files(use_directory_urls: bool = True) -> tuple[Files, File]:
    def made(path: str, inclusion: InclusionLevel = InclusionLevel.INCLUDED) -> File:
        return File(path, "/docs", "/site", use_directory_urls, inclusion=inclusion)

    page = made("roles.md")
    return Files([page, made("procedures/qp-01-filing.md"), made("procedures/a&b c.md"),
                  made("procedures/qp-09-draft.md", InclusionLevel.DRAFT)]), page


def test_an_anchor_has_the_url_mkdocs_gives_the_file_relative_to_the_page() -> None:
    files, page = site_files()
    anchor = links.html_anchors(files, page)
    assert anchor("QP-01", "procedures/qp-01-filing.md") == '<a href="../procedures/qp-01-filing/">QP-01</a>'
    assert anchor("X-1", "procedures/a&b c.md") == '<a href="../procedures/a%26b%20c/">X-1</a>'  # MkDocs' encoding
    files, page = site_files(use_directory_urls=False)
    anchor = links.html_anchors(files, page)
    assert anchor("QP-01", "procedures/qp-01-filing.md") == '<a href="procedures/qp-01-filing.html">QP-01</a>'


def test_the_text_is_escaped_as_in_a_markdown_cell() -> None:
    files, page = site_files()
    assert links.html_anchors(files, page)("A_[1]<b>", "procedures/qp-01-filing.md") == (
        '<a href="../procedures/qp-01-filing/">A&#95;&#91;1&#93;&lt;b&gt;</a>')


def test_a_file_mkdocs_does_not_publish_keeps_its_markdown_link_and_mkdocs_warning() -> None:
    files, page = site_files()
    anchor = links.html_anchors(files, page)
    assert anchor("QP-09", "procedures/qp-09-draft.md") == link("QP-09", "procedures/qp-09-draft.md")
    assert anchor("QP-99", "procedures/qp-99-gone.md") == link("QP-99", "procedures/qp-99-gone.md")


def plugin_pages(root: Path) -> dict[str, str]:
    """The generated pages' Markdown as the qms plugin hands it to MkDocs."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(config_file=str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    return {name: files.get_file_from_path(name).content_string for name in ("roles.md", "records.md", "coverage.md")}


def test_the_generated_pages_write_no_markdown_link(new_demo, tmp_path: Path) -> None:
    root = new_demo(tmp_path / "demo").path
    for name, markdown in plugin_pages(root).items():
        assert '<a href="../' in markdown, name
        assert "](" not in markdown, name  # a Markdown link


def build(root: Path, site: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    mkdocs_build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site)))


@pytest.mark.slow  # two real MkDocs builds
def test_the_pages_are_the_same_as_with_markdown_links(new_demo, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = new_demo(tmp_path / "demo").path
    build(root, tmp_path / "anchors")
    with monkeypatch.context() as patched:  # what the plugin wrote before: Markdown links that MkDocs resolves
        for module in ("qms.site.plugin", "qms.site.coverage"):
            patched.setattr(f"{module}.html_anchors", lambda files, page: link)
        build(root, tmp_path / "markdown")
    for page in ("roles", "records", "coverage"):
        ours = (tmp_path / "anchors" / page / "index.html").read_bytes()
        assert ours == (tmp_path / "markdown" / page / "index.html").read_bytes(), page
        assert ours.count(b"<a href=") > 10
