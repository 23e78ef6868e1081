"""What `qms check` needs to know of the site's own sources: its pages and where snippets come from.

The site's home pages (mkdocs.yml's `docs_dir`) are published as they are, and `pymdownx.snippets`
reads the files it includes from its `base_path` folders. Both decide whether an include in a page
would pull an unpublished document into the site (S003). mkdocs.yml is read with the same safe YAML
reader as front-matter: no tag is run. `INHERIT` is not followed; the plugin, which sees the whole
configuration, judges the build itself.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qms.text.yamlsafe import parse_yaml

SNIPPETS = "pymdownx.snippets"
# A page or snippet file larger than this is not followed for includes (it is not a page anyone writes).
MAX_SOURCE_BYTES = 5_000_000


@dataclass(frozen=True)
class SiteSources:
    docs_dir: str | None = None  # repository-relative, None without a usable mkdocs.yml
    snippet_bases: tuple[str, ...] = ()  # base_path values as written (relative to the repository root)
    pages: list[tuple[str, str]] = field(default_factory=list)  # (repository path, text) of docs_dir's pages


def read_site_sources(root: Path) -> SiteSources:
    settings = _mkdocs_settings(root)
    if settings is None:
        return SiteSources()
    docs_dir = settings.get("docs_dir", "docs")
    bases = _snippet_bases(settings.get("markdown_extensions"))
    if not isinstance(docs_dir, str) or not docs_dir:
        return SiteSources(None, bases)
    folder = (root / docs_dir).resolve()
    if not folder.is_dir() or root.resolve() not in folder.parents:
        return SiteSources(None, bases)
    pages = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".md"):
                relative = (Path(dirpath) / name).relative_to(root.resolve()).as_posix()
                text = read_source(root, relative)
                if text is not None:
                    pages.append((relative, text))
    return SiteSources(Path(os.path.relpath(folder, root.resolve())).as_posix(), bases, pages)


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


def _mkdocs_settings(root: Path) -> dict[str, Any] | None:
    text = read_source(root, "mkdocs.yml")
    if text is None:
        return None
    parsed = parse_yaml(text)
    return parsed.value if not parsed.problems and isinstance(parsed.value, dict) else None


def _snippet_bases(extensions: Any) -> tuple[str, ...]:
    """pymdownx.snippets' base_path values, as written; ("." ,) when it is on with its default; () when off."""
    items = extensions.items() if isinstance(extensions, dict) else (
        (next(iter(e)), e[next(iter(e))]) if isinstance(e, dict) and e else (e, None)
        for e in extensions) if isinstance(extensions, list) else ()
    for name, options in items:
        if name != SNIPPETS:
            continue
        base = options.get("base_path", ".") if isinstance(options, dict) else "."
        values = base if isinstance(base, list) else [base]
        return tuple(v for v in values if isinstance(v, str)) or (".",)
    return ()
