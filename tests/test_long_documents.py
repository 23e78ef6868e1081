"""A very long document renders in time that grows with its length (issue 13, point 9).

No timed assertions: the two quadratic steps are checked by what they compute and how often they look.
"""

from __future__ import annotations

import json
import re
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


# A document too long to print, and a paragraph too long to format (F015, F016): both bounded before the slow step.

QP = "procedures/qp-01-document-control.md"


def _lengthen(repo: GitQmsRepo, text: str, limits: str = "") -> None:
    """QP-01 (in force since the baseline) with `text` added, committed, and `limits` in qms.yml."""
    if limits:
        repo.write("qms.yml", repo.read("qms.yml") + f"limits:\n{limits}")
    repo.edit(QP, "# Document Control\n", f"# Document Control\n\n{text}\n")
    repo.commit("A longer procedure", who="li-na")


def _steps(lines: int) -> str:
    return "\n".join(f"## Step {i // 4}\n" if i % 4 == 0 else f"Line {i}: what to do, and who does it." for i in range(lines))


def test_a_document_too_long_to_print_is_a_finding_and_pdf_prints_the_others(git_repo: GitQmsRepo) -> None:
    pytest.importorskip("weasyprint")
    repo = git_repo
    _lengthen(repo, _steps(400), "  pdf_pages: 5\n")
    run = repo.check("--format", "json")
    assert run.code == 0, run.stdout  # a warning: the site still publishes it
    found = [f for f in run.findings if f["code"] == "F015"]
    assert [(f["path"], f["severity"]) for f in found] == [(QP, "warning")]
    assert re.search(r"about \d+ pages, more than the 5 one PDF may hold", found[0]["message"]), found[0]
    assert "limits.pdf_pages" in run.stdout
    out = repo.root / "copies"
    one = repo.qms("pdf", "QP-01", "--output-dir", str(out))
    assert one.code == 1 and "Traceback" not in one.stderr
    assert re.search(rf"Not printed: QP-01 revision 2, {QP}: its text would print to about \d+ pages, more than the 5 "
                     r"one PDF may hold \(F015\); split it into shorter documents, or raise limits.pdf_pages in qms.yml",
                     one.stderr), one.stderr
    assert not out.exists() or not list(out.iterdir())
    every = repo.qms("pdf", "--all", "--output-dir", str(out))
    assert every.code == 1, every.stderr
    assert "Written" in every.stdout and "QM-01" in every.stdout and "QP-01" not in every.stdout
    assert "Not printed: QP-01 revision 2" in every.stderr
    assert sorted(p.name for p in out.iterdir()) == ["QM-01_rev1.pdf"]


