"""Reference rules R001-R005: ids and links resolve, effective documents rely only on documents in force,
and published pages link only to published ones."""

from __future__ import annotations

import pytest
from qmsrepo import QmsRepo, assert_clean, failing, find, only

MANUAL = "manual/qm-01-quality-manual.md"
PROC = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"

QP02 = """\
---
id: QP-02
title: Control of Records
type: procedure
revision: 1
status: {status}
owner: document-controller
approvers: [quality-manager]
effective: 2026-04-01
{extra}
---

# Control of Records
"""

CORRECTIVE_ACTION = """\
---
id: REC-2026-002
title: Corrective action for the audit finding
type: record
kind: corrective-action
procedure: QP-01
date: 2026-03-20
owner: quality-manager
status: open
retention: 3y
nonconformity: {target}
---
"""


def qp02(status: str = "effective", extra: str = "") -> str:
    return QP02.format(status=status, extra=extra)


def add_to_body(repo: QmsRepo, text: str) -> None:
    """Put `text` in the procedure's body from line 16 on (the existing link moves down)."""
    repo.edit(PROC, "See the", f"{text}\n\nSee the")


# --- R001 unresolved-reference


@pytest.mark.parametrize(
    ("rel", "old", "new", "line", "key", "target"),
    [
        (PROC, "references: [QM-01]", "references:\n  - QM-01\n  - QM-09", 13, "references", "QM-09"),
        (PROC, "references: [QM-01]", "references: [QM-01]\nsupersedes: [QP-98]", 12, "supersedes", "QP-98"),
        (REC, "procedure: QP-01", "procedure: QP-99", 6, "procedure", "QP-99"),
        (REC, "retention: 3y", "retention: 3y\ncorrects: REC-2026-009", 11, "corrects", "REC-2026-009"),
    ],
)
def test_front_matter_id_names_nothing(repo: QmsRepo, rel, old, new, line, key, target) -> None:
    """A front-matter key names an id no document or record has (typo or withdrawn document)."""
    repo.edit(rel, old, new)
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"R001"}
    hit = only(run, "R001")
    assert (hit["path"], hit["line"]) == (rel, line)
    assert f'{key}: "{target}" is not the id of any document or record' in hit["message"]


def test_superseded_by_names_nothing(repo: QmsRepo) -> None:
    """An obsolete document names a successor that does not exist."""
    repo.write("procedures/qp-02-records.md", qp02("obsolete", "superseded_by: QP-77"))
    hit = failing(repo, "R001")
    assert (hit["path"], hit["line"]) == ("procedures/qp-02-records.md", 10)
    assert 'superseded_by: "QP-77" is not the id' in hit["message"]


def test_corrective_action_names_missing_nonconformity(repo: QmsRepo) -> None:
    """A corrective action answers a nonconformity record that was never filed."""
    rel = "records/2026/rec-2026-002-ca.md"
    repo.write(rel, CORRECTIVE_ACTION.format(target="REC-2026-050"))
    run = repo.check()
    assert run.code == 1
    hit = only(run, "R001")
    assert (hit["path"], hit["line"]) == (rel, 11)
    assert 'nonconformity: "REC-2026-050" is not the id' in hit["message"]


@pytest.mark.parametrize("successor", ["none", "QP-01"])
def test_obsolete_with_existing_successor_or_none_passes(repo: QmsRepo, successor: str) -> None:
    """`superseded_by: none` (withdrawn) and an existing successor both resolve."""
    repo.write("procedures/qp-02-records.md", qp02("obsolete", f"superseded_by: {successor}"))
    assert_clean(repo)


def test_references_to_existing_records_pass(repo: QmsRepo) -> None:
    """A corrective action naming an existing record in nonconformity, corrects and references."""
    text = CORRECTIVE_ACTION.format(target="REC-2026-001")
    repo.write("records/2026/rec-2026-002-ca.md",
               text.replace("retention: 3y", "retention: 3y\ncorrects: REC-2026-001\nreferences: [QM-01]"))
    assert_clean(repo)


# --- R002 unresolved-link-id


def test_body_id_link_names_nothing(repo: QmsRepo) -> None:
    """`[[QP-99]]` in the text sends staff to a document that does not exist."""
    add_to_body(repo, "Complaints are handled under [[QP-99]].")
    run = repo.check()
    assert run.code == 1
    hit = only(run, "R002")
    assert (hit["path"], hit["line"]) == (PROC, 16)
    assert "[[QP-99]] names no document or record" in hit["message"]


def test_body_id_link_typo_suggests_the_id(repo: QmsRepo) -> None:
    """`[[REC-2026-002]]` for REC-2026-001: an id of the right form that names nothing is R002, with a suggestion."""
    add_to_body(repo, "See [[REC-2026-002]].")
    hit = failing(repo, "R002")
    assert hit["line"] == 16
    assert 'did you mean "REC-2026-001"?' in hit["message"]


