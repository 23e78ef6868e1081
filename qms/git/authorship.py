"""Who wrote what, and when each file last changed: one `git log` pass, for `qms adopt`'s plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qms.git.runner import PATHS_PER_CALL, GitError, run_git


@dataclass
class Authorship:
    authors: dict[str, str] = field(default_factory=dict)  # email (lower case) -> name, first seen (newest) wins
    commits_by: dict[str, int] = field(default_factory=dict)  # email -> number of commits
    last_changed: dict[str, str] = field(default_factory=dict)  # path -> date (YYYY-MM-DD) of the last commit touching it
    commits: int = 0


def is_work_tree(root: Path) -> bool:
    try:
        return run_git(root, "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except GitError:
        return False


def top_level(root: Path) -> Path | None:
    """The top of the git work tree holding `root`, or None outside git."""
    try:
        return Path(run_git(root, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip())
    except GitError:
        return None


def read_authorship(root: Path) -> Authorship:
    """Authors (through the mailmap, as `git shortlog` shows them) and the date each file's content last changed,
    followed back across renames: a move into a new folder is not a change of the text."""
    found = Authorship()
    try:
        raw = run_git(root, "log", "-M", "--name-status", "-z", "--format=%x01%aN%x00%aE%x00%cs")
    except GitError:  # no commits yet
        return found
    final: dict[str, str] = {}  # a path as it was at this point of history -> its path today
    for chunk in raw.split(b"\x01")[1:]:
        fields = chunk.split(b"\0")
        if len(fields) < 3:
            continue
        name = fields[0].decode("utf-8", "replace").strip()
        email = fields[1].decode("utf-8", "replace").strip().lower()
        date = fields[2].decode("ascii", "replace").strip()
        found.commits += 1
        if email:
            found.authors.setdefault(email, name or email)
            found.commits_by[email] = found.commits_by.get(email, 0) + 1
        changes = [f.decode("utf-8", "surrogateescape") for f in fields[3:]]
        index = 0
        while index < len(changes):
            status = changes[index].strip()
            index += 1
            if not status:
                continue
            if status[0] in "RC":
                old, new = changes[index], changes[index + 1]
                index += 2
                today = final.get(new, new)
                if status[0] == "R":
                    final[old] = today
                if status != "R100":  # a rename that also changed the text
                    found.last_changed.setdefault(today, date)
                continue
            path = changes[index]
            index += 1
            if status[0] != "D":
                found.last_changed.setdefault(final.get(path, path), date)
    return found


def uncommitted_paths(root: Path) -> set[str]:
    """Paths (relative to the work tree's top) whose content git does not hold as committed: changed (staged or
    not) or never committed at all (untracked; ignored files are not listed)."""
    try:
        raw = run_git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    except GitError:
        return set()
    paths: set[str] = set()
    entries = raw.split(b"\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        paths.add(entry[3:].decode("utf-8", "surrogateescape"))
        if entry[:1] in (b"R", b"C"):  # a rename names its source next
            index += 1
    return paths


def stage_paths(root: Path, paths: list[str]) -> None:
    """Stage exactly `paths` (new files included), and nothing else."""
    for start in range(0, len(paths), PATHS_PER_CALL):
        run_git(root, "add", "--", *paths[start:start + PATHS_PER_CALL])


def tag_exists(root: Path, name: str) -> bool:
    try:
        run_git(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{name}")
        return True
    except GitError:
        return False


def valid_tag_name(root: Path, name: str) -> bool:
    try:
        run_git(root, "check-ref-format", f"refs/tags/{name}")
        return True
    except GitError:
        return False


def make_tag(root: Path, name: str, message: str) -> None:
    """An annotated tag on HEAD, under the user's own identity."""
    run_git(root, "tag", "-a", name, "-m", message)
