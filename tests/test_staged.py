"""`qms check --staged`: what is staged, against HEAD, before the commit exists (the pre-commit hook).

The most common mistake, an effective document edited without a new revision, passes a plain
`qms check` (the working tree alone cannot tell), so the hook judges the staged change too.
"""

from __future__ import annotations

from qmsrepo import GitQmsRepo, find

QP = "procedures/qp-01-document-control.md"


def staged(repo: GitQmsRepo, who: str = "li-na"):
    return repo.qms_as(who, "check", "--staged", "--format", "json")


def test_an_effective_document_edited_without_a_new_revision_is_stopped_before_the_commit(
        git_repo: GitQmsRepo) -> None:
    git_repo.edit(QP, "See the [quality", "Also see the [quality")
    git_repo.git("add", QP)
    assert git_repo.check().code == 0  # the working tree alone cannot tell
    run = staged(git_repo)
    assert run.code == 1
    (hit,) = find(run, "H001")
    assert hit["path"] == QP
    assert hit["message"].startswith("the staged change by Li Na (li-na): the content of QP-01 changed while "
                                     "revision 2 was effective")
    assert "bump the revision" in hit["hint"]


def test_a_new_revision_with_its_change_passes(git_repo: GitQmsRepo) -> None:
    git_repo.edit(QP, "See the [quality", "Also see the [quality")
    git_repo.edit(QP, "revision: 2", "revision: 3")
    git_repo.edit(QP, "status: effective", "status: review")
    git_repo.edit(QP, "change: Adds electronic approval.", "change: Says where else to look.")
    git_repo.git("add", "-A")
    run = staged(git_repo)
    assert (run.code, run.findings) == (0, [])


def test_only_what_is_staged_is_judged(git_repo: GitQmsRepo) -> None:
    """An edit left in the working tree is not part of the commit being made."""
    git_repo.edit(QP, "See the [quality", "Also see the [quality")
    assert staged(git_repo).findings == []
    git_repo.git("add", QP)
    assert [f["code"] for f in staged(git_repo).findings] == ["H001"]


def test_an_approval_commit_is_not_refused_for_its_missing_trailer(git_repo: GitQmsRepo) -> None:
    """`qms approve` commits status effective with an `Approves:` trailer the hook cannot see yet: the staged
    check judges the change, not approvals (the pull-request check does)."""
    git_repo.edit(QP, "revision: 2", "revision: 3")
    git_repo.edit(QP, "status: effective", "status: review")
    git_repo.edit(QP, "change: Adds electronic approval.", "change: Adds a step.")
    git_repo.commit("Revision 3 of QP-01", who="li-na")
    git_repo.edit(QP, "status: review", "status: effective")
    git_repo.git("add", QP)
    assert staged(git_repo, who="chen-jing").findings == []


def test_a_deleted_document_and_a_renamed_one(git_repo: GitQmsRepo) -> None:
    git_repo.git("mv", QP, "procedures/qp-01-control-of-documents.md")
    assert staged(git_repo).findings == []  # a rename alone changes nothing controlled
    git_repo.git("rm", "-qf", "procedures/qp-01-control-of-documents.md")
    run = staged(git_repo)
    # Against HEAD the file that goes is the committed one; the references to QP-01 break too (R002).
    assert [(f["code"], f["path"]) for f in run.findings if f["code"].startswith("H")] == [("H008", QP)]


def test_nothing_staged_and_no_commit_yet(git_repo: GitQmsRepo, tmp_path) -> None:
    assert staged(git_repo).code == 0
    fresh = GitQmsRepo.__new__(GitQmsRepo)
    fresh.root, fresh.clock = tmp_path / "fresh", 0
    fresh.root.mkdir()
    for rel in ("qms.yml", "manual/roles.yml", "manual/people.yml", QP):
        fresh.write(rel, git_repo.read(rel).replace("baseline: qms-baseline\n", ""))
    fresh.git("init", "-q", "-b", "main")
    fresh.git("add", "-A")
    assert [f["code"] for f in staged(fresh).findings if f["code"].startswith("H")] == []


def test_staged_with_since_is_a_usage_error(git_repo: GitQmsRepo) -> None:
    run = git_repo.qms_as("li-na", "check", "--staged", "--since", "HEAD")
    assert run.code == 2 and "--staged" in run.stderr
