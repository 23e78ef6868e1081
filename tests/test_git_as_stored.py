"""Git is read as stored, not as configured: replace refs, grafts and the user's log settings change no verdict.

Each test is an attack on a real repository through the real `qms` command:
before qmskit turned replace objects off and pinned the log settings, each of
them ended in "No problems found" or a crash.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from qmsrepo import PEOPLE, GitQmsRepo, QmsRepo, find, run_qms
from test_change_control import bump, hand_approval
from test_signatures import ssh_key

QP = "procedures/qp-01-document-control.md"


def _replace_commit_author(repo: GitQmsRepo, rev: str, who: str) -> str:
    """`git replace` the commit at `rev` with a copy whose author is `who`; returns the replacement's id."""
    name, email = PEOPLE[who]
    original = repo.git("cat-file", "commit", rev)
    header, _, message = original.partition("\n\n")
    lines = [line if not line.startswith("author ") else f"author {name} <{email}> " + " ".join(line.split()[-2:])
             for line in header.splitlines()]
    forged = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.root, check=True,
                            input="\n".join(lines) + "\n\n" + message + "\n", capture_output=True, text=True)
    replacement = forged.stdout.strip()
    repo.git("replace", repo.git("rev-parse", rev), replacement)
    return replacement


def test_a_replaced_commit_cannot_forge_an_approver(git_repo: GitQmsRepo) -> None:
    """Li Na approves her own revision; a replace ref makes git show Chen Jing as the approver."""
    bump(git_repo, who="li-na")
    hand_approval(git_repo, "li-na", "QP-01@3")
    cold = git_repo.check("--history")
    assert len(find(cold, "H006")) == 1  # the cache is warm from here on
    _replace_commit_author(git_repo, "HEAD", "chen-jing")
    assert git_repo.git("log", "-1", "--format=%an") == "Chen Jing"  # what git shows people

    run = git_repo.check("--history")
    assert len(find(run, "H006")) == 1, run.findings
    (replaced,) = find(run, "H012")
    assert replaced["path"].startswith("refs/replace/")
    assert "git replace -d" in (replaced["hint"] or "")
    history = git_repo.history("QP-01")
    assert history[-1]["approvals"][0]["email"] == "li.na@office.example"
    # A cold run (no caches) gives the same verdict as the warm one.
    cache = Path(git_repo.git("rev-parse", "--absolute-git-dir")) / "qmskit"
    subprocess.run(["rm", "-rf", str(cache)], check=True)
    assert git_repo.check("--history").findings == run.findings


def test_a_replaced_blob_does_not_change_the_approved_text(git_repo: GitQmsRepo) -> None:
    """After a valid approval, a replace ref swaps the document's blob: qms still reads what was approved."""
    bump(git_repo, who="li-na")
    approved = git_repo.qms_as("chen-jing", "approve", "QP-01")
    assert approved.code == 0, approved.stderr
    blob = git_repo.git("rev-parse", f"HEAD:{QP}")
    other = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=git_repo.root, check=True, capture_output=True,
                           text=True, input=git_repo.read(QP) + "\nInjected after the approval.\n").stdout.strip()
    git_repo.git("replace", blob, other)
    assert "Injected after the approval." in git_repo.git("show", f"HEAD:{QP}")  # what git shows people

    diff = git_repo.qms("diff", "QP-01", "2", "3")
    assert diff.code == 0, diff.stderr
    assert "Injected" not in diff.stdout
    run = git_repo.check("--history")
    assert not find(run, "H006") and not find(run, "H007") and len(find(run, "H012")) == 1


def test_grafts_are_reported_and_ignored(git_repo: GitQmsRepo) -> None:
    bump(git_repo, who="li-na")
    hand_approval(git_repo, "li-na", "QP-01@3")
    head = git_repo.git("rev-parse", "HEAD")
    grafts = Path(git_repo.git("rev-parse", "--absolute-git-dir")) / "info" / "grafts"
    grafts.parent.mkdir(exist_ok=True)
    grafts.write_text(f"{head}\n", encoding="utf-8")  # HEAD with no parents: history would start there
    run = git_repo.check("--history")
    assert len(find(run, "H006")) == 1
    assert [f["path"] for f in find(run, "H012")] == [".git/info/grafts"]


