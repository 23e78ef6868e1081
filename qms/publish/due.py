"""The due list as Markdown: for the CI job summary (`qms due --format markdown`) and the site's "Due and
overdue" page, rendered once for both. It names people and roles and nothing else about them."""

from __future__ import annotations

from qms.supervise.due import DueList
from qms.text.mdtext import cell

KIND_WORDS = {
    "approval": "Approval", "review": "Review before approval", "acknowledgement": "Read and understood",
    "periodic-review": "Periodic review", "action": "Corrective action", "verification": "Effectiveness check",
    "audit": "Internal audit", "disposal": "Disposal",
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
