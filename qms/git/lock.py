"""Locks in the repository's git folder (`.git/qmskit/NAME`), held by one qms process at a time.

The lock is the system's (flock on POSIX, a locked byte on Windows), not the file's existence: it goes
when its holder ends, however it ends, so a killed process never leaves a lock behind. While it holds the
lock, the holder writes its process id, host and command into the file, so that a process that has waited
in vain can say who holds it.
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from qms.errors import QmsError
from qms.git.cachedir import cache_path

LOCK_WAIT = 10.0  # seconds a command waits for another to finish before it gives up


class LockHeldError(QmsError):
    """Another process held the lock for longer than we waited; nothing was done."""


@contextmanager
def repository_lock(root: Path, name: str, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold lock `name` of the repository at `root` for the block, waiting up to `wait` seconds for it.

    Outside a git repository there is nothing to serialise (and the command will refuse on its own).
    """
    path = cache_path(root, name)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockHeldError(_held_message(path, wait))
            time.sleep(0.05)
        try:
            _write_holder(fd)
            yield
        finally:
            os.ftruncate(fd, 0)  # let go: nobody holds it now
            _unlock(fd)
    finally:
        os.close(fd)


def _held_message(path: Path, wait: float) -> str:
    holder = _read_holder(path)
    pid = holder.get("pid", "")
    if not pid.isdigit():
        return (f"another process holds {path} and did not finish within {wait:.0f} seconds (it has not yet written "
                "who it is); wait for it to finish, then try again")
    where = f" on {holder['host']}" if holder.get("host") and holder["host"] != socket.gethostname() else ""
    since = f" since {holder['since']}" if holder.get("since") else ""
    command = holder.get("command") or "a qms command"
    return (f"another process holds {path}: process {pid}{where}, `{command}`{since}, and it did not finish "
            f"within {wait:.0f} seconds; wait for it to finish, then try again (only if process {pid} no longer "
            f"exists, delete {path})")


def _write_holder(fd: int) -> None:
    command = shlex.join(["qms", *sys.argv[1:]])
    since = datetime.now().astimezone().isoformat(timespec="seconds")
    text = f"pid: {os.getpid()}\nhost: {socket.gethostname()}\ncommand: {command}\nsince: {since}\n"
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode("utf-8", "replace"))


def _read_holder(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    pairs = (line.split(": ", 1) for line in text.splitlines() if ": " in line)
    return {key: value.strip() for key, value in pairs}


if sys.platform == "win32":
    import msvcrt

    _BYTE = 1 << 30  # the byte that is locked, far past the text, which others must still be able to read

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
