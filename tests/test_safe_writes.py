"""Writing commands never leave half a file, never touch a user's change, and stop when git is busy.

A writer is killed (SIGKILL) at the moment it has written its temporary file
(or built its folder aside), and again just after the rename, through the
test-only QMS_TEST_WRITE_PAUSE hook in qms.safewrite. A new writing command is
one entry in WRITERS (approve, which edits a document) or FILE_WRITERS (the
commands that make files and folders).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from qmsrepo import PEOPLE, GitQmsRepo, QmsRun, run_qms
from test_approve import _new_revision

QP = "procedures/qp-01-document-control.md"


@dataclass(frozen=True)
class Writer:
    name: str
    args: tuple[str, ...]
    prepare: Callable[[GitQmsRepo], None]
    written: str  # the file it edits
    who: str = "chen-jing"


WRITERS = [
    Writer("approve", ("approve", "QP-01", "--effective", "2026-03-01"), _new_revision, QP),
]


def _identity(who: str) -> dict[str, str]:
    name, email = PEOPLE[who]
    # Dated like GitQmsRepo's commits, so the approval (of 2026-02-02) may take effect on 2026-03-01.
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": "2026-02-02T09:00:00+00:00", "GIT_COMMITTER_DATE": "2026-02-02T09:00:00+00:00"}


def _env(who: str, **extra: str) -> dict[str, str]:
    return {**os.environ, **_identity(who), **extra}


def _qms(who: str, *args: str, cwd: Path) -> QmsRun:
    return run_qms(*args, cwd=cwd, env=_identity(who))


def _kill_at(repo: GitQmsRepo, writer: Writer, point: str, cwd: Path | None = None) -> None:
    """A real process, stopped by the QMS_TEST_WRITE_PAUSE hook at `point` and killed there with SIGKILL."""
    proc = subprocess.Popen([sys.executable, "-m", "qms", *writer.args], cwd=cwd or repo.root, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, env=_env(writer.who, QMS_TEST_WRITE_PAUSE=point))
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
        assert line.startswith(f"qms: test pause {point}"), line + proc.stderr.read().decode()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _state(repo: GitQmsRepo) -> tuple[str, str, str]:
    return (repo.git("rev-parse", "HEAD"), repo.git("diff", "--cached", "--name-only"),
            repo.git("status", "--porcelain", "--untracked-files=all", "--ignored"))


@pytest.mark.slow
@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.name)
@pytest.mark.parametrize("point", ["before-rename", "after-rename"])
def test_killed_mid_write_leaves_old_or_new_bytes_and_nothing_stray(git_repo: GitQmsRepo, writer: Writer,
                                                                    point: str) -> None:
    writer.prepare(git_repo)
    old = (git_repo.root / writer.written).read_bytes()
    head, staged, status = _state(git_repo)
    assert status == ""
    _kill_at(git_repo, writer, point)
    now = (git_repo.root / writer.written).read_bytes()
    after_head, after_staged, after_status = _state(git_repo)
    assert (after_head, after_staged) == (head, staged)  # no commit, nothing staged: the index is as it was
    subprocess.run(["git", "fsck", "--no-dangling"], cwd=git_repo.root, check=True, capture_output=True)
    if point == "before-rename":
        assert now == old
        assert after_status == ""  # no temporary file that git would see
    else:
        assert after_status == f"M {writer.written}"  # modified, not staged (git.strip() drops the leading blank)
        assert b"status: effective" in now and b"status: review" in old
        assert [line for line in now.splitlines() if not line.startswith((b"status:", b"effective:"))] == \
            [line for line in old.splitlines() if not line.startswith((b"status:", b"effective:"))]
    leftovers = list((git_repo.root / ".git").glob(".qms-write-*.tmp"))
    assert len(leftovers) == (1 if point == "before-rename" else 0)
    # The user puts the file back; the next run does the whole job and clears what the killed one left.
    git_repo.git("checkout", "--", writer.written)
    run = _qms(writer.who, *writer.args, cwd=git_repo.root)
    assert run.code == 0, run.stderr
    assert list((git_repo.root / ".git").glob(".qms-write-*.tmp")) == []
    assert git_repo.git("status", "--porcelain", "--untracked-files=all") == ""


def _conflict(repo: GitQmsRepo) -> None:
    """A side branch and main both change QP-01's body."""
    _new_revision(repo)
    repo.git("switch", "-q", "-c", "side")
    repo.revise(QP, "Records are listed in an index.", "Records are listed in a book.")
    repo.git("switch", "-q", "main")
    repo.revise(QP, "Records are listed in an index.", "Records are listed in a register.")


