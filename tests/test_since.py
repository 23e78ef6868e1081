"""`qms check --since REV --as-landed` reads only the range and the touched files' state at REV, yet reports
exactly what `qms check --history` reports for the commits after REV.

Both runs are the real command. The comparison runs over many REVs of a generated repository
(with violations added on top) and of the demo, and the ranges include renames, merges and
approvals. `load_since` is also called directly, to show that the short path (not the whole
history) answered for ranges with each of these.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from qmsrepo import run_qms

from qms.history.since import load_since
from qms.load.config import load_config
from qms.load.documents import load_people

pytestmark = pytest.mark.slow  # the demo and a generated history

SAMPLE = Path(__file__).resolve().parent.parent
GENERATE = SAMPLE / "benchmarks" / "generate.py"
STRANGER = {"GIT_AUTHOR_NAME": "Sam Stranger", "GIT_AUTHOR_EMAIL": "sam@elsewhere.example",
            "GIT_COMMITTER_NAME": "Sam Stranger", "GIT_COMMITTER_EMAIL": "sam@elsewhere.example"}


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True,
                          env={**clean, **(env or {})}).stdout


def history_findings(root: Path, *args: str) -> list[str]:
    run = run_qms("check", "--format", "json", *args, cwd=root)
    assert run.code in (0, 1), run.stderr
    return sorted(json.dumps(f, sort_keys=True) for f in run.json()["findings"] if f["code"].startswith("H"))


def commit_of(finding: str) -> str:
    """The short commit id every change-control finding starts its message with."""
    message = json.loads(finding)["message"]
    assert message.startswith("commit "), message
    return message.split()[1]


def range_features(root: Path, rev: str) -> set[str]:
    features = set()
    if git(root, "rev-list", "--merges", f"{rev}..HEAD").strip():
        features.add("merge")
    if git(root, "log", "--first-parent", "-M", "--diff-filter=R", "--format=%H", f"{rev}..HEAD").strip():
        features.add("rename")
    if "Approves:" in git(root, "log", "--format=%B", f"{rev}..HEAD"):
        features.add("approval")
    return features


def compare_since_with_history(root: Path, revs: list[str]) -> set[str]:
    """Assert --since REV == --history after REV for every REV; return the features quick ranges held."""
    full = history_findings(root, "--history")
    config = load_config(root)
    people = load_people(config)
    quick_features: set[str] = set()
    for rev in revs:
        after = {sha[:7] for sha in git(root, "rev-list", f"{rev}..HEAD").split()}
        expected = [f for f in full if commit_of(f) in after]
        # --as-landed: these ranges are the main line's own commits, so each step is judged as it stands (without
        # it, --since judges the range as one pull request: tests/test_pull_requests.py).
        assert history_findings(root, "--since", rev, "--as-landed") == expected, f"--since {rev[:7]}"
        if load_since(config, people, rev) is not None:
            quick_features |= range_features(root, rev) | ({"finding"} if expected else set())
    return quick_features


def _generator():
    spec = importlib.util.spec_from_file_location("generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def add_violations(root: Path) -> None:
    """On top of a valid generated history: a rename, an edit of an effective document, a deletion,
    and a side branch with a new revision approved by a stranger, merged with a merge commit."""
    effective = git(root, "grep", "-l", "^status: effective", "--", "procedures").split()
    first, second = effective[0], effective[1]
    git(root, "mv", first, first.replace(".md", "-renamed.md"))
    git(root, "commit", "-q", "-m", "Rename a procedure", env=STRANGER)
    path = root / second
    path.write_text(path.read_text(encoding="utf-8") + "\nAn extra step.\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "Edit an effective procedure in place", env=STRANGER)
    git(root, "rm", "-q", effective[3])
    git(root, "commit", "-q", "-m", "Delete a procedure", env=STRANGER)
    git(root, "switch", "-q", "-c", "revise")
    third = root / effective[2]
    doc_id, new, text = next_revision(third.read_text(encoding="utf-8"), "Adds a step.", "A new step.")
    third.write_text(text, encoding="utf-8")
    git(root, "commit", "-q", "-am", "Revise a procedure", env=STRANGER)
    third.write_text(text.replace("status: review", "status: effective"), encoding="utf-8")
    git(root, "commit", "-q", "-am", f"Approve it\n\nApproves: {doc_id}@{new}", env=STRANGER)
    git(root, "switch", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge the revision", "revise", env=STRANGER)


def approve_own_revision(root: Path) -> str:
    """A holder of the approver role revises a document, then approves it in the next commit.

    Returns the revision commit: from there, judging the approval needs who wrote the revision
    before REV, which the state at REV does not say.
    """
    config = load_config(root)
    path = git(root, "grep", "-l", "^status: effective", "--", "procedures").split()[5]
    text = (root / path).read_text(encoding="utf-8")
    approver_role = next(line for line in text.splitlines() if line.startswith("approvers: "))
    role = approver_role.partition("[")[2].partition("]")[0].split(",")[0].strip()
    person = next(p for p in load_people(config) if role in p.roles)
    who = {"GIT_AUTHOR_NAME": person.name, "GIT_AUTHOR_EMAIL": person.emails[0],
           "GIT_COMMITTER_NAME": person.name, "GIT_COMMITTER_EMAIL": person.emails[0]}
    doc_id, new, text = next_revision(text, "Shortens a step.", "A shorter step.")
    (root / path).write_text(text, encoding="utf-8")
    git(root, "commit", "-q", "-am", "Revise a procedure", env=who)
    revised = git(root, "rev-parse", "HEAD").strip()
    (root / path).write_text(text.replace("status: review", "status: effective"), encoding="utf-8")
    git(root, "commit", "-q", "-am", f"Approve it\n\nApproves: {doc_id}@{new}", env=who)
    return revised


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("since") / "qms"
    _generator().build(root, docs=40, commits=900, seed=3, layout="flat", records=150)
    add_violations(root)
    approve_own_revision(root)
    return root


def test_since_matches_history_on_a_generated_repository(generated: Path) -> None:
    line = git(generated, "rev-list", "--first-parent", "HEAD").split()
    merges = git(generated, "rev-list", "--first-parent", "--merges", "HEAD").split()
    # The last commits one by one, each generated merge's first parent, and a few older points.
    revs = line[:6] + [git(generated, "rev-parse", f"{m}^1").strip() for m in merges] + line[20::150]
    features = compare_since_with_history(generated, revs)
    assert {"merge", "rename", "approval", "finding"} <= features


def test_since_matches_history_on_the_demo(tmp_path: Path, new_demo) -> None:
    demo = new_demo(tmp_path / "demo")
    line = git(demo.path, "rev-list", "--first-parent", "HEAD").split()
    features = compare_since_with_history(demo.path, line[::3])
    assert {"merge", "rename", "approval", "finding"} <= features


def test_approval_of_a_revision_opened_before_rev_reads_that_revision_s_history(generated: Path) -> None:
    """The author of the revision approves it after REV: refused, as the whole history says."""
    revised = git(generated, "rev-parse", "HEAD~1").strip()
    findings = history_findings(generated, "--since", revised)
    by_code = {json.loads(f)["code"]: json.loads(f)["message"] for f in findings}
    # H016 too: the hand-made approval keeps the previous revision's effective date, earlier than itself.
    assert sorted(by_code) == ["H006", "H010", "H016"]
    assert "segregation of duties" in by_code["H010"]
    assert "earlier than its approval" in by_code["H016"]
    assert load_since(load_config(generated), load_people(load_config(generated)), revised) is not None


def test_since_head_reports_no_change_control_finding(generated: Path) -> None:
    assert history_findings(generated, "--since", "HEAD") == []


def next_revision(text: str, change: str, added: str) -> tuple[str, int, str]:
    """(id, new revision, text) of an effective document opened at its next revision, in review."""
    revision = next(line for line in text.splitlines() if line.startswith("revision: "))
    doc_id = next(line for line in text.splitlines() if line.startswith("id: "))[4:].strip()
    new = int(revision.split()[1]) + 1
    text = text.replace(revision, f"revision: {new}").replace("status: effective", "status: review")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("change: "))
    return doc_id, new, text.replace("\n---\n", f"\nchange: {change}\n---\n", 1) + f"\n{added}\n"
