"""One opened QMS: its settings, its documents and its history, each read once and only when asked for.

Every command and the site plugin start from `Workspace.open(path)`. A plain
`qms check` asks only for the documents, so git history is never read, and
its modules are never imported (they are imported inside the methods that
need them, which is why those imports are local).
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from qms.errors import ConfigError, UsageError
from qms.load.config import CONFIG_NAME, Config, config_from, find_root, load_config
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

    def as_it_stood(self, day: date) -> Workspace:
        """The QMS as HEAD's first-parent line held it at the end of `day` (`--as-of`): that commit's settings,
        documents, records and roster, and the history up to it. Read from git; the working tree and the
        index are neither read nor touched, so uncommitted changes play no part."""
        from qms.git.runner import ensure_full_history
        from qms.git.tree import first_commit_day, first_parent_on

        root = self.root if "config" in self.__dict__ else find_root(self.start)
        ensure_full_history(root)
        sha = first_parent_on(root, day)
        if sha is None:
            raise UsageError(f"--as-of {day}: nothing was committed yet on that day (the history starts on "
                             f"{first_commit_day(root)}); give a later day")
        return CommittedWorkspace(self.start, root, sha, day)

    @cached_property
    def config(self) -> Config:
        return load_config(self.start)

    @property
    def root(self) -> Path:
        return self.config.root

    @cached_property
    def committed_config(self) -> Config:
        """qms.yml as HEAD holds it: the settings that history and duties are judged by (review intervals, risk
        categories, acknowledge_days, audit_months), so an uncommitted edit does not change what is overdue.
        The working tree's where git holds none (no repository, no commit, no qms.yml committed yet)."""
        from qms.git.log import blobs_at, read_blobs
        from qms.git.runner import GitError

        config = self.config
        try:
            blob = blobs_at(config.root, "HEAD", [CONFIG_NAME]).get(CONFIG_NAME)
            raw = read_blobs(config.root, [blob]).get(blob) if blob is not None else None
        except GitError:
            return config
        if raw is None or (config.root / CONFIG_NAME).read_bytes() == raw:
            return config
        try:
            return config_from(config.root, raw)
        except ConfigError as exc:
            raise ConfigError(f"{exc} (in {CONFIG_NAME} as the last commit holds it, whose settings history and "
                              "duties are judged by; commit the corrected file)") from None

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


class CommittedWorkspace(Workspace):
    """The QMS as one commit of the main line holds it (`Workspace.as_it_stood`)."""

    def __init__(self, start: Path, root: Path, commit: str, day: date) -> None:
        super().__init__(start)
        self._root = root
        self.commit = commit
        self.day = day

    @cached_property
    def _files(self) -> dict[str, str]:
        from qms.git.tree import files_at

        return files_at(self._root, self.commit)

    @property
    def committed_config(self) -> Config:
        return self.config  # already the commit's

    @cached_property
    def config(self) -> Config:
        from qms.git.log import read_blobs

        blob = self._files.get(CONFIG_NAME)
        raw = read_blobs(self._root, [blob]).get(blob) if blob is not None else None
        if raw is None:
            raise ConfigError(f"--as-of {self.day}: commit {self.commit[:7]}, where the main line stood that day, "
                              f"holds no {CONFIG_NAME}: the QMS was not set up yet; give a later day")
        try:
            return config_from(self._root, raw)
        except ConfigError as exc:
            raise ConfigError(f"{exc} (in {CONFIG_NAME} as commit {self.commit[:7]}, the last of {self.day}, holds "
                              "it)") from None

    @cached_property
    def documents(self) -> DocumentSet:
        from qms.load.committed import load_committed_set

        return load_committed_set(self.config, self._files)

    @cached_property
    def _people(self) -> list[Person]:
        from qms.load.committed import committed_people

        return committed_people(self.config, self._files)

    def history(self) -> History:
        if self._history is None:
            from qms.history.index import load_history

            self._history = load_history(self.config, self.people, upto=self.commit)
        return self._history

    def history_staged(self) -> tuple[History, int]:
        raise UsageError("--staged judges what is about to be committed, not a past day: leave out --as-of")

    def history_since(self, rev: str) -> tuple[History, int]:
        from qms.history.index import ordinal_of

        history = self.history()  # a range judged as it stood: the history up to the day, never beyond
        return history, ordinal_of(self.root, history, rev)
