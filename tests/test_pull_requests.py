"""A pull request is judged by what it brings to the main branch, and `--history` later agrees.

Li Na works in her own clone, pushes a branch, and the branch is merged on the shared repository
in each of the ways a hosting service offers. `qms check --since main` on the branch (the
pull-request check) must say what `qms check --history` says once the branch is merged, or, where
the team merges in a way that cannot agree with the declared `merge:` setting, what the docs say.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, find, run_qms

QP = "procedures/qp-01-document-control.md"
WAYS = ("merge", "squash", "fast-forward", "rebase")


def clone_of(origin: GitQmsRepo, who: str, folder: Path) -> GitQmsRepo:
    """`who`'s own clone of the shared repository, committing under their identity."""
    subprocess.run(["git", "clone", "-q", str(origin.root), str(folder)], check=True, capture_output=True)
    clone = GitQmsRepo.__new__(GitQmsRepo)
    clone.root, clone.clock = folder, origin.clock + 100
    clone.git("config", "commit.gpgsign", "false")
    return clone


def pull_request(origin: GitQmsRepo, tmp_path: Path, fixed_later: bool = True) -> tuple[GitQmsRepo, str]:
    """Li Na's branch `revise-qp-01`: an edit of the effective QP-01 without a new revision, then (when
    `fixed_later`) a second commit that opens revision 3 with its change. Pushed to the shared repository;
    returns her clone and the first commit."""
    mine = clone_of(origin, "li-na", tmp_path / "li-na")
    mine.git("switch", "-q", "-c", "revise-qp-01")
    first = mine.revise(QP, "See the [quality", "Also see the [quality", who="li-na")
    if fixed_later:
        mine.edit(QP, "revision: 2", "revision: 3")
        mine.edit(QP, "status: effective", "status: review")
        mine.edit(QP, "change: Adds electronic approval.", "change: Says where else to look.")
        mine.commit("Open revision 3 of QP-01 for that edit", who="li-na")
    mine.git("push", "-q", "origin", "revise-qp-01")
    return mine, first


def land(origin: GitQmsRepo, way: str, who: str = "chen-jing") -> None:
    """Merge `revise-qp-01` into main on the shared repository, as the hosting service's button would."""
    env = origin.identity(who)
    origin.git("switch", "-q", "main")
    if way == "merge":
        origin.git("merge", "-q", "--no-ff", "-m", "Merge pull request: revise QP-01", "revise-qp-01", env=env)
    elif way == "squash":
        origin.git("merge", "-q", "--squash", "revise-qp-01", env=env)
        origin.git("commit", "-q", "-m", "Revise QP-01 (squashed)", env=env)
    elif way == "fast-forward":
        origin.git("merge", "-q", "--ff-only", "revise-qp-01", env=env)
    else:
        origin.git("switch", "-q", "revise-qp-01")
        origin.git("rebase", "-q", "--force-rebase", "main", env=env)
        origin.git("switch", "-q", "main")
        origin.git("merge", "-q", "--ff-only", "revise-qp-01", env=env)


def change_control(repo: GitQmsRepo, *args: str) -> tuple[int, list[tuple[str, str]]]:
    run = run_qms("check", "--format", "json", *args, cwd=repo.root)
    assert run.code in (0, 1), run.stderr
    return run.code, sorted((f["code"], f["path"]) for f in run.findings if f["code"].startswith("H"))


def declare(origin: GitQmsRepo, setting: str) -> None:
    origin.edit("qms.yml", "baseline: qms-baseline\n", f"baseline: qms-baseline\nmerge: {setting}\n")
    origin.commit_rules(f"Pull requests are merged by {setting}", who="chen-jing", approver="wang-li")


@pytest.mark.parametrize("way", ["merge", "squash"])
def test_a_revision_given_in_a_later_commit_passes_and_history_agrees(git_repo: GitQmsRepo, tmp_path: Path,
                                                                        way: str) -> None:
    """The issue's case: the pull request as a whole opens revision 3 with its change, so it is green, and
    stays green once merged with a merge commit or squashed."""
    if way == "squash":
        declare(git_repo, "squash")
    mine, _ = pull_request(git_repo, tmp_path)
    # With merge commits, the early commit is named as a warning (H017), before the merge and after it.
    said = [("H017", QP)] if way == "merge" else []
    assert change_control(mine, "--since", "origin/main") == (0, said)
    land(git_repo, way)
    assert change_control(git_repo, "--history") == (0, said)


@pytest.mark.parametrize("way", ["fast-forward", "rebase"])
def test_with_merge_rebase_declared_the_early_commit_is_red_before_and_after(git_repo: GitQmsRepo,
                                                                              tmp_path: Path, way: str) -> None:
    """A rebase or fast-forward puts each commit on the main line alone: the early edit is H001 there, so the
    pull-request check says so before the merge."""
    declare(git_repo, "rebase")
    mine, first = pull_request(git_repo, tmp_path)
    run = run_qms("check", "--format", "json", "--since", "origin/main", cwd=mine.root)
    assert (run.code, [(f["code"], f["message"][:14]) for f in run.findings]) == (1, [("H001", f"commit {first[:7]}")])
    land(git_repo, way)
    assert change_control(git_repo, "--history") == (1, [("H001", QP)])


