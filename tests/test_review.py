"""Reviewers: `qms review` records a review before approval (`Reviews: ID@REV`), with the rules of an approval.

Li Na (document controller) writes revision 3 of QP-01, which names the director as reviewer; Wang Li
(director) reviews it, and only then may Chen Jing (quality manager) approve it.
"""

from __future__ import annotations

import csv
import io

from qmsrepo import GitQmsRepo, find

QP = "procedures/qp-01-document-control.md"


def _revision_with_reviewers(repo: GitQmsRepo, who: str = "li-na", reviewers: str = "[director]") -> str:
    text = repo.read(QP)
    text = text.replace("revision: 2", "revision: 3").replace("status: effective", "status: review")
    text = text.replace("approvers: [quality-manager]", f"approvers: [quality-manager]\nreviewers: {reviewers}")
    text = text.replace("change: Adds electronic approval.", "change: The director reviews each revision.")
    repo.write(QP, text + "\nThe director reviews each revision before it is approved.\n")
    return repo.commit("Revise QP-01: a review by the director", who=who)


def test_review_before_approval(git_repo: GitQmsRepo) -> None:
    _revision_with_reviewers(git_repo)
    # Without the review, the approver is refused, and told who reviews first.
    head = git_repo.git("rev-parse", "HEAD")
    refused = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert refused.code == 2
    assert "QP-01 revision 3 needs a review by a holder of director before it can be approved: the reviewer runs " \
           "`qms review QP-01`" in refused.stderr
    assert git_repo.git("rev-parse", "HEAD") == head and "status: review" in git_repo.read(QP)

    no_role = git_repo.qms_as("chen-jing", "review", "QP-01")
    assert no_role.code == 2 and "Chen Jing holds none of the reviewer roles of QP-01 (director)" in no_role.stderr
    before = git_repo.read(QP)
    reviewed = git_repo.qms_as("wang-li", "review", "QP-01")
    assert reviewed.code == 0, reviewed.stderr
    assert "Reviewed QP-01 revision 3 as director; it can now be approved (`qms approve QP-01`)" in reviewed.stdout
    assert git_repo.git("log", "-1", "--format=%an|%(trailers:key=Reviews,valueonly)") == "Wang Li|QP-01@3"
    assert git_repo.git("show", "--name-only", "--format=", "HEAD") == ""  # a review changes no file
    assert git_repo.read(QP) == before

    approved = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert approved.code == 0, approved.stderr
    check = git_repo.check("--history")
    assert (check.code, check.findings) == (0, [])

    # The history shows the review beside the approval: json, text, and the audit trail.
    (row,) = [r for r in git_repo.history("QP-01") if r["revision"] == "3"]
    assert [(r["name"], r["roles"], r["meaning"], r["valid"]) for r in row["reviews"]] == \
        [("Wang Li", ["director"], "reviewed", True)]
    assert [(a["name"], a["meaning"]) for a in row["approvals"]] == [("Chen Jing", "approved")]
    text = git_repo.qms("history", "QP-01")
    assert "Wang Li, director, 2026-02-01, reviewed" in text.stdout
    trail = list(csv.DictReader(io.StringIO(git_repo.qms("history", "QP-01", "--format", "csv").stdout)))
    events = [(r["event"], r["name"]) for r in trail if r["revision"] == "3" and r["event"] in ("review", "approval")]
    assert events == [("review", "Wang Li"), ("approval", "Chen Jing")]


def test_review_refusals(git_repo: GitQmsRepo) -> None:
    """The rules of an approval: a reviewer role held, not the author; a document that names reviewers."""
    _revision_with_reviewers(git_repo, reviewers="[director, document-controller]")
    head = git_repo.git("rev-parse", "HEAD")
    own = git_repo.qms_as("li-na", "review", "QP-01")
    assert own.code == 2 and "Li Na authored revision 3 of QP-01 and cannot review it (segregation of duties)" in own.stderr
    # Chen Jing holds document-controller too, so may review; Wang Li holds director.
    assert git_repo.qms_as("chen-jing", "review", "QP-01").code == 0
    missing = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert missing.code == 2 and "needs a review by a holder of director" in missing.stderr
    assert git_repo.git("rev-list", "--count", f"{head}..HEAD") == "1"

    git_repo.edit("manual/qm-01-quality-manual.md", "revision: 1\nstatus: effective", "revision: 2\nstatus: review")
    git_repo.edit("manual/qm-01-quality-manual.md", "clauses:", "change: Scope widened.\nclauses:")
    git_repo.commit("Revise QM-01", who="li-na")
    none = git_repo.qms_as("wang-li", "review", "QM-01")
    assert none.code == 2
    assert "QM-01 names no reviewers, so it needs no review: a holder of director approves it " \
           "(`qms approve QM-01`)" in none.stderr


