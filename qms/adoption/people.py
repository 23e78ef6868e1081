"""The roles registry drafted from the documents' text, and the people roster from git's authors.

Roles are the job titles the text names (Quality Manager, Document Controller). People are
who committed, with the names and addresses git shows. Who holds which role is never guessed:
every person's `roles` is left empty for the organisation to fill in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# A job title: up to three capitalised words before a word that names a post.
_POSTS = ("Manager", "Director", "Officer", "Controller", "Representative", "Engineer", "Auditor", "Supervisor",
          "Coordinator", "Administrator", "Head", "Lead", "Owner", "Specialist", "Executive", "Chairman", "President")
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?![A-Za-z])")  # fast to scan for: it can start only at a capital
_WORD = re.compile(r"[A-Z][a-z]+")
_NOT_ROLE_WORDS = {"The", "A", "An", "Each", "Every", "Any", "This", "That", "If", "When", "Our", "Your", "Their", "Its",
                   "By", "To", "Of", "For", "And", "Or", "With", "From", "All", "No"}
TOP_ROLE = ("top-management", "Top Management")
DEFAULT_OWNER = ("quality-manager", "Quality Manager")


@dataclass
class DraftRole:
    id: str
    title: str
    mentions: int = 0
    documents: list[str] = field(default_factory=list)  # where the text names it
    reports_to: str | None = None


@dataclass
class DraftPerson:
    id: str
    name: str
    emails: list[str]
    commits: int


@functools.lru_cache(maxsize=4096)
def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def roles_in_text(texts: dict[str, str]) -> list[DraftRole]:
    """Job titles named in the documents' text (path -> body), most mentioned first."""
    found: dict[str, DraftRole] = {}
    counts: Counter[str] = Counter()
    for path, text in texts.items():
        # The post word first (a plain search), then the words before it: one pass, however long the text.
        for match in _CAPITALISED.finditer(text):
            if match.group() not in _POSTS or (match.start() and text[match.start() - 1].isalpha()):
                continue
            words = [match.group()]
            if text[match.start() - 1:match.start()] in (" ", "\t"):
                # Up to three capitalised words just before it on its line, stopping at "The" and the like.
                line = text[max(0, match.start() - 60):match.start()].rpartition("\n")[2]
                for word in reversed(line.split()[-3:]):
                    if not _WORD.fullmatch(word) or word in _NOT_ROLE_WORDS:
                        break
                    words.insert(0, word)
            while words and words[0] in _NOT_ROLE_WORDS:
                words = words[1:]
            if len(words) < 2:  # "Manager" alone names no post
                continue
            title = " ".join(words)
            role_id = slug(title)
            if not role_id:
                continue
            role = found.setdefault(role_id, DraftRole(role_id, title))
            counts[role_id] += 1
            if not role.documents or role.documents[-1] != path:  # texts come one path at a time
                role.documents.append(path)
    for role_id, count in counts.items():
        found[role_id].mentions = count
    return sorted(found.values(), key=lambda r: (-r.mentions, r.id))


def draft_roles(texts: dict[str, str], owner: str, approvers: list[str]) -> list[DraftRole]:
    """The registry: the roles documents are owned and approved by, then the ones the text names.

    The top role (approvers' default, which approves changes to the roster itself) reports to nobody; every
    other role reports to it, so that reporting lines are complete and the user changes what is not so."""
    roles: dict[str, DraftRole] = {}
    for role_id in [*approvers, owner]:
        title = TOP_ROLE[1] if role_id == TOP_ROLE[0] else DEFAULT_OWNER[1] if role_id == DEFAULT_OWNER[0] else \
            role_id.replace("-", " ").title()
        roles.setdefault(role_id, DraftRole(role_id, title))
    for role in roles_in_text(texts):
        if role.id in roles:
            roles[role.id].mentions, roles[role.id].documents = role.mentions, role.documents
        else:
            roles[role.id] = role
    top = approvers[0]
    for role in roles.values():
        role.reports_to = None if role.id == top else top
    return list(roles.values())


def draft_people(authors: dict[str, str], commits_by: dict[str, int]) -> list[DraftPerson]:
    """One person per email address git shows, most commits first; the same name under two addresses is one
    person with both."""
    by_name: dict[str, DraftPerson] = {}
    for email, name in sorted(authors.items(), key=lambda item: (-commits_by.get(item[0], 0), item[0])):
        if "@" not in email:
            continue
        key = name.casefold().strip() or email
        if key in by_name:
            by_name[key].emails.append(email)
            by_name[key].commits += commits_by.get(email, 0)
            continue
        by_name[key] = DraftPerson("", name or email, [email], commits_by.get(email, 0))
    taken: set[str] = set()
    people = []
    for person in by_name.values():
        base = slug(person.name) or slug(person.emails[0].partition("@")[0]) or "person"
        person_id, number = base, 2
        while person_id in taken:
            person_id, number = f"{base}-{number}", number + 1
        taken.add(person_id)
        person.id = person_id
        people.append(person)
    return people
