"""Signatures and the roster: the allowed-signers file git verifies SSH signatures with, and whose key signed."""


from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qms.git.commits import Signature
from qms.model import Person

if TYPE_CHECKING:
    from qms.history.model import Roster


def allowed_signers(people: Iterable[Person]) -> str:
    """git's allowed-signers file (gpg.ssh.allowedSignersFile) built from the roster's SSH keys."""
    lines = []
    for person in people:
        for key in person.signing_keys:
            if key.startswith(("ssh-", "ecdsa-", "sk-")) and person.emails:
                lines.append(f'{",".join(person.emails)} namespaces="git" {key}')
    return "\n".join(lines) + "\n"


def ssh_fingerprint(key: str) -> str | None:
    """The SHA256 fingerprint git prints for an SSH public key line (`ssh-ed25519 AAAA... comment`)."""
    parts = key.split()
    if len(parts) < 2:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:
        return None
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def signer_of(signature: Signature, roster: Roster) -> str | None:
    """The person a verified signature belongs to, or None when the key is not registered for them.

    SSH: git checked the signature against every key any roster ever held, and gives the principal
    (an email) and the key's fingerprint, which must be one registered for that person in `roster`.
    GPG: git gives "Name <email>" and the key's fingerprint, which must be registered the same way.
    """
    text = signature.signer
    email = text[text.find("<") + 1 : text.rfind(">")] if "<" in text else text
    person = roster.by_email.get(email.strip().lower())
    if person is None:
        return None
    if signature.key.startswith("SHA256:"):
        return person.id if signature.key in {ssh_fingerprint(k) for k in person.signing_keys} else None
    registered = {k.replace(" ", "").upper() for k in person.signing_keys if not k.startswith(("ssh-", "ecdsa-", "sk-"))}
    fingerprint = signature.key.replace(" ", "").upper()
    return person.id if any(fingerprint.endswith(k) or k.endswith(fingerprint) for k in registered if k) else None
