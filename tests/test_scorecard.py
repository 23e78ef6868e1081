"""The monthly accountability roll-up: points charged up the reporting line, an ambiguous line a finding, and no
figure ever reaching the site, the export or the search index."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.qmsrepo import QMS_YML, GitQmsRepo, QmsRepo, find, run_qms

ROLES = """\
roles:
  - id: director
    title: Director
    reports_to: null
  - id: quality-manager
    title: Quality Manager
    reports_to: director
  - id: document-controller
    title: Document Controller
    reports_to: quality-manager
  - id: secretariat-head
    title: Head of the Secretariat
    reports_to: quality-manager
  - id: clerk
    title: Clerk
    reports_to: secretariat-head
  - id: duty-officers
    title: Duty officers
    reports_to: director
  - id: night-clerk
    title: Night clerk
    reports_to: duty-officers
"""

PEOPLE = """\
people:
  - id: wang-li
    name: Wang Li
    emails: [wang.li@office.example]
    roles: [director]
  - id: chen-jing
    name: Chen Jing
    emails: [chen.jing@office.example]
    roles: [quality-manager, document-controller]
  - id: li-na
    name: Li Na
    emails: [li.na@office.example]
    roles: [document-controller]
  - id: zhou-min
    name: Zhou Min
    emails: [zhou.min@office.example]
    roles: [secretariat-head]
  - id: sun-yu
    name: Sun Yu
    emails: [sun.yu@office.example]
    roles: [clerk]
  - id: he-ping
    name: He Ping
    emails: [he.ping@office.example]
    roles: [duty-officers]
  - id: ma-lan
    name: Ma Lan
    emails: [ma.lan@office.example]
    roles: [duty-officers]
  - id: qian-bo
    name: Qian Bo
    emails: [qian.bo@office.example]
    roles: [night-clerk]
