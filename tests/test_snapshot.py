"""What is published: only committed content, the revision in force on the day, each document's own history.

Issue 13 point 7 (untracked, ignored and uncommitted content reached the site, the export and the register),
issue 14 point 1 (a revision approved for a later date replaced the one in force at once) and issue 13
point 6 (a public document reusing a restricted document's id showed the restricted revision history).
Every case runs the real `qms` command on a real git repository with several people's identities.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, QmsRun

QP = "procedures/qp-01-document-control.md"
LATER = "2030-06-15"  # the day revision 3 takes effect: after any day these tests run
EVE = "2030-06-14"
MKDOCS_YML = "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - qms\n"


def _site_files(repo: GitQmsRepo) -> None:
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.commit("The site", who="li-na")


@pytest.fixture
def future(git_repo: GitQmsRepo) -> GitQmsRepo:
    """QP-01 revision 2 in force; revision 3, written by Li Na, approved by Chen Jing to take effect on LATER."""
    _site_files(git_repo)
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    git_repo.edit(QP, "# Document Control\n", "# Document Control\n\nRevision three: every form is numbered.\n")
    git_repo.revise(QP, "change: Adds electronic approval.", "change: Numbers every form.")
    approved = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", LATER, day="2026-03-02")
    assert approved.code == 0, approved.stderr
    return git_repo


def ok(run: QmsRun) -> QmsRun:
    assert run.code == 0, run.stdout + run.stderr
    return run


def register(repo: GitQmsRepo, *args: str) -> dict[str, dict[str, str]]:
    rows = json.loads(ok(repo.qms("register", "--format", "json", *args)).stdout)
    return {row["id"]: row for row in rows}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# --- in force on the day


def test_register_lists_the_revision_in_force_and_announces_the_approved_later_one(future: GitQmsRepo) -> None:
    assert register(future)["QP-01"]["revision"] == "2"  # today: approved, but not in force yet
    for as_of in ((), ("--as-of", EVE)):
        row = register(future, *as_of)["QP-01"]
        assert (row["revision"], row["effective"], row["upcoming"]) == ("2", "2026-02-01", f"3 from {LATER}"), as_of
    row = register(future, "--as-of", LATER)["QP-01"]
    assert (row["revision"], row["effective"], row["upcoming"]) == ("3", LATER, "")


def test_as_of_must_be_a_date(future: GitQmsRepo) -> None:
    for command in (("register",), ("show", "QP-01"), ("export", "out"), ("pdf", "QP-01")):
        run = future.qms(*command, "--as-of", "15/06/2030")
        assert run.code == 2 and "--as-of '15/06/2030' is not a date; write it as YYYY-MM-DD" in run.stderr, command


def test_show_prints_the_committed_revision_in_force(future: GitQmsRepo) -> None:
    today = ok(future.qms("show", "QP-01"))
    assert "Revision three" not in today.stdout
    before = ok(future.qms("show", "QP-01", "--as-of", EVE))
    assert "revision: 2\n" in before.stdout and "Revision three" not in before.stdout
    assert before.stdout == future.git("show", f"HEAD~2:{QP}") + "\n"
    assert f"Revision 3 takes effect on {LATER}. See it with: qms show QP-01@3" in before.stderr
    assert today.stdout == before.stdout
    after = ok(future.qms("show", "QP-01", "--as-of", LATER))
    assert after.stdout == future.read(QP) and "takes effect" not in after.stderr


def test_export_holds_the_revision_in_force_and_announces_the_next(future: GitQmsRepo, tmp_path: Path) -> None:
    ok(future.qms("export", str(tmp_path / "eve"), "--as-of", EVE))
    page = (tmp_path / "eve" / QP).read_text(encoding="utf-8")
    assert "revision: 2\n" in page and "Revision three" not in page and "Numbers every form" not in page
    assert f"Revision 3 takes effect on {LATER}." in page
    assert f"| 2 ({'Revision 3 takes effect on ' + LATER + '.'}) |" in (tmp_path / "eve" / "register.md").read_text()
    assert f"Revisions in force on {EVE}." in (tmp_path / "eve" / "register.md").read_text()
    ok(future.qms("export", str(tmp_path / "day"), "--as-of", LATER))
    page = (tmp_path / "day" / QP).read_text(encoding="utf-8")
    assert "revision: 3\n" in page and "Revision three: every form is numbered." in page
    assert "takes effect" not in page and "| 3 | " + LATER in page


@pytest.mark.slow
def test_site_shows_the_revision_in_force_before_and_from_its_date(future: GitQmsRepo, tmp_path: Path) -> None:
    pages = {}
    for as_of in (EVE, LATER):
        site = tmp_path / as_of
        ok(future.qms("build", "--site-dir", str(site), "--as-of", as_of))
        html = (site / QP.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        pages[as_of] = (text(html[html.index('class="qms-header"'):html.index("</table>", html.index('class="qms-header"'))]),
                        text(html), text((site / "register" / "index.html").read_text(encoding="utf-8")))
    header, body, listed = pages[EVE]
    assert "Revision 2" in header and f"Revision 3 takes effect on {LATER}." in header
    assert "Revision three" not in body and "Numbers every form" not in body
    assert f"QP-01 Document Control procedure 2 (Revision 3 takes effect on {LATER}.)" in listed
    assert f"Revisions in force on {EVE}." in listed
    header, body, listed = pages[LATER]
    assert "Revision 3" in header and "takes effect" not in header
    assert "Revision three: every form is numbered." in body and "takes effect" not in listed


@pytest.mark.slow
def test_pdf_prints_the_revision_in_force(future: GitQmsRepo, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    pdfium = pytest.importorskip("pypdfium2")

    def pdf_text(path: Path) -> str:
        pdf = pdfium.PdfDocument(path)
        try:
            return re.sub(r"\s+", " ", " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
        finally:
            pdf.close()

    before = ok(future.qms("pdf", "QP-01", "--as-of", EVE, "--output-dir", str(tmp_path)))
    assert "QP-01 revision 2" in before.stdout
    printed = pdf_text(tmp_path / "QP-01_rev2.pdf")
    assert f"Revision 3 takes effect on {LATER}." in printed and "Revision three" not in printed
    after = ok(future.qms("pdf", "QP-01", "--as-of", LATER, "--output-dir", str(tmp_path)))
    assert "QP-01 revision 3" in after.stdout
    assert "Revision three" in pdf_text(tmp_path / "QP-01_rev3.pdf")


# --- only committed content


EXTRA = """\
---
id: {id}
title: {title}
type: procedure
revision: 1
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-02-01
---

