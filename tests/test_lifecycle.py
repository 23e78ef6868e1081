"""Issue 14, the document lifecycle: back-dated approvals, approving drafts, returned drafts, and who the
audit trail credits after a merge. Real repositories, several people, the real `qms` command."""

from __future__ import annotations

import csv
import io

from qmsrepo import GitQmsRepo, find
from test_change_control import approve, bump

QP = "procedures/qp-01-document-control.md"


# --- 4. the audit trail credits the approval's own commit and approver, not the merge


def approved_on_a_side_branch(repo: GitQmsRepo) -> tuple[str, str]:
    """Li Na revises QP-01 and Chen Jing approves it on a branch; Wang Li merges it with --no-ff.

    Returns (approval commit, merge commit)."""
    repo.git("switch", "-q", "-c", "revise-qp-01")
    bump(repo)
    approve(repo)
    approval = repo.git("rev-parse", "HEAD")
    repo.git("switch", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge revise-qp-01", "revise-qp-01", env=repo.identity("wang-li"))
    return approval, repo.git("rev-parse", "HEAD")


def test_audit_trail_after_a_merge_credits_the_approver(git_repo: GitQmsRepo) -> None:
    approval, merge = approved_on_a_side_branch(git_repo)
    run = git_repo.qms("history", "QP-01", "--format", "csv")
    assert run.code == 0, run.stderr
    rows = [r for r in csv.DictReader(io.StringIO(run.stdout)) if r["revision"] == "3"]
    # The merge only brought the approved revision onto main: it is no act of control by Wang Li.
    assert all(r["person"] != "wang-li" and r["commit"] != merge for r in rows), rows
    effective = [r for r in rows if r["status"] == "effective" and r["event"] != "approval"]
    assert [(r["person"], r["commit"]) for r in effective] == [("chen-jing", approval)]
    assert [(r["event"], r["person"], r["commit"]) for r in rows if r["event"] == "approval"] == [
        ("approval", "chen-jing", approval)]
    assert git_repo.check("--history").code == 0


def test_revision_table_shows_the_approval_commit_after_a_merge(git_repo: GitQmsRepo, tmp_path) -> None:
    """The site's, the export's and the PDF's "Commit" column: the approval's commit, not the merge."""
    approval, merge = approved_on_a_side_branch(git_repo)
    revision = git_repo.history("QP-01")[-1]
    assert revision["last_commit"] == approval
    out = tmp_path / "export"
    run = git_repo.qms("export", str(out))
    assert run.code == 0, run.stderr
    page = (out / QP).read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| 3 "))
    assert f"`{approval[:7]}`" in row and merge[:7] not in row


# --- 3. a reviewer may send a revision back to draft


def test_review_sent_back_to_draft_is_not_an_error(git_repo: GitQmsRepo) -> None:
    """QP-02 of the sample: the reviewer returns the draft with comments; the author reworks it and resubmits."""
    bump(git_repo)  # revision 3, in review
    git_repo.revise(QP, "status: review", "status: draft", who="chen-jing")  # sent back, no content change
    git_repo.revise(QP, "Records are listed in an index.", "Records are listed in the records index.")
    git_repo.revise(QP, "status: draft", "status: review")
    approve(git_repo)
    run = git_repo.check("--history")
    assert find(run, "H005") == [], run.findings
    assert run.code == 0, run.findings


def test_other_backward_moves_stay_h005(git_repo: GitQmsRepo) -> None:
    """Effective back to review or draft is still reported, each with its commit and person."""
    sha = git_repo.revise(QP, "status: effective", "status: review")
    hits = find(git_repo.check("--history"), "H005")
    assert [h["message"] for h in hits] == [
        f"commit {sha[:7]} by Li Na (li-na): status went back from effective to review"]


# --- 1. an effective date earlier than its approval is refused


def test_qms_approve_refuses_a_back_dated_effective_date(git_repo: GitQmsRepo) -> None:
    """Chen Jing approves on 2026-02-01 (the commit's author date) and asks for 2020-01-01: refused."""
    bump(git_repo)
    head = git_repo.git("rev-parse", "HEAD")
    run = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2020-01-01")
    assert run.code == 2, (run.stdout, run.stderr)
    assert "--effective 2020-01-01 is earlier than the approval (2026-02-01)" in run.stderr
    assert git_repo.git("rev-parse", "HEAD") == head
    assert "status: review" in git_repo.read(QP)
    # The day of the approval itself, and a later day, are accepted.
    run = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-02-01")
    assert run.code == 0, run.stderr
    assert git_repo.check("--history").code == 0


def back_dated_by_hand(repo: GitQmsRepo) -> str:
    """Chen Jing's approval commit of 2026-03-02, written by hand, sets revision 3 effective from 2020-01-01."""
    bump(repo)
    repo.edit(QP, "status: review", "status: effective")
    repo.edit(QP, "effective: 2026-02-01", "effective: 2020-01-01")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Approve QP-01 revision 3\n\nApproves: QP-01@3",
             env=repo.identity("chen-jing", day="2026-03-02"))
    return repo.git("rev-parse", "HEAD")


