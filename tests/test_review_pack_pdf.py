"""`qms review-pack --pdf`: the management review input as a PDF from WeasyPrint, read back with pypdfium2: the
figures, their evidence, Chinese titles, the page frame, and a file never replaced."""

from __future__ import annotations

import ctypes
import re
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from tests.qmsrepo import GitQmsRepo, run_qms
from tests.test_objectives import record
from tests.test_review_pack import pack_repo
from tests.test_scorecard import nc

pytestmark = pytest.mark.slow  # PDFs from WeasyPrint


def pages_text(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf))]
    finally:
        pdf.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def office(root: Path) -> GitQmsRepo:
    repo = GitQmsRepo(root)
    pack_repo(repo)
    repo.write("records/2026/rec-2026-014.md", record("REC-2026-014", "satisfaction-survey", "2026-06-30",
                                                      "respondents: 30\nsatisfied_percent: 94\n").replace(
        "title: satisfaction-survey REC-2026-014", "title: 2026年上半年服务窗口群众满意度调查"))
    repo.commit("Records of the half-year", who="li-na")
    return repo


def test_the_pdf_holds_the_figures_their_evidence_and_chinese_titles(tmp_path: Path) -> None:
    repo = office(tmp_path / "qms")
    run = repo.qms("review-pack", "--period", "2026H1", "--pdf")
    assert run.code == 0, run.stderr
    path = repo.root / "controlled-copies" / "management-review-input-2026H1.pdf"
    assert f"Written {path} (the management review input for 2026H1, PDF)." in run.stdout
    pages = pages_text(path)
    whole = squash("".join(pages))
    for figure in ("71.43%", ">=98%", "2nonconformities(1major)", "REC-2026-014", "94%",
                   "REC-2026-011", "1.25workingdays", "2026年上半年服务窗口群众满意度调查", "Tobecompletedbymanagement"):
        assert figure in whole, figure
    head = repo.git("rev-parse", "--short=7", "HEAD").strip()
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, number
        assert "Management review input, 2026H1" in text and "DRAFT" in text, number
        assert head in squash(text), number  # the commit the figures were read at
    assert any(b"CJK" in name for name in font_names(path))  # the Chinese title is drawn in a CJK font, not boxes
    # Links to the evidence stay relative to the PDF's folder: no folder of this machine is written into it.
    targets = link_targets(path)
    assert b"../records/2026/rec-2026-014.md" in targets, targets
    assert not [t for t in targets if t.startswith(b"file:") or str(tmp_path).encode() in t]


def font_names(path: Path) -> set[bytes]:
    pdf = pdfium.PdfDocument(path)
    names = set()
    try:
        for page in pdf:
            for text in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
                font = pdfium_c.FPDFTextObj_GetFont(text.raw)
                size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
                buffer = ctypes.create_string_buffer(size)
                pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
                names.add(buffer.value)
    finally:
        pdf.close()
    return names


def link_targets(path: Path) -> list[bytes]:
    """The URIs of the PDF's links, from its streams (WeasyPrint compresses them)."""
    data = path.read_bytes()
    plain = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            plain.append(zlib.decompressobj().decompress(data[match.end():]))
        except zlib.error:
            continue
    return [uri for chunk in plain for uri in re.findall(rb"/URI\s*\(([^)]*)\)", chunk)]


def test_the_pdf_is_reproducible_and_never_replaces_another_file(tmp_path: Path) -> None:
    repo = office(tmp_path / "qms")
    out = tmp_path / "pack.pdf"
    assert repo.qms("review-pack", "--period", "2026H1", "--pdf", "--output", str(out)).code == 0
    data = out.read_bytes()
    again = repo.qms("review-pack", "--period", "2026H1", "--pdf", "--output", str(out))
    assert again.code == 0 and f"Unchanged {out}" in again.stdout and out.read_bytes() == data
    out.write_bytes(b"someone's own file")
    refused = repo.qms("review-pack", "--period", "2026H1", "--pdf", "--output", str(out))
    assert refused.code == 2 and "already exists and differs" in refused.stderr
    assert out.read_bytes() == b"someone's own file"


def test_save_and_pdf_together_write_the_record_and_the_pdf(tmp_path: Path) -> None:
    repo = office(tmp_path / "qms")
    run = repo.qms("review-pack", "--period", "2026H1", "--save", "--pdf", "--procedure", "QP-01")
    assert run.code == 0, run.stderr
    assert "Created records/2026/rec-2026-016-management-review-2026h1.md (REC-2026-016)" in run.stdout
    assert (repo.root / "controlled-copies" / "management-review-input-2026H1.pdf").is_file()
    assert repo.check().code == 0


def test_no_scorecard_figure_reaches_the_pack_its_pdf_the_saved_record_or_any_published_copy(tmp_path: Path) -> None:
    repo = office(tmp_path / "qms")
    repo.write("records/2026/rec-2026-101.md", nc("REC-2026-101", "2026-03-05", "li-na", 0.37))
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n")
    repo.commit("An error record", who="li-na")
    charged = repo.qms("scorecard", "--month", "2026-03", "--format", "json").json()["people"]
    figures = ["0.37", "0.185", "0.0925"]  # li-na, chen-jing, wang-li
    assert sorted(str(row["points"]) for row in charged) == sorted(figures)
    pack = repo.qms("review-pack", "--period", "2026H1")
    assert "[REC-2026-101]" in pack.stdout  # the nonconformity is an input, its points are not
    saved = repo.qms("review-pack", "--period", "2026H1", "--save", "--pdf", "--procedure", "QP-01")
    assert saved.code == 0, saved.stderr
    repo.git("add", "-A")
    repo.commit("Open the management review record", who="chen-jing")
    site, export, copies = tmp_path / "site", tmp_path / "export", tmp_path / "copies"
    assert run_qms("build", "--site-dir", str(site), cwd=repo.root).code == 0
    assert run_qms("export", str(export), cwd=repo.root).code == 0
    assert run_qms("pdf", "--all", "--output-dir", str(copies), cwd=repo.root).code == 0
    texts = {"stdout": pack.stdout}
    for folder in (site, export, copies, repo.root / "controlled-copies", repo.root / "records"):
        for path in folder.rglob("*"):
            if path.suffix == ".pdf":
                texts[path.as_posix()] = "".join(pages_text(path))
            elif path.is_file():
                texts[path.as_posix()] = path.read_bytes().decode("utf-8", "replace")
    assert any("/site/records/2026/rec-2026-102-management-review-2026h1/" in name for name in texts)  # published
    assert any(name.endswith(".pdf") and "controlled-copies" in name for name in texts)
    leaks = [(name, figure) for name, text in texts.items() if not name.endswith("rec-2026-101.md")
             for figure in (*figures, "RESTRICTED: personal") if figure in text]
    assert leaks == []
