"""The CI files qms init writes: their steps, and the steps that can run here, run here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from scaffolding import User

from qms import __version__
from qms.cli import OutputFormat

FORMATS = {f.value for f in OutputFormat}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[User, Path, str]:
    base = tmp_path_factory.mktemp("ci")
    user = User(base / "home")
    assert user.qms("init", "office", cwd=base).code == 0
    root = base / "office"
    first = user.git(root, "rev-parse", "HEAD")
    # A pull request: a new procedure on a branch.
    user.git(root, "switch", "-q", "-c", "complaints")
    assert user.qms("new", "procedure", "--title", "Complaints", cwd=root, who="huang-yan").code == 0
    user.commit(root, "Draft QP-02", who="huang-yan")
    return user, root, first


def _run(step: str, root: Path, user: User, base: str, summary: Path, shell: str = "bash") -> subprocess.CompletedProcess[str]:
    used = set(re.findall(r"--format (\w+)", step))
    assert used <= FORMATS, f"the CI file asks for formats qms check does not have: {sorted(used - FORMATS)}"
    env = {**os.environ, **user.env, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
           "BASE_SHA": base, "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary)}
    flags = ["-e", "-o", "pipefail"] if shell == "bash" else ["-e"]
    return subprocess.run([shell, *flags, "-c", step], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def _github(root: Path) -> dict:
    return yaml.safe_load((root / ".github/workflows/qms.yml").read_text(encoding="utf-8"))


def _steps(root: Path) -> dict[str, dict]:
    return {s.get("name", s.get("uses", "")): s for s in _github(root)["jobs"]["check"]["steps"]}


def test_github_workflow_steps(office: tuple[User, Path, str]) -> None:
    _, root, _ = office
    workflow = _github(root)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"pull_request", "push", "workflow_dispatch"} and triggers["push"] == {"branches": ["main"]}
    steps = _steps(root)
    assert steps["actions/checkout@v4"]["with"] == {"fetch-depth": 0}
    names = list(steps)
    cache = steps["Keep qmskit's cache between runs"]
    assert names.index("Keep qmskit's cache between runs") < names.index("Check the pull request")
    assert cache["uses"] == "actions/cache@v4" and cache["with"]["path"] == ".git/qmskit"
    assert cache["with"]["key"] == "qmskit-${{ runner.os }}-${{ github.sha }}"
    assert cache["with"]["restore-keys"] == "qmskit-${{ runner.os }}-"
    assert steps["Install qmskit"]["run"] == f'pip install "qmskit=={__version__}"'
    pr = steps["Check the pull request"]
    assert pr["if"] == "github.event_name == 'pull_request'"
    assert pr["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    assert pr["run"] == 'qms check --since "$BASE_SHA" --format github'
    summary = steps["Summary of every finding"]
    assert summary["if"] == "!cancelled() && github.event_name == 'pull_request'"
    assert summary["run"].startswith('qms check --since "$BASE_SHA" --format markdown >> "$GITHUB_STEP_SUMMARY"')
    history = steps["Check all of history"]
    assert (history["if"], history["run"]) == ("github.event_name != 'pull_request'", "qms check --history --format github")
    assert steps["Build the site"]["run"] == "qms build --site-dir site"
    upload = steps["actions/upload-pages-artifact@v3"]
    assert upload["with"] == {"path": "site"} and "refs/heads/main" in upload["if"]
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "check" and publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["steps"] == [{"id": "deployment", "uses": "actions/deploy-pages@v4"}]
    assert publish["environment"]["name"] == "github-pages"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Check the pull request", "Summary of every finding", "Check all of history", "Build the site"])
def test_github_steps_run_here(office: tuple[User, Path, str], tmp_path: Path, name: str) -> None:
    user, root, base = office
    summary = tmp_path / "summary.md"
    run = _run(_steps(root)[name]["run"], root, user, base, summary)
    assert run.returncode == 0, run.stdout + run.stderr
    # The folder the workflow keeps between runs is where qms keeps what it learned.
    assert (root / _steps(root)["Keep qmskit's cache between runs"]["with"]["path"] / "check-cache.pickle").is_file()
    if name == "Build the site":
        assert (root / "site/index.html").is_file()
    if name == "Summary of every finding":
        assert summary.read_text(encoding="utf-8").strip()


@pytest.mark.slow
def test_a_broken_pull_request_annotates_and_fails(office: tuple[User, Path, str], tmp_path: Path) -> None:
    user, root, base = office
    path = root / "procedures/qp-01-document-control.md"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("status: draft", "status: efective"), encoding="utf-8")
    try:
        run = _run(_steps(root)["Check the pull request"]["run"], root, user, base, tmp_path / "summary.md")
    finally:
        path.write_text(original, encoding="utf-8")
    assert run.returncode == 1
    assert "::error file=procedures/qp-01-document-control.md,line=" in run.stdout and "S001" in run.stdout


@pytest.mark.slow
def test_gitlab_pipeline(office: tuple[User, Path, str], tmp_path: Path) -> None:
    user, root, base = office
    pipeline = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert pipeline["variables"]["GIT_DEPTH"] == "0"
    assert pipeline["default"]["before_script"] == [f'pip install "qmskit=={__version__}"']
    assert pipeline["default"]["cache"] == {"key": "qmskit", "paths": [".git/qmskit/"]}
    mr = pipeline["check-merge-request"]
    assert mr["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert mr["script"][:2] == [
        'qms check --since "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --format gitlab > gl-code-quality.json || [ $? -eq 1 ]',
        'qms check --since "$CI_MERGE_REQUEST_DIFF_BASE_SHA"']
    assert mr["artifacts"] == {"when": "always", "reports": {"codequality": "gl-code-quality.json"}}
    history = pipeline["check-history"]
    assert "qms check --history" in history["script"]
    assert history["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    pages = pipeline["pages"]
    assert pages["script"] == ["qms build --site-dir public"] and pages["artifacts"] == {"paths": ["public"]}
    # Every line of the merge-request job, in a POSIX shell as GitLab's image runs it.
    for line in mr["script"]:
        run = _run(line, root, user, base, tmp_path / "summary.md", shell="sh")
        assert run.returncode == 0, line + run.stdout + run.stderr
    assert (root / "public/index.html").is_file()
