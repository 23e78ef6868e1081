"""The qms-check pre-commit hook, run by pre-commit itself on a QMS made in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT
from scaffolding import User


def test_hook_definition() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks == [{"id": "qms-check", "name": "qms check",
                      "description": "Check the QMS documents, roles and references with qmskit.",
                      "entry": "qms check --staged", "language": "python", "files": r"\.(md|markdown|ya?ml)$",
                      "pass_filenames": False, "require_serial": True}]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[User, Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("precommit")
    user = User(base / "home")
    assert user.qms("init", "office", cwd=base).code == 0
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, **user.env, "PRE_COMMIT_HOME": str(base / "cache"), "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
    return user, base / "office", env


def _pre_commit(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def _break(root: Path) -> None:
    path = root / "procedures/qp-01-document-control.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: efective"), encoding="utf-8")


def _mend(root: Path) -> None:
    path = root / "procedures/qp-01-document-control.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: efective", "status: draft"), encoding="utf-8")


@pytest.mark.slow
def test_qmskit_hook_installed_by_pre_commit(office: tuple[User, Path, dict[str, str]], tmp_path: Path) -> None:
    """pre-commit clones qmskit, installs it in its own environment, and runs the qms-check hook."""
    _, root, env = office
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()
    config = tmp_path / "qmskit-hook.yaml"
    config.write_text(yaml.safe_dump({"repos": [{"repo": str(REPO_ROOT), "rev": rev, "hooks": [{"id": "qms-check"}]}]}),
                      encoding="utf-8")
    passed = _pre_commit(root, env, "--config", str(config))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "qms check" in passed.stdout and "Passed" in passed.stdout
    _break(root)
    try:
        failed = _pre_commit(root, env, "--config", str(config))
    finally:
        _mend(root)
    assert failed.returncode == 1
    assert "Failed" in failed.stdout and "S001" in failed.stdout and "procedures/qp-01-document-control.md" in failed.stdout
    # The environment pre-commit built holds qmskit as a wheel installs it: the sample office included.
    installed = sorted(Path(env["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/bin/qms"))
    assert installed, "pre-commit made no environment with qms in it"
    example = subprocess.run([str(installed[0]), "init", "example", "--example"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120)
    assert example.returncode == 0, example.stderr
    assert (tmp_path / "example/procedures/qp-02-document-control.md").is_file()


@pytest.mark.slow
def test_config_written_by_init(office: tuple[User, Path, dict[str, str]]) -> None:
    """The .pre-commit-config.yaml that qms init writes runs the qms you installed."""
    _, root, env = office
    passed = _pre_commit(root, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    _break(root)
    try:
        failed = _pre_commit(root, env)
    finally:
        _mend(root)
    assert failed.returncode == 1 and "S001" in failed.stdout


@pytest.mark.slow
def test_config_written_by_init_stops_an_effective_document_edited_without_a_new_revision(
        office: tuple[User, Path, dict[str, str]], tmp_path: Path) -> None:
    """The hook compares what is staged with HEAD (`qms check --staged`), so the most common mistake is caught
    before the commit exists; a plain `qms check` of the working tree cannot see it."""
    _, source, env = office
    root = tmp_path / "office"
    shutil.copytree(source, root, symlinks=True)
    path = root / "procedures/qp-01-document-control.md"
    text = path.read_text(encoding="utf-8").replace("status: draft", "status: effective\neffective: 2026-01-05")
    path.write_text(text, encoding="utf-8")
    subprocess.run(["git", "commit", "-qam", "QP-01 in force"], cwd=root, env=env, check=True)
    path.write_text(text.replace("To keep the documents", "To keep all documents"), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    failed = _pre_commit(root, env)
    assert failed.returncode == 1
    assert "H001" in failed.stdout and "the staged change" in failed.stdout and "bump the revision" in failed.stdout
