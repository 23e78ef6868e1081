"""A document's history from before it carried front-matter: the paths its file had, anywhere in the
repository, and who wrote its text.

`git log --follow` walks a file back across renames from wherever it came. The one log pass lists every
change with rename detection, so the same walk costs one loop over the commits: no git process per file.
"""

from __future__ import annotations

from collections.abc import Callable

from qms.git.commits import Commit


def renamed_from(commits: list[Commit], is_doc: Callable[[str], bool]) -> set[str]:
    """Every path a document file was renamed from, however far back and from whatever folder (and the paths
    those came from): `git mv old/sop.md procedures/` must not cut the history at the move."""
    followed: set[str] = set()
    for commit in reversed(commits):  # newest first: a rename's target is known before its source is met
        for change in commit.changes:
            if change.status == "R" and change.old_path and (change.path in followed or is_doc(change.path)):
                followed.add(change.old_path)
    return followed
