"""`qms build` refuses to publish while `qms check` has errors that affect the site (issue 13, point 7).

`--force` builds anyway, says what it skipped, and still publishes no restricted text.
"""

from __future__ import annotations

from qmsrepo import GitQmsRepo

MKDOCS_YML = "site_name: Test Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n"
QP = "procedures/qp-01-document-control.md"
SECRET = "PAY-BANDS-0c9e17"
RESTRICTED = f"""\
---
id: QP-09
title: Pay
type: procedure
revision: 1
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-02-01
classification: restricted
---

# Pay

{SECRET}
"""


def _site(repo: GitQmsRepo) -> GitQmsRepo:
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write(".gitignore", "site/\n")
    repo.write("portal/index.md", "# Home\n")
    repo.write("procedures/qp-09-pay.md", RESTRICTED)
    repo.commit("The site and the pay procedure", who="li-na")
    return repo


def test_an_error_on_a_published_document_stops_the_build(git_repo: GitQmsRepo) -> None:
    repo = _site(git_repo)
    repo.edit(QP, "owner: document-controller", "owner: document-controler")
    repo.commit("A typo in the owner", who="li-na")
    run = repo.qms("build")
    assert run.code == 1, run.stdout + run.stderr
    assert "P001" in run.stdout and QP in run.stdout
    assert "qms build --force" in run.stdout and "published nothing" in run.stdout
    assert not (repo.root / "site").exists()


def test_force_builds_says_what_it_skipped_and_keeps_restricted_text_out(git_repo: GitQmsRepo) -> None:
    repo = _site(git_repo)
    repo.edit(QP, "owner: document-controller", "owner: document-controler")
    repo.write("portal/index.md", '# Home\n\n<iframe src="../procedures/qp-09-pay.md"></iframe>\n')
    repo.commit("A typo in the owner, and the pay procedure shown on the home page", who="li-na")
    run = repo.qms("build", "--force")
    assert run.code == 0, run.stdout + run.stderr
    assert "qms build --force: publishing despite 2 errors" in run.stderr
    assert f"{QP}:" in run.stderr and "P001" in run.stderr and "portal/index.md:3: S003" in run.stderr
    site = repo.root / "site"
    assert (site / "procedures" / "qp-01-document-control" / "index.html").is_file()
    assert not [p for p in site.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]


def test_errors_only_on_documents_the_site_does_not_publish_do_not_stop_it(git_repo: GitQmsRepo) -> None:
    repo = _site(git_repo)
    repo.edit("procedures/qp-09-pay.md", "owner: document-controller", "owner: document-controler")
    repo.commit("A typo in the restricted procedure's owner", who="li-na")
    assert repo.check().code == 1
    run = repo.qms("build")
    assert run.code == 0, run.stdout + run.stderr
    assert "--force" not in run.stdout + run.stderr


def test_a_duplicate_id_stops_the_build_even_on_an_unpublished_document(git_repo: GitQmsRepo) -> None:
    """Two files with one id could show one document's revisions under the other: it affects the site."""
    repo = _site(git_repo)
    repo.write("procedures/qp-09-pay.md", RESTRICTED.replace("id: QP-09", "id: QP-01"))
    repo.commit("The pay procedure takes document control's id", who="li-na")
    run = repo.qms("build")
    assert run.code == 1 and "I001" in run.stdout, run.stdout + run.stderr


def test_a_clean_repository_builds_as_before(git_repo: GitQmsRepo) -> None:
    repo = _site(git_repo)
    run = repo.qms("build")
    assert run.code == 0, run.stdout + run.stderr
    assert "Built the site" in run.stdout
