"""`qms due`: what each person owes on a day, in four formats, iCalendar included; `qms dispose` and the
disposal H008 accepts. Real repositories with several people, dates set through --as-of and commit dates."""

from __future__ import annotations

import json
import textwrap

import pytest
from qmsrepo import GitQmsRepo, find

CA = "records/2026/rec-2026-003-ca.md"
BASE_AUDIT = "records/2026/rec-2026-001-audit.md"
QP = "procedures/qp-01-document-control.md"


def action(due: str = "2026-06-30", owner: str = "document-controller") -> str:
    return textwrap.dedent(f"""\
        ---
        id: REC-2026-003
        title: Corrective action, late distribution
        type: record
        kind: corrective-action
        procedure: QP-01
        date: 2026-03-20
        owner: {owner}
        status: open
        retention: 3y
        due: {due}
        ---

        # Corrective action
        """)


def due(repo: GitQmsRepo, *args: str) -> list[dict]:
    run = repo.qms("due", "--format", "json", *args)
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)["duties"]


@pytest.fixture
def with_action(git_repo: GitQmsRepo) -> GitQmsRepo:
    git_repo.write(CA, action())
    git_repo.commit("Raise a corrective action", who="chen-jing", day="2026-03-20")
    return git_repo


def test_an_action_is_owed_by_every_holder_of_its_owner_role(with_action: GitQmsRepo) -> None:
    duties = due(with_action, "--as-of", "2026-06-15")
    rows = [(d["kind"], d["document"], d["person"], d["role"], d["due"], d["overdue"]) for d in duties]
    assert rows == [("action", "REC-2026-003", "chen-jing", "document-controller", "2026-06-30", False),
                    ("action", "REC-2026-003", "li-na", "document-controller", "2026-06-30", False)]
    assert duties[1]["name"] == "Li Na" and duties[1]["title"] == "Corrective action, late distribution"


def test_person_and_within_narrow_the_list_and_overdue_is_always_shown(with_action: GitQmsRepo) -> None:
    assert due(with_action, "--as-of", "2026-05-01") == [], "due in 60 days: outside the default 30"
    assert len(due(with_action, "--as-of", "2026-05-01", "--within", "3m")) == 2
    (late,) = due(with_action, "--as-of", "2026-09-01", "--person", "li-na", "--within", "1d")
    assert late["overdue"] is True and late["person"] == "li-na"
    assert due(with_action, "--as-of", "2026-09-01", "--person", "wang-li") == []


def test_bad_person_or_period_cannot_run(with_action: GitQmsRepo) -> None:
    run = with_action.qms("due", "--person", "nobody")
    assert run.code == 2 and "--person nobody: not the id of anyone" in run.stderr
    run = with_action.qms("due", "--within", "a month")
    assert run.code == 2 and "is not a period" in run.stderr and "Traceback" not in run.stderr


def test_approval_waits_for_approver_role_holders_but_not_the_author(git_repo: GitQmsRepo) -> None:
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    git_repo.edit(QP, "change: Adds electronic approval.", "change: Adds remote signing.")
    git_repo.commit("QP-01 revision 3 for review", who="chen-jing", day="2026-04-02")
    assert due(git_repo, "--as-of", "2026-04-10") == [], "the only quality-manager wrote it"
    git_repo.edit("manual/people.yml", "roles: [director]", "roles: [director, quality-manager]")
    git_repo.commit("Wang Li also quality manager", who="li-na", day="2026-04-03")
    (waiting,) = due(git_repo, "--as-of", "2026-04-10")
    assert (waiting["kind"], waiting["person"], waiting["role"], waiting["due"]) == (
        "approve", "wang-li", "quality-manager", "2026-04-02")
    run = git_repo.qms_as("wang-li", "approve", "QP-01", day="2026-04-12")
    assert run.code == 0, run.stderr
    assert due(git_repo, "--as-of", "2026-04-12") == []


def test_reviewers_review_before_approvers_are_asked(git_repo: GitQmsRepo) -> None:
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review\nreviewers: [director]")
    git_repo.edit(QP, "change: Adds electronic approval.", "change: Adds remote signing.")
    git_repo.commit("QP-01 revision 3 for review", who="li-na", day="2026-04-02")
    (review,) = due(git_repo, "--as-of", "2026-04-10")
    assert (review["kind"], review["person"]) == ("review", "wang-li")
    assert git_repo.qms_as("wang-li", "review", "QP-01", day="2026-04-11").code == 0
    (approval,) = due(git_repo, "--as-of", "2026-04-12")
    assert (approval["kind"], approval["person"]) == ("approve", "chen-jing")


def test_audits_and_disposals_are_owed_too(git_repo: GitQmsRepo) -> None:
    duties = due(git_repo, "--as-of", "2027-02-15")
    assert [(d["kind"], d["document"], d["person"], d["overdue"]) for d in duties if d["kind"] == "audit"] == [
        ("audit", "QP-01", "chen-jing", True)], "the audit records' owner (quality-manager) audits"
    # Periodic reviews past their day join the list, owed by the holders of each document's owner role.
    assert [(d["kind"], d["document"], d["person"]) for d in duties if d["kind"] == "periodic-review"] == [
        ("periodic-review", "QM-01", "chen-jing"), ("periodic-review", "QP-01", "chen-jing"),
        ("periodic-review", "QP-01", "li-na")]
    duties = due(git_repo, "--as-of", "2029-03-01", "--person", "chen-jing")
    assert ("dispose", "REC-2026-001", False) in [(d["kind"], d["document"], d["overdue"]) for d in duties]


