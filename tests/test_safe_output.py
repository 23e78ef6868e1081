"""Authors' text reaches the published site as text, and restricted documents do not reach it at all.

A real `qms build` of a repository whose titles, role titles, person names and
change summaries carry HTML, and which holds a restricted document with a
unique marker. The HTML is checked here; tests/browser/ loads it in Chromium.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo

QP = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
MARKER = "RESTRICTED-MARKER-5c1d9e"
RESTRICTED = f"""\
---
id: QP-02
title: Personnel files {MARKER}
type: procedure
revision: 1
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-01-01
classification: restricted
---

# Personnel files

{MARKER} salaries and home addresses.
"""


def build_hostile_site(root: Path) -> Path:
    """A git QMS with markup in every value that reaches a page, built with `qms build`; returns the site folder."""
    repo = GitQmsRepo(root)
    repo.edit(QP, "title: Document Control", f"title: '{SCRIPT}'")
    repo.edit(QP, "change: Adds electronic approval.", f"change: '{IMG} [[QP-01]]'")
    repo.edit(REC, "title: Internal audit of document control", f"title: '{SCRIPT} audit | pipe'")
    repo.edit("manual/roles.yml", "title: Document Controller", f"title: '{IMG} Controller'")
    repo.edit("manual/people.yml", "name: Li Na", f"name: '{SCRIPT} Li Na'")
    repo.write("procedures/qp-02-personnel.md", RESTRICTED)
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\n"
                             "plugins:\n  - search\n  - qms\n")
    repo.commit("Hostile values", who="li-na")
    site = root.parent / "site"
    run = subprocess.run([sys.executable, "-m", "qms", "build", "--site-dir", str(site)], cwd=repo.root,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("safe-output") / "qms")


def _html_files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def test_markup_in_values_never_reaches_html_as_markup(site: Path) -> None:
    pages = _html_files(site)
    raw = {name for name, html in pages.items() if SCRIPT in html or "<img src=x" in html or "<img src=\"x\"" in html}
    assert raw == set()
    document = pages["procedures/qp-01-document-control/index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document  # the title, shown as text
    assert "&lt;img src=x onerror=" in document  # the change summary in the revision table
    assert "&lt;img src=x onerror=" in pages["roles/index.html"]  # the role title
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Li Na" in pages["roles/index.html"]  # a holder's name
    assert "&lt;script&gt;alert(1)&lt;/script&gt; audit" in pages["records/index.html"]  # a record's title
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["register/index.html"]


def test_restricted_document_reaches_no_output_file(site: Path) -> None:
    """Not a page, not the register, not the navigation, not the search index, not the sitemap."""
    files = [p for p in site.rglob("*") if p.is_file()]
    assert (site / "search" / "search_index.json").is_file()
    assert [p.relative_to(site).as_posix() for p in files if MARKER.encode() in p.read_bytes()] == []
    assert [p.relative_to(site).as_posix() for p in files if b"qp-02-personnel" in p.read_bytes()] == []
