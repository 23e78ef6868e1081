"""The audit programme: every procedure audited within `audit_months`, read from the audit records' scope.

An audit covers the procedures its record lists in `procedures:` and those whose ids its `scope:` names.
A procedure never audited is due `audit_months` after it took effect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from qms.model import Document
from qms.supervise.records import ids, kind
from qms.text.retention import add_period, as_date

WORD = re.compile(r"[\w.-]+")


@dataclass
class ProgrammeRow:
    procedure: Document
    audits: list[tuple[date, str]] = field(default_factory=list)  # (day, audit record id), oldest first
    due: date | None = None
    overdue: bool = False

    @property
    def last(self) -> date | None:
        return self.audits[-1][0] if self.audits else None


def covered(audit: Document, procedures: set[str]) -> set[str]:
    """The procedures an audit record covers."""
    named = set(ids(audit.data.get("procedures")))
    scope = audit.data.get("scope")
    if isinstance(scope, str):
        named.update(word.strip(".") for word in WORD.findall(scope))
    return named & procedures


def programme(documents: Iterable[Document], audit_months: int, today: date) -> list[ProgrammeRow]:
    """One row per effective procedure in force on `today`: its audits up to that day and the next one due."""
    docs = list(documents)
    rows = {doc.id: ProgrammeRow(doc) for doc in docs
            if doc.id and doc.type == "procedure" and doc.status == "effective"
            and (as_date(doc.data.get("effective")) or today) <= today}
    for audit in docs:
        day = as_date(audit.data.get("date"))
        if not audit.is_record or kind(audit) != "audit" or day is None or day > today:
            continue
        for procedure in covered(audit, set(rows)):
            rows[procedure].audits.append((day, audit.id or ""))
    for row in rows.values():
        row.audits.sort()
        start = row.last or as_date(row.procedure.data.get("effective"))
        if start is not None:
            row.due = add_period(start, audit_months, "m")
            row.overdue = row.due < today
    return sorted(rows.values(), key=lambda r: r.procedure.id or "")
