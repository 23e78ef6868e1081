"""The optional parts of qmskit: a command whose extra is not installed says which one to install.

The base install (`pip install qmskit`) checks, approves, scaffolds and exports: it is all a CI check needs.
`qms build` and `qms serve` need the `site` extra (MkDocs, Material, jieba), `qms pdf` the `pdf` extra
(WeasyPrint, Markdown and its GitHub-flavoured extensions), `qms import` of a Word file the `word` extra
(mammoth); pyproject.toml lists them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from qms.errors import QmsError

# Each extra, and the top-level modules whose absence means it was not installed.
EXTRAS = {
    "site": ("mkdocs", "material", "jieba", "markdown", "pymdownx", "markdown_callouts", "pygal"),
    "pdf": ("weasyprint", "markdown", "pymdownx", "markdown_callouts"),
    "word": ("mammoth",),
    "calendar": ("icalendar",),
}


class MissingExtraError(QmsError):
    """A command needs an optional part of qmskit that is not installed."""

    def __init__(self, command: str, extra: str, module: str) -> None:
        super().__init__(f"{command} needs the {extra} extra: pip install 'qmskit[{extra}]' "
                         f"(the {module} module is not installed)")
        self.command, self.extra, self.module = command, extra, module


def require(extra: str, command: str, modules: tuple[str, ...] | None = None) -> dict[str, ModuleType]:
    """Import the modules of `extra` (all of them by default); MissingExtraError names the extra when one is absent.

    A module that is not there (or a module it needs that is not there) means the extra was not installed, or
    not whole: installing it again mends both. A module that is there but fails to load for another reason (a
    missing system library: OSError) raises its own error, for the caller to explain.
    """
    loaded = {}
    for name in modules if modules is not None else EXTRAS[extra]:
        try:
            loaded[name] = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            raise MissingExtraError(command, extra, exc.name or name) from None
    return loaded
