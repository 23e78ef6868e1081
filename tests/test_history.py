"""`qms history`: the revision record read from git, and the states where it cannot be read."""

from __future__ import annotations

import subprocess
from pathlib import Path

from qmsrepo import GitQmsRepo, QmsRepo, run_qms

QP = "procedures/qp-01-document-control.md"


def _revise_and_approve(repo: GitQmsRepo) -> None:
    repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    repo.revise(QP, "change: Adds electronic approval.", "change: Adds a records index.")
    assert repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-03-01").code == 0


def test_history_rows_hold_authors_approvals_and_commits(git_repo: GitQmsRepo) -> None:
    """Revision 2 came in before adoption; revision 3 was written by Li Na and approved by Chen Jing."""
    _revise_and_approve(git_repo)
    rows = git_repo.history("QP-01")
    assert [(r["revision"], r["status"], r["effective"]) for r in rows] == [
        ("2", "effective", "2026-02-01"), ("3", "effective", "2026-03-01")]
    first, second = rows
    assert first["approved_before_adoption"] is True and first["approvals"] == []
    assert second["change"] == "Adds a records index."
    assert [a["person"] for a in second["authors"]] == ["li-na"]
    (approval,) = second["approvals"]
    assert (approval["person"], approval["roles"], approval["valid"], approval["signature"]) == (
        "chen-jing", ["quality-manager"], True, "none")
    assert approval["commit"] == git_repo.git("rev-parse", "HEAD")
    assert second["last_commit"] == approval["commit"]


def test_history_follows_a_rename_like_git_log_follow(git_repo: GitQmsRepo) -> None:
    """The file moves to a new name: its history stays whole, and matches git log --follow."""
    _revise_and_approve(git_repo)
    new = "procedures/qp-01-document-and-data-control.md"
    git_repo.git("mv", QP, new)
    git_repo.commit("Rename QP-01's file", who="li-na")
    rows = git_repo.history("QP-01")
    ours = [(c["commit"], c["author"], c["date"]) for r in rows for c in r["commits"]]
    # git's --follow ignores --reverse, so reverse here.
    follow = git_repo.git("log", "--follow", "--format=%H|%an|%aI", "--", new).splitlines()[::-1]
    assert ours == [tuple(line.split("|")) for line in follow]
    assert len(ours) == 4  # adopted, revised, approved, renamed
    assert rows[-1]["path"] == new


def test_text_history_shows_the_table(git_repo: GitQmsRepo) -> None:
    """The text form names the document, the revisions and the approver."""
    _revise_and_approve(git_repo)
    run = git_repo.qms("history", "QP-01")
    assert run.code == 0
    assert "QP-01  Document Control" in run.stdout
    assert "Chen Jing, quality-manager, 2026-02-01" in run.stdout
    assert "approved before adoption" in run.stdout


def test_unknown_id_is_a_usage_error(git_repo: GitQmsRepo) -> None:
    run = git_repo.qms("history", "QP-1")
    assert run.code == 2
    assert 'QP-1 is not a document in this repository: did you mean "QP-01"?' in run.stderr