def test_show_signature_in_the_users_config_does_not_break_the_history(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """log.showSignature=true, common among people who sign, printed signatures into the parsed log."""
    keys = tmp_path / "keys"
    keys.mkdir()
    key, public = ssh_key(keys, "chen-jing")
    git_repo.edit("manual/people.yml", "    roles: [quality-manager, document-controller]\n",
                  f"    roles: [quality-manager, document-controller]\n    signing_keys:\n      - {public}\n")
    git_repo.commit_rules("Register Chen Jing's key")
    bump(git_repo, who="li-na")
    git_repo.git("config", "gpg.format", "ssh")
    git_repo.git("config", "user.signingkey", str(key))
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"chen.jing@office.example {public}\n", encoding="utf-8")
    git_repo.git("config", "gpg.ssh.allowedSignersFile", str(allowed))
    assert git_repo.qms_as("chen-jing", "approve", "QP-01", "--sign").code == 0
    git_repo.git("config", "log.showSignature", "true")

    run = git_repo.check("--history")
    assert run.code == 0, run.findings
    assert git_repo.history("QP-01")[-1]["approvals"][0]["signature"] == "verified"


def test_show_root_off_in_the_users_config_keeps_the_root_commit_under_control(tmp_path: Path) -> None:
    """log.showRoot=false hid the files of the first commit: its unapproved documents escaped change control."""
    repo = QmsRepo(tmp_path / "root-commit")
    env = {"GIT_AUTHOR_NAME": "Li Na", "GIT_AUTHOR_EMAIL": "li.na@office.example", "GIT_COMMITTER_NAME": "Li Na",
           "GIT_COMMITTER_EMAIL": "li.na@office.example"}
    for args in (["init", "-q", "-b", "main"], ["config", "commit.gpgsign", "false"], ["add", "-A"],
                 ["commit", "-q", "-m", "All documents at once, effective, approved by nobody"]):
        subprocess.run(["git", *args], cwd=repo.root, check=True, env={**os.environ, **env})
    subprocess.run(["git", "config", "log.showRoot", "false"], cwd=repo.root, check=True)
    run = run_qms("check", "--history", "--format", "json", cwd=repo.root)
    assert sorted(f["path"] for f in find(run, "H006")) == ["manual/qm-01-quality-manual.md",
                                                           "procedures/qp-01-document-control.md"]


def test_against_a_saved_report_reads_the_stored_commits_not_the_replacements(git_repo: GitQmsRepo,
                                                                                tmp_path: Path) -> None:
    """A replace ref keeps every commit id, so `--against` cannot notice it by ids: qms reads the commits as
    stored, so the saved report still matches, the forged approver is not believed, and H012 names the ref."""
    bump(git_repo, who="li-na")
    hand_approval(git_repo, "li-na", "QP-01@3")
    saved = tmp_path / "approvals.json"
    saved.write_text(git_repo.qms("history", "--format", "json").stdout, encoding="utf-8")
    _replace_commit_author(git_repo, "HEAD", "chen-jing")
    assert git_repo.git("log", "-1", "--format=%an") == "Chen Jing"  # what git shows people
    # Cold, so that nothing read before the replace ref answers for git.
    subprocess.run(["rm", "-rf", str(Path(git_repo.git("rev-parse", "--absolute-git-dir")) / "qmskit")], check=True)

    run = git_repo.check("--history", "--against", str(saved))
    assert find(run, "H011") == []  # nothing recorded in the report changed, as git stores it
    assert len(find(run, "H006")) == 1  # Li Na's own approval still does not count
    (replaced,) = find(run, "H012")
    assert replaced["path"].startswith("refs/replace/")
    assert git_repo.history("QP-01")[-1]["approvals"][0]["email"] == "li.na@office.example"
