"""The one door to git: every git process qmskit starts is started here, with one environment and one translation of git's errors.

Git is read as stored, not as configured: replace objects and grafts, which
let anyone with write access to `.git` show other commits, authors or content
under the same ids, are turned off, and the settings that change what the
parsed commands print are pinned, whatever the user's own git config says.
"""


from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from qms.errors import QmsError


class GitError(QmsError):
    """Git could not give the history a command needs."""


class NotAGitRepositoryError(GitError):
    pass


class ShallowCloneError(GitError):
    pass


class NoCommitsError(GitError):
    pass


class UnknownRevisionError(GitError):
    pass


class GitLockedError(GitError):
    """Another git process holds a lock file git needs (index.lock, a branch's lock)."""


PATHS_PER_CALL = 500  # paths per git command line

# Settings a user may have that would change what qmskit parses: signatures printed into `git log`
# (log.showSignature), the root commit's files left out (log.showRoot), colour codes, another encoding.
PINNED_SETTINGS = ("log.showSignature=false", "log.showRoot=true", "color.ui=never", "i18n.logOutputEncoding=UTF-8",
                   "log.follow=false", "core.quotePath=true")


def git_command(*args: str) -> list[str]:
    """The argv of a git process, with replace objects off and the parsed settings pinned."""
    pinned = [part for setting in PINNED_SETTINGS for part in ("-c", setting)]
    return ["git", "--no-replace-objects", *pinned, *args]


def git_environment(env: Mapping[str, str] | None = None, base_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a git process: never a prompt, C messages, no grafts, no replace objects."""
    return {**(os.environ if base_env is None else base_env), "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C",
            "GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": os.devnull, **(env or {})}


def git_process(root: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None,
                base_env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run git in `root` and return what it did, whatever its exit code: for callers that translate
    git's refusals themselves. Every git process qmskit starts is started here.

    `env` adds variables to `base_env` (default: this process's environment)."""
    try:
        return subprocess.run(git_command(*args), cwd=root, input=stdin, capture_output=True,
                              env=git_environment(env, base_env))
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH; install git to read the QMS history") from None


def run_git(root: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None) -> bytes:
    """git's output; a GitError with git's last line of complaint when it fails."""
    proc = git_process(root, *args, stdin=stdin, env=env)
    if proc.returncode != 0:
        raise git_failure(args[0], proc.stderr)
    return proc.stdout


def git_failure(command: str, stderr: bytes) -> GitError:
    """The error for a git command that failed: its last line of complaint, or who holds the lock it needed."""
    text = stderr.decode("utf-8", "replace")
    held = _LOCK_HELD.search(text)
    if held is not None:
        return GitLockedError(_lock_held_message(command, held["path"]))
    message = text.strip().splitlines()
    return GitError(f"git {command} failed: {message[-1] if message else 'no message'}")


# git's words when a lock file it needs (the index's, a branch's) is there: the file it names ends in .lock.
_LOCK_HELD = re.compile(r"Unable to create '(?P<path>[^'\n]+\.lock)': File exists")


def _lock_held_message(command: str, path: str) -> str:
    """Instead of git's closing "remove the file manually", which invites deleting a live process's lock."""
    return (f"git {command} failed: another git process is running in this repository and holds its lock file "
            f"{path}; wait for it to finish (an editor left open by `git commit`, a merge, a GUI or an IDE), then "
            "try again. The file goes when that process ends; only if no git process is running here any more "
            "did one crash and leave it, and only then may it be deleted")


def ensure_full_history(root: Path) -> None:
    """Stop clearly when history is missing or partial, instead of printing half of it."""
    try:
        inside = run_git(root, "rev-parse", "--is-inside-work-tree").strip()
    except GitError:
        inside = b""
    if inside != b"true":
        raise NotAGitRepositoryError(
            f"{root} is not inside a git repository, so there is no revision history to read; "
            "run `git init` and commit the documents first"
        )
    if run_git(root, "rev-parse", "--is-shallow-repository").strip() == b"true":
        raise ShallowCloneError(
            "this is a shallow clone, so the revision history is incomplete. Fetch the whole history "
            "with `git fetch --unshallow` (in GitHub Actions: actions/checkout with fetch-depth: 0)"
        )
    try:
        run_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        raise NoCommitsError(
            "the repository has no commits yet, so there is no history; commit the documents first"
        ) from None


def resolve_commit(root: Path, rev: str) -> str:
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise UnknownRevisionError(
            f"'{rev}' is not a commit, branch or tag in this repository "
            "(in CI, fetch the base branch and full history first)"
        ) from None
