"""Quality objectives and their values for people (text), tools (JSON), spreadsheets (CSV) and reports (Markdown)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from qms.publish.objectives import Result
from qms.text.safetext import csv_cell, visible

COLUMNS = ("objective", "title", "period", "value", "unit", "target", "state", "previous", "change_previous",
           "baseline", "change_baseline", "rows", "records")


def _figure(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _signed(value: float | None) -> str:
    return "" if value is None else ("+" if value > 0 else "") + _figure(value)


def row(result: Result) -> dict[str, Any]:
    objective = result.objective
    return {
        "objective": objective.id,
        "title": objective.title,
        "period": result.period.label,
        "value": result.value,
        "unit": objective.unit,
        "target": objective.target.text if objective.target else None,
        "state": result.state,
        "met": result.met,
        "previous": result.previous,
        "change_previous": result.change_previous,
        "baseline": objective.baseline,
        "change_baseline": result.change_baseline,
        "rows": result.rows,
        "records": result.records,
    }


def to_json(results: Sequence[Result]) -> str:
    return json.dumps({"objectives": [row(r) for r in results]}, ensure_ascii=False, indent=2)


def to_csv(results: Sequence[Result]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for result in results:
        data = row(result)
        writer.writerow([csv_cell(_cell(data[c])) for c in COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, float):
        return _figure(value)
    return "" if value is None else str(value)


def _with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    return _figure(value) + ("%" if unit == "%" else f" {unit}" if unit else "")


def to_text(results: Sequence[Result]) -> str:
    lines: list[str] = []
    current = None
    for result in results:
        objective = result.objective
        if objective.id != current:
            current = objective.id
            target = f"target {objective.target.text}" if objective.target else "no target"
            baseline = _with_unit(objective.baseline, objective.unit) if objective.baseline is not None else "none"
            lines.append(f"{visible(objective.id)}  {visible(objective.title)}  ({visible(target)}, "
                         f"baseline {baseline}, per {objective.grain})")
        value = "undefined (divides by zero)" if result.undefined else _with_unit(result.value, objective.unit)
        changes = []
        if result.change_previous is not None:
            changes.append(f"{_signed(result.change_previous)} on {result.period.previous().label}")
        if result.change_baseline is not None:
            changes.append(f"{_signed(result.change_baseline)} on baseline")
        state = result.state.upper() if result.state == "missed" else result.state
        detail = f"  ({'; '.join(changes)})" if changes else ""
        evidence = f"  n={result.rows} from {_records(result.records)}" if result.records else ""
        lines.append(f"  {result.period.label:<8} {value:<22} {state}{detail}{evidence}")
    if not lines:
        lines.append("No quality objectives are declared (objectives: in the quality objectives document).")
    return "\n".join(lines) + "\n"


def _records(records: list[str], most: int = 6) -> str:
    shown = ", ".join(visible(r) for r in records[:most])
    return shown + (f" and {len(records) - most} more" if len(records) > most else "")


def to_markdown(results: Sequence[Result]) -> str:
    lines = ["| objective | period | value | target | state | change on previous | change on baseline | records |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for result in results:
        objective = result.objective
        lines.append("| " + " | ".join(_md(x) for x in (
            f"{objective.id} {objective.title}", result.period.label, _with_unit(result.value, objective.unit),
            objective.target.text if objective.target else "", result.state, _signed(result.change_previous),
            _signed(result.change_baseline), ", ".join(result.records))) + " |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return visible(text).replace("|", "\\|")
