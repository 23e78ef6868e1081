"""Supervision over time (U010-U016): corrective actions, what they answer, the audit programme and
retention, each judged on the day `qms check --as-of` gives: once where it must fire, once where it must not."""

from __future__ import annotations

import textwrap

import pytest
from qmsrepo import QmsRepo, find

NC = "records/2026/rec-2026-002-nc.md"
CA = "records/2026/rec-2026-003-ca.md"
AUDIT = "records/2026/rec-2026-004-audit.md"
BASE_AUDIT = "records/2026/rec-2026-001-audit.md"


def record(record_id: str, kind: str, extra: str = "", status: str = "open", retention: str = "3y",
           day: str = "2026-03-20") -> str:
    return textwrap.dedent(f"""\
        ---
        id: {record_id}
        title: Record {record_id}
        type: record
        kind: {kind}
        procedure: QP-01
        date: {day}
        owner: quality-manager
        status: {status}
        retention: {retention}
        """) + textwrap.dedent(extra) + "---\n\n# Record\n"


def line_of(repo: QmsRepo, rel: str, start: str) -> int:
    return next(n for n, line in enumerate(repo.read(rel).splitlines(), 1) if line.startswith(start))


def check_on(repo: QmsRepo, day: str, *codes: str) -> list[dict]:
    run = repo.check("--as-of", day)
    return [f for f in run.findings if f["code"] in codes] if codes else run.findings


def test_open_action_past_due_is_reported_from_the_day_after(repo: QmsRepo) -> None:
    repo.write(CA, record("REC-2026-003", "corrective-action", "due: 2026-06-30\n"))
    assert check_on(repo, "2026-06-30", "U010") == []
    (hit,) = check_on(repo, "2026-07-01", "U010")
    assert (hit["path"], hit["line"], hit["severity"]) == (CA, line_of(repo, CA, "due:"), "warning")
    assert "REC-2026-003 is still open and was due on 2026-06-30" in hit["message"]
    repo.edit(CA, "status: open", "status: closed\nverified: 2026-07-10\neffectiveness: effective")
    assert check_on(repo, "2026-07-11", "U010") == []


def test_closed_action_needs_its_effectiveness_check(repo: QmsRepo) -> None:
    repo.write(CA, record("REC-2026-003", "corrective-action", "due: 2026-06-30\n", status="closed"))
    (hit,) = check_on(repo, "2026-07-01", "U011")
    assert hit["path"] == CA and hit["line"] == line_of(repo, CA, "status:")
    repo.edit(CA, "due: 2026-06-30", "due: 2026-06-30\nverified: 2026-06-25")
    assert check_on(repo, "2026-07-01", "U011"), "a verified date without the result is not a check"
    repo.edit(CA, "verified: 2026-06-25", "verified: 2026-06-25\neffectiveness: effective")
    assert check_on(repo, "2026-07-01") == []


def test_major_nonconformity_needs_an_action(repo: QmsRepo) -> None:
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: major\n"))
    (hit,) = check_on(repo, "2026-04-01", "U012")
    assert hit["path"] == NC and hit["line"] == line_of(repo, NC, "severity:")
    assert "major nonconformity REC-2026-002 has no corrective action" in hit["message"]
    repo.write(CA, record("REC-2026-003", "corrective-action", "nonconformity: REC-2026-002\ndue: 2026-06-30\n"))
    assert check_on(repo, "2026-04-01") == []


def test_minor_nonconformity_may_go_without_an_action(repo: QmsRepo) -> None:
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: minor\n"))
    assert check_on(repo, "2026-04-01") == []


