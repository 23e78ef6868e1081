"""`qms build` (and the MkDocs command line of `qms serve`): publish the site, whole or not at all.

MkDocs writes the site page by page into the folder it is given, after emptying it, so a build that is
killed or fails half-way would leave half a site. Here MkDocs builds into a temporary folder on the same
file system (in the git folder inside a work tree, where `git status` never shows it), and only when it
succeeds is the new site swapped in for the old one in one step (qms/safewrite.py). A killed or failed
build leaves the old site as it was; the next build removes the temporary folder it left.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from qms import extras
from qms.errors import QmsError, UsageError
from qms.safewrite import folder_aside, swap_into_place
from qms.text.yamlsafe import parse_yaml

_TEXT = "tag:yaml.org,2002:str"


class BuildFailedError(QmsError):
    """MkDocs did not build the site; the old one was left as it was."""


def mkdocs_command(root: Path, *args: str, audit: bool = False, public: bool = False,
                   as_of: date | None = None) -> tuple[list[str], dict[str, str]]:
    """The MkDocs command line and environment for the repository's mkdocs.yml.

    MissingExtraError when MkDocs or Material is not installed (the base install has neither: `qmskit[site]`).
    """
    extras.require("site", f"qms {args[0] if args else 'build'}", ("mkdocs", "material", "pymdownx", "markdown_callouts"))
    if not (root / "mkdocs.yml").is_file():
        raise UsageError(f"{root} has no mkdocs.yml; add one with the qms plugin (the README shows how)")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **({"QMS_AUDIT": "1"} if audit else {}),
           **({"QMS_PUBLIC": "1"} if public else {})}
    if as_of is not None:  # the plugin publishes the revisions in force on this day
        env["QMS_AS_OF"] = as_of.isoformat()
    return [sys.executable, "-m", "mkdocs", *args, "-f", str(root / "mkdocs.yml")], env


def build_site(root: Path, site_dir: Path | None = None, audit: bool = False, public: bool = False,
               as_of: date | None = None, strict: bool = False,
               on_warning: Callable[[str], None] | None = None) -> Path:
    """Build the site with MkDocs and put it in place whole; returns where it is.

    `site_dir` is --site-dir (default: mkdocs.yml's site_dir, or site/); `public` publishes only documents
    classified public. Each warning or error MkDocs logs is given to `on_warning` (its progress is not);
    with `strict`, a warning fails the build, as `mkdocs build --strict` does. Raises BuildFailedError when
    MkDocs fails, leaving the old site as it was.
    """
    argv, env = mkdocs_command(root, "build", *(["--strict"] if strict else []), audit=audit, public=public,
                               as_of=as_of)
    target = _target(root, site_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    with folder_aside(target) as staging:
        code, said = _run([*argv, "--site-dir", str(staging)], root, env)
        warnings = mkdocs_warnings(said)
        for warning in warnings:
            if on_warning is not None:
                on_warning(warning)
        if code != 0 and strict and warnings:
            raise BuildFailedError(f"MkDocs reported {len(warnings)} warning{'s' if len(warnings) != 1 else ''} "
                                   f"(above), and --strict stops on any; {target} was left as it was")
        if code != 0:
            raise BuildFailedError(f"MkDocs could not build the site (exit code {code}); {target} was left as it was")
        _keep_hidden_entries(target, staging)
        swap_into_place(staging, target)  # the old site is now at `staging`, which folder_aside removes
    return target


# MkDocs' log lines: "WARNING -  Doc file 'x.md' contains a link ...", continued on indented lines.
_LOG_RECORD = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+-\s+")
# Its closing line in strict mode repeats what the warnings above say.
_STRICT_SUMMARY = re.compile(r"^Aborted with \d+ warnings? in strict mode!?$")


def mkdocs_warnings(said: str) -> list[str]:
    """The warnings and errors in what MkDocs wrote, each with its continuation lines; not its progress (INFO).

    Text that is no log record (a traceback, a message of a plugin printed directly) is kept too."""
    records: list[tuple[str, list[str]]] = []
    for line in said.splitlines():
        record = _LOG_RECORD.match(line)
        if record is not None:
            records.append((record.group(1), [line[record.end():]]))
        elif line.strip() and not _STRICT_SUMMARY.match(line.strip()):
            if records and line[:1].isspace():
                records[-1][1].append(line.strip())
            else:
                records.append(("ERROR", [line]))
    return ["\n".join(lines) for level, lines in records if level not in ("DEBUG", "INFO")]


def _run(argv: list[str], root: Path, env: dict[str, str]) -> tuple[int, str]:
    """MkDocs' exit code and what it logged. On Linux MkDocs is stopped when we are, so a killed build leaves
    nothing running."""
    if not sys.platform.startswith("linux"):
        proc = subprocess.run(argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return proc.returncode, proc.stdout.decode("utf-8", "replace")
    import ctypes
    import signal

    prctl = ctypes.CDLL(None).prctl
    parent = os.getpid()

    def die_with_parent() -> None:  # runs in the child, between fork and exec
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # we were killed before it took effect
            os._exit(1)

    proc = subprocess.run(argv, cwd=root, env=env, preexec_fn=die_with_parent, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def _target(root: Path, site_dir: Path | None) -> Path:
    """Where the site goes, with symbolic links followed (a linked site folder is replaced where it really is)."""
    config = root / "mkdocs.yml"
    target = site_dir.resolve() if site_dir is not None else (root / _setting(config, "site_dir", "site")).resolve()
    docs = (root / _setting(config, "docs_dir", "docs")).resolve()
    if target == root.resolve() or target in root.resolve().parents:
        raise UsageError(f"the site folder {target} would hold the whole repository; choose a folder of its own "
                         "(site_dir in mkdocs.yml, or --site-dir)")
    if target == docs or target in docs.parents or docs in target.parents:
        raise UsageError(f"the site folder {target} and the docs_dir {docs} overlap; choose a folder of its own "
                         "(site_dir in mkdocs.yml, or --site-dir)")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder; the site needs a folder of its own")
    return target


def _setting(config: Path, key: str, default: str, depth: int = 0) -> str:
    """A path setting of mkdocs.yml as MkDocs reads it: INHERIT followed, !ENV resolved, relative to the root.

    When mkdocs.yml cannot be read, the default is returned and MkDocs reports the problem itself.
    """
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return default
    if parse_yaml(text).problems:  # broken, too deep or a bomb: MkDocs will say so; nothing is composed here
        return default
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes only: no tag of the file is ever run
    except (yaml.YAMLError, RecursionError):
        return default
    if not isinstance(node, yaml.MappingNode):
        return default
    values = {key_node.value: value_node for key_node, value_node in node.value if isinstance(key_node, yaml.ScalarNode)}
    if key in values:
        value = _value(values[key])
        if not isinstance(value, str) or not value:
            raise UsageError(f"{config.name}: {key} is not a path qms build can follow; write it as a plain path"
                             f"{' or use --site-dir' if key == 'site_dir' else ''}")
        return value
    parent = values.get("INHERIT")
    if parent is not None and depth < 10:
        inherited = _value(parent)
        if isinstance(inherited, str) and inherited:
            return _setting(config.parent / inherited, key, default, depth + 1)
    return default


def _value(node: yaml.Node) -> Any:
    """A text scalar, or an `!ENV` tag as MkDocs resolves it (the first variable set, else the last item); None
    for anything else."""
    if node.tag != "!ENV":
        return node.value if isinstance(node, yaml.ScalarNode) and node.tag == _TEXT else None
    items = [node] if isinstance(node, yaml.ScalarNode) else list(node.value) if isinstance(node, yaml.SequenceNode) else []
    for index, item in enumerate(items):
        if not isinstance(item, yaml.ScalarNode):
            return None
        if index and index == len(items) - 1:
            return item.value if item.tag == _TEXT else None  # the default, when no variable is set
        if item.value in os.environ:
            return os.environ[item.value]
    return None


def _keep_hidden_entries(old: Path, new: Path) -> None:
    """MkDocs never removes a site folder's hidden files (a .nojekyll, a checked-out .git): carry them over.

    Hard links where the file system has them, copies elsewhere; the old site is left untouched either way.
    """
    if not old.is_dir():
        return
    for entry in old.iterdir():
        if not entry.name.startswith(".") or os.path.lexists(new / entry.name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(new / entry.name))


def _link_or_copy(source: str, destination: str) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), destination)
        return
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
