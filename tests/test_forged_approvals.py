"""Forged and broken approvals, through real git repositories and real ssh-keygen signatures.

The plain cases (no role, self-approval, wrong revision, content changed after)
are in test_change_control.py, and unsigned or wrongly signed approvals in
test_signatures.py. Here: a committer who is not the author, an approval that
never reached main, and history rewritten under a saved report.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, QmsRun, find
from test_change_control import bump, hand_approval
from test_signatures import ssh_key

QP = "procedures/qp-01-document-control.md"


def _as_committer(repo: GitQmsRepo, author: str, committer: str) -> dict[str, str]:
    """Git identity variables for a commit written by `committer` under `author`'s name."""
    env = repo.identity(author)
    theirs = repo.identity(committer)
    env.update({k: v for k, v in theirs.items() if k.startswith("GIT_COMMITTER_")})
    return env


@pytest.fixture
def signing_repo(git_repo: GitQmsRepo, tmp_path: Path) -> tuple[GitQmsRepo, Path]:
    """Signatures required; Chen Jing and Li Na each have a registered key. Returns Li Na's private key."""
    keys = tmp_path / "keys"
    keys.mkdir()
    _, chen_public = ssh_key(keys, "chen-jing")
    li_na, li_na_public = ssh_key(keys, "li-na")
    git_repo.edit("manual/people.yml", "    roles: [quality-manager, document-controller]\n",
                  f"    roles: [quality-manager, document-controller]\n    signing_keys:\n      - {chen_public}\n")
    git_repo.write("manual/people.yml", git_repo.read("manual/people.yml")
                   + f"    signing_keys:\n      - {li_na_public}\n")
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "approvals:\n  require_signature: true\n")
    git_repo.git("config", "gpg.format", "ssh")
    git_repo.commit_rules("Register signing keys")
    bump(git_repo)
    return git_repo, li_na


def test_committer_other_than_the_author_without_a_signature_is_refused(signing_repo) -> None:
    """Li Na commits an approval under Chen Jing's name: with signatures required, the missing signature refuses it."""
    repo, _ = signing_repo
    repo.edit(QP, "status: review", "status: effective")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Approve\n\nApproves: QP-01@3", env=_as_committer(repo, "chen-jing", "li-na"))
    assert repo.git("log", "-1", "--format=%an / %cn") == "Chen Jing / Li Na"
    run = repo.check("--history")
    (refused,) = find(run, "H010")
    assert "by Chen Jing (chen-jing): approval of QP-01@3 refused: the approval is not signed" in refused["message"]
    assert len(find(run, "H006")) == 1


def test_committer_signing_with_their_own_key_under_the_approvers_name_is_refused(signing_repo) -> None:
    """Li Na signs, with her own registered key, a commit authored as Chen Jing: the key is not Chen Jing's."""
    repo, li_na_key = signing_repo
    repo.git("config", "user.signingkey", str(li_na_key))
    repo.edit(QP, "status: review", "status: effective")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-S", "-m", "Approve\n\nApproves: QP-01@3", env=_as_committer(repo, "chen-jing", "li-na"))
    assert "-----BEGIN SSH SIGNATURE-----" in repo.git("cat-file", "commit", "HEAD")
    run = repo.check("--history")
    (refused,) = find(run, "H010")
    assert "signature is not one git can verify with a key registered for Chen Jing (chen-jing)" in refused["message"]
    assert repo.history("QP-01")[-1]["approvals"][0]["signature"] == "unverified"
    assert len(find(run, "H006")) == 1


def test_committer_signature_tampered_after_signing_is_refused(signing_repo, tmp_path: Path) -> None:
    """A properly signed approval whose commit text was edited afterwards: the signature no longer verifies."""
    repo, _ = signing_repo
    chen_key = tmp_path / "keys" / "chen-jing"
    repo.git("config", "user.signingkey", str(chen_key))
    assert repo.qms_as("chen-jing", "approve", "QP-01", "--sign").code == 0
    raw = repo.git("cat-file", "commit", "HEAD")
    forged = raw.replace("Approve QP-01 revision 3", "Approve QP-01 revision 3 (and more)") + "\n"
    sha = _write_object(repo, forged)
    repo.git("update-ref", "refs/heads/main", sha)
    run = repo.check("--history")
    (refused,) = find(run, "H010")
    assert f"commit {sha[:7]} by Chen Jing (chen-jing)" in refused["message"]
    assert "signature is not one git can verify" in refused["message"]


