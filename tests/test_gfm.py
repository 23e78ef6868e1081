"""GitHub-flavoured Markdown: the site, the PDF and the export show the structure GitHub shows.

Every page of tests/gfm-corpus/ (Markdown written for these tests) is rendered by the published
pipeline and by cmark-gfm, GitHub's own renderer, and their structures are compared: list depth,
code blocks, tables, task items, alerts, headings, images and links (tests/gfm_structure.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gfm_structure import article, github_html, structure
from hypothesis import given, settings
from hypothesis import strategies as st
from qmsrepo import BASE_FILES, GitQmsRepo, run_qms

from qms.commands.pdf import _body_html
from qms.model import Document
from qms.publish import gfm

CORPUS = Path(__file__).parent / "gfm-corpus"
PAGES = sorted(p.name for p in CORPUS.glob("*.md"))


def test_the_corpus_covers_what_github_shows() -> None:
    text = "\n".join((CORPUS / name).read_text(encoding="utf-8") for name in PAGES)
    for needed in ("\n  - ", "\n    - ", "- [ ]", "- [x]", "> [!NOTE]", "> [!CAUTION]", "\\\n", "  \n", "~~",
                   "https://", "www.", "[^", "文件\n保持现行有效", ":\n- first", "   ```", "   | ", "> ```toml"):
        assert needed in text, needed


@pytest.mark.parametrize("name", PAGES)
def test_the_pdf_renders_each_corpus_page_as_github_does(name: str) -> None:
    """`qms pdf` renders the body with the site's Markdown configuration."""
    source = (CORPUS / name).read_text(encoding="utf-8")
    body = _body_html(Document(path=f"procedures/{name}", data={}, lines={}, body=source), {})
    assert structure(body) == structure(github_html(source))


def test_the_site_adds_the_extensions_and_keeps_a_sites_own_settings() -> None:
    configured = ["toc", "pymdownx.tasklist"]
    configs = {"pymdownx.tasklist": {"custom_checkbox": True}}
    gfm.mkdocs_extensions(configured, configs)
    assert configured[:2] == ["toc", "pymdownx.tasklist"] and set(gfm.EXTENSIONS) <= set(configured)
    assert configs["pymdownx.tasklist"] == {"custom_checkbox": True}
    assert configs["pymdownx.tilde"] == {"subscript": False}
    assert configs["toc"]["slugify"]("目的 Purpose (ISO 9001:2015)", "-") == "目的-purpose-iso-90012015"


MKDOCS_YML = """\
site_name: GFM corpus
docs_dir: portal
theme:
  name: material
  language: en
plugins:
  - search
  - qms
"""

