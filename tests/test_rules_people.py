"""Roles and people rules P001-P006: the roles registry and the people roster describe one organisation."""

from __future__ import annotations

import pytest
from qmsrepo import QmsRepo, assert_clean, failing, only

PROC = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"
ROLES = "manual/roles.yml"
PEOPLE = "manual/people.yml"

TRAINING = """\
---
id: REC-2026-002
title: Training on document control
type: record
kind: {kind}
procedure: QP-01
date: 2026-03-15
owner: quality-manager
status: closed
retention: 3y
attendees:
  - chen-jing
  - {person}
---
"""

AUDITOR_ROLE = "  - id: internal-auditor\n    title: Internal Auditor\n    reports_to: quality-manager\n"


# --- P001 unknown-role


@pytest.mark.parametrize(
    ("rel", "old", "new", "line", "phrase"),
    [
        (PROC, "owner: document-controller", "owner: doc-controller", 7,
         'owner "doc-controller" is not a role in manual/roles.yml: did you mean "document-controller"?'),
        (PROC, "approvers: [quality-manager]", "approvers:\n  - quality-manager\n  - management-rep", 10,
         'approvers "management-rep" is not a role in manual/roles.yml'),
        (PROC, "references: [QM-01]", "references: [QM-01]\ndistribution: [director, all-staff]", 12,
         'distribution "all-staff" is not a role in manual/roles.yml'),
        (REC, "owner: quality-manager", "owner: quality-mgr", 8,
         'owner "quality-mgr" is not a role in manual/roles.yml: did you mean "quality-manager"?'),
        (ROLES, "reports_to: quality-manager", "reports_to: head-of-office", 10,
         'role document-controller reports_to "head-of-office" is not a role in manual/roles.yml'),
    ],
    ids=["owner", "approvers", "distribution", "record-owner", "reports_to"],
)
def test_unknown_role_is_named(repo: QmsRepo, rel, old, new, line, phrase) -> None:
    """A role id is misspelt or was never added to the registry."""
    repo.edit(rel, old, new)
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"P001"}
    hit = only(run, "P001")
    assert (hit["path"], hit["line"]) == (rel, line)
    assert phrase in hit["message"]


def test_roles_from_the_registry_pass(repo: QmsRepo) -> None:
    """Owner, approvers and distribution all naming registered roles."""
    repo.edit(PROC, "approvers: [quality-manager]", "approvers: [quality-manager, director]")
    repo.edit(PROC, "references: [QM-01]", "references: [QM-01]\ndistribution: [document-controller]")
    assert_clean(repo)


# --- P002 role-unfilled


def test_role_held_by_nobody(repo: QmsRepo) -> None:
    """The internal auditor role was added to the registry, but nobody was given it."""
    repo.write(ROLES, repo.read(ROLES) + AUDITOR_ROLE)
    run = repo.check()
    assert run.code == 1
    hit = only(run, "P002")
    assert (hit["path"], hit["line"]) == (ROLES, 11)
    assert "nobody in manual/people.yml holds the role internal-auditor" in hit["message"]


def test_new_role_given_to_someone_passes(repo: QmsRepo) -> None:
    """The same new role, held by Chen Jing."""
    repo.write(ROLES, repo.read(ROLES) + AUDITOR_ROLE)
    repo.edit(PEOPLE, "roles: [quality-manager, document-controller]",
              "roles: [quality-manager, document-controller, internal-auditor]")
    assert_clean(repo)


# --- P003 person-unknown-role


def test_person_holds_unknown_role(repo: QmsRepo) -> None:
    """The roster gives Chen Jing a role id that the registry does not have."""
    repo.edit(PEOPLE, "roles: [quality-manager, document-controller]",
              "roles:\n      - quality-manager\n      - document-controller\n      - quality-officer")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"P003"}
    hit = only(run, "P003")
    assert (hit["path"], hit["line"]) == (PEOPLE, 12)
    assert 'chen-jing holds "quality-officer", which is not a role in manual/roles.yml' in hit["message"]


def test_person_roles_written_as_block_list_pass(repo: QmsRepo) -> None:
    """The same roster with only registered roles, one per line."""
    repo.edit(PEOPLE, "roles: [quality-manager, document-controller]",
              "roles:\n      - quality-manager\n      - document-controller")
    assert_clean(repo)


# --- P004 reporting-cycle