def test_back_dated_effective_date_is_a_history_finding(git_repo: GitQmsRepo) -> None:
    sha = back_dated_by_hand(git_repo)
    run = git_repo.check("--history")
    assert run.code == 1
    hits = find(run, "H016")
    assert len(hits) == 1, run.findings
    assert hits[0]["path"] == QP and hits[0]["severity"] == "error"
    assert hits[0]["message"] == (f"commit {sha[:7]} by Chen Jing (chen-jing): QP-01 revision 3 is effective from "
                                  "2020-01-01, earlier than its approval on 2026-03-02")
    assert hits[0]["hint"]
    # Nothing else is wrong with it: the approval itself counts (a revision in force since 2020 is also long
    # past its periodic review and its audit, which U001 and U014 say).
    assert {f["code"] for f in run.findings} - {"U001", "U014"} == {"H016"}


def test_back_dated_effective_date_is_a_finding_since_rev(git_repo: GitQmsRepo) -> None:
    base = git_repo.git("rev-parse", "HEAD")
    sha = back_dated_by_hand(git_repo)
    hits = find(git_repo.check("--since", base), "H016")
    assert len(hits) == 1 and hits[0]["message"].startswith(f"commit {sha[:7]} by Chen Jing (chen-jing): "), hits
    assert find(git_repo.check("--since", sha), "H016") == []


# --- 2. a draft is not approved: its author first sends it for review


def test_approving_a_draft_is_refused_until_it_is_in_review(git_repo: GitQmsRepo) -> None:
    """Li Na adds a work instruction with `qms new`: its placeholder text is a draft, not for approval."""
    new = git_repo.qms_as("li-na", "new", "work-instruction", "--parent", "QP-01", "--title", "Filing Records",
                          "--owner", "document-controller", "--approver", "quality-manager")
    assert new.code == 0, new.stderr
    first = new.stdout.splitlines()[0]  # Created PATH (ID).
    path, doc_id = first.removeprefix("Created ").rstrip(".").split(" (")
    doc_id = doc_id.rstrip(")")
    git_repo.commit(f"Draft {doc_id}", who="li-na")
    head, text = git_repo.git("rev-parse", "HEAD"), git_repo.read(path)
    assert "status: draft" in text

    refused = git_repo.qms_as("chen-jing", "approve", doc_id)
    assert refused.code == 2, (refused.stdout, refused.stderr)
    assert f"{doc_id} is still a draft" in refused.stderr and "set status: review" in refused.stderr
    assert "commit it first" in refused.stderr
    assert (git_repo.git("rev-parse", "HEAD"), git_repo.read(path)) == (head, text)

    git_repo.revise(path, "status: draft", "status: review")
    approved = git_repo.qms_as("chen-jing", "approve", doc_id)
    assert approved.code == 0, approved.stderr
    assert "status: effective" in git_repo.read(path)


def test_a_draft_needing_two_approvers_is_refused_and_review_keeps_the_flow(git_repo: GitQmsRepo) -> None:
    """Two approver roles: the draft is refused by each; in review, the first approval keeps it in review."""
    git_repo.edit(QP, "approvers: [quality-manager]", "approvers: [quality-manager, director]")
    bump(git_repo, status="draft")
    for who in ("chen-jing", "wang-li"):
        run = git_repo.qms_as(who, "approve", "QP-01")
        assert run.code == 2 and "QP-01 is still a draft" in run.stderr, run.stderr
    git_repo.revise(QP, "status: draft", "status: review")
    first = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert first.code == 0, first.stderr
    assert "stays in review until director approves too" in first.stdout
    assert git_repo.git("show", "--name-only", "--format=", "HEAD") == ""  # the trailer alone: nothing to write
    second = git_repo.qms_as("wang-li", "approve", "QP-01")
    assert second.code == 0, second.stderr
    assert "status: effective" in git_repo.read(QP)
    assert git_repo.check("--history").code == 0
