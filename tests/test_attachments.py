"""Pictures and attachments are published with the documents that use them (issue 15, Build 1).

Every test builds a real git repository with several people's identities and runs the real `qms`.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from qmsrepo import GitQmsRepo, QmsRun, find, only, run_qms

QP = "procedures/qp-01-document-control.md"
MKDOCS_YML = "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - qms\n"
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">
<circle cx="60" cy="60" r="55" fill="#0000ff"/><text x="20" y="60">FLOWMAP</text></svg>
"""
FORM = b"%PDF-1.4\n% the QF-01 request form\n%%EOF\n"
SHEET = b"PK\x03\x04 the document log, a spreadsheet"
RESTRICTED_RECORD = """\
---
id: REC-2026-002
title: Salary review
type: record
kind: audit
procedure: QP-01
date: 2026-03-11
owner: quality-manager
status: closed
retention: 3y
classification: restricted
---

# Salary review

![Figures](salaries.png)
"""


def png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 120), colour).save(out, format="PNG")
    return out.getvalue()


RED, GREEN = png((255, 0, 0)), png((0, 255, 0))


def ok(run: QmsRun) -> QmsRun:
    assert run.code == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return run


@pytest.fixture
def illustrated(git_repo: GitQmsRepo) -> GitQmsRepo:
    """QP-01 revision 3, approved, with a PNG in assets/, an SVG beside it, a linked PDF form and spreadsheet."""
    git_repo.write("portal/index.md", "# Home\n")
    git_repo.write("mkdocs.yml", MKDOCS_YML)
    git_repo.write("procedures/assets/flow.png", RED)
    git_repo.write("procedures/map.svg", SVG)
    git_repo.write("procedures/assets/qf-01 request form.pdf", FORM)
    git_repo.write("procedures/log.xlsx", SHEET)
    git_repo.edit(QP, "revision: 2", "revision: 3")
    git_repo.edit(QP, "status: effective", "status: review")
    git_repo.edit(QP, "Adds electronic approval.", "Adds the flowchart and the forms.")
    git_repo.edit(QP, "See the [quality manual]",
                  "![Flowchart](assets/flow.png)\n\n![Map](map.svg)\n\n"
                  "Fill in the [request form](<assets/qf-01 request form.pdf>) and the [log](log.xlsx).\n\n"
                  "See the [quality manual]")
    git_repo.commit("Draw the flowchart, add the forms", who="li-na")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    return git_repo


def lowest_weasyprint(tmp_path: Path) -> dict[str, str]:
    """The environment of a `qms` process that loads the lowest WeasyPrint pyproject.toml allows."""
    from test_pdf_pictures import lowest_allowed_weasyprint

    target = tmp_path / "weasyprint-lowest"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                          f"weasyprint=={lowest_allowed_weasyprint()}"], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr
    return {"PYTHONPATH": os.pathsep.join([str(target), str(Path(__file__).resolve().parents[1])])}


def build(repo: GitQmsRepo) -> Path:
    ok(repo.qms("build"))
    return repo.root / "site"


def test_pictures_forms_and_spreadsheets_are_published_beside_their_page(illustrated: GitQmsRepo) -> None:
    site = build(illustrated)
    assert (site / "procedures/assets/flow.png").read_bytes() == RED
    assert (site / "procedures/map.svg").read_text() == SVG
    assert (site / "procedures/assets/qf-01 request form.pdf").read_bytes() == FORM
    assert (site / "procedures/log.xlsx").read_bytes() == SHEET
    page = (site / "procedures/qp-01-document-control/index.html").read_text()
    assert 'src="../assets/flow.png"' in page and 'src="../map.svg"' in page
    assert 'href="../log.xlsx"' in page


