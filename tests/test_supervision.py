"""Supervision over time (issue 17, items 1-3): periodic reviews, suspect references, read and understood.

Each rule fires where it must and stays quiet where it must not, judged on a day given with `--as-of`.
The base repository: QM-01 (owner quality-manager, approved by the director) effective 2026-01-05, and
QP-01 (owner document-controller, approved by the quality manager, references QM-01) effective 2026-02-01,
both revisions written by Li Na and in force from the adoption baseline; reviews every 12 months.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from qmsrepo import GitQmsRepo, find

QM = "manual/qm-01-quality-manual.md"
QP = "procedures/qp-01-document-control.md"


def _u(repo: GitQmsRepo, day: str, code: str | None = None) -> list[dict[str, Any]]:
    run = repo.check("--history", "--as-of", day)
    assert run.code in (0, 1), run.stderr
    # U001-U007 are these rules; U010 and later (actions, audits, retention) are tested in test_supervision_rules.py.
    return [f for f in run.findings if f["code"].startswith("U00") and (code is None or f["code"] == code)]


def _at_adoption(repo: GitQmsRepo, edits: dict[str, tuple[str, str]], settings: str = "") -> None:
    """Change the adopted files, as if they had been so at the adoption baseline."""
    for rel, (old, new) in edits.items():
        repo.edit(rel, old, new)
    if settings:
        repo.write("qms.yml", repo.read("qms.yml") + settings)
    repo.git("add", "-A")
    repo.git("commit", "-q", "--amend", "--no-edit", env=repo.identity("li-na", "2026-01-01"))
    repo.git("tag", "-f", "qms-baseline")


# 1. Periodic review.

def test_review_overdue_fires_after_its_day_only(git_repo: GitQmsRepo) -> None:
    assert _u(git_repo, "2027-01-05") == []
    (overdue,) = _u(git_repo, "2027-01-06")
    assert (overdue["code"], overdue["path"], overdue["severity"]) == ("U001", QM, "warning")
    assert overdue["message"] == ("QM-01 revision 1 was due for its periodic review on 2027-01-05 (effective "
                                  "2026-01-05, never reviewed since; every 12 months)")
    assert "qms periodic-review QM-01" in overdue["hint"]
    # A plain check reads no history: the periodic-review rules need --history (other date rules may not).
    assert [f for f in git_repo.check("--as-of", "2030-01-01").findings if f["code"].startswith("U00")] == []


def test_periodic_review_moves_the_next_review(git_repo: GitQmsRepo) -> None:
    done = git_repo.qms_as("wang-li", "periodic-review", "QM-01", day="2026-12-20")
    assert done.code == 0, done.stderr
    assert "Periodic review of QM-01 revision 1 recorded as director: confirmed unchanged" in done.stdout
    assert git_repo.git("log", "-1", "--format=%an|%(trailers:key=Periodic-review,valueonly)") == "Wang Li|QM-01@1"
    assert git_repo.git("show", "--name-only", "--format=", "HEAD") == ""
    manual = [f for f in _u(git_repo, "2027-06-01") if f["path"] == QM]
    assert manual == []
    (overdue,) = [f for f in _u(git_repo, "2027-12-21") if f["path"] == QM]
    assert "due for its periodic review on 2027-12-20 (last reviewed 2026-12-20" in overdue["message"]
    # qms history lists the review beside the revision, in text and JSON.
    assert "Wang Li, director, 2026-12-20, periodic review" in git_repo.qms("history", "QM-01").stdout
    (row,) = git_repo.history("QM-01")
    assert [(r["name"], r["meaning"], r["valid"]) for r in row["periodic_reviews"]] == \
        [("Wang Li", "periodic-reviewed", True)]


def test_periodic_review_refused_by_the_command(git_repo: GitQmsRepo) -> None:
    head = git_repo.git("rev-parse", "HEAD")
    no_role = git_repo.qms_as("li-na", "periodic-review", "QM-01")
    assert no_role.code == 2
    assert ("Li Na holds neither the owner role nor an approver role of QM-01 (quality-manager, director)"
            in no_role.stderr)
    # Li Na holds the owner role of QP-01, but wrote its revision in force.
    own = git_repo.qms_as("li-na", "periodic-review", "QP-01")
    assert own.code == 2 and "Li Na authored revision 2 of QP-01 and cannot confirm it" in own.stderr
    assert git_repo.git("rev-parse", "HEAD") == head


def test_periodic_review_trailer_without_the_role_is_a_finding(git_repo: GitQmsRepo) -> None:
    git_repo.git("commit", "-q", "--allow-empty", "-m", "Review\n\nPeriodic-review: QM-01@1",
                 env=git_repo.identity("li-na", "2026-12-20"))
    git_repo.git("commit", "-q", "--allow-empty", "-m", "Review\n\nPeriodic-review: QM-01@7",
                 env=git_repo.identity("wang-li", "2026-12-21"))
    refused = _u(git_repo, "2027-01-06", "U002")
    assert [f["path"] for f in refused] == [QM, QM]
    assert "by Li Na (li-na): periodic review of QM-01@1 refused: Li Na holds neither the owner role nor an " \
           "approver role of QM-01 (quality-manager, director)" in refused[0]["message"]
    assert "periodic review of QM-01@7 refused: QM-01 has no revision 7 at this commit" in refused[1]["message"]
    # Neither counts, so the review is still overdue.
    assert [f["code"] for f in _u(git_repo, "2027-01-06", "U001")] == ["U001"]


def test_review_interval_by_risk_category_type_and_document(git_repo: GitQmsRepo) -> None:
    _at_adoption(git_repo, {QM: ("owner: quality-manager", "owner: quality-manager\nrisk: A")},
                 "review:\n  categories: {A: 6, C: 36}\n  types: {procedure: 24}\n")
    (qm,) = _u(git_repo, "2026-07-06")
    assert "QM-01 revision 1 was due for its periodic review on 2026-07-05" in qm["message"]
    assert "every 6 months" in qm["message"]
    # QP-01 is a procedure: every 24 months.
    assert [f["path"] for f in _u(git_repo, "2028-02-01", "U001")] == [QM]
    assert [f["path"] for f in _u(git_repo, "2028-02-02", "U001")] == [QM, QP]


def test_unknown_risk_category(git_repo: GitQmsRepo) -> None:
    git_repo.edit(QM, "owner: quality-manager", "owner: quality-manager\nrisk: Z")
    run = git_repo.check()
    (found,) = find(run, "U007")
    assert (found["path"], found["line"], found["severity"]) == (QM, 8, "error")
    assert found["message"] == 'risk: "Z" is not a risk category declared in qms.yml'
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "review:\n  categories: {Z: 3}\n")
    assert find(git_repo.check(), "U007") == []


# 2. Suspect references.

def _revise_manual(repo: GitQmsRepo, day: str = "2026-06-01") -> None:
    repo.edit(QM, "revision: 1\nstatus: effective", "revision: 2\nstatus: review")
    repo.edit(QM, "effective: 2026-01-05", "change: Scope widened.")
    repo.commit("Revise QM-01", who="li-na", day=day)
    approved = repo.qms_as("wang-li", "approve", "QM-01", "--effective", day, day=day)
    assert approved.code == 0, approved.stderr


def test_suspect_reference_named_with_both_revisions_and_cleared_by_a_review(git_repo: GitQmsRepo) -> None:
    _revise_manual(git_repo)
    assert _u(git_repo, "2026-05-31", "U003") == []
    (suspect,) = _u(git_repo, "2026-06-02", "U003")
    assert (suspect["path"], suspect["line"]) == (QP, 11)
    assert suspect["message"] == ("QP-01 revision 2 (approved 2026-01-01) relies on QM-01 revision 1, but QM-01 has "
                                  "been at revision 2 since 2026-06-01: QP-01 has not been checked against it")
    # QM-01 itself references nothing: only QP-01 is suspect.
    reviewed = git_repo.qms_as("chen-jing", "periodic-review", "QP-01", day="2026-06-10")
    assert reviewed.code == 0, reviewed.stderr
    assert _u(git_repo, "2026-06-11", "U003") == []
    assert len(_u(git_repo, "2026-06-05", "U003")) == 1  # as it stood before the review


def test_new_revision_clears_a_suspect_reference(git_repo: GitQmsRepo) -> None:
    _revise_manual(git_repo)
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    git_repo.edit(QP, "effective: 2026-02-01\nchange: Adds electronic approval.", "change: Follows QM-01 revision 2.")
    git_repo.commit("Revise QP-01", who="li-na", day="2026-06-20")
    approved = git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-07-01", day="2026-06-20")
    assert approved.code == 0, approved.stderr
    assert len(_u(git_repo, "2026-06-30", "U003")) == 1  # revision 3 takes effect on 1 July
    assert _u(git_repo, "2026-07-01", "U003") == []


# 3. Read and understood.

def _with_distribution(repo: GitQmsRepo) -> None:
    _at_adoption(repo, {QP: ("approvers: [quality-manager]", "approvers: [quality-manager]\n"
                                                              "distribution: [document-controller]")},
                 "acknowledge_days: 14\n")


TRAINING = """\
---
id: REC-2026-002
title: Training on QP-01
type: record
kind: training
procedure: QP-01
date: {day}
owner: quality-manager
status: closed
retention: 3y
attendees: [{who}]
trained_on: [{target}]
---

