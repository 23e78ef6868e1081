"""History from before adoption: `qms history` follows a file from wherever it came, as `git log --follow`
does, shows its versions before qmskit with their real authors, and never names the adopter as their author."""

from __future__ import annotations

import json
from typing import Any

from qmsrepo import GitQmsRepo

OUTSIDERS = {"ann": ("Ann Archer", "ann@oldcorp.example"), "bo": ("Bo Berg", "bo@oldcorp.example"),
             "cy": ("Cy Cole", "cy@oldcorp.example")}
RISK = "procedures/qp-10-risk-management.md"
TRAINING = "procedures/qp-11-training.md"
FRONT = """\
---
id: {id}
title: {title}
type: procedure
revision: 1
status: effective
owner: quality-manager
approvers: [quality-manager]
effective: 2025-06-01
---

"""


def _text(title: str, lines: int = 80) -> str:
    # Long enough that a rename with an edit or a new front-matter is still a rename to git (50% alike).
    return f"# {title}\n\n" + "".join(f"Step {n}: the {title.lower()} rule number {n} applies.\n" for n in range(lines))


def _commit_as(repo: GitQmsRepo, who: str, day: str, message: str) -> str:
    name, email = OUTSIDERS[who]
    when = f"{day}T10:00:00+00:00"
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", message, env={"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                                                   "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_NAME": name,
                                                   "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": when})
    return repo.git("rev-parse", "HEAD")


def _adopted(repo: GitQmsRepo) -> GitQmsRepo:
    """Four years of a Markdown set with no front-matter, moved between folders, then adopted by Li Na."""
    risk = _text("Risk management")
    repo.write("old/risk.md", risk)
    _commit_as(repo, "ann", "2022-03-01", "Risk procedure")
    risk = risk.replace("rule number 3 ", "rule number three ")
    repo.write("old/risk.md", risk)
    _commit_as(repo, "bo", "2022-09-14", "Risk: step 3 in words")
    (repo.root / "archive/sops").mkdir(parents=True)
    repo.git("mv", "old/risk.md", "archive/sops/risk.md")
    repo.write("archive/sops/risk.md", risk.replace("rule number 7 ", "rule number seven "))
    _commit_as(repo, "cy", "2023-02-02", "Move the SOPs to archive/ and fix step 7")
    # Someone tried front-matter that does not parse, then another tool's keys.
    repo.write("archive/sops/risk.md", "---\ntitle: [Risk\n---\n" + risk)
    _commit_as(repo, "ann", "2023-11-20", "Front-matter, first try")
    repo.write("archive/sops/risk.md", "---\ndocumentId: SOP-7\nstatus: approved\n---\n" + risk)
    _commit_as(repo, "bo", "2024-05-05", "documentId for the old tool")
    # A side branch, merged.
    repo.git("checkout", "-q", "-b", "wording")
    risk = risk.replace("rule number 9 ", "rule number nine ")
    repo.write("archive/sops/risk.md", "---\ndocumentId: SOP-7\nstatus: approved\n---\n" + risk)
    _commit_as(repo, "cy", "2024-08-08", "Step 9 in words")
    repo.git("checkout", "-q", "main")
    name, email = OUTSIDERS["ann"]
    repo.git("merge", "-q", "--no-ff", "-m", "Merge wording", "wording",
             env={"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
                  "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": "2024-08-09T10:00:00+00:00",
                  "GIT_COMMITTER_DATE": "2024-08-09T10:00:00+00:00"})
    training = _text("Training")
    repo.write("notes/training.md", training)
    _commit_as(repo, "bo", "2022-01-10", "Training notes")  # back-dated: committed after 2024's commits
    repo.write("notes/training.md", training + "A last line.\n")
    _commit_as(repo, "cy", "2025-01-10", "Training: a last line")
    # Adoption, as an adopter does it: move into procedures/ and add front-matter (one file in one commit,
    # the other in two), by the document controller.
    repo.git("mv", "archive/sops/risk.md", RISK)
    repo.write(RISK, FRONT.format(id="QP-10", title="Risk management") + risk)
    repo.git("mv", "notes/training.md", TRAINING)
    repo.commit("Adopt: move into procedures/", who="li-na", day="2025-06-01")
    repo.write(TRAINING, FRONT.format(id="QP-11", title="Training") + training + "A last line.\n")
    repo.commit("Adopt: front-matter", who="li-na", day="2025-06-01")
    repo.git("tag", "-f", "qms-baseline")
    return repo