def _merging(repo: GitQmsRepo) -> None:
    _conflict(repo)
    merge = subprocess.run(["git", "merge", "side"], cwd=repo.root, capture_output=True, env=_env("li-na"))
    assert merge.returncode != 0


def _rebasing(repo: GitQmsRepo) -> None:
    _conflict(repo)
    repo.git("switch", "-q", "side")
    rebase = subprocess.run(["git", "rebase", "main"], cwd=repo.root, capture_output=True, env=_env("li-na"))
    assert rebase.returncode != 0


def _locked(repo: GitQmsRepo) -> None:
    _new_revision(repo)
    (repo.root / ".git" / "index.lock").write_text("")


@pytest.mark.parametrize(("prepare", "message"), [
    (_locked, "another git command is running, or one crashed and left .git/index.lock"),
    (_merging, "a merge is in progress; finish it (git commit) or abort it (git merge --abort) first"),
    (_rebasing, "a rebase is in progress; finish it (git rebase --continue) or abort it first"),
], ids=["index-lock", "merge", "rebase"])
def test_approve_while_git_is_busy_changes_nothing(git_repo: GitQmsRepo, prepare, message: str) -> None:
    prepare(git_repo)
    files = {p: p.read_bytes() for p in git_repo.root.rglob("*") if p.is_file() and ".git" not in p.parts}
    git_files = {p: p.read_bytes() for p in (git_repo.root / ".git").iterdir() if p.is_file()}
    state = _state(git_repo) if not (git_repo.root / ".git" / "index.lock").exists() else None
    run = _qms("chen-jing", "approve", "QP-01", cwd=git_repo.root)
    assert run.code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert {p: p.read_bytes() for p in files} == files
    assert {p: p.read_bytes() for p in (git_repo.root / ".git").iterdir() if p.is_file()} == git_files
    if state is not None:
        assert _state(git_repo) == state


def test_approve_never_overwrites_an_uncommitted_change(git_repo: GitQmsRepo) -> None:
    """Edited but not committed, staged or not: approve refuses and both the file and the index stay as they were."""
    _new_revision(git_repo)
    git_repo.edit(QP, "Records are listed", "Work in progress. Records are listed")
    git_repo.git("add", QP)
    git_repo.edit(QP, "Work in progress.", "Work in progress, unstaged.")
    edited = (git_repo.root / QP).read_bytes()
    state = _state(git_repo)
    run = _qms("chen-jing", "approve", "QP-01", cwd=git_repo.root)
    assert run.code == 2
    assert f"{QP} has changes that are not committed" in run.stderr
    assert (git_repo.root / QP).read_bytes() == edited
    assert _state(git_repo) == state


def _give_handles(repo: GitQmsRepo) -> None:
    repo.edit("manual/people.yml", "  - id: chen-jing\n", '  - id: chen-jing\n    handle: "@chen-jing"\n')
    repo.commit("Give Chen Jing a handle", who="li-na")


def _outdated_codeowners(repo: GitQmsRepo) -> None:
    """A generated CODEOWNERS, committed, that a new handle makes out of date."""
    _give_handles(repo)
    assert repo.qms("codeowners").code == 0
    repo.commit("Add CODEOWNERS", who="li-na")
    repo.edit("manual/people.yml", "  - id: wang-li\n", '  - id: wang-li\n    handle: "@wang-li"\n')
    repo.commit("Give Wang Li a handle", who="li-na")


def _nothing(repo: GitQmsRepo) -> None:
    pass


@dataclass(frozen=True)
class FileWriter:
    name: str
    args: tuple[str, ...]
    prepare: Callable[[GitQmsRepo], None] = _nothing
    in_parent: bool = False  # runs in the folder that holds the repository (qms init makes its own)


