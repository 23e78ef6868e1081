"""The management review pack (ISO 9001 9.3.2): one Markdown document with every input the standard asks for,
computed from the repository, each figure linked to its evidence, and a marked blank for what only people can
judge. It is a draft for the review's chair, not a record: the record is the management-review record the
meeting then makes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from qms.model import Document
from qms.publish.objectives import Result
from qms.publish.periods import Period
from qms.text.mdtext import cell as md_cell

if TYPE_CHECKING:
    from qms.history.model import History

BLANK = "> **To be completed by management:** {what}\n>\n> ______________________________________________"


@dataclass(frozen=True)
class Change:
    document: str
    title: str
    revision: str
    effective: str
    change: str
    path: str


def document_changes(history: History | None, period: Period) -> list[Change]:
    """The revisions that took effect in the period, from git history."""
    if history is None:
        return []
    out: list[Change] = []
    for doc in history.documents.values():
        for revision in doc.revisions:
            effective = revision.effective
            if revision.became_effective() is None or not effective:
                continue
            try:
                day = date.fromisoformat(effective)
            except ValueError:
                continue
            if period.contains(day):
                out.append(Change(doc.id, doc.title, revision.revision, effective, revision.change or "",
                                  doc.path))
    return sorted(out, key=lambda c: (c.effective, c.document))


def _in(period: Period, record: Document) -> bool:
    try:
        return period.contains(date.fromisoformat(str(record.data.get("date"))))
    except ValueError:
        return False


def review_pack(organisation: str, period: Period, records: list[Document], results: list[Result],
                changes: list[Change] | None, link: Callable[[str], str]) -> str:
    """The pack as Markdown. `link` turns a repository path into the link the pack writes."""
    def ref(doc: Document) -> str:
        return f"[{md_cell(doc.id or doc.path)}]({link(doc.path)})"

    def of_kind(kind: str, inside: bool = True) -> list[Document]:
        return [r for r in records if r.data.get("kind") == kind and (_in(period, r) or not inside)]

    lines = [f"# Management review input, {period.label}", "",
             f"{md_cell(organisation)}. Computed by `qms review-pack --period {period.label}` from the records, "
             "their tables and the history of the documents. Every figure links to its evidence; what only "
             "management can judge is left blank, marked.", ""]

    lines += ["## a) Status of actions from previous management reviews", ""]
    earlier = sorted((r for r in of_kind("management-review", inside=False)
                      if str(r.data.get("date", "")) < period.start.isoformat()), key=lambda r: str(r.data.get("date")))
    if earlier:
        last = earlier[-1]
        lines.append(f"The last review before the period: {ref(last)} ({md_cell(last.title)}, "
                     f"{last.data.get('date')}, {last.status}).")
    else:
        lines.append("No earlier management-review record.")
    open_actions = [r for r in of_kind("corrective-action", inside=False) if r.status == "open"]
    lines += ["", f"Corrective actions still open: {len(open_actions)}"
              + (": " + ", ".join(ref(r) for r in open_actions) if open_actions else "."), "",
              BLANK.format(what="the status of each action the last review decided."), ""]

    lines += ["## b) Changes in external and internal issues", "",
              BLANK.format(what="changes in the issues relevant to the QMS (ISO 9001 4.1) and its strategic "
                                "direction."), ""]
    lines += ["### Changes to documents in the period", ""]
    if changes is None:
        lines.append("History is not available (not a git repository, or a shallow clone).")
    elif not changes:
        lines.append("No revision took effect in the period.")
    else:
        lines += ["| document | revision | effective | change |", "| --- | --- | --- | --- |"]
        lines += [f"| [{md_cell(c.document)}]({link(c.path)}) {md_cell(c.title)} | {md_cell(c.revision)} | "
                  f"{c.effective} | {md_cell(c.change)} |" for c in changes]
    lines.append("")

    lines += ["## c) Performance and effectiveness of the QMS", "", "### 1. Customer satisfaction", ""]
    surveys = of_kind("satisfaction-survey")
    if surveys:
        lines += ["| survey | respondents | satisfied | satisfied or basically satisfied |", "| --- | --- | --- | --- |"]
        for s in surveys:
            lines.append(f"| {ref(s)} {md_cell(s.title)} | {s.data.get('respondents', '')} | "
                         f"{_percent(s.data.get('satisfied_percent'))} | "
                         f"{_percent(s.data.get('satisfied_or_basically_percent'))} |")
    else:
        lines.append("No satisfaction survey record in the period.")
    lines += ["", "### 2. Quality objectives met and missed", ""]
    whole = [r for r in results if r.period == period]
    if whole:
        met = sum(1 for r in whole if r.met is True)
        missed = [r for r in whole if r.met is False]
        lines.append(f"{met} of {len(whole)} objectives met over {period.label}; missed: "
                     + (", ".join(md_cell(r.objective.id) for r in missed) or "none") + ".")
        lines += ["", "| objective | value | target | result | evidence |", "| --- | --- | --- | --- | --- |"]
        by_id = {r.id: r for r in records if r.id}
        for r in whole:
            evidence = ", ".join(f"[{md_cell(i)}]({link(by_id[i].path)})" if i in by_id else md_cell(i)
                                 for i in r.records[:10]) + (f" and {len(r.records) - 10} more" if len(r.records) > 10 else "")
            lines.append(f"| {md_cell(r.objective.id)} {md_cell(r.objective.title)} | {_value(r)} | "
                         f"{md_cell(r.objective.target.text) if r.objective.target else ''} | {r.state} | {evidence} |")
    else:
        lines.append("No quality objectives are declared as data.")
    lines += ["", "### 3. Process performance and conformity of services", "",
              BLANK.format(what="process performance not measured by an objective."), ""]
    lines += ["### 4. Nonconformities and corrective actions", ""]
    ncs, cas = of_kind("nonconformity"), of_kind("corrective-action")
    lines.append(f"{len(ncs)} nonconformities ({sum(1 for r in ncs if r.data.get('severity') == 'major')} major) and "
                 f"{len(cas)} corrective actions recorded in the period.")
    lines += [f"- {ref(r)} {md_cell(r.title)} ({r.data.get('kind')}, {r.status})" for r in (*ncs, *cas)]
    lines += ["", "### 5. Monitoring and measurement results", ""]
    finer = [r for r in results if r.period != period]
    if finer:
        lines += ["| objective | period | value | result |", "| --- | --- | --- | --- |"]
        lines += [f"| {md_cell(r.objective.id)} | {r.period.label} | {_value(r)} | {r.state} |" for r in finer]
    else:
        lines.append("No monitoring figures finer than the period.")
    lines += ["", "### 6. Audit results", ""]
    audits = of_kind("audit")
    lines += [f"- {ref(r)} {md_cell(r.title)} ({r.data.get('date')}, {r.status})" for r in audits] or [
        "No audit record in the period."]
    lines += ["", "### 7. Performance of external providers", ""]
    providers = [r for r in records if str(r.data.get("kind", "")).startswith(("supplier", "external-provider"))
                 and _in(period, r)]
    lines += [f"- {ref(r)} {md_cell(r.title)}" for r in providers] or [
        "No external-provider evaluation record in the period."]
    lines += ["", "## d) Adequacy of resources", "", BLANK.format(what="whether resources were adequate."), "",
              "## e) Effectiveness of actions taken to address risks and opportunities", "",
              BLANK.format(what="the effect of the actions on risks and opportunities (ISO 9001 6.1)."), "",
              "## f) Opportunities for improvement", "", BLANK.format(what="opportunities for improvement."), ""]
    return "\n".join(lines)


def _percent(value: object) -> str:
    return "" if value is None else f"{value}%"


def _value(result: Result) -> str:
    if result.value is None:
        return result.state
    figure = str(int(result.value)) if float(result.value).is_integer() else f"{result.value:.2f}"
    return figure + ("%" if result.objective.unit == "%" else f" {result.objective.unit}" if result.objective.unit else "")
