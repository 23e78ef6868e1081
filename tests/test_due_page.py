"""The site's "Due and overdue" page and audit programme: internal pages with names and roles only, never
on a public site. The plugin's events in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo

CA = """\
---
id: REC-2026-003
title: Corrective action, late distribution
type: record
kind: corrective-action
procedure: QP-01
date: 2026-03-20
owner: document-controller
status: open
retention: 3y
due: 2026-06-30
---

# Corrective action
"""

MKDOCS = "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - qms\n"


@pytest.fixture
def office(git_repo: GitQmsRepo, monkeypatch: pytest.MonkeyPatch) -> GitQmsRepo:
    pytest.importorskip("mkdocs")
    git_repo.write("records/2026/rec-2026-003-ca.md", CA)
    git_repo.write("portal/index.md", "# Home\n")
    git_repo.write("mkdocs.yml", MKDOCS)
    git_repo.commit("A corrective action and the site", who="li-na")
    monkeypatch.setenv("QMS_AS_OF", "2026-07-02")
    return git_repo


def plugin_pages(root: Path) -> tuple[list, dict[str, str | None]]:
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(config_file=str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    pages = {}
    for name in ("due.md", "audit-programme.md"):
        page = files.get_file_from_path(name)
        pages[name] = page.content_string if page is not None else None
    return config.nav, pages


def test_the_due_page_lists_duties_with_names_and_roles_only(office: GitQmsRepo) -> None:
    nav, pages = plugin_pages(office.root)
    page = pages["due.md"]
    assert page is not None and page.startswith("# Due and overdue")
    assert "| 2026-06-30 | **overdue** | Corrective action | REC-2026-003 " in page
    assert "Li Na" in page and "Document Controller" in page
    assert "@" not in page and "office.example" not in page, "no email addresses"
    assert "due.md" in str(nav)


def test_the_audit_programme_shows_the_plan_and_what_was_done(office: GitQmsRepo) -> None:
    office.edit("records/2026/rec-2026-001-audit.md", "auditors: [wang-li]", "auditors: [wang-li]\nprocedures: [QP-01]")
    office.commit("The audit covered QP-01", who="chen-jing")
    _, pages = plugin_pages(office.root)
    page = pages["audit-programme.md"]
    assert page is not None
    assert "| QP-01 Document Control | 2026-03-10 (REC-2026-001) | 2027-03-10 |  |" in page


def test_a_public_site_has_neither_page(office: GitQmsRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_PUBLIC", "1")
    nav, pages = plugin_pages(office.root)
    assert pages == {"due.md": None, "audit-programme.md": None}
    assert "due.md" not in str(nav) and "audit-programme.md" not in str(nav)


def test_the_roster_gives_the_due_page_names_and_nothing_else(office: GitQmsRepo) -> None:
    """A person's forge handle, signing key and e-mail are in the roster, never on the page nor the job summary."""
    office.edit("manual/people.yml", "emails: [li.na@office.example]",
                "emails: [li.na@office.example, lina.home@private.example]\n    handle: \"@lina-gh\"\n"
                "    signing_keys: [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIlinaskey\"]")
    _, pages = plugin_pages(office.root)
    summary = office.qms("due", "--as-of", "2026-07-02", "--format", "markdown")
    assert summary.code == 0, summary.stderr
    for text in (pages["due.md"], summary.stdout):
        assert text is not None and "| Li Na | Document Controller |" in text
        for personal in ("lina-gh", "AAAAC3", "private.example", "office.example", "li-na"):
            assert personal not in text, personal