def test_an_approval_without_the_review_is_a_finding(git_repo: GitQmsRepo) -> None:
    """Made by hand, past `qms approve`: --history and --since report the approval and the revision in force."""
    base = _revision_with_reviewers(git_repo)
    git_repo.edit(QP, "status: review", "status: effective")
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "-m", "Approve QP-01 revision 3\n\nApproves: QP-01@3", env=git_repo.identity("chen-jing"))
    for args in (("--history",), ("--since", base)):
        run = git_repo.check(*args)
        assert run.code == 1
        (refused,) = find(run, "H010")
        assert "approval of QP-01@3 refused: it was made before a review by a holder of director" in refused["message"]
        assert "qms review QP-01" in (refused["hint"] or "")
        assert find(run, "H006"), run.findings


def test_a_review_before_the_range_counts_for_an_approval_in_it(git_repo: GitQmsRepo) -> None:
    """A pull request that holds only the approval: --since reads the review made before it."""
    _revision_with_reviewers(git_repo)
    assert git_repo.qms_as("wang-li", "review", "QP-01").code == 0
    base = git_repo.git("rev-parse", "HEAD")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    for args in (("--since", base), ("--history",)):
        run = git_repo.check(*args)
        assert (run.code, run.findings) == (0, []), args


def test_a_review_voided_by_a_later_change(git_repo: GitQmsRepo) -> None:
    """A review covers the content as committed: a later edit of the same revision voids it (H007)."""
    _revision_with_reviewers(git_repo)
    assert git_repo.qms_as("wang-li", "review", "QP-01").code == 0
    git_repo.revise(QP, "before it is approved.", "before anyone approves it.")
    refused = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert refused.code == 2 and "needs a review by a holder of director" in refused.stderr
    run = git_repo.check("--history")
    (void,) = find(run, "H007")
    assert "review of QP-01@3 refused: the content changed after this review" in void["message"]


def test_reviewers_must_be_roles(git_repo: GitQmsRepo) -> None:
    _revision_with_reviewers(git_repo, reviewers="[auditor]")
    run = git_repo.check()
    assert any(f["code"] == "P001" and "auditor" in f["message"] for f in run.findings), run.findings


def test_an_unsigned_review_does_not_count_where_signatures_are_required(git_repo: GitQmsRepo) -> None:
    """The signature rule of an approval holds for a review: unsigned, it is refused, and so is the approval."""
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "approvals:\n  require_signature: true\n")
    git_repo.commit_rules("Require signed approvals")
    _revision_with_reviewers(git_repo)
    assert git_repo.qms_as("wang-li", "review", "QP-01").code == 0
    refused = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert refused.code == 2 and "needs a review by a holder of director" in refused.stderr
    run = git_repo.check("--history")
    assert any(f["code"] == "H010" and "review of QP-01@3 refused: the review is not signed" in f["message"]
               for f in run.findings), run.findings


def test_the_revision_table_shows_the_review(git_repo: GitQmsRepo) -> None:
    """The revision table the site, the export and the PDF share names the reviewer beside the approver."""
    from qms.history.index import load_history
    from qms.publish.labels import EN
    from qms.publish.pages import revision_lines
    from qms.workspace import Workspace

    _revision_with_reviewers(git_repo)
    assert git_repo.qms_as("wang-li", "review", "QP-01").code == 0
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    workspace = Workspace.open(git_repo.root)
    history = load_history(workspace.config, workspace.people)
    (newest, *_) = revision_lines(history.documents["QP-01"], EN)
    assert newest.approvals.startswith("Wang Li (director, 2026-02-01, reviewed); Chen Jing (quality-manager, ")
    from qms.commands.pdf import WORDS, signature_rows

    rows = signature_rows(history.documents["QP-01"].revisions[-1], {**EN, **WORDS["en"]}, {})
    assert [(r["kind"], r["name"], r["meaning"]) for r in rows if r["kind"] != "author"] == [
        ("reviewer", "Wang Li", "reviewed before approval"), ("approver", "Chen Jing", "approved for use")]