def test_major_audit_finding_needs_an_action_and_its_link_must_lead_to_one(repo: QmsRepo) -> None:
    repo.write(AUDIT, record("REC-2026-004", "audit", """\
        auditors: [wang-li]
        findings:
          - severity: observation
            text: forms kept in two places
          - severity: major
            text: approvals by people without the role
        """, status="closed"))
    (hit,) = check_on(repo, "2026-04-01", "U012")
    assert hit["path"] == AUDIT and "major finding 2 of audit REC-2026-004" in hit["message"]
    repo.edit(AUDIT, "text: approvals by people without the role",
              "text: approvals by people without the role\n    actions: [REC-2026-099]")
    assert check_on(repo, "2026-04-01", "U012") == []
    (broken,) = check_on(repo, "2026-04-01", "U013")
    assert broken["path"] == AUDIT and '"REC-2026-099" is not the id of any record' in broken["message"]
    repo.write(CA, record("REC-2026-099", "corrective-action", "nonconformity: REC-2026-004\ndue: 2026-06-30\n")
               .replace("REC-2026-099", "REC-2026-099", 1))
    assert check_on(repo, "2026-04-01") == []


def test_action_linked_to_a_missing_record_is_an_error_at_its_line(repo: QmsRepo) -> None:
    repo.write(CA, record("REC-2026-003", "corrective-action", "nonconformity: REC-2026-077\ndue: 2026-06-30\n"))
    run = repo.check("--as-of", "2026-04-01")
    assert run.code == 1
    (hit,) = find(run, "U013")
    assert (hit["path"], hit["line"], hit["severity"]) == (CA, line_of(repo, CA, "nonconformity:"), "error")
    assert 'nonconformity: "REC-2026-077" is not the id of any record' in hit["message"]


def test_action_linked_to_a_procedure_is_the_wrong_kind(repo: QmsRepo) -> None:
    repo.write(CA, record("REC-2026-003", "corrective-action", "nonconformity: QP-01\ndue: 2026-06-30\n"))
    (hit,) = check_on(repo, "2026-04-01", "U013")
    assert "not a nonconformity or an audit" in hit["message"]


def test_nonconformity_listing_a_missing_action(repo: QmsRepo) -> None:
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: minor\nactions: [REC-2026-055]\n"))
    (hit,) = check_on(repo, "2026-04-01", "U013")
    assert hit["path"] == NC and hit["line"] == line_of(repo, NC, "actions:")


def test_procedure_not_audited_within_audit_months(repo: QmsRepo) -> None:
    # QP-01 took effect on 2026-02-01; the base audit record names no procedure in its scope.
    assert check_on(repo, "2027-02-01", "U014") == []
    (hit,) = check_on(repo, "2027-02-02", "U014")
    assert hit["path"] == "procedures/qp-01-document-control.md"
    assert "QP-01 is never audited, and was due for audit on 2027-02-01 (audit_months: 12)" in hit["message"]


def test_an_audit_covers_the_procedures_its_scope_names(repo: QmsRepo) -> None:
    repo.edit(BASE_AUDIT, "auditors: [wang-li]", "auditors: [wang-li]\nscope: Document control (QP-01) at the registry")
    assert check_on(repo, "2027-03-10", "U014") == []
    (hit,) = check_on(repo, "2027-03-11", "U014")
    assert "last audited on 2026-03-10, and was due for audit on 2027-03-10" in hit["message"]


def test_audit_months_comes_from_qms_yml_and_procedures_lists_the_scope(repo: QmsRepo) -> None:
    repo.edit("qms.yml", "review_months: 12", "review_months: 12\naudit_months: 6")
    (hit,) = check_on(repo, "2026-08-02", "U014")
    assert "(audit_months: 6)" in hit["message"]
    repo.edit(BASE_AUDIT, "auditors: [wang-li]", "auditors: [wang-li]\nprocedures: [QP-01]")
    assert check_on(repo, "2026-08-02", "U014") == []


def test_an_audit_after_the_day_judged_does_not_count(repo: QmsRepo) -> None:
    repo.edit(BASE_AUDIT, "date: 2026-03-10", "date: 2027-05-01")
    repo.edit(BASE_AUDIT, "auditors: [wang-li]", "auditors: [wang-li]\nprocedures: [QP-01]")
    assert check_on(repo, "2027-02-02", "U014"), "as it stood on 2027-02-02, the audit had not happened"


