"""The repository as a commit holds it: which commit the main line stood at on a day, and every file it holds.

`qms check --as-of` and `qms due --as-of` read the QMS as it stood at the end of a day from these, never
from the working tree or the index, which they leave untouched.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from qms.git.runner import GitError, run_git


def first_parent_on(root: Path, day: date) -> str | None:
    """The commit HEAD's first-parent line stood at at the end of `day`, or None when it began later.

    The line is walked from its first commit and stops at the first one committed after the day (by the
    committer date's own calendar day, as the commits' other dates are read): a later commit with a
    back-dated committer date cannot slip into an earlier day. A merge lands the side commits it brings
    in on the merge's day, not on theirs.
    """
    try:
        out = run_git(root, "rev-list", "--first-parent", "--reverse", "--format=%cI", "HEAD").decode()
    except GitError:
        return None  # no commit at all yet
    lines = [line for line in out.splitlines() if line]
    last = None
    for header, committed in zip(lines[::2], lines[1::2]):
        if date.fromisoformat(committed[:10]) > day:
            break
        last = header.removeprefix("commit ")
    return last


def first_commit_day(root: Path) -> str | None:
    """The day (YYYY-MM-DD) of the first commit of HEAD's first-parent line, for the message that names it."""
    try:
        out = run_git(root, "rev-list", "--first-parent", "--max-parents=0", "--format=%cI", "HEAD").decode()
    except GitError:
        return None
    days = [line[:10] for line in out.splitlines() if line and not line.startswith("commit ")]
    return min(days) if days else None


def files_at(root: Path, sha: str) -> dict[str, str]:
    """path -> blob id of every file commit `sha` holds under `root` (paths relative to it); symbolic links,
    which the working tree's walk checks before it follows them, are left out."""
    out = run_git(root, "ls-tree", "-r", "-z", sha)
    found = {}
    for entry in out.decode("utf-8", "surrogateescape").split("\x00"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and parts[0] != "120000":  # a symbolic link is not a file
            found[path] = parts[2]
    return found