def test_the_published_picture_is_the_committed_one_and_an_uncommitted_one_is_not_published(
        illustrated: GitQmsRepo) -> None:
    illustrated.write("procedures/assets/flow.png", GREEN)  # redrawn, not committed
    illustrated.write("procedures/assets/new.png", GREEN)  # never added to git
    illustrated.edit(QP, "![Map](map.svg)", "![Map](map.svg)\n\n![New](assets/new.png)")
    site = build_anyway(illustrated)  # past R010, which the build gate refuses on
    assert (site / "procedures/assets/flow.png").read_bytes() == RED
    assert not (site / "procedures/assets/new.png").exists()


def test_a_picture_changed_after_approval_is_published_as_approved(illustrated: GitQmsRepo) -> None:
    """The page shows the revision in force; its pictures are those of the commit that text comes from."""
    illustrated.write("procedures/assets/flow.png", GREEN)
    illustrated.commit("Redraw the flowchart without a new revision", who="li-na")
    assert (build(illustrated) / "procedures/assets/flow.png").read_bytes() == RED


def test_the_attachments_of_a_restricted_record_are_never_published(illustrated: GitQmsRepo) -> None:
    illustrated.write("records/2026/rec-2026-002-salaries.md", RESTRICTED_RECORD)
    illustrated.write("records/2026/salaries.png", GREEN)
    illustrated.commit("The salary review", who="chen-jing")
    site = build(illustrated)
    assert not (site / "records/2026/salaries.png").exists()
    assert (site / "procedures/assets/flow.png").is_file()


def test_a_drafts_attachments_are_not_in_a_build(git_repo: GitQmsRepo) -> None:
    git_repo.write("portal/index.md", "# Home\n")
    git_repo.write("mkdocs.yml", MKDOCS_YML)
    git_repo.write("procedures/qp-02-draft.md", (git_repo.root / QP).read_text().replace("QP-01", "QP-02")
                   .replace("status: effective", "status: draft").replace("See the", "![Plan](plan.png)\n\nSee the"))
    git_repo.write("procedures/plan.png", GREEN)
    git_repo.commit("Draft QP-02", who="li-na")
    site = build(git_repo)
    assert not (site / "procedures/plan.png").exists()


def test_a_fetched_lfs_picture_is_published_when_it_is_the_committed_one(illustrated: GitQmsRepo) -> None:
    """git-lfs commits a pointer; the fetched file is published when its SHA-256 is the pointer's."""
    import hashlib

    oid = hashlib.sha256(GREEN).hexdigest()
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(GREEN)}\n"
    illustrated.write("procedures/assets/big.png", pointer)
    illustrated.edit(QP, "![Map](map.svg)", "![Map](map.svg)\n\n![Big](assets/big.png)")
    illustrated.commit("A big picture, kept with git-lfs", who="li-na")
    # The page shows the revision in force, approved before the picture: approve the new text as revision 4.
    illustrated.revise(QP, "revision: 3\nstatus: effective", "revision: 4\nstatus: review")
    illustrated.revise(QP, "Adds the flowchart and the forms.", "Adds the big picture.")
    assert illustrated.qms_as("chen-jing", "approve", "QP-01").code == 0
    illustrated.write("procedures/assets/big.png", GREEN)  # what `git lfs pull` leaves in the working tree
    assert (build(illustrated) / "procedures/assets/big.png").read_bytes() == GREEN
    illustrated.write("procedures/assets/big.png", pointer)  # never fetched
    refused = illustrated.qms("build")
    assert refused.code == 1 and "R011" in refused.stdout  # the build gate: qms check's error
    assert not (build_anyway(illustrated) / "procedures/assets/big.png").exists()