# A procedure whose body holds what the [[ID]] scanner must leave alone, a real reference, and Chinese.
PROCEDURE = BASE_FILES["procedures/qp-01-document-control.md"].replace("""\
See the [quality manual](../manual/qm-01-quality-manual.md).
""", """\
See the [quality manual](../manual/qm-01-quality-manual.md) and [[QM-01]].

A citation [[1]](https://example.com/source), a note [[62304:4.3.a]], a remark [[not an id]],
and links whose text is an id: [[QP-03]](https://example.com/qp-03), [[QM-01]](https://example.com/qm-01).

> ```toml
> [[package]]
> name = "quoted"
> ```

为确保质量管理体系文件
保持现行有效，特制定本程序。

English text in the same page
keeps its line break as a space.
""")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> GitQmsRepo:
    repo = GitQmsRepo(tmp_path_factory.mktemp("gfm") / "qms")
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("portal/index.md", "# Home\n")
    for name in PAGES:
        repo.write(f"portal/corpus/{name}", (CORPUS / name).read_bytes())
    repo.write("procedures/qp-01-document-control.md", PROCEDURE)
    repo.commit("The corpus and a procedure", who="li-na")
    run = run_qms("build", cwd=repo.root)
    assert run.code == 0, run.stdout + run.stderr
    return repo


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_every_built_page_has_githubs_structure(site: GitQmsRepo, name: str) -> None:
    """A real `qms build` (MkDocs with Material): each corpus page agrees with cmark-gfm."""
    built = (site.root / "site" / "corpus" / name.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    source = (CORPUS / name).read_text(encoding="utf-8")
    assert structure(article(built)) == structure(github_html(source))


def _page(site: GitQmsRepo) -> str:
    return article((site.root / "site" / "procedures" / "qp-01-document-control" / "index.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_double_brackets_that_name_no_document_render_as_github_renders_them(site: GitQmsRepo) -> None:
    html = _page(site)
    links = [href for kind, href, *_ in (s for s in structure(html) if s[0] == "link") for _ in [kind]]
    assert "https://example.com/source" in links and "https://example.com/qp-03" in links
    assert "[62304:4.3.a]]" in html and "[[not an id]]" in html
    assert re.search(r'<a href="https://example.com/qp-03">\[QP-03\]</a>', html)
    assert re.search(r'<a href="https://example.com/source">\[1\]</a>', html)
    assert re.search(r'<a href="https://example.com/qm-01">\[QM-01\]</a>', html)  # a link to a real id stays a link
    assert "[[package]]" in html and "<code" in html[html.index("[[package]]") - 200:html.index("[[package]]")]
    assert re.search(r'<a href="\.\./\.\./manual/qm-01-quality-manual/">QM-01 Quality Manual</a>', html)


@pytest.mark.slow
def test_a_line_break_between_chinese_characters_is_no_space_on_the_site(site: GitQmsRepo) -> None:
    html = _page(site)
    assert "文件保持现行有效" in html and "文件\n保持" not in html
    assert re.search(r"same page\s+keeps", html)  # Latin text keeps its break
    chinese = (site.root / "site" / "corpus" / "chinese" / "index.html").read_text(encoding="utf-8")
    assert "程序文件、作业指导书" in chinese and "的编号、发放和回收" in chinese
    assert "代码块里的\n换行保持不变" in chinese  # code is code
    assert '<h2 id="目的">' in chinese  # heading ids as GitHub makes them: a link to #目的 works


@pytest.mark.slow
def test_the_export_joins_chinese_lines_and_keeps_githubs_structure(site: GitQmsRepo, tmp_path: Path) -> None:
    run = run_qms("export", str(tmp_path / "export"), cwd=site.root)
    assert run.code == 0, run.stderr
    exported = (tmp_path / "export" / "procedures" / "qp-01-document-control.md").read_text(encoding="utf-8")
    assert "文件保持现行有效" in exported and "English text in the same page\nkeeps" in exported
    assert "[[1]](https://example.com/source)" in exported and "[[QP-03]](https://example.com/qp-03)" in exported
    assert "> [[package]]" in exported and "[[QM-01]](https://example.com/qm-01)" in exported
    assert "[QM-01 Quality Manual](../manual/qm-01-quality-manual.md)" in exported


def test_the_pdf_names_real_ids_and_leaves_link_texts_and_other_brackets_alone() -> None:
    body = "See [[QM-01]], [[QM-01]](https://example.com/qm-01), [[1]](https://example.com/1) and [[62304:4.3.a]]."
    html = _body_html(Document(path="procedures/qp-01.md", data={}, lines={}, body=body), {"QM-01": "Quality Manual"})
    assert "<strong>QM-01</strong> Quality Manual," in html
    assert '<a href="https://example.com/qm-01">[QM-01]</a>' in html and '<a href="https://example.com/1">[1]</a>' in html
    assert "[[62304:4.3.a]]" in html


BLOCKS = {"fence": ["```", "code", "```"], "table": ["| a | b |", "| - | - |", "| 1 | 2 |"], "text": ["More about it."],
          "quote": ["> Quoted."]}


# Well-formed lists as people write them: each item's children and blocks indented to the item's text
# (GitHub's rule) or by four spaces, bullets or numbers, task boxes, fences and tables inside items.
@st.composite
def _list_document(draw: st.DrawFn) -> str:
    four = draw(st.booleans())

    def items(depth: int, indent: int, quoted: bool) -> list[str]:
        lines: list[str] = []
        marker = draw(st.sampled_from(["-", "*", "1."]))
        for number in range(draw(st.integers(1, 3))):
            shown = f"{number + 1}." if marker == "1." else marker
            # cmark-gfm leaves a task box in a quote as text (GitHub's site shows a box): not compared.
            box = "" if quoted else draw(st.sampled_from(["", "[ ] ", "[x] "]))
            lines.append(" " * indent + f"{shown} {box}{draw(st.sampled_from(['item', '中文条目', 'a step']))}")
            inner = indent + (4 if four else len(shown) + 1)
            # A quote in an item of a quoted list is not read as GitHub reads it (docs/format.md).
            block = draw(st.sampled_from(["", "", "fence", "table", "text"] + ([] if quoted else ["quote"])))
            if block:
                if draw(st.booleans()):
                    lines.append("")
                lines += [" " * inner + line for line in BLOCKS[block]]
            if depth < 3 and draw(st.booleans()):
                lines += items(depth + 1, inner, quoted)
        return lines

    parts = []
    for _ in range(draw(st.integers(1, 3))):
        intro = draw(st.sampled_from(["", "Some text:", "# A heading"]))
        if intro:
            parts.append(intro)
        quoted = draw(st.booleans())
        parts += [("> " + line).rstrip() if quoted else line for line in items(0, 0, quoted)]
        parts.append("")
    return "\n".join(parts)


@settings(max_examples=200, deadline=None)
@given(_list_document())
def test_well_formed_lists_render_as_github_renders_them(source: str) -> None:
    assert structure(gfm.render(source)) == structure(github_html(source)), source
