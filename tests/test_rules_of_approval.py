"""The rules that judge approvals are themselves controlled: each attack below ended in "No problems found".

One pull request, or the approval commit itself, changed the roster or qms.yml
and was then judged by its own new rules. Now an approval counts only against
the roster and settings in force before it, and a change to them is in force
only once a holder of a control role (the director here) approved it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, find, run_qms
from test_change_control import bump, hand_approval
from test_signatures import ssh_key

QP = "procedures/qp-01-document-control.md"
PEOPLE = "manual/people.yml"


def grant_li_na_the_quality_manager_role(repo: GitQmsRepo) -> None:
    repo.edit(PEOPLE, "    roles: [document-controller]\n", "    roles: [document-controller, quality-manager]\n")


def test_granting_yourself_the_approver_role_in_the_same_pull_request(git_repo: GitQmsRepo) -> None:
    bump(git_repo, who="chen-jing")
    grant_li_na_the_quality_manager_role(git_repo)
    git_repo.commit("Li Na becomes quality manager", who="li-na")
    hand_approval(git_repo, "li-na", "QP-01@3")
    run = git_repo.check("--history")
    assert [f["path"] for f in find(run, "H013")] == [PEOPLE]
    assert "director" in find(run, "H013")[0]["message"]
    assert len(find(run, "H006")) == 1
    (refused,) = find(run, "H010")
    assert "holds none of the approver roles" in refused["message"]


def test_adding_your_address_to_the_approvers_entry(git_repo: GitQmsRepo) -> None:
    bump(git_repo, who="li-na")
    git_repo.edit(PEOPLE, "    emails: [chen.jing@office.example]\n",
                  "    emails: [chen.jing@office.example, qm@attacker.example]\n")
    git_repo.commit("Add an address", who="li-na")
    git_repo.edit(QP, "status: review", "status: effective")
    git_repo.git("add", "-A")
    env = {**git_repo.identity("li-na"), "GIT_AUTHOR_NAME": "Chen Jing", "GIT_AUTHOR_EMAIL": "qm@attacker.example"}
    git_repo.git("commit", "-q", "-m", "Approve\n\nApproves: QP-01@3", env=env)
    run = git_repo.check("--history")
    assert len(find(run, "H013")) == 1 and len(find(run, "H006")) == 1
    assert "qm@attacker.example is not the email of anyone in the people roster" in find(run, "H010")[0]["message"]


def test_an_old_refused_approval_stays_refused_when_the_role_is_granted_later(git_repo: GitQmsRepo) -> None:
    bump(git_repo, who="chen-jing")
    hand_approval(git_repo, "li-na", "QP-01@3")
    grant_li_na_the_quality_manager_role(git_repo)
    git_repo.commit_rules("Li Na becomes quality manager")  # properly approved, but after her approval
    run = git_repo.check("--history")
    assert not find(run, "H013")
    assert len(find(run, "H006")) == 1 and len(find(run, "H010")) == 1


@pytest.mark.parametrize("setting", ["ignore: [H]\n", "baseline: HEAD\n"])
def test_settings_that_switch_change_control_off_are_not_in_force_unapproved(git_repo: GitQmsRepo,
                                                                            setting: str) -> None:
    bump(git_repo, who="li-na")
    hand_approval(git_repo, "li-na", "QP-01@3")  # her own revision: H006
    text = git_repo.read("qms.yml").replace("baseline: qms-baseline\n", "")
    git_repo.write("qms.yml", text + setting if "baseline" in setting else text + "baseline: qms-baseline\n" + setting)
    git_repo.commit("Tidy the settings", who="li-na")
    for args in (("--history",), ("--since", "qms-baseline")):
        run = git_repo.check(*args)
        assert [f["path"] for f in find(run, "H013")] == ["qms.yml"], (args, run.findings)
        assert len(find(run, "H006")) == 1, args


def test_a_date_baseline_cannot_be_moved_by_a_back_dated_commit(tmp_path: Path) -> None:
    repo = GitQmsRepo(tmp_path / "dated")
    repo.edit("qms.yml", "baseline: qms-baseline\n", "baseline: 2026-01-01\n")
    repo.commit_rules("Baseline by date")
    bump(repo, who="li-na")
    hand_approval(repo, "li-na", "QP-01@3")
    # One more commit, back-dated to before adoption: it used to pull everything before it under the baseline.
    env = {**repo.identity("li-na"), "GIT_COMMITTER_DATE": "2025-12-30T10:00:00+00:00"}
    repo.git("commit", "-q", "--allow-empty", "-m", "Back-dated", env=env)
    run = repo.check("--history")
    assert len(find(run, "H006")) == 1, run.findings
    (pin,) = find(run, "H015")
    assert "git tag qms-baseline" in (pin["hint"] or "")


def test_qms_init_example_pins_its_baseline_with_a_tag(tmp_path: Path) -> None:
    env = {"GIT_AUTHOR_NAME": "Li Na", "GIT_AUTHOR_EMAIL": "li.na@office.example",
           "GIT_COMMITTER_NAME": "Li Na", "GIT_COMMITTER_EMAIL": "li.na@office.example"}
    run = run_qms("init", "office", "--example", cwd=tmp_path, env=env)
    assert run.code == 0, run.stderr
    root = tmp_path / "office"
    assert "baseline: qms-baseline" in (root / "qms.yml").read_text(encoding="utf-8")
    tagged = subprocess.run(["git", "rev-parse", "qms-baseline", "HEAD"], cwd=root, capture_output=True, text=True)
    first, head = tagged.stdout.split()
    assert first == head


def test_unsigned_approval_when_the_signature_requirement_was_deleted_unapproved(git_repo: GitQmsRepo,
                                                                                  tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    _, public = ssh_key(keys, "chen-jing")
    git_repo.edit(PEOPLE, "    roles: [quality-manager, document-controller]\n",
                  f"    roles: [quality-manager, document-controller]\n    signing_keys:\n      - {public}\n")
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "approvals:\n  require_signature: true\n")
    git_repo.commit_rules("Require signatures")
    bump(git_repo, who="li-na")
    git_repo.write("qms.yml", git_repo.read("qms.yml").replace("approvals:\n  require_signature: true\n", ""))
    git_repo.commit("Signatures are a nuisance", who="li-na")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    run = git_repo.check("--history")
    assert len(find(run, "H013")) == 1 and len(find(run, "H006")) == 1
    assert "not signed, and qms.yml requires signed approvals" in find(run, "H010")[0]["message"]


def test_an_attackers_key_registered_for_the_approver_gives_no_verified_signature(git_repo: GitQmsRepo,
                                                                                  tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    _, chen_public = ssh_key(keys, "chen-jing")
    attacker, attacker_public = ssh_key(keys, "attacker")
    git_repo.edit(PEOPLE, "    roles: [quality-manager, document-controller]\n",
                  f"    roles: [quality-manager, document-controller]\n    signing_keys:\n      - {chen_public}\n")
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "approvals:\n  require_signature: true\n")
    git_repo.commit_rules("Require signatures")
    bump(git_repo, who="li-na")
    git_repo.edit(PEOPLE, f"      - {chen_public}\n", f"      - {chen_public}\n      - {attacker_public}\n")
    git_repo.commit("Register a key", who="li-na")
    git_repo.git("config", "gpg.format", "ssh")
    git_repo.git("config", "user.signingkey", str(attacker))
    git_repo.edit(QP, "status: review", "status: effective")
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "-S", "-m", "Approve\n\nApproves: QP-01@3", env=git_repo.identity("chen-jing"))
    run = git_repo.check("--history")
    assert len(find(run, "H013")) == 1 and len(find(run, "H006")) == 1
    assert git_repo.history("QP-01")[-1]["approvals"][0]["signature"] == "unverified"


def test_self_approval_through_an_address_the_roster_does_not_know(git_repo: GitQmsRepo) -> None:
    """Chen Jing writes the revision under a private address, then approves it under her roster address."""
    env = {**git_repo.identity("chen-jing"), "GIT_AUTHOR_EMAIL": "chen@home.example"}
    text = git_repo.read(QP).replace("revision: 2", "revision: 3").replace("status: effective", "status: review")
    git_repo.write(QP, text.replace("change: Adds electronic approval.", "change: Adds an index.") + "\nIndex.\n")
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "-m", "Revise", env=env)
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    run = git_repo.check("--history")
    (unknown,) = find(run, "H014")
    assert "chen@home.example" in unknown["message"] and unknown["severity"] == "error"


def test_the_author_cannot_pick_a_friendlier_approver(git_repo: GitQmsRepo) -> None:
    """Li Na's revision swaps QP-01's approver, the quality manager, for her own role."""
    text = git_repo.read(QP).replace("revision: 2", "revision: 3").replace("status: effective", "status: review")
    text = text.replace("approvers: [quality-manager]", "approvers: [director]")
    git_repo.write(QP, text.replace("change: Adds electronic approval.", "change: Simpler.") + "\nSimpler.\n")
    git_repo.commit("Revise", who="li-na")
    approved = git_repo.qms_as("wang-li", "approve", "QP-01")
    assert approved.code == 0, approved.stderr
    assert "stays in review until quality-manager approves" in approved.stdout
    git_repo.edit(QP, "status: review", "status: effective")  # forced through by hand
    git_repo.commit("Make it effective", who="li-na")
    run = git_repo.check("--history")
    (missing,) = find(run, "H006")
    assert "quality-manager" in missing["message"]


def test_a_properly_approved_change_to_the_roster_is_clean(git_repo: GitQmsRepo) -> None:
    grant_li_na_the_quality_manager_role(git_repo)
    git_repo.commit_rules("Li Na becomes quality manager")
    bump(git_repo, who="chen-jing")
    hand_approval(git_repo, "li-na", "QP-01@3")
    run = git_repo.check("--history")
    assert (run.code, run.findings) == (0, [])


def test_the_author_of_a_roster_change_cannot_approve_it(git_repo: GitQmsRepo) -> None:
    grant_li_na_the_quality_manager_role(git_repo)
    git_repo.commit("Li Na becomes quality manager", who="wang-li")
    run = git_repo.qms_as("wang-li", "approve", PEOPLE)
    assert run.code == 2 and "segregation of duties" in run.stderr

