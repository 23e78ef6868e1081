"""A very long document renders in time that grows with its length (issue 13, point 9).

No timed assertions: the two quadratic steps are checked by what they compute and how often they look.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import markdown
import pytest
from qmsrepo import GitQmsRepo

from qms.site.search_toc import index_headings_once
from qms.text.blocks import space_after_headings

EXTENSIONS = ["tables", "toc", "fenced_code", "attr_list", "def_list"]


def test_headings_are_spaced_and_render_the_same() -> None:
    body = "# T\n## A\ntext under A\n## B\n| a | b |\n|---|---|\n| 1 | 2 |\n```\n## not a heading\nkept\n```\n#hashtag\n## C"
    spaced = space_after_headings(body)
    assert spaced == ("# T\n\n## A\n\ntext under A\n## B\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
                      "```\n## not a heading\nkept\n```\n#hashtag\n## C")
    assert markdown.markdown(spaced, extensions=EXTENSIONS) == markdown.markdown(body, extensions=EXTENSIONS)


def test_a_run_of_headings_is_parsed_one_block_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tables extension reads each block it is offered: spaced, it reads each line once, not n^2/2 lines."""
    from markdown.extensions import tables

    read = 0
    original = tables.TableProcessor.test

    def counting(self: tables.TableProcessor, parent: object, block: str) -> bool:
        nonlocal read
        read += block.count("\n") + 1
        return original(self, parent, block)

    monkeypatch.setattr(tables.TableProcessor, "test", counting)
    n = 2000
    body = "\n".join(f"## Heading {i}" for i in range(n))
    markdown.markdown(body, extensions=EXTENSIONS)
    assert read > n * n // 4  # the quadratic case, as Python-Markdown has it
    read = 0
    markdown.markdown(space_after_headings(body), extensions=EXTENSIONS)
    assert read <= 2 * n


def _toc(ids: list[str]) -> list[SimpleNamespace]:
    return [SimpleNamespace(id="top", children=[SimpleNamespace(id=i, children=[]) for i in ids])]


def test_search_finds_each_heading_as_material_does_with_one_walk_per_page() -> None:
    material = pytest.importorskip("material.plugins.search.plugin")
    toc = _toc([f"h{i}" for i in range(50)] + ["h3"])
    original = material.SearchIndex()
    patched = material.SearchIndex()
    index_headings_once(patched)
    for wanted in ["top", "h0", "h3", "h49", "missing", None]:
        assert patched._find_toc_by_id(toc, wanted) is original._find_toc_by_id(toc, wanted)
    walks = 0

    class Counting(list):  # type: ignore[type-arg]
        def __iter__(self):  # type: ignore[no-untyped-def]
            nonlocal walks
            walks += 1
            return super().__iter__()

    counted = Counting(_toc([f"h{i}" for i in range(1000)]))
    for i in range(1000):
        patched._find_toc_by_id(counted, f"h{i}")
    assert walks == 1


MKDOCS_YML = "site_name: Test Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n"


@pytest.mark.slow
def test_a_page_of_20000_headings_builds_and_is_searchable(git_repo: GitQmsRepo) -> None:
    """Before the fix this page cost the build about two minutes; it completes, whole, in the search index too."""
    repo = git_repo
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("portal/index.md", "# Home\n")
    headings = "\n".join(f"## Step {i}" for i in range(20_000))
    repo.edit("procedures/qp-01-document-control.md", "# Document Control\n", f"# Document Control\n\n{headings}\n")
    repo.commit("A very long procedure", who="li-na")
    run = repo.qms("build")
    assert run.code == 0, run.stderr
    index = json.loads((repo.root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {entry["location"] for entry in index["docs"]}
    assert "procedures/qp-01-document-control/#step-19999" in locations