@pytest.mark.parametrize("retention", ["5y after closed", "5y after end-of-employment", "10y", "permanent"])
def test_retention_after_an_event_is_a_valid_period(repo: QmsRepo, retention: str) -> None:
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: minor\n", retention=retention))
    assert check_on(repo, "2026-04-01") == []


def test_retention_after_an_unknown_event_is_an_error_at_its_line(repo: QmsRepo) -> None:
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: minor\n", retention="5y after graduation"))
    run = repo.check("--as-of", "2026-04-01")
    assert run.code == 1
    (hit,) = find(run, "U015")
    assert (hit["path"], hit["line"]) == (NC, line_of(repo, NC, "retention:"))
    assert '"graduation", which is not an event qmskit knows' in hit["message"]
    assert find(run, "D004") == []


def test_retention_that_is_not_a_period_is_still_d004(repo: QmsRepo) -> None:
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: minor\n", retention="five years"))
    run = repo.check("--as-of", "2026-04-01")
    assert [f["code"] for f in run.findings] == ["D004"]


def test_closed_record_kept_after_closure_must_say_when_it_closed(repo: QmsRepo) -> None:
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: minor\n", status="closed",
                          retention="5y after closed"))
    (hit,) = check_on(repo, "2026-04-01", "U015")
    assert 'it has no "closed:" date' in hit["message"]
    repo.edit(NC, "severity: minor", "severity: minor\nclosed: 2026-03-25")
    assert check_on(repo, "2026-04-01") == []


def test_record_past_retention_is_due_for_disposal(repo: QmsRepo) -> None:
    # The base audit record: dated 2026-03-10, kept 3y.
    assert check_on(repo, "2029-03-09", "U016") == []
    (hit,) = check_on(repo, "2029-03-10", "U016")
    assert hit["path"] == BASE_AUDIT and hit["line"] == line_of(repo, BASE_AUDIT, "retention:")
    assert "retention (3y) ended on 2029-03-10: it is due for disposal" in hit["message"]
    assert "qms dispose REC-2026-001" in hit["hint"]


def test_retention_after_closure_runs_from_the_closed_date(repo: QmsRepo) -> None:
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: minor\nclosed: 2026-09-01\n", status="closed",
                          retention="1y after closed"))
    assert [f for f in check_on(repo, "2027-08-31", "U016") if f["path"] == NC] == []
    assert [f["path"] for f in check_on(repo, "2027-09-01", "U016") if f["path"] == NC] == [NC]


def test_retention_after_an_event_not_yet_happened_is_kept(repo: QmsRepo) -> None:
    repo.write(NC, record("REC-2026-002", "training", "", retention="5y after end-of-employment"))
    assert [f for f in check_on(repo, "2040-01-01", "U016") if f["path"] == NC] == []


def test_as_of_that_is_not_a_date_cannot_run(repo: QmsRepo) -> None:
    run = repo.qms("check", "--as-of", "next week")
    assert run.code == 2 and "is not a date" in run.stderr and "Traceback" not in run.stderr


def test_values_of_the_wrong_type_are_schema_findings_not_crashes(repo: QmsRepo) -> None:
    repo.write(CA, record("REC-2026-003", "corrective-action", "due: [1]\nnonconformity: {a: 1}\nverified: 12\n",
                          status="closed", retention="5"))
    repo.write(AUDIT, record("REC-2026-004", "audit", "findings: nothing\nprocedures: QP-01\nscope: [QP-01]\n"))
    repo.write(NC, record("REC-2026-002", "nonconformity", "severity: major\nactions: 7\nclosed: soon\n",
                          retention="1y after closed", status="closed"))
    run = repo.check("--as-of", "2030-01-01")
    assert run.code == 1 and "S001" in run.codes()
    due = repo.qms("due", "--as-of", "2030-01-01", "--within", "10y", "--format", "json")
    assert due.code == 0 and "Traceback" not in due.stderr