def test_text_close_to_an_id_is_a_warning_not_r002(repo: QmsRepo) -> None:
    """`[[QM-1]]` matches no id pattern, so it is text, not a reference; being one digit from QM-01, it is R009."""
    add_to_body(repo, "See [[QM-1]].")
    run = repo.check()
    assert run.code == 0 and "R002" not in run.codes()
    hit = only(run, "R009")
    assert (hit["path"], hit["line"], hit["severity"]) == (PROC, 16, "warning")
    assert 'did you mean "QM-01"?' in hit["message"] and "shown as text" in hit["message"]


@pytest.mark.parametrize("text", [
    "Sources: [[1]](https://example.com/source) and [[2]](https://example.com/other).",
    "A note [[62304:4.3.a]] and a remark [[not an id]].",
    "A link whose text is an id: [[QP-03]](https://example.com/qp-03), [[QP-04]][ref].\n\n[ref]: https://example.com",
    "> Cargo.lock:\n>\n> ```toml\n> [[package]]\n> name = \"qms\"\n> ```",
    "- Cargo.lock:\n  ```toml\n  [[package]]\n  ```\n- ```toml\n  [[package.QP-97]]\n  ```",
    "> - in a list in a quote:\n>   ```\n>   [[QP-98]]\n>   ```",
])
def test_double_brackets_that_name_no_document_are_text(repo: QmsRepo, text: str) -> None:
    """Citations, notes, link texts and code in quoted or listed fences: no finding, and the check passes."""
    add_to_body(repo, text)
    assert_clean(repo)


def test_a_quoted_fence_ends_with_its_quote(repo: QmsRepo) -> None:
    """A fence left open in a quote ends where the quote ends: what follows is prose again."""
    add_to_body(repo, "> ```\n> [[QP-97]]\n\nThen [[QP-99]].")
    hit = failing(repo, "R002")
    assert (hit["line"], hit["message"].split()[0]) == (19, "[[QP-99]]")


def test_body_id_links_in_code_are_not_references(repo: QmsRepo) -> None:
    """A how-to shows the `[[QP-99]]` syntax in inline code and fenced blocks: nothing is reported."""
    add_to_body(repo, "Write `[[QP-99]]` to link.\n\n```markdown\n[[QP-98]]\n```\n\n~~~\n[[QP-97]]\n~~~")
    assert_clean(repo)


def test_longer_fence_shows_a_fenced_example(repo: QmsRepo) -> None:
    """A guide uses a ```` block to show a ``` block: everything inside is code, until ```` closes it."""
    add_to_body(repo, "````markdown\n```\n[[QP-99]]\n```python\n````\n\n[[QP-98]]")
    hit = failing(repo, "R002")
    assert (hit["path"], hit["line"]) == (PROC, 22)
    assert hit["message"].startswith("[[QP-98]]")


def test_body_id_link_to_record_passes(repo: QmsRepo) -> None:
    """`[[REC-2026-001]]` names an existing record."""
    add_to_body(repo, "The last audit is [[REC-2026-001]].")
    assert_clean(repo)


# --- R003 broken-link


def test_relative_link_to_missing_file(repo: QmsRepo) -> None:
    """A form was renamed and the link in the procedure was not updated."""
    add_to_body(repo, "Use [the form](f-01-01-request.md).")
    run = repo.check()
    assert run.code == 1
    hit = only(run, "R003")
    assert (hit["path"], hit["line"]) == (PROC, 16)
    expected = 'the link "f-01-01-request.md" points to procedures/f-01-01-request.md, which does not exist'
    assert hit["message"] == expected


def test_relative_link_in_angle_brackets_to_missing_file(repo: QmsRepo) -> None:
    """A link to a file name with spaces, written `<...>`, whose file is missing."""
    add_to_body(repo, "Use [the form](<request form.md>).")
    hit = failing(repo, "R003")
    assert (hit["path"], hit["line"]) == (PROC, 16)
    assert "procedures/request form.md, which does not exist" in hit["message"]


def test_relative_link_outside_repository(repo: QmsRepo) -> None:
    """A link climbs out of the repository to an uncontrolled file."""
    add_to_body(repo, "Old copy: [here](../../shared/qp-01.md).")
    hit = failing(repo, "R003")
    assert (hit["path"], hit["line"]) == (PROC, 16)
    assert 'the link "../../shared/qp-01.md" points outside the repository' in hit["message"]


def test_web_links_anchors_and_existing_files_pass(repo: QmsRepo) -> None:
    """Web and mail links, same-page anchors and links to existing files (with #heading) are fine."""
    repo.write("procedures/assets/flow.png", b"\x89PNG\r\n")
    add_to_body(repo, "[site](https://example.org/x.md), [mail](mailto:qa@office.example), "
                      "[top](#document-control), [self](qp-01-document-control.md#scope), "
                      "![flow](assets/flow.png), [manual](<../manual/qm-01-quality-manual.md>)")
    assert_clean(repo)


# --- R004 relies-on-uncontrolled


def test_effective_relies_on_first_draft(repo: QmsRepo) -> None:
    """The effective manual links to QP-01, which has never been approved (revision 1, draft)."""
    repo.edit(PROC, "revision: 2", "revision: 1")
    repo.edit(PROC, "status: effective", "status: draft")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"R004"}
    hit = only(run, "R004")
    assert (hit["path"], hit["line"]) == (MANUAL, 15)
    assert "this effective document relies on QP-01, which is draft" in hit["message"]


