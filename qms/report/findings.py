"""Renderers for check findings: text for people, json for tools, github for Actions (CI formats in qms.formats).

Reporters only render; what to report was decided by the check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby

from rich.console import Console
from rich.markup import escape

from qms.model import ERROR, Finding
from qms.report import ci as formats
from qms.rules.runner import CheckResult
from qms.text.safetext import json_text, visible


def render_text(result: CheckResult, console: Console) -> None:
    # Paths, messages and hints quote authors' text: never Rich markup, and never a terminal's control characters.
    for path, group in groupby(result.findings, key=lambda f: f.path):
        console.print(f"[bold]{escape(visible(path))}[/bold]")
        for finding in group:
            where = f"{finding.line}" if finding.line is not None else "-"
            colour = "red" if finding.severity == ERROR else "yellow"
            console.print(
                f"  {where:>5}  [{colour}]{finding.severity:<7}[/{colour}] "
                f"[cyan]{finding.code}[/cyan]  {escape(visible(finding.message))}",
                soft_wrap=True,
            )
            if finding.hint:
                console.print(f"{'':22}[dim]help:[/dim] {escape(visible(finding.hint))}", soft_wrap=True)
        console.print()
    console.print(_summary_line(result), soft_wrap=True)


def _summary_line(result: CheckResult) -> str:
    checked = f"{_count(result.documents, 'document')} and {_count(result.records, 'record')} checked"
    if not result.findings:
        return f"[green]No problems found[/green]: {checked}."
    files = len({f.path for f in result.findings})
    parts = []
    if result.errors:
        parts.append(f"[red]{_count(result.errors, 'error')}[/red]")
    if result.warnings:
        parts.append(f"[yellow]{_count(result.warnings, 'warning')}[/yellow]")
    return f"Found {' and '.join(parts)} in {_count(files, 'file')}: {checked}."


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_json(result: CheckResult) -> str:
    payload = {
        "findings": [
            {"code": f.code, "severity": f.severity, "path": f.path, "line": f.line, "message": f.message,
             "hint": f.hint}
            for f in result.findings
        ],
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "documents": result.documents,
            "records": result.records,
            "files": result.files,
        },
    }
    return json_text(json.dumps(payload, ensure_ascii=False, indent=2))


# GitHub workflow commands: data escapes %, CR, LF; property values also : and ,
# The log shows what is left as it is, terminal escape sequences included: other control characters are escaped first.
def _escape_data(text: str) -> str:
    return visible(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(finding: Finding) -> str:
    level = "error" if finding.severity == ERROR else "warning"
    props = [f"file={_escape_property(finding.path)}"]
    if finding.line is not None:
        props.append(f"line={finding.line}")
    props.append(f"title={_escape_property(f'qms {finding.code}')}")
    return f"::{level} {','.join(props)}::{_escape_data(finding.full_message)}"


def render_github(result: CheckResult) -> str:
    lines = [github_annotation(f) for f in result.findings]
    lines.append(
        f"qms check: {_count(result.errors, 'error')}, {_count(result.warnings, 'warning')}, "
        f"{_count(result.documents, 'document')} and {_count(result.records, 'record')} checked"
    )
    return "\n".join(lines)


RENDERERS: dict[str, Callable[[CheckResult], str]] = {
    "json": render_json, "github": render_github, "sarif": formats.render_sarif, "junit": formats.render_junit,
    "gitlab": formats.render_gitlab, "markdown": formats.render_markdown,
}
