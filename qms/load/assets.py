"""The files kept in the `assets/` folders beside the documents, which the document walk leaves out."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from pathlib import Path

from qms.load.config import Config

ASSET_FOLDER = "assets"


def asset_files(config: Config, document_paths: Iterable[str]) -> list[str]:
    """Repository-relative paths of every file under an `assets/` folder in a folder that holds documents.

    Only beside documents: where a type keeps its documents at the top of the repository, a built site's
    own `site/assets/` is no attachment."""
    root = config.root
    found: list[str] = []
    for folder in sorted({posixpath.dirname(path) for path in document_paths}):
        top = root / folder / ASSET_FOLDER
        if not top.is_dir() or top.is_symlink():
            continue
        for here, folders, names in os.walk(top):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            rel = Path(here).relative_to(root).as_posix()
            found.extend(f"{rel}/{name}" for name in sorted(names) if not name.startswith("."))
    return found
