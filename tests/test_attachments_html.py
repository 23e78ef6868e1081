"""Raw HTML attachments, and attachments in `qms export` (issue 15, Build 1).

A document may show a picture or offer a file with raw HTML (`<img src>`, `<a href>`, `<object data>`,
`<source src>`, `<video poster>`) as well as with Markdown. Those files are attachments like the others:
checked (R003, R010), published beside the page with the page pointing at them, and never published
for a restricted document. `qms export` carries every attachment of what it exports, at its own path, so
each relative link still works in the exported folder. Real repositories, the real `qms` command.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

from qmsrepo import GitQmsRepo, QmsRun, find
from test_attachments import FORM, GREEN, MKDOCS_YML, QP, RED, RESTRICTED_RECORD, SHEET, SVG

from qms.text.body import relative_links

POSTER, CLIP, SPEC = GREEN + b"poster", b"\x00\x00\x00\x18ftypmp42 a short clip", b"%PDF-1.4\n% the spec\n%%EOF\n"
RAW_HTML = """\
<p align="center"><img src="assets/raw-flow.png" alt="Flowchart" width="300"></p>

<object data="raw-map.svg" type="image/svg+xml"></object>

<video controls
       poster="assets/poster.png"><source src="assets/clip.mp4" type="video/mp4"></video>

Fill in the <a href="forms/request%20form.pdf#page=2">request form</a>, and keep the
<a href='raw-log.xlsx'>log</a>; the <a href="qp-01-document-control.md">procedure itself</a>.

`<img src="assets/in-code.png">` and an <!-- <img src="assets/commented.png"> --> are not attachments.

"""
FILES = {
    "procedures/assets/raw-flow.png": RED,
    "procedures/raw-map.svg": SVG.encode(),
    "procedures/assets/poster.png": POSTER,
    "procedures/assets/clip.mp4": CLIP,
    "procedures/forms/request form.pdf": FORM,
    "procedures/raw-log.xlsx": SHEET,
}
# The Markdown attachments of test_attachments' `illustrated` set, exported too.
MARKDOWN_FILES = {
    "procedures/assets/flow.png": RED,
    "procedures/map.svg": SVG.encode(),
    "procedures/assets/qf-01 request form.pdf": FORM,
    "procedures/log.xlsx": SHEET,
}


def ok(run: QmsRun) -> QmsRun:
    assert run.code == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return run


def _approved_with(repo: GitQmsRepo, body: str, files: dict[str, bytes], markdown: bool = False) -> None:
    """QP-01 revision 3, approved, showing `body` and its `files` (with `markdown`, the Markdown attachments too)."""
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write(".gitignore", "site/\n")
    for path, data in files.items():
        repo.write(path, data)
    if markdown:
        for path, data in MARKDOWN_FILES.items():
            repo.write(path, data)
        body = ("![Flowchart](assets/flow.png)\n\n![Map](map.svg)\n\n"
                "Fill in the [request form](<assets/qf-01 request form.pdf>) and the [log](log.xlsx).\n\n" + body)
    repo.edit(QP, "revision: 2", "revision: 3")
    repo.edit(QP, "status: effective", "status: review")
    repo.edit(QP, "Adds electronic approval.", "Adds the pictures and forms.")
    repo.edit(QP, "See the [quality manual]", body + "See the [quality manual]")
    repo.commit("Pictures and forms, some in raw HTML", who="li-na")
    assert repo.qms_as("chen-jing", "approve", "QP-01").code == 0


class _Sources(HTMLParser):
    """Every href, src, data and poster of the elements that link or embed a file, in a built page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "img", "object", "source", "video"):
            self.found += [v for k, v in attrs if k in ("href", "src", "data", "poster") and v]


