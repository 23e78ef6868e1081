"""CI report formats of `qms check`: SARIF (validated against the official schema), JUnit, GitLab, Markdown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from qmsrepo import QmsRepo

from qms.rules.catalogue import RULES

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
PROC = "procedures/qp-01-document-control.md"
REC = "records/2026/rec-2026-001-audit.md"
NOTES = "procedures/notes.txt"


def mixed_findings(repo: QmsRepo) -> None:
    """D001 (line 6) and P001 (line 7) in a procedure, D004 in a record, F006 (a warning, no line)."""
    repo.edit(PROC, "effective: 2026-02-01\n", "")
    repo.edit(PROC, "owner: document-controller", "owner: doc-controller")
    repo.edit(REC, "retention: 3y", "retention: 3 years")
    repo.write(NOTES, "scratch notes\n")


def sarif(repo: QmsRepo) -> dict:
    run = repo.qms("check", "--format", "sarif")
    assert run.code == 1, run.stderr
    return json.loads(run.stdout)


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(repo: QmsRepo) -> None:
    mixed_findings(repo)
    log = sarif(repo)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    validator(schema).validate(log)
    # The validator really looks: a result without a message is rejected.
    broken = json.loads(json.dumps(log))
    del broken["runs"][0]["results"][0]["message"]
    assert list(validator(schema).iter_errors(broken))


def test_sarif_rules_results_and_locations(repo: QmsRepo) -> None:
    mixed_findings(repo)
    run = sarif(repo)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    d001 = rules[[r["id"] for r in rules].index("D001")]
    assert d001["name"] == "missing-effective-date"
    assert "section D001 missing-effective-date" in d001["help"]["text"]
    located = {(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"].get("region", {}).get("startLine")) for r in run["results"]}
    assert located == {("D001", "error", PROC, 6), ("P001", "error", PROC, 7), ("D004", "error", REC, 10),
                       ("F006", "warning", NOTES, None)}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_fingerprints_are_stable_across_runs_and_unrelated_edits(repo: QmsRepo) -> None:
    mixed_findings(repo)

    def prints() -> dict[str, str]:
        return {r["ruleId"]: r["partialFingerprints"]["qmsFinding/v1"] for r in sarif(repo)["runs"][0]["results"]}

    before = prints()
    assert prints() == before
    # Two lines added above the findings move them, but they are the same findings.
    repo.edit(PROC, "title: Document Control\n", "title: Document Control\nclauses: ['7.5']\nreview_months: 12\n")
    after = prints()
    assert after == before
    assert len(set(before.values())) == 4
    # A different problem is a different finding.
    repo.edit(PROC, "owner: doc-controller", "owner: doc-control")
    assert prints()["P001"] != before["P001"]


def test_junit_has_a_failing_testcase_per_finding(repo: QmsRepo) -> None:
    mixed_findings(repo)
    run = repo.qms("check", "--format", "junit")
    assert run.code == 1
    root = ET.fromstring(run.stdout)
    assert root.tag == "testsuites" and root.get("failures") == "4"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"qms D rules", "qms P rules", "qms F rules"}
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {f"D001 {PROC}:6", f"P001 {PROC}:7", f"D004 {REC}:10", f"F006 {NOTES}"}
    failure = cases[f"P001 {PROC}:7"].find("failure")
    assert failure is not None and "doc-controller" in failure.get("message", "")
    assert failure.get("type") == "error P001"
    assert cases[f"F006 {NOTES}"].find("failure").get("type") == "warning F006"


def test_junit_has_one_passing_testcase_when_clean(repo: QmsRepo) -> None:
    run = repo.qms("check", "--format", "junit")
    assert run.code == 0
    root = ET.fromstring(run.stdout)
    cases = list(root.iter("testcase"))
    assert len(cases) == 1 and cases[0].find("failure") is None
    assert cases[0].get("name") == "2 documents and 1 records pass every rule"


def test_gitlab_code_quality_report(repo: QmsRepo) -> None:
    mixed_findings(repo)
    run = repo.qms("check", "--format", "gitlab")
    assert run.code == 1
    issues = json.loads(run.stdout)
    assert all(set(i) == {"description", "check_name", "fingerprint", "severity", "location"} for i in issues)
    by_code = {i["check_name"]: i for i in issues}
    assert by_code["D001"]["location"] == {"path": PROC, "lines": {"begin": 6}}
    assert by_code["F006"]["location"] == {"path": NOTES, "lines": {"begin": 1}}
    assert by_code["D001"]["severity"] == "major" and by_code["F006"]["severity"] == "minor"
    assert len({i["fingerprint"] for i in issues}) == 4
    sarif_prints = {r["ruleId"]: r["partialFingerprints"]["qmsFinding/v1"] for r in sarif(repo)["runs"][0]["results"]}
    assert {i["check_name"]: i["fingerprint"] for i in issues} == sarif_prints


def test_markdown_summary_lists_every_finding_escaped(repo: QmsRepo) -> None:
    mixed_findings(repo)
    # A role name with a pipe and HTML must not break the table or inject markup.
    repo.edit(PROC, "approvers: [quality-manager]", "approvers: ['a|<b>x</b>']")
    run = repo.qms("check", "--format", "markdown")
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "## qms check"
    rows = [line for line in lines if line.startswith("| error") or line.startswith("| warning")]
    codes = [row.split(" | ")[1].split("]")[0].lstrip("[") for row in rows]
    assert sorted(codes) == sorted(f["code"] for f in repo.check().findings)
    assert len(rows) >= 5
    assert "a\\|&lt;b&gt;x&lt;/b&gt;" in run.stdout and "<b>" not in run.stdout
    for row in rows:
        assert row.count(" | ") == 4, row


def test_markdown_summary_carries_more_than_fifty_findings(repo: QmsRepo) -> None:
    for n in range(60):
        repo.write(f"procedures/notes-{n:02}.txt", "scratch\n")
    run = repo.qms("check", "--format", "markdown")
    assert run.code == 0
    assert "**0 errors, 60 warnings** in 60 files" in run.stdout
    assert sum(1 for line in run.stdout.splitlines() if line.startswith("| warning | F006 |")) == 60


def test_junit_stays_well_formed_with_control_characters_in_a_message(repo: QmsRepo) -> None:
    repo.edit(PROC, "owner: document-controller", 'owner: "doc\\x01controller"')
    run = repo.qms("check", "--format", "junit")
    assert run.code == 1
    cases = {c.get("name"): c for c in ET.fromstring(run.stdout).iter("testcase")}
    assert set(cases) == {f"P001 {PROC}:7", f"S001 {PROC}:7"}
    case = cases[f"P001 {PROC}:7"]
    assert "doc\ufffdcontroller" in case.find("failure").get("message")