@pytest.mark.parametrize("weasyprint", ["newest", pytest.param("lowest", marks=pytest.mark.slow)])
def test_pdf_holds_every_picture_and_attachment(illustrated: GitQmsRepo, tmp_path: Path, weasyprint: str) -> None:
    import pypdfium2 as pdfium

    illustrated.write("procedures/assets/flow.png", GREEN)  # uncommitted: the copy shows the committed red one
    out = tmp_path / "copies"
    if weasyprint == "newest":
        ok(run_qms("pdf", "QP-01", "-o", str(out), cwd=illustrated.root))
    else:
        ok(run_qms("pdf", "QP-01", "-o", str(out), cwd=illustrated.root, env=lowest_weasyprint(tmp_path), process=True))
    pdf = pdfium.PdfDocument(out / "QP-01_rev3.pdf")
    try:
        attached = {}
        for index in range(pdf.count_attachments()):
            attachment = pdf.get_attachment(index)
            attached[attachment.get_name()] = bytes(attachment.get_data())
        text, images, colours = "", 0, Counter[tuple[int, int, int]]()
        for page in pdf:
            text += page.get_textpage().get_text_range()
            images += len(list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])))
            colours.update({rgb: n for n, rgb in page.render(scale=1).to_pil().convert("RGB").getcolors(1 << 24)})
    finally:
        pdf.close()
    assert attached == {"qf-01 request form.pdf": FORM, "log.xlsx": SHEET}
    assert "FLOWMAP" in text, "the SVG is missing"
    assert "qf-01 request form.pdf" in text and "log.xlsx" in text, "the attachments are not listed"
    assert images, "the PNG is missing"
    assert colours[(255, 0, 0)] > 1000, "the committed picture is missing"
    assert colours[(0, 255, 0)] == 0, "the uncommitted picture was printed"


# --- qms check: a linked file the build would not publish is a finding


def test_a_linked_file_git_does_not_hold_is_r010(illustrated: GitQmsRepo) -> None:
    illustrated.write("procedures/assets/new.png", GREEN)
    illustrated.edit(QP, "![Map](map.svg)", "![Map](map.svg)\n\n![New](assets/new.png)")
    found = only(illustrated.check(), "R010")
    assert found["path"] == QP and found["severity"] == "error"
    assert "procedures/assets/new.png" in found["message"] and "git add" in found["hint"]
    illustrated.git("add", "procedures/assets/new.png")  # staged for the commit: it will be published
    assert not find(illustrated.check(), "R010")


def test_an_ignored_linked_file_is_r010(illustrated: GitQmsRepo) -> None:
    illustrated.write(".gitignore", "*.xlsx\n")
    illustrated.git("rm", "-q", "--cached", "procedures/log.xlsx")
    found = only(illustrated.check(), "R010")
    assert "procedures/log.xlsx" in found["message"]


def test_an_lfs_pointer_that_was_never_fetched_is_r011(illustrated: GitQmsRepo) -> None:
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 1234\n"
    illustrated.write("procedures/assets/flow.png", pointer)
    illustrated.commit("The flowchart, kept with git-lfs", who="li-na")
    run = illustrated.check()
    found = only(run, "R011")
    assert run.code == 1 and found["path"] == QP
    assert "git-lfs pointer" in found["message"] and "never fetched" in found["message"]
    assert "git lfs pull" in found["hint"]


def test_an_unreferenced_file_in_assets_is_a_warning(illustrated: GitQmsRepo) -> None:
    illustrated.write("procedures/assets/flow-old.png", RED)
    run = illustrated.check()
    found = only(run, "R012")
    assert found["path"] == "procedures/assets/flow-old.png" and found["severity"] == "warning"
    assert not [f for f in run.findings if f["code"] == "R012" and "flow.png" in f["path"]]
    assert run.code == 0


def test_the_real_command_exits_1_on_an_uncommitted_attachment(illustrated: GitQmsRepo) -> None:
    illustrated.write("procedures/assets/new.png", GREEN)
    illustrated.edit(QP, "![Map](map.svg)", "![Map](map.svg)\n\n![New](assets/new.png)")
    run = run_qms("check", cwd=illustrated.root, process=True)
    assert run.code == 1 and "R010" in run.stdout and "Traceback" not in run.stderr


