"""Signed approvals: with require_signature, only an approval git verifies with the approver's own key counts."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, find

QP = "procedures/qp-01-document-control.md"


def ssh_key(folder: Path, name: str) -> tuple[Path, str]:
    """A real ed25519 key pair made by ssh-keygen; returns the private key path and the public key line."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (folder / f"{name}.pub").read_text().strip()


@pytest.fixture
def signed_repo(git_repo: GitQmsRepo, tmp_path: Path) -> tuple[GitQmsRepo, Path, Path]:
    """Chen Jing's key is registered in the roster; a second key of hers is not."""
    keys = tmp_path / "keys"
    keys.mkdir()
    registered, public = ssh_key(keys, "chen-jing")
    unregistered, _ = ssh_key(keys, "chen-jing-laptop")
    git_repo.edit("manual/people.yml", "    roles: [quality-manager, document-controller]\n",
                  f"    roles: [quality-manager, document-controller]\n    signing_keys:\n      - {public}\n")
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "approvals:\n  require_signature: true\n")
    git_repo.git("config", "gpg.format", "ssh")
    git_repo.commit_rules("Register Chen Jing's signing key")
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    git_repo.revise(QP, "change: Adds electronic approval.", "change: Adds a records index.")
    return git_repo, registered, unregistered


def test_signed_approval_with_the_registered_key_counts(signed_repo) -> None:
    repo, registered, _ = signed_repo
    repo.git("config", "user.signingkey", str(registered))
    run = repo.qms_as("chen-jing", "approve", "QP-01", "--sign")
    assert run.code == 0, run.stderr
    assert "-----BEGIN SSH SIGNATURE-----" in repo.git("cat-file", "commit", "HEAD")
    check = repo.check("--history")
    assert check.code == 0, check.findings
    approval = repo.history("QP-01")[-1]["approvals"][0]
    assert (approval["signature"], approval["valid"]) == ("verified", True)


def test_unsigned_approval_is_refused(signed_repo) -> None:
    repo, _, _ = signed_repo
    run = repo.qms_as("chen-jing", "approve", "QP-01")
    assert run.code == 0, run.stderr
    sha = repo.git("rev-parse", "--short=7", "HEAD")
    check = repo.check("--history")
    (refused,) = find(check, "H010")
    assert f"commit {sha} by Chen Jing (chen-jing)" in refused["message"]
    assert "not signed, and qms.yml requires signed approvals" in refused["message"]
    assert len(find(check, "H006")) == 1


def test_signature_by_a_key_not_registered_for_the_person_is_refused(signed_repo) -> None:
    repo, _, unregistered = signed_repo
    repo.git("config", "user.signingkey", str(unregistered))
    assert repo.qms_as("chen-jing", "approve", "QP-01", "--sign").code == 0
    (refused,) = find(repo.check("--history"), "H010")
    assert "signature is not one git can verify with a key registered for Chen Jing" in refused["message"]
    assert repo.history("QP-01")[-1]["approvals"][0]["signature"] == "unverified"


@pytest.fixture
def gnupg_home(tmp_path: Path) -> Iterator[Path]:
    """A private GnuPG home; the gpg-agent that gpg starts for it is stopped when the test ends."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    try:
        yield home
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, check=False)


def gpg_key(home: Path, uid: str) -> str:
    """A real GPG key in a private keyring; returns its fingerprint."""
    env = {"GNUPGHOME": str(home)}

    subprocess.run(["gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "0"],
                   env={**os.environ, **env}, check=True, capture_output=True)
    out = subprocess.run(["gpg", "--batch", "--with-colons", "--list-secret-keys"], env={**os.environ, **env},
                         check=True, capture_output=True, text=True).stdout
    return next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:"))


@pytest.mark.parametrize("registered", [True, False])
def test_gpg_signed_approval_counts_only_with_a_registered_fingerprint(git_repo: GitQmsRepo, gnupg_home: Path,
                                                                       registered: bool, monkeypatch) -> None:
    home = gnupg_home
    fingerprint = gpg_key(home, "Chen Jing <chen.jing@office.example>")
    monkeypatch.setenv("GNUPGHOME", str(home))
    key_line = f"      - {fingerprint}\n" if registered else "      - 0000000000000000000000000000000000000000\n"
    git_repo.edit("manual/people.yml", "    roles: [quality-manager, document-controller]\n",
                  f"    roles: [quality-manager, document-controller]\n    signing_keys:\n{key_line}")
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "approvals:\n  require_signature: true\n")
    git_repo.commit_rules("Register Chen Jing's GPG key")
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    git_repo.revise(QP, "change: Adds electronic approval.", "change: Adds a records index.")
    git_repo.git("config", "user.signingkey", fingerprint)
    assert git_repo.qms_as("chen-jing", "approve", "QP-01", "--sign").code == 0
    approval = git_repo.history("QP-01")[-1]["approvals"][0]
    check = git_repo.check("--history")
    if registered:
        assert (approval["signature"], approval["valid"]) == ("verified", True)
        assert check.code == 0, check.findings
    else:
        assert approval["signature"] == "unverified"
        assert len(find(check, "H006")) == 1


def test_a_change_to_the_rules_of_approval_needs_a_signed_approval_too(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """With require_signature, an unsigned (or wrongly signed) approval of a roster change does not count (H013)."""
    repo = git_repo
    keys = tmp_path / "keys"
    keys.mkdir()
    director, public = ssh_key(keys, "wang-li")
    stranger, _ = ssh_key(keys, "not-registered")
    repo.edit("manual/people.yml", "    roles: [director]\n", f"    roles: [director]\n    signing_keys:\n      - {public}\n")
    repo.write("qms.yml", repo.read("qms.yml") + "approvals:\n  require_signature: true\n")
    repo.git("config", "gpg.format", "ssh")
    repo.commit_rules("Require signed approvals; register the director's key")
    repo.edit("manual/people.yml", "    roles: [document-controller]\n", "    roles: [document-controller, quality-manager]\n")
    repo.commit("Li Na becomes a quality manager", who="chen-jing")
    assert repo.qms_as("wang-li", "approve", "manual/people.yml").code == 0  # not signed
    (refused,) = find(repo.check("--history"), "H013")
    assert "not signed, and qms.yml requires signed approvals" in refused["message"], refused
    repo.git("config", "user.signingkey", str(stranger))
    assert repo.qms_as("wang-li", "approve", "manual/people.yml", "--sign").code == 0
    (refused,) = find(repo.check("--history"), "H013")
    assert "signature is not one git can verify with a key registered for Wang Li" in refused["message"], refused
    repo.git("config", "user.signingkey", str(director))
    assert repo.qms_as("wang-li", "approve", "manual/people.yml", "--sign").code == 0
    check = repo.check("--history")
    assert not find(check, "H013"), check.findings
