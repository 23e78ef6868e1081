"""`qms pdf`: real controlled copies from WeasyPrint, read back with pypdfium2."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from qmsrepo import GitQmsRepo, QmsRun, run_qms

pytestmark = pytest.mark.slow  # the demo repository, and PDFs from WeasyPrint

QP = "procedures/qp-01-document-control.md"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, new_demo) -> Path:
    return new_demo(tmp_path_factory.mktemp("pdf") / "demo").path


def pages_text(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf))]
    finally:
        pdf.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def history(root: Path, *ids: str) -> list[dict]:
    run = run_qms("history", *ids, "--format", "json", cwd=root)
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


def make(root: Path, *args: str) -> QmsRun:
    run = run_qms("pdf", *args, cwd=root)
    assert "Traceback" not in run.stderr
    return run


def test_every_page_carries_id_revision_page_number_and_uncontrolled_note(demo: Path, tmp_path: Path) -> None:
    run = make(demo, "QP-02", "--output-dir", str(tmp_path))
    assert run.code == 0, run.stderr
    current = history(demo, "QP-02")[-1]
    path = tmp_path / f"QP-02_rev{current['revision'].replace('/', '-')}.pdf"
    assert f"Written {path} (QP-02 revision {current['revision']})" in run.stdout
    pages = pages_text(path)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "QP-02" in text and current["title"] in text, number
        assert f"Revision {current['revision']}" in text and f"Effective {current['effective']}" in text, number
        assert "Controlled copy" in text and "Uncontrolled" not in text, number
        assert f"Page {number} of {len(pages)}" in text, number


def test_a_numbered_copy_carries_its_distribution_number_on_every_page(demo: Path, tmp_path: Path) -> None:
    run = make(demo, "QP-02", "--copy-number", "3", "-o", str(tmp_path))
    assert run.code == 0, run.stderr
    (path,) = tmp_path.glob("QP-02_rev*.pdf")
    assert all("Controlled copy No. 3" in text for text in pages_text(path))
    refused = make(demo, "QP-02", "--copy-number", "0", "-o", str(tmp_path / "none"))
    assert refused.code == 2 and "--copy-number" in refused.stderr


def test_front_page_holds_the_approval_block_and_revision_table_from_history(demo: Path, tmp_path: Path) -> None:
    assert make(demo, "QP-02", "-o", str(tmp_path)).code == 0
    rows = history(demo, "QP-02")
    (path,) = tmp_path.glob("QP-02_rev*.pdf")
    front = squash(pages_text(path)[0])  # table cells wrap, so compare without whitespace
    approvals = [a for a in rows[-1]["approvals"] if a["valid"]]
    assert approvals
    for approval in approvals:
        assert squash(approval["name"]) in front and approval["date"] in front
    assert front.count("approvedforuse") == len(approvals)
    for author in rows[-1]["authors"]:
        assert squash(author["name"]) in front
    for row in rows:  # the revision table: every revision up to this one, with its last commit
        assert row["revision"] in front and row["last_commit"][:7] in front
    # The body starts on the next page.
    assert "Revisionhistory" in front and "Revision history" not in pages_text(path)[1]


def _ink(image, box: tuple[int, int, int, int]) -> float:
    """Share of dark pixels inside a box of a greyscale image."""
    crop = image.crop(box)
    dark = sum(crop.histogram()[:128])
    return dark / max(1, crop.width * crop.height)


def test_chinese_renders_with_real_glyphs_and_chinese_labels(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "zh"
    shutil.copytree(demo, copy)
    settings = copy / "qms.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    assert make(copy, "QP-04", "-o", str(tmp_path / "out")).code == 0
    (path,) = (tmp_path / "out").glob("QP-04_rev*.pdf")
    pages = pages_text(path)
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text and "受控文件" in text and "非受控" not in text
    assert "批准发布实施" in squash(pages[0])

    pdf = pdfium.PdfDocument(path)
    page = pdf[1]
    scale = 2
    image = page.render(scale=scale).to_pil().convert("L")
    height = page.get_height()
    text = page.get_textpage()
    seen: dict[str, bytes] = {}
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        if not ("\u4e00" <= char <= "\u9fff") or char in seen:
            continue
        left, bottom, right, top = text.get_charbox(index)
        box = (int(left * scale), int((height - top) * scale), int(right * scale) + 1, int((height - bottom) * scale) + 1)
        assert _ink(image, box) > 0.04, f"no ink where {char!r} should be"
        seen[char] = image.crop(box).resize((16, 16)).tobytes()
    assert len(seen) >= 50
    # A missing glyph (tofu) draws the same box for every character; real glyphs differ.
    assert len(set(seen.values())) > 0.9 * len(seen)
    # The same measure finds nothing in the right-hand margin, which is blank.
    width = page.get_width()
    assert _ink(image, (int((width - 14) * scale), int(100 * scale), int((width - 4) * scale), int(700 * scale))) == 0
    pdf.close()


def test_all_prints_exactly_the_published_set(demo: Path, tmp_path: Path) -> None:
    run = make(demo, "--all", "--output-dir", str(tmp_path))
    assert run.code == 0, run.stderr
    current = {}
    for row in history(demo):
        current[row["id"]] = row
    effective = {i: r["revision"].replace("/", "-") for i, r in current.items()
                 if r["status"] == "effective" and not i.startswith("REC-")}
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(f"{i}_rev{rev}.pdf" for i, rev in effective.items())
    assert "WI-04-03" not in effective and "QP-13" not in effective

    again = make(demo, "--all", "--output-dir", str(tmp_path))
    assert again.code == 0 and again.stdout.count("Unchanged ") == len(effective)


def test_an_existing_different_file_is_kept_unless_forced(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "QP-04_revA-0.pdf"
    target.write_bytes(b"someone's annotated copy")
    run = make(demo, "QP-04", "-o", str(tmp_path))
    assert run.code == 2 and "already exists" in run.stderr and "--force" in run.stderr
    assert target.read_bytes() == b"someone's annotated copy"
    forced = make(demo, "QP-04", "-o", str(tmp_path), "--force")
    assert forced.code == 0 and f"Replaced {target}" in forced.stdout
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["QP-04_revA-0.pdf"]  # no temporary file left behind


def test_unknown_obsolete_and_draft_ids_are_refused_with_a_way_forward(demo: Path, tmp_path: Path) -> None:
    nothing = make(demo, "-o", str(tmp_path))
    assert nothing.code == 2 and "qms pdf QP-02" in nothing.stderr and "--all" in nothing.stderr
    unknown = make(demo, "QP-99", "-o", str(tmp_path))
    assert unknown.code == 2 and "QP-99 is not a document in this repository" in unknown.stderr
    obsolete = make(demo, "QP-13", "-o", str(tmp_path))
    assert obsolete.code == 2 and "QP-13" in obsolete.stderr and "obsolete" in obsolete.stderr
    assert "qms pdf QP-14" in obsolete.stderr  # its successor
    draft = make(demo, "WI-04-03", "-o", str(tmp_path))
    assert draft.code == 2 and "procedures/wi-04-03-public-requests.md" in draft.stderr
    assert "qms pdf WI-04-03 --draft" in draft.stderr
    record = make(demo, "REC-2025-004", "-o", str(tmp_path))
    assert record.code == 2 and "is a record" in record.stderr
    assert list(tmp_path.iterdir()) == []

    marked = make(demo, "WI-04-03", "--draft", "-o", str(tmp_path))
    assert marked.code == 0, marked.stderr
    pages = pages_text(tmp_path / "WI-04-03_revA-0_DRAFT.pdf")
    assert all("DRAFT" in text and "Uncontrolled" not in text for text in pages)
    assert "Controlled copy" not in pages[0] and "approvedforuse" + "nonerecorded" in squash(pages[0])


def test_uncommitted_changes_are_not_printed_as_a_controlled_copy(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(demo, copy)
    path = copy / "procedures" / "qp-04-internal-communication.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAn unapproved line.\n", encoding="utf-8")
    run = make(copy, "QP-02", "QP-04", "-o", str(tmp_path / "out"))
    assert run.code == 2
    assert "procedures/qp-04-internal-communication.md has changes that are not committed" in run.stderr
    assert not (tmp_path / "out").exists()  # refused before anything was written, QP-02 included


def test_front_matter_text_is_printed_as_text_not_markup(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    text = git_repo.read(QP).replace("revision: 2", "revision: 3").replace("status: effective", "status: review")
    text = text.replace("title: Document Control", 'title: "Control of <b>Documents</b> & Records"')
    text = text.replace("change: Adds electronic approval.", 'change: "Renames it <i>now</i>; see <a href=x>this</a>"')
    git_repo.write(QP, text)
    git_repo.commit("Revise QP-01", who="li-na")
    approved = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-03-01")
    assert approved.code == 0, approved.stderr
    run = make(git_repo.root, "QP-01", "-o", str(tmp_path))
    assert run.code == 0, run.stderr
    pages = pages_text(tmp_path / "QP-01_rev3.pdf")
    front = squash(pages[0])
    assert squash("Control of <b>Documents</b> & Records") in front
    assert squash("Renames it <i>now</i>; see <a href=x>this</a>") in front
    assert "ChenJing" in front and "approvedforuse" in front and "2026-03-01" in front and "LiNa" in front


def test_missing_pango_is_a_clear_message_not_a_traceback(demo: Path, tmp_path: Path) -> None:
    # Pango cannot be removed from this machine, so stand in a weasyprint that fails to load it, as the real one does.
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0': not found\")\n")
    # A process of its own: PYTHONPATH is read when Python starts, and this one's weasyprint may be loaded already.
    run = run_qms("pdf", "QP-04", "-o", str(tmp_path / "out"), cwd=demo, env={"PYTHONPATH": str(fake.parent)},
                  process=True)
    assert run.code == 2
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in run.stderr and "Traceback" not in run.stderr


def test_force_never_replaces_a_copy_with_uncommitted_changes(demo: Path, tmp_path: Path) -> None:
    copies = tmp_path / "copies"
    copies.mkdir()
    git = ["git", "-C", str(copies), "-c", "user.name=Controller", "-c", "user.email=c@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    target = copies / "QP-04_revA-0.pdf"
    target.write_bytes(b"the copy filed last year")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "File the copy"], check=True)
    target.write_bytes(b"the copy with an auditor's notes, not yet committed")

    refused = make(demo, "QP-04", "-o", str(copies), "--force")
    assert refused.code == 2 and "not committed" in refused.stderr and "Traceback" not in refused.stderr
    assert target.read_bytes() == b"the copy with an auditor's notes, not yet committed"

    subprocess.run([*git, "commit", "-q", "-am", "Keep the notes"], check=True)
    forced = make(demo, "QP-04", "-o", str(copies), "--force")
    assert forced.code == 0 and f"Replaced {target}" in forced.stdout
    assert target.read_bytes().startswith(b"%PDF-")
