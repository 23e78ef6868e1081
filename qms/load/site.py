"""What `qms check` needs to know of the site's own sources: its pages and where snippets come from.

The site's home pages (mkdocs.yml's `docs_dir`) are published as they are, and `pymdownx.snippets`
reads the files it includes from its `base_path` folders. Both decide whether an include in a page
would pull an unpublished document into the site (S003). mkdocs.yml is read with the same safe YAML
reader as front-matter, no tag run, with the files it inherits merged in as MkDocs merges them
(`mkdocs_config.py`); a file of that chain that cannot be read is a problem for S004.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qms.load.mkdocs_config import ConfigProblem, read_effective_config

SNIPPETS = "pymdownx.snippets"
# A page or snippet file larger than this is not followed for includes (it is not a page anyone writes).
MAX_SOURCE_BYTES = 5_000_000


@dataclass(frozen=True)
class SiteSources:
    docs_dir: str | None = None  # repository-relative, None without a usable mkdocs.yml
    snippet_bases: tuple[str, ...] = ()  # base_path values as written (relative to the repository root)
    auto_append: tuple[str, ...] = ()  # snippets the extension appends to every page
    pages: list[tuple[str, str]] = field(default_factory=list)  # (repository path, text) of docs_dir's pages
    snippets_on: bool = False  # pymdownx.snippets is among the Markdown extensions
    url_download: bool = False  # and fetches `--8<-- "https://..."` when it builds
    problems: tuple[ConfigProblem, ...] = ()  # mkdocs.yml, or a file it inherits, that MkDocs cannot read


def read_site_sources(root: Path) -> SiteSources:
    effective = read_effective_config(lambda path: read_source(root, path), lambda path: os.path.lexists(root / path))
    settings, problems = effective.settings, tuple(effective.problems)
    if settings is None:
        return SiteSources(problems=problems)
    options = _snippet_options(settings.get("markdown_extensions"))
    found = SiteSources(None, _snippet_bases(options), _auto_append(options), snippets_on=options is not None,
                        url_download=bool(options and options.get("url_download") is True), problems=problems)
    docs_dir = settings.get("docs_dir", "docs")
    if not isinstance(docs_dir, str) or not docs_dir:
        return found
    folder = (root / docs_dir).resolve()
    if not folder.is_dir() or root.resolve() not in folder.parents:
        return found
    pages = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".md"):
                relative = (Path(dirpath) / name).relative_to(root.resolve()).as_posix()
                text = read_source(root, relative)
                if text is not None:
                    pages.append((relative, text))
    return replace(found, docs_dir=Path(os.path.relpath(folder, root.resolve())).as_posix(), pages=pages)


def read_source(root: Path, path: str) -> str | None:
    """A repository file's text, or None: not inside the repository, not a regular file, too large, not UTF-8."""
    try:
        full = (root / path).resolve()
        if root.resolve() not in full.parents:
            return None
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must never block the check
    except (OSError, ValueError, RuntimeError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SOURCE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


def _snippet_options(extensions: Any) -> dict[str, Any] | None:
    """pymdownx.snippets' options ({} when it is on with its defaults), or None when it is off."""
    items = extensions.items() if isinstance(extensions, dict) else (
        (next(iter(e)), e[next(iter(e))]) if isinstance(e, dict) and e else (e, None)
        for e in extensions) if isinstance(extensions, list) else ()
    for name, options in items:
        if name == SNIPPETS:
            return options if isinstance(options, dict) else {}
    return None


def _snippet_bases(options: dict[str, Any] | None) -> tuple[str, ...]:
    """base_path values, as written; (".",) when the extension is on with its default; () when off."""
    if options is None:
        return ()
    base = options.get("base_path", ".")
    values = base if isinstance(base, list) else [base]
    return tuple(v for v in values if isinstance(v, str)) or (".",)


def _auto_append(options: dict[str, Any] | None) -> tuple[str, ...]:
    appended = (options or {}).get("auto_append")
    return tuple(v for v in appended if isinstance(v, str)) if isinstance(appended, list) else ()