def test_a_linked_file_outside_the_document_folders_is_r010_and_never_published(illustrated: GitQmsRepo) -> None:
    """A link must not publish the roster (everyone's email address), qms.yml or any file elsewhere."""
    illustrated.edit(QP, "![Map](map.svg)", "![Map](map.svg)\n\n[Who is who](../manual/people.yml) [Settings](../qms.yml)")
    illustrated.commit("Link the roster", who="li-na")
    run = illustrated.check()
    found = find(run, "R010")
    assert {f["line"] for f in found} and len(found) == 2
    assert all("not in a document folder" in f["message"] for f in found)
    site = build_anyway(illustrated)
    assert "Who is who" in (site / "procedures/qp-01-document-control/index.html").read_text()
    assert not (site / "manual/people.yml").exists() and not (site / "qms.yml").exists()


def build_anyway(repo: GitQmsRepo) -> Path:
    """The build, past the check errors a build may refuse on (the test is about what would be published)."""
    help_text = repo.qms("build", "--help").stdout
    ok(repo.qms("build", *(["--force"] if "--force" in help_text else [])))
    return repo.root / "site"


# --- qms build says what MkDocs says


def test_build_shows_mkdocs_warnings_and_strict_fails_on_them(illustrated: GitQmsRepo) -> None:
    quiet = ok(illustrated.qms("build"))
    assert "warning" not in quiet.stderr.lower(), quiet.stderr  # a clean site: no progress chatter either
    assert "Building documentation" not in quiet.stderr
    illustrated.write("portal/index.md", "# Home\n\nSee the [old guide](old-guide.md).\n")
    illustrated.commit("A home page with a dead link", who="li-na")
    warned = ok(illustrated.qms("build"))
    assert "warning: MkDocs:" in warned.stderr and "old-guide.md" in warned.stderr
    before = (illustrated.root / "site/index.html").read_text()
    illustrated.write("portal/index.md", "# Home\n\nSee the [older guide](older-guide.md).\n")
    strict = illustrated.qms("build", "--strict")
    assert strict.code != 0 and "Traceback" not in strict.stderr
    assert "older-guide.md" in strict.stderr and "--strict" in strict.stderr
    assert (illustrated.root / "site/index.html").read_text() == before  # the old site is kept


def test_a_link_to_markdown_that_is_not_a_document_is_r010(illustrated: GitQmsRepo) -> None:
    """The site would have no page for it: a dead link found by check, not after publishing."""
    illustrated.write("NOTES.md", "# Notes\n")
    illustrated.edit(QP, "![Map](map.svg)", "![Map](map.svg)\n\nSee [the notes](../NOTES.md).")
    found = only(illustrated.check(), "R010")
    assert "NOTES.md" in found["message"] and "not a document" in found["message"]


def test_a_new_document_and_its_picture_are_not_r010_until_the_document_is_added(git_repo: GitQmsRepo) -> None:
    """As `qms import` leaves them: both new. Adding the document alone leaves its picture behind."""
    git_repo.write("procedures/qp-02-new.md", (git_repo.root / QP).read_text().replace("QP-01", "QP-02")
                   .replace("See the", "![Plan](assets/plan.png)\n\nSee the"))
    git_repo.write("procedures/assets/plan.png", GREEN)
    assert not find(git_repo.check(), "R010")
    git_repo.git("add", "procedures/qp-02-new.md")
    assert only(git_repo.check(), "R010")["path"] == "procedures/qp-02-new.md"


def test_a_type_kept_at_the_top_of_the_repository_publishes_no_settings_and_flags_no_built_site(
        illustrated: GitQmsRepo) -> None:
    """With documents found from the repository's root, qms.yml is still no attachment, and the built
    site's own assets/ folder is no unused attachment."""
    illustrated.write("qms.yml", illustrated.read("qms.yml") + "types:\n  note:\n    folder: .\n    id_pattern: 'N-[0-9]+'\n")
    illustrated.write("site/assets/stylesheets/main.css", "body {}")
    illustrated.edit(QP, "![Map](map.svg)", "![Map](map.svg)\n\n[Settings](../qms.yml)")
    run = illustrated.check()
    assert not find(run, "R012")
    assert any("qms.yml" in f["message"] for f in find(run, "R010"))
