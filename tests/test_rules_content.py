"""Content rules D001-D006: dates, successors, clauses, retention, revisions and change summaries."""

from __future__ import annotations

import pytest
from qmsrepo import QmsRepo, assert_clean, failing, find, only

MANUAL = "manual/qm-01-quality-manual.md"
PROC = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"
WITHDRAWN = "procedures/qp-02-records.md"

OBSOLETE = """\
---
id: QP-02
title: Control of Records
type: procedure
revision: 1
status: obsolete
owner: document-controller
approvers: [quality-manager]
effective: 2025-01-01
{extra}
---
"""

# scheme -> (first revision, a later revision, revisions that break the scheme)
SCHEMES = {
    "integer": ("1", "2", ["A", "1.0", "01", "2a"]),
    "letter": ("A", "B", ["1", "b", "A/0", "A1"]),
    "major-minor": ("1.0", "1.10", ["1", "1.", "1.01", "1.0.0", "A"]),
    "letter-number": ("A/0", "B/0", ["B", "2", "B.0", "B-0", "b/0"]),
}


def use_scheme(repo: QmsRepo, scheme: str) -> None:
    """Switch qms.yml to `scheme` and renumber the manual (first) and procedure (later) to match."""
    first, later, _ = SCHEMES[scheme]
    repo.edit("qms.yml", "revision_scheme: integer", f"revision_scheme: {scheme}")
    repo.edit(MANUAL, "revision: 1", f"revision: {first}")
    repo.edit(PROC, "revision: 2", f"revision: {later}")


# --- D001 missing-effective-date


def test_effective_document_without_date(repo: QmsRepo) -> None:
    """A procedure marked effective by hand, without saying from when."""
    repo.edit(PROC, "effective: 2026-02-01\n", "")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"D001"}
    hit = only(run, "D001")
    assert (hit["path"], hit["line"]) == (PROC, 6)
    assert "an effective document needs an effective date" in hit["message"]


def test_effective_date_in_the_future_passes(repo: QmsRepo) -> None:
    """Approved now, in force from a later date."""
    repo.edit(PROC, "effective: 2026-02-01", "effective: 2099-01-01")
    assert_clean(repo)


# --- D002 missing-successor


def test_obsolete_without_successor(repo: QmsRepo) -> None:
    """A withdrawn procedure that does not say what replaced it."""
    repo.write(WITHDRAWN, OBSOLETE.format(extra=""))
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"D002"}
    hit = only(run, "D002")
    assert (hit["path"], hit["line"]) == (WITHDRAWN, 6)
    assert "an obsolete document must name its successor" in hit["message"]
    assert "superseded_by: none" in hit["hint"]


@pytest.mark.parametrize("successor", ["QP-01", "none"])
def test_obsolete_naming_successor_passes(repo: QmsRepo, successor: str) -> None:
    """The withdrawn procedure names its successor, or `none`."""
    repo.write(WITHDRAWN, OBSOLETE.format(extra=f"superseded_by: {successor}"))
    assert_clean(repo)


# --- D003 unknown-clause


def test_clauses_from_old_edition_and_made_up(repo: QmsRepo) -> None:
    """The manual lists 2008 clause numbers (4.2.3) and one that never existed (7.5.4)."""
    repo.edit(MANUAL, 'clauses: ["4.3", "7.5"]', 'clauses:\n  - "4.3"\n  - "4.2.3"\n  - "7.5.4"')
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"D003"}
    hits = find(run, "D003")
    assert [(f["path"], f["line"]) for f in hits] == [(MANUAL, 12), (MANUAL, 13)]
    assert hits[0]["message"].startswith('"4.2.3" is not a clause of ISO 9001:2015')
    assert hits[1]["message"].startswith('"7.5.4" is not a clause of ISO 9001:2015')


def test_unknown_clause_in_audit_record(repo: QmsRepo) -> None:
    """An audit record gives the scope clauses with a typo."""
    repo.edit(REC, "auditors: [wang-li]", 'auditors: [wang-li]\nclauses: ["9.2", "9.22"]')
    hit = failing(repo, "D003")
    assert (hit["path"], hit["line"]) == (REC, 12)
    assert '"9.22" is not a clause of ISO 9001:2015' in hit["message"]