# Training on QP-01
"""


def test_acknowledgements_owed_given_by_trailer_and_by_training_record(git_repo: GitQmsRepo) -> None:
    _with_distribution(git_repo)
    assert _u(git_repo, "2026-02-15") == []  # due within 14 days of 2026-02-01
    overdue = _u(git_repo, "2026-02-16", "U004")
    assert [f["message"] for f in overdue] == [
        "Chen Jing (chen-jing, document-controller) has not acknowledged QP-01 revision 2, due by 2026-02-15",
        "Li Na (li-na, document-controller) has not acknowledged QP-01 revision 2, due by 2026-02-15"]
    assert {f["path"] for f in overdue} == {QP}
    acked = git_repo.qms_as("chen-jing", "ack", "QP-01", day="2026-02-10")
    assert acked.code == 0, acked.stderr
    assert "Acknowledged QP-01 revision 2 (a reader as document-controller)" in acked.stdout
    assert git_repo.git("log", "-1", "--format=%(trailers:key=Acknowledges,valueonly)") == "QP-01@2"
    git_repo.write("records/2026/rec-2026-002-training.md",
                   TRAINING.format(day="2026-02-12", who="li-na", target="QP-01@2"))
    git_repo.commit("Training record", who="chen-jing", day="2026-02-12")
    assert _u(git_repo, "2026-02-16") == []
    # The matrix: people by documents, in text, CSV and JSON.
    matrix = json.loads(git_repo.qms("training", "--format", "json", "--as-of", "2026-02-16").stdout)
    assert matrix["documents"] == [{"id": "QP-01", "revision": "2"}]
    cells = {p["person"]: p["documents"]["QP-01"] for p in matrix["people"]}
    assert (cells["chen-jing"]["acknowledged"], cells["li-na"]["acknowledged"], cells["li-na"]["by"]) == \
        ("2026-02-10", "2026-02-12", "REC-2026-002")
    rows = list(csv.reader(io.StringIO(git_repo.qms("training", "--format", "csv", "--as-of", "2026-02-11").stdout)))
    assert rows == [["person", "name", "QP-01@2"], ["chen-jing", "Chen Jing", "read 2026-02-10"],
                    ["li-na", "Li Na", "due 2026-02-15"]]
    text = git_repo.qms("training", "--as-of", "2026-02-20").stdout
    assert "Chen Jing (chen-jing)" in text and "2 of 2 acknowledgements given, 0 overdue" in text


def test_a_person_who_joins_a_role_owes_the_revision_in_force(git_repo: GitQmsRepo) -> None:
    _with_distribution(git_repo)
    for who in ("chen-jing", "li-na"):
        assert git_repo.qms_as(who, "ack", "QP-01", day="2026-02-05").code == 0
    git_repo.edit("manual/people.yml", "roles: [director]", "roles: [director, document-controller]")
    git_repo.commit("Wang Li joins document control", who="chen-jing", day="2026-03-01")
    approved = git_repo.qms_as("wang-li", "approve", "manual/people.yml", day="2026-03-01")
    assert approved.code == 0, approved.stderr
    # The roster change came into force on 2026-03-01: Wang Li owes QP-01 by 2026-03-15, not 2026-02-15.
    assert _u(git_repo, "2026-03-15", "U004") == []
    (owed,) = _u(git_repo, "2026-03-16", "U004")
    assert owed["message"].startswith("Wang Li (wang-li, document-controller) has not acknowledged QP-01 revision 2")


def test_acknowledgement_of_a_revision_that_does_not_exist(git_repo: GitQmsRepo) -> None:
    _with_distribution(git_repo)
    git_repo.git("commit", "-q", "--allow-empty", "-m", "Read\n\nAcknowledges: QP-01@9",
                 env=git_repo.identity("li-na", "2026-02-03"))
    git_repo.git("commit", "-q", "--allow-empty", "-m", "Read\n\nAcknowledges: QP-01@2",
                 env=git_repo.identity("stranger", "2026-02-03"))
    refused = _u(git_repo, "2026-02-04", "U005")
    assert [f["message"].split(": ", 1)[1] for f in refused] == [
        "acknowledgement of QP-01@9 refused: QP-01 has no revision 9 at this commit",
        "acknowledgement of QP-01@2 refused: zhao.ming@elsewhere.example is not the email of anyone in the people "
        "roster"]
    assert "by Li Na (li-na)" in refused[0]["message"]
    assert find(git_repo.check("--history", "--as-of", "2026-02-04"), "U005") == refused
    # A valid one is no finding.
    assert git_repo.qms_as("li-na", "ack", "QP-01", day="2026-02-05").code == 0
    assert len(_u(git_repo, "2026-02-06", "U005")) == 2


def test_training_record_naming_unknown_revision_or_people(git_repo: GitQmsRepo) -> None:
    _with_distribution(git_repo)
    git_repo.write("records/2026/rec-2026-002-training.md",
                   TRAINING.format(day="2026-02-12", who="li-na, nobody-here", target="QP-01@2, QP-01@5"))
    git_repo.commit("Training record", who="chen-jing", day="2026-02-12")
    run = git_repo.check("--history", "--as-of", "2026-02-13")
    (revision,) = find(run, "U006")
    assert (revision["path"], revision["line"], revision["severity"]) == ("records/2026/rec-2026-002-training.md",
                                                                          12, "error")
    assert revision["message"] == "trained_on: QP-01@5: QP-01 has no revision 5 (it has 2)"
    (person,) = find(run, "P006")
    assert (person["path"], person["line"], person["severity"]) == ("records/2026/rec-2026-002-training.md",
                                                                    11, "error")
    assert person["message"].startswith('attendees: "nobody-here" is not a person')
    git_repo.write("records/2026/rec-2026-002-training.md",
                   TRAINING.format(day="2026-02-12", who="li-na", target="QP-01@2"))
    # --as-of reads what was committed by that day: the correction counts once it is committed.
    assert len(find(git_repo.check("--history", "--as-of", "2026-02-13"), "U006")) == 1
    git_repo.commit("Training record corrected", who="chen-jing", day="2026-02-13")
    fixed = git_repo.check("--history", "--as-of", "2026-02-13")
    assert find(fixed, "U006") == [] and find(fixed, "P006") == []


def test_no_acknowledge_days_no_acknowledgements_owed(git_repo: GitQmsRepo) -> None:
    _at_adoption(git_repo, {QP: ("approvers: [quality-manager]", "approvers: [quality-manager]\n"
                                                                "distribution: [document-controller]")})
    assert _u(git_repo, "2026-12-01", "U004") == []


# The duties `qms due` lists (the calendar engineer's command calls these).

def test_duties_name_the_person_or_role_and_the_day(git_repo: GitQmsRepo) -> None:
    from datetime import date

    from qms.supervise.acknowledge import acknowledge_duties, readers
    from qms.supervise.duty import Duty
    from qms.supervise.reviews import review_duties
    from qms.workspace import Workspace

    _with_distribution(git_repo)
    assert git_repo.qms_as("chen-jing", "ack", "QP-01", day="2026-02-10").code == 0
    workspace = Workspace.open(git_repo.root)
    history, config = workspace.history(), workspace.config
    day = date(2027, 1, 10)
    reviews = review_duties(history, config, day)
    assert [(d.kind, d.document, d.role, d.due, d.overdue) for d in reviews] == [
        ("periodic-review", "QM-01", "quality-manager", date(2027, 1, 5), True),
        ("periodic-review", "QP-01", "document-controller", date(2027, 2, 1), False)]
    records = [d for d in workspace.documents.documents if d.is_record]
    owed = acknowledge_duties(readers(history, config, records, day))
    assert owed == [Duty("acknowledge", "QP-01", "li-na", "document-controller", date(2026, 2, 15), True,
                         "read and understood QP-01@2")]


def test_a_training_entry_without_a_revision_is_one_clear_finding(git_repo: GitQmsRepo) -> None:
    """`trained_on: [QP-01]` (no @REVISION) is the schema's finding at its line, not a garbled U006 beside it."""
    _with_distribution(git_repo)
    git_repo.write("records/2026/rec-2026-002-training.md",
                   TRAINING.format(day="2026-02-12", who="li-na", target="QP-01"))
    git_repo.commit("Training record", who="chen-jing", day="2026-02-12")
    run = git_repo.check("--history", "--as-of", "2026-02-13")
    assert find(run, "U006") == []
    (schema,) = [f for f in find(run, "S001") if f["path"] == "records/2026/rec-2026-002-training.md"]
    assert schema["line"] == 12 and 'trained_on (item 1)' in schema["message"] and '"QP-01"' in schema["message"]


def test_a_record_cannot_be_acknowledged_or_reviewed_and_the_command_says_so(git_repo: GitQmsRepo) -> None:
    for command in ("ack", "periodic-review"):
        run = git_repo.qms_as("li-na", command, "REC-2026-001")
        assert run.code == 2 and "Traceback" not in run.stderr
        assert "REC-2026-001 (records/2026/rec-2026-001-audit.md) is a record, not a controlled document" in run.stderr
        assert "it is not approved, reviewed or acknowledged" in run.stderr, run.stderr
