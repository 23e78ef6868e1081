"""`qms approve`: an approval is a commit by the approver that changes only status and effective."""

from __future__ import annotations

from qmsrepo import GitQmsRepo

QP = "procedures/qp-01-document-control.md"


def _new_revision(repo: GitQmsRepo, who: str = "li-na") -> str:
    text = repo.read(QP)
    text = text.replace("revision: 2", "revision: 3").replace("status: effective", "status: review")
    text = text.replace("change: Adds electronic approval.", "change: Adds a records index.")
    text = text.replace("See the [quality", "Records are listed in an index.\n\nSee the [quality")
    repo.write(QP, text)
    return repo.commit("Revise QP-01", who=who)


def test_approval_commits_only_status_and_effective(git_repo: GitQmsRepo) -> None:
    """Chen Jing approves Li Na's revision: one commit, authored by Chen Jing, with the trailer."""
    _new_revision(git_repo)
    before = git_repo.read(QP)
    run = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-03-01")
    assert run.code == 0, run.stderr
    assert "Approved QP-01 revision 3 as quality-manager, effective 2026-03-01" in run.stdout
    after = git_repo.read(QP)
    assert after == before.replace("status: review", "status: effective").replace(
        "effective: 2026-02-01", "effective: 2026-03-01")
    assert git_repo.git("log", "-1", "--format=%an <%ae>") == "Chen Jing <chen.jing@office.example>"
    assert git_repo.git("log", "-1", "--format=%(trailers:key=Approves,valueonly)") == "QP-01@3"
    assert git_repo.git("status", "--porcelain") == ""
    check = git_repo.qms("check", "--history", "--format", "json")
    assert check.code == 0, check.stdout


def test_approval_keeps_bom_crlf_and_comments(git_repo: GitQmsRepo) -> None:
    """Every byte the approval does not mean to change stays as it was."""
    original = git_repo.read(QP).replace("status: effective", "status: review  # awaiting approval")
    original = original.replace("revision: 2", "revision: 3").replace("change: Adds electronic approval.",
                                                                      "change: New step.")
    original = original.replace("effective: 2026-02-01\n", "")
    data = b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode()
    git_repo.write(QP, data)
    git_repo.commit("Revise QP-01", who="li-na")
    run = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-04-01")
    assert run.code == 0, run.stderr
    expected = original.replace("status: review  # awaiting approval",
                                "status: effective  # awaiting approval\neffective: 2026-04-01")
    assert (git_repo.root / QP).read_bytes() == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode()


def test_author_cannot_approve_own_revision(git_repo: GitQmsRepo) -> None:
    """Chen Jing wrote the revision, so Chen Jing's approval is refused and nothing is written."""
    _new_revision(git_repo, who="chen-jing")
    head = git_repo.git("rev-parse", "HEAD")
    before = git_repo.read(QP)
    run = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert run.code == 2
    assert "authored revision 3 of QP-01 and cannot approve it" in run.stderr
    assert git_repo.read(QP) == before
    assert git_repo.git("rev-parse", "HEAD") == head


def test_person_without_approver_role_is_refused(git_repo: GitQmsRepo) -> None:
    """Wang Li is director, but QP-01 needs the quality manager."""
    _new_revision(git_repo)
    run = git_repo.qms_as("wang-li", "approve", "QP-01")
    assert run.code == 2
    assert "Wang Li holds none of the approver roles of QP-01 (quality-manager)" in run.stderr


def test_unknown_git_identity_is_refused(git_repo: GitQmsRepo) -> None:
    """Someone whose git email is not in the roster cannot approve."""
    _new_revision(git_repo)
    run = git_repo.qms_as("stranger", "approve", "QP-01")
    assert run.code == 2
    assert "zhao.ming@elsewhere.example is not in manual/people.yml" in run.stderr


def test_uncommitted_changes_are_never_overwritten(git_repo: GitQmsRepo) -> None:
    """An approval refuses a file with uncommitted edits and leaves them in place."""
    _new_revision(git_repo)
    git_repo.edit(QP, "Records are listed", "Work in progress. Records are listed")
    edited = git_repo.read(QP)
    run = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert run.code == 2
    assert "has changes that are not committed" in run.stderr
    assert git_repo.read(QP) == edited


def test_locked_index_and_merge_in_progress_stop_the_approval(git_repo: GitQmsRepo) -> None:
    """git's index is locked: approve says so and changes nothing."""
    _new_revision(git_repo)
    lock = git_repo.root / ".git" / "index.lock"
    lock.write_text("")
    run = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert run.code == 2
    assert ".git/index.lock" in run.stderr
    lock.unlink()
    (git_repo.root / ".git" / "MERGE_HEAD").write_text(git_repo.git("rev-parse", "HEAD") + "\n")
    run = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert run.code == 2
    assert "a merge is in progress" in run.stderr
    assert "status: review" in git_repo.read(QP)


def test_several_documents_in_one_commit(git_repo: GitQmsRepo) -> None:
    """Wang Li approves two manual documents at once: one commit, two trailers."""
    git_repo.write("manual/qm-02-policy.md", """\
        ---
        id: QM-02
        title: Quality Policy
        type: manual
        revision: 1
        status: review
        owner: quality-manager
        approvers: [director]
        ---

        # Quality Policy
        """)
    git_repo.edit("manual/qm-01-quality-manual.md", "revision: 1\nstatus: effective",
                  "revision: 2\nstatus: review\nchange: Names the policy.")
    git_repo.commit("Draft the policy", who="li-na")
    run = git_repo.qms_as("wang-li", "approve", "QM-01", "QM-02", "--effective", "2026-05-01")
    assert run.code == 0, run.stderr
    trailers = git_repo.git("log", "-1", "--format=%(trailers:key=Approves,valueonly)").splitlines()
    assert trailers == ["QM-01@2", "QM-02@1"]
    assert git_repo.qms("check", "--history").code == 0


def test_bad_effective_date_is_a_usage_error(git_repo: GitQmsRepo) -> None:
    """--effective 2026-02-30 is not a date."""
    _new_revision(git_repo)
    run = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-02-30")
    assert run.code == 2
    assert "--effective must be a real date" in run.stderr


def test_document_stays_in_review_until_every_approver_role_has_approved(git_repo: GitQmsRepo) -> None:
    """QP-01 needs the quality manager and the director: the first approval alone does not put it in force."""
    _new_revision(git_repo)
    text = git_repo.read(QP).replace("approvers: [quality-manager]", "approvers: [quality-manager, director]")
    git_repo.write(QP, text)
    git_repo.commit("Revision 3 of QP-01 also needs the director", who="li-na")

    first = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-03-01")
    assert first.code == 0, first.stderr
    assert "Approved QP-01 revision 3 as quality-manager; it stays in review until director approves too" in first.stdout
    assert "status: review" in git_repo.read(QP)
    assert git_repo.git("log", "-1", "--format=%(trailers:key=Approves,valueonly)") == "QP-01@3"
    assert git_repo.qms("check", "--history").code == 0

    second = git_repo.qms_as("wang-li", "approve", "QP-01", "--effective", "2026-03-01")
    assert second.code == 0, second.stderr
    assert "Approved QP-01 revision 3 as director, effective 2026-03-01" in second.stdout
    assert "status: effective" in git_repo.read(QP)
    history = git_repo.qms("history", "QP-01", "--format", "json")
    assert history.code == 0, history.stderr
    assert '"quality-manager"' in history.stdout and '"director"' in history.stdout
    check = git_repo.qms("check", "--history", "--format", "json")
    assert check.code == 0, check.stdout
