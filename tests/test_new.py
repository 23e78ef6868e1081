"""`qms new`: the next free id, defaults from qms.yml, templates overridden by the repository, in a sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from qmsrepo import QMS_YML, QmsRepo, assert_clean
from scaffolding import User, files_under

from qms.text.dates import current_day

DEFAULTS = QMS_YML + """\
defaults:
  procedure: {owner: document-controller, approvers: [quality-manager]}
  record: {retention: 5y}
"""


@pytest.fixture
def office(tmp_path: Path) -> QmsRepo:
    repo = QmsRepo(tmp_path / "office")
    repo.write("qms.yml", DEFAULTS)
    return repo


def test_procedure_gets_the_next_id_and_the_defaults(office: QmsRepo) -> None:
    run = office.qms("new", "procedure", "--title", "Complaints: handling & replies")
    assert run.code == 0, run.stderr
    path = "procedures/qp-02-complaints-handling-replies.md"
    assert run.stdout.splitlines()[0] == f"Created {path} (QP-02)."
    assert "ask a holder of quality-manager to run: qms approve QP-02" in run.stdout
    text = office.read(path)
    assert text.startswith("---\nid: QP-02\ntitle: 'Complaints: handling & replies'\ntype: procedure\nrevision: 1\n"
                           "status: draft\nowner: document-controller\napprovers: [quality-manager]\n")
    assert "\n# Complaints: handling & replies\n" in text
    assert_clean(office)
    assert office.qms("new", "procedure", "--title", "Purchasing").stdout.startswith("Created procedures/qp-03-purchasing.md")


def test_work_instruction_is_numbered_under_its_parent(tmp_path: Path) -> None:
    user = User(tmp_path / "home")
    assert user.qms("init", "office", "--example", cwd=tmp_path).code == 0
    root = tmp_path / "office"
    first = user.qms("new", "work-instruction", "--parent", "QP-07", "--title", "Restoring a Backup", cwd=root)
    second = user.qms("new", "work-instruction", "--parent", "QP-07", "--title", "Replacing a Disk", cwd=root)
    assert first.stdout.startswith("Created procedures/wi-07-02-restoring-a-backup.md (WI-07-02).")
    assert second.stdout.startswith("Created procedures/wi-07-03-replacing-a-disk.md (WI-07-03).")
    text = (root / "procedures/wi-07-03-replacing-a-disk.md").read_text(encoding="utf-8")
    # A work instruction takes its procedure's owner and approvers when qms.yml names none.
    assert "owner: it-head\napprovers: [management-representative]\nparent: QP-07\nreferences: [QP-07]\n" in text
    assert "under [[QP-07]] (Computer Equipment and Network Control Procedure)" in text
    form = user.qms("new", "form", "--parent", "QP-11", "--title", "Severity checklist", cwd=root)
    assert form.stdout.startswith("Created procedures/f-11-02-severity-checklist.md (F-11-02).")
    check = user.qms("check", "--format", "json", cwd=root)
    # The example is the sample office, with the two duties it shows on purpose (README): nothing from `qms new`.
    assert check.code == 0
    assert [(f["code"], f["path"]) for f in check.findings] == [
        ("U016", "records/2025/rec-2025-008-fire-drill.md"), ("U010", "records/2026/rec-2026-010-ca-one-room-diary.md")]
    orphan = user.qms("new", "work-instruction", "--title", "No parent", cwd=root)
    assert orphan.code == 2 and "name the parent with --parent" in orphan.stderr


def test_record_form_for_a_nonconformity(office: QmsRepo) -> None:
    run = office.qms("new", "record", "--kind", "nonconformity", "--procedure", "QP-01", "--title", "Late reply")
    assert run.code == 0, run.stderr
    year = current_day().year
    path = f"records/{year}/rec-{year}-002-late-reply.md"
    assert run.stdout.startswith(f"Created {path} (REC-{year}-002).")
    text = office.read(path)
    assert text.startswith(f"---\nid: REC-{year}-002\ntitle: Late reply\ntype: record\nkind: nonconformity\n"
                           f"procedure: QP-01\ndate: {current_day().isoformat()}\nowner: document-controller\n"
                           "status: open\nretention: 5y\nseverity: minor\n")
    assert "## Immediate correction" in text and "under [[QP-01]] (Document Control)" in text
    assert_clean(office)
    bad = office.qms("new", "record", "--kind", "complaint", "--procedure", "QP-01", "--title", "x")
    assert bad.code == 2 and "'complaint' is not a record kind of this QMS. The kinds are audit, nonconformity" in bad.stderr
    missing = office.qms("new", "record", "--kind", "audit", "--procedure", "QP-99", "--title", "x")
    assert missing.code == 2 and "--procedure QP-99: QP-99 is not a document in this repository" in missing.stderr


def test_repository_template_overrides_the_shipped_one(office: QmsRepo) -> None:
    office.write("templates/procedure.md.j2", """\
        ---
        id: {{ id }}
        title: {{ title | yaml }}
        type: procedure
        revision: {{ revision }}
        status: draft
        owner: {{ owner }}
        approvers: {{ approvers | yaml }}
        ---

        # {{ title }} ({{ organisation }} house style)
        """)
    run = office.qms("new", "procedure", "--title", "Audits", "--owner", "quality-manager", "--approver", "director")
    assert run.code == 0, run.stderr
    text = office.read("procedures/qp-02-audits.md")
    assert "# Audits (Test Office house style)" in text and "owner: quality-manager\napprovers: [director]" in text


def test_unknown_role_and_taken_id_are_refused(office: QmsRepo) -> None:
    role = office.qms("new", "procedure", "--title", "X", "--owner", "janitor")
    assert role.code == 2 and "janitor is not a role in manual/roles.yml" in role.stderr
    taken = office.qms("new", "procedure", "--title", "X", "--id", "QP-01")
    assert taken.code == 2 and "--id QP-01 is taken" in taken.stderr


def test_template_giving_invalid_front_matter_writes_nothing(office: QmsRepo) -> None:
    office.write("templates/procedure.md.j2", "---\nid: {{ id }}\ntitle: {{ title }}\n---\n")
    before = files_under(office.root)
    run = office.qms("new", "procedure", "--title", "Backup: daily")
    assert run.code == 2
    assert run.stderr.startswith("qms: error: templates/procedure.md.j2 gives a document that")
    assert files_under(office.root) == before


def test_template_syntax_error_names_file_and_line(office: QmsRepo) -> None:
    office.write("templates/procedure.md.j2", "---\nid: {{ id }}\n{% if %}\n---\n")
    run = office.qms("new", "procedure", "--title", "X")
    assert run.code == 2
    assert "templates/procedure.md.j2:3: " in run.stderr and "Traceback" not in run.stderr


ESCAPES = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__.os }}",
    "context": "{{ self._TemplateReference__context }}",
    "popen": "{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}",
    "format": "{{ '{0.__class__.__init__.__globals__}'.format('') }}",
    "namespace": "{{ namespace.__init__.__globals__ }}",
    "power": "{{ 9 ** 999999999 }}",
    "repeat": "{{ 'x' * 1000000000 }}",
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_sandbox_refuses_escapes(office: QmsRepo, name: str) -> None:
    office.write("templates/procedure.md.j2", f"---\nid: {{{{ id }}}}\n---\n\n{ESCAPES[name]}\n")
    before = files_under(office.root)
    run = office.qms("new", "procedure", "--title", "X")
    assert run.code == 2, run.stdout + run.stderr
    assert run.stderr.startswith("qms: error: templates/procedure.md.j2:5: ")
    assert "sandbox" in run.stderr or "unsafe" in run.stderr or "not allowed" in run.stderr
    assert "Traceback" not in run.stderr and "<class" not in run.stderr + run.stdout
    assert files_under(office.root) == before
    assert not (office.root / "PWNED").exists()


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../../../../etc/passwd", "../qms.yml"])
def test_includes_cannot_read_outside_the_templates(office: QmsRepo, target: str) -> None:
    office.write("templates/procedure.md.j2", f"---\nid: {{{{ id }}}}\n---\n\n{{% include '{target}' %}}\n")
    run = office.qms("new", "procedure", "--title", "X")
    assert run.code == 2
    assert f"templates/procedure.md.j2:5: includes '{target}', which is not a template" in run.stderr
    assert "root:" not in run.stdout + run.stderr and "organisation" not in run.stdout + run.stderr


def test_a_symlink_in_templates_does_not_lead_outside(office: QmsRepo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE\n", encoding="utf-8")
    office.write("templates/procedure.md.j2", "---\nid: {{ id }}\n---\n\n{% include 'notes.j2' %}\n")
    os.symlink(secret, office.root / "templates/notes.j2")
    run = office.qms("new", "procedure", "--title", "X")
    assert run.code == 2
    assert "templates/procedure.md.j2:5: includes 'notes.j2'" in run.stderr
    assert "TOP-SECRET-VALUE" not in run.stdout + run.stderr
    assert not list((office.root / "procedures").glob("qp-02*"))


def test_id_patterns_it_cannot_count_ask_for_an_id(office: QmsRepo) -> None:
    office.write("qms.yml", DEFAULTS + "types:\n  procedure: {folder: procedures, id_pattern: 'QP-[A-Z]{2}'}\n")
    office.edit("procedures/qp-01-document-control.md", "id: QP-01", "id: QP-AA")
    office.edit("manual/qm-01-quality-manual.md", "[[QP-01]]", "[[QP-AA]]")
    office.edit("records/2026/rec-2026-001-audit.md", "procedure: QP-01", "procedure: QP-AA")
    run = office.qms("new", "procedure", "--title", "X")
    assert run.code == 2
    assert "qms new cannot number ids of the pattern 'QP-[A-Z]{2}'" in run.stderr and "--id" in run.stderr
    given = office.qms("new", "procedure", "--title", "Purchasing", "--id", "QP-AB")
    assert given.code == 0, given.stderr
    assert given.stdout.startswith("Created procedures/qp-ab-purchasing.md (QP-AB).")
    assert_clean(office)
