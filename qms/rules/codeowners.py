"""CODEOWNERS: a generated file that matches the roster, and approvers a forge can ask for review."""

from __future__ import annotations

from collections.abc import Iterator

from qms.model import Finding
from qms.publish.codeowners import approver_roles, existing, handles, is_generated, render
from qms.rules import Context, rule


@rule("O001")
def codeowners_out_of_date(ctx: Context) -> Iterator[Finding]:
    generated = [(rel, text) for rel, text in existing(ctx.config.root) if is_generated(text)]
    if not generated:
        return  # nothing to compare: rendering it would cost a pass over every document
    wanted = render(ctx.config, ctx.docs).splitlines()
    for rel, text in generated:
        have = text.splitlines()
        if have == wanted:
            continue
        line = next((n for n, (a, b) in enumerate(zip(have, wanted), 1) if a != b), min(len(have), len(wanted)) + 1)
        yield ctx.finding("O001", rel, line,
                          "CODEOWNERS no longer matches the documents' approvers and the people's handles",
                          "run `qms codeowners` to bring it up to date, and commit it")


@rule("O002")
def approvers_without_handle(ctx: Context) -> Iterator[Finding]:
    if ctx.docs.people_file is None or not existing(ctx.config.root):
        return
    with_handle = handles(ctx.docs)
    approving: dict[str, list[str]] = {}
    for doc in ctx.documents():
        for role in approver_roles(doc):
            approving.setdefault(role, []).append(doc.id or doc.path)
    for role in sorted(approving):
        holders = [p for p in ctx.docs.people if role in p.roles]
        if holders and not any(p.id in with_handle for p in holders):
            docs = ", ".join(sorted(approving[role])[:5]) + (", ..." if len(approving[role]) > 5 else "")
            yield ctx.finding(
                "O002", ctx.config.people_file, holders[0].line,
                f"the role {role} approves {docs}, but none of its holders ({', '.join(p.id for p in holders)}) "
                "has a handle, so CODEOWNERS cannot ask them for review",
                'add handle: "@their-forge-name"')