"""


def nc(rid: str, day: str, who: str, points: float, extra: str = "") -> str:
    return (f"---\nid: {rid}\ntitle: Error {rid}\ntype: record\nkind: nonconformity\nprocedure: QP-01\n"
            f"date: {day}\nowner: quality-manager\nstatus: closed\nretention: 3y\nseverity: minor\n"
            f"responsible: {who}\npoints: {points}\n{extra}---\n\n# Error\n")


def office(repo: QmsRepo) -> QmsRepo:
    repo.write("manual/roles.yml", ROLES)
    repo.write("manual/people.yml", PEOPLE)
    # Sun Yu (clerk) -> Zhou Min (secretariat head) -> Chen Jing (quality manager) -> Wang Li (director)
    repo.write("records/2026/rec-2026-101.md", nc("REC-2026-101", "2026-11-05", "sun-yu", 1))
    repo.write("records/2026/rec-2026-102.md", nc("REC-2026-102", "2026-11-20", "zhou-min", 2))
    repo.write("records/2026/rec-2026-103.md", nc("REC-2026-103", "2026-10-30", "sun-yu", 4))  # October
    return repo


def card(repo: QmsRepo, *args: str) -> dict:
    run = repo.qms("scorecard", *args, "--format", "json")
    assert run.code == 0, run.stdout + run.stderr
    return run.json()


def test_points_roll_up_the_line_halving_at_each_level(repo: QmsRepo) -> None:
    got = card(office(repo), "--month", "2026-11")
    assert got["classification"] == "restricted"
    people = {row["person"]: row["points"] for row in got["people"]}
    # 101: sun 1, zhou 0.5, chen 0.25, wang 0.125; 102: zhou 2, chen 1, wang 0.5
    assert people == {"sun-yu": 1.0, "zhou-min": 2.5, "chen-jing": 1.25, "wang-li": 0.625}
    assert {row["section"]: row["points"] for row in got["sections"]} == {"secretariat-head": 2.0, "clerk": 1.0}


def test_a_year_and_a_half_year_add_the_months(repo: QmsRepo) -> None:
    office(repo)
    people = {row["person"]: row["points"] for row in card(repo, "--year", "2026")["people"]}
    assert people["sun-yu"] == 5.0 and people["zhou-min"] == 4.5  # October's 4 points: 4 and 2
    assert {row["person"] for row in card(repo, "--half", "2026H1")["people"]} == set()


def test_qms_yml_sets_the_weights(repo: QmsRepo) -> None:
    office(repo)
    repo.write("qms.yml", QMS_YML + "scorecard:\n  weights: [1, 0.6]\n")
    people = {row["person"]: row["points"] for row in card(repo, "--month", "2026-11")["people"]}
    assert people == {"sun-yu": 1.0, "zhou-min": 2.6, "chen-jing": 1.2}


def test_a_superior_role_held_by_two_people_is_a_finding_not_a_guess(repo: QmsRepo) -> None:
    office(repo)
    repo.write("records/2026/rec-2026-104.md", nc("REC-2026-104", "2026-11-11", "qian-bo", 1))
    run = repo.qms("scorecard", "--month", "2026-11", "--format", "json")
    assert run.code == 1
    assert "M007" in run.stderr and "duty-officers is held by 2 people (he-ping, ma-lan)" in run.stderr
    people = {row["person"]: row["points"] for row in run.json()["people"]}
    assert people["qian-bo"] == 1.0 and "he-ping" not in people and "ma-lan" not in people
    (finding,) = find(repo.check(), "M007")
    assert finding["path"] == "records/2026/rec-2026-104.md" and finding["line"] == 12


def test_two_lines_are_a_finding(repo: QmsRepo) -> None:
    office(repo)
    repo.edit("manual/people.yml", "roles: [clerk]", "roles: [clerk, night-clerk]")
    run = repo.qms("scorecard", "--month", "2026-11")
    assert run.code == 1 and "report to 2 roles" in run.stderr


def test_an_unknown_person_is_m006(repo: QmsRepo) -> None:
    office(repo)
    repo.write("records/2026/rec-2026-105.md", nc("REC-2026-105", "2026-11-12", "zhang-san", 1))
    run = repo.qms("scorecard", "--month", "2026-11")
    assert run.code == 1 and "M006" in run.stderr and "'zhang-san', who is not in the roster" in run.stderr
    assert find(repo.check(), "M006")


def test_the_text_is_marked_restricted_and_bad_options_are_usage_errors(repo: QmsRepo) -> None:
    office(repo)
    run = repo.qms("scorecard", "--month", "2026-11")
    assert run.stdout.startswith("RESTRICTED: personal performance data")
    assert repo.qms("scorecard").code == 2
    assert repo.qms("scorecard", "--month", "2026").code == 2
    assert repo.qms("scorecard", "--month", "2026-11", "--year", "2026").code == 2


@pytest.mark.slow
def test_no_scorecard_figure_reaches_the_site_the_export_or_the_search_index(tmp_path: Path) -> None:
    repo = GitQmsRepo(tmp_path / "qms")
    repo.write("records/2026/rec-2026-101.md", nc("REC-2026-101", "2026-11-05", "li-na", 0.37))
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n")
    repo.commit("An error record", who="li-na")
    charged = card(repo, "--month", "2026-11")["people"]
    assert {row["points"] for row in charged} == {0.37, 0.185, 0.0925}  # li-na, chen-jing, wang-li
    site, export = tmp_path / "site", tmp_path / "export"
    assert run_qms("build", "--site-dir", str(site), cwd=repo.root).code == 0
    assert run_qms("export", str(export), cwd=repo.root).code == 0
    files = [p for folder in (site, export) for p in folder.rglob("*") if p.is_file()]
    assert (site / "search" / "search_index.json") in files
    assert any(p.name.startswith("rec-2026-101") or "rec-2026-101" in p.as_posix() for p in files)
    leaks = [p.as_posix() for p in files for figure in (b"0.37", b"0.185", b"0.0925", b"RESTRICTED: personal")
             if figure in p.read_bytes()]
    assert leaks == []
