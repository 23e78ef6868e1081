"""The CI files qms init writes: their steps, and the steps that can run here, run here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT
from scaffolding import User

from qms import REPOSITORY, __version__
from qms.cli import DueFormat, OutputFormat

FORMATS = {f.value for f in OutputFormat} | {f.value for f in DueFormat}
INSTALL = 'pip install --disable-pip-version-check -q "qmskit @ git+${QMSKIT_REPO}@${QMSKIT_REF}"'


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


def _run(step: str, root: Path, user: User, base: str, summary: Path, shell: str = "bash",
         extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    used = set(re.findall(r"--format (\w+)", step))
    assert used <= FORMATS, f"the CI file asks for formats qms check does not have: {sorted(used - FORMATS)}"
    env = {**os.environ, **user.env, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
           "BASE_SHA": base, "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary), **(extra_env or {})}
    flags = ["-e", "-o", "pipefail"] if shell == "bash" else ["-e"]
    return subprocess.run([shell, *flags, "-c", step], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def _github(root: Path) -> dict:
    return yaml.safe_load((root / ".github/workflows/qms.yml").read_text(encoding="utf-8"))


def _steps(root: Path, job: str = "check") -> dict[str, dict]:
    return {s.get("name", s.get("uses", "")): s for s in _github(root)["jobs"][job]["steps"]}


def _action() -> dict:
    return yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))


def _action_check(root: Path, user: User, base: str, summary: Path, pull_request: bool) -> subprocess.CompletedProcess[str]:
    """The action's check step with its default inputs, as the runner runs it on a pull request or a push."""
    step = next(s for s in _action()["runs"]["steps"] if s.get("name") == "qms check")
    assert step["env"] == {"ARGS": "${{ inputs.args }}", "BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    return _run(step["run"], root, user, base, summary, extra_env={"ARGS": "", "BASE_SHA": base if pull_request else ""})


def test_github_workflow_steps(office: tuple[User, Path, str]) -> None:
    _, root, _ = office
    workflow = _github(root)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert triggers["push"] == {"branches": ["main"]}
    # A daily build: the site shows the revisions in force on the day it is built.
    assert triggers["schedule"] == [{"cron": "17 0 * * *"}]
    steps = _steps(root)
    assert steps["actions/checkout@v4"]["with"] == {"fetch-depth": 0}
    names = list(steps)
    cache = steps["Keep qmskit's cache between runs"]
    assert names.index("Keep qmskit's cache between runs") < names.index("Check")
    assert cache["uses"] == "actions/cache@v4" and cache["with"]["path"] == ".git/qmskit"
    assert cache["with"]["key"] == "qmskit-${{ runner.os }}-${{ github.sha }}"
    assert cache["with"]["restore-keys"] == "qmskit-${{ runner.os }}-"
    # qmskit's own action, at the version that wrote the file, with its defaults: the base install and qms check.
    action = f"{REPOSITORY.removeprefix('https://github.com/')}@v{__version__}"
    assert steps["Check"] == {"name": "Check", "uses": action}
    assert "pip install" not in json.dumps(workflow)
    text = (root / ".github/workflows/qms.yml").read_text(encoding="utf-8")
    assert f'#   - run: pip install "qmskit=={__version__}"' in text  # the package index, once qmskit is published
    summary = steps["Summary of every finding"]
    assert summary["if"] == "!cancelled() && github.event_name == 'pull_request'"
    assert summary["run"].startswith('qms check --since "$BASE_SHA" --format markdown >> "$GITHUB_STEP_SUMMARY"')
    site = _steps(root, "site")
    assert site["actions/checkout@v4"]["with"] == {"fetch-depth": 0}
    assert site["Install qmskit with the site extra"] == {"name": "Install qmskit with the site extra", "uses": action,
                                                          "with": {"extras": "site", "check": "false"}}
    # Pages can be read by anyone: the site the workflow publishes holds only what is classified public.
    assert site["Build the site"]["run"] == "qms build --public --site-dir site"
    assert "WARNING: a GitHub Pages site can be read by anyone" in (root / ".github/workflows/qms.yml").read_text()
    upload = site["actions/upload-pages-artifact@v3"]
    assert upload["with"] == {"path": "site"} and "refs/heads/main" in upload["if"]
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == ["check", "site"] and publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["steps"] == [{"id": "deployment", "uses": "actions/deploy-pages@v4"}]
    assert publish["environment"]["name"] == "github-pages"


def test_the_action() -> None:
    """action.yml: a composite action that installs qmskit (base only by default) from its own checkout and checks."""
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert {name: spec.get("default") for name, spec in action["inputs"].items()} == {
        "args": "", "check": "true", "extras": "", "python-version": "3.12", "working-directory": "."}
    steps = action["runs"]["steps"]
    assert steps[0] == {"uses": "actions/setup-python@v5", "with": {"python-version": "${{ inputs.python-version }}"}}
    install = steps[1]
    assert install["env"] == {"EXTRAS": "${{ inputs.extras }}"}
    assert '"$GITHUB_ACTION_PATH${EXTRAS:+[$EXTRAS]}"' in install["run"] and "qmskit==" not in install["run"]
    check = steps[2]
    assert check["if"] == "inputs.check == 'true'" and check["working-directory"] == "${{ inputs.working-directory }}"
    # The inputs reach the shell as variables, never as text pasted into the script.
    assert "${{" not in install["run"] + check["run"]


def test_gitlab_template() -> None:
    """ci/gitlab-qms.yml installs qmskit from its repository at this version's tag, and the site extra only for the site."""
    template = yaml.safe_load((REPO_ROOT / "ci/gitlab-qms.yml").read_text(encoding="utf-8"))
    assert template["variables"]["QMSKIT_REPO"] == REPOSITORY + ".git"
    assert template["variables"]["QMSKIT_REF"] == f"v{__version__}"
    assert template[".qms-install"]["before_script"] == [INSTALL]
    assert template[".qms-site"]["before_script"] == [INSTALL.replace('"qmskit @', '"qmskit[site] @')]
    assert template[".qms-check"]["extends"] == ".qms-install"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Check (pull request)", "Check (push)", "Summary of every finding", "Build the site"])
def test_github_steps_run_here(office: tuple[User, Path, str], tmp_path: Path, name: str) -> None:
    user, root, base = office
    summary = tmp_path / "summary.md"
    if name.startswith("Check"):
        run = _action_check(root, user, base, summary, pull_request="pull" in name)
    else:
        run = _run({**_steps(root), **_steps(root, "site")}[name]["run"], root, user, base, summary)
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
        run = _action_check(root, user, base, tmp_path / "summary.md", pull_request=True)
    finally:
        path.write_text(original, encoding="utf-8")
    assert run.returncode == 1
    assert "::error file=procedures/qp-01-document-control.md,line=" in run.stdout and "S001" in run.stdout


@pytest.mark.slow
def test_gitlab_pipeline(office: tuple[User, Path, str], tmp_path: Path) -> None:
    user, root, base = office
    pipeline = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert pipeline["variables"]["GIT_DEPTH"] == "0"
    assert pipeline["variables"]["QMSKIT_REPO"] == REPOSITORY + ".git" and pipeline["variables"]["QMSKIT_REF"] == f"v{__version__}"
    # The same install lines as qmskit's GitLab template: base for the checks, the site extra for the site.
    template = yaml.safe_load((REPO_ROOT / "ci/gitlab-qms.yml").read_text(encoding="utf-8"))
    assert pipeline["default"]["before_script"] == template[".qms-install"]["before_script"] == [INSTALL]
    for job in ("site-merge-request", "pages"):
        assert pipeline[job]["before_script"] == template[".qms-site"]["before_script"], job
    text = (root / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert f'#   - pip install "qmskit=={__version__}"' in text  # the package index, once qmskit is published
    assert pipeline["default"]["cache"] == {"key": "qmskit", "paths": [".git/qmskit/"]}
    mr = pipeline["check-merge-request"]
    assert mr["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert mr["script"] == [
        'qms check --since "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --format gitlab > gl-code-quality.json || [ $? -eq 1 ]',
        'qms check --since "$CI_MERGE_REQUEST_DIFF_BASE_SHA"']
    assert mr["artifacts"] == {"when": "always", "reports": {"codequality": "gl-code-quality.json"}}
    history = pipeline["check-history"]
    assert "qms check --history" in history["script"]
    assert history["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pipeline["site-merge-request"]["script"] == ["qms build --public --site-dir public"]
    pages = pipeline["pages"]
    assert pages["script"] == ["qms build --public --site-dir public"] and pages["artifacts"] == {"paths": ["public"]}
    assert "WARNING: a GitLab Pages site is public" in text
    # Every line of the merge-request jobs, in a POSIX shell as GitLab's image runs it.
    for line in mr["script"] + pipeline["site-merge-request"]["script"]:
        run = _run(line, root, user, base, tmp_path / "summary.md", shell="sh")
        assert run.returncode == 0, line + run.stdout + run.stderr
    assert (root / "public/index.html").is_file()
    # The template's check, its lines in one shell as GitLab's runner runs a job's script.
    run = _run("\n".join(template[".qms-check"]["script"]), root, user, base, tmp_path / "summary.md", shell="sh")
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads((root / "gl-code-quality.json").read_text(encoding="utf-8")) == []


def test_weekly_due_workflow_publishes_the_due_list_as_the_job_summary(office: tuple[User, Path, str],
                                                                       tmp_path: Path) -> None:
    """qms init writes a second workflow: every Monday, `qms due` as Markdown into the job summary."""
    user, root, base = office
    workflow = yaml.safe_load((root / ".github/workflows/qms-due.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))
    assert triggers == {"schedule": [{"cron": "23 6 * * 1"}], "workflow_dispatch": None}
    assert workflow["permissions"] == {"contents": "read"}
    steps = {s.get("name", s.get("uses", "")): s for s in workflow["jobs"]["due"]["steps"]}
    assert steps["actions/checkout@v4"]["with"] == {"fetch-depth": 0}
    action = f"{REPOSITORY.removeprefix('https://github.com/')}@v{__version__}"
    assert steps["Install qmskit"] == {"name": "Install qmskit", "uses": action, "with": {"check": "false"}}
    step = steps["Due and overdue"]["run"]
    assert step == 'qms due --within 30d --format markdown >> "$GITHUB_STEP_SUMMARY"'
    summary = tmp_path / "summary.md"
    run = _run(step, root, user, base, summary)
    assert run.returncode == 0, run.stdout + run.stderr
    assert summary.read_text(encoding="utf-8").startswith("# Due and overdue\n")


def test_gitlab_pipeline_has_a_scheduled_due_job(office: tuple[User, Path, str], tmp_path: Path) -> None:
    """GitLab keeps schedules outside the file: the due job runs on a schedule that sets QMS_DUE=weekly."""
    user, root, base = office
    pipeline = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    due = pipeline["due"]
    assert due["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $QMS_DUE == "weekly"'}]
    assert due["artifacts"]["paths"] == ["due.md", "due.ics"]
    assert due["before_script"] == [INSTALL.replace('"qmskit @', '"qmskit[calendar] @')]  # iCalendar needs the extra
    assert "QMS_DUE set to weekly" in (root / ".gitlab-ci.yml").read_text(encoding="utf-8")
    # Its lines, in one POSIX shell as GitLab's runner runs a job's script.
    run = _run("\n".join(due["script"]), root, user, base, tmp_path / "summary.md", shell="sh")
    assert run.returncode == 0, run.stdout + run.stderr
    assert (root / "due.md").read_text(encoding="utf-8").startswith("# Due and overdue\n")
    assert (root / "due.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
