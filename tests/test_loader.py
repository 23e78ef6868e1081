"""Reading files (F001-F011): bad input becomes a finding with file and line, never a traceback."""

from __future__ import annotations

import os
import sys
import time

import pytest
from qmsrepo import QmsRepo, assert_clean, failing, only

MANUAL = "manual/qm-01-quality-manual.md"
PROC = "procedures/qp-01-document-control.md"
NEW = "procedures/qp-02-records.md"

BOMB = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi")
) + "---\n"

symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")



def test_no_front_matter(repo: QmsRepo) -> None:
    """A procedure pasted in starting with its heading, without front-matter."""
    repo.write(NEW, "# Control of Records\n\nRecords are kept.\n")
    hit = failing(repo, "F002")
    assert (hit["path"], hit["line"]) == (NEW, 1)
    assert hit["message"] == "no front-matter"
    assert hit["hint"].startswith("the file must start with a '---' line")


def test_front_matter_never_closed(repo: QmsRepo) -> None:
    """The closing `---` was forgotten, so the whole file would be read as YAML."""
    repo.write(NEW, "---\nid: QP-02\ntitle: Control of Records\n\n# Control of Records\n")
    hit = failing(repo, "F003")
    assert (hit["path"], hit["line"]) == (NEW, 1)
    assert "never closed" in hit["message"]


@pytest.mark.parametrize(
    ("yaml_lines", "line", "field", "phrase"),
    [
        ("id: QP-02\ntitle: Control: of Records\n", 3, "hint", 'a value that contains ": " must be put in quotes'),
        ("id: QP-02\nreferences: [QM-01\nowner: x\n", 4, "message", "did not find expected ',' or ']'"),
        ("id: QP-02\ntitle: Records\n\towner: x\n", 4, "hint", "indent with spaces, not tabs"),
    ],
    ids=["colon-in-value", "unclosed-list", "tab-indent"],
)
def test_malformed_yaml(repo: QmsRepo, yaml_lines: str, line: int, field: str, phrase: str) -> None:
    """Front-matter YAML that does not parse: the finding gives the file line, not the YAML line (and the fix
    apart, where there is one)."""
    repo.write(NEW, f"---\n{yaml_lines}---\n\nBody\n")
    hit = failing(repo, "F004")
    assert (hit["path"], hit["line"]) == (NEW, line)
    assert hit["message"].startswith("YAML syntax error")
    assert phrase in hit[field]


def test_gbk_encoded_file(repo: QmsRepo) -> None:
    """A procedure saved as GBK by an old editor: the line of the first unreadable byte is given."""
    text = "---\nid: QP-02\ntitle: 记录控制程序\ntype: procedure\n---\n"
    repo.write(NEW, text.encode("gbk"))
    hit = failing(repo, "F001")
    assert (hit["path"], hit["line"]) == (NEW, 3)
    assert "is not UTF-8 text" in hit["message"]
    assert "save the file as UTF-8" in hit["hint"]


def test_gbk_bytes_in_body(repo: QmsRepo) -> None:
    """Valid front-matter, but GBK text further down the body."""
    repo.write(NEW, repo.read(PROC).replace("QP-01", "QP-02").encode() + "\n记录\n".encode("gbk"))
    hit = failing(repo, "F001")
    assert (hit["path"], hit["line"]) == (NEW, 18)


def test_duplicate_key(repo: QmsRepo) -> None:
    """`title` written twice: the finding points at the second one and names both lines."""
    repo.edit(PROC, "owner: document-controller", "owner: document-controller\ntitle: Control of Documents")
    hit = failing(repo, "F005")
    assert (hit["path"], hit["line"]) == (PROC, 8)
    assert (hit["message"], hit["hint"]) == ("key 'title' appears twice (lines 3 and 8)", "keep one of them")


def test_non_markdown_file_is_a_warning(repo: QmsRepo) -> None:
    """A Word file left in procedures/: a warning, and the check still passes."""
    repo.write("procedures/qp-01-old.docx", b"PK\x03\x04 word file")
    run = repo.check()
    assert run.code == 0
    hit = only(run, "F006")
    assert (hit["path"], hit["line"], hit["severity"]) == ("procedures/qp-01-old.docx", None, "warning")
    assert "not Markdown" in hit["message"]


