"""References: every id and relative link resolves, effective documents rely
only on documents that are in force, and published pages link only to published ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from qms.model import Document, Finding, KeyPath
from qms.publish.visibility import PUBLISHED, visibility
from qms.rules import Context, as_list, rule
from qms.text.linkpath import resolve_link
from qms.text.revisions import RevisionError, is_after_first
from qms.text.suggest import did_you_mean

if TYPE_CHECKING:
    from qms.history.model import History

# Front-matter keys that name other documents or records, as lists or single ids.
LIST_KEYS = ("references", "supersedes")
SINGLE_KEYS = ("superseded_by", "procedure", "nonconformity", "corrects", "parent")
NO_SUCCESSOR = "none"
# Ids differ by a digit from their neighbours (QP-07, QP-08): only suggest near-exact matches.
ID_CUTOFF = 0.85


def front_matter_references(doc: Document) -> Iterator[tuple[str, str, KeyPath]]:
    """(key name, id, key path) for every id the front-matter names."""
    data = doc.data
    for key in LIST_KEYS:
        if key in data:
            for index, target in enumerate(as_list(data[key])):
                if isinstance(target, str):
                    yield key, target, (key, index)
    for key in SINGLE_KEYS:
        target = data.get(key)
        if isinstance(target, str) and not (key == "superseded_by" and target.lower() == NO_SUCCESSOR):
            yield key, target, (key,)


@rule("R001")
def unresolved_front_matter(ctx: Context) -> Iterator[Finding]:
    known: list[str] = []
    for doc in ctx.docs.documents:
        for key, target, where in front_matter_references(doc):
            if target not in ctx.by_id:
                # Lines and suggestions only for what is reported: most references resolve.
                known = known or sorted(ctx.by_id)
                yield ctx.finding(
                    "R001", doc.path, doc.line_of(where),
                    f'{key}: "{target}" is not the id of any document or record{did_you_mean(target, known, ID_CUTOFF)}',
                )


@rule("R002")
def unresolved_body_ids(ctx: Context) -> Iterator[Finding]:
    known: list[str] = []
    for doc in ctx.docs.documents:
        for ref in doc.id_references():
            if ref.target not in ctx.by_id and ctx.config.names_an_id(ref.target):
                known = known or sorted(ctx.by_id)
                yield ctx.finding(
                    "R002", doc.path, ref.line,
                    f"[[{ref.target}]] names no document or record{did_you_mean(ref.target, known, ID_CUTOFF)}",
                )


@rule("R009")
def mistyped_body_ids(ctx: Context) -> Iterator[Finding]:
    """`[[QM-1]]` for QM-01: text in double brackets that is no id is plain text (a citation, a note), but
    one a letter or a digit away from a real id was most likely meant as a reference, and shows as text."""
    known: list[str] = []
    for doc in ctx.docs.documents:
        for ref in doc.id_references():
            if ref.target in ctx.by_id or ctx.config.names_an_id(ref.target):
                continue
            known = known or sorted(ctx.by_id)
            suggestion = did_you_mean(ref.target, known, ID_CUTOFF)
            if suggestion:
                yield ctx.finding(
                    "R009", doc.path, ref.line,
                    f"[[{ref.target}]] matches no id pattern of qms.yml, so it is shown as text{suggestion}",
                    "correct the id to make it a reference, or put the text in backticks to show it as it is",
                )



@rule("R003")
def broken_links(ctx: Context) -> Iterator[Finding]:
    root = ctx.config.root
    for doc in ctx.docs.documents:
        for ref in doc.relative_links():
            resolved = resolve_link(doc.path, ref.target)
            if resolved is None:
                yield ctx.finding(
                    "R003", doc.path, ref.line,
                    f'the link "{ref.target}" points outside the repository', "link to a file inside it",
                )
            elif not (root / resolved).exists():
                yield ctx.finding(
                    "R003", doc.path, ref.line,
                    f'the link "{ref.target}" points to {resolved}, which does not exist',
                )


def relied_on(doc: Document, by_path: dict[str, Document]) -> list[tuple[str, KeyPath | int]]:
    """The ids a document relies on: its `references`, its [[ID]]s and its relative links to documents,
    each with a key path (its line looked up only if reported) or a body line."""
    found: list[tuple[str, KeyPath | int]] = [
        (target, ("references", index))
        for index, target in enumerate(as_list(doc.data.get("references")))
        if isinstance(target, str)
    ]
    found += [(ref.target, ref.line) for ref in doc.id_references()]
    for ref in doc.relative_links():
        target_doc = by_path.get(resolve_link(doc.path, ref.target) or "")
        if target_doc is not None and target_doc.id is not None:
            found.append((target_doc.id, ref.line))
    return found


@rule("R004")
def relies_on_uncontrolled(ctx: Context) -> Iterator[Finding]:
    by_path = {d.path: d for d in ctx.docs.documents}
    for doc in ctx.documents():
        if doc.status != "effective":
            continue
        for target, where in relied_on(doc, by_path):
            other = ctx.by_id.get(target)
            if other is not None and not other.is_record and not _in_force(ctx, other):
                yield ctx.finding(
                    "R004", doc.path, where if isinstance(where, int) else doc.line_of(where),
                    f"this effective document relies on {target}, which is {other.status}; "
                    "staff would be sent to a document that is not in force",
                    _successor_hint(other) or _approval_hint(other),
                )



@rule("R005")
def links_to_unpublished(ctx: Context) -> Iterator[Finding]:
    """A page the default site publishes links, by [[ID]] or a relative link, to one it does not.

    Each link yields at most one finding: where R004 already reports the link
    (an effective document relying on a draft or obsolete one), R005 stays
    silent. A new revision in preparation is not reported either, as in R004.
    What is left: restricted targets, and links from published records.
    """
    by_path = {d.path: d for d in ctx.docs.documents}
    for doc in ctx.docs.documents:
        ids, files = doc.id_references(), doc.relative_links()
        if not (ids or files) or visibility(doc) != PUBLISHED:
            continue
        links: list[tuple[str, int, str]] = [(ref.target, ref.line, f"[[{ref.target}]]") for ref in ids]
        for ref in files:
            target_doc = by_path.get(resolve_link(doc.path, ref.target) or "")
            if target_doc is not None and target_doc.id is not None:
                links.append((target_doc.id, ref.line, f'the link "{ref.target}"'))
        for target, line, shown in links:
            other = ctx.by_id.get(target)
            if other is None or visibility(other) == PUBLISHED:
                continue
            restricted = other.data.get("classification") == "restricted"
            if _r004_reports(doc, other, ctx) or (not restricted and _in_force(ctx, other)):
                continue
            why = "restricted" if restricted else other.status
            yield ctx.finding(
                "R005", doc.path, line,
                f"{shown} goes to {target}, which the site does not publish ({why}); "
                "staff reading this page would follow a broken link",
                None if restricted else _successor_hint(other),
            )


def _r004_reports(doc: Document, other: Document, ctx: Context) -> bool:
    """Whether R004 reports a reference from doc to other (so R005 need not)."""
    return doc.status == "effective" and not doc.is_record and not other.is_record and not _in_force(ctx, other)


def _in_force(ctx: Context, doc: Document) -> bool:
    return in_force(doc, ctx.config.revision_scheme, ctx.history_read())


def in_force(doc: Document, scheme: str, history: History | None = None) -> bool:
    """Effective, or a new revision in preparation while the previous one stays in force.

    With git history read (`--history`, `--since`, `qms approve`), a draft or review is in force when an
    earlier revision of it became effective in history and it was not withdrawn since. Without history
    (a plain `qms check`, which reads no git), a draft or review past the scheme's first revision is taken
    to be the next revision of a document that was already effective. A document a `--since` range does
    not touch is judged the plain way too; one the whole history has never seen was never in force.
    """
    if doc.status == "effective":
        return True
    if doc.status == "obsolete" or doc.revision is None:
        return False
    if history is not None and doc.id is not None:
        record = history.documents.get(doc.id)
        if record is not None and record.revisions:  # judged history (the staged check judges no revisions)
            return record.in_force_before(doc.revision)
        if history.whole:
            return False
    try:
        return is_after_first(scheme, doc.revision)
    except RevisionError:
        return False


def _approval_hint(doc: Document) -> str | None:
    """Who must act before a document in preparation can be relied on."""
    if doc.status not in ("draft", "review"):
        return None
    return (f"{who_acts(doc)}; until then keep this document in review too: `qms approve` puts documents that "
            "rely on each other in force together, with the approval that completes the set")


def who_acts(doc: Document) -> str:
    """Who must do what before a draft or a document in review is in force, as a sentence for its user."""
    approvers = ", ".join(r for r in as_list(doc.data.get("approvers")) if isinstance(r, str)) or "its approver roles"
    reviewers = ", ".join(r for r in as_list(doc.data.get("reviewers")) if isinstance(r, str))
    review = f"a holder of {reviewers} reviews it (`qms review {doc.id}`), then " if reviewers else ""
    if doc.status == "draft":
        return (f"{doc.id} is a draft: its author sets status: review and commits it, then {review}"
                f"a holder of {approvers} approves it (`qms approve {doc.id}`)")
    return f"{doc.id} is in review: {review}a holder of {approvers} approves it (`qms approve {doc.id}`)"


def _successor_hint(doc: Document) -> str | None:
    """What to link to in place of an obsolete document, when it names a successor."""
    successor = doc.data.get("superseded_by")
    if doc.status == "obsolete" and isinstance(successor, str) and successor.lower() != NO_SUCCESSOR:
        return f"refer to {successor} instead"
    return None


@rule("R006")
def parent_not_a_procedure(ctx: Context) -> Iterator[Finding]:
    """`parent:` groups a work instruction or form under its procedure on the site: it must name one.

    An unknown id is R001's; this is an id of something else (a manual, another work instruction, a record).
    """
    for doc in ctx.docs.documents:
        target = doc.data.get("parent")
        if not isinstance(target, str):
            continue
        parent = ctx.by_id.get(target)
        if parent is not None and parent.type != "procedure":
            yield ctx.finding(
                "R006", doc.path, doc.line_of(("parent",)),
                f'parent: "{target}" is a {parent.type or "document of no type"} ({parent.path}), not a procedure',
                "name the procedure this document belongs to",
            )
