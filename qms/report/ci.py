"""Check reports for CI services: SARIF (code scanning), JUnit XML, GitLab code quality, Markdown job summary.

Each renderer turns the same CheckResult into one document. Rule ids are the
stable rule codes, and every finding gets a fingerprint that survives unrelated
edits (it leaves out line numbers), so a service can tell a new finding from
an old one that moved.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import groupby

from qms import __version__
from qms.model import ERROR, Finding
from qms.rules.catalogue import RULES
from qms.rules.runner import CheckResult
from qms.text.safetext import json_text, visible

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

# Line numbers in a message ("line 12", "qms.yml:12") move with unrelated edits; fingerprints leave them out.
_LINE_MENTION = re.compile(r"\b(lines?)\s+\d+|(?<=\w):\d+\b")


def fingerprints(findings: list[Finding]) -> list[str]:
    """One stable hash per finding: code, path and message without line numbers, plus which repeat it is."""
    seen: Counter[str] = Counter()
    prints = []
    for f in findings:
        subject = _LINE_MENTION.sub(lambda m: m.group(1) or "", f.message)
        key = "\0".join((f.code, f.path, subject))
        prints.append(hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest())
        seen[key] += 1
    return prints


def render_sarif(result: CheckResult) -> str:
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = [{
        "id": code,
        "name": RULES[code].name,
        "shortDescription": {"text": RULES[code].summary},
        # No helpUri: qmskit has no public address yet; docs/rules.md travels with the source.
        "help": {"text": f"{RULES[code].summary}. `qms rules` lists every rule; qmskit's docs/rules.md, "
                         f"section {code} {RULES[code].name}, explains it with examples."},
        "defaultConfiguration": {"level": _level(RULES[code].severity)},
    } for code in codes]
    results = []
    for finding, fingerprint in zip(result.findings, fingerprints(result.findings)):
        location: dict[str, object] = {"artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"}}
        if finding.line is not None:
            location["region"] = {"startLine": finding.line}
        entry: dict[str, object] = {
            "ruleId": finding.code,
            "level": _level(finding.severity),
            "message": {"text": finding.full_message},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {"qmsFinding/v1": fingerprint},
        }
        if finding.code in index:
            entry["ruleIndex"] = index[finding.code]
        if finding.hint:
            # SARIF keeps help on the rule; the fix for this one finding travels in its properties.
            entry["properties"] = {"help": finding.hint}
        results.append(entry)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "qms", "fullName": "qmskit qms check", "version": __version__,
                                "semanticVersion": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json_text(json.dumps(log, ensure_ascii=False, indent=2))


def _level(severity: str) -> str:
    return "error" if severity == ERROR else "warning"


# XML 1.0 cannot hold most control characters, which a message may quote from a broken file; a carriage return and
# the C1 controls it can hold, but a terminal showing the report would obey them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(result: CheckResult) -> str:
    """One testsuite per rule family (the code's letter), one failing testcase per finding."""
    root = ET.Element("testsuites", name="qms check", tests="0", failures="0", errors="0")
    family = lambda f: f.code[:1]  # noqa: E731 - groupby key
    for letter, group in groupby(sorted(result.findings, key=lambda f: (f.code[:1], *f.sort_key())), key=family):
        findings = list(group)
        suite = ET.SubElement(root, "testsuite", name=f"qms {letter} rules", tests=str(len(findings)),
                              failures=str(len(findings)), errors="0", skipped="0")
        for f in findings:
            path, message = _xml_text(f.path), _xml_text(f.full_message)
            where = f"{path}:{f.line}" if f.line is not None else path
            case = ET.SubElement(suite, "testcase", name=f"{f.code} {where}", classname=f"qms.{f.code}", file=path)
            if f.line is not None:
                case.set("line", str(f.line))
            failure = ET.SubElement(case, "failure", message=message, type=f"{f.severity} {f.code}")
            failure.text = f"{f.severity} {f.code} {RULES[f.code].name if f.code in RULES else ''} at {where}: {message}"
    if not result.findings:
        suite = ET.SubElement(root, "testsuite", name="qms check", tests="1", failures="0", errors="0", skipped="0")
        ET.SubElement(suite, "testcase", classname="qms.check",
                      name=f"{result.documents} documents and {result.records} records pass every rule")
    root.set("tests", str(max(len(result.findings), 1)))
    root.set("failures", str(len(result.findings)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def render_gitlab(result: CheckResult) -> str:
    """GitLab code quality report: a JSON list of issues."""
    issues = [{
        "description": f"{f.code} {f.full_message}",
        "check_name": f.code,
        "fingerprint": fingerprint,
        "severity": "major" if f.severity == ERROR else "minor",
        "location": {"path": f.path, "lines": {"begin": f.line or 1}},
    } for f, fingerprint in zip(result.findings, fingerprints(result.findings))]
    return json_text(json.dumps(issues, ensure_ascii=False, indent=2))


def md_cell(text: str) -> str:
    return html.escape(visible(str(text), keep="\r\n"), quote=False).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render_markdown(result: CheckResult) -> str:
    """A job summary: totals, then every finding (annotations stop at 50 a job; the summary does not)."""
    checked = f"{result.documents} documents and {result.records} records checked"
    lines = ["## qms check", ""]
    if not result.findings:
        lines.append(f"No problems found: {checked}.")
        return "\n".join(lines) + "\n"
    files = len({f.path for f in result.findings})
    lines += [f"**{result.errors} errors, {result.warnings} warnings** in {files} files: {checked}.", "",
              "| severity | code | file | line | message |", "| --- | --- | --- | --- | --- |"]
    for f in result.findings:
        code = md_cell(f.code)
        lines.append(f"| {f.severity} | {code} | {md_cell(f.path)} | {f.line if f.line is not None else ''} "
                     f"| {md_cell(f.full_message)} |")
    return "\n".join(lines) + "\n"