def _write_object(repo: GitQmsRepo, commit_text: str) -> str:
    proc = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.root,
                          input=commit_text, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_approval_on_a_branch_never_merged_does_not_count(git_repo: GitQmsRepo) -> None:
    """Chen Jing approves on a side branch that is never merged; main sets the status itself: unapproved."""
    bump(git_repo)
    git_repo.git("switch", "-q", "-c", "side")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    git_repo.git("switch", "-q", "main")
    git_repo.revise(QP, "status: review", "status: effective")
    run = git_repo.check("--history")
    (missing,) = find(run, "H006")
    assert "QP-01 revision 3 became effective without a valid approval from a holder of quality-manager" \
        in missing["message"]
    assert git_repo.history("QP-01")[-1]["approvals"] == []


def test_trailer_in_a_merge_commit_by_someone_without_the_role(git_repo: GitQmsRepo) -> None:
    """Li Na merges the branch and writes the Approves: trailer into her merge commit: she holds no approver role."""
    git_repo.git("switch", "-q", "-c", "side")
    bump(git_repo)
    git_repo.revise(QP, "status: review", "status: effective")
    git_repo.git("switch", "-q", "main")
    git_repo.git("merge", "-q", "--no-ff", "-m", "Merge side\n\nApproves: QP-01@3", "side",
                 env=git_repo.identity("li-na"))
    run = git_repo.check("--history")
    (refused,) = find(run, "H010")
    assert "Li Na holds none of the approver roles of QP-01" in refused["message"]
    assert len(find(run, "H006")) == 1


def _save_report(repo: GitQmsRepo, folder: Path) -> Path:
    run = repo.qms("history", "--format", "json")
    assert run.code == 0, run.stderr
    saved = folder / "approvals.json"
    saved.write_text(run.stdout, encoding="utf-8")
    return saved


