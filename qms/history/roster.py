"""The allowed-signers file git verifies SSH signatures with, built from the roster."""


from __future__ import annotations

from collections.abc import Iterable

from qms.model import Person


def allowed_signers(people: Iterable[Person]) -> str:
    """git's allowed-signers file (gpg.ssh.allowedSignersFile) built from the roster's SSH keys."""
    lines = []
    for person in people:
        for key in person.signing_keys:
            if key.startswith(("ssh-", "ecdsa-", "sk-")) and person.emails:
                lines.append(f'{",".join(person.emails)} namespaces="git" {key}')
    return "\n".join(lines) + "\n"