def test_a_100000_line_document_is_refused_before_any_page_is_laid_out(git_repo: GitQmsRepo,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With the default limits: before, WeasyPrint laid out some 3,000 pages of it (minutes, gigabytes)."""
    weasyprint = pytest.importorskip("weasyprint")
    repo = git_repo
    _lengthen(repo, _steps(100_000))

    def no_layout(*args: object, **kwargs: object) -> None:
        raise AssertionError("WeasyPrint was asked to lay the document out")

    monkeypatch.setattr(weasyprint, "HTML", no_layout)
    run = repo.qms("pdf", "QP-01", "--output-dir", str(repo.root / "copies"))
    assert run.code == 1 and "AssertionError" not in run.stderr, run.stderr
    assert "more than the 300 one PDF may hold" in run.stderr
    assert "F015" in {f["code"] for f in repo.check("--format", "json").findings}


def _paragraph(lines: int) -> str:
    return "\n".join(f"Line {i} names [form F-{i}](https://forms.example/{i}), *in force*, with `code` <b>"
                     for i in range(lines))


def test_a_paragraph_too_long_to_format_is_a_finding_with_its_lines(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    _lengthen(repo, f"A short paragraph.\n\n{_paragraph(100)}\n\n- a list\n- of short items", "  paragraph_characters: 2000\n")
    run = repo.check("--format", "json")
    assert run.code == 0
    found = [f for f in run.findings if f["code"] == "F016"]
    start = repo.read(QP).split("\n").index("Line 0 names [form F-0](https://forms.example/0), *in force*, with `code` <b>") + 1
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [(QP, start, "warning")], found
    assert f"(lines {start}-{start + 99}), more than the 2,000 rendered with links and emphasis" in found[0]["message"]
    repo.write("qms.yml", repo.read("qms.yml").replace("paragraph_characters: 2000", "paragraph_characters: 20000"))
    assert "F016" not in repo.check("--format", "json").codes()


def test_a_paragraph_over_the_limit_is_rendered_as_plain_text_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python-Markdown rewrites a paragraph's whole text after each link or emphasis it finds in it: the text it is
    handed grows with the square of the paragraph; over the limit it is handed none of it."""
    from markdown.treeprocessors import InlineProcessor

    from qms.publish import gfm

    handed = 0
    original = InlineProcessor._InlineProcessor__applyPattern  # type: ignore[attr-defined]

    def counting(self: InlineProcessor, pattern: object, data: str, *args: object) -> object:
        nonlocal handed
        handed += len(data)
        return original(self, pattern, data, *args)

    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__applyPattern", counting)

    def cost(lines: int, limit: int) -> int:
        nonlocal handed
        handed = 0
        gfm.render(_paragraph(lines), limit)
        return handed

    assert cost(400, 10**9) > 3.5 * cost(200, 10**9)  # the quadratic case, as Python-Markdown has it
    assert cost(400, 2000) == cost(200, 2000) == 0
    html = gfm.render(f"Short *one*.\n\n{_paragraph(100)}", 2000)
    assert "<p>Short <em>one</em>.</p>" in html
    assert '<div class="qms-plain-text">' in html and "<a " not in html and "<em>in force" not in html
    assert "Line 99 names [form F-99](https://forms.example/99), *in force*, with `code` &lt;b&gt;" in html
    assert html.count("<pre ") == 2  # in blocks of 50 lines, each laid out on its own in a PDF


@pytest.mark.slow
def test_the_site_and_the_pdf_show_a_long_paragraph_whole_as_plain_text(git_repo: GitQmsRepo) -> None:
    """qms.yml's limit reaches both renderers; every line of the paragraph is on the page and in the PDF."""
    pdfium = pytest.importorskip("pypdfium2")
    repo = git_repo
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("portal/index.md", "# Home\n")
    _lengthen(repo, f"A short *formatted* paragraph.\n\n{_paragraph(120)}", "  paragraph_characters: 2000\n")
    run = repo.qms("build")
    assert run.code == 0, run.stderr
    page = (repo.root / "site" / "procedures" / "qp-01-document-control" / "index.html").read_text(encoding="utf-8")
    assert "A short <em>formatted</em> paragraph." in page
    assert '<div class="qms-plain-text">' in page and 'href="https://forms.example/' not in page
    assert all(f"Line {i} names [form F-{i}](https://forms.example/{i}), *in force*" in page for i in range(120))
    out = repo.root / "copies"
    made = repo.qms("pdf", "QP-01", "--output-dir", str(out))
    assert made.code == 0, made.stderr
    pdf = pdfium.PdfDocument(next(out.glob("QP-01_*.pdf")))
    text = re.sub(r"\s+", "", "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    pdf.close()
    assert all(f"Line{i}names[formF-{i}](https://forms.example/{i}),*inforce*" in text for i in range(120))


def test_only_paragraphs_are_measured_not_code_tables_or_lists() -> None:
    from qms.text.size import estimated_pages, long_paragraphs

    row = "| step | who does it, and what they keep as evidence of it |"
    long_line = "word " * 30
    text = "\n".join([
        "# Title", "", "```", *[long_line] * 40, "```", "",  # fenced code, however long
        "| a | b |", "|---|---|", *[row] * 40, "",  # a table: each row is read on its own
        *[f"- {long_line}" for _ in range(40)], "",  # a list: each item is read on its own
        "    indented code " + long_line, *["    " + long_line] * 40, "",
        *[long_line] * 20,  # one paragraph of 20 lines: the only one
        "> quoted " + long_line, *[f"> {long_line}"] * 9,  # a quote right after it, read on its own
    ])
    found = long_paragraphs(text, 2000, first_line=10)
    start = 10 + text.split("\n").index(long_line, text.split("\n").index("    " + long_line) + 40)
    assert [(p.line, p.last_line) for p in found] == [(start, start + 19)], found
    assert long_paragraphs(text, 4000) == []
    assert estimated_pages("\n".join(["short"] * 40)) == 1 and estimated_pages("\n".join(["short"] * 41)) == 2
    assert estimated_pages("x" * 4000) == 1 and estimated_pages("x" * 4001) == 2
    assert estimated_pages("中" * 2000) == 1 and estimated_pages("中" * 2001) == 2  # a CJK character is two columns
