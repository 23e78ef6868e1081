"""People as git knows them: identities by e-mail, and the allowed-signers file for SSH signatures."""


from __future__ import annotations

from collections.abc import Iterable

from qms.history.model import Identity
from qms.model import Person


class Roster:
    """People by email, for turning git identities into persons."""

    def __init__(self, people: list[Person]) -> None:
        self.people = {p.id: p for p in people}
        self.by_email = {email.lower(): p for p in people for email in p.emails}
        self._known: dict[tuple[str, str], Identity] = {}

    def identify(self, name: str, email: str) -> Identity:
        # One object per git identity: tens of thousands of commits share a few dozen people.
        found = self._known.get((name, email))
        if found is None:
            person = self.by_email.get(email.lower())
            found = Identity(person.name, email, person.id) if person else Identity(name, email)
            self._known[(name, email)] = found
        return found


def allowed_signers(people: Iterable[Person]) -> str:
    """git's allowed-signers file (gpg.ssh.allowedSignersFile) built from the roster's SSH keys."""
    lines = []
    for person in people:
        for key in person.signing_keys:
            if key.startswith(("ssh-", "ecdsa-", "sk-")) and person.emails:
                lines.append(f'{",".join(person.emails)} namespaces="git" {key}')
    return "\n".join(lines) + "\n"
