"""Guides published beside the controlled documents, under a "How we work" section of the site.

The plugin option `guides: docs/guides` names a folder of plain Markdown pages
(how to write, approve, find and audit documents). They are help, not
controlled documents: they carry no front-matter and are not checked as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qms.errors import UsageError

SECTION = {"en": "How we work", "zh": "工作指南"}
HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


@dataclass(frozen=True)
class Guide:
    src_dir: Path  # the folder that holds the guides folder
    src_uri: str  # e.g. guides/approvers.md, which is also its place in the site
    title: str


def find_guides(root: Path, folder: str) -> list[Guide]:
    """Every Markdown page in `folder` (relative to the repository root), sorted by path, titled by its first heading."""
    base = (root / folder).resolve()
    if not base.is_dir():
        raise UsageError(f"mkdocs.yml: the qms plugin's guides option names {folder}, which is not a folder in {root}; "
                         "create it or correct the option")
    guides = []
    for path in sorted(base.rglob("*.md")):
        text = path.read_text(encoding="utf-8-sig")
        found = HEADING.search(text)
        uri = f"{base.name}/{path.relative_to(base).as_posix()}"
        guides.append(Guide(base.parent, uri, found.group(1) if found else path.stem.replace("-", " ").capitalize()))
    return guides


def section_title(language: str) -> str:
    return SECTION["zh" if language.lower().startswith("zh") else "en"]
