"""The expected ways a command can fail to run at all.

Findings describe problems in the documents; these describe why a command
could not look at them. The CLI turns each into one clear line and exit 2.
"""

from __future__ import annotations


class QmsError(Exception):
    """Base of every failure the user can act on."""


class NotAQmsRepositoryError(QmsError):
    """No qms.yml in the folder or any parent."""


class ConfigError(QmsError):
    """qms.yml exists but cannot be used."""


class UsageError(QmsError):
    """The command line asks for something that cannot be done."""
