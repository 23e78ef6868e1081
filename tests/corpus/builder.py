"""Build the hostile-input corpus into temporary folders, at test time.

The small bad files live in tests/corpus/documents/ and are copied in as they
are. What is big, binary, or cannot be committed (a 50 MB file, bytes that
are not UTF-8, file names that are not UTF-8, symbolic links, whole
repositories in odd states) is made here, so the repository stays small.

Every repository is a folder `qms` would be pointed at; `SECRET` is planted
outside each repository, behind a symbolic link, and must never appear in
any output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from qmsrepo import GitQmsRepo, QmsRepo

DOCUMENTS = Path(__file__).parent / "documents"
SECRET = "SECRET-OUTSIDE-THE-REPOSITORY-7f3a"
BIG_MB = 50

VALID_HEAD = ("type: procedure\nrevision: 1\nstatus: review\nowner: document-controller\n"
              "approvers: [quality-manager]\n")

MKDOCS_YML = "site_name: Hostile\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n"


def _doc(doc_id: str, title: str, body: str = "# Body\n") -> str:
    return f"---\nid: {doc_id}\ntitle: {title}\n{VALID_HEAD}---\n\n{body}"


def _write_outside(base: Path) -> Path:
    """A file and a folder outside the repository, holding the secret."""
    outside = base / "outside"
    (outside / "folder").mkdir(parents=True, exist_ok=True)
    (outside / "secret.md").write_text(_doc("QP-90", SECRET, f"{SECRET}\n"), encoding="utf-8")
    (outside / "folder" / "secret.md").write_text(_doc("QP-91", SECRET, f"{SECRET}\n"), encoding="utf-8")
    return outside


def add_hostile_files(root: Path, outside: Path) -> None:
    """Every kind of bad input, in the document folders of the QMS at `root`."""
    procedures = root / "procedures"
    for source in sorted(DOCUMENTS.glob("*.md")):
        shutil.copyfile(source, procedures / source.name)
    # Big: 50 MB of body under valid front-matter, and a 1 MB single-line title.
    line = b"The office keeps every incoming document in the register the same day it arrives.\n"
    with open(procedures / "big-50mb.md", "wb") as out:
        out.write(_doc("QP-30", "Big", "").encode())
        out.write(line * (BIG_MB * 1024 * 1024 // len(line)))
    (procedures / "long-line.md").write_text(_doc("QP-31", "Long " * 200_000), encoding="utf-8")
    # Not text, or not UTF-8.
    (procedures / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (procedures / "nul-byte.md").write_bytes(_doc("QP-32", "Nul").encode() + b"\x00tail\n")
    (procedures / "gbk.md").write_bytes(_doc("QP-33", "记录控制程序").encode("gbk"))
    (procedures / "latin-1.md").write_bytes(_doc("QP-33", "Contr\xf4le").encode("latin-1"))
    (procedures / "utf-16.md").write_bytes(_doc("QP-33", "UTF-16").encode("utf-16"))
    # Byte-order mark and line ends: BOM+CRLF is valid; mixed and lone CR are read too.
    (procedures / "bom-crlf.md").write_bytes(b"\xef\xbb\xbf" + _doc("QP-34", "BOM and CRLF").replace("\n", "\r\n").encode())
    (procedures / "mixed-line-ends.md").write_bytes(b"---\r\nid: QP-35\ntitle: Mixed\r" + VALID_HEAD.encode() + b"---\r\n\rBody\n")
    (procedures / "lone-cr.md").write_bytes(_doc("QP-36", "Old Mac").replace("\n", "\r").encode())
    (procedures / "bom-twice.md").write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + _doc("QP-37", "Two BOMs").encode())
    # File names: Chinese, spaces, a newline, bytes that are not UTF-8.
    (procedures / "记录控制程序.md").write_text(_doc("QP-38", "记录控制程序"), encoding="utf-8")
    (procedures / "a procedure with spaces.md").write_text(_doc("QP-39", "Spaces in the name"), encoding="utf-8")
    # These two also break a rule, so that their names reach every report.
    (procedures / "new\nline.md").write_text(_doc("QP-40", "Newline in the name").replace("status: review", "status: gone"),
                                             encoding="utf-8")
    with open(os.fsencode(procedures) + b"/bad-name-\xff\xfe.md", "wb") as out:
        out.write(_doc("QP-41", "Name not UTF-8").replace("status: review", "status: gone").encode())
    # Symbolic links: out of the repository (file and folder), looping, broken.
    (procedures / "link-outside.md").symlink_to(outside / "secret.md")
    (procedures / "link-outside-folder").symlink_to(outside / "folder", target_is_directory=True)
    (procedures / "link-absolute-etc.md").symlink_to("/etc/passwd")
    (procedures / "link-loop.md").symlink_to("link-loop.md")
    (procedures / "link-broken.md").symlink_to("does-not-exist.md")
    (root / "records" / "link-up").symlink_to("..", target_is_directory=True)
    # The roster: a person whose name and email carry markup.
    people = root / "manual" / "people.yml"
    people.write_text(people.read_text(encoding="utf-8") + (
        "  - id: mallory\n"
        "    name: \"<img src=x onerror=alert(4)> [/bold] Mallory\"\n"
        "    emails: [\"mallory@office.example\", 42, [nested]]\n"
        "    roles: [document-controller, no-such-role]\n"
        "    signing_keys: [\"ssh-ed25519 not-a-key\", {a: b}]\n"), encoding="utf-8")
    (root / "portal").mkdir(exist_ok=True)
    (root / "portal" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")


def hostile_repo(base: Path) -> Path:
    """A git QMS whose working tree and history hold the whole corpus."""
    repo = GitQmsRepo(base / "hostile")
    outside = _write_outside(base)
    add_hostile_files(repo.root, outside)
    repo.commit("Add the hostile corpus", who="li-na")
    # A second commit, so that history has something to compare, and an approval trailer that is garbage.
    (repo.root / "procedures" / "binary.md").write_bytes(b"\x00\x01\x02changed")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Change\n\nApproves: QP-25@1\nApproves: ../../etc@\nApproves: QP-01@2\n",
             env=repo.identity("chen-jing"))
    return repo.root


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)


def empty_git_repository(base: Path) -> Path:
    """`git init` and nothing else: no qms.yml, no commits."""
    root = base / "empty-git"
    root.mkdir()
    _git_init(root)
    return root


def qms_without_commits(base: Path) -> Path:
    """A valid QMS in a repository that has no commits yet."""
    root = QmsRepo(base / "no-commits").root
    _git_init(root)
    return root


def qms_yml_invalid(base: Path) -> Path:
    root = QmsRepo(base / "qms-yml-invalid").root
    (root / "qms.yml").write_text("organisation: [unclosed\nlanguage: en\n\trevision_scheme: integer\n", encoding="utf-8")
    return root


def qms_yml_wrong_shape(base: Path) -> Path:
    root = QmsRepo(base / "qms-yml-wrong-shape").root
    (root / "qms.yml").write_text(
        "organisation: 42\nlanguage: [en]\nrevision_scheme: roman\nreview_months: -1\n"
        "types: {procedure: {folder: ../../outside, id_pattern: '(unclosed'}}\nroles: /etc/passwd\n"
        "baseline: not-a-commit\nignore: X999\napprovals: yes\n", encoding="utf-8")
    return root


def qms_yml_is_a_list(base: Path) -> Path:
    root = QmsRepo(base / "qms-yml-list").root
    (root / "qms.yml").write_text("- organisation: Office\n- language: en\n", encoding="utf-8")
    return root


def qms_yml_binary(base: Path) -> Path:
    root = QmsRepo(base / "qms-yml-binary").root
    (root / "qms.yml").write_bytes(b"\xff\xfe\x00\x00binary\x00")
    return root


def qms_yml_names_missing_folder(base: Path) -> Path:
    """qms.yml puts procedures in a folder that does not exist, and the roster in a missing file."""
    repo = GitQmsRepo(base / "missing-folder")
    repo.write("qms.yml", repo.read("qms.yml") + "types:\n  procedure: {folder: nowhere, id_pattern: 'QP-\\d{2}'}\n")
    repo.write("qms.yml", repo.read("qms.yml").replace("people: manual/people.yml", "people: manual/missing.yml"))
    repo.commit("Point at folders that are not there", who="li-na")
    return repo.root


def not_a_git_repository(base: Path) -> Path:
    return QmsRepo(base / "not-git").root


def not_a_qms(base: Path) -> Path:
    root = base / "not-a-qms"
    root.mkdir()
    (root / "README.md").write_text("# Nothing here\n", encoding="utf-8")
    return root


# Every repository the corpus test runs every command over: name -> builder.
REPOSITORIES: dict[str, Callable[[Path], Path]] = {
    "hostile": hostile_repo,
    "empty-git": empty_git_repository,
    "no-commits": qms_without_commits,
    "qms-yml-invalid": qms_yml_invalid,
    "qms-yml-wrong-shape": qms_yml_wrong_shape,
    "qms-yml-list": qms_yml_is_a_list,
    "qms-yml-binary": qms_yml_binary,
    "missing-folder": qms_yml_names_missing_folder,
    "not-git": not_a_git_repository,
    "not-a-qms": not_a_qms,
}

