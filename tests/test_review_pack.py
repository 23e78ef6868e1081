"""`qms review-pack`: the ISO 9001 9.3.2 inputs computed from the repository, each figure linked to its evidence,
blanks marked for what only management can judge, and a file never overwritten."""

from __future__ import annotations

from tests.qmsrepo import GitQmsRepo, QmsRepo, find
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
    assert "| O1 On-time completion | 71.43% | &gt;= 98% | missed | no data | 96% | " \
           "[REC-2026-010](records/2026/rec-2026-010.md), [REC-2026-011](records/2026/rec-2026-011.md) |" in pack
    # 5 of 7 rows due in the half-year; nothing in 2025H2 to compare with
    assert "| O1 | 2026-02 | 60% | missed | [REC-2026-011](records/2026/rec-2026-011.md) |" in pack  # monthly
    assert pack.count("**To be completed by management:**") == 7
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


def pack_repo(repo: QmsRepo) -> QmsRepo:
    results_repo(repo, OBJECTIVES)
    repo.edit("qms.yml", "record_kinds: [audit, nonconformity, satisfaction-survey, document-log]",
              "record_kinds: [audit, nonconformity, corrective-action, satisfaction-survey, management-review, "
              "document-log]")
    return repo


def _saved_path(run_stdout: str) -> str:
    return run_stdout.split("Created ", 1)[1].split(" ", 1)[0]


def test_save_writes_a_draft_record_that_passes_the_check_and_the_next_save_takes_the_next_id(repo: QmsRepo) -> None:
    pack_repo(repo)
    refused = repo.qms("review-pack", "--period", "2026H1", "--save")
    assert refused.code == 2 and "--procedure ID" in refused.stderr and "clause 9.3" in refused.stderr
    assert not list((repo.root / "records/2026").glob("*management-review*"))
    run = repo.qms("review-pack", "--period", "2026H1", "--save", "--procedure", "QP-01")
    assert run.code == 0, run.stderr
    rel = _saved_path(run.stdout)
    assert rel == "records/2026/rec-2026-016-management-review-2026h1.md"
    assert "(REC-2026-016)" in run.stdout and "evidence for QP-01" in run.stdout
    assert "1. Fill in the 10 blanks" in run.stdout and f"git add {rel}" in run.stdout and "M008" in run.stdout
    text = repo.read(rel)
    head = text.split("\n---\n", 1)[0]
    for line in ("id: REC-2026-016", "kind: management-review", "procedure: QP-01", "date: 2026-12-06",
                 "status: open", "period: 2026H1", "owner: document-controller"):
        assert f"\n{line}\n" in head + "\n", line
    assert "# Management review, 2026H1\n" in text
    assert "[REC-2026-014](rec-2026-014.md)" in text and "| 30 | 94% |" in text  # links from the record's folder
    assert text.count("**To be completed by management:**") == 10  # the pack's 7, the meeting and two outputs
    assert "## Outputs of the review (ISO 9001 9.3.3)" in text
    check = repo.check()
    assert check.code == 0, check.stdout
    assert not [f for f in check.findings if f["path"] == rel], check.findings
    again = repo.qms("review-pack", "--period", "2026H1", "--save")  # the procedure now comes from REC-2026-016
    assert again.code == 0, again.stderr
    assert _saved_path(again.stdout) == "records/2026/rec-2026-017-management-review-2026h1.md"
    assert f"Note: REC-2026-016 ({rel}) is already a management-review record of 2026H1" in again.stdout
    assert repo.read(rel) == text


def test_save_never_writes_over_a_file(repo: QmsRepo) -> None:
    pack_repo(repo)
    squatter = "records/2026/rec-2026-016-management-review-2026h1.md"
    repo.write(squatter, "notes without front-matter\n")  # no id, so REC-2026-016 is still the next one
    run = repo.qms("review-pack", "--period", "2026H1", "--save", "--procedure", "QP-01")
    assert run.code == 2 and f"{squatter} already exists; qms review-pack --save never writes over a file" in run.stderr
    assert repo.read(squatter) == "notes without front-matter\n"


def test_closing_the_review_with_a_blank_left_is_m008_at_the_blank(repo: QmsRepo) -> None:
    pack_repo(repo)
    rel = _saved_path(repo.qms("review-pack", "--period", "2026H1", "--save", "--procedure", "QP-01").stdout)
    repo.edit(rel, "status: open", "status: closed")
    found = find(repo.check(), "M008")
    lines = repo.read(rel).splitlines()
    assert [f["line"] for f in found] == [i + 1 for i, x in enumerate(lines) if "To be completed by management" in x]
    assert all(f["path"] == rel and f["severity"] == "error" for f in found)
    assert "REC-2026-016 is closed, but this blank is still to be completed by management: whether resources" \
           in " ".join(f["message"] for f in found)
    filled = "\n".join("Resources were adequate." if "To be completed by management" in x else x
                       for x in lines if not x.startswith("> ___") and x != ">")
    repo.write(rel, filled + "\n")
    assert not find(repo.check(), "M008")


def test_bad_period_and_option_mistakes_are_clear_usage_errors(repo: QmsRepo) -> None:
    pack_repo(repo)
    for period in ("2026H3", "2026-13", "H1", "last year"):
        run = repo.qms("review-pack", "--period", period, "--save", "--procedure", "QP-01")
        assert run.code == 2, period
        assert f"--period {period}: write a half-year (2026H1), a year (2026), a quarter (2026Q3) or a month" \
               in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
    assert not list((repo.root / "records/2026").glob("*management-review*"))
    assert "give --save too" in repo.qms("review-pack", "--period", "2026H1", "--procedure", "QP-01").stderr
    assert "leave out --output" in repo.qms("review-pack", "--period", "2026H1", "--save", "-o", "x.md").stderr
    assert "QP-99" in repo.qms("review-pack", "--period", "2026H1", "--save", "--procedure", "QP-99").stderr