def test_effective_relies_on_document_in_review_by_references_and_link(repo: QmsRepo) -> None:
    """QP-01 is effective but lists and links the manual, whose first revision is still in review."""
    repo.edit(MANUAL, "status: effective", "status: review")
    run = repo.check()
    assert run.code == 1
    hits = find(run, "R004")
    assert [(f["path"], f["line"]) for f in hits] == [(PROC, 11), (PROC, 16)]
    assert all("relies on QM-01, which is review" in f["message"] for f in hits)


def test_effective_relies_on_obsolete_document(repo: QmsRepo) -> None:
    """QP-01 was withdrawn in favour of QP-02, but the manual still sends staff to QP-01."""
    repo.edit(PROC, "status: effective", "status: obsolete\nsuperseded_by: QP-02")
    repo.write("procedures/qp-02-records.md", qp02("effective", "supersedes: [QP-01]"))
    hit = failing(repo, "R004")
    assert (hit["path"], hit["line"]) == (MANUAL, 15)
    assert "relies on QP-01, which is obsolete" in hit["message"]
    assert hit["hint"] == "refer to QP-02 instead"


def test_next_revision_in_preparation_passes(repo: QmsRepo) -> None:
    """QP-01 revision 3 is in review while revision 2 stays in force: the manual may still rely on it."""
    repo.edit(PROC, "revision: 2", "revision: 3")
    repo.edit(PROC, "status: effective", "status: review")
    assert_clean(repo)


def test_supersedes_may_name_obsolete_document(repo: QmsRepo) -> None:
    """The successor names the obsolete document it replaces; that is not reliance."""
    repo.edit(PROC, "status: effective", "status: obsolete\nsuperseded_by: QP-02")
    repo.edit(MANUAL, "[[QP-01]]", "[[QP-02]]")
    repo.write("procedures/qp-02-records.md", qp02("effective", "supersedes: [QP-01]"))
    assert_clean(repo)


def test_draft_may_rely_on_drafts(repo: QmsRepo) -> None:
    """A draft referring to another draft is not in force, so R004 does not apply."""
    repo.write("procedures/qp-02-records.md", qp02("draft", "references: [QP-03]"))
    repo.write("procedures/qp-03-audit.md", qp02("draft").replace("QP-02", "QP-03"))
    assert_clean(repo)


# --- R005 links-to-unpublished


def test_effective_links_to_restricted_document(repo: QmsRepo) -> None:
    """QP-02 is effective but restricted: the site leaves it out, so QP-01's link to it would break."""
    repo.write("procedures/qp-02-records.md", qp02("effective", "classification: restricted"))
    add_to_body(repo, "Records are kept under [[QP-02]].")
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"R005"}
    hit = only(run, "R005")
    assert (hit["path"], hit["line"]) == (PROC, 16)
    assert "[[QP-02]] goes to QP-02, which the site does not publish (restricted)" in hit["message"]


def test_published_record_links_to_obsolete_procedure(repo: QmsRepo) -> None:
    """A record is published, and R004 does not look at records: R005 reports its link to a withdrawn procedure."""
    repo.write("procedures/qp-02-records.md", qp02("obsolete", "superseded_by: QP-01"))
    repo.edit(REC, "No nonconformities found.",
              "No nonconformities found.\n\nSee the [old procedure](../../procedures/qp-02-records.md).")
    hit = failing(repo, "R005")
    assert (hit["path"], hit["line"]) == (REC, 18)
    assert 'the link "../../procedures/qp-02-records.md" goes to QP-02' in hit["message"]
    assert "(obsolete)" in hit["message"]
    assert hit["hint"] == "refer to QP-01 instead"


def test_link_reported_by_r004_is_not_reported_again(repo: QmsRepo) -> None:
    """An effective document linking to a first draft is R004's finding only: one link, one finding."""
    repo.write("procedures/qp-02-records.md", qp02("draft"))
    add_to_body(repo, "Records are kept under [[QP-02]].")
    run = repo.check()
    assert [(f["code"], f["path"], f["line"]) for f in run.findings] == [("R004", PROC, 16)]


def test_links_between_published_pages_pass(repo: QmsRepo) -> None:
    """Records and effective documents linking to effective, unrestricted documents and records."""
    repo.write("procedures/qp-02-records.md", qp02("effective", "classification: internal"))
    add_to_body(repo, "Records are kept under [[QP-02]]; see [[REC-2026-001]].")
    repo.edit(REC, "No nonconformities found.", "No nonconformities found under [[QP-01]] and [[QP-02]].")
    assert_clean(repo)


def test_unpublished_pages_may_link_to_unpublished_pages(repo: QmsRepo) -> None:
    """A restricted document is not on the site, so its links to other restricted documents break nothing."""
    repo.write("procedures/qp-02-records.md", qp02("effective", "classification: restricted"))
    qp03 = qp02("effective", "classification: restricted").replace("QP-02", "QP-03")
    repo.write("procedures/qp-03-audit.md", qp03.replace("# Control of Records", "See [[QP-02]]."))
    assert_clean(repo)
