"""A layout that fits the organisation: types found by globs, several types in one folder, README and index
files declared not controlled, files a document links to, unused default types, and `parent:`."""

from __future__ import annotations

from pathlib import Path

import pytest
from qmsrepo import QMS_YML, GitQmsRepo, QmsRepo, assert_clean, find, only

SOP = """\
---
id: SOP-003
title: Risk Management
revision: 1
status: draft
owner: quality-manager
approvers: [director]
---

# Risk Management
"""

WI = """\
---
id: WI-007
title: Release Signing
revision: 1
status: draft
owner: document-controller
approvers: [quality-manager]
parent: SOP-003
---

# Release Signing
"""

GLOB_TYPES = """\
types:
  procedure: {paths: ["sops/**/*.md"], id_pattern: 'SOP-\\d{3}'}
  work-instruction: {paths: ["sops/**/*.md"], id_pattern: 'WI-\\d{3}'}
"""


def glob_repo(repo: QmsRepo) -> QmsRepo:
    """SOPs and work instructions side by side in sops/, with no `type:`: the id tells them apart."""
    repo.remove("procedures/qp-01-document-control.md")
    repo.remove("records/2026/rec-2026-001-audit.md")
    repo.edit("manual/qm-01-quality-manual.md", "under [[QP-01]]", "under SOP-003")
    repo.write("qms.yml", QMS_YML + GLOB_TYPES)
    repo.write("sops/risk/sop-003-risk-management.md", SOP)
    repo.write("sops/risk/wi-007-release-signing.md", WI)
    return repo


def test_types_found_by_globs_in_one_folder_told_apart_by_id(repo: QmsRepo) -> None:
    glob_repo(repo)
    run = repo.check()
    assert run.code == 0, run.findings
    assert run.findings == []
    # Typed by id: WI-007's parent: SOP-003 would be R006 if SOP-003 were not read as a procedure.
    assert run.json()["summary"]["documents"] == 3


def test_a_glob_found_file_whose_id_fits_no_type_is_told_it_has_no_type(repo: QmsRepo) -> None:
    glob_repo(repo)
    repo.write("sops/pol-001.md", SOP.replace("SOP-003", "POL-001"))
    hit = only(repo.check(), "S001")
    assert (hit["path"], hit["line"]) == ("sops/pol-001.md", 1)
    assert "'type' is missing" in hit["message"]


def test_a_document_outside_its_types_globs_is_in_the_wrong_place(repo: QmsRepo) -> None:
    glob_repo(repo)
    repo.write("manual/sop-004.md", SOP.replace("SOP-003", "SOP-004").replace("revision: 1", "type: procedure\nrevision: 1"))
    hit = only(repo.check(), "I003")
    assert hit["path"] == "manual/sop-004.md" and "sops/**/*.md" in hit["message"]


def test_readme_and_index_files_declared_not_controlled(repo: QmsRepo) -> None:
    repo.write("procedures/README.md", "# Procedures\n\nHow this folder is organised.\n")
    repo.write("manual/index.md", "# The manual\n")
    undeclared = repo.check()
    assert {(f["code"], f["path"]) for f in undeclared.findings} == {("F002", "procedures/README.md"),
                                                                     ("F002", "manual/index.md")}
    assert 'not_controlled: ["**/README.md"]' in find(undeclared, "F002")[1]["hint"] + find(undeclared, "F002")[0]["hint"]
    repo.edit("qms.yml", "language: en\n", 'language: en\nnot_controlled: ["**/README.md", "**/index.md"]\n')
    assert_clean(repo)


