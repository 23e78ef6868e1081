"""Write files and folders so that a command killed half-way leaves each one whole: old, or new, never half.

Every writer makes a temporary file (or builds a folder aside) and renames it into
place. Inside a git work tree the temporary file or folder lives in the git folder,
where `git status` never shows it; elsewhere it sits beside its target under a
dot-name. Either way it is named `.qms-write-PID-*.tmp`, and the next write in that
folder removes what a killed writer left.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".qms-write-"


class TargetExistsError(FileExistsError):
    """A file appeared where a new one was to go; it was left as it is."""


def within(folder: Path, path: Path) -> bool:
    """True when `path` stays in `folder` once both are resolved: `..` and symbolic links followed.

    For paths built from an id or a title, which can hold `../` when a type's id pattern allows it.
    """
    try:
        inside, where = folder.resolve(), path.resolve()
    except (OSError, RuntimeError, ValueError):  # a link that loops, a NUL byte: not a path to write to
        return False
    return where == inside or inside in where.parents


def write_atomically(path: Path, data: bytes) -> None:
    """A temporary file, then a rename: `path` holds either its old bytes or all of `data`, never half."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    temp = _temp_file(path, data, mode)
    try:
        _test_pause("before-rename", path)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _test_pause("after-rename", path)


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet: a temporary file, then a hard link, which never replaces one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_file(path, data, 0o644)
    try:
        _test_pause("before-rename", path)
        try:
            os.link(temp, path)
        except FileExistsError:
            raise TargetExistsError(f"{path} appeared while writing; it was left as it is") from None
        except OSError:  # a file system without hard links: check, then rename
            if path.exists():
                raise TargetExistsError(f"{path} appeared while writing; it was left as it is") from None
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _test_pause("after-rename", path)


@contextmanager
def folder_aside(target: Path) -> Iterator[Path]:
    """A private, empty folder on the same file system as `target`, removed afterwards unless it was moved."""
    folder = temp_folder(target.parent)
    remove_leftovers(folder)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; what is built there is for everyone who may read the target
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def move_into_place(staging: Path, target: Path) -> None:
    """Rename the folder built aside to `target`, which must be missing or empty: one step, all or nothing."""
    _test_pause("before-rename", target)
    os.rename(staging, target)  # replaces an empty folder, refuses one that is not empty
    _test_pause("after-rename", target)


def swap_into_place(staging: Path, target: Path) -> None:
    """Put the folder built aside at `target`, whole, in one step, even when `target` is a folder full of files.

    Where the system can exchange two names at once (Linux's renameat2 with RENAME_EXCHANGE), the old folder
    and the new one trade places: `target` is the old folder, then the new one, and never missing or half of
    either. The old folder is left at `staging`, for the caller to remove. Elsewhere the old folder is
    renamed aside and the new one into place, with the signals a user can send held back in between.
    """
    _test_pause("before-rename", target)
    if not os.path.lexists(target):
        os.rename(staging, target)
    elif not _exchange(staging, target):
        old = staging.with_name(staging.name.removesuffix(".tmp") + "-old.tmp")
        with _signals_held():
            os.rename(target, old)
            os.rename(staging, target)
            os.rename(old, staging)
    _test_pause("after-rename", target)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two names in one step; False where the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a kernel or file system without the exchange
        return False
    raise OSError(error, os.strerror(error), str(second))


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back Ctrl-C, SIGTERM and SIGHUP for a few renames (SIGKILL cannot be held)."""
    held = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def move_beside(staging: Path, target: Path) -> list[str]:
    """Move what was built aside into a folder that already holds files, entry by entry, never over one.

    Each entry that is new at the top moves in one rename; folders that exist on both sides are merged.
    Returns the entries moved, relative to `target`.
    """
    _test_pause("before-rename", target)
    moved = _merge(staging, target, Path())
    _test_pause("after-rename", target)
    return moved


def _merge(source: Path, target: Path, rel: Path) -> list[str]:
    moved = []
    for entry in sorted(source.iterdir()):
        dest = target / entry.name
        if dest.is_dir() and entry.is_dir() and not dest.is_symlink():
            moved += _merge(entry, dest, rel / entry.name)
        elif os.path.lexists(dest):
            raise TargetExistsError(f"{dest} appeared while writing; it was left as it is")
        else:
            os.rename(entry, dest)
            moved.append((rel / entry.name).as_posix())
    return moved


def temp_folder(folder: Path) -> Path:
    """The git folder of the work tree holding `folder` when on the same file system, else `folder`."""
    for parent in (folder, *folder.parents):
        dot_git = parent / ".git"
        if dot_git.is_dir():
            git_dir = dot_git
        elif dot_git.is_file():  # a linked work tree or submodule: "gitdir: PATH"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return folder
            git_dir = (parent / text[len("gitdir:"):].strip()).resolve()
        else:
            continue
        try:
            same_device = git_dir.is_dir() and os.stat(git_dir).st_dev == os.stat(folder).st_dev
        except OSError:
            same_device = False
        return git_dir if same_device else folder
    return folder


def remove_leftovers(folder: Path) -> None:
    """Temporary files and folders of writers that were killed: their process is gone."""
    for leftover in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        pid = leftover.name[len(TEMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _temp_file(path: Path, data: bytes, mode: int) -> Path:
    folder = temp_folder(path.parent)
    remove_leftovers(folder)
    handle, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _test_pause(point: str, path: Path) -> None:
    """For the test suite only: QMS_TEST_WRITE_PAUSE=before-rename|after-rename stops here, so a test can kill
    us (SIGKILL), or do something while we wait and then let us go on (SIGUSR1)."""
    if os.environ.get("QMS_TEST_WRITE_PAUSE") != point:
        return
    resumable = hasattr(signal, "SIGUSR1") and hasattr(signal, "sigtimedwait")
    if resumable:  # held back before we say we are waiting, so a prompt SIGUSR1 is never lost
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    sys.stderr.write(f"qms: test pause {point} {path.name}\n")
    sys.stderr.flush()
    if resumable:
        signal.sigtimedwait({signal.SIGUSR1}, 600)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
    else:
        time.sleep(600)
