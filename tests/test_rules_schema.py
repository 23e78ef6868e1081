"""Schema rules S001-S002: front-matter, roles registry and people roster match their schemas."""

from __future__ import annotations

import json

import pytest
from qmsrepo import QmsRepo, assert_clean, failing, find, only

MANUAL = "manual/qm-01-quality-manual.md"
PROC = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"
ROLES = "manual/roles.yml"
PEOPLE = "manual/people.yml"

STATUS_MESSAGE = (
    'status must be one of draft, review, effective, obsolete (found "efective": did you mean "effective"?)'
)


def s001(repo: QmsRepo) -> dict:
    """The one S001 finding, after checking the run failed with nothing else."""
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"S001"}
    return only(run, "S001")


# --- S001 schema: front-matter of documents and records


@pytest.mark.parametrize(
    ("rel", "line_text", "key"),
    [
        (PROC, "title: Document Control\n", "title"),
        (PROC, "owner: document-controller\n", "owner"),
        (MANUAL, "approvers: [director]\n", "approvers"),
        (REC, "date: 2026-03-10\n", "date"),
        (REC, "retention: 3y\n", "retention"),
    ],
)
def test_required_key_missing(repo: QmsRepo, rel: str, line_text: str, key: str) -> None:
    """A required key was deleted: the finding points at the opening `---` line."""
    repo.edit(rel, line_text, "")
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (rel, 1)
    assert hit["message"] == f"required key '{key}' is missing"


def test_missing_record_procedure(repo: QmsRepo) -> None:
    """A record that does not say which procedure it is evidence for."""
    repo.edit(REC, "procedure: QP-01\n", "")
    hit = failing(repo, "S001")
    assert (hit["path"], hit["line"]) == (REC, 1)
    assert hit["message"] == "required key 'procedure' is missing"


def test_text_where_a_list_is_expected(repo: QmsRepo) -> None:
    """`approvers: director` instead of a list: the message shows how to write the list."""
    repo.edit(MANUAL, "approvers: [director]", "approvers: director")
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (MANUAL, 8)
    assert (hit["message"], hit["hint"]) == ('approvers must be a list (found "director")', "write it as a list: [director]")


def test_status_typo_suggests_closest(repo: QmsRepo) -> None:
    """`status: efective` is not a status; the message lists the choices and suggests `effective`."""
    repo.edit(PROC, "status: effective", "status: efective")
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (PROC, 6)
    assert STATUS_MESSAGE in hit["message"]


def test_record_status_of_a_document(repo: QmsRepo) -> None:
    """A record given a document status: records are only open or closed."""
    repo.edit(REC, "status: closed", "status: effective")
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (REC, 9)
    assert 'status must be one of open, closed (found "effective")' in hit["message"]


@pytest.mark.parametrize(
    ("rel", "old", "new", "line", "key"),
    [
        (PROC, "effective: 2026-02-01", "effective: 2026-02-30", 9, "effective"),
        (REC, "date: 2026-03-10", "date: 2026-13-01", 7, "date"),
        (REC, "date: 2026-03-10", "date: 2026/03/10", 7, "date"),
    ],
)
def test_not_a_calendar_date(repo: QmsRepo, rel, old, new, line, key) -> None:
    """A date that does not exist or is not written YYYY-MM-DD."""
    repo.edit(rel, old, new)
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (rel, line)
    value = new.split(": ")[1]
    assert hit["message"] == f'{key} must be a real calendar date written YYYY-MM-DD (found "{value}")'


def test_leap_day_passes(repo: QmsRepo) -> None:
    """29 February of a leap year is a real date."""
    repo.edit(PROC, "effective: 2026-02-01", "effective: 2028-02-29")
    assert_clean(repo)


def test_misspelt_key_is_unknown(repo: QmsRepo) -> None:
    """`aprovers` instead of `approvers`: the real key is missing and the typo is named."""
    repo.edit(PROC, "approvers: [quality-manager]", "aprovers: [quality-manager]")
    run = repo.check()
    assert run.code == 1
    hits = find(run, "S001")
    assert [(f["line"], f["message"]) for f in hits] == [
        (1, "required key 'approvers' is missing"),
        (8, "unknown key 'aprovers': did you mean \"approvers\"?"),
    ]


def test_extra_unknown_key(repo: QmsRepo) -> None:
    """A key no schema knows, added alongside the real ones."""
    repo.edit(PROC, "references: [QM-01]", "references: [QM-01]\nreviewer: chen-jing")
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (PROC, 12)
    assert hit["message"].startswith("unknown key 'reviewer'")


def test_unknown_document_type(repo: QmsRepo) -> None:
    """`type: procedur`: the message lists the types and suggests `procedure`."""
    repo.edit(PROC, "type: procedure", "type: procedur")
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (PROC, 4)
    assert hit["message"] == (
        "type must be one of manual, external, procedure, work-instruction, form, record "
        '(found "procedur": did you mean "procedure"?)'
    )


def test_unknown_record_kind(repo: QmsRepo) -> None:
    """`kind: audti`: the message lists the kinds from qms.yml and suggests `audit`."""
    repo.edit(REC, "kind: audit", "kind: audti")
    hit = failing(repo, "S001")
    assert (hit["path"], hit["line"]) == (REC, 5)
    assert 'kind must be one of audit, nonconformity, corrective-action' in hit["message"]
    assert '(found "audti": did you mean "audit"?)' in hit["message"]


