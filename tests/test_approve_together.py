"""A set of documents that rely on each other is approved together, by several people, with the hook installed.

`qms init`'s five documents reference each other; the QM documents are approved by top management and the
QP by the quality manager. Each approver runs `qms approve` in their own clone: every document stays in
review until the approval that completes the set puts them in force together, so no commit leaves an
effective document relying on one that is not in force, and the pre-commit hook passes every commit.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from scaffolding import User

MANUALS = ["QM-01", "QM-02", "QM-03", "QM-04"]
SET = {"QM-01": "manual/qm-01-scope.md", "QM-02": "manual/qm-02-quality-policy.md",
       "QM-03": "manual/qm-03-quality-objectives.md", "QM-04": "manual/qm-04-roles-responsibilities.md",
       "QP-01": "procedures/qp-01-document-control.md"}
COLLEAGUES = """\
  - id: wang-li
    name: Wang Li
    emails: [wang.li@office.example]
    roles: [top-management]
  - id: chen-jing
    name: Chen Jing
    emails: [chen.jing@office.example]
    roles: [quality-manager]
"""


def install_hook(root: Path) -> None:
    """The pre-commit hook `qms init` recommends, as git runs it: `qms check` before every commit."""
    hook = root / ".git/hooks/pre-commit"
    env = f"PYTHONPATH={shlex.quote(str(REPO_ROOT))}"
    hook.write_text(f"#!/bin/sh\n{env} exec {shlex.quote(sys.executable)} -m qms check\n", encoding="utf-8")
    hook.chmod(0o755)


def _status(root: Path, rel: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in (root / rel).read_text(encoding="utf-8").splitlines()
                if line.startswith("status:"))


@pytest.fixture
def office(tmp_path: Path) -> tuple[User, Path, Path]:
    """`qms init` by Huang Yan, colleagues for top management and the quality manager, the set sent for
    review, pushed to a shared repository (`origin`)."""
    user = User(tmp_path / "home")
    assert user.qms("init", "office", cwd=tmp_path).code == 0
    root = tmp_path / "office"
    people = root / "manual/people.yml"
    text = people.read_text(encoding="utf-8").replace(
        "roles: [top-management, quality-manager, document-controller]", "roles: [document-controller]")
    people.write_text(text + COLLEAGUES, encoding="utf-8")
    user.commit(root, "Add Wang Li and Chen Jing", who="huang-yan")
    joined = user.qms("approve", "manual/people.yml", cwd=root, who="wang-li")
    assert joined.code == 0, joined.stderr
    for rel in SET.values():
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: review", 1), encoding="utf-8")
    user.commit(root, "Send the starter set for review", who="huang-yan")
    origin = tmp_path / "origin.git"
    user.git(tmp_path, "clone", "-q", "--bare", str(root), str(origin))
    user.git(root, "remote", "add", "origin", str(origin))
    user.git(root, "fetch", "-q", "origin")
    user.git(root, "branch", "-q", "--set-upstream-to=origin/main")
    return user, root, origin


def _clone(user: User, origin: Path, where: Path) -> Path:
    user.git(origin.parent, "clone", "-q", str(origin), str(where))
    install_hook(where)
    return where


def test_starter_set_approved_by_two_people_in_their_clones_with_the_hook(office: tuple[User, Path, Path],
                                                                          tmp_path: Path) -> None:
    user, root, origin = office
    wang = _clone(user, origin, tmp_path / "wang")
    # Each approver may give the whole set: what they hold no approver role for is left to its approver.
    first = user.qms("approve", *SET, cwd=wang, who="wang-li")
    assert first.code == 0, first.stderr
    assert "Left out: Wang Li holds none of the approver roles of QP-01 (quality-manager)" in first.stdout
    # Nothing is in force yet, and the message says who must do what next.
    assert "Approved QM-01 revision 1 as top-management; it stays in review until QP-01, which it relies on, is " \
           "in force: QP-01 is in review: a holder of quality-manager approves it (`qms approve QP-01`)" in first.stdout
    assert "That approval puts them in force together." in first.stdout
    assert all(_status(wang, rel) == "review" for rel in SET.values())
    trailers = user.git(wang, "log", "-1", "--format=%(trailers:key=Approves,valueonly)").split()
    assert trailers == ["QM-01@1", "QM-02@1", "QM-03@1", "QM-04@1"]
    assert user.qms("check", "--format", "json", cwd=wang).findings == []
    user.git(wang, "push", "-q", "origin", "HEAD:approve-set")  # one pull request, approved by two people

    chen = _clone(user, origin, tmp_path / "chen")
    user.git(chen, "switch", "-q", "approve-set")
    second = user.qms("approve", "QP-01", cwd=chen, who="chen-jing")
    assert second.code == 0, second.stderr
    assert "Approved QP-01 revision 1 as quality-manager, effective" in second.stdout
    for doc_id in MANUALS:
        assert f"Put {doc_id} revision 1 in force with it" in second.stdout
    assert all(_status(chen, rel) == "effective" for rel in SET.values())
    assert user.git(chen, "log", "-1", "--format=%an|%(trailers:key=Approves,valueonly)") == "Chen Jing|QP-01@1"
    user.git(chen, "push", "-q", "origin", "HEAD:approve-set")
    # The pull request's check, on the branch, then its merge into main (a merge commit).
    since = user.qms("check", "--since", "origin/main", "--format", "json", cwd=chen)
    assert (since.code, since.findings) == (0, []), since.stdout
    base = user.git(root, "rev-parse", "HEAD")
    user.git(root, "fetch", "-q", "origin")
    user.git(root, "merge", "-q", "--no-ff", "-m", "Merge the approval of the starter set", "origin/approve-set",
             who="huang-yan")
    for args in (("--history",), ("--since", base)):
        check = user.qms("check", *args, "--format", "json", cwd=root)
        assert (check.code, check.findings) == (0, []), (args, check.stdout)
    # Each manual was approved by top management, in Wang Li's commit, and is credited so.
    history = {row["id"]: row for row in user.qms("history", "--format", "json", cwd=root).json()}
    assert [a["name"] for a in history["QM-01"]["approvals"]] == ["Wang Li"]
    assert [a["name"] for a in history["QP-01"]["approvals"]] == ["Chen Jing"]


def test_the_quality_manager_may_approve_first(office: tuple[User, Path, Path]) -> None:
    """The other order: QP-01 waits for QM-01, which top management's approval then puts in force with it."""
    user, root, _ = office
    install_hook(root)
    first = user.qms("approve", "QP-01", cwd=root, who="chen-jing")
    assert first.code == 0, first.stderr
    assert "it stays in review until QM-01, which it relies on, is in force: QM-01 is in review: a holder of " \
           "top-management approves it (`qms approve QM-01`)" in first.stdout
    assert _status(root, SET["QP-01"]) == "review"
    second = user.qms("approve", *MANUALS, cwd=root, who="wang-li")
    assert second.code == 0, second.stderr
    assert "Put QP-01 revision 1 in force with it" in second.stdout
    assert all(_status(root, rel) == "effective" for rel in SET.values())
    check = user.qms("check", "--history", "--format", "json", cwd=root)
    assert (check.code, check.findings) == (0, []), check.stdout


