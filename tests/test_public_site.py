"""`qms build --public`: a site for the open internet publishes only what is classified public (issue 14, point 12).

Documents are `internal` unless they say otherwise, and a plain build publishes them: right for an
intranet, wrong for GitHub or GitLab Pages, which anyone can read. The CI files use --public.
"""

from __future__ import annotations

from pathlib import Path

from qmsrepo import GitQmsRepo

MKDOCS_YML = """\
site_name: Test Office
docs_dir: portal
theme:
  name: material
plugins:
  - search
  - qms
"""

OBSOLETE = """\
---
id: QP-02
title: Paper Filing
type: procedure
revision: 1
status: obsolete
owner: document-controller
approvers: [quality-manager]
effective: 2026-01-05
superseded_by: none
classification: public
---

# Paper Filing

Withdrawn: every document is kept in git.
"""


def office(root: Path) -> GitQmsRepo:
    repo = GitQmsRepo(root)
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("portal/index.md", "# Home\n")
    repo.edit("manual/qm-01-quality-manual.md", "clauses:", "classification: public\nclauses:")
    repo.write("procedures/qp-02-paper-filing.md", OBSOLETE)
    repo.commit("Publish the QMS; QM-01 is public", who="li-na")
    return repo


def site_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in (".html", ".json"))


def test_public_build_leaves_out_internal_documents_records_and_names(tmp_path: Path) -> None:
    repo = office(tmp_path / "qms")
    run = repo.qms("build", "--public", "--site-dir", "public")
    assert run.code == 0, run.stderr
    assert "Built the public site in" in run.stdout and "classified public only" in run.stdout
    site = repo.root / "public"
    assert (site / "manual/qm-01-quality-manual/index.html").is_file()
    assert not (site / "procedures/qp-01-document-control").exists()
    assert not (site / "records/2026").exists()
    everything = site_text(site)
    assert "Quality Manual" in everything
    # Not in a page, the register, the navigation, the search index or the roles matrix.
    for internal in ("qp-01-document-control", "Adds electronic approval", "REC-2026-001", "No nonconformities found",
                     "Chen Jing", "Wang Li"):
        assert internal not in everything, internal


def test_plain_build_publishes_internal_documents_and_audit_adds_obsolete_ones(tmp_path: Path) -> None:
    repo = office(tmp_path / "qms")
    plain = repo.qms("build")
    assert plain.code == 0, plain.stderr
    site = repo.root / "site"
    assert (site / "procedures/qp-01-document-control/index.html").is_file()
    assert (site / "records/2026/rec-2026-001-audit/index.html").is_file()
    assert not (site / "procedures/qp-02-paper-filing").exists()
    audit = repo.qms("build", "--audit", "--site-dir", "audit-site")
    assert audit.code == 0, audit.stderr
    page = (repo.root / "audit-site/procedures/qp-02-paper-filing/index.html").read_text(encoding="utf-8")
    assert "OBSOLETE" in page
