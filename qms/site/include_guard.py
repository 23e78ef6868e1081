"""The build's side of S003: includes that reach an unpublished document are left out of the page.

Run on each page's Markdown before Markdown (and so pymdownx.snippets, a preprocessor) reads it, so a
restricted document's text never reaches the built page or the search index, whatever `qms check` said.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qms.load.site import read_source
from qms.model import Document
from qms.publish import includes


class IncludeGuard:
    def __init__(self, root: Path, published: Iterable[str], documents: Iterable[Document], note: str) -> None:
        """`published`: the paths of the documents this build publishes; every other one of `documents` (the
        committed set and the working tree's: pymdownx.snippets reads files from the working tree) is left out."""
        self.root = root.resolve()
        shown = set(published)
        self.unpublished = includes.Unpublished(doc for doc in documents if doc.path not in shown)
        self.note = note
        self.settled = False

    def page(self, markdown: str, page: Any, config: Any) -> str:
        if not self.settled:
            self._leave_out_of_auto_append(config)
        try:
            path = Path(page.file.abs_src_path).resolve().relative_to(self.root).as_posix()
        except (TypeError, ValueError):  # a generated page, or one from outside the repository
            path = page.file.src_uri
        return includes.without_unpublished(markdown, path, self.unpublished, self._bases(config),
                                            lambda p: read_source(self.root, p), self.note)

    def _bases(self, config: Any) -> list[str]:
        options = config.mdx_configs.get("pymdownx.snippets") or {}
        base = options.get("base_path", ["."])
        # pymdownx.snippets takes relative base paths from the folder MkDocs runs in, as os.path.abspath does.
        return includes.snippet_bases(str(self.root), [os.path.abspath(b) for b in (base if isinstance(base, list)
                                                                                    else [base])])

    def _leave_out_of_auto_append(self, config: Any) -> None:
        """Snippets appended to every page are settled once, before the first page's Markdown is made."""
        self.settled = True
        options = config.mdx_configs.get("pymdownx.snippets")
        appended = options.get("auto_append") if isinstance(options, dict) else None
        if not isinstance(appended, list) or not appended:
            return
        hits = includes.appended_reaching([a for a in appended if isinstance(a, str)], self.unpublished,
                                          self._bases(config), lambda p: read_source(self.root, p))
        dropped = {hit.include.target for hit in hits}
        options["auto_append"] = [a for a in appended if a not in dropped]
