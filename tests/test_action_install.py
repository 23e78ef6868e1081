"""The action's install step, run as the runner runs it: a clean Python, qmskit from a checkout, base install only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT
from qmsrepo import QmsRepo


def _checkout(target: Path) -> Path:
    """This repository as the runner checks the action out: its files, without .git or anything ignored."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = REPO_ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    return target


@pytest.mark.slow
def test_the_action_installs_a_base_qmskit_that_checks(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)  # no system site-packages
    bin_dir = venv / "bin"
    action = _checkout(tmp_path / "action")
    steps = yaml.safe_load((action / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install qmskit")
    # The step as the runner runs it: bash, the Python of actions/setup-python first on the PATH, the inputs as
    # variables (extras empty: the default).
    env = {**os.environ, "PATH": str(bin_dir) + os.pathsep + os.environ["PATH"], "GITHUB_ACTION_PATH": str(action),
           "EXTRAS": ""}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", install["run"]], env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    listed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "list", "--format", "freeze"], env=env,
                            capture_output=True, text=True, check=True).stdout.lower()
    installed = {line.split("==")[0] for line in listed.splitlines()}
    assert {"qmskit", "typer", "pyyaml", "jsonschema", "gitpython", "jinja2"} <= installed
    assert not installed & {"mkdocs", "mkdocs-material", "jieba", "weasyprint", "markdown"}, installed

    repo = QmsRepo(tmp_path / "qms-repo")
    repo.write("mkdocs.yml", "site_name: Test\ntheme:\n  name: material\nplugins:\n  - qms\n")
    qms = str(bin_dir / "qms")
    check = subprocess.run([qms, "check", "--format", "json"], cwd=repo.root, env={**env, "NO_COLOR": "1"},
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert '"findings": []' in check.stdout
    # The qms that ran is the venv's own, from the copy: not this worktree's.
    where = subprocess.run([str(bin_dir / "python"), "-c", "import qms; print(qms.__file__)"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(venv)), where
    build = subprocess.run([qms, "build"], cwd=repo.root, env={**env, "NO_COLOR": "1", "COLUMNS": "200"},
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 2, build.stdout + build.stderr
    assert "qms build needs the site extra: pip install 'qmskit[site]'" in build.stderr
    assert "Traceback" not in build.stderr and not (repo.root / "site").exists()
