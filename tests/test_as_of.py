"""`--as-of DATE` reads the repository as it stood at the end of that day: the files of the main line's last
commit of the day and the history up to it, never the working tree. An action closed later, a record added
later, a person who joined a role later and a periodic review made later all play no part.

The day judged is 2026-07-15. On it: corrective action REC-2026-003 (due 2026-06-30) and REC-2026-004 (due
2026-07-10) are open and overdue, and QM-01 (reviewed every 6 months from 2026-01-05) is past its review.
After it: REC-2026-003 is closed and verified (2026-08-01), a major nonconformity with no action is recorded
(2026-08-02), Wang Li joins document control (2026-08-03), both documents are reviewed (2026-08-05), and a
branch whose commit closed REC-2026-004 on 2026-07-10 is merged on 2026-08-10.
"""

from __future__ import annotations

import json
import textwrap

import pytest
from qmsrepo import GitQmsRepo, QmsRepo, find

QM = "manual/qm-01-quality-manual.md"
QP = "procedures/qp-01-document-control.md"
CA3 = "records/2026/rec-2026-003-ca.md"
CA4 = "records/2026/rec-2026-004-ca.md"
NC = "records/2026/rec-2026-005-nc.md"
DAY = "2026-07-15"


def record(record_id: str, kind: str, extra: str = "", status: str = "open") -> str:
    return textwrap.dedent(f"""\
        ---
        id: {record_id}
        title: Record {record_id}
        type: record
        kind: {kind}
        procedure: QP-01
        date: 2026-03-20
        owner: document-controller
        status: {status}
        retention: 3y
        """) + textwrap.dedent(extra) + "---\n\n# Record\n"


@pytest.fixture
def later(git_repo: GitQmsRepo) -> GitQmsRepo:
    repo = git_repo
    repo.edit(QP, "approvers: [quality-manager]", "approvers: [quality-manager]\ndistribution: [document-controller]")
    repo.write("qms.yml", repo.read("qms.yml").replace("review_months: 12", "review_months: 6") + "acknowledge_days: 14\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--amend", "--no-edit", env=repo.identity("li-na", "2026-01-01"))
    repo.git("tag", "-f", "qms-baseline")
    for who in ("chen-jing", "li-na"):
        assert repo.qms_as(who, "ack", "QP-01", day="2026-02-05").code == 0
    repo.write(CA3, record("REC-2026-003", "corrective-action", "due: 2026-06-30\n"))
    repo.write(CA4, record("REC-2026-004", "corrective-action", "due: 2026-07-10\n"))
    repo.commit("Raise corrective actions", who="chen-jing", day="2026-03-20")
    # A branch closes REC-2026-004 on 2026-07-10; it reaches the main line only when merged, on 2026-08-10.
    repo.git("checkout", "-q", "-b", "close-ca4")
    repo.edit(CA4, "status: open", "status: closed\nclosed: 2026-07-10\nverified: 2026-07-10\neffectiveness: effective")
    repo.commit("Close REC-2026-004", who="li-na", day="2026-07-10")
    repo.git("checkout", "-q", "main")
    # After the day judged.
    repo.edit(CA3, "status: open", "status: closed\nclosed: 2026-08-01\nverified: 2026-08-01\neffectiveness: effective")
    repo.commit("Close REC-2026-003", who="li-na", day="2026-08-01")
    repo.write(NC, record("REC-2026-005", "nonconformity", "severity: major\n"))
    repo.commit("Record a major nonconformity", who="chen-jing", day="2026-08-02")
    repo.edit("manual/people.yml", "roles: [director]", "roles: [director, document-controller]")
    repo.commit("Wang Li joins document control", who="chen-jing", day="2026-08-03")
    assert repo.qms_as("wang-li", "approve", "manual/people.yml", day="2026-08-03").code == 0
    assert repo.qms_as("wang-li", "periodic-review", "QM-01", day="2026-08-05").code == 0
    assert repo.qms_as("chen-jing", "periodic-review", "QP-01", day="2026-08-05").code == 0
    repo.git("merge", "-q", "--no-ff", "-m", "Merge close-ca4", "close-ca4", env=repo.identity("chen-jing", "2026-08-10"))
    return repo


def codes(repo: GitQmsRepo, *args: str) -> list[tuple[str, str]]:
    run = repo.check(*args)
    assert run.code in (0, 1), run.stderr
    return sorted((f["code"], f["path"]) for f in run.findings if f["code"].startswith("U"))


def duties(repo: GitQmsRepo, *args: str) -> list[tuple[str, str, str, bool]]:
    run = repo.qms("due", "--format", "json", "--within", "1d", *args)
    assert run.code == 0, run.stderr
    return [(d["kind"], d["document"], d["person"], d["overdue"]) for d in json.loads(run.stdout)["duties"]]


def u004(repo: GitQmsRepo, *args: str) -> list[str]:
    return [f["message"].split(" has not", 1)[0] for f in find(repo.check("--history", *args), "U004")]


def test_check_as_of_answers_as_the_repository_stood_that_day(later: GitQmsRepo) -> None:
    # On the day: both actions open and overdue, the nonconformity not yet recorded, QM-01's review overdue.
    assert codes(later, "--history", "--as-of", DAY) == [("U001", QM), ("U010", CA3), ("U010", CA4)]
    assert codes(later, "--as-of", DAY) == [("U010", CA3), ("U010", CA4)]
    assert u004(later, "--as-of", DAY) == []
    # Today: the actions are closed and verified, the nonconformity has no action, the reviews are done, and
    # Wang Li, a reader since 2026-08-03, has not acknowledged QP-01.
    assert codes(later, "--history") == [("U004", QP), ("U012", NC)]
    assert u004(later) == ["Wang Li (wang-li, document-controller)"]