@pytest.mark.parametrize(
    ("boss", "loop"),
    [
        ("quality-manager", "director -> quality-manager -> director"),
        ("document-controller", "director -> document-controller -> quality-manager -> director"),
        ("director", "director -> director"),
    ],
)
def test_reporting_line_goes_round(repo: QmsRepo, boss: str, loop: str) -> None:
    """The top role was made to report to someone below it (or to itself): nobody is at the top."""
    repo.edit(ROLES, "reports_to: null", f"reports_to: {boss}")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"P004"}
    hit = only(run, "P004")
    assert (hit["path"], hit["line"]) == (ROLES, 4)
    assert f"reports_to goes round in a circle: {loop}" in hit["message"]


def test_flat_reporting_tree_passes(repo: QmsRepo) -> None:
    """Two roles reporting straight to the top role is a tree, not a circle."""
    repo.edit(ROLES, "reports_to: quality-manager", "reports_to: director")
    assert_clean(repo)


# --- P005 duplicate-person-or-role


def test_role_defined_twice(repo: QmsRepo) -> None:
    """The registry defines the director role twice."""
    repo.write(ROLES, repo.read(ROLES) + "  - id: director\n    title: Director again\n    reports_to: null\n")
    run = repo.check()
    assert run.code == 1
    hit = only(run, "P005")
    assert (hit["path"], hit["line"]) == (ROLES, 11)
    assert "the role id director is defined more than once" in hit["message"]


def test_person_id_used_twice(repo: QmsRepo) -> None:
    """Two people in the roster were given the same person id."""
    repo.write(PEOPLE, repo.read(PEOPLE)
               + "  - id: wang-li\n    name: Wang Li (2)\n    emails: [wl2@office.example]\n    roles: [director]\n")
    appended_at = len(repo.read(PEOPLE).splitlines()) - 3
    hit = failing(repo, "P005")
    assert (hit["path"], hit["line"]) == (PEOPLE, appended_at)
    assert "the person id wang-li is used more than once" in hit["message"]


def test_two_people_share_an_email(repo: QmsRepo) -> None:
    """A new person commits with Chen Jing's address (written in other capitals): authorship is ambiguous."""
    repo.write(PEOPLE, repo.read(PEOPLE)
               + "  - id: zhao-min\n    name: Zhao Min\n    emails: [Chen.Jing@office.example]\n    roles: [director]\n")
    appended_at = len(repo.read(PEOPLE).splitlines()) - 3
    hit = failing(repo, "P005")
    assert (hit["path"], hit["line"]) == (PEOPLE, appended_at)
    assert "the email Chen.Jing@office.example belongs to both chen-jing and zhao-min" in hit["message"]


def test_distinct_people_and_emails_pass(repo: QmsRepo) -> None:
    """A new person with their own id and their own address."""
    repo.write(PEOPLE, repo.read(PEOPLE)
               + "  - id: zhao-min\n    name: Zhao Min\n    emails: [zhao.min@office.example]\n    roles: [director]\n")
    assert_clean(repo)


# --- P006 unknown-person


def test_auditor_not_in_roster(repo: QmsRepo) -> None:
    """An audit record names an auditor who is not in the people roster."""
    repo.edit(REC, "auditors: [wang-li]", "auditors: [wang-li, li-ming]")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"P006"}
    hit = only(run, "P006")
    assert (hit["path"], hit["line"]) == (REC, 11)
    assert 'auditors: "li-ming" is not a person in manual/people.yml' in hit["message"]


@pytest.mark.parametrize("kind", ["training", "management-review"])
def test_attendee_not_in_roster(repo: QmsRepo, kind: str) -> None:
    """A training or management-review record lists an attendee by a misspelt person id."""
    rel = "records/2026/rec-2026-002.md"
    repo.write(rel, TRAINING.format(kind=kind, person="wang-lee"))
    hit = failing(repo, "P006")
    assert (hit["path"], hit["line"]) == (rel, 13)
    assert 'attendees: "wang-lee" is not a person in manual/people.yml: did you mean "wang-li"?' in hit["message"]


@pytest.mark.parametrize("kind", ["training", "management-review"])
def test_attendees_from_roster_pass(repo: QmsRepo, kind: str) -> None:
    """Every attendee is a person id from the roster."""
    repo.write("records/2026/rec-2026-002.md", TRAINING.format(kind=kind, person="wang-li"))
    assert_clean(repo)
