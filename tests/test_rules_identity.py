"""Identity rules I001-I003: ids are unique, well formed, and filed in their type's folder."""

from __future__ import annotations

import pytest
from qmsrepo import QmsRepo, assert_clean, failing, find, only

MANUAL = "manual/qm-01-quality-manual.md"
PROC = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"


def draft(doc_id: str, doc_type: str) -> str:
    """A valid first-revision draft of any controlled type."""
    return f"""\
        ---
        id: {doc_id}
        title: A {doc_type}
        type: {doc_type}
        revision: 1
        status: draft
        owner: document-controller
        approvers: [quality-manager]
        ---

        # A {doc_type}
        """


# --- I001 duplicate-id


def test_duplicate_id_is_reported_in_both_files(repo: QmsRepo) -> None:
    """A procedure copied to start a new one, id left unchanged: each copy names the other."""
    copy = "procedures/qp-02-copy.md"
    repo.write(copy, repo.read(PROC))
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"I001"}
    hits = {f["path"]: f for f in find(run, "I001")}
    assert set(hits) == {PROC, copy}
    assert hits[PROC]["line"] == 2 and hits[copy]["line"] == 2
    assert hits[PROC]["message"].startswith("id QP-01 is also used by procedures/qp-02-copy.md (line 2)")
    assert hits[copy]["message"].startswith(f"id QP-01 is also used by {PROC} (line 2)")
    assert all(f["severity"] == "error" for f in hits.values())


def test_duplicate_id_between_record_files(repo: QmsRepo) -> None:
    """Two record files given the same record number in different year folders."""
    other = "records/2025/rec-2026-001-audit.md"
    repo.write(other, repo.read(REC))
    run = repo.check()
    assert run.code == 1
    assert sorted(f["path"] for f in find(run, "I001")) == [other, REC]
    assert REC in next(f for f in find(run, "I001") if f["path"] == other)["message"]


def test_new_id_for_copied_document_passes(repo: QmsRepo) -> None:
    """The copy given its own id (QP-02) is a distinct document: no I001."""
    repo.write("procedures/qp-02-records.md", repo.read(PROC).replace("id: QP-01", "id: QP-02"))
    assert_clean(repo)


# --- I002 id-pattern


@pytest.mark.parametrize("bad", ["QP-7", "qp-01", "QP-001", "QP-01A", "WI-01-01"])
def test_procedure_id_not_matching_pattern(repo: QmsRepo, bad: str) -> None:
    """A procedure numbered in a form other than QP-nn (typo, lower case, extra digit, other type)."""
    repo.edit(PROC, "id: QP-01", f"id: {bad}")
    repo.edit(MANUAL, "[[QP-01]]", f"[[{bad}]]")
    repo.edit(REC, "procedure: QP-01", f"procedure: {bad}")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"I002"}
    hit = only(run, "I002")
    assert (hit["path"], hit["line"]) == (PROC, 2)
    assert f'id "{bad}" does not have the form of a procedure id' in hit["message"]
    assert r"QP-\d{2}" in hit["message"]


def test_record_id_not_matching_pattern(repo: QmsRepo) -> None:
    """A record numbered with a two-digit year instead of REC-yyyy-nnn."""
    repo.edit(REC, "id: REC-2026-001", "id: REC-26-001")
    hit = failing(repo, "I002")
    assert (hit["path"], hit["line"]) == (REC, 2)
    assert 'id "REC-26-001" does not have the form of a record id' in hit["message"]


@pytest.mark.parametrize(
    ("rel", "doc_id", "doc_type"),
    [
        ("procedures/wi-01-01-scanning.md", "WI-01-01", "work-instruction"),
        ("procedures/f-01-01-request.md", "F-01-01", "form"),
        ("manual/external/ext-01-iso-9001.md", "EXT-01", "external"),
        ("manual/qm-02-policy.md", "QM-02", "manual"),
    ],
)
def test_ids_in_each_types_form_pass(repo: QmsRepo, rel: str, doc_id: str, doc_type: str) -> None:
    """Work instructions, forms, external documents and manuals numbered as their type asks."""
    repo.write(rel, draft(doc_id, doc_type))
    assert_clean(repo)


def test_id_pattern_from_qms_yml_is_used(repo: QmsRepo) -> None:
    """An office that numbers procedures PRO-nnn sets that in qms.yml; QP-01 then fails."""
    repo.edit("qms.yml", "people: manual/people.yml\n",
              "people: manual/people.yml\ntypes:\n  procedure:\n    folder: procedures\n"
              "    id_pattern: 'PRO-\\d{3}'\n")
    hit = failing(repo, "I002")
    assert (hit["path"], hit["line"]) == (PROC, 2)
    assert r"PRO-\d{3}" in hit["message"]


# --- I003 wrong-folder


def test_record_filed_in_procedures(repo: QmsRepo) -> None:
    """A record saved into procedures/ instead of records/."""
    moved = "procedures/rec-2026-001-audit.md"
    repo.write(moved, repo.read(REC))
    repo.remove(REC)
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"I003"}
    hit = only(run, "I003")
    assert (hit["path"], hit["line"]) == (moved, 4)
    assert "a record belongs in records/" in hit["message"]


def test_procedure_filed_in_manual(repo: QmsRepo) -> None:
    """A procedure saved into the manual folder."""
    moved = "manual/qp-01-document-control.md"
    repo.write(moved, repo.read(PROC))
    repo.remove(PROC)
    hit = failing(repo, "I003")
    assert (hit["path"], hit["line"]) == (moved, 4)
    assert "a procedure belongs in procedures/" in hit["message"]


def test_record_in_sub_folder_of_records_passes(repo: QmsRepo) -> None:
    """Records kept in year and quarter sub-folders are in the right place."""
    repo.write("records/2026/q1/rec-2026-001-audit.md", repo.read(REC))
    repo.remove(REC)
    assert_clean(repo)