def test_files_a_document_links_to_or_embeds_are_not_f006(repo: QmsRepo) -> None:
    repo.write("procedures/qp-01-quiz.json", '{"questions": []}\n')
    repo.write("procedures/qp-01-flow.png", b"\x89PNG\r\n\x1a\n")
    repo.write("procedures/evidence/signed form.pdf", b"%PDF-1.4\n")
    repo.write("procedures/old-copy.docx", b"PK\x03\x04 word file")
    repo.edit("procedures/qp-01-document-control.md", "See the [quality manual]",
              "![Flow](qp-01-flow.png)\n\nTake the [quiz](qp-01-quiz.json) and keep the "
              "[signed form](<evidence/signed form.pdf>).\n\nSee the [quality manual]")
    run = repo.check()
    assert run.code == 0
    hit = only(run, "F006")
    assert (hit["path"], hit["severity"]) == ("procedures/old-copy.docx", "warning")
    assert "no document links to it" in hit["message"]


def test_an_unused_default_type_needs_no_folder(repo: QmsRepo) -> None:
    """No records yet, and qms.yml never named a records folder: nothing to warn about."""
    repo.remove("records/2026/rec-2026-001-audit.md")
    (repo.root / "records" / "2026").rmdir()
    (repo.root / "records").rmdir()
    assert_clean(repo)


def test_parent_naming_something_else_than_a_procedure(repo: QmsRepo) -> None:
    repo.write("procedures/wi-01-01-filing.md", WI.replace("WI-007", "WI-01-01").replace(
        "parent: SOP-003", "type: work-instruction\nparent: QM-01"))
    hit = only(repo.check(), "R006")
    assert (hit["path"], hit["line"]) == ("procedures/wi-01-01-filing.md", 9)
    assert 'parent: "QM-01" is a manual' in hit["message"]
    repo.edit("procedures/wi-01-01-filing.md", "parent: QM-01", "parent: QP-99")
    hit = only(repo.check(), "R001")
    assert (hit["line"], hit["message"].startswith('parent: "QP-99" is not the id')) == (9, True)
    repo.edit("procedures/wi-01-01-filing.md", "parent: QP-99", "parent: QP-01")
    assert_clean(repo)


def test_new_with_parent_writes_it(repo: QmsRepo) -> None:
    run = repo.qms("new", "work-instruction", "--parent", "QP-01", "--title", "Filing")
    assert run.code == 0, run.stderr
    written = next((repo.root / "procedures").glob("wi-01-*.md")).read_text(encoding="utf-8")
    assert "\nparent: QP-01\n" in written
    assert_clean(repo)


# --- The navigation follows parent:, and numbering only where there is none


def _doc(doc: str, type_: str, title: str, **extra: str) -> object:
    from qms.model import Document

    data = {"id": doc, "title": title, "type": type_, "status": "effective", **extra}
    return Document(f"procedures/{doc.lower()}.md", data, {}, 1, "", 1)


def test_navigation_puts_a_work_instruction_under_its_parent_not_its_number() -> None:
    from qms.model import DocumentSet
    from qms.publish.pages import navigation

    docs = DocumentSet(root=".")
    docs.documents = [_doc("SOP-003", "procedure", "Risk Management"), _doc("SOP-012", "procedure", "Release"),
                      _doc("WI-003", "work-instruction", "Release Signing", parent="SOP-012"),
                      _doc("WI-012", "work-instruction", "Numbered")]
    nav = navigation(docs, "en", [], [])
    procedures = next(item["Procedures"] for item in nav if isinstance(item, dict) and "Procedures" in item)
    grouped = {next(iter(item)): [next(iter(child)) for child in next(iter(item.values()))]
               for item in procedures if isinstance(next(iter(item.values())), list)}
    assert grouped == {"SOP-012 Release": ["SOP-012 Release", "WI-003 Release Signing", "WI-012 Numbered"]}


