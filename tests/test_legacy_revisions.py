"""Revisions approved on paper before qmskit: read from a body table or another tool's key, kept as
`legacy_revisions:`, and shown by `qms history`, the site's revision table and the PDF."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, run_qms

from qms.text.legacy import LegacyRevision, from_body, read_legacy_revisions

QP = "procedures/qp-01-document-control.md"
LEGACY = """legacy_revisions:
  - {revision: A, date: "2019-04-01", change: First issue, approved_by: J. Smith}
  - {revision: B, date: "2021-10-12", change: Adds supplier audits, approved_by: J. Smith, author: K. Jones}
"""


def test_an_english_revision_table_in_the_body_is_read() -> None:
    body = """# Purpose

Some text | with a pipe.

## Revision history

| Rev. | Date | Description of change | Author | Approved by |
|------|:----:|-----------------------|--------|-------------|
| A | 2019-04-01 | First issue | K. Jones | **J. Smith** |
| B | 2021-10-12 | Adds supplier audits<br>and a form | K. Jones | J. Smith |

After the table.
"""
    assert from_body(body) == [
        LegacyRevision("A", "2019-04-01", "First issue", "J. Smith", "K. Jones"),
        LegacyRevision("B", "2021-10-12", "Adds supplier audits; and a form", "J. Smith", "K. Jones"),
    ]


def test_a_chinese_revision_table_is_read() -> None:
    body = "## 修订记录\n\n| 版本 | 日期 | 修订内容 | 批准 |\n| --- | --- | --- | --- |\n| A/0 | 2020-01-02 | 首次发布 | 王力 |\n"
    assert from_body(body) == [LegacyRevision("A/0", "2020-01-02", "首次发布", "王力")]


def test_a_table_that_is_not_a_revision_table_is_not_read() -> None:
    body = "| Step | Who |\n| --- | --- |\n| 1 | QA |\n\n| Version | Notes |\n|---|---|\n| 2 | x |\n"
    assert from_body(body) == []


def test_a_major_revisions_key_is_read_before_the_body() -> None:
    data = {"majorRevisions": [{"version": 1, "date": "2020-01-01", "description": "Initial", "approvedBy": "Ann"},
                               {"notes": "no revision here"}]}
    assert read_legacy_revisions(data, "| Rev | Date |\n|---|---|\n| 9 | x |\n") == [
        LegacyRevision("1", "2020-01-01", "Initial", "Ann")]
    assert read_legacy_revisions({}, "| Rev | Date |\n|---|---|\n| 9 | x |\n") == [LegacyRevision("9", "x")]
    assert LegacyRevision("1", change="Initial").as_front_matter() == {"revision": "1", "change": "Initial"}


def _with_legacy(repo: GitQmsRepo) -> None:
    text = repo.read(QP)
    repo.write(QP, text.replace("revision: 2\n", "revision: 2\n" + LEGACY, 1))
    repo.git("add", "-A")  # adopted with its paper record: the baseline commit holds it
    repo.git("commit", "-q", "--amend", "--no-edit", env=repo.identity("li-na", "2026-01-01"))
    repo.git("tag", "-f", "qms-baseline")


def test_history_shows_paper_revisions_first_and_judges_none(git_repo: GitQmsRepo) -> None:
    _with_legacy(git_repo)
    assert git_repo.check("--history").code == 0
    rows = git_repo.history("QP-01")
    assert [(r["kind"], r["revision"], r["status"]) for r in rows] == [
        ("legacy", "A", "approved on paper"), ("legacy", "B", "approved on paper"), ("revision", "2", "effective")]
    paper = rows[1]
    assert (paper["effective"], paper["change"], paper["approved_by"], paper["author"]) == (
        "2021-10-12", "Adds supplier audits", "J. Smith", "K. Jones")
    assert paper["approvals"] == [] and paper["authors"] == [] and paper["commits"] == []
    text = git_repo.qms("history", "QP-01").stdout
    assert "J. Smith (on paper)" in text and "approved on paper" in text


def test_a_malformed_legacy_list_is_a_schema_finding(git_repo: GitQmsRepo) -> None:
    text = git_repo.read(QP)
    git_repo.write(QP, text.replace("revision: 2\n", "revision: 2\nlegacy_revisions:\n  - {date: 2019}\n", 1))
    run = git_repo.check()
    assert run.code == 1 and "legacy_revisions" in run.stdout


def test_the_revision_table_of_site_export_and_pdf_lists_them_after_git(git_repo: GitQmsRepo) -> None:
    from qms.history.index import load_history
    from qms.publish.labels import EN, ZH
    from qms.publish.pages import revision_lines
    from qms.workspace import Workspace

    _with_legacy(git_repo)
    workspace = Workspace.open(git_repo.root)
    history = load_history(workspace.config, workspace.people)
    lines = revision_lines(history.documents["QP-01"], EN)
    assert [(r.revision, r.approvals, r.commit) for r in lines] == [
        ("2", "approved before adoption", lines[0].commit), ("B", "J. Smith (approved on paper)", ""),
        ("A", "J. Smith (approved on paper)", "")]
    assert revision_lines(history.documents["QP-01"], ZH)[1].approvals == "J. Smith (纸质批准)"


@pytest.mark.slow
def test_the_built_site_shows_them(git_repo: GitQmsRepo) -> None:
    _with_legacy(git_repo)
    git_repo.write("portal/index.md", "# Home\n")
    git_repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - qms\n")
    git_repo.commit("Publish", who="li-na", day="2026-01-01")
    site = git_repo.root.parent / "site"
    run = run_qms("build", "--site-dir", str(site), cwd=git_repo.root)
    assert run.code == 0, run.stdout + run.stderr
    page = next(site.rglob("qp-01-document-control*/index.html")).read_text()
    rows = re.findall(r'<tr class="qms-history-row">(.*?)</tr>', page, re.S)
    assert len(rows) == 3, re.findall(r"qms-histor.{0,300}", page, re.S)
    assert "Adds supplier audits" in rows[1] and "J. Smith (approved on paper)" in rows[1]


@pytest.mark.slow
def test_the_pdf_shows_them(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    _with_legacy(git_repo)
    run = run_qms("pdf", "QP-01", "-o", str(tmp_path), cwd=git_repo.root)
    assert run.code == 0, run.stderr
    pdf = pdfium.PdfDocument(next(tmp_path.glob("QP-01*.pdf")))
    front = re.sub(r"\s+", "", pdf[0].get_textpage().get_text_range())
    pdf.close()
    assert "Addssupplieraudits" in front and "J.Smith(approvedonpaper)" in front


def test_json_rows_keep_their_shape(git_repo: GitQmsRepo) -> None:
    _with_legacy(git_repo)
    run = git_repo.qms("history", "--format", "json")
    assert run.code == 0
    rows = json.loads(run.stdout)
    assert {"id", "revision", "status", "approvals", "commits", "kind"} <= set(rows[0])


def test_a_paper_approval_never_puts_a_revision_in_force(git_repo: GitQmsRepo) -> None:
    """A revision in review that lists itself in `legacy_revisions:` as approved stays unapproved: the paper rows
    are shown, never counted, and writing them is a change like any other."""
    text = git_repo.read(QP).replace("revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    text = text.replace("change: Adds electronic approval.", "change: Adds a records index.")
    git_repo.write(QP, text.replace("revision: 3\n", 'revision: 3\nlegacy_revisions:\n  - {revision: "3", '
                                    'date: "2026-01-01", approved_by: Wang Li}\n', 1))
    git_repo.commit("Revision 3, 'approved on paper'", who="li-na")
    rows = git_repo.history("QP-01")
    (three,) = [r for r in rows if r["kind"] == "revision" and r["revision"] == "3"]
    assert three["approvals"] == [] and three["approved_before_adoption"] is False and three["status"] == "review"
    git_repo.edit(QP, "status: review", "status: effective")
    git_repo.commit("Effective on the paper's word", who="li-na")
    assert "H006" in {f["code"] for f in git_repo.check("--history").findings}, git_repo.check("--history").stdout


def test_qms_adopt_lists_a_body_revision_table_as_legacy_revisions(tmp_path: Path) -> None:
    from legacyrepo import LegacyRepo

    legacy = LegacyRepo(tmp_path / "medco")
    table = ("\n## 修订记录\n\n| 版本 | 日期 | 修订内容 | 批准 |\n|---|---|---|---|\n| 1 | 2022-01-01 | 首次发布 | 王力 |\n"
             "| 2 | 2023-05-01 | 增加供方审核 | 王力 |\n")
    legacy.commit("alice", "2022-01-01", "Import", {"sops/SOP-010-supplier.md": "# Supplier Control\n" + table})
    assert run_qms("adopt", "--apply", "--organisation", "MedCo", cwd=legacy.root).code == 0
    text = legacy.read("sops/SOP-010-supplier.md").decode()
    assert text.endswith("---\n# Supplier Control\n" + table)  # the body byte for byte
    assert ('legacy_revisions: [{revision: "1", date: "2022-01-01", change: "首次发布", approved_by: "王力"}, '
            '{revision: "2", date: "2023-05-01", change: "增加供方审核", approved_by: "王力"}]') in text
    legacy.give_roles()
    done = run_qms("adopt", "--apply", "--commit", "--tag", "adopted", cwd=legacy.root)
    assert done.code == 0, done.stderr
    check = run_qms("check", "--history", "--format", "json", cwd=legacy.root)
    assert [f for f in check.findings if f["severity"] == "error"] == [], check.stdout
    rows = json.loads(run_qms("history", "--format", "json", cwd=legacy.root).stdout)
    assert [(r["kind"], r["revision"], r["approved_by"]) for r in rows if r["kind"] == "legacy"] == [
        ("legacy", "1", "王力"), ("legacy", "2", "王力")]
