"""A finding keeps what is wrong (message) apart from what to do (hint); every format carries both."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from rich.console import Console

from qms.model import Finding
from qms.report import ci
from qms.report.findings import render_github, render_json, render_text
from qms.rules.runner import CheckResult

FINDING = Finding("procedures/qp-01.md", 7, "H008", "error", "a controlled document was deleted",
                  "restore it and make it obsolete instead")
RESULT = CheckResult([FINDING], documents=1, records=0, files=1)


def test_text_prints_the_hint_under_the_problem() -> None:
    console = Console(record=True, width=200, color_system=None)
    render_text(RESULT, console)
    lines = console.export_text().splitlines()
    problem = next(i for i, line in enumerate(lines) if "a controlled document was deleted" in line)
    assert "help: restore it and make it obsolete instead" in lines[problem + 1]
    assert "restore it" not in lines[problem]


def test_json_has_message_and_hint_apart() -> None:
    (found,) = json.loads(render_json(RESULT))["findings"]
    assert (found["message"], found["hint"]) == ("a controlled document was deleted",
                                                 "restore it and make it obsolete instead")


def test_a_finding_without_a_hint_has_null() -> None:
    bare = CheckResult([Finding("a.md", None, "F006", "warning", "not Markdown")], 0, 0, 1)
    assert json.loads(render_json(bare))["findings"][0]["hint"] is None


def test_sarif_fills_help_and_keeps_the_message() -> None:
    run = json.loads(ci.render_sarif(RESULT))["runs"][0]
    (result,) = run["results"]
    assert result["properties"]["help"] == "restore it and make it obsolete instead"
    assert result["message"]["text"].startswith("a controlled document was deleted")
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "H008" and rule["help"]["text"]


def test_one_line_formats_say_both() -> None:
    assert "deleted; restore it" in render_github(RESULT)
    assert "deleted; restore it" in ci.render_gitlab(RESULT)
    assert "deleted; restore it" in ci.render_markdown(RESULT)
    failure = ET.fromstring(ci.render_junit(RESULT)).find(".//failure")
    assert failure is not None and "deleted; restore it" in failure.get("message", "")