def _resolves(site: Path, page_url: str, value: str) -> Path | None:
    """The built file a page's link leads to (a folder's index.html for a page), or None."""
    target = urljoin(f"http://site/{page_url}", value).split("#")[0].split("?")[0]
    path = site / unquote(target[len("http://site/"):])
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def test_raw_html_attachments_are_checked_and_published_where_the_page_points(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    _approved_with(repo, RAW_HTML, FILES)
    run = ok(repo.check())
    assert not run.findings, run.findings  # no R003, R010, R012 nor F006 for a file only raw HTML links
    site = repo.root / "site"
    ok(repo.qms("build"))
    for path, data in FILES.items():
        assert (site / path).read_bytes() == data, path
    parser = _Sources()
    parser.feed((site / "procedures/qp-01-document-control/index.html").read_text(encoding="utf-8"))
    pointed = {v: _resolves(site, "procedures/qp-01-document-control/", v) for v in parser.found
               if not v.startswith(("http:", "https:", "#", "/"))}
    published = {p.relative_to(site).as_posix() for p in pointed.values() if p is not None}
    assert published >= set(FILES), sorted(published)
    assert "procedures/qp-01-document-control/index.html" in published  # the raw <a href> to a page, too
    assert not (site / "procedures/assets/in-code.png").exists()


def test_a_raw_html_link_to_a_missing_or_uncommitted_file_is_a_finding(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    _approved_with(repo, RAW_HTML, FILES)
    repo.write(QP, repo.read(QP) + '\n<img src="assets/missing.png">\n\n<a href="never-added.pdf">form</a>\n')
    repo.write("procedures/never-added.pdf", FORM)
    run = repo.check()
    lines = repo.read(QP).split("\n")
    (missing,) = find(run, "R003")
    assert lines[missing["line"] - 1] == '<img src="assets/missing.png">' and "missing.png" in missing["message"]
    (uncommitted,) = find(run, "R010")
    assert lines[uncommitted["line"] - 1] == '<a href="never-added.pdf">form</a>'
    assert "git does not hold" in uncommitted["message"]


def test_raw_html_attachments_of_a_restricted_record_are_never_published_nor_exported(
        git_repo: GitQmsRepo, tmp_path: Path) -> None:
    repo = git_repo
    _approved_with(repo, RAW_HTML, FILES)
    repo.write("records/2026/rec-2026-002-salaries.md", RESTRICTED_RECORD.replace(
        "![Figures](salaries.png)", '<img src="salaries.png">\n\n<a href="salary-table.xlsx">table</a>'))
    repo.write("records/2026/salaries.png", GREEN)
    repo.write("records/2026/salary-table.xlsx", SHEET)
    repo.commit("The salary review", who="chen-jing")
    ok(repo.qms("build"))
    ok(repo.qms("export", str(tmp_path / "export")))
    for out in (repo.root / "site", tmp_path / "export"):
        assert not (out / "records/2026/salaries.png").exists() and not (out / "records/2026/salary-table.xlsx").exists()
        assert (out / "procedures/assets/raw-flow.png").read_bytes() == RED


def test_the_export_carries_every_attachment_and_its_links_still_work(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    repo = git_repo
    _approved_with(repo, RAW_HTML, FILES, markdown=True)
    repo.write("procedures/assets/flow.png", GREEN)  # redrawn, not committed: the export carries the approved one
    out = tmp_path / "export"
    ok(repo.qms("export", str(out)))
    for path, data in {**FILES, **MARKDOWN_FILES}.items():
        assert (out / path).read_bytes() == data, path
    exported = (out / QP).read_text(encoding="utf-8")
    links = relative_links(exported, 1)
    assert len(links) >= len(FILES) + len(MARKDOWN_FILES)
    for ref in links:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(QP), ref.target))
        assert (out / target).is_file(), f"{ref.target} leads nowhere in the export"
    # Nothing but the documents, the generated pages and the attachments.
    extra = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.endswith(".md")}
    assert extra == set(FILES) | set(MARKDOWN_FILES)
    assert re.search(r"<img src=\"assets/raw-flow.png\"", exported)  # the link exported as written


def test_a_raw_html_link_to_a_restricted_document_is_r005(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    _approved_with(repo, RAW_HTML, FILES)
    repo.write("procedures/qp-09-pay.md", (repo.root / QP).read_text(encoding="utf-8").replace("QP-01", "QP-09")
               .replace("status: effective", "status: effective\nclassification: restricted"))
    repo.write(QP, repo.read(QP) + '\nSee <a href="qp-09-pay.md">the pay procedure</a>.\n')
    repo.commit("Link the pay procedure", who="li-na")
    (hit,) = find(repo.check(), "R005")
    assert repo.read(QP).split("\n")[hit["line"] - 1] == 'See <a href="qp-09-pay.md">the pay procedure</a>.'


def test_the_pdf_shows_and_attaches_what_raw_html_names(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    repo = git_repo
    _approved_with(repo, RAW_HTML, FILES)
    out = tmp_path / "copies"
    ok(repo.qms("pdf", "QP-01", "-o", str(out)))
    pdf = pdfium.PdfDocument(out / "QP-01_rev3.pdf")
    try:
        attached = {pdf.get_attachment(i).get_name(): bytes(pdf.get_attachment(i).get_data())
                    for i in range(pdf.count_attachments())}
        images = sum(len(list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))) for page in pdf)
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    assert attached.get("request form.pdf") == FORM and attached.get("raw-log.xlsx") == SHEET, sorted(attached)
    assert images, "the raw HTML picture is missing"
    assert "FLOWMAP" in text, "the SVG shown by <object> is missing"
