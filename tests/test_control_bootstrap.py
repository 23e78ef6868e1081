"""A QMS of one person takes on a second: the roster and the settings changed together, approved together.

`qms init` makes its user the only holder of every role. They cannot approve their own change to the
rules of approval, so the colleague their change names as top management approves it. That approval covers
every change to the rules the same person proposed, in one commit or several, so the roster and `qms.yml`
need not travel in separate pull requests. Nobody approves a change they wrote themselves, and a newcomer
who writes their own way into the roster is refused, whether the roster and the settings change together
or apart.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from qmsrepo import QmsRepo, find
from scaffolding import User

WANG_LI = "  - id: wang-li\n    name: Wang Li\n    emails: [wang.li@office.example]\n    roles: [top-management]\n"


@pytest.fixture
def office(tmp_path: Path) -> tuple[User, Path]:
    """`qms init` by Huang Yan, the one person of the QMS, who holds every role."""
    user = User(tmp_path / "home")
    run = user.qms("init", "office", "--blank", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    return user, tmp_path / "office"


def _add_wang_li(root: Path) -> None:
    people = root / "manual/people.yml"
    people.write_text(people.read_text(encoding="utf-8") + WANG_LI, encoding="utf-8")


def _ignore_h016(root: Path) -> None:
    """A change to the settings that judge approvals (`ignore`)."""
    settings = root / "qms.yml"
    text = settings.read_text(encoding="utf-8")
    assert "ignore: []" in text
    settings.write_text(text.replace("ignore: []", "ignore: [H016]"), encoding="utf-8")


def _h013(user: User, root: Path) -> list[str]:
    check = user.qms("check", "--history", "--format", "json", cwd=root)
    return sorted(f["path"] for f in check.findings if f["code"] == "H013")


def _forge_approval(user: User, root: Path, who: str, *paths: str) -> None:
    """The approval commit `qms approve` would write, made with git alone: history judges it by itself."""
    trailers = "\n".join(f"Approves: {p}@{user.git(root, 'rev-parse', f'HEAD:{p}')[:12]}" for p in paths)
    user.git(root, "commit", "-q", "--allow-empty", "-m", f"Approve the change\n\n{trailers}", who=who)


def test_newcomer_approves_the_roster_and_settings_changed_in_one_commit(office: tuple[User, Path]) -> None:
    user, root = office
    base = user.git(root, "rev-parse", "HEAD")
    _add_wang_li(root)
    _ignore_h016(root)
    user.commit(root, "Add Wang Li as top management; leave out H016", who="huang-yan")
    approve = user.qms("approve", "manual/people.yml", "qms.yml", cwd=root, who="wang-li")
    assert approve.code == 0, approve.stderr
    assert "Wang Li" in approve.stdout and "top-management" in approve.stdout
    check = user.qms("check", "--history", "--format", "json", cwd=root)
    assert (check.code, check.findings) == (0, [])
    # The pull request's check agrees with the audit of history.
    pull_request = user.qms("check", "--since", base, "--format", "json", cwd=root)
    assert (pull_request.code, pull_request.findings) == (0, [])


def test_newcomer_approves_the_roster_and_settings_changed_in_two_commits_at_once(office: tuple[User, Path]) -> None:
    user, root = office
    _ignore_h016(root)
    user.commit(root, "Leave out H016", who="huang-yan")
    _add_wang_li(root)
    user.commit(root, "Add Wang Li as top management", who="huang-yan")
    approve = user.qms("approve", "qms.yml", "manual/people.yml", cwd=root, who="wang-li")
    assert approve.code == 0, approve.stderr
    assert _h013(user, root) == []


def test_the_one_holder_approves_both_when_someone_else_wrote_them(office: tuple[User, Path]) -> None:
    """A colleague outside the roster prepares the change; the one holder of top management approves it."""
    user, root = office
    _add_wang_li(root)
    _ignore_h016(root)
    user.commit(root, "Add Wang Li as top management; leave out H016", who="wang-li")
    approve = user.qms("approve", "manual/people.yml", "qms.yml", cwd=root, who="huang-yan")
    assert approve.code == 0, approve.stderr
    assert _h013(user, root) == []


def test_the_author_still_cannot_approve_their_own_change(office: tuple[User, Path]) -> None:
    user, root = office
    _add_wang_li(root)
    _ignore_h016(root)
    user.commit(root, "Add Wang Li as top management; leave out H016", who="huang-yan")
    approve = user.qms("approve", "manual/people.yml", "qms.yml", cwd=root, who="huang-yan")
    assert approve.code != 0 and "segregation of duties" in approve.stderr
    _forge_approval(user, root, "huang-yan", "manual/people.yml", "qms.yml")
    assert _h013(user, root) == ["manual/people.yml", "qms.yml"]


def test_a_newcomer_cannot_add_themselves_and_change_the_settings(office: tuple[User, Path]) -> None:
    """The attack: Wang Li writes themselves into the roster as top management, with new settings, and approves."""
    user, root = office
    base = user.git(root, "rev-parse", "HEAD")
    _add_wang_li(root)
    _ignore_h016(root)
    user.commit(root, "Add myself as top management; leave out H016", who="wang-li")
    for paths in (("manual/people.yml", "qms.yml"), ("manual/people.yml",), ("qms.yml",)):
        approve = user.qms("approve", *paths, cwd=root, who="wang-li")
        assert approve.code != 0, paths
        assert "not the email of anyone in the people roster in force" in approve.stderr, approve.stderr
    _forge_approval(user, root, "wang-li", "manual/people.yml", "qms.yml")
    _forge_approval(user, root, "wang-li", "manual/people.yml")
    _forge_approval(user, root, "wang-li", "qms.yml")
    assert _h013(user, root) == ["manual/people.yml", "qms.yml"]
    pull_request = user.qms("check", "--since", base, "--format", "json", cwd=root)
    assert pull_request.code == 1
    assert sorted(f["path"] for f in pull_request.findings if f["code"] == "H013") == ["manual/people.yml", "qms.yml"]


def test_a_newcomer_cannot_carry_their_own_settings_in_on_the_one_holders_roster_change(
        office: tuple[User, Path]) -> None:
    """Huang Yan names Wang Li; Wang Li adds a settings change of their own and approves both at once: the
    roster change counts, and the settings change, which Wang Li wrote, does not."""
    user, root = office
    _add_wang_li(root)
    user.commit(root, "Add Wang Li as top management", who="huang-yan")
    _ignore_h016(root)
    user.commit(root, "Leave out H016", who="wang-li")
    approve = user.qms("approve", "manual/people.yml", "qms.yml", cwd=root, who="wang-li")
    assert approve.code != 0 and "qms.yml" in approve.stderr
    _forge_approval(user, root, "wang-li", "manual/people.yml", "qms.yml")
    assert _h013(user, root) == ["qms.yml"]


def test_with_no_holder_of_a_control_role_two_strangers_cannot_name_and_approve_each_other(
        office: tuple[User, Path]) -> None:
    """The way in is only for the one person who held a control role: where nobody holds one (here the control
    role is one nobody was given), a stranger's roster change naming another stranger does not count."""
    user, root = office
    settings = root / "qms.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "approvals: {control: [auditor]}\n", encoding="utf-8")
    user.git(root, "commit", "-q", "-a", "--amend", "--no-edit")  # as adopted: in force from the first commit
    people = root / "manual/people.yml"
    people.write_text(people.read_text(encoding="utf-8")
                      + WANG_LI.replace("[top-management]", "[auditor]"), encoding="utf-8")
    user.commit(root, "Add Wang Li as auditor", who="chen-jing")
    _forge_approval(user, root, "wang-li", "manual/people.yml")
    assert _h013(user, root) == ["manual/people.yml"]


def test_the_control_roles_setting_is_read_and_each_role_must_exist(repo: QmsRepo) -> None:
    """`approvals: {control: [...]}` is a setting of qms.yml (the schema takes it); a role it names that the
    registry lacks would leave nobody to approve a change to the rules, so it is P001 at its line."""
    repo.write("qms.yml", repo.read("qms.yml") + "approvals:\n  control: [director, auditr]\n")
    run = repo.check()
    assert run.code == 1 and find(run, "S001") == []
    (unknown,) = find(run, "P001")
    assert (unknown["path"], unknown["line"]) == ("qms.yml", len(repo.read("qms.yml").splitlines()))
    assert unknown["message"].startswith('approvals: control: "auditr" is not a role in manual/roles.yml')
    repo.write("qms.yml", repo.read("qms.yml").replace("auditr", "quality-manager"))
    assert repo.check().findings == []