def test_optional_keys_of_the_right_kind_pass(repo: QmsRepo) -> None:
    """Every optional document key, written as format.md describes."""
    repo.edit(PROC, "references: [QM-01]",
              'references: [QM-01]\nclauses: ["7.5.3"]\nreview_months: 24\nsupersedes: []\n'
              "distribution: [director]\nclassification: restricted")
    # A restricted procedure is not on the site, so the published manual names it without a link (R005).
    repo.edit(MANUAL, "[[QP-01]]", "QP-01")
    assert_clean(repo)


# --- S001 with a repository's own schemas/


def test_repository_schema_extends_shipped_one(repo: QmsRepo) -> None:
    """An office requires `clauses` on every procedure by extending the shipped schema."""
    override = {"allOf": [{"$ref": "urn:qmskit:shipped:procedure"}], "required": ["clauses"]}
    repo.write("schemas/procedure.schema.json", json.dumps(override))
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (PROC, 1)
    assert hit["message"] == "required key 'clauses' is missing"
    repo.edit(PROC, "references: [QM-01]", 'references: [QM-01]\nclauses: ["7.5.3"]')
    assert_clean(repo)


def test_repository_schema_still_rejects_unknown_keys(repo: QmsRepo) -> None:
    """The extended schema keeps the shipped one's refusal of unknown keys."""
    override = {"allOf": [{"$ref": "urn:qmskit:shipped:procedure"}], "required": ["clauses"]}
    repo.write("schemas/procedure.schema.json", json.dumps(override))
    repo.edit(PROC, "references: [QM-01]", 'references: [QM-01]\nclauses: ["7.5.3"]\nreviewer: chen-jing')
    hit = s001(repo)
    assert (hit["path"], hit["line"]) == (PROC, 13)
    assert hit["message"].startswith("unknown key 'reviewer'")


def test_repository_schema_allows_new_key(repo: QmsRepo) -> None:
    """An office adds its own `reviewer` key to procedures."""
    override = {
        "allOf": [{"$ref": "urn:qmskit:shipped:procedure"}],
        "properties": {"reviewer": {"type": "string"}},
    }
    repo.write("schemas/procedure.schema.json", json.dumps(override))
    repo.edit(PROC, "references: [QM-01]", "references: [QM-01]\nreviewer: chen-jing")
    assert_clean(repo)


# --- S002 registry-schema


@pytest.mark.parametrize(("rel", "what", "line"), [(ROLES, "roles registry", 5), (PEOPLE, "people roster", 6)])
def test_registry_file_missing(repo: QmsRepo, rel: str, what: str, line: int) -> None:
    """roles.yml or people.yml was deleted or moved: the finding points at its path in qms.yml."""
    repo.remove(rel)
    run = repo.check()
    assert run.code == 1
    assert run.codes() == {"S002"}
    hit = only(run, "S002")
    assert (hit["path"], hit["line"]) == ("qms.yml", line)
    assert f"the {what} '{rel}' does not exist" in hit["message"]


def test_role_without_title(repo: QmsRepo) -> None:
    """A role in the registry lacks its title."""
    repo.edit(ROLES, "    title: Quality Manager\n", "")
    hit = failing(repo, "S002")
    assert (hit["path"], hit["line"]) == (ROLES, 5)
    assert hit["message"] == "required key 'title' is missing in roles (item 2)"


@pytest.mark.parametrize(
    ("new", "phrase"),
    [
        ("emails: wang.li@office.example", 'people (item 1) > emails must be a list (found "wang.li@office.example")'),
        ("emails: [wang.li]", 'people (item 1) > emails (item 1) must be an email address (found "wang.li")'),
    ],
)
def test_person_with_invalid_emails(repo: QmsRepo, new: str, phrase: str) -> None:
    """A person's emails written as plain text, or not as an address."""
    repo.edit(PEOPLE, "emails: [wang.li@office.example]", new)
    hit = failing(repo, "S002")
    assert (hit["path"], hit["line"]) == (PEOPLE, 4)
    assert phrase in hit["message"]


def test_roles_file_that_is_a_bare_list(repo: QmsRepo) -> None:
    """roles.yml without the `roles:` key on top."""
    repo.write(ROLES, "- id: director\n  title: Director\n")
    hit = failing(repo, "S002")
    assert (hit["path"], hit["line"]) == (ROLES, 1)
    assert "must start with 'roles:' followed by a list" in hit["message"]


@pytest.mark.parametrize(("rel", "key"), [(ROLES, "roles"), (PEOPLE, "people")])
def test_registry_list_replaced_by_a_value(repo: QmsRepo, rel: str, key: str) -> None:
    """`roles: 5` or `people: 5`: reported as S002 at its line, without a crash."""
    repo.write(rel, f"{key}: 5\n")
    run = repo.check()
    assert run.code == 1
    hit = find(run, "S002")[0]
    assert (hit["path"], hit["line"]) == (rel, 1)
    assert hit["message"].startswith(f"{key} must be a list (found the number 5)")


def test_registry_with_optional_keys_passes(repo: QmsRepo) -> None:
    """Responsibilities on a role and signing keys on a person are allowed."""
    repo.edit(ROLES, "    title: Director\n", "    title: Director\n    responsibilities:\n      - Sets the policy.\n")
    repo.edit(PEOPLE, "roles: [director]", "roles: [director]\n    signing_keys: [ssh-ed25519 AAAAC3Nza wang.li]")
    assert_clean(repo)