def test_text_and_markdown_name_people_and_roles(with_action: GitQmsRepo) -> None:
    text = with_action.qms("due", "--as-of", "2026-07-02")
    assert text.code == 0 and "OVERDUE" in text.stdout and "Li Na (document-controller)" in text.stdout
    markdown = with_action.qms("due", "--as-of", "2026-07-02", "--format", "markdown").stdout
    assert markdown.startswith("# Due and overdue\n")
    assert "| 2026-06-30 | **overdue** | Corrective action | REC-2026-003 " in markdown
    assert "| Li Na | Document Controller |" in markdown and "@" not in markdown, "no email addresses"


def test_ics_imports_into_a_calendar_library_and_round_trips(with_action: GitQmsRepo) -> None:
    icalendar = pytest.importorskip("icalendar")
    run = with_action.qms("due", "--as-of", "2026-07-02", "--person", "li-na", "--format", "ics")
    assert run.code == 0, run.stderr
    calendar = icalendar.Calendar.from_ical(run.stdout)
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == "action-REC-2026-003-li-na@qmskit"
    assert event.decoded("dtstart").isoformat() == "2026-06-30"
    assert str(event["summary"]) == "Overdue: Corrective action: REC-2026-003 Corrective action, late distribution"
    assert "Owed by Li Na as Document Controller." in str(event["description"])
    again = icalendar.Calendar.from_ical(calendar.to_ical())
    assert again.to_ical() == calendar.to_ical()
    assert run.stdout.encode() == calendar.to_ical().replace(b"\r\n", b"\n"), "what qms wrote is read back whole"
    raw = with_action.qms("due", "--as-of", "2026-07-02", "--person", "li-na", "--format", "ics", process=True)
    assert raw.code == 0 and raw.stdout.startswith("BEGIN:VCALENDAR")
    same_day = with_action.qms("due", "--as-of", "2026-07-02", "--person", "li-na", "--format", "ics")
    assert same_day.stdout == run.stdout, "the same list gives the same file"


# Disposal: a record removed under control, and the deletions H008 still refuses.

def past_retention(repo: GitQmsRepo) -> None:
    """The base audit record (2026-03-10, kept 3y) as an old record: dated 2020, so its retention ended in 2023."""
    repo.edit(BASE_AUDIT, "date: 2026-03-10", "date: 2020-03-10")
    repo.commit("Record the 2020 audit as it was", who="chen-jing", day="2026-01-02")


def history_codes(repo: GitQmsRepo, code: str) -> list[dict]:
    return find(repo.check("--history"), code)


def test_dispose_commits_a_disposal_that_h008_accepts(git_repo: GitQmsRepo) -> None:
    past_retention(git_repo)
    run = git_repo.qms_as("chen-jing", "dispose", "REC-2026-001", day="2026-04-01")
    assert run.code == 0, run.stderr
    assert "Disposed of REC-2026-001" in run.stdout and "ended on 2023-03-10" in run.stdout
    assert not (git_repo.root / BASE_AUDIT).exists()
    assert "Disposes: REC-2026-001" in git_repo.git("log", "-1", "--format=%B")
    assert git_repo.git("log", "-1", "--format=%an") == "Chen Jing"
    assert history_codes(git_repo, "H008") == []


def test_a_plain_deletion_of_a_record_is_still_h008(git_repo: GitQmsRepo) -> None:
    past_retention(git_repo)
    git_repo.remove(BASE_AUDIT)
    git_repo.commit("Tidy up old records", who="chen-jing", day="2026-04-01")
    (hit,) = history_codes(git_repo, "H008")
    assert "record REC-2026-001 was deleted" in hit["message"] and "qms dispose REC-2026-001" in hit["hint"]


def test_a_disposal_trailer_by_someone_without_the_owner_role_does_not_count(git_repo: GitQmsRepo) -> None:
    past_retention(git_repo)
    git_repo.remove(BASE_AUDIT)
    git_repo.commit("Dispose of REC-2026-001\n\nDisposes: REC-2026-001", who="li-na", day="2026-04-01")
    (hit,) = history_codes(git_repo, "H008")
    assert "does not hold its owner role (quality-manager)" in hit["message"]


def test_a_disposal_trailer_before_retention_ends_does_not_count(git_repo: GitQmsRepo) -> None:
    git_repo.remove(BASE_AUDIT)
    git_repo.commit("Dispose of REC-2026-001\n\nDisposes: REC-2026-001", who="chen-jing", day="2026-04-01")
    (hit,) = history_codes(git_repo, "H008")
    assert "it is kept until 2029-03-10" in hit["message"]


def test_dispose_refuses_before_retention_ends_or_without_the_role(git_repo: GitQmsRepo) -> None:
    run = git_repo.qms_as("chen-jing", "dispose", "REC-2026-001", day="2026-04-01")
    assert run.code == 2 and "REC-2026-001 is kept until 2029-03-10" in run.stderr
    past_retention(git_repo)
    run = git_repo.qms_as("li-na", "dispose", "REC-2026-001", day="2026-04-01")
    assert run.code == 2 and "holder of its owner role (quality-manager)" in run.stderr
    run = git_repo.qms_as("chen-jing", "dispose", "QP-01", day="2026-04-01")
    assert run.code == 2 and "documents are made obsolete, never removed" in run.stderr
    assert (git_repo.root / BASE_AUDIT).exists()
