"""Change control over git history: each rule of DESIGN.md, failing and passing, with commit and person."""

from __future__ import annotations

from typing import Any

from qmsrepo import GitQmsRepo, find

QP = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"


def history_findings(repo: GitQmsRepo, code: str, *args: str) -> list[dict[str, Any]]:
    run = repo.check("--history", *args)
    return find(run, code)


def bump(repo: GitQmsRepo, who: str = "li-na", revision: str = "3", status: str = "review",
         change: str = "change: Adds a records index.") -> str:
    text = repo.read(QP).replace("revision: 2", f"revision: {revision}")
    text = text.replace("status: effective", f"status: {status}")
    text = text.replace("change: Adds electronic approval.", change)
    text += "\nRecords are listed in an index.\n"
    repo.write(QP, text)
    return repo.commit("Revise QP-01", who=who)


def hand_approval(repo: GitQmsRepo, who: str, trailer: str) -> None:
    """An approval written by hand rather than by `qms approve`: status effective and a trailer."""
    repo.edit(QP, "status: review", "status: effective")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", f"Approve\n\nApproves: {trailer}", env=repo.identity(who))


def approve(repo: GitQmsRepo, who: str = "chen-jing") -> None:
    run = repo.qms_as(who, "approve", "QP-01")
    assert run.code == 0, run.stderr


def test_proper_revision_and_approval_pass(git_repo: GitQmsRepo) -> None:
    """Li Na revises, Chen Jing approves: the whole history is in order."""
    bump(git_repo)
    approve(git_repo)
    run = git_repo.check("--history")
    assert run.code == 0, run.findings


def test_h001_content_change_without_revision(git_repo: GitQmsRepo) -> None:
    """Li Na edits an effective procedure without a new revision."""
    sha = git_repo.revise(QP, "See the [quality", "Also see the [quality")
    hit = history_findings(git_repo, "H001")
    assert len(hit) == 1
    assert hit[0]["path"] == QP
    assert f"commit {sha[:7]} by Li Na (li-na)" in hit[0]["message"]
    assert "changed while revision 2 was effective" in hit[0]["message"]


def test_h002_new_revision_without_new_change(git_repo: GitQmsRepo) -> None:
    """Revision 3 keeps revision 2's change summary."""
    sha = bump(git_repo, change="change: Adds electronic approval.")
    hit = history_findings(git_repo, "H002")
    assert [h["path"] for h in hit] == [QP]
    assert f"commit {sha[:7]} by Li Na (li-na): revision 3 does not say what changed" in hit[0]["message"]


def test_h003_revision_goes_down(git_repo: GitQmsRepo) -> None:
    """Revision 2 becomes revision 1."""
    sha = bump(git_repo, revision="1", change="change: Back to the old text.")
    hit = history_findings(git_repo, "H003")
    assert len(hit) == 1 and hit[0]["path"] == QP
    assert f"commit {sha[:7]} by Li Na (li-na): revision went down from 2 to 1" in hit[0]["message"]


def test_h004_id_changed(git_repo: GitQmsRepo) -> None:
    """The file keeps its place but its id is changed."""
    sha = git_repo.revise(QP, "id: QP-01", "id: QP-02")
    git_repo.edit("manual/qm-01-quality-manual.md", "[[QP-01]]", "[[QP-02]]")
    hit = history_findings(git_repo, "H004")
    assert len(hit) == 1 and hit[0]["path"] == QP
    assert f"commit {sha[:7]} by Li Na (li-na): the id changed from QP-01 to QP-02" in hit[0]["message"]


def test_h005_status_moves_backwards(git_repo: GitQmsRepo) -> None:
    """An effective revision is put back to draft."""
    sha = git_repo.revise(QP, "status: effective", "status: draft")
    hit = history_findings(git_repo, "H005")
    assert len(hit) == 1
    assert f"commit {sha[:7]} by Li Na (li-na): status went back from effective to draft" in hit[0]["message"]


def test_h005_new_revision_must_restart(git_repo: GitQmsRepo) -> None:
    """Revision 3 is committed straight as effective."""
    bump(git_repo, status="effective")
    hit = history_findings(git_repo, "H005")
    assert len(hit) == 1
    assert "must start at draft or review, not effective" in hit[0]["message"]


def test_h006_effective_without_approval(git_repo: GitQmsRepo) -> None:
    """Li Na revises and then sets the revision effective herself, with no approval commit."""
    bump(git_repo)
    sha = git_repo.revise(QP, "status: review", "status: effective")
    hit = history_findings(git_repo, "H006")
    assert len(hit) == 1 and hit[0]["path"] == QP
    assert f"commit {sha[:7]} by Li Na (li-na): QP-01 revision 3 became effective without a valid approval " \
           "from a holder of quality-manager" in hit[0]["message"]


def test_h010_forged_trailer_by_someone_without_the_role(git_repo: GitQmsRepo) -> None:
    """Li Na writes an Approves: trailer herself: the approval is refused and the revision is unapproved."""
    bump(git_repo)
    hand_approval(git_repo, "li-na", "QP-01@3")
    run = git_repo.check("--history")
    refused = find(run, "H010")
    assert len(refused) == 1
    assert "Li Na (li-na): approval of QP-01@3 refused: Li Na holds none of the approver roles" in refused[0]["message"]
    assert len(find(run, "H006")) == 1


def test_h010_self_approval_in_history(git_repo: GitQmsRepo) -> None:
    """Chen Jing authored revision 3 and committed its approval by hand: segregation of duties."""
    bump(git_repo, who="chen-jing")
    hand_approval(git_repo, "chen-jing", "QP-01@3")
    refused = history_findings(git_repo, "H010")
    assert len(refused) == 1
    assert "Chen Jing authored this content and cannot approve it" in refused[0]["message"]