def test_due_as_of_answers_as_the_repository_stood_that_day(later: GitQmsRepo) -> None:
    on_the_day = duties(later, "--as-of", DAY)
    assert ("action", "REC-2026-003", "li-na", True) in on_the_day
    assert {(kind, doc, person) for kind, doc, person, _ in on_the_day if kind == "action"} == {
        (kind, doc, person) for kind in ("action",) for doc in ("REC-2026-003", "REC-2026-004")
        for person in ("chen-jing", "li-na")}, "Wang Li did not hold the role yet; the branch was not merged yet"
    assert ("periodic-review", "QM-01", "chen-jing", True) in on_the_day, "due 2026-07-05, reviewed only on 2026-08-05"
    assert [d for d in on_the_day if d[0] == "acknowledge"] == []
    today = duties(later)
    assert [d for d in today if d[0] in ("action", "periodic-review")] == []
    assert [d for d in today if d[0] == "acknowledge"] == [("acknowledge", "QP-01", "wang-li", True)]


def test_uncommitted_changes_play_no_part_in_as_of(later: GitQmsRepo) -> None:
    later.remove(CA3)
    later.edit("manual/people.yml", "roles: [document-controller]\n", "roles: [director]\n")
    assert codes(later, "--as-of", DAY) == [("U010", CA3), ("U010", CA4)]
    assert ("action", "REC-2026-003", "li-na", True) in duties(later, "--as-of", DAY)
    # Nothing was checked out: the working tree and the index are as the user left them.
    assert not (later.root / CA3).exists() and "roles: [director]\n" in later.read("manual/people.yml")
    assert later.git("diff", "--cached", "--name-only") == ""
    assert sorted(later.git("diff", "--name-only").splitlines()) == ["manual/people.yml", CA3]


def test_a_side_commit_counts_from_the_day_its_merge_lands_it(later: GitQmsRepo) -> None:
    assert ("U010", CA4) in codes(later, "--as-of", "2026-08-09")
    assert ("U010", CA4) not in codes(later, "--as-of", "2026-08-10")


@pytest.mark.parametrize("command", [("check",), ("check", "--history"), ("due",), ("training",)])
def test_a_day_before_the_first_commit_cannot_run(later: GitQmsRepo, command: tuple[str, ...]) -> None:
    run = later.qms(*command, "--as-of", "2025-12-31")
    assert run.code == 2
    assert "--as-of 2025-12-31: nothing was committed yet on that day (the history starts on 2026-01-01)" in run.stderr
    assert "Traceback" not in run.stderr


def test_staged_and_as_of_do_not_go_together(later: GitQmsRepo) -> None:
    run = later.qms("check", "--staged", "--as-of", DAY)
    assert run.code == 2 and "--staged judges what is about to be committed" in run.stderr


def test_history_and_duties_are_judged_by_the_committed_settings(git_repo: GitQmsRepo) -> None:
    """An uncommitted edit of qms.yml does not move a review, an acknowledgement or an audit; committed, it does."""
    settings = git_repo.read("qms.yml")
    git_repo.write("qms.yml", settings.replace("review_months: 12", "review_months: 1") + "audit_months: 1\n")
    assert codes(git_repo, "--history", "--select", "U001") == []
    register = {row["id"]: row["next_review"] for row in json.loads(git_repo.qms("register", "--format", "json").stdout)}
    assert register["QM-01"] == "2027-01-05", "twelve months from 2026-01-05, as committed"
    assert [d for d in duties(git_repo, "--within", "30d") if d[0] == "audit"] == []
    git_repo.commit("Review every month, audit every month", who="chen-jing", day="2026-03-01")
    assert codes(git_repo, "--history", "--select", "U001") == [("U001", QM), ("U001", QP)]
    assert ("audit", "QP-01", "chen-jing", True) in duties(git_repo)


def test_training_as_of_lists_the_readers_of_that_day(later: GitQmsRepo) -> None:
    def readers(*args: str) -> list[str]:
        run = later.qms("training", "--format", "json", *args)
        assert run.code == 0, run.stderr
        return [p["person"] for p in json.loads(run.stdout)["people"]]

    assert readers("--as-of", DAY) == ["chen-jing", "li-na"]
    assert readers() == ["chen-jing", "li-na", "wang-li"]


def test_a_settings_file_broken_in_the_commit_of_the_day_is_named_as_such(git_repo: GitQmsRepo) -> None:
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "review_months: [twelve]\n")
    git_repo.commit("Break the settings", who="chen-jing", day="2026-03-01")
    git_repo.write("qms.yml", git_repo.read("qms.yml").replace("review_months: [twelve]\n", ""))
    run = git_repo.qms("check", "--as-of", "2026-03-01")
    assert run.code == 2 and "qms.yml" in run.stderr and "the last of 2026-03-01" in run.stderr
    assert "Traceback" not in run.stderr
    assert git_repo.qms("check", "--as-of", "2026-02-28").code == 0


def test_a_folder_without_git_is_judged_as_it_is_with_a_note(repo: QmsRepo) -> None:
    run = repo.check("--as-of", DAY)
    assert "not a git repository, so --as-of judges the files as they are now" in run.stderr