def test_pictures_in_assets_folder_pass(repo: QmsRepo) -> None:
    """Pictures kept in an assets/ folder beside the documents that use them are expected (an unused one is
    R012, a warning: tests/test_attachments.py)."""
    repo.write("procedures/assets/flowchart.png", b"\x89PNG\r\n\x1a\n")
    repo.edit("procedures/qp-01-document-control.md", "See the", "![Flow](assets/flowchart.png)\n\nSee the")
    assert_clean(repo)


@pytest.mark.parametrize(
    ("yaml_lines", "found"),
    [
        ("- id: QP-02\n- title: Control of Records\n", "found a list"),
        ("just a line of text\n", 'found "just a line of text"'),
        ("title：Control of Records\n", 'found "title：Control of Records"'),
    ],
    ids=["list", "scalar", "full-width-colon"],
)
def test_front_matter_not_a_mapping(repo: QmsRepo, yaml_lines: str, found: str) -> None:
    """Front-matter that is valid YAML but a list or one piece of text instead of key: value lines."""
    repo.write(NEW, f"---\n{yaml_lines}---\n")
    hit = failing(repo, "F007")
    assert (hit["path"], hit["line"]) == (NEW, 2)
    assert f"the front-matter must be key: value lines ({found})" == hit["message"]


def test_alias_bomb_is_refused_quickly(repo: QmsRepo) -> None:
    """A "billion laughs" front-matter: refused without expanding it, and the check still finishes fast."""
    repo.write(NEW, BOMB)
    started = time.monotonic()
    hit = failing(repo, "F008")
    assert time.monotonic() - started < 20
    assert (hit["path"], hit["line"]) == (NEW, 2)
    assert "anchors and aliases expand to more than" in hit["message"]


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deep_nesting_is_refused(repo: QmsRepo, depth: int) -> None:
    """Brackets nested thousands deep: refused with F008 instead of crashing the YAML reader."""
    repo.write(NEW, "---\nid: " + "[" * depth + "]" * depth + "\n---\n")
    hit = failing(repo, "F008")
    assert (hit["path"], hit["line"]) == (NEW, 2)
    assert "nested more than 64 levels deep" in hit["message"]


@symlinks
def test_symlink_to_file_outside_repository(repo: QmsRepo) -> None:
    """A procedure that is only a link to a file on someone's desktop."""
    outside = repo.root.parent / "desktop-qp-02.md"
    outside.write_text(repo.read(PROC).replace("QP-01", "QP-02"), encoding="utf-8")
    os.symlink(outside, repo.root / NEW)
    hit = failing(repo, "F009")
    assert (hit["path"], hit["line"]) == (NEW, None)
    assert "points outside the repository" in hit["message"]


@symlinks
def test_symlink_to_folder_outside_repository(repo: QmsRepo) -> None:
    """A folder link inside procedures/ to a shared drive outside the repository."""
    os.symlink(repo.root.parent, repo.root / "procedures" / "shared")
    hit = failing(repo, "F009")
    assert (hit["path"], hit["line"]) == ("procedures/shared", None)


@symlinks
@pytest.mark.parametrize(("target", "phrase"), [("qp-09.md", "No such file"), ("qp-02-records.md", "symbolic links")])
def test_broken_or_looping_symlink_inside_repository(repo: QmsRepo, target: str, phrase: str) -> None:
    """A link whose file was deleted, or that points at itself: reported as unreadable, not skipped."""
    os.symlink(target, repo.root / NEW)
    hit = failing(repo, "F001")
    assert (hit["path"], hit["line"]) == (NEW, None)
    assert hit["message"].startswith("cannot be read") and phrase in hit["message"]


def test_folder_named_in_qms_yml_missing(repo: QmsRepo) -> None:
    """qms.yml keeps forms in forms/, which was never created: a warning at the folder setting."""
    repo.edit("qms.yml", "people: manual/people.yml\n",
              "people: manual/people.yml\ntypes:\n  form:\n    folder: forms\n    id_pattern: 'F-\\d{2}-\\d{2}'\n")
    run = repo.check()
    assert run.code == 0
    hit = only(run, "F010")
    assert (hit["path"], hit["line"], hit["severity"]) == ("qms.yml", 9, "warning")
    assert "the folder 'forms' named here does not exist" in hit["message"]


# --- Accepted input