@pytest.mark.parametrize("way", ["fast-forward", "rebase"])
def test_a_fast_forward_or_rebase_under_merge_merge_is_the_documented_disagreement(git_repo: GitQmsRepo,
                                                                                   tmp_path: Path, way: str) -> None:
    """Declared `merge: merge` (the default) but landed commit by commit: `--history` judges each commit, as
    docs/decisions.md says, and reports the early edit; the pull-request check warned of it (H017)."""
    mine, first = pull_request(git_repo, tmp_path)
    run = run_qms("check", "--format", "json", "--since", "origin/main", cwd=mine.root)
    assert run.code == 0
    warning = [f for f in run.findings if f["code"] == "H017"]
    assert len(warning) == 1 and warning[0]["severity"] == "warning", run.findings
    assert f"commit {first[:7]}" in warning[0]["message"] and "H001" in warning[0]["message"]
    assert "merge: rebase" in warning[0]["hint"]
    land(git_repo, way)
    assert change_control(git_repo, "--history") == (1, [("H001", QP)])


@pytest.mark.parametrize("way", WAYS)
def test_a_branch_that_forgets_the_revision_is_red_before_and_after(git_repo: GitQmsRepo, tmp_path: Path,
                                                                    way: str) -> None:
    mine, first = pull_request(git_repo, tmp_path, fixed_later=False)
    run = run_qms("check", "--format", "json", "--since", "origin/main", cwd=mine.root)
    hits = find(run, "H001")
    assert run.code == 1 and [h["message"][:14] for h in hits] == [f"commit {first[:7]}"]
    land(git_repo, way)
    assert change_control(git_repo, "--history") == (1, [("H001", QP)])


def test_after_a_merge_commit_history_names_the_commit_the_check_named(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """The same finding, word for word: the merge adds no change of its own, so the branch's commit is named."""
    mine, _ = pull_request(git_repo, tmp_path, fixed_later=False)
    before = run_qms("check", "--format", "json", "--since", "origin/main", cwd=mine.root).json()["findings"]
    land(git_repo, "merge")
    after = git_repo.check("--history").findings
    assert [f for f in after if f["code"].startswith("H")] == [f for f in before if f["code"].startswith("H")]


def test_the_check_of_a_merge_ref_judges_the_pull_request_as_a_whole(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """GitHub checks out the merge of the pull request into its base: `--since BASE` judges that merge as one
    step, as `--history` will."""
    pull_request(git_repo, tmp_path)
    base = git_repo.git("rev-parse", "main")
    land(git_repo, "merge")
    assert change_control(git_repo, "--since", base) == (0, [("H017", QP)])


def test_under_merge_squash_an_approval_inside_the_pull_request_is_refused(git_repo: GitQmsRepo,
                                                                                tmp_path: Path) -> None:
    """An approval inside the pull request is Chen Jing's own commit: a merge commit keeps it; a squash does
    not, and with `merge: squash` declared the pull-request check says so before the merge."""
    declare(git_repo, "squash")
    mine, _ = pull_request(git_repo, tmp_path)
    mine.clock += 50
    run = run_qms("approve", "QP-01", cwd=mine.root, env=mine.identity("chen-jing", day="2026-03-01"))
    assert run.code == 0, run.stderr
    run = run_qms("check", "--format", "json", "--since", "origin/main", cwd=mine.root)
    assert run.code == 1
    refused = find(run, "H010")
    assert len(refused) == 1 and "squash" in refused[0]["message"], run.findings
    assert [h["code"] for h in find(run, "H006")] == ["H006"]


def test_a_pull_request_cannot_choose_a_kinder_merge_setting_for_itself(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """`merge:` is an approval setting: the branch that writes `merge: merge` over an approved `merge: rebase` is
    judged by the setting in force before it, and the unapproved change is reported (H013)."""
    declare(git_repo, "rebase")
    mine, first = pull_request(git_repo, tmp_path)
    mine.edit("qms.yml", "merge: rebase", "merge: merge")
    mine.commit("Merge commits from now on", who="li-na")
    run = run_qms("check", "--format", "json", "--since", "origin/main", cwd=mine.root)
    assert run.code == 1
    assert [f["code"] for f in find(run, "H001")] == ["H001"] and f"commit {first[:7]}" in find(run, "H001")[0]["message"]
    assert [f["path"] for f in find(run, "H013")] == ["qms.yml"]


def test_with_merge_rebase_the_trial_merge_of_a_pull_request_is_judged_commit_by_commit(git_repo: GitQmsRepo,
                                                                                      tmp_path: Path) -> None:
    """GitHub's check runs on a trial merge; a rebasing team's commits will land one by one all the same."""
    declare(git_repo, "rebase")
    _, first = pull_request(git_repo, tmp_path)
    base = git_repo.git("rev-parse", "main")
    git_repo.git("switch", "-q", "-c", "trial-merge", "main")
    git_repo.git("merge", "-q", "--no-ff", "-m", "Trial merge", "revise-qp-01", env=git_repo.identity("chen-jing"))
    run = git_repo.check("--since", base)
    assert [(f["code"], f["message"][:14]) for f in run.findings] == [("H001", f"commit {first[:7]}")]
    # The same commits once merged with a merge commit after all: --history judges the merge as a whole.
    assert change_control(git_repo, "--history") == (0, [("H017", QP)])
    assert change_control(git_repo, "--since", base, "--as-landed") == (0, [("H017", QP)])


def test_as_landed_needs_since(git_repo: GitQmsRepo) -> None:
    run = git_repo.qms("check", "--as-landed")
    assert run.code == 2 and "give --since REV too" in run.stderr and "Traceback" not in run.stderr
