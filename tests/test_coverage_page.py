"""The site's "Clause coverage" page: every clause of each declared standard, with the documents addressing it.

The plugin's events in process (fast), and one real `qms build` (slow) whose page is read back as HTML.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from qmsrepo import QMS_YML, GitQmsRepo, run_qms

SOFTWARE = """\
---
id: QP-02
title: Software Development
type: procedure
revision: 1
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-02-01
clauses:
  iso13485: ["7.3"]
  iec62304: ["5.1", "5.2.1"]
---

# Software Development
"""

SECRET = """\
---
id: QP-03
title: Salaries of the design team
type: procedure
revision: 1
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-02-01
classification: restricted
clauses: {iec62304: ["9.1"]}
---

# Salaries
"""

DRAFT = SOFTWARE.replace("QP-02", "QP-04").replace("status: effective", "status: draft").replace(
    'iec62304: ["5.1", "5.2.1"]', 'iec62304: ["6.1"]')

MKDOCS = "site_name: Device maker\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - qms\n"


@pytest.fixture
def device_maker(git_repo: GitQmsRepo) -> GitQmsRepo:
    git_repo.write("qms.yml", QMS_YML + "baseline: qms-baseline\nstandards: [iso13485, iec62304]\nignore: [D007]\n"
                   'exclusions:\n  iso13485:\n    "7.5.9.2": We make no implantable devices.\n')
    git_repo.edit("manual/qm-01-quality-manual.md", 'clauses: ["4.3", "7.5"]', 'clauses: ["4.2.4"]')
    git_repo.write("procedures/qp-02-software.md", SOFTWARE)
    git_repo.write("procedures/qp-03-salaries.md", SECRET)
    git_repo.write("procedures/qp-04-maintenance.md", DRAFT)
    git_repo.write("portal/index.md", "# Home\n")
    git_repo.write("mkdocs.yml", MKDOCS)
    git_repo.commit("Software procedures", who="li-na")
    return git_repo


def plugin_pages(root: Path) -> tuple[list, dict[str, str | None]]:
    """The navigation and the generated pages as the qms plugin hands them to MkDocs."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(config_file=str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    page = files.get_file_from_path("coverage.md")
    return config.nav, {"coverage.md": page.content_string if page is not None else None}


def rows(markdown: str, standard: str) -> dict[str, list[str]]:
    """Clause -> its cells (title, status, documents), in one standard's table of the page's Markdown."""
    section = markdown.split(f"## {standard}\n", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| Clause", "| ---")):
            cells = [c.strip() for c in line[2:-2].split(" | ")]
            found[cells[0].replace("&emsp;", "")] = cells[1:]
    return found


# Each link as MkDocs writes a Markdown link from the page at coverage/ (qms.site.links).
QP02 = '<a href="../procedures/qp-02-software/">QP-02</a>'
QM01 = '<a href="../manual/qm-01-quality-manual/">QM-01</a>'


def test_the_page_lists_every_clause_of_both_standards_with_their_documents(device_maker: GitQmsRepo) -> None:
    nav, pages = plugin_pages(device_maker.root)
    registers = next(entry["Registers"] for entry in nav if "Registers" in entry)
    assert {"Clause coverage": "coverage.md"} in registers
    page = pages["coverage.md"]
    assert page is not None and page.startswith("# Clause coverage\n")
    iso = rows(page, "ISO 13485:2016")
    assert len(iso) == 85
    assert iso["7.3.2"] == ["Design and development planning", "addressed", QP02]
    assert iso["7.5.9.2"][1] == "excluded: We make no implantable devices."
    assert iso["7.5.9"][1] == "not addressed"  # 7.5.9.1 is not, though 7.5.9.2 is excluded
    assert iso["4.2.4"][2] == QM01
    iec = rows(page, "IEC 62304:2006+A1:2015")
    assert len(iec) == 123
    assert iec["5.1.12"][1:] == ["addressed", QP02]
    # The restricted procedure counts, unnamed; the draft addresses nothing.
    assert iec["9.1"][1:] == ["addressed", "1 not published"]
    assert "QP-03" not in page and "Salaries" not in page
    assert iec["6.1"][1:] == ["not addressed", ""]


def test_a_qms_that_declares_no_standard_has_no_coverage_page(git_repo: GitQmsRepo) -> None:
    git_repo.write("portal/index.md", "# Home\n")
    git_repo.write("mkdocs.yml", MKDOCS)
    git_repo.commit("Site", who="li-na")
    nav, pages = plugin_pages(git_repo.root)
    assert pages["coverage.md"] is None
    assert "Clause coverage" not in str(nav)


@pytest.mark.slow  # a real MkDocs build
def test_the_built_site_has_the_coverage_page_linking_the_documents(device_maker: GitQmsRepo) -> None:
    run = run_qms("build", cwd=device_maker.root)
    assert run.code == 0, run.stderr
    html = (device_maker.root / "site" / "coverage" / "index.html").read_text(encoding="utf-8")
    assert "ISO 13485:2016</h2>" in html
    assert "IEC 62304:2006+A1:2015</h2>" in html
    row = re.search(r"<tr>\s*<td>(?:&emsp;)*7\.3\.2</td>(.*?)</tr>", html, re.S)
    assert row is not None
    link = re.search(r'<a href="([^"]+)">QP-02</a>', row.group(1))
    assert link is not None
    target = (device_maker.root / "site" / "coverage" / unescape(link.group(1))).resolve() / "index.html"
    assert target.is_file() and "Software Development" in target.read_text(encoding="utf-8")
    assert "QP-03" not in html
    index = (device_maker.root / "site" / "index.html").read_text(encoding="utf-8")
    assert "Clause coverage" in index  # in the navigation


def test_a_public_site_counts_internal_documents_without_naming_them(device_maker: GitQmsRepo,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`qms build --public` leaves internal documents out; the clauses they address are still addressed."""
    monkeypatch.setenv("QMS_PUBLIC", "1")
    _, pages = plugin_pages(device_maker.root)
    page = pages["coverage.md"]
    assert page is not None
    assert rows(page, "ISO 13485:2016")["7.3.2"][1:] == ["addressed", "1 not published"]
    assert "QP-02" not in page and "QM-01" not in page
