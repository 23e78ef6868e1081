"""Change one front-matter value in place, keeping every other byte of the file.

Used by `qms approve`: comments, key order, quoting of other keys, a BOM and
CRLF line ends all stay as they were.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

BOM = b"\xef\xbb\xbf"


class EditError(ValueError):
    pass


def set_keys(raw: bytes, values: dict[str, str], insert_after: str) -> bytes:
    """`raw` with each top-level key in `values` set; missing keys go after `insert_after`."""
    bom = raw.startswith(BOM)
    text = raw[len(BOM):].decode("utf-8") if bom else raw.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise EditError("the file has no front-matter")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise EditError("the front-matter is never closed")
    for key, value in values.items():
        pattern = re.compile(rf"^{re.escape(key)}:[ \t]*(?P<value>[^#\r\n]*?)(?P<rest>[ \t]+#[^\r\n]*)?(?P<eol>\r?\n?)$")
        index = next((i for i in range(1, end) if pattern.match(lines[i])), None)
        if index is not None:
            match = pattern.match(lines[index])
            assert match is not None
            lines[index] = f"{key}: {value}{match['rest'] or ''}{match['eol']}"
            continue
        anchor = next((i for i in range(1, end) if lines[i].startswith(f"{insert_after}:")), end - 1)
        eol = "\r\n" if lines[anchor].endswith("\r\n") else "\n"
        lines.insert(anchor + 1, f"{key}: {value}{eol}")
        end += 1
    out = "".join(lines).encode("utf-8")
    return BOM + out if bom else out


def write_atomically(path: Path, data: bytes) -> None:
    """A temporary file, then a rename: `path` holds either its old bytes or all of `data`, never half.

    Inside a git work tree the temporary file is made in the git folder, so a writer killed
    half-way leaves nothing `git status` would show; the next write removes what it left.
    """
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    folder = _temp_folder(path.parent)
    _remove_leftovers(folder)
    handle, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        _test_pause("before-rename", path)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _test_pause("after-rename", path)


TEMP_PREFIX = ".qms-write-"


def _temp_folder(folder: Path) -> Path:
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


def _remove_leftovers(folder: Path) -> None:
    """Temporary files of writers that were killed: their process is gone."""
    for leftover in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        pid = leftover.name[len(TEMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _test_pause(point: str, path: Path) -> None:
    """For the test suite only: QMS_TEST_WRITE_PAUSE=before-rename|after-rename stops here, so a test can kill us."""
    if os.environ.get("QMS_TEST_WRITE_PAUSE") == point:
        sys.stderr.write(f"qms: test pause {point} {path.name}\n")
        sys.stderr.flush()
        time.sleep(600)