# {title}

{title} text.
"""

UNCOMMITTED_RECORD = """\
---
id: REC-2026-009
title: Audit nobody committed
type: record
kind: audit
procedure: QP-01
date: 2026-03-10
owner: quality-manager
status: closed
retention: 3y
---

# Audit nobody committed
"""


@pytest.fixture
def unsaved(git_repo: GitQmsRepo) -> GitQmsRepo:
    """Committed QP-01 and QM-01, plus an untracked procedure, an ignored one, an untracked record, an unsaved edit."""
    _site_files(git_repo)
    git_repo.write(".gitignore", "procedures/ignored-*.md\n")
    git_repo.commit("Ignore scratch files", who="li-na")
    git_repo.write("procedures/qp-05-untracked.md", EXTRA.format(id="QP-05", title="Untracked procedure"))
    git_repo.write("procedures/ignored-qp-06.md", EXTRA.format(id="QP-06", title="Ignored procedure"))
    git_repo.write("records/2026/rec-2026-009-audit.md", UNCOMMITTED_RECORD)
    git_repo.edit(QP, "See the [quality manual]", "Uncommitted words. See the [quality manual]")
    git_repo.edit("manual/people.yml", "name: Li Na", "name: Unsaved Name")  # the roles page lists holders
    assert "qp-05" in git_repo.git("status", "--porcelain") and "ignored-qp-06" not in git_repo.git("status", "--porcelain")
    return git_repo


LEAKS = ("QP-05", "Untracked procedure", "QP-06", "Ignored procedure", "REC-2026-009", "Audit nobody committed",
         "Uncommitted words", "Unsaved Name")


def test_register_reads_only_committed_documents_and_records(unsaved: GitQmsRepo) -> None:
    assert set(register(unsaved)) == {"QM-01", "QP-01"}
    records = json.loads(ok(unsaved.qms("register", "--records", "--format", "json")).stdout)
    assert [r["id"] for r in records] == ["REC-2026-001"]


def test_export_reads_only_committed_content(unsaved: GitQmsRepo, tmp_path: Path) -> None:
    ok(unsaved.qms("export", str(tmp_path / "out")))
    exported = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.md"))
    assert "Document Control" in exported and "REC-2026-001" in exported
    for leak in LEAKS:
        assert leak not in exported, leak
    assert not (tmp_path / "out" / "procedures" / "qp-05-untracked.md").exists()


@pytest.mark.slow
def test_site_publishes_only_committed_content(unsaved: GitQmsRepo, tmp_path: Path) -> None:
    ok(unsaved.qms("build", "--site-dir", str(tmp_path / "site")))
    site = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    search = (tmp_path / "site" / "search" / "search_index.json")
    site += search.read_text(encoding="utf-8") if search.exists() else ""
    assert "Document Control" in site and "REC-2026-001" in site
    for leak in LEAKS:
        assert leak not in site, leak


def test_show_says_uncommitted_changes_are_not_shown(unsaved: GitQmsRepo) -> None:
    run = ok(unsaved.qms("show", "QP-01"))
    assert "Uncommitted words" not in run.stdout
    assert f"{QP} holds changes that are not committed; they are not shown" in run.stderr


# --- history keyed by document


RESTRICTED = """\
---
id: QP-07
title: Pay bands
type: procedure
revision: {revision}
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-02-01
classification: restricted
{change}---

