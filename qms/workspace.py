"""One opened QMS: its settings, its documents and its history, each read once and only when asked for.

Every command and the site plugin start from `Workspace.open(path)`. A plain
`qms check` asks only for the documents, so git history is never read, and
its modules are never imported (they are imported inside the methods that
need them, which is why those imports are local).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from qms.load.config import Config, load_config
from qms.load.documents import load_people, load_set
from qms.load.site import SiteSources, read_site_sources
from qms.model import DocumentSet, Person

if TYPE_CHECKING:
    from qms.history.model import History, Roster


class Workspace:
    """The QMS at or above a folder."""

    def __init__(self, start: Path) -> None:
        self.start = start
        self._history: History | None = None

    @classmethod
    def open(cls, start: Path) -> Workspace:
        """The QMS at or above `start`. Nothing is read yet: `qms.yml` is read when first asked for, so a
        command refuses bad arguments before it reports a folder that is not a QMS."""
        return cls(start)

    @cached_property
    def config(self) -> Config:
        return load_config(self.start)

    @property
    def root(self) -> Path:
        return self.config.root

    @cached_property
    def documents(self) -> DocumentSet:
        """Every document, record, role and person in the working tree, with the F and S findings."""
        return load_set(self.config)

    @cached_property
    def site_sources(self) -> SiteSources:
        """The site's own pages and pymdownx.snippets' folders, from mkdocs.yml (for S003)."""
        return read_site_sources(self.root)

    @property
    def people(self) -> list[Person]:
        # The roster alone is a small file: commands that need only history do not load every document.
        if "documents" in self.__dict__:
            return self.documents.people
        return self._people

    @cached_property
    def _people(self) -> list[Person]:
        return load_people(self.config)

    @cached_property
    def roster(self) -> Roster:
        from qms.history.model import Roster

        return Roster(self.people)

    def history(self) -> History:
        """The whole first-parent history of the documents, judged: read once, with one `git log` pass."""
        if self._history is None:
            from qms.history.index import load_history

            self._history = load_history(self.config, self.people)
        return self._history

    def history_staged(self) -> tuple[History, int]:
        """The change staged in git's index against HEAD, for the documents it touches (`qms check --staged`)."""
        from qms.history.staged import load_staged

        return load_staged(self.config)

    def history_since(self, rev: str) -> tuple[History, int]:
        """History enough to judge the commits after `rev`, and the ordinal of the last commit not judged.

        A range on HEAD's first-parent line reads only its own commits; anything else reads it all.
        """
        from collections import Counter

        from qms.history.index import ordinal_of
        from qms.history.since import load_since

        if self._history is None:
            counts = Counter(d.id for d in self.documents.documents if d.id)
            shared = {doc_id for doc_id, count in counts.items() if count > 1}
            partial = load_since(self.config, self.people, rev, shared)
            if partial is not None:
                return partial
        history = self.history()
        return history, ordinal_of(self.root, history, rev)
