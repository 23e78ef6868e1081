"""F011: a file that git left half-merged, with its conflict markers, is reported where the markers are."""

from __future__ import annotations

import os
import subprocess

from qmsrepo import GitQmsRepo, only

QP = "procedures/qp-01-document-control.md"


def _conflict(git_repo: GitQmsRepo, old: str, ours: str, theirs: str) -> None:
    """Two branches change the same line of QP-01; the merge stops with the file half-merged."""
    git_repo.git("switch", "-q", "-c", "side")
    git_repo.revise(QP, old, theirs, who="chen-jing")
    git_repo.git("switch", "-q", "main")
    git_repo.revise(QP, old, ours, who="li-na")
    merge = subprocess.run(["git", "merge", "side"], cwd=git_repo.root, capture_output=True, text=True,
                           env={**os.environ, **git_repo.identity("li-na")})
    assert merge.returncode == 1 and "CONFLICT" in merge.stdout, merge.stdout + merge.stderr


def test_conflict_in_the_body_is_reported_at_its_markers(git_repo: GitQmsRepo) -> None:
    _conflict(git_repo, "See the [quality manual]", "Read the [quality manual]", "Consult the [quality manual]")
    lines = git_repo.read(QP).splitlines()
    start = next(n for n, line in enumerate(lines, 1) if line.startswith("<<<<<<<"))
    end = next(n for n, line in enumerate(lines, 1) if line.startswith(">>>>>>>"))
    run = git_repo.check()
    assert run.code == 1, run.stderr
    finding = only(run, "F011")
    assert (finding["path"], finding["line"]) == (QP, start)
    assert f"on line {start}" in finding["message"] and f"on line {end}" in finding["message"]
    assert "git add" in finding["hint"]
    # The front-matter is whole, so the document is still known: nothing else is reported.
    assert [f["code"] for f in run.findings] == ["F011"]

    # Resolved: the markers go, and so does the finding.
    kept = [line for line in lines if not line.startswith(("<<<<<<<", "=======", ">>>>>>>", "Consult"))]
    git_repo.write(QP, "\n".join(kept) + "\n")
    assert git_repo.check().findings == []


def test_conflict_in_the_front_matter_names_the_markers_too(git_repo: GitQmsRepo) -> None:
    _conflict(git_repo, "title: Document Control", "title: Control of Documents", "title: Document and Data Control")
    run = git_repo.check()
    assert run.code == 1
    assert only(run, "F011")["line"] == 3  # the <<<<<<< line, right after `id:`
    assert "F004" in run.codes()  # the YAML cannot be read either, so the document is not loaded


def test_text_that_only_looks_like_markers_is_not_a_conflict(git_repo: GitQmsRepo) -> None:
    git_repo.edit(QP, "# Document Control\n", "Document Control\n=======\n\n```text\n<<<<<<< a quoted log line\n```\n")
    run = git_repo.check()
    assert run.findings == []  # no F011, and nothing else either
