"""The documentation keeps up with the code: every rule is documented, and CI runs the README's command."""

from __future__ import annotations

import re

from conftest import REPO_ROOT

from qms.rules.catalogue import RULES


def test_every_rule_has_a_section_with_bad_and_good_examples() -> None:
    text = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    names = dict(re.findall(r"^## ([A-Z]\d{3}) ([a-z0-9-]+)$", text, re.M))
    for code, info in RULES.items():
        assert names.get(code) == info.name, f"docs/rules.md needs a section '## {code} {info.name}'"
    for block in re.split(r"^## (?=[A-Z]\d{3} )", text, flags=re.M)[1:]:
        assert "**Bad**" in block and "**Good**" in block, block.splitlines()[0]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```console\n(.+?)\n```", readme)
    assert len(commands) >= 2
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_ci_docs_name_the_action_the_template_and_the_extras() -> None:
    """docs/ci.md explains how CI gets qmskit, at this version's tag, with no placeholder for qmskit's repository."""
    from qms import REPOSITORY, __version__

    text = (REPO_ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for needed in ("action.yml", "ci/gitlab-qms.yml", "QMSKIT_REPO", "pip install 'qmskit[site]'", "repo: local",
                   f"repo: {REPOSITORY}", "installs no website generator"):
        assert needed in text, needed
    assert "<the URL" not in text
    for path in ("docs/ci.md", "docs/approvals.md"):
        tags = set(re.findall(r"qmskit/qmskit@(v[0-9][\w.]*)", (REPO_ROOT / path).read_text(encoding="utf-8")))
        assert tags == {f"v{__version__}"}, (path, tags)


def test_readme_says_how_to_reach_qms_right_after_the_first_command() -> None:
    """The first command installs qms into .venv/bin, which is not on PATH; the examples after it say `qms`."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```console\n(.+?)\n```\n\n(.+?)\n\n", readme, re.S)
    assert first is not None and ".venv/bin/pip install" in first.group(1)
    assert "`. .venv/bin/activate`" in first.group(2) and "`.venv/bin/qms`" in first.group(2)