FILE_WRITERS = [
    FileWriter("new", ("new", "procedure", "--title", "Backup and restore", "--owner", "document-controller",
                       "--approver", "quality-manager")),
    FileWriter("codeowners", ("codeowners",), _outdated_codeowners),
    FileWriter("export", ("export", "published")),
    FileWriter("pdf", ("pdf", "--all", "--output-dir", "copies")),
    FileWriter("init", ("init", "office", "--organisation", "Harbour Office"), in_parent=True),
]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file a user sees: the work tree without git's own folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(folder).parts}


def _readable(rel: str, data: bytes) -> object:
    """A PDF by its text, page by page (its bytes carry the folder it was made in); anything else by its bytes."""
    if not rel.endswith(".pdf"):
        return data
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob(".qms-write-*"))


def _run(writer: FileWriter, where: Path) -> None:
    run = _qms("chen-jing", *writer.args, cwd=where)
    assert run.code == 0, run.stdout + run.stderr


@pytest.mark.slow
@pytest.mark.parametrize("writer", FILE_WRITERS, ids=lambda w: w.name)
def test_every_writer_killed_mid_write_leaves_the_tree_as_it_was_or_whole(git_repo: GitQmsRepo, tmp_path: Path,
                                                                         writer: FileWriter) -> None:
    """Three copies of one repository: one written uninterrupted (the reference), one killed before the rename,
    one killed after it. The killed ones hold the old files or the reference's, never a half file."""
    writer.prepare(git_repo)
    workspace = {}
    for copy in ("reference", "before-rename", "after-rename"):
        shutil.copytree(git_repo.root, tmp_path / copy / "qms-git", symlinks=True)
        workspace[copy] = tmp_path / copy / ("" if writer.in_parent else "qms-git")
    if writer.in_parent:  # qms init starts outside any repository
        for copy in workspace.values():
            shutil.rmtree(copy / "qms-git")
    old = _files(workspace["reference"])
    _run(writer, workspace["reference"])
    reference = _files(workspace["reference"])
    made = {rel for rel in reference if reference[rel] != old.get(rel)}
    assert made, "the writer wrote nothing"

    for point in ("before-rename", "after-rename"):
        where = workspace[point]
        repo = GitQmsRepo.__new__(GitQmsRepo)
        repo.root = where
        head = None if writer.in_parent else repo.git("rev-parse", "HEAD")
        _kill_at(repo, Writer(writer.name, writer.args, _nothing, ""), point, cwd=where)
        now = _files(where)
        aside = {rel.split("/", 1)[0] for rel in now if ".qms-write-" in rel}
        if writer.in_parent:  # no repository yet: the folder built aside is a dot-folder beside the new one
            assert len(aside) <= 1 and all(name.startswith(".qms-write-") for name in aside), aside
            now = {rel: data for rel, data in now.items() if rel.split("/", 1)[0] not in aside}
        else:
            assert aside == set(), "a temporary file where git or the user sees it"
        changed = {rel for rel in set(now) | set(old) if now.get(rel) != old.get(rel)}
        if point == "before-rename":
            assert changed == set(), f"{point}: {sorted(changed)} changed"
        else:
            assert changed and changed <= made, f"{point}: {sorted(changed)} not among {sorted(made)}"
            assert {rel: _readable(rel, now[rel]) for rel in changed} == \
                {rel: _readable(rel, reference[rel]) for rel in changed}
        if head is not None:
            assert repo.git("rev-parse", "HEAD") == head and repo.git("diff", "--cached", "--name-only") == ""
        if point == "before-rename":
            # What the killed run left is cleared by the next one, which does the whole job.
            _run(writer, where)
            assert {rel: _readable(rel, data) for rel, data in _files(where).items()} == \
                {rel: _readable(rel, data) for rel, data in reference.items()}
            assert _leftovers(where) == []


def test_codeowners_never_overwrites_an_uncommitted_change(git_repo: GitQmsRepo) -> None:
    _outdated_codeowners(git_repo)
    path = git_repo.root / ".github" / "CODEOWNERS"
    edited = path.read_text(encoding="utf-8") + "/records/ @someone-by-hand\n"
    path.write_text(edited, encoding="utf-8")
    run = _qms("chen-jing", "codeowners", cwd=git_repo.root)
    assert run.code == 2
    assert ".github/CODEOWNERS has changes that are not committed; they were left as they are" in run.stderr
    assert path.read_text(encoding="utf-8") == edited
