"""Supervision on the site and in the register (issue 17, items 1 and 7): the next review counts from the last
periodic review; an internal site marks it overdue and says how many readers acknowledged the revision in
force; a public site shows neither."""

from __future__ import annotations

import json
from pathlib import Path

from qmsrepo import GitQmsRepo
from test_public_site import MKDOCS_YML
from test_supervision import QM, _at_adoption


def _office(root: Path) -> GitQmsRepo:
    repo = GitQmsRepo(root)
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("portal/index.md", "# Home\n")
    _at_adoption(repo, {QM: ("clauses:", "classification: public\ndistribution: [document-controller]\nclauses:")},
                 "acknowledge_days: 14\n")
    assert repo.qms_as("chen-jing", "ack", "QM-01", day="2026-01-10").code == 0
    return repo


def _page(site: Path) -> str:
    return (site / "manual" / "qm-01-quality-manual" / "index.html").read_text(encoding="utf-8")


def test_document_page_shows_next_review_and_readers_internal_only(tmp_path: Path) -> None:
    repo = _office(tmp_path / "qms")
    internal = repo.qms("build", "--as-of", "2027-02-01", "--site-dir", "internal")
    assert internal.code == 0, internal.stderr
    page = _page(repo.root / "internal")
    assert '<td class="qms-next-review" colspan="3">2027-01-05 <strong class="qms-overdue">overdue</strong>' in page
    assert "1 of 2 readers have acknowledged revision 1" in page
    register = (repo.root / "internal" / "register" / "index.html").read_text(encoding="utf-8")
    assert "2027-01-05 (overdue)" in register

    public = repo.qms("build", "--public", "--as-of", "2027-02-01", "--site-dir", "public")
    assert public.code == 0, public.stderr
    page = _page(repo.root / "public")
    assert "2027-01-05" in page
    for internal_only in ("qms-overdue", "qms-acknowledged", "readers have acknowledged", "(overdue)"):
        assert internal_only not in page
    register = (repo.root / "public" / "register" / "index.html").read_text(encoding="utf-8")
    assert "(overdue)" not in register


def test_next_review_counts_from_the_last_periodic_review(tmp_path: Path) -> None:
    repo = _office(tmp_path / "qms")
    rows = {r["id"]: r for r in json.loads(repo.qms("register", "--format", "json", "--as-of", "2027-02-01").stdout)}
    assert (rows["QM-01"]["next_review"], rows["QM-01"]["review_overdue"]) == ("2027-01-05", "yes")
    assert repo.qms_as("wang-li", "periodic-review", "QM-01", day="2026-12-20").code == 0
    rows = {r["id"]: r for r in json.loads(repo.qms("register", "--format", "json", "--as-of", "2027-02-01").stdout)}
    assert (rows["QM-01"]["next_review"], rows["QM-01"]["review_overdue"]) == ("2027-12-20", "")
    # As it stood before the review.
    rows = {r["id"]: r for r in json.loads(repo.qms("register", "--format", "json", "--as-of", "2026-12-01").stdout)}
    assert rows["QM-01"]["next_review"] == "2027-01-05"
    built = repo.qms("build", "--as-of", "2027-02-01", "--site-dir", "site")
    assert built.code == 0, built.stderr
    page = _page(repo.root / "site")
    assert '<td class="qms-next-review" colspan="3">2027-12-20</td>' in page
