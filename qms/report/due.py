"""`qms due` as text, JSON, Markdown (a CI job summary) or iCalendar (for people's calendars)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from typing import Any

from qms.extras import require
from qms.publish.due import KIND_WORDS, due_markdown
from qms.publish.duties import DueList
from qms.text.safetext import visible


def render_text(due: DueList) -> str:
    if not due.duties:
        return f"Nothing is due by {due.horizon} (as of {due.today})."
    lines = []
    for duty in due.duties:
        mark = "OVERDUE" if duty.overdue else "due"
        lines.append(visible(f"{duty.due}  {mark:7}  {duty.kind:15}  {duty.document:14}  "
                             f"{due.names.get(duty.person, duty.person)} ({duty.role}): {duty.detail}"))
    overdue = sum(1 for d in due.duties if d.overdue)
    lines.append(f"\n{len(due.duties)} due by {due.horizon}, {overdue} overdue (as of {due.today}).")
    return "\n".join(lines)


def render_json(due: DueList) -> str:
    payload: dict[str, Any] = {
        "as_of": due.today.isoformat(), "until": due.horizon.isoformat(),
        "duties": [{"kind": d.kind, "document": d.document, "title": due.titles.get(d.document, ""),
                    "person": d.person, "name": due.names.get(d.person, d.person), "role": d.role,
                    "due": d.due.isoformat(), "overdue": d.overdue, "detail": d.detail} for d in due.duties],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def render_markdown(due: DueList) -> str:
    return due_markdown(due)


def render_ics(due: DueList) -> str:
    """One all-day event per duty on its due day. The UID names the duty, so importing a later list again
    updates the same event rather than adding another."""
    icalendar = require("calendar", "qms due --format ics")["icalendar"]
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//qmskit//qms due//EN")
    calendar.add("version", "2.0")
    stamp = datetime.combine(due.today, time(0), tzinfo=timezone.utc)  # the same list gives the same file
    for duty in due.duties:
        event = icalendar.Event()
        event.add("uid", f"{duty.kind}-{duty.document}-{duty.person}@qmskit")
        event.add("dtstamp", stamp)
        event.add("dtstart", duty.due)
        event.add("dtend", duty.due + timedelta(days=1))
        words = KIND_WORDS.get(duty.kind, duty.kind)
        event.add("summary", f"{'Overdue: ' if duty.overdue else ''}{words}: {duty.document} "
                             f"{due.titles.get(duty.document, '')}".strip())
        event.add("description", f"{duty.detail}\nOwed by {due.names.get(duty.person, duty.person)} as "
                                 f"{due.role_titles.get(duty.role, duty.role)}.")
        event.add("categories", [words])
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown, "ics": render_ics}
