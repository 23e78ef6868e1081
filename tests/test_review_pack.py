"""`qms review-pack`: the ISO 9001 9.3.2 inputs computed from the repository, each figure linked to its evidence,
blanks marked for what only management can judge, and a file never overwritten."""

from __future__ import annotations

from tests.qmsrepo import GitQmsRepo, QmsRepo
from tests.test_objectives import OBJECTIVES, record, results_repo


def test_the_pack_holds_every_input_with_its_evidence(repo: QmsRepo) -> None:
    results_repo(repo, OBJECTIVES)
    repo.write("records/2026/rec-2026-020.md", record("REC-2026-020", "audit", "2026-03-02"))
    run = repo.qms("review-pack", "--period", "2026H1")
    assert run.code == 0, run.stderr
    pack = run.stdout
    for heading in ("## a) Status of actions from previous management reviews", "## b) Changes in external",
                    "### 1. Customer satisfaction", "### 2. Quality objectives met and missed",
                    "### 4. Nonconformities and corrective actions", "### 5. Monitoring and measurement results",
                    "### 6. Audit results", "### 7. Performance of external providers", "## d) Adequacy of resources",
                    "## f) Opportunities for improvement"):
        assert heading in pack, heading
    assert "[REC-2026-014](records/2026/rec-2026-014.md)" in pack and "| 30 | 94% |" in pack  # the survey
    assert "2 nonconformities (1 major)" in pack and "[REC-2026-012](records/2026/rec-2026-012.md)" in pack
    assert "[REC-2026-020](records/2026/rec-2026-020.md)" in pack  # the audit
    assert "| O1 On-time completion | 71.43% | &gt;= 98% | missed | [REC-2026-010](records/2026/rec-2026-010.md), " \
           "[REC-2026-011](records/2026/rec-2026-011.md) |" in pack  # 5 of 7 rows due in the half-year
    assert "| O1 | 2026-02 | 60% | missed |" in pack  # the monthly figures
    assert pack.count("**To be completed by management:**") == 6
    assert "History is not available" in pack  # not a git repository


def test_the_pack_lists_the_revisions_that_took_effect_and_never_overwrites(git_repo: GitQmsRepo) -> None:
    qp = "procedures/qp-01-document-control.md"
    git_repo.write(qp, git_repo.read(qp).replace("revision: 2", "revision: 3").replace(
        "status: effective", "status: review").replace("Adds electronic approval.", "Adds a records index."))
    git_repo.commit("QP-01 revision 3", who="li-na")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-03-01").code == 0
    out = git_repo.root / "pack.md"
    run = git_repo.qms("review-pack", "--period", "2026H1", "--output", str(out))
    assert run.code == 0, run.stderr
    pack = out.read_text(encoding="utf-8")
    assert "| [QP-01](procedures/qp-01-document-control.md) Document Control | 3 | 2026-03-01 | Adds a records index. |" in pack
    again = git_repo.qms("review-pack", "--period", "2026H1", "--output", str(out))
    assert again.code == 2 and "exists" in again.stderr
    assert out.read_text(encoding="utf-8") == pack
    assert git_repo.qms("review-pack", "--period", "2026H3").code == 2
