"""The due list as Markdown: for the CI job summary (`qms due --format markdown`) and the site's "Due and
overdue" page, rendered once for both. It names people and roles and nothing else about them."""

from __future__ import annotations

from datetime import date

from qms.publish.duties import DueList
from qms.supervise.audits import ProgrammeRow
from qms.text.mdtext import cell

KIND_WORDS = {
    "approve": "Approval", "review": "Review before approval", "acknowledge": "Read and understood",
    "periodic-review": "Periodic review", "action": "Corrective action", "verify": "Effectiveness check",
    "audit": "Internal audit", "dispose": "Disposal",
}


def due_markdown(due: DueList, title: str = "Due and overdue") -> str:
    overdue = [d for d in due.duties if d.overdue]
    lines = [f"# {cell(title)}", "",
             f"As of {due.today}: {len(due.duties)} dut{'y' if len(due.duties) == 1 else 'ies'} due by {due.horizon}, "
             f"{len(overdue)} overdue.", ""]
    if not due.duties:
        return "\n".join([*lines, "Nothing is due.", ""])
    lines += ["| Due | | What | Document | Person | Role |", "| --- | --- | --- | --- | --- | --- |"]
    for duty in due.duties:
        title_of = due.titles.get(duty.document, "")
        lines.append(
            f"| {duty.due} | {'**overdue**' if duty.overdue else ''} | {cell(KIND_WORDS.get(duty.kind, duty.kind))} "
            f"| {cell(duty.document)} {cell(title_of)} | {cell(due.names.get(duty.person, duty.person))} "
            f"| {cell(due.role_titles.get(duty.role, duty.role))} |")
    return "\n".join([*lines, ""])


DUE_PAGE = "due.md"
PROGRAMME_PAGE = "audit-programme.md"


def programme_markdown(rows: list[ProgrammeRow], audit_months: int, today: date,
                       title: str = "Audit programme") -> str:
    """The plan (each procedure's next audit, every `audit_months`) beside what was done (the audits so far)."""
    lines = [f"# {cell(title)}", "",
             f"Every procedure is audited at least every {audit_months} months (qms.yml `audit_months`). "
             f"As of {today}.", "",
             "| Procedure | Audited | Next audit due | |", "| --- | --- | --- | --- |"]
    for row in rows:
        done = ", ".join(f"{day} ({cell(record)})" for day, record in row.audits) or "never"
        lines.append(f"| {cell(row.procedure.id)} {cell(row.procedure.title)} | {done} | {row.due or ''} "
                     f"| {'**overdue**' if row.overdue else ''} |")
    return "\n".join([*lines, ""])
