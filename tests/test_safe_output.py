"""Authors' text reaches the published site, the Markdown export and PDFs as text; restricted documents reach none.

A real `qms build`, `qms export` and `qms pdf --all` of a repository whose titles,
role titles, person names, record kinds and change summaries carry HTML, Markdown
links, table pipes and line breaks, and which holds a restricted document with a
unique marker. The HTML is checked here; tests/browser/ loads it in Chromium.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, run_qms

QP = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
MARKER = "RESTRICTED-MARKER-5c1d9e"
# Values that try to end a table cell or row, or to become a link, in generated Markdown.
TABLE_BREAKER = 'Pipe | cell\\n\\n| x | y |\\n[click](javascript:alert(3)) ![i](x.png) a\\\\| **bold**'
HOSTILE_RECORD = f"""\
---
id: REC-2026-002
title: "{TABLE_BREAKER}"
type: record
kind: audit
procedure: QP-01
date: 2026-03-11
owner: quality-manager
status: closed
retention: "3y | [x](javascript:alert(4))"
---

# A record with awkward values
"""
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
    repo.edit("manual/qm-01-quality-manual.md", "effective: 2026-01-05", f'effective: 2026-01-05\nchange: "{TABLE_BREAKER}"')
    repo.edit("manual/roles.yml", "title: Quality Manager", f'title: "Quality {TABLE_BREAKER}"')
    repo.write("records/2026/rec-2026-002-audit.md", HOSTILE_RECORD)
    repo.write("procedures/qp-02-personnel.md", RESTRICTED)
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\n"
                             "plugins:\n  - search\n  - qms\n")
    repo.commit("Hostile values", who="li-na")
    site = root.parent / "site"
    # --force: the hostile retention is a D004 error, which stops a plain build; what is published is the same.
    run = run_qms("build", "--force", "--site-dir", str(site), cwd=repo.root)
    assert run.code == 0, run.stdout + run.stderr
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("safe-output") / "qms")


def _html_files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


@pytest.mark.slow
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


@pytest.mark.slow
def test_restricted_document_reaches_no_output_file(site: Path) -> None:
    """Not a page, not the register, not the navigation, not the search index, not the sitemap."""
    files = [p for p in site.rglob("*") if p.is_file()]
    assert (site / "search" / "search_index.json").is_file()
    assert [p.relative_to(site).as_posix() for p in files if MARKER.encode() in p.read_bytes()] == []
    assert [p.relative_to(site).as_posix() for p in files if b"qp-02-personnel" in p.read_bytes()] == []


def _procedure(doc_id: str, title: str) -> str:
    return (f"---\nid: {doc_id}\ntitle: {title}\ntype: procedure\nrevision: 1\nstatus: review\n"
            "owner: document-controller\napprovers: [quality-manager]\n---\n\n# Body\n")


CODEOWNERS_NAMES = {"QP-02": "a procedure with spaces.md", "QP-03": "hash #1.md", "QP-04": "line\n/* @evil.md",
                    "QP-05": "[glob] *.md", "QP-06": "wide\u3000and\u00a0no-break space.md", "QP-07": "!not.md",
                    "QP-08": "tab\tname.md"}


def test_codeowners_never_writes_a_rule_a_path_or_handle_did_not_mean(repo) -> None:
    """Spaces, '#', globs and line breaks in file names, and handles that are not accounts, cannot add or change a rule."""
    from fnmatch import fnmatchcase

    for doc_id, name in CODEOWNERS_NAMES.items():
        repo.write(f"procedures/{name}", _procedure(doc_id, "Awkward name"))
    repo.edit("manual/people.yml", "  - id: chen-jing\n", '  - id: chen-jing\n    handle: "@chen-jing"\n')
    repo.edit("manual/people.yml", "  - id: li-na\n", '  - id: li-na\n    handle: "@li-na\\n/** @evil"\n')
    repo.edit("manual/people.yml", "  - id: wang-li\n", '  - id: wang-li\n    handle: "@wang li"\n')
    run = repo.qms("codeowners")
    assert run.code == 0, run.stderr
    lines = repo.read(".github/CODEOWNERS").splitlines()
    assert "/** @evil" not in repo.read(".github/CODEOWNERS")
    rules = [line for line in lines if line and not line.startswith("#")]
    # One rule per procedure, each of the form PATTERN @owner, and each pattern matches its own file only.
    # Names with a line break or a tab are not read at all (F001), so they reach no rule.
    readable = [n for n in CODEOWNERS_NAMES.values() if not re.search(r"[\x00-\x1f]", n)]
    assert len(rules) == 1 + len(readable) == 6
    paths = ["procedures/qp-01-document-control.md", *(f"procedures/{n}" for n in readable)]
    for rule in rules:
        pattern, owner = rule.rsplit(" ", 1)
        assert owner == "@chen-jing", rule
        assert "\\" not in pattern.replace("\\ ", "") and "#" not in pattern and "[" not in pattern
        matched = [p for p in paths if fnmatchcase("/" + p, pattern.replace("\\ ", " "))]
        assert len(matched) == 1, (rule, matched)
    # The manual's approver (wang-li) has no usable handle: a comment, on one line.
    assert "# /manual/qm-01-quality-manual.md: no holder of director has a handle in manual/people.yml" in lines
    assert repo.qms("codeowners", "--check").code == 0


@pytest.mark.parametrize("value", ["[/]", "[bold]QP-99[/bold]", "QP-99\\", "[link=https://x.example]x[/link]"])
def test_markup_in_an_error_message_prints_literally(git_repo, value: str) -> None:
    for args in (("approve", value), ("new", "procedure", "--title", "X", "--parent", value)):
        run = git_repo.qms_as("chen-jing", *args)
        assert run.code == 2, run.stderr
        assert "Traceback" not in run.stderr and "unexpected error" not in run.stderr
        assert f"{value} " in run.stderr or f"{value}:" in run.stderr, run.stderr


@pytest.fixture(scope="module")
def published(site: Path) -> dict[str, Path]:
    """The same repository exported as Markdown and printed with `qms pdf --all`."""
    root = site.parent / "qms"
    out = {"site": site, "export": site.parent / "export", "pdf": site.parent / "pdf"}
    for args in (("export", str(out["export"])), ("pdf", "--all", "--output-dir", str(out["pdf"]))):
        run = run_qms(*args, cwd=root)
        assert run.code == 0, run.stdout + run.stderr
    return out


def _pdf_text(path: Path) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


@pytest.mark.slow
def test_restricted_document_reaches_no_export_and_no_pdf(published: dict[str, Path]) -> None:
    exported = [p for p in published["export"].rglob("*") if p.is_file()]
    pdfs = sorted(published["pdf"].glob("*.pdf"))
    # Something was published, so an empty folder cannot pass.
    assert "procedures/qp-01-document-control.md" in [p.relative_to(published["export"]).as_posix() for p in exported]
    assert [p.name for p in pdfs] == ["QM-01_rev1.pdf", "QP-01_rev2.pdf"]
    assert "Document" in _pdf_text(pdfs[1])
    for path in exported + pdfs:
        assert MARKER.encode() not in path.read_bytes() and b"qp-02-personnel" not in path.read_bytes(), path
        assert "QP-02" not in path.name
    for path in pdfs:
        assert MARKER not in _pdf_text(path) and "Personnel files" not in _pdf_text(path), path


def _tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, re.S)


@pytest.mark.slow
def test_values_cannot_break_a_generated_table_or_become_markup(published: dict[str, Path]) -> None:
    site = published["site"]
    pages = _html_files(site)
    for name in ("records/index.html", "roles/index.html", "register/index.html",
                 "manual/qm-01-quality-manual/index.html"):
        tables = [t for t in _tables(pages[name]) if "<thead" in t]  # the header block is a form, not a table
        assert tables, name
        for table in tables:
            heads = len(re.findall(r"<th[\s>]", table))
            rows = re.findall(r"<tr[\s>].*?</tr>", table, re.S)[1:]
            assert rows and all(len(re.findall(r"<td[\s>]", row)) == heads for row in rows), (name, rows)
    for name, html in pages.items():
        assert 'href="javascript:' not in html and 'src="x.png"' not in html, name
        assert "<strong>bold</strong>" not in html, name
    shown = unescape(re.sub(r"<[^>]+>", "", pages["records/index.html"]))
    assert "Pipe | cell | x | y | [click](javascript:alert(3)) ![i](x.png) a\\| **bold**" in shown
    assert "3y | [x](javascript:alert(4))" in shown
    assert "Quality Pipe | cell" in unescape(re.sub(r"<[^>]+>", "", pages["roles/index.html"]))

    for path in published["export"].rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):  # the front-matter is kept as the author wrote it: YAML, not Markdown
            text = text.split("\n---\n", 1)[1]
        assert "](javascript:" not in text and "<script" not in text and "<img" not in text, path
        tables: list[list[str]] = []
        for line in text.splitlines():
            if line.startswith("|"):
                if not tables or not tables[-1] or not tables[-1][-1:]:
                    tables.append([])
                tables[-1].append(line)
            elif tables and tables[-1]:
                tables.append([])
        for table in [t for t in tables if t]:
            cells = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
            assert len(cells) == 1, (path, table)