def test_2015_clauses_pass(repo: QmsRepo) -> None:
    """Clause numbers of ISO 9001:2015, quoted or not, at every level."""
    repo.edit(MANUAL, 'clauses: ["4.3", "7.5"]', 'clauses: ["4", "5.3", "7.5.2", "7.5.3", "10.2.1", 8.5]')
    assert_clean(repo)


# --- D004 bad-retention


@pytest.mark.parametrize("value", ["3 years", "36 months", "0y", "forever", "3Y", ""])
def test_retention_not_a_period(repo: QmsRepo, value: str) -> None:
    """A record's retention written in words, as zero, or left empty."""
    repo.edit(REC, "retention: 3y", f'retention: "{value}"')
    run = repo.check()
    assert run.code == 1
    hit = only(run, "D004")
    assert (hit["path"], hit["line"]) == (REC, 10)
    assert f'retention "{value}" is not a period' in hit["message"]


@pytest.mark.parametrize("value", ["30d", "2w", "6m", "3y", "10y", "permanent", "5y after closed"])
def test_retention_periods_pass(repo: QmsRepo, value: str) -> None:
    """Each unit, `permanent`, and a period after an event are valid retentions (judged on the record's own
    day, before even 30d has run out and made it due for disposal, U016)."""
    repo.edit(REC, "retention: 3y", f"retention: {value}")
    if value.endswith("closed"):
        repo.edit(REC, "status: closed", "status: closed\nclosed: 2026-03-10")
    run = repo.check("--as-of", "2026-03-10")
    assert (run.code, run.findings) == (0, [])


# --- D005 revision-scheme


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_revisions_in_scheme_pass(repo: QmsRepo, scheme: str) -> None:
    """First and later revisions written as the scheme in qms.yml asks."""
    use_scheme(repo, scheme)
    assert_clean(repo)


@pytest.mark.parametrize(
    ("scheme", "bad"), [(scheme, bad) for scheme, (_, _, bads) in SCHEMES.items() for bad in bads]
)
def test_revision_outside_scheme(repo: QmsRepo, scheme: str, bad: str) -> None:
    """A revision written in another scheme, in lower case, or with the wrong separator."""
    use_scheme(repo, scheme)
    repo.edit(PROC, f"revision: {SCHEMES[scheme][1]}", f"revision: {bad}")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"D005"}
    hit = only(run, "D005")
    assert (hit["path"], hit["line"]) == (PROC, 5)
    assert f'revision "{bad}" does not follow the {scheme} scheme' in hit["message"]


# --- D006 missing-change


def test_second_revision_without_change(repo: QmsRepo) -> None:
    """Revision 2 of a procedure that does not say what changed."""
    repo.edit(PROC, "change: Adds electronic approval.\n", "")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"D006"}
    hit = only(run, "D006")
    assert (hit["path"], hit["line"]) == (PROC, 5)
    assert "revision 2 is not the first, so it needs 'change:'" in hit["message"]


def test_first_revision_without_change_passes(repo: QmsRepo) -> None:
    """Revision 1 has nothing to compare with, so no change summary is needed."""
    repo.edit(PROC, "change: Adds electronic approval.\n", "")
    repo.edit(PROC, "revision: 2", "revision: 1")
    assert_clean(repo)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_later_revision_needs_change_in_every_scheme(repo: QmsRepo, scheme: str) -> None:
    """In each scheme a later revision without `change` fails and the first revision passes."""
    use_scheme(repo, scheme)
    repo.edit(PROC, "change: Adds electronic approval.\n", "")
    hit = failing(repo, "D006")
    assert (hit["path"], hit["line"]) == (PROC, 5)
    assert f"revision {SCHEMES[scheme][1]} is not the first" in hit["message"]
    repo.edit(PROC, f"revision: {SCHEMES[scheme][1]}", f"revision: {SCHEMES[scheme][0]}")
    assert_clean(repo)
