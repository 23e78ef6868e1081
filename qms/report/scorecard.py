"""The accountability roll-up as text and JSON, each marked restricted: personal performance data."""

from __future__ import annotations

import json

from qms.publish.scorecard import Scorecard
from qms.text.safetext import visible

RESTRICTED = "RESTRICTED: personal performance data. Not for the site, the export or circulation beyond the line."


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def to_text(card: Scorecard, names: dict[str, str]) -> str:
    lines = [RESTRICTED, "", f"Accountability roll-up, {card.period.label}", "", "Per person:"]
    for person, points, records in card.per_person():
        lines.append(f"  {visible(person):<20} {visible(names.get(person, '')):<20} {_figure(points):>8}  "
                     f"({records} record{'s' if records != 1 else ''})")
    if not card.charges:
        lines.append("  no points charged")
    lines += ["", "Per section (points charged to the person responsible):"]
    for section, points in card.per_section():
        lines.append(f"  {visible(section):<30} {_figure(points):>8}")
    lines += ["", "Charges:"]
    for charge in card.charges:
        lines.append(f"  {visible(charge.record):<14} level {charge.level}  {visible(charge.person):<20} "
                     f"{_figure(charge.points):>8}")
    return "\n".join(lines) + "\n"


def to_json(card: Scorecard) -> str:
    return json.dumps({
        "classification": "restricted",
        "notice": RESTRICTED,
        "period": card.period.label,
        "people": [{"person": p, "points": v, "records": n} for p, v, n in card.per_person()],
        "sections": [{"section": s, "points": v} for s, v in card.per_section()],
        "charges": [{"record": c.record, "person": c.person, "level": c.level, "points": c.points,
                     "section": c.section} for c in card.charges],
    }, ensure_ascii=False, indent=2)
