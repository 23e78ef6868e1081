"""Make a commit for a qms command (an approval, a review), and say plainly when a git hook refused it.

Git prints nothing of its own when a pre-commit or commit-msg hook refuses a
commit: it exits 1 after the hook's output. Which hook ran and how it ended is
read from git's trace2 event stream (one JSON object a line), so a refusal by a
hook is told apart from git's own failures without guessing from the text.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from qms.git.runner import GitError, git_failure, git_process, run_git


class HookRefusedError(GitError):
    """A git hook (pre-commit, commit-msg, ...) exited non-zero, so git made no commit."""

    def __init__(self, hook: str, output: str) -> None:
        self.hook = hook
        self.output = output
        super().__init__(f"the {hook} hook refused the commit")


def commit(root: Path, message: str, paths: list[str] | None = None, sign: bool = False) -> str:
    """Commit `paths` (none: an empty commit of what is staged, usually nothing) with `message`; the new id.

    Hooks run as they do for any commit: qmskit never skips them. A GitLockedError or GitError says why
    git refused; a HookRefusedError names the hook and carries all it printed.
    """
    # The hook inherits git's environment, whose GIT_GRAFT_FILE (see runner) would make its own git calls
    # print advice about grafts into what it says; -c settings reach the hook's git calls too.
    args = ["-c", "advice.graftFileDeprecated=false", "commit", "--quiet", "--allow-empty", *(["-S"] if sign else []), "-m", message]
    if paths:
        args += ["--", *paths]
    with tempfile.TemporaryDirectory(prefix="qms-commit-") as folder:
        trace = Path(folder) / "trace2.json"
        proc = git_process(root, *args, env={"GIT_TRACE2_EVENT": str(trace)})
        if proc.returncode != 0:
            hook = _refusing_hook(trace)
            output = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()
            if hook is not None:
                raise HookRefusedError(hook, output)
            raise git_failure("commit", proc.stderr)
    return run_git(root, "rev-parse", "HEAD").decode().strip()


def _refusing_hook(trace: Path) -> str | None:
    """The name of the hook the commit itself ran that exited non-zero, from git's trace2 events.

    Processes the hook starts (pre-commit's own git calls) write to the same file; their session ids
    are the commit's with "/..." added, so only the commit's own events (a sid without "/") count.
    """
    try:
        lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    hooks: dict[object, str] = {}
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict) or "/" in str(event.get("sid", "/")):
            continue
        if event.get("event") == "child_start" and event.get("child_class") == "hook":
            hooks[event.get("child_id")] = str(event.get("hook_name") or os.path.basename(str(event.get("argv", [""])[0])))
        elif event.get("event") == "child_exit" and event.get("child_id") in hooks and event.get("code") != 0:
            return hooks[event.get("child_id")]
    return None