def test_byte_order_mark_accepted(repo: QmsRepo) -> None:
    """A file saved by Windows Notepad as "UTF-8 with BOM"."""
    repo.write(PROC, b"\xef\xbb\xbf" + repo.read(PROC).encode())
    assert_clean(repo)


def test_crlf_line_ends_accepted(repo: QmsRepo) -> None:
    """A file with Windows line ends."""
    repo.write(PROC, repo.read(PROC).replace("\n", "\r\n").encode())
    assert_clean(repo)


def test_crlf_keeps_line_numbers(repo: QmsRepo) -> None:
    """With CRLF and a BOM, findings still give the right line."""
    text = repo.read(PROC).replace("status: effective", "status: efective").replace("\n", "\r\n")
    repo.write(PROC, b"\xef\xbb\xbf" + text.encode())
    hit = failing(repo, "S001")
    assert (hit["path"], hit["line"]) == (PROC, 6)


def test_tabs_in_body_accepted(repo: QmsRepo) -> None:
    """Tabs are fine in the Markdown body (only YAML forbids them)."""
    repo.write(PROC, repo.read(PROC) + "\n\tIndented\twith tabs.\n")
    assert_clean(repo)


@pytest.mark.parametrize("name", ["qp-01-文件控制程序.md", "qp-01 document control.md"])
def test_unusual_file_names_accepted(repo: QmsRepo, name: str) -> None:
    """A Chinese file name, or one with spaces, linked from the manual."""
    text = repo.read(PROC)
    repo.remove(PROC)
    repo.write(f"procedures/{name}", text)
    repo.edit(MANUAL, "[[QP-01]].", f"[[QP-01]], [file](<../procedures/{name}>).")
    assert_clean(repo)
    assert repo.check().json()["summary"]["documents"] == 2


# --- YAML typing: values stay as written


def test_major_minor_revision_1_10_stays_1_10(repo: QmsRepo) -> None:
    """`revision: 1.10` is read as written, not as the number 1.1."""
    repo.edit("qms.yml", "revision_scheme: integer", "revision_scheme: major-minor")
    repo.edit(MANUAL, "revision: 1", "revision: 1.0")
    repo.edit(PROC, "revision: 2", "revision: 1.10")
    assert_clean(repo)  # 1.10 follows the scheme: no D005
    repo.edit(PROC, "change: Adds electronic approval.\n", "")
    hit = failing(repo, "D006")
    assert hit["message"].startswith("revision 1.10 is not the first")


def test_revision_1_10_under_integer_scheme_is_quoted_as_written(repo: QmsRepo) -> None:
    """Under the integer scheme the D005 message shows "1.10", proving it was not turned into 1.1."""
    repo.edit(PROC, "revision: 2", "revision: 1.10")
    hit = failing(repo, "D005")
    assert 'revision "1.10" does not follow the integer scheme' in hit["message"]


@pytest.mark.parametrize("title", ["yes", "no", "2026-01-01", "1.10", "null-and-void"])
def test_plain_values_stay_text(repo: QmsRepo, title: str) -> None:
    """Titles that YAML 1.1 would turn into true/false, a date or a number stay text."""
    repo.edit(PROC, "title: Document Control", f"title: {title}")
    assert_clean(repo)


def test_impossible_effective_date(repo: QmsRepo) -> None:
    """`effective: 2026-02-30` is reported at its line instead of crashing the YAML reader."""
    repo.edit(PROC, "effective: 2026-02-01", "effective: 2026-02-30")
    hit = failing(repo, "S001")
    assert (hit["path"], hit["line"]) == (PROC, 9)
    assert "real calendar date" in hit["message"]


def test_every_bad_file_reported_in_one_run(repo: QmsRepo) -> None:
    """Several broken files at once: each is reported, the check does not stop at the first."""
    repo.write("procedures/qp-02-a.md", "# no front-matter\n")
    repo.write("procedures/qp-03-b.md", "---\nid: QP-03\n")
    repo.write("procedures/qp-04-c.md", "---\n- a\n---\n")
    run = repo.check()
    assert run.code == 1
    assert {(f["path"], f["code"]) for f in run.findings} == {
        ("procedures/qp-02-a.md", "F002"),
        ("procedures/qp-03-b.md", "F003"),
        ("procedures/qp-04-c.md", "F007"),
    }
