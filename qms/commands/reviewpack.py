"""`qms review-pack`: the management review input (ISO 9001 9.3.2) as Markdown, as a PDF, or saved as a draft
management-review record.

The figures are computed once per output by `qms/publish/reviewpack.py`; each output only decides where its
links point (relative to the file that holds them, so they work where the file lies). The PDF goes through the
same Markdown configuration and WeasyPrint as `qms pdf`, with the same page frame; the record goes through the
same planning as `qms new` (next free id, template, schema check) and is never written over a file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from qms.commands.pdf import DEFAULT_OUTPUT_DIR, FONTS, WORDS, _only_local, _weasyprint
from qms.commands.scaffold import plan_new_document, write_new
from qms.errors import QmsError, UsageError
from qms.git.runner import GitError
from qms.git.worktree import changed_since_head
from qms.model import Document
from qms.publish import gfm
from qms.publish.labels import labels
from qms.publish.periods import Period, parse_period
from qms.publish.results import Results
from qms.publish.reviewpack import BLANK, BLANK_MARK, Change, Source, document_changes, review_pack
from qms.publish.visibility import HIDDEN, PUBLISHED, SHOWN_CLASSIFICATIONS, visibility
from qms.safewrite import TargetExistsError
from qms.safewrite import write_new as write_new_file
from qms.text.dates import current_day
from qms.text.frontmatter_edit import set_keys
from qms.text.suggest import not_a_document
from qms.workspace import Workspace

KIND = "management-review"
# What the record adds around the pack: the meeting, and the outputs of ISO 9001 9.3.3.
MEETING = ("## The meeting\n\n"
           + BLANK.format(what="the date and place of the meeting (and set `date:` to that day), the chair, and "
                               "who attended (their person ids in `attendees:`).") + "\n")
OUTPUTS = ("## Outputs of the review (ISO 9001 9.3.3)\n\n"
           + BLANK.format(what="conclusions on the continuing suitability, adequacy and effectiveness of the QMS.")
           + "\n\n" + BLANK.format(what="the decisions on opportunities for improvement, any need for changes to "
                                        "the QMS, and resource needs.")
           + "\n\n| # | decision or action | owner | due |\n| --- | --- | --- | --- |\n|  |  |  |  |\n")


class PackExistsError(QmsError):
    """The file the pack would go to already holds something else."""


def period_of(text: str) -> Period:
    period = parse_period(text)
    if period is None:
        raise UsageError(f"--period {text}: write a half-year (2026H1), a year (2026), a quarter (2026Q3) "
                         "or a month (2026-11)")
    return period


class Pack:
    """The pack of one period over one workspace: figures computed once, written as each output needs."""

    def __init__(self, workspace: Workspace, period: Period) -> None:
        self.workspace = workspace
        self.period = period
        results_of = Results(workspace, validate_tables=False)
        self.results = results_of.results(period)
        self.findings = sorted([*results_of.table_findings, *results_of.objectives.findings,
                                *results_of.result_findings(self.results)], key=lambda f: f.sort_key())
        self.records = [d for d in workspace.documents.documents if d.is_record]
        history = None
        self.changes: list[Change] | None
        try:
            history = workspace.history()
            self.changes = document_changes(history, period)
        except (QmsError, GitError):
            self.changes = None
        commit = history.commits[-1].short if history is not None and history.commits else None
        changed = bool(commit) and changed_since_head(workspace.root, self._sources()) is True
        self.source = Source(f"qms review-pack --period {period.label}", commit, changed)

    def _sources(self) -> list[str]:
        config = self.workspace.config
        return sorted({spec.folder.split("/")[0] for spec in config.types.values()} | {"qms.yml"})

    def markdown(self, base: Path, title: str | None = None, published: bool = False) -> str:
        """The pack with links relative to the folder `base` (where its file will lie). A `published` pack (the
        saved record, which the site publishes) links only to what the site publishes (R005), and withholds
        the title and change of a restricted document."""
        root = self.workspace.root
        shown = {d.path: visibility(d) for d in self.workspace.documents.documents}

        def link(path: str) -> str | None:
            if published and shown.get(path) != PUBLISHED:
                return None
            return Path(os.path.relpath(root / path, base)).as_posix()

        def withheld(path: str) -> bool:
            return published and shown.get(path, HIDDEN) == HIDDEN and path not in self._obsolete

        return review_pack(self.workspace.config.organisation, self.period, self.records, self.results,
                           self.changes, link, self.source, title, withheld) + "\n"

    @cached_property
    def _obsolete(self) -> set[str]:
        """Documents hidden because they are obsolete, not because they are restricted: their titles may show."""
        return {d.path for d in self.workspace.documents.documents
                if d.status == "obsolete" and d.data.get("classification") in SHOWN_CLASSIFICATIONS}

    def html(self, base: Path) -> str:
        config = self.workspace.config
        language = "zh" if config.language.lower().startswith("zh") else "en"
        t = {**labels(language), **WORDS[language]}
        heading = f"Management review input, {self.period.label}"
        env = Environment(loader=PackageLoader("qms.site", "templates"), autoescape=select_autoescape(["html"]))
        page_label = t["page"].replace('"', "").format(page='" counter(page) "', pages='" counter(pages) "')
        body = gfm.render(self.markdown(base), config.paragraph_characters)
        return env.get_template("review_pack.html").render(
            t=t, lang="zh-Hans" if language == "zh" else "en", fonts=FONTS[language], page_label=page_label,
            title=heading, organisation=config.organisation, period=self.period.label, body=body,
            created=current_day().isoformat(),
            source=f"{self.source.command}" + (f" · {self.source.commit}" if self.source.commit else ""))


@dataclass
class Written:
    path: Path
    state: str  # "written" or "unchanged"


def write_markdown(pack: Pack, output: Path) -> Written:
    if output.exists():
        raise PackExistsError(f"--output {output}: the file exists; name a new file (the pack never overwrites one)")
    try:
        write_new_file(output, pack.markdown(output.resolve().parent).encode("utf-8"))
    except TargetExistsError:
        raise PackExistsError(f"--output {output}: the file appeared meanwhile and was left as it is") from None
    except OSError as exc:
        raise UsageError(f"--output {output}: cannot write it ({exc.strerror or exc})") from None
    return Written(output, "written")


def ready_for_pdf() -> None:
    """Refuse before anything is written when WeasyPrint cannot run (`qmskit[pdf]` and Pango)."""
    _weasyprint()


def default_pdf(workspace: Workspace, period: Period) -> Path:
    """controlled-copies/, which the .gitignore of `qms init` keeps out of git, as for `qms pdf`."""
    return workspace.root / DEFAULT_OUTPUT_DIR / f"management-review-input-{period.label}.pdf"


def write_pdf(pack: Pack, output: Path) -> Written:
    """The pack as a PDF. Its links are relative to the PDF's folder and stay relative (no base URL), so the
    file names no folder of the machine that made it. The same pack gives the same bytes: an existing file with
    them is left as it is; a different one is never replaced."""
    weasyprint = _weasyprint()
    if output.exists() and not output.is_file():
        raise UsageError(f"--output {output} is a folder; name the PDF file")
    html = pack.html(output.resolve().parent)
    identifier = hashlib.sha1(html.encode("utf-8")).hexdigest()[:32].encode()
    data = weasyprint.HTML(string=html, base_url=None, url_fetcher=_only_local(pack.workspace.root)).write_pdf(
        pdf_identifier=identifier)
    if output.exists():
        if output.read_bytes() == data:
            return Written(output, "unchanged")
        raise PackExistsError(f"{output} already exists and differs from the pack made now; move it away, "
                              "or give --output another file")
    try:
        write_new_file(output, data)
    except TargetExistsError:
        raise PackExistsError(f"{output} appeared meanwhile and was left as it is") from None
    except OSError as exc:
        raise UsageError(f"{output}: cannot write it ({exc.strerror or exc})") from None
    return Written(output, "written")


@dataclass
class SavedRecord:
    id: str
    path: str
    procedure: str
    blanks: int
    next_steps: list[str] = field(default_factory=list)
    same_period: list[str] = field(default_factory=list)  # other management-review records of the period


def save_record(pack: Pack, procedure: str | None = None) -> SavedRecord:
    """The pack as the body of a new, open management-review record: the next free id, the date of today, the
    procedure of the reviews, `period:` set, and the blanks marked. Refuses a file that exists (as `qms new`)."""
    workspace = pack.workspace
    config = workspace.config
    if KIND not in config.record_kinds:
        raise UsageError(f"this QMS has no '{KIND}' record kind; add it to record_kinds in qms.yml")
    chosen = _procedure(workspace, procedure)
    title = f"Management review, {pack.period.label}"
    # Planned twice: the first gives the file's place, which the pack's relative links start from.
    place = plan_new_document(workspace, "record", title, kind=KIND, procedure=chosen, body="",
                              command="review-pack --save").result.path
    body = pack.markdown((config.root / place).parent, title, published=True)
    heading_end = body.index("\n\n", body.index("\n\n") + 2)  # the title, then the paragraph that says where from
    body = body[:heading_end] + "\n\n" + MEETING + body[heading_end:].rstrip("\n") + "\n\n" + OUTPUTS
    planned = plan_new_document(workspace, "record", title, kind=KIND, procedure=chosen, body=body,
                                command="review-pack --save")
    assert planned.result.path == place
    data = set_keys(planned.text.encode("utf-8"), {"period": pack.period.label}, insert_after="retention")
    write_new(config.root / planned.result.path, data)
    rel = planned.result.path
    blanks = body.count(BLANK_MARK)
    steps = [f"Fill in the {blanks} blanks marked \"To be completed by management\" in {rel}: replace each marked "
             "quote with what the review found and decided; set date: to the day of the meeting and attendees: "
             "to the people who attended.",
             "Run qms check.",
             f'git add {rel} && git commit -m "Open {planned.result.id}: {title}"',
             "When the chair has approved the minutes, set status: closed and commit; qms check refuses to close "
             "the record while a blank is left (M008), and a closed record is never edited again."]
    same = [f"{d.id} ({d.path})" for d in workspace.documents.documents if d.is_record and d.data.get("kind") == KIND
            and parse_period(str(d.data.get("period", "")).replace(" ", "")) == pack.period]
    return SavedRecord(planned.result.id, rel, chosen, blanks, steps, same)


def _procedure(workspace: Workspace, given: str | None) -> str:
    """The procedure the record is evidence for: --procedure, else that of the latest management-review record,
    else the one procedure that addresses ISO 9001 9.3."""
    docs = workspace.documents
    by_id = docs.by_id()
    if given is not None:
        found = by_id.get(given)
        if found is None:
            raise UsageError(f"--procedure {given}: " + not_a_document(given, [d for d, f in by_id.items()
                                                                               if not f.is_record]))
        return given
    reviews = sorted((d for d in docs.documents if d.is_record and d.data.get("kind") == KIND
                      and isinstance(d.data.get("procedure"), str) and d.data["procedure"] in by_id),
                     key=lambda d: (str(d.data.get("date", "")), d.id or ""))
    if reviews:
        return str(reviews[-1].data["procedure"])
    addressing = sorted(d.id for d in docs.documents if d.id and not d.is_record and d.status != "obsolete"
                        and any(str(c) == "9.3" or str(c).startswith("9.3.") for c in _clauses(d)))
    if len(addressing) == 1:
        return addressing[0]
    which = f"several do ({', '.join(addressing)})" if addressing else "none lists clause 9.3"
    raise UsageError(f"name the management review procedure the record is evidence for: --procedure ID "
                     f"(no earlier management-review record names one, and of the procedures {which})")


def _clauses(doc: Document) -> list[object]:
    value = doc.data.get("clauses")
    return value if isinstance(value, list) else []
