"""Ids: unique, in their type's form, and filed in their type's folder."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from qms.model import Document, Finding
from qms.rules import Context, rule


@rule("I001")
def duplicate_ids(ctx: Context) -> Iterator[Finding]:
    holders: dict[str, list[Document]] = defaultdict(list)
    for doc in ctx.docs.documents:
        if doc.id is not None:
            holders[doc.id].append(doc)
    for doc_id, docs in holders.items():
        if len(docs) < 2:
            continue
        for doc in docs:
            others = ", ".join(f"{o.path} (line {o.line_of(('id',))})" for o in docs if o is not doc)
            yield ctx.finding(
                "I001", doc.path, doc.line_of(("id",)),
                f"id {doc_id} is also used by {others}", "every document needs its own id",
            )


@rule("I002")
def id_patterns(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.docs.documents:
        spec = ctx.config.types.get(doc.type or "")
        if doc.id is None or spec is None:
            continue
        if not spec.id_pattern.fullmatch(doc.id):
            yield ctx.finding(
                "I002", doc.path, doc.line_of(("id",)),
                f'id "{doc.id}" does not have the form of a {spec.name} id '
                f"(qms.yml pattern {spec.id_pattern.pattern})",
            )


@rule("I003")
def type_folders(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.docs.documents:
        spec = ctx.config.types.get(doc.type or "")
        if spec is None:
            continue
        if not ctx.config.layout.covers(spec, doc.path):
            where = (f"a path matching {' or '.join(spec.paths)} (qms.yml types.{spec.name}.paths)" if spec.paths
                     else f"{spec.folder}/ (qms.yml types.{spec.name}.folder)")
            yield ctx.finding(
                "I003", doc.path, doc.line_of(("type",)),
                f"a {spec.name} belongs in {where}", "move the file there",
            )
