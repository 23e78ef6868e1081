"""The site and `qms export` publish the same generated pages: both render them with qms.publish.generated.

In process: the qms MkDocs plugin's on_config and on_files (no build), and the export
into a folder. The site's register is an HTML table, the export's a Markdown table;
read back, they hold the same rows in the same order, linking the same documents.
"""

from __future__ import annotations

import posixpath
import re
from html import unescape
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo

from qms.commands.export import export
from qms.workspace import Workspace

WORK_INSTRUCTION = """\
---
id: WI-01-01
title: "Filing | <b>paper</b> & [scans](x.md) *now*"
type: work-instruction
revision: 3
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-02-10
---

# Filing
"""


def document(doc_id: str, title: str, status: str, extra: str = "") -> str:
    return (f"---\nid: {doc_id}\ntitle: {title}\ntype: procedure\nrevision: 1\nstatus: {status}\n"
            f"owner: quality-manager\napprovers: [director]\neffective: 2025-06-01\n{extra}---\n\n# {title}\n")


@pytest.fixture
def sample(git_repo: GitQmsRepo) -> GitQmsRepo:
    git_repo.write("procedures/wi-01-01-filing.md", WORK_INSTRUCTION)
    git_repo.write("procedures/qp-02-old-filing.md", document("QP-02", "Old filing", "obsolete", "superseded_by: QP-01\n"))
    git_repo.write("procedures/qp-03-salaries.md", document("QP-03", "Salaries", "effective", "classification: restricted\n"))
    git_repo.write("procedures/qp-04-new-filing.md", document("QP-04", "New filing", "draft"))
    git_repo.write("portal/index.md", "# Home\n")
    git_repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - qms\n")
    git_repo.commit("More documents", who="li-na")
    return git_repo


def site_pages(root: Path) -> dict[str, str]:
    """The generated pages as the qms plugin hands them to MkDocs."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    config = load_config(config_file=str(root / "mkdocs.yml"))
    config = config.plugins.on_config(config)  # the events as mkdocs build runs them, for the one plugin, qms
    files = config.plugins.on_files(get_files(config), config=config)
    return {name: files.get_file_from_path(name).content_string for name in ("register.md", "records.md", "roles.md")}


def site_register(markdown: str) -> list[list[str]]:
    """Each row of the site's HTML register: the linked document's path, then every column as text."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", markdown.split("<tbody>")[1]):
        cells = re.findall(r"<td>(.*?)</td>", row)
        href, doc_id = re.fullmatch(r'<a href="([^"]+)">(.*)</a>', cells[0]).groups()
        path = posixpath.normpath(posixpath.join("register/", unescape(href))) + ".md"  # ../procedures/x/ -> procedures/x.md
        rows.append([path, unescape(doc_id), *map(unescape, cells[1:])])
    return rows


def markdown_links(markdown: str, page_url: str) -> str:
    """The site's anchors (`<a href="../procedures/x/">ID</a>` on the page at `page_url`) as the export's links."""
    def link(m: re.Match[str]) -> str:
        path = posixpath.normpath(posixpath.join(page_url, unescape(m.group(1)))) + ".md"
        return f"[{m.group(2)}]({path})"

    return re.sub(r'<a href="([^"]+)">(.*?)</a>', link, markdown)


def export_register(markdown: str) -> list[list[str]]:
    """Each row of the export's Markdown register, read the same way."""
    lines = [line for line in markdown.splitlines() if line.startswith("| ")][2:]  # after the heads and the rule
    rows = []
    for line in lines:
        cells = line[2:-2].split(" | ")  # a value's own "|" is written &#124;, so it never splits a cell
        doc_id, path = re.fullmatch(r"\[(.*)\]\((.*)\)", cells[0]).groups()
        rows.append([path, unescape(doc_id), *map(unescape, cells[1:])])
    return rows


@pytest.mark.parametrize("audit", [False, True])
def test_site_and_export_registers_hold_the_same_rows(sample: GitQmsRepo, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, audit: bool) -> None:
    monkeypatch.delenv("QMS_AUDIT", raising=False)
    if audit:
        monkeypatch.setenv("QMS_AUDIT", "1")
    site = site_pages(sample.root)
    export(Workspace.open(sample.root), tmp_path / "export", audit=audit)
    exported = {name: (tmp_path / "export" / name).read_text(encoding="utf-8")
                for name in ("register.md", "records.md", "roles.md")}

    on_site, in_export = site_register(site["register.md"]), export_register(exported["register.md"])
    assert on_site == in_export
    ids = ["QM-01", "QP-01", *(["QP-02"] if audit else []), "WI-01-01"]  # never the draft QP-04 or the restricted QP-03
    assert [row[1] for row in on_site] == ids
    filing = next(row for row in on_site if row[1] == "WI-01-01")
    assert filing == ["procedures/wi-01-01-filing.md", "WI-01-01", "Filing | <b>paper</b> & [scans](x.md) *now*",
                      "work-instruction", "3", "effective", "2026-02-10", "Document Controller", "2027-02-10"]
    assert '<table class="qms-sortable qms-register">' in site["register.md"]

    # The records register is the same Markdown on both but for the site's links, written as the anchors MkDocs
    # would make (qms.site.links); the roles matrix differs also by the site's role tags.
    assert markdown_links(site["records.md"], "records/") == exported["records.md"] != site["records.md"]
    assert "[REC-2026-001](records/2026/rec-2026-001-audit.md)" in exported["records.md"]
    untagged = re.sub(r'<span class="qms-role" data-qms-role="[^"]*">(.*?)</span>', r"\1", site["roles.md"])
    assert markdown_links(untagged, "roles/") == exported["roles.md"]
    assert untagged != site["roles.md"]
