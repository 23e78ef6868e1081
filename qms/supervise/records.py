"""Corrective actions, the findings they answer, and records whose retention has ended, judged on a day.

Links run both ways and either is enough: a corrective action names what it answers (`nonconformity:`, an
NC or an audit record), a nonconformity lists its `actions:`, and each audit finding lists its `actions:`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from qms.model import Document
from qms.text.retention import EVENTS, RETENTION, as_date, retention_ends

ACTION = "corrective-action"
SOURCES = ("nonconformity", "audit")  # the kinds of record an action may answer


@dataclass(frozen=True)
class BrokenLink:
    record: Document
    key: tuple[str | int, ...]  # where in the front-matter, for the line
    target: str
    problem: str


@dataclass(frozen=True)
class Unanswered:
    """A major nonconformity, or a major finding of an audit, that no corrective action answers."""

    record: Document
    key: tuple[str | int, ...]
    what: str


def kind(doc: Document) -> str:
    return str(doc.data.get("kind") or "")


def ids(value: Any) -> list[str]:
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def actions(records: Iterable[Document]) -> Iterator[Document]:
    return (doc for doc in records if kind(doc) == ACTION)


def action_due(doc: Document) -> date | None:
    return as_date(doc.data.get("due"))


def is_overdue(doc: Document, today: date) -> bool:
    """An open action whose due date has passed."""
    due = action_due(doc)
    return doc.status == "open" and due is not None and due < today


def lacks_verification(doc: Document) -> bool:
    """A closed action with no effectiveness check: no `verified` date, or no `effectiveness` result."""
    return doc.status == "closed" and (as_date(doc.data.get("verified")) is None
                                       or not doc.data.get("effectiveness"))


def broken_links(records: list[Document], by_id: dict[str, Document]) -> Iterator[BrokenLink]:
    """Each link between actions and what they answer that leads to no record, or to one of the wrong kind."""
    for doc in records:
        if kind(doc) == ACTION:
            source = doc.data.get("nonconformity")
            if isinstance(source, str) and source:
                problem = _wrong(by_id.get(source), SOURCES, "a nonconformity or an audit")
                if problem:
                    yield BrokenLink(doc, ("nonconformity",), source, problem)
        elif kind(doc) == "nonconformity":
            for target in ids(doc.data.get("actions")):
                problem = _wrong(by_id.get(target), (ACTION,), "a corrective action")
                if problem:
                    yield BrokenLink(doc, ("actions",), target, problem)
        elif kind(doc) == "audit":
            for index, finding in enumerate(_findings(doc)):
                for target in ids(finding.get("actions")):
                    problem = _wrong(by_id.get(target), (ACTION,), "a corrective action")
                    if problem:
                        yield BrokenLink(doc, ("findings", index, "actions"), target, problem)


def _wrong(target: Document | None, kinds: tuple[str, ...], wanted: str) -> str | None:
    if target is None:
        return "is not the id of any record"
    if not target.is_record or kind(target) not in kinds:
        return f"is {'a ' + kind(target) if target.is_record else 'not a'} record, not {wanted}"
    return None


def _findings(doc: Document) -> list[dict[str, Any]]:
    value = doc.data.get("findings")
    return [f for f in value if isinstance(f, dict)] if isinstance(value, list) else []


def unanswered(records: list[Document]) -> Iterator[Unanswered]:
    """Major nonconformities and major audit findings with no corrective action."""
    answered = {str(doc.data.get("nonconformity")) for doc in actions(records)}
    for doc in records:
        if kind(doc) == "nonconformity" and doc.data.get("severity") == "major":
            if doc.id not in answered and not ids(doc.data.get("actions")):
                yield Unanswered(doc, ("severity",), f"major nonconformity {doc.id}")
        elif kind(doc) == "audit":
            for index, finding in enumerate(_findings(doc)):
                if finding.get("severity") == "major" and not ids(finding.get("actions")):
                    yield Unanswered(doc, ("findings", index, "severity"),
                                     f"major finding {index + 1} of audit {doc.id}")


def retention_problem(doc: Document) -> str | None:
    """Why a retention that runs from an event cannot be worked out: an event qmskit does not know, or a
    closed record that does not say when it closed. None when there is nothing wrong."""
    text = doc.data.get("retention")
    found = RETENTION.fullmatch(text.strip()) if isinstance(text, str) else None
    event = found.group("event") if found else None
    if event is None:
        return None
    if event not in EVENTS:
        return f'retention "{text}" runs from "{event}", which is not an event qmskit knows ({", ".join(EVENTS)})'
    if event == "closed" and doc.status == "closed" and as_date(doc.data.get("closed")) is None:
        return f'retention "{text}" runs from when the record closed, but it has no "closed:" date'
    return None


def disposal_day(doc: Document) -> date | None:
    """The day a record's retention ends: from then on it is due for disposal (None: kept for now)."""
    return retention_ends(doc.data)
