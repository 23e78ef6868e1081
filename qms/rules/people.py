"""Responsibilities: every role named exists, is held, and reports up without a loop."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from qms.load.config import CONFIG_NAME
from qms.model import Finding
from qms.rules import Context, as_list, rule
from qms.text.suggest import did_you_mean

ROLE_LIST_KEYS = ("approvers", "reviewers", "distribution")
# Record keys that name people from the roster, not roles.
PERSON_LIST_KEYS = ("auditors", "attendees")


@rule("P001")
def unknown_roles(ctx: Context) -> Iterator[Finding]:
    if ctx.docs.roles_file is None:
        return  # S002 already says the registry is missing
    known = ctx.docs.role_ids()
    choices = sorted(known)

    def unknown(where: str, role: str) -> str:
        return f'{where} "{role}" is not a role in {ctx.config.roles_file}{did_you_mean(role, choices)}'

    for doc in ctx.docs.documents:
        owner = doc.data.get("owner")
        if isinstance(owner, str) and owner not in known:
            yield ctx.finding("P001", doc.path, doc.line_of(("owner",)), unknown("owner", owner))
        if doc.is_record:
            continue
        for key in ROLE_LIST_KEYS:
            for index, role in enumerate(as_list(doc.data.get(key))):
                if isinstance(role, str) and role not in known:
                    yield ctx.finding("P001", doc.path, doc.line_of((key, index)), unknown(key, role))
    source = ctx.config.source
    for index, role in enumerate(ctx.config.control_roles or []):
        # A control role that is not a role leaves a change to the rules of approval with nobody to approve it.
        if role not in known:
            yield ctx.finding("P001", CONFIG_NAME, source.line_of(("approvals", "control", index)) if source else None,
                              unknown("approvals: control:", role))
    for role in ctx.docs.roles:
        if role.reports_to is not None and role.reports_to not in known:
            line = _role_key_line(ctx, role.id, "reports_to")
            yield ctx.finding("P001", ctx.config.roles_file, line,
                              unknown(f"role {role.id} reports_to", role.reports_to))


def _role_key_line(ctx: Context, role_id: str, key: str) -> int | None:
    assert ctx.docs.roles_file is not None
    for index, item in enumerate(as_list(ctx.docs.roles_file.data.get("roles"))):
        if isinstance(item, dict) and item.get("id") == role_id:
            return ctx.docs.roles_file.line_of(("roles", index, key))
    return None


@rule("P002")
def unfilled_roles(ctx: Context) -> Iterator[Finding]:
    if ctx.docs.people_file is None:
        return
    held = {role for person in ctx.docs.people for role in person.roles}
    for role in ctx.docs.roles:
        if role.id not in held:
            yield ctx.finding(
                "P002", ctx.config.roles_file, role.line,
                f"nobody in {ctx.config.people_file} holds the role {role.id}",
                "give it to someone, or remove the role",
            )


@rule("P003")
def people_with_unknown_roles(ctx: Context) -> Iterator[Finding]:
    if ctx.docs.roles_file is None:
        return
    known = ctx.docs.role_ids()
    choices = sorted(known)
    for person in ctx.docs.people:
        for role, line in zip(person.roles, person.role_lines):
            if role not in known:
                yield ctx.finding(
                    "P003", ctx.config.people_file, line,
                    f'{person.id} holds "{role}", which is not a role in {ctx.config.roles_file}'
                    f"{did_you_mean(role, choices)}",
                )


@rule("P004")
def reporting_cycles(ctx: Context) -> Iterator[Finding]:
    boss = {role.id: role.reports_to for role in ctx.docs.roles}
    line = {role.id: role.line for role in ctx.docs.roles}
    reported: set[str] = set()
    for start in boss:
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in boss and current not in chain:
            chain.append(current)
            current = boss[current]
        if current is None or current not in chain:
            continue
        cycle = chain[chain.index(current):]
        if reported.intersection(cycle):
            continue
        reported.update(cycle)
        first = min(cycle, key=lambda r: line[r])
        loop = cycle[cycle.index(first):] + cycle[: cycle.index(first)] + [first]
        yield ctx.finding(
            "P004", ctx.config.roles_file, _role_key_line(ctx, first, "reports_to") or line[first],
            f"reports_to goes round in a circle: {' -> '.join(loop)}",
            "one of them must report to a role outside it",
        )


@rule("P005")
def duplicate_people_and_roles(ctx: Context) -> Iterator[Finding]:
    role_counts = Counter(role.id for role in ctx.docs.roles)
    seen: set[str] = set()
    for role in ctx.docs.roles:
        if role_counts[role.id] > 1 and role.id in seen:
            yield ctx.finding("P005", ctx.config.roles_file, role.line,
                              f"the role id {role.id} is defined more than once", "keep one definition")
        seen.add(role.id)
    seen.clear()
    email_owner: dict[str, str] = {}
    for person in ctx.docs.people:
        if person.id in seen:
            yield ctx.finding("P005", ctx.config.people_file, person.line,
                              f"the person id {person.id} is used more than once",
                              "give each person their own id")
        seen.add(person.id)
        for email in person.emails:
            key = email.lower()
            if key in email_owner and email_owner[key] != person.id:
                yield ctx.finding(
                    "P005", ctx.config.people_file, person.line,
                    f"the email {email} belongs to both {email_owner[key]} and {person.id}; "
                    "git authorship would be ambiguous",
                )
            email_owner.setdefault(key, person.id)


@rule("P006")
def unknown_people(ctx: Context) -> Iterator[Finding]:
    if ctx.docs.people_file is None:
        return
    known = {person.id for person in ctx.docs.people}
    for doc in ctx.records():
        for key in PERSON_LIST_KEYS:
            people = doc.data.get(key)
            if not people:
                continue
            for index, person in enumerate(as_list(people)):
                if isinstance(person, str) and person not in known:
                    yield ctx.finding(
                        "P006", doc.path, doc.line_of((key, index)),
                        f'{key}: "{person}" is not a person in {ctx.config.people_file}'
                        f"{did_you_mean(person, sorted(known))}",
                    )