def test_saved_report_matches_untouched_history(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    bump(git_repo)
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    saved = _save_report(git_repo, tmp_path)
    git_repo.revise("manual/qm-01-quality-manual.md", "# Quality Manual", "# Quality Manual\n\nA later draft.")
    run = git_repo.check("--history", "--against", str(saved))
    assert find(run, "H011") == []


def test_amended_approval_is_reported_against_the_saved_report(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """The approval commit is amended (new date): its old commit id is gone from history, and H011 says so."""
    bump(git_repo)
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    old = git_repo.git("rev-parse", "HEAD")
    saved = _save_report(git_repo, tmp_path)
    git_repo.git("commit", "-q", "--amend", "--no-edit", "--date=2026-03-01T10:00:00+00:00",
                 env=git_repo.identity("chen-jing"))
    run = git_repo.check("--history", "--against", str(saved))
    assert run.code == 1
    hits = find(run, "H011")
    messages = [h["message"] for h in hits]
    assert any(f"QP-01@3: the approval by Chen Jing <chen.jing@office.example> on 2026-02-01 in commit {old[:7]}, "
               "recorded in approvals.json, is no longer in the history" in m for m in messages), messages
    assert any(m.startswith("QP-01@3: 1 of its commits recorded in approvals.json are no longer in the history")
               for m in messages), messages
    assert {h["path"] for h in hits} == {QP}


def test_dropped_revision_and_approval_are_reported(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """Revision 3 and its approval are reset away and replaced: the saved revision is missing."""
    base = git_repo.git("rev-parse", "HEAD")
    bump(git_repo)
    hand_approval(git_repo, "chen-jing", "QP-01@3")
    saved = _save_report(git_repo, tmp_path)
    git_repo.git("reset", "-q", "--hard", base)
    run = git_repo.check("--history", "--against", str(saved))
    (hit,) = find(run, "H011")
    assert hit["message"] == ("QP-01@3, recorded in approvals.json, is no longer in the history: "
                              "history was rewritten or the document removed")


@pytest.mark.parametrize(("content", "expected"), [
    ("[{\"id\": 1}]", "is not a report of `qms history --format json`"),
    ("[\n{\"id\": \"QP-01\",\n", "approvals.json:3: is not valid JSON"),
    (None, "approvals.json: cannot be read"),
])
def test_against_a_file_that_is_not_a_report(git_repo: GitQmsRepo, tmp_path: Path, content: str | None,
                                            expected: str) -> None:
    saved = tmp_path / "approvals.json"
    if content is not None:
        saved.write_text(content, encoding="utf-8")
    run = git_repo.qms("check", "--history", "--against", str(saved))
    assert run.code == 2
    assert expected in run.stderr
    assert "Traceback" not in run.stderr


def test_approval_hidden_in_a_merge_that_kept_mains_content_does_not_count(git_repo: GitQmsRepo) -> None:
    """Chen Jing approves other content on a side branch; Li Na merges it with `-s ours`, so main keeps its own
    unapproved text, and marks it effective. The trailer is reachable through the merge, but what it approved is not
    what main holds."""
    bump(git_repo)
    base = git_repo.git("rev-parse", "HEAD").strip()
    git_repo.git("switch", "-q", "-c", "side")
    git_repo.revise(QP, "Records are listed in an index.", "Records are listed in a register.")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    git_repo.git("switch", "-q", "main")
    git_repo.revise(QP, "status: review", "status: effective")
    git_repo.git("merge", "-q", "-s", "ours", "-m", "Merge side", "side", env=git_repo.identity("li-na"))
    assert "Records are listed in an index." in git_repo.read(QP)  # main's text, never approved
    assert git_repo.git("log", "--format=%(trailers:key=Approves,valueonly)", "HEAD").count("QP-01@3") == 1
    run = git_repo.check("--history")
    assert run.code == 1, run.findings
    merge = git_repo.git("rev-parse", "--short=7", "HEAD")
    (missing,) = find(run, "H006")
    assert "QP-01 revision 3 became effective without a valid approval" in missing["message"]
    (voided,) = find(run, "H007")
    assert f"the content changed after this approval, in commit {merge}" in voided["message"]
    revision = git_repo.history("QP-01")[-1]
    assert [(a["person"], a["valid"]) for a in revision["approvals"]] == [("chen-jing", False)]
    assert "content changed after this approval" in revision["approvals"][0]["problem"]
    # The pull-request check, which reads only the range, reaches the same verdict.
    assert same_findings(git_repo.check("--since", base), run)


def test_approval_of_the_very_content_main_kept_still_counts(git_repo: GitQmsRepo) -> None:
    """The other side of the rule: `-s ours` drops the branch's status change, but the approved text is main's text,
    so the approval covers what is in force. The merge as a whole changes nothing on main, but the status it undid is
    still shown (H017, naming the H005 of the merge's own change)."""
    bump(git_repo)
    base = git_repo.git("rev-parse", "HEAD").strip()
    git_repo.git("switch", "-q", "-c", "side")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01").code == 0
    git_repo.git("switch", "-q", "main")
    git_repo.git("merge", "-q", "-s", "ours", "-m", "Merge side", "side", env=git_repo.identity("li-na"))
    assert "status: review" in git_repo.read(QP)
    git_repo.revise(QP, "status: review", "status: effective")
    run = git_repo.check("--history")
    merge = git_repo.git("rev-parse", "--short=7", "HEAD~1")
    assert [(f["code"], f["message"].split(":")[0]) for f in run.findings] == [("H017", f"commit {merge} by Li Na (li-na)")]
    assert "(H005 on its own)" in run.findings[0]["message"]
    revision = git_repo.history("QP-01")[-1]
    assert [(a["person"], a["valid"]) for a in revision["approvals"]] == [("chen-jing", True)]
    assert same_findings(git_repo.check("--since", base), run)


def same_findings(one: QmsRun, other: QmsRun) -> bool:
    def key(run: QmsRun) -> list[tuple[str, str, str]]:
        return sorted((f["code"], f["path"], f["message"]) for f in run.findings)
    assert one.code == other.code, (one.findings, other.findings)
    return key(one) == key(other)