def _follow(repo: GitQmsRepo, path: str) -> list[tuple[str, str]]:
    out = repo.git("log", "--follow", "--format=%H%x1f%an", "--", path)
    return [tuple(line.split("\x1f")) for line in out.splitlines()]  # type: ignore[misc]


def _commits(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(c["commit"], c["author"]) for row in rows for c in row["commits"]}


def test_history_agrees_with_git_log_follow_before_and_after_adoption(git_repo: GitQmsRepo) -> None:
    """Every commit that changed the file, under every name it had, with its author: before qmskit, at
    adoption and after a revision approved under qmskit."""
    repo = _adopted(git_repo)
    repo.edit(RISK, "revision: 1\nstatus: effective", "revision: 2\nstatus: review")
    repo.revise(RISK, "rule number 20 ", "rule number twenty ", who="li-na")
    assert repo.qms_as("chen-jing", "approve", "QP-10", "--effective", "2026-03-01").code == 0
    for doc_id, path in (("QP-10", RISK), ("QP-11", TRAINING)):
        rows = repo.history(doc_id)
        followed = _follow(repo, path)
        assert _commits(rows) == set(followed), doc_id
        assert len(followed) == sum(len(r["commits"]) for r in rows)  # no commit twice


def test_versions_before_qmskit_are_rows_with_their_real_authors(git_repo: GitQmsRepo) -> None:
    rows = _adopted(git_repo).history("QP-10")
    before = [r for r in rows if r["kind"] == "before qmskit"]
    assert [(r["authors"][0]["name"], r["commits"][0]["date"][:10], r["front_matter"], r["path"]) for r in before] == [
        ("Ann Archer", "2022-03-01", "no front-matter", "old/risk.md"),
        ("Bo Berg", "2022-09-14", "no front-matter", "old/risk.md"),
        ("Cy Cole", "2023-02-02", "no front-matter", "archive/sops/risk.md"),
        ("Ann Archer", "2023-11-20", "front-matter unreadable", "archive/sops/risk.md"),
        ("Bo Berg", "2024-05-05", "no id", "archive/sops/risk.md"),
        ("Cy Cole", "2024-08-08", "no id", "archive/sops/risk.md"),
    ]
    # Not revisions: no revision label, no status of another tool, no approval judged.
    assert all(r["revision"] is None and r["status"] is None and r["approvals"] == [] for r in before)
    (revision,) = [r for r in rows if r["kind"] == "revision"]
    assert revision["revision"] == "1" and revision["approved_before_adoption"] is True


def test_the_adopter_who_only_added_front_matter_is_not_the_author(git_repo: GitQmsRepo) -> None:
    repo = _adopted(git_repo)
    (risk,) = [r for r in repo.history("QP-10") if r["kind"] == "revision"]
    assert [a["name"] for a in risk["authors"]] == ["Ann Archer", "Bo Berg", "Cy Cole"]
    (training,) = [r for r in repo.history("QP-11") if r["kind"] == "revision"]
    assert [a["name"] for a in training["authors"]] == ["Bo Berg", "Cy Cole"]


