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
