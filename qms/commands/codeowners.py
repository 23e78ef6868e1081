"""`qms codeowners`: write or compare the CODEOWNERS file that the approver roles imply."""


from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qms.errors import QmsError
from qms.git.worktree import has_uncommitted_change
from qms.publish.codeowners import DEFAULT_PATH, MARKER, is_generated, render
from qms.safewrite import write_atomically
from qms.workspace import Workspace


class CodeownersError(QmsError):
    """CODEOWNERS cannot be written: it was written by hand, or its folder is not usable."""


@dataclass
class Outcome:
    path: Path
    changed: bool
    existed: bool
    owned: bool = True  # False: no approver has a handle, so the file would own nothing and was not written


def codeowners(workspace: Workspace, output: Path | None = None, check_only: bool = False) -> Outcome:
    """Write (or with check_only, compare) CODEOWNERS; refuses to replace a file written by hand."""
    config = workspace.config
    path = output if output is not None else config.root / DEFAULT_PATH
    wanted = render(config, workspace.documents)
    current = None
    if path.is_dir():
        raise CodeownersError(f"{path} is a folder; give the CODEOWNERS file's path with --output")
    if path.exists():
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CodeownersError(f"{path} cannot be read ({exc}); move it away and run `qms codeowners` again") from None
        if not is_generated(current):
            raise CodeownersError(
                f"{path} was not written by `qms codeowners` (its first line is not '{MARKER} ...'); "
                "it was left as it is. Move your rules elsewhere or delete the file, then run `qms codeowners` again")
    if not any(line.strip() and not line.startswith("#") for line in wanted.splitlines()):
        return Outcome(path, False, current is not None, owned=False)
    changed = current != wanted
    if changed and not check_only and current is not None and has_uncommitted_change(path):
        raise CodeownersError(
            f"{path} has changes that are not committed; they were left as they are. Commit them or undo them "
            "(git restore), then run `qms codeowners` again")
    if changed and not check_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, wanted.encode("utf-8"))
        except OSError as exc:
            raise CodeownersError(f"cannot write {path}: {exc.strerror or exc}") from None
    return Outcome(path, changed, current is not None)