def test_an_adopter_who_also_changed_the_text_is_an_author(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    repo.write("notes/training.md", _text("Training"))
    _commit_as(repo, "bo", "2022-01-10", "Training notes")
    repo.git("mv", "notes/training.md", TRAINING)
    repo.write(TRAINING, FRONT.format(id="QP-11", title="Training") + _text("Training") + "Li Na's line.\n")
    repo.commit("Adopt", who="li-na", day="2025-06-01")
    (training,) = [r for r in repo.history("QP-11") if r["kind"] == "revision"]
    assert [a["name"] for a in training["authors"]] == ["Li Na"]


def test_text_history_shows_before_qmskit_rows(git_repo: GitQmsRepo) -> None:
    run = _adopted(git_repo).qms("history", "QP-10")
    assert run.code == 0, run.stderr
    assert run.stdout.count("before qmskit") == 6
    assert "front-matter unreadable" in run.stdout and "Ann Archer" in run.stdout
    assert "changed 2022-03-01 as old/risk.md" in run.stdout
    assert "?" not in run.stdout.split("QP-10", 1)[1].split("\n", 1)[1]  # no revision "?"


def test_check_history_is_clean_after_adoption(git_repo: GitQmsRepo) -> None:
    run = _adopted(git_repo).check("--history")
    assert run.code == 0, run.stdout


def test_a_version_whose_front_matter_does_not_parse_after_adoption_says_so(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    qp = "procedures/qp-01-document-control.md"
    repo.write(qp, repo.read(qp).replace("title: Document Control", "title: [Document Control"))
    repo.commit("A broken edit", who="li-na")
    rows = repo.history("QP-01")
    assert rows[-1]["front_matter"] == "front-matter unreadable"
    assert "front-matter unreadable" in repo.qms("history", "QP-01").stdout


def _adopted_after_baseline(repo: GitQmsRepo, writer: str) -> None:
    """Text written without front-matter by `writer` (in the roster), adopted by Li Na, in review."""
    name, email = {"chen-jing": ("Chen Jing", "chen.jing@office.example")}[writer]
    repo.write("notes/audit.md", _text("Internal audit"))
    when = "2026-02-01T09:00:00+00:00"
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Audit notes", env={"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                                                        "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_NAME": name,
                                                        "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": when})
    repo.git("mv", "notes/audit.md", "procedures/qp-12-internal-audit.md")
    repo.write("procedures/qp-12-internal-audit.md", FRONT.format(id="QP-12", title="Internal audit").replace(
        "status: effective", "status: review").replace("effective: 2025-06-01\n", "") + _text("Internal audit"))
    repo.commit("Adopt the audit procedure", who="li-na")


def test_who_wrote_the_text_before_adoption_cannot_approve_it(git_repo: GitQmsRepo) -> None:
    """Segregation of duties counts the text's authors, in `qms approve` and in the history's judgement alike."""
    repo = git_repo
    _adopted_after_baseline(repo, "chen-jing")
    run = repo.qms_as("chen-jing", "approve", "QP-12")
    assert run.code != 0 and "authored revision 1 of QP-12" in run.stderr
    # An approval made by hand, around the command, does not count either.
    repo.edit("procedures/qp-12-internal-audit.md", "status: review", "status: effective\neffective: 2026-03-01")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Approve QP-12\n\nApproves: QP-12@1", env=repo.identity("chen-jing"))
    codes = {f["code"]: f["message"] for f in repo.check("--history").findings}
    assert "H006" in codes and "segregation of duties" in codes.get("H010", "")


def test_after_qms_adopt_history_agrees_with_git_log_follow_for_every_file(tmp_path) -> None:
    """Issue 16's acceptance: a Markdown set with four years of history and moves into new folders, adopted
    with `qms adopt`; every document's history lists the commits `git log --follow` lists, authors included."""
    from qmsrepo import run_qms
    from test_adopt import four_years

    legacy = four_years(tmp_path)
    assert run_qms("adopt", "--apply", "--organisation", "Acme Medical", cwd=legacy.root).code == 0
    legacy.give_roles()
    done = run_qms("adopt", "--apply", "--commit", "--tag", "qms-baseline", cwd=legacy.root)
    assert done.code == 0, done.stderr
    run = run_qms("history", "--format", "json", cwd=legacy.root)
    assert run.code == 0, run.stderr
    rows = json.loads(run.stdout)
    paths = {r["id"]: r["path"] for r in rows if r["kind"] == "revision"}
    assert len(paths) == 4
    for doc_id, path in paths.items():
        out = legacy.git("log", "--follow", "--format=%H%x1f%an", "--", path)
        followed = {tuple(line.split("\x1f")) for line in out.splitlines()}
        assert _commits([r for r in rows if r["id"] == doc_id]) == followed, doc_id
        before = [r for r in rows if r["id"] == doc_id and r["kind"] == "before qmskit"]
        assert before and all(r["authors"][0]["name"] != "Li Na" for r in before)