# Pay bands

Confidential.
"""

PUBLIC = EXTRA.format(id="QP-07", title="Visitors").replace("revision: 1", "revision: 1\nclassification: public")


def test_a_reused_id_never_shows_the_other_documents_history(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    secret = "procedures/qp-07-pay-bands.md"
    git_repo.write(secret, RESTRICTED.format(revision=1, change=""))
    git_repo.commit("Pay bands", who="li-na", day="2026-01-20")
    git_repo.write(secret, RESTRICTED.format(revision=2, change="change: Secret pay band for the board.\n"))
    git_repo.commit("Pay bands, revision 2", who="li-na", day="2026-01-25")
    git_repo.write("procedures/qp-07-visitors.md", PUBLIC)
    git_repo.commit("Visitors procedure", who="li-na", day="2026-01-26")
    ok(git_repo.qms("export", str(tmp_path / "out")))
    page = (tmp_path / "out" / "procedures" / "qp-07-visitors.md").read_text(encoding="utf-8")
    history = page[page.index("## Revision history"):]
    assert "Secret pay band" not in page and "| 2 |" not in history
    assert len(re.findall(r"^\| 1 \|", history, re.M)) == 1
    assert not (tmp_path / "out" / secret).exists()


# --- the author's preview


def _plugin_files(root: Path, command: str) -> dict[str, tuple[str, str]]:
    """src path -> (inclusion, text) of each document page, as the qms plugin hands them to `mkdocs COMMAND`."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(config_file=str(root / "mkdocs.yml"))
    config.plugins.on_startup(command=command, dirty=False)
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    return {f.src_uri: (f.inclusion.name, f.content_string) for f in files
            if f.src_uri.startswith(("procedures/", "manual/", "records/"))}


def test_the_preview_shows_uncommitted_work_as_a_draft_and_the_build_never(unsaved: GitQmsRepo) -> None:
    built = _plugin_files(unsaved.root, "build")
    assert built[QP] == ("INCLUDED", unsaved.git("show", f"HEAD:{QP}") + "\n")
    assert not [path for path in built if "qp-05" in path or "qp-06" in path or "rec-2026-009" in path]
    preview = _plugin_files(unsaved.root, "serve")
    inclusion, shown = preview[QP]
    assert inclusion == "DRAFT" and "Uncommitted words" in shown  # shown only by `serve`, under the DRAFT banner
    assert preview["procedures/qp-05-untracked.md"][0] == "DRAFT"
    assert preview["manual/qm-01-quality-manual.md"][0] == "INCLUDED"  # committed as it stands: the real page


def test_a_revision_in_draft_leaves_the_one_in_force_published(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """Li Na commits her draft of revision 3: revision 2 stays on the register and in the export until 3 is approved."""
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: draft")
    git_repo.revise(QP, "See the [quality manual]", "Draft words. See the [quality manual]")
    row = register(git_repo)["QP-01"]
    assert (row["revision"], row["status"], row["upcoming"]) == ("2", "effective", "")
    ok(git_repo.qms("export", str(tmp_path / "out")))
    page = (tmp_path / "out" / QP).read_text(encoding="utf-8")
    assert "revision: 2\n" in page and "Draft words" not in page
