"""The management review pack (ISO 9001 9.3.2): one Markdown document with every input the standard asks for,
computed from the repository, each figure linked to its evidence, and a marked blank for what only people can
judge. It is a draft for the review's chair; `qms review-pack --save` makes it the body of a draft
management-review record, which the meeting completes (M008 refuses to close one with a blank left).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from qms.model import Document
from qms.publish.objectives import Result
from qms.publish.periods import Period, period_of
from qms.text.dates import current_day
from qms.text.mdtext import cell as md_cell

if TYPE_CHECKING:
    from qms.history.model import History

# The words that mark a blank; M008 looks for them in a closed management-review record.
BLANK_MARK = "**To be completed by management:**"
BLANK = "> " + BLANK_MARK + " {what}\n>\n> ______________________________________________"
EVIDENCE_SHOWN = 10  # record links per figure; the rest are counted


@dataclass(frozen=True)
class Change:
    document: str
    title: str
    revision: str
    effective: str
    change: str
    path: str


@dataclass(frozen=True)
class Source:
    """Where the figures come from: the command that computed them, and the commit it read (None outside git)."""

    command: str
    commit: str | None = None
    uncommitted: bool = False


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


def _day(record: Document) -> date | None:
    try:
        return date.fromisoformat(str(record.data.get("date")))
    except ValueError:
        return None


def _in(period: Period, record: Document) -> bool:
    day = _day(record)
    return day is not None and period.contains(day)


def review_pack(organisation: str, period: Period, records: list[Document], results: list[Result],
                changes: list[Change] | None, link: Callable[[str], str | None], source: Source | None = None,
                title: str | None = None, withheld: Callable[[str], bool] = lambda path: False) -> str:
    """The pack as Markdown. `link` turns a repository path into the link the pack writes (None: the id
    without a link); `withheld` says of a document whose title and change must not be written (a restricted
    one, in a record the site publishes); `title` replaces the pack's own first heading (the saved record's)."""
    by_id = {r.id: r for r in records if r.id}

    def anchor(text: str, path: str) -> str:
        target = link(path)
        return f"[{md_cell(text)}]({target})" if target is not None else md_cell(text)

    def ref(doc: Document) -> str:
        return anchor(doc.id or doc.path, doc.path)

    def refs(ids: list[str]) -> str:
        shown = [anchor(i, by_id[i].path) if i in by_id else md_cell(i) for i in ids[:EVIDENCE_SHOWN]]
        more = len(ids) - EVIDENCE_SHOWN
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

    def of_kind(kind: str, inside: bool = True) -> list[Document]:
        return sorted((r for r in records if r.data.get("kind") == kind and (not inside or _in(period, r))),
                      key=lambda r: (str(r.data.get("date", "")), r.id or r.path))

    command = source.command if source else f"qms review-pack --period {period.label}"
    read = ""
    if source is not None and source.commit:
        read = f" at commit {source.commit}" + (" with changes not yet committed" if source.uncommitted else "")
    lines = [f"# {md_cell(title) if title else f'Management review input, {period.label}'}", "",
             f"{md_cell(organisation)}. Reviewed period: {period.start.isoformat()} to "
             f"{date.fromordinal(period.end.toordinal() - 1).isoformat()} ({period.label}). "
             f"Computed by `{command}` from the records, their tables and the history of the documents{read}. "
             "Every figure links to its evidence; what only management can judge is left blank, marked.", ""]

    lines += ["## a) Status of actions from previous management reviews", ""]
    earlier = [r for r in of_kind("management-review", inside=False) if (_day(r) or period.end) < period.start]
    actions = of_kind("corrective-action", inside=False)
    if earlier:
        last = earlier[-1]
        lines.append(f"The last review before the period: {ref(last)} ({md_cell(last.title)}, "
                     f"{last.data.get('date')}, {last.status}).")
        answering = [r for r in actions if last.id and (r.data.get("nonconformity") == last.id
                                                         or last.id in _ids(r.data.get("references")))]
        if answering:
            lines += ["", f"Actions recorded against it ({len(answering)}):", ""]
            lines += [f"- {_action(r, ref)}" for r in answering]
    else:
        lines.append("No earlier management-review record.")
    open_actions = [r for r in actions if r.status == "open"]
    lines += ["", f"Corrective actions still open ({len(open_actions)})" + (":" if open_actions else ": none.")]
    if open_actions:
        lines.append("")
    lines += [f"- {_action(r, ref)}" for r in open_actions]
    lines += ["", BLANK.format(what="the status of each action the last review decided."), ""]

    lines += ["## b) Changes in external and internal issues", "",
              BLANK.format(what="changes in the issues relevant to the QMS (ISO 9001 4.1) and its strategic "
                                "direction."), ""]
    lines += ["### Changes to documents in the period", ""]
    if changes is None:
        lines.append("History is not available (not a git repository, or a shallow clone).")
    elif not changes:
        lines.append("No revision took effect in the period.")
    else:
        lines += [f"{len(changes)} revisions took effect in the period.", "",
                  "| document | revision | effective | change |", "| --- | --- | --- | --- |"]
        lines += [f"| {anchor(c.document, c.path)} {md_cell(c.title)} | {md_cell(c.revision)} | "
                  f"{c.effective} | {md_cell(c.change)} |" if not withheld(c.path) else
                  f"| {md_cell(c.document)} (restricted) | {md_cell(c.revision)} | {c.effective} | "
                  "withheld here: see the document |" for c in changes]
    lines.append("")

    lines += ["## c) Performance and effectiveness of the QMS", "", "### 1. Customer satisfaction", ""]
    lines += _satisfaction(period, of_kind, ref)
    feedback = [r for r in records if any(w in str(r.data.get("kind", "")) for w in ("complaint", "feedback"))
                and _in(period, r)]
    lines += ["", f"Complaints and other feedback recorded in the period: {len(feedback)}"
              + (":" if feedback else ".")]
    if feedback:
        lines.append("")
    lines += [f"- {ref(r)} {md_cell(r.title)} ({r.data.get('kind')}, {r.data.get('date')}, {r.status})"
              for r in feedback]
    lines += ["", BLANK.format(what="feedback from other relevant interested parties not recorded above."), ""]
    lines += ["", "### 2. Quality objectives met and missed", ""]
    whole = [r for r in results if r.period == period]
    if whole:
        met = sum(1 for r in whole if r.met is True)
        missed = [r for r in whole if r.met is False]
        lines.append(f"{met} of {len(whole)} objectives met over {period.label}; missed: "
                     + (", ".join(md_cell(r.objective.id) for r in missed) or "none") + ".")
        lines += ["", "| objective | value | target | result | previous period | baseline | evidence |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in whole:
            lines.append(f"| {md_cell(r.objective.id)} {md_cell(r.objective.title)} | {_value(r)} | "
                         f"{md_cell(r.objective.target.text) if r.objective.target else ''} | {r.state} | "
                         f"{_figure(r.previous, r) or 'no data'} | {_figure(r.objective.baseline, r)} | {refs(r.records)} |")
    else:
        lines.append("No quality objectives are declared as data.")
    lines += ["", "### 3. Process performance and conformity of services", "",
              BLANK.format(what="process performance not measured by an objective."), ""]
    lines += ["### 4. Nonconformities and corrective actions", ""]
    ncs, cas = of_kind("nonconformity"), of_kind("corrective-action")
    lines.append(f"{len(ncs)} nonconformities ({sum(1 for r in ncs if r.data.get('severity') == 'major')} major) and "
                 f"{len(cas)} corrective actions recorded in the period.")
    if ncs or cas:
        lines.append("")
    lines += [f"- {ref(r)} {md_cell(r.title)} (nonconformity, {r.data.get('date')}"
              + (f", {r.data['severity']}" if r.data.get("severity") else "") + f", {r.status})" for r in ncs]
    lines += [f"- {ref(r)} {md_cell(r.title)} (corrective action, {r.data.get('date')}, {r.status}"
              + (f", effectiveness {r.data['effectiveness']} on {r.data.get('verified')}"
                 if r.data.get("effectiveness") else ", effectiveness not yet verified" if r.status == "closed" else "")
              + ")" for r in cas]
    lines += ["", "### 5. Monitoring and measurement results", ""]
    finer = [r for r in results if r.period != period]
    if finer:
        lines += ["| objective | period | value | result | evidence |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {md_cell(r.objective.id)} | {r.period.label} | {_value(r)} | {r.state} | {refs(r.records)} |"
                  for r in finer]
    else:
        lines.append("No monitoring figures finer than the period.")
    lines += ["", "### 6. Audit results", ""]
    audits = of_kind("audit")
    lines += [f"- {ref(r)} {md_cell(r.title)} ({r.data.get('date')}, {r.status}){_audit_findings(r)}"
              for r in audits] or ["No audit record in the period."]
    lines += ["", "### 7. Performance of external providers", ""]
    providers = [r for r in records if str(r.data.get("kind", "")).startswith(("supplier", "external-provider"))
                 and _in(period, r)]
    lines += [f"- {ref(r)} {md_cell(r.title)} ({r.data.get('date')}, {r.status})" for r in providers] or [
        "No external-provider evaluation record in the period."]
    lines += ["", "## d) Adequacy of resources", "", BLANK.format(what="whether resources were adequate."), "",
              "## e) Effectiveness of actions taken to address risks and opportunities", "",
              BLANK.format(what="the effect of the actions on risks and opportunities (ISO 9001 6.1)."), "",
              "## f) Opportunities for improvement", "", BLANK.format(what="opportunities for improvement."), ""]
    return "\n".join(lines)


def _satisfaction(period: Period, of_kind: Callable[..., list[Document]], ref: Callable[[Document], str]) -> list[str]:
    """The surveys dated in the period, and those dated in the month after it, which often report on it (a
    half-year's survey is counted in the first days after it); the objectives still count each by its date."""
    lines: list[str] = []
    surveys = of_kind("satisfaction-survey")
    if surveys:
        lines += ["| survey | date | respondents | satisfied | satisfied or basically satisfied |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {ref(s)} {md_cell(s.title)} | {s.data.get('date')} | {s.data.get('respondents', '')} | "
                  f"{_percent(s.data.get('satisfied_percent'))} | "
                  f"{_percent(s.data.get('satisfied_or_basically_percent'))} |" for s in surveys]
    else:
        lines.append("No satisfaction survey record dated in the period.")
    following = period_of(period.end, "month")
    later = [s for s in of_kind("satisfaction-survey", inside=False) if _in(following, s)]
    if later:
        lines += ["", f"Dated in the month after the period, {following.label} (they may report on it; the "
                      "objectives count them in the period of their date):", ""]
        lines += [f"- {ref(s)} {md_cell(s.title)} ({s.data.get('date')}): "
                  f"{_percent(s.data.get('satisfied_percent')) or 'no figure'} satisfied"
                  + (f", {_percent(s.data['satisfied_or_basically_percent'])} satisfied or basically satisfied"
                     if s.data.get("satisfied_or_basically_percent") is not None else "")
                  + (f", {s.data['respondents']} respondents" if s.data.get("respondents") is not None else "")
                  for s in later]
    return lines


def _ids(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _action(record: Document, ref: Callable[[Document], str]) -> str:
    """A corrective action with its state: open and when due (overdue, as of today), or closed and verified."""
    due = record.data.get("due")
    state = record.status or "no status"
    if record.status == "open" and due:
        late = str(due) < current_day().isoformat()
        state += f", due {due}" + (", overdue" if late else "")
    elif record.data.get("effectiveness"):
        state += f", effectiveness {record.data['effectiveness']} on {record.data.get('verified')}"
    return f"{ref(record)} {md_cell(record.title)} ({state})"


def _audit_findings(record: Document) -> str:
    found = record.data.get("findings")
    if not isinstance(found, list):
        return ""
    counts = Counter(str(f.get("severity")) for f in found if isinstance(f, dict))
    if not counts:
        return ": no finding"
    return ": " + ", ".join(f"{counts[s]} {s}" for s in ("major", "minor", "observation") if counts[s])


def _percent(value: object) -> str:
    return "" if value is None else f"{value}%"


def _figure(number: float | None, result: Result) -> str:
    if number is None:
        return ""
    figure = str(int(number)) if float(number).is_integer() else f"{number:.2f}"
    unit = result.objective.unit
    return figure + ("%" if unit == "%" else f" {unit}" if unit else "")


def _value(result: Result) -> str:
    return result.state if result.value is None else _figure(result.value, result)
