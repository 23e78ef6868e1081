"""Foreign front-matter: key names and status words mapped by qms.yml, in the check and in history; custom
types and record kinds that reject unknown keys."""

from __future__ import annotations

from pathlib import Path

from qmsrepo import QMS_YML, GitQmsRepo, QmsRepo, assert_clean, only

MAPPING = """\
front_matter:
  keys: {documentId: id, documentTitle: title}
  status: {approved: effective, in_review: review, archived: obsolete}
"""

FOREIGN = """\
---
documentId: QP-02
documentTitle: Purchasing
type: procedure
revision: 1
status: in_review
owner: document-controller
approvers: [quality-manager]
---

# Purchasing
"""


def test_foreign_keys_and_statuses_are_read_as_mapped(git_repo: GitQmsRepo) -> None:
    """In a git repository, whose check cache keeps each file's parse: a new mapping is a new parse."""
    repo = git_repo
    repo.write("procedures/qp-02-purchasing.md", FOREIGN)
    unmapped = repo.check()
    assert {f["line"] for f in unmapped.findings if f["code"] == "S001"} >= {2, 3, 6}
    repo.write("qms.yml", repo.read("qms.yml") + MAPPING)
    assert_clean(repo)
    repo.edit("procedures/qp-02-purchasing.md", "status: in_review", "status: aproved")
    hit = only(repo.check(), "S001")
    assert (hit["path"], hit["line"]) == ("procedures/qp-02-purchasing.md", 6)


def test_a_finding_on_a_mapped_key_points_at_the_key_as_written(repo: QmsRepo) -> None:
    repo.write("qms.yml", QMS_YML + MAPPING)
    repo.write("procedures/qp-02-purchasing.md", FOREIGN.replace("documentId: QP-02", "documentId: QP-2"))
    hit = only(repo.check(), "I002")
    assert (hit["path"], hit["line"]) == ("procedures/qp-02-purchasing.md", 2)


def test_a_foreign_key_written_beside_its_own_is_reported(repo: QmsRepo) -> None:
    repo.write("qms.yml", QMS_YML + MAPPING)
    repo.write("procedures/qp-02-purchasing.md", FOREIGN.replace("type: procedure", "type: procedure\nid: QP-02"))
    hit = only(repo.check(), "S001")
    assert hit["line"] == 2 and "both 'documentId' and 'id'" in hit["message"]


def test_history_reads_old_versions_through_the_mapping(git_repo: GitQmsRepo) -> None:
    """Versions written in the foreign vocabulary, before and after the mapping came: one history, mapped."""
    git_repo.write("procedures/qp-02-purchasing.md", FOREIGN)
    git_repo.commit("Purchasing, for review", who="li-na")
    assert git_repo.qms("history", "QP-02", "--format", "json").code != 0  # no document of that id is known
    git_repo.write("qms.yml", git_repo.read("qms.yml") + MAPPING)
    git_repo.commit("Read the adopted front-matter", who="chen-jing")
    rows = git_repo.history("QP-02")  # the parse cache of the run above must not be reused
    assert [(row["revision"], row["status"], row["title"]) for row in rows] == [("1", "review", "Purchasing")]


def test_a_typo_on_a_custom_type_is_an_unknown_key_with_its_line(repo: QmsRepo) -> None:
    repo.edit("qms.yml", "people: manual/people.yml\n", "people: manual/people.yml\ntypes:\n  policy:\n"
              "    folder: policies\n    id_pattern: 'POL-\\d{2}'\n    extra_keys: [scope]\n")
    repo.write("policies/pol-01-privacy.md", """\
        ---
        id: POL-01
        title: Privacy
        type: policy
        revision: 1
        status: draft
        owner: quality-manager
        approvers: [director]
        scope: all offices
        referneces: [QM-01]
        ---

        # Privacy
        """)
    hit = only(repo.check(), "S001")
    assert (hit["path"], hit["line"]) == ("policies/pol-01-privacy.md", 10)
    assert hit["message"] == "unknown key 'referneces': did you mean \"references\"?"
    repo.edit("policies/pol-01-privacy.md", "referneces:", "references:")
    assert_clean(repo)


def test_a_custom_record_kind_is_strict_unless_it_declares_its_keys(repo: QmsRepo) -> None:
    repo.edit("qms.yml", "people: manual/people.yml\n",
              "people: manual/people.yml\nrecord_kinds: [audit, calibration]\n")
    repo.write("records/2026/rec-2026-002-calibration.md", """\
        ---
        id: REC-2026-002
        title: Calibration of the scale
        type: record
        kind: calibration
        procedure: QP-01
        date: 2026-03-11
        owner: quality-manager
        status: closed
        retention: 3y
        instrument: scale 3
        ---

        # Calibration
        """)
    hit = only(repo.check(), "S001")
    assert (hit["line"], hit["message"]) == (11, "unknown key 'instrument'")
    assert "record_kind_keys.calibration" in hit["hint"]
    repo.edit("qms.yml", "record_kinds:", "record_kind_keys: {calibration: [instrument]}\nrecord_kinds:")
    assert_clean(repo)


def test_the_schema_of_qms_yml_takes_the_new_settings(tmp_path: Path) -> None:
    repo = QmsRepo(tmp_path)
    repo.write("qms.yml", QMS_YML + MAPPING + 'not_controlled: ["**/README.md"]\n'
               "types:\n  sop: {paths: [\"sops/*.md\"], id_pattern: 'SOP-\\d{3}', extra_keys: [scope]}\n")
    repo.write("sops/README.md", "# SOPs\n")
    assert_clean(repo)
    repo.write("qms.yml", QMS_YML + "front_matter:\n  status: {approved: efective}\n")
    run = repo.qms("check")
    assert run.code == 2 and "qms.yml:8" in run.stderr + run.stdout


def test_approve_writes_the_status_where_the_file_keeps_it(git_repo: GitQmsRepo) -> None:
    """A file that says `state:` (mapped to status) is approved in `state:`, never given a second status key."""
    mapping = "front_matter: {keys: {documentId: id, documentTitle: title, state: status}}\n"
    git_repo.write("qms.yml", git_repo.read("qms.yml") + mapping)
    git_repo.write("procedures/qp-02-purchasing.md", FOREIGN.replace("status: in_review", "state: review"))
    git_repo.commit("Purchasing, for review", who="li-na")
    run = git_repo.qms_as("chen-jing", "approve", "QP-02")
    assert run.code == 0, run.stderr
    text = git_repo.read("procedures/qp-02-purchasing.md")
    assert "\nstate: effective\n" in text and "\nstatus:" not in text
    run = git_repo.check()
    assert (run.code, run.findings) == (0, []), run.findings
