"""The files kept in the `assets/` folders of the document folders, which the document walk leaves out."""

from __future__ import annotations

import os
from pathlib import Path

from qms.load.config import Config

ASSET_FOLDER = "assets"


def asset_files(config: Config) -> list[str]:
    """Repository-relative paths of every file under an `assets/` folder inside a document folder."""
    root = config.root
    found: list[str] = []
    for folder in config.folders():
        for here, folders, names in os.walk(root / folder):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            rel = Path(here).relative_to(root).as_posix()
            if ASSET_FOLDER in rel.split("/"):
                found.extend(f"{rel}/{name}" for name in sorted(names) if not name.startswith("."))
    return found