def test_shallow_clone_is_refused_with_advice(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """In a shallow CI checkout, history commands stop instead of printing half a history."""
    _revise_and_approve(git_repo)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{git_repo.root}", str(shallow)], check=True)
    for args in (["history"], ["check", "--history"], ["check", "--since", "HEAD"]):
        run = run_qms(*args, cwd=shallow)
        assert run.code == 2, args
        assert "shallow clone" in run.stderr and "fetch-depth: 0" in run.stderr
        assert "Traceback" not in run.stderr
    assert run_qms("check", cwd=shallow).code == 0


def test_repository_without_commits(repo: QmsRepo) -> None:
    subprocess.run(["git", "init", "-q"], cwd=repo.root, check=True)
    run = repo.qms("history")
    assert run.code == 2
    assert "has no commits yet" in run.stderr


def test_folder_that_is_not_a_git_repository(repo: QmsRepo) -> None:
    run = repo.qms("check", "--history")
    assert run.code == 2
    assert "is not inside a git repository" in run.stderr


def test_since_a_revision_that_does_not_exist(git_repo: GitQmsRepo) -> None:
    run = git_repo.qms("check", "--since", "no-such-branch")
    assert run.code == 2
    assert "'no-such-branch' is not a commit, branch or tag" in run.stderr


def test_approve_on_a_detached_head_is_refused(git_repo: GitQmsRepo) -> None:
    git_repo.git("switch", "-q", "--detach")
    run = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert run.code == 2
    assert "detached HEAD" in run.stderr


def test_second_approver_signs_off_an_effective_document(git_repo: GitQmsRepo) -> None:
    """A document needs two roles: the first approval is recorded and keeps it in review; the second puts it in force."""
    git_repo.edit(QP, "approvers: [quality-manager]", "approvers: [quality-manager, director]")
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    git_repo.revise(QP, "change: Adds electronic approval.", "change: The director approves too.")
    first = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert first.code == 0, first.stderr
    assert "stays in review until director approves too" in first.stdout
    assert "status: review" in git_repo.read(QP)
    assert git_repo.check("--history").code == 0
    second = git_repo.qms_as("wang-li", "approve", "QP-01", "--effective", "2026-03-01")
    assert second.code == 0, second.stderr
    assert "effective 2026-03-01" in second.stdout
    assert "effective: 2026-03-01" in git_repo.read(QP)
    assert git_repo.check("--history").code == 0
    roles = [a["roles"] for a in git_repo.history("QP-01")[-1]["approvals"]]
    assert roles == [["quality-manager"], ["director"]]


def test_csv_audit_trail_has_a_row_per_change_and_per_approval(git_repo: GitQmsRepo) -> None:
    """An auditor asks for February: Li Na's change and Chen Jing's approval, nothing from January."""
    _revise_and_approve(git_repo)
    run = git_repo.qms("history", "--format", "csv", "--from", "2026-02-01", "--to", "2026-02-28")
    assert run.code == 0, run.stderr
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    events = [(r["document"], r["revision"], r["event"], r["person"], r["roles"], r["valid"]) for r in rows]
    assert events == [
        ("QP-01", "3", "changed", "li-na", "", ""),
        ("QP-01", "3", "approval", "chen-jing", "quality-manager", "yes"),
        ("QP-01", "3", "status", "chen-jing", "", ""),
    ]
    assert rows[0]["detail"] == "Adds a records index."


def test_csv_rejects_a_bad_date(git_repo: GitQmsRepo) -> None:
    run = git_repo.qms("history", "--format", "csv", "--from", "February")
    assert run.code == 2
    assert "--from must be a date written YYYY-MM-DD" in run.stderr


def test_diff_between_two_revisions_is_a_redline(git_repo: GitQmsRepo) -> None:
    """qms diff shows the front-matter and text lines that changed from revision 2 to 3."""
    git_repo.edit(QP, "See the [quality", "Records are indexed.\n\nSee the [quality")
    _revise_and_approve(git_repo)
    run = git_repo.qms("diff", "QP-01", "2", "3")
    assert run.code == 0, run.stderr
    assert "--- QP-01 revision 2" in run.stdout and "+++ QP-01 revision 3" in run.stdout
    assert "-revision: 2\n+revision: 3\n" in run.stdout
    assert "+Records are indexed.\n" in run.stdout
    missing = git_repo.qms("diff", "QP-01", "2", "9")
    assert missing.code == 2
    assert "QP-01 has no revision 9 in its history (it has 2, 3)" in missing.stderr


def test_parse_cache_gives_identical_history_and_survives_corruption(git_repo: GitQmsRepo) -> None:
    """The second run reads front-matter from the cache in .git; a corrupt cache is ignored and rebuilt."""
    _revise_and_approve(git_repo)
    cold = git_repo.qms("history", "--format", "json").stdout
    (cache,) = (git_repo.root / ".git" / "qmskit").glob("history-*.json")
    assert git_repo.git("status", "--porcelain") == ""  # the cache is never in the work tree
    warm = git_repo.qms("history", "--format", "json").stdout
    assert warm == cold
    for garbage in ("{not json", '{"abc": [1, 2, 3]}', "[]"):
        cache.write_text(garbage)
        run = git_repo.qms("history", "--format", "json")
        assert run.code == 0 and run.stdout == cold, garbage
    assert '"procedures/qp-01-document-control.md"' not in cache.read_text()
    assert len(cache.read_text()) > 100  # rebuilt


def test_history_of_a_document_not_yet_committed(git_repo: GitQmsRepo) -> None:
    git_repo.write("procedures/qp-02-new.md", git_repo.read(QP).replace("id: QP-01", "id: QP-02"))
    run = git_repo.qms("history", "QP-02")
    assert run.code == 2
    assert "QP-02 (procedures/qp-02-new.md) is not committed yet" in run.stderr