@pytest.mark.slow
def test_site_navigation_shows_the_work_instruction_under_its_parent(tmp_path: Path) -> None:
    from qmsrepo import run_qms

    repo = GitQmsRepo(tmp_path / "qms")
    repo.edit("qms.yml", "language: en\n", "language: en\nfront_matter: {keys: {documentId: id}, status: {approved: effective}}\n")
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n")
    in_force = "status: effective\neffective: 2026-01-01"
    repo.write("procedures/qp-03-risk.md",
               SOP.replace("SOP-003", "QP-03").replace("status: draft", f"type: procedure\n{in_force}"))
    repo.write("procedures/wi-03-01-release.md",
               WI.replace("id: WI-007", "documentId: WI-03-01").replace("parent: SOP-003", "parent: QP-01")
               .replace("status: draft", "type: work-instruction\nstatus: approved\neffective: 2026-01-01"))
    repo.commit("Risk and release", who="li-na", day="2026-01-01")
    repo.git("tag", "-f", "qms-baseline")
    site = tmp_path / "site"
    run = run_qms("build", "--site-dir", str(site), cwd=repo.root)
    assert run.code == 0, run.stdout + run.stderr
    html = (site / "procedures" / "wi-03-01-release" / "index.html").read_text(encoding="utf-8")
    nav = html[html.index("md-nav--primary"):html.index('<div class="md-content"')]
    # Published under its mapped id and status, in QP-01's branch of the tree, where parent: puts it, not QP-03's.
    section = nav[:nav.index("WI-03-01 Release Signing")]
    assert section.rfind("QP-01 Document Control") > section.rfind("QP-03 Risk Management")


def test_a_document_hidden_by_a_not_controlled_glob_is_reported(repo: QmsRepo) -> None:
    repo.edit("qms.yml", "language: en\n", 'language: en\nnot_controlled: ["procedures/*.md"]\n')
    repo.write("procedures/README.md", "# Procedures\n")
    hit = only(repo.check(), "F014")
    assert (hit["path"], hit["line"], hit["severity"]) == ("procedures/qp-01-document-control.md", 1, "error")


def test_history_follows_the_same_layout_as_the_check(git_repo: GitQmsRepo) -> None:
    """A procedure found by a glob has a history; a README declared not controlled has none, even with an id."""
    glob_repo(git_repo)
    git_repo.edit("qms.yml", "language: en\n", 'language: en\nnot_controlled: ["**/README.md"]\n')
    git_repo.write("sops/README.md", "# SOPs\n")
    git_repo.commit("SOPs in sops/", who="li-na")
    git_repo.write("sops/README.md", "---\nid: SOP-009\n---\n# SOPs\n")
    git_repo.commit("README with an id", who="li-na")
    rows = git_repo.history("SOP-003")
    assert [(row["revision"], row["path"]) for row in rows] == [("1", "sops/risk/sop-003-risk-management.md")]
    assert git_repo.qms("history", "SOP-009", "--format", "json").code != 0
    assert only(git_repo.check(), "F014")["path"] == "sops/README.md"


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("sops/**/*.md", "sops/a.md", True),
    ("sops/**/*.md", "sops/risk/deep/a.md", True),
    ("sops/**/*.md", "other/sops/a.md", False),
    ("sops/*.md", "sops/risk/a.md", False),
    ("README.md", "procedures/deep/README.md", True),
    ("**/index.md", "index.md", True),
    ("wi-0[0-9][0-9].md", "sops/wi-007.md", True),
    ("wi-0[!0-9]*.md", "sops/wi-007.md", False),
])
def test_globs_read_as_in_gitignore(pattern: str, path: str, matches: bool) -> None:
    from qms.load.layout import glob_regex, static_prefix

    assert bool(glob_regex(pattern).fullmatch(path)) is matches
    assert static_prefix("sops/**/*.md") == "sops" and static_prefix("**/*.md") == "." and static_prefix("a.md") == "."


def test_a_custom_type_must_say_where_its_documents_are(repo: QmsRepo) -> None:
    repo.edit("qms.yml", "language: en\n", "language: en\ntypes:\n  policy: {id_pattern: 'POL-\\d{2}'}\n")
    run = repo.qms("check")
    assert run.code == 2
    assert "qms.yml:4: say where documents of type policy are" in run.stderr
