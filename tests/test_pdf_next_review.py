"""`qms pdf` prints the next review that `qms check`, the register and the site give: the document's interval (its
own, its risk category's, its type's) from the later of its effective date and its last periodic review."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo

pytestmark = pytest.mark.slow  # PDFs from WeasyPrint

QM = "manual/qm-01-quality-manual.md"


def pdf_text(path: Path) -> str:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(path)
    try:
        return re.sub(r"\s+", " ", " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    finally:
        pdf.close()


def next_reviews(repo: GitQmsRepo) -> dict[str, str]:
    run = repo.qms("register", "--format", "json")
    assert run.code == 0, run.stderr
    return {row["id"]: row["next_review"] for row in json.loads(run.stdout)}


def test_pdf_next_review_counts_the_interval_and_the_last_periodic_review(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    # QM-01 (effective 2026-01-05) is of risk category A, reviewed every 6 months; procedures every 24 months.
    git_repo.edit(QM, "owner: quality-manager", "owner: quality-manager\nrisk: A")
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "review:\n  categories: {A: 6}\n  types: {procedure: 24}\n")
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "--amend", "--no-edit", env=git_repo.identity("li-na", "2026-01-01"))
    git_repo.git("tag", "-f", "qms-baseline")
    assert git_repo.qms_as("wang-li", "periodic-review", "QM-01", day="2026-08-05").code == 0
    expected = {"QM-01": "2027-02-05", "QP-01": "2028-02-01"}  # from the review; from the effective date
    assert {k: v for k, v in next_reviews(git_repo).items() if k in expected} == expected
    check = git_repo.check("--history", "--as-of", "2027-02-05")
    assert [f for f in check.findings if f["code"] == "U001"] == [], "qms check agrees: not due before that day"
    for doc_id, day in expected.items():
        run = git_repo.qms("pdf", doc_id, "--output-dir", str(tmp_path))
        assert run.code == 0, run.stderr
        (path,) = tmp_path.glob(f"{doc_id}_rev*.pdf")
        assert f"Next review {day}" in pdf_text(path), doc_id