def test_each_figure_links_to_its_evidence_and_shows_its_trend(repo: QmsRepo) -> None:
    pack_repo(repo)
    repo.write("records/2026/rec-2026-021.md", record("REC-2026-021", "corrective-action", "2026-02-20",
                                                      "due: 2026-03-31\nverified: 2026-04-30\neffectiveness: effective\n"))
    repo.write("records/2026/rec-2026-022.md", record("REC-2026-022", "audit", "2026-05-11",
                                                      "findings:\n  - {severity: minor}\n  - {severity: observation}\n"
                                                      "  - {severity: observation}\n"))
    repo.edit("qms.yml", "document-log]", "document-log, complaint]")
    repo.write("records/2026/rec-2026-024.md", record("REC-2026-024", "complaint", "2026-04-02"))
    repo.write("records/2026/rec-2026-025.md", record("REC-2026-025", "complaint", "2026-08-02"))
    repo.write("records/2026/rec-2026-023.md", record("REC-2026-023", "satisfaction-survey", "2026-07-03",
                                                      "respondents: 50\nsatisfied_percent: 96\n"))
    pack = repo.qms("review-pack", "--period", "2026H1").stdout
    # The trend: the half-year against the one before (no data) and the baseline; the evidence of monthly figures.
    assert "| O1 On-time completion | 71.43% | &gt;= 98% | missed | no data | 96% | [REC-2026-010]" in pack
    assert "| O2 | 2026-02 | 1.25 working days | met | [REC-2026-011](records/2026/rec-2026-011.md) |" in pack
    assert "[REC-2026-021](records/2026/rec-2026-021.md) corrective-action REC-2026-021 (corrective action, " \
           "2026-02-20, closed, effectiveness effective on 2026-04-30)" in pack
    assert "[REC-2026-022](records/2026/rec-2026-022.md) audit REC-2026-022 (2026-05-11, closed): 1 minor, " \
           "2 observation" in pack
    assert "Dated in the month after the period, 2026-07" in pack
    assert "- [REC-2026-023](records/2026/rec-2026-023.md) satisfaction-survey REC-2026-023 (2026-07-03): " \
           "96% satisfied, 50 respondents" in pack
    assert "Complaints and other feedback recorded in the period: 1:\n\n- [REC-2026-024](records/2026/rec-2026-024.md) " \
           "complaint REC-2026-024 (complaint, 2026-04-02, closed)" in pack and "REC-2026-025" not in pack
    assert "REC-2026-015" not in pack.split("### 1. Customer satisfaction")[1].split("### 2.")[0]  # December reports on H2


def test_the_actions_of_the_last_review_are_listed_with_their_state(repo: QmsRepo) -> None:
    pack_repo(repo)
    repo.write("records/2025/rec-2025-030.md", record("REC-2025-030", "management-review", "2025-12-19"))
    repo.write("records/2026/rec-2026-031.md", record("REC-2026-031", "corrective-action", "2026-01-10",
                                                      "nonconformity: REC-2025-030\ndue: 2026-11-30\n", status="open"))
    repo.write("records/2026/rec-2026-032.md", record("REC-2026-032", "corrective-action", "2026-01-12",
                                                      "references: [REC-2025-030]\nverified: 2026-05-02\n"
                                                      "effectiveness: effective\n"))
    pack = repo.qms("review-pack", "--period", "2026H1").stdout
    assert "The last review before the period: [REC-2025-030](records/2025/rec-2025-030.md)" in pack
    assert "Actions recorded against it (2):" in pack
    assert "- [REC-2026-031](records/2026/rec-2026-031.md) corrective-action REC-2026-031 (open, due 2026-11-30, " \
           "overdue)" in pack  # today is 2026-12-06
    assert "- [REC-2026-032](records/2026/rec-2026-032.md) corrective-action REC-2026-032 (closed, effectiveness " \
           "effective on 2026-05-02)" in pack
    assert "Corrective actions still open (1):" in pack


def test_the_saved_record_links_only_to_what_the_site_publishes_and_withholds_restricted_changes(
        git_repo: GitQmsRepo) -> None:
    qp = "procedures/qp-01-document-control.md"
    git_repo.write(qp, git_repo.read(qp).replace("revision: 2", "revision: 3").replace(
        "status: effective", "status: review\nclassification: restricted").replace(
        "Adds electronic approval.", "Moves the key safe to room 12."))
    git_repo.edit("qms.yml", "people: manual/people.yml\n", "people: manual/people.yml\n"
                  "record_kinds: [audit, management-review]\n")
    git_repo.commit("QP-01 revision 3, restricted", who="li-na")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-03-01").code == 0
    printed = git_repo.qms("review-pack", "--period", "2026H1").stdout  # for the chair: everything
    assert "| [QP-01](procedures/qp-01-document-control.md) Document Control | 3 | 2026-03-01 | Moves the key safe" \
           in printed
    run = git_repo.qms("review-pack", "--period", "2026H1", "--save", "--procedure", "QP-01")
    assert run.code == 0, run.stderr
    rel = _saved_path(run.stdout)
    text = git_repo.read(rel)
    assert "| QP-01 (restricted) | 3 | 2026-03-01 | withheld here: see the document |" in text
    assert "key safe" not in text and "qp-01-document-control.md" not in text
    assert [f for f in git_repo.check().findings if f["path"] == rel] == []
