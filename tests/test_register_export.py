"""`qms register` and `qms export` on the demo: the registers as table, CSV and JSON, and a plain-Markdown export
that a plain `mkdocs build` (no qms plugin) publishes with headers, revision tables and working links."""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, QmsRepo, QmsRun, run_qms

RESTRICTED = "procedures/f-03-09-staff-addresses.md"


def qms(cwd: Path, *args: str, code: int = 0) -> QmsRun:
    run = run_qms(*args, cwd=cwd)
    assert run.code == code, run.stdout + run.stderr
    return run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, new_demo) -> Path:
    root = new_demo(tmp_path_factory.mktemp("export") / "demo").path
    # An effective but restricted form (in the working tree only): the site and the export leave it out.
    text = (root / "procedures/f-03-01-records-index.md").read_text(encoding="utf-8").replace("F-03-01", "F-03-09")
    (root / RESTRICTED).write_text(text.replace("\ntype: form\n", "\ntype: form\nclassification: restricted\n", 1),
                                   encoding="utf-8")
    return root


def current_status(root: Path) -> dict[str, str]:
    rows = json.loads(qms(root, "history", "--format", "json").stdout)
    return {row["id"]: row["status"] for row in rows}  # the last row of each id is its current revision


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# --- qms register


@pytest.mark.slow
def test_register_lists_exactly_the_published_documents(demo: Path) -> None:
    rows = json.loads(qms(demo, "register", "--format", "json").stdout)
    assert list(rows[0]) == ["id", "title", "type", "revision", "status", "effective", "owner", "next_review", "path",
                             "upcoming", "review_overdue"]
    effective = {i for i, s in current_status(demo).items() if s == "effective" and not i.startswith("REC-")}
    assert {r["id"] for r in rows} == effective
    assert "F-03-09" not in {r["id"] for r in rows}
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    qp02 = next(r for r in rows if r["id"] == "QP-02")
    # The next review counts from the demo's 2026 review round (2026-05-04), which confirmed QP-02 B/0.
    assert (qp02["revision"], qp02["effective"], qp02["next_review"]) == ("B/0", "2026-03-01", "2027-05-04")
    assert qp02["path"].startswith("procedures/qp-02-")


@pytest.mark.slow
def test_register_csv_and_table_carry_the_same_rows(demo: Path) -> None:
    rows = json.loads(qms(demo, "register", "--format", "json").stdout)
    parsed = list(csv.DictReader(io.StringIO(qms(demo, "register", "--format", "csv").stdout)))
    assert parsed == rows
    table = qms(demo, "register").stdout
    assert all(r["id"] in table for r in rows) and f"{len(rows)} entries." in table


@pytest.mark.slow
def test_records_register(demo: Path) -> None:
    rows = json.loads(qms(demo, "register", "--records", "--format", "json").stdout)
    assert list(rows[0]) == ["id", "kind", "title", "procedure", "date", "owner", "status", "retention", "path"]
    assert {r["id"] for r in rows} == {i for i in current_status(demo) if i.startswith("REC-")}
    assert [(r["kind"], r["id"]) for r in rows] == sorted((r["kind"], r["id"]) for r in rows)
    audit = next(r for r in rows if r["id"] == "REC-2025-002")
    assert (audit["kind"], audit["procedure"], audit["retention"]) == ("audit", "QP-10", "10y")


@pytest.mark.slow
def test_register_audit_adds_obsolete_documents(demo: Path) -> None:
    ids = {r["id"] for r in json.loads(qms(demo, "register", "--audit", "--format", "json").stdout)}
    assert "QP-13" in ids and "WI-04-03" not in ids


# --- qms export, then a plain mkdocs build


@pytest.fixture(scope="module")
def exported(demo: Path) -> Path:
    out = demo.parent / "markdown"
    run = qms(demo, "export", str(out))
    assert "Exported" in run.stdout
    (demo.parent / "mkdocs.yml").write_text("site_name: Exported QMS\ndocs_dir: markdown\nsite_dir: html\n"
                                            "theme:\n  name: mkdocs\nplugins: []\n", encoding="utf-8")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(demo.parent / "mkdocs.yml")],
                           capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert build.returncode == 0, build.stderr
    return demo.parent / "html"