def test_a_refusing_hook_is_named_with_what_it_said_and_nothing_is_half_done(office: tuple[User, Path, Path]) -> None:
    """A hook that refuses the approval commit: qms says so, shows the findings, and puts the files back."""
    user, root, _ = office
    install_hook(root)
    (root / "procedures/qp-09-stray.md").write_text("---\nid: QP-09\n---\n", encoding="utf-8")  # not committed
    head = user.git(root, "rev-parse", "HEAD")
    before = {rel: (root / rel).read_bytes() for rel in SET.values()}
    run = user.qms("approve", "QP-01", *MANUALS, cwd=root, who="wang-li")
    assert run.code == 2
    assert "git's pre-commit hook refused the approval commit, so nothing was committed" in run.stderr
    assert "procedures/qp-09-stray.md" in run.stderr and "S001" in run.stderr  # the hook's own findings
    assert "Fix what it reports" in run.stderr and "Traceback" not in run.stderr
    assert "grafts" not in run.stderr
    assert user.git(root, "rev-parse", "HEAD") == head
    assert {rel: (root / rel).read_bytes() for rel in SET.values()} == before


def test_a_commit_msg_hook_is_named_too(office: tuple[User, Path, Path]) -> None:
    user, root, _ = office
    hook = root / ".git/hooks/commit-msg"
    hook.write_text("#!/bin/sh\necho 'ticket number missing from the message' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    run = user.qms("approve", *MANUALS, cwd=root, who="wang-li")
    assert run.code == 2
    assert "git's commit-msg hook refused the approval commit" in run.stderr
    assert "ticket number missing from the message" in run.stderr
    assert user.git(root, "status", "--porcelain") == ""


def test_r004_says_who_must_approve(office: tuple[User, Path, Path]) -> None:
    """A document set effective by hand while what it relies on is in review: R004 says who approves what."""
    user, root, _ = office
    path = root / SET["QP-01"]
    path.write_text(path.read_text(encoding="utf-8").replace("status: review", "status: effective\neffective: 2026-01-01"),
                    encoding="utf-8")
    check = user.qms("check", "--format", "json", cwd=root)
    r004 = [f for f in check.findings if f["code"] == "R004"]
    assert r004 and r004[0]["path"] == SET["QP-01"]
    assert "QM-01 is in review: a holder of top-management approves it (`qms approve QM-01`)" in r004[0]["hint"]