def test_h010_approval_of_the_wrong_revision(git_repo: GitQmsRepo) -> None:
    """The trailer names revision 2 while the document is at revision 3."""
    bump(git_repo)
    hand_approval(git_repo, "chen-jing", "QP-01@2")
    refused = history_findings(git_repo, "H010")
    assert len(refused) == 1
    assert "QP-01 was at revision 3, not 2, in this commit" in refused[0]["message"]


def test_h007_content_changed_after_approval(git_repo: GitQmsRepo) -> None:
    """Chen Jing approves revision 3 while it is in review; Li Na then edits it: the approval is void."""
    bump(git_repo)
    git_repo.git("commit", "-q", "--allow-empty", "-m", "Approve\n\nApproves: QP-01@3",
                 env=git_repo.identity("chen-jing"))
    git_repo.revise(QP, "Records are listed in an index.", "Records are listed in the register.")
    git_repo.revise(QP, "status: review", "status: effective")
    run = git_repo.check("--history")
    void = find(run, "H007")
    assert len(void) == 1, run.findings
    assert "approval of QP-01@3 refused: the content changed after this approval" in void[0]["message"]
    assert len(find(run, "H006")) == 1


def test_h008_controlled_document_deleted(git_repo: GitQmsRepo) -> None:
    """An effective procedure is deleted instead of being made obsolete."""
    git_repo.remove(QP)
    git_repo.edit("manual/qm-01-quality-manual.md", "Documents are controlled under [[QP-01]].", "")
    sha = git_repo.commit("Remove QP-01", who="li-na")
    hit = history_findings(git_repo, "H008")
    assert len(hit) == 1 and hit[0]["path"] == QP
    assert f"commit {sha[:7]} by Li Na (li-na): a controlled document or record was deleted" in hit[0]["message"]


def test_obsolete_instead_of_deleted_passes(git_repo: GitQmsRepo) -> None:
    """Making a document obsolete is the way to withdraw it; the manual gets a new, approved revision."""
    manual = "manual/qm-01-quality-manual.md"
    git_repo.edit(manual, "Documents are controlled under [[QP-01]].", "Documents are controlled by the office.")
    git_repo.revise(manual, "revision: 1\nstatus: effective", "revision: 2\nstatus: review\nchange: Drops QP-01.")
    assert git_repo.qms_as("wang-li", "approve", "QM-01").code == 0
    git_repo.revise(QP, "status: effective", "status: obsolete\nsuperseded_by: none")
    run = git_repo.check("--history")
    assert run.code == 0, run.findings


def test_h009_closed_record_edited(git_repo: GitQmsRepo) -> None:
    """A closed audit record is changed after the fact."""
    sha = git_repo.revise(REC, "No nonconformities found.", "One minor nonconformity found.")
    hit = history_findings(git_repo, "H009")
    assert len(hit) == 1 and hit[0]["path"] == REC
    assert f"commit {sha[:7]} by Li Na (li-na): a closed record was edited" in hit[0]["message"]


def test_open_record_may_be_closed(git_repo: GitQmsRepo) -> None:
    """An open record is completed and closed: allowed."""
    git_repo.write("records/2026/rec-2026-002-nc.md", git_repo.read(REC).replace("REC-2026-001", "REC-2026-002")
                   .replace("status: closed", "status: open"))
    git_repo.commit("Open REC-2026-002", who="li-na")
    git_repo.revise("records/2026/rec-2026-002-nc.md", "status: open", "status: closed")
    assert git_repo.check("--history").code == 0


def test_since_limits_rules_to_later_commits(git_repo: GitQmsRepo) -> None:
    """An old violation before REV is not reported by --since REV, a new one is."""
    git_repo.revise(QP, "See the [quality", "Also see the [quality")
    base = git_repo.git("rev-parse", "HEAD")
    assert find(git_repo.check("--since", base), "H001") == []
    sha = git_repo.revise(QP, "Also see the [quality", "And see the [quality")
    hits = find(git_repo.check("--since", base), "H001")
    assert [h["message"][:14] for h in hits] == [f"commit {sha[:7]}"]


def test_approval_on_a_side_branch_merged_with_a_merge_commit(git_repo: GitQmsRepo) -> None:
    """The usual pull request: revise and approve on a branch, merge with --no-ff by the approver."""
    git_repo.git("switch", "-q", "-c", "revise-qp-01")
    bump(git_repo)
    approve(git_repo)
    git_repo.git("switch", "-q", "main")
    git_repo.git("merge", "-q", "--no-ff", "-m", "Merge revise-qp-01", "revise-qp-01",
                 env=git_repo.identity("chen-jing"))
    assert git_repo.check("--history").code == 0
    revision = git_repo.history("QP-01")[-1]
    assert [a["person"] for a in revision["authors"]] == ["li-na"]
    assert [(a["person"], a["valid"]) for a in revision["approvals"]] == [("chen-jing", True)]


def test_baseline_marks_revisions_approved_before_adoption(git_repo: GitQmsRepo) -> None:
    """Without the baseline, the imported documents would need approval commits."""
    history = git_repo.history("QP-01")
    assert history[0]["approved_before_adoption"] is True
    git_repo.edit("qms.yml", "baseline: qms-baseline\n", "")
    git_repo.commit_rules("Drop the baseline", who="li-na")
    hits = history_findings(git_repo, "H006")
    assert sorted(h["path"] for h in hits) == ["manual/qm-01-quality-manual.md", QP]
