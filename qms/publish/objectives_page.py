"""The site's "Quality objectives" page: each objective with a static SVG chart of its value per period against
the target and the baseline, and the same figures as a table.

The charts are drawn with pygal into the page itself: no script, no web font, nothing fetched, so they work
offline, print, and go into the PDF. Chinese labels are text in the SVG, drawn with the CJK font the site's
readers have (Noto Sans CJK is named first after the system fonts).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from qms.publish.objectives import Objective, Result
from qms.publish.periods import Period, period_of
from qms.text.mdtext import cell as md_cell

PAGE = "objectives.md"
FONTS = "system-ui, 'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
LABELS = {
    "en": {"title": "Quality objectives", "period": "period", "value": "value", "target": "target",
           "baseline": "baseline", "state": "result", "records": "records", "none": "No quality objectives are declared.",
           "met": "met", "missed": "missed", "no data": "no data", "undefined": "undefined", "no target": "no target"},
    "zh": {"title": "质量目标", "period": "期间", "value": "实际值", "target": "目标", "baseline": "基线",
           "state": "结果", "records": "记录", "none": "尚未规定质量目标。", "met": "达成", "missed": "未达成",
           "no data": "无数据", "undefined": "无法计算", "no target": "无目标"},
}
MOST_PERIODS = 24


def labels(language: str) -> dict[str, str]:
    return LABELS["zh"] if language.lower().startswith("zh") else LABELS["en"]


def periods_shown(objective: Objective, months: list[tuple[int, int]]) -> list[Period]:
    """The periods of the objective's length from the first month with data to the last (at most 24)."""
    if not months:
        return []
    first = period_of(_first_day(min(months)), objective.grain)
    last = period_of(_first_day(max(months)), objective.grain)
    periods = [first]
    while periods[-1] < last and len(periods) < 500:
        periods.append(_next(periods[-1]))
    return periods[-MOST_PERIODS:]


def _first_day(month: tuple[int, int]) -> date:
    return date(month[0], month[1], 1)


def _next(period: Period) -> Period:
    return period_of(period.end, period.grain)


def y_range(values: list[float]) -> tuple[float, float] | None:
    """The chart's vertical range: every value, target and baseline, with a margin above and below, so that no
    line lies on the chart's edge, where it would be drawn over by the frame."""
    if not values:
        return None
    low, high = min(values), max(values)
    margin = (high - low) * 0.08 or max(abs(high), 1) * 0.1
    return low - margin, high + margin


def chart(objective: Objective, results: list[Result], language: str) -> str:
    """One objective's values as an inline SVG line chart, with the target and the baseline as flat lines."""
    import pygal  # type: ignore[import-untyped]
    from pygal.style import Style  # type: ignore[import-untyped]

    t = labels(language)
    # Light grid lines, so that a target or baseline on a round number is not hidden under one.
    style = Style(font_family=FONTS, background="transparent", plot_background="transparent",
                  colors=("#1f5fa8", "#2e7d32", "#757575"), guide_stroke_color="#e0e0e0",
                  major_guide_stroke_color="#e0e0e0")
    line = pygal.Line(style=style, js=[], disable_xml_declaration=True, width=720, height=300, explicit_size=True,
                      show_dots=True, allow_interruptions=True, x_label_rotation=30 if len(results) > 12 else 0,
                      title=f"{objective.id} {objective.title}", print_values=False, legend_at_bottom=True)
    line.x_labels = [r.period.label for r in results]
    line.add(t["value"], [r.value for r in results])
    flat = [n for n in (objective.target.number if objective.target else None, objective.baseline) if n is not None]
    if objective.target is not None:
        line.add(f"{t['target']} {objective.target.text}", [objective.target.number] * len(results),
                 show_dots=False, stroke_style={"width": 2, "dasharray": "6, 4"})
    if objective.baseline is not None:
        line.add(t["baseline"], [objective.baseline] * len(results), show_dots=False,
                 stroke_style={"width": 2, "dasharray": "2, 4"})
    shown = y_range([r.value for r in results if r.value is not None] + flat)
    if shown:
        line.range = shown
    svg = line.render(is_unicode=True)
    return f'<figure class="qms-objective-chart">\n{_static(svg, objective.id)}\n</figure>'


_PYGAL_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PYGAL_ID = re.compile(r'id="chart-([0-9a-f-]{36})"')


def _static(svg: str, objective_id: str) -> str:
    """The chart as a static picture: without pygal's script (its tooltips need JavaScript the page never
    loads), and with an id made from the objective's instead of a random one and no date, so that every build
    of the same commit gives the same page."""
    svg = _PYGAL_SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg)  # pygal's credits, with the day it drew the chart
    found = _PYGAL_ID.search(svg)
    if found:
        svg = svg.replace(found.group(1), hashlib.sha1(objective_id.encode("utf-8")).hexdigest()[:12])
    return svg


def objectives_page(series: list[tuple[Objective, list[Result]]], language: str) -> str:
    t = labels(language)
    parts = [f"# {t['title']}", ""]
    if not series:
        parts.append(t["none"])
    for objective, results in series:
        parts += [f"## {md_cell(objective.id)} {md_cell(objective.title)}", ""]
        facts = [f"{t['target']}: {md_cell(objective.target.text if objective.target else t['no target'])}"]
        if objective.baseline is not None:
            facts.append(f"{t['baseline']}: {_figure(objective.baseline)}{'%' if objective.unit == '%' else ''}")
        parts += ["; ".join(facts), ""]
        if results:
            parts += [chart(objective, results, language), ""]
        parts += [f"| {t['period']} | {t['value']} | {t['state']} | {t['records']} |", "| --- | --- | --- | --- |"]
        for result in results:
            value = "" if result.value is None else _figure(result.value) + ("%" if objective.unit == "%" else "")
            parts.append(f"| {result.period.label} | {value} | {t.get(result.state, result.state)} | "
                         f"{len(result.records)} |")
        parts.append("")
    return "\n".join(parts) + "\n"


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