def html_of(site: Path, src: str) -> str:
    return (site / src.removesuffix(".md") / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_published_page_is_in_the_plain_build(demo: Path, exported: Path) -> None:
    documents = json.loads(qms(demo, "register", "--format", "json").stdout)
    records = json.loads(qms(demo, "register", "--records", "--format", "json").stdout)
    for row in documents + records:
        assert (exported / row["path"].removesuffix(".md") / "index.html").is_file(), row["path"]
    pages = {p.parent.relative_to(exported).as_posix() for p in exported.rglob("index.html")}
    assert pages == {"."} | {"register", "records", "roles"} | {r["path"].removesuffix(".md") for r in documents + records}


@pytest.mark.slow
def test_header_and_revision_table_are_rendered_in(demo: Path, exported: Path) -> None:
    history = json.loads(qms(demo, "history", "QP-02", "--format", "json").stdout)
    html = html_of(exported, history[-1]["path"])
    tables = re.findall(r"<table>(.*?)</table>", html, re.S)
    header = text(tables[0])
    assert header.startswith("Document Revision Status Effective Owner Approved by Next review")
    assert "QP-02 B/0 effective 2026-03-01" in header
    assert "Uncontrolled when printed" in text(html)
    assert 'id="revision-history"' in html
    rows = re.findall(r"<tr>(.*?)</tr>", tables[-1], re.S)[1:]
    assert len(rows) == len(history)
    for row, revision in zip(rows, reversed(history)):
        cell = text(row)
        assert cell.startswith(f"{revision['revision']} {revision['effective'] or ''}".strip())
        assert revision["last_commit"][:7] in cell
        for approval in (a for a in revision["approvals"] if a["valid"]):
            assert approval["name"] in cell and approval["date"] in cell
    # The front-matter is kept in the Markdown.
    source = (exported.parent / "markdown" / history[-1]["path"]).read_text(encoding="utf-8")
    assert source.startswith("---\nid: QP-02\n") and "\nrevision: B/0\n" in source


@pytest.mark.slow
def test_id_links_and_every_relative_link_resolve(exported: Path) -> None:
    checked = 0
    for page in exported.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        body = html[html.find('role="main"'):]
        assert "[[" not in body, page
        for href in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', body):
            if re.match(r"[a-z]+:", href):
                continue
            target = Path(posixpath.normpath(page.parent.joinpath(href).as_posix()))
            assert target.exists() and (target.is_file() or (target / "index.html").is_file()), (page, href)
            checked += 1
    assert checked > 100
    qp02 = next(p for p in exported.glob("procedures/qp-02-*/index.html")).read_text(encoding="utf-8")
    assert re.search(r'<a href="../../manual/qm-01-quality-manual/">QM-01 Quality Manual</a>', qp02)


@pytest.mark.slow
def test_drafts_obsolete_and_restricted_are_left_out(exported: Path) -> None:
    source = exported.parent / "markdown"
    assert not list(source.glob("procedures/wi-04-03-*")) and not list(exported.glob("procedures/wi-04-03-*"))
    assert not list(source.glob("procedures/qp-13-*"))
    assert not (source / RESTRICTED).exists()
    register = text((exported / "register" / "index.html").read_text(encoding="utf-8"))
    assert "QP-02" in register and "QP-13" not in register and "WI-04-03" not in register and "F-03-09" not in register


@pytest.mark.slow
def test_audit_export_adds_obsolete_documents_under_a_banner(demo: Path) -> None:
    out = demo.parent / "audit-markdown"
    qms(demo, "export", "--audit", str(out))
    (page,) = out.glob("procedures/qp-13-*.md")
    assert "> **OBSOLETE: withdrawn, not in force." in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_export_refuses_a_folder_that_holds_files(demo: Path) -> None:
    out = demo.parent / "mine"
    out.mkdir()
    (out / "notes.md").write_text("my notes\n", encoding="utf-8")
    run = qms(demo, "export", str(out), code=2)
    assert str(out) in run.stderr and "not an empty folder" in run.stderr and "Traceback" not in run.stderr
    assert [p.name for p in out.iterdir()] == ["notes.md"]
    assert (out / "notes.md").read_text(encoding="utf-8") == "my notes\n"
    assert not [p for p in demo.parent.iterdir() if p.name.startswith(".mine.")]
    # An empty folder is fine.
    empty = demo.parent / "empty"
    empty.mkdir()
    qms(demo, "export", str(empty))
    assert (empty / "register.md").is_file()


# --- without the demo


def test_help_of_each_command_shows_examples(repo: QmsRepo) -> None:
    for command, example in (("register", "qms register --format csv > register.csv"),
                             ("export", "qms export /tmp/qms-markdown"), ("codeowners", "qms codeowners --check")):
        run = repo.qms(command, "--help")
        assert run.code == 0 and "Examples" in run.stdout and example in run.stdout, run.stdout


def test_export_needs_the_git_history(repo: QmsRepo, tmp_path: Path) -> None:
    run = repo.qms("export", str(tmp_path / "out"))
    assert run.code == 2 and "Traceback" not in run.stderr and "git" in run.stderr
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_register_reads_the_committed_state_and_needs_git(repo: QmsRepo, git_repo: GitQmsRepo) -> None:
    """Only committed content is published: outside git there is nothing committed, and the register says so."""
    refused = repo.qms("register", "--format", "json")
    assert refused.code == 2 and "not inside a git repository" in refused.stderr and "commit the documents" in refused.stderr
    repo = git_repo
    rows = json.loads(repo.qms("register", "--format", "json").stdout)
    assert [(r["id"], r["owner"], r["next_review"]) for r in rows] == [
        ("QM-01", "Quality Manager", "2027-01-05"), ("QP-01", "Document Controller", "2027-02-01")]
    records = list(csv.DictReader(io.StringIO(repo.qms("register", "--records", "--format", "csv").stdout)))
    assert [(r["id"], r["kind"], r["procedure"], r["retention"]) for r in records] == [("REC-2026-001", "audit", "QP-01", "3y")]
