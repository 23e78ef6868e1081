"""The build's side of S003 and S005: includes that reach an unpublished document, and snippets from web
addresses qms.yml does not allow, are left out of the page (so the build never downloads them).

Run on each page's Markdown before Markdown (and so pymdownx.snippets, a preprocessor) reads it, so a
restricted document's text never reaches the built page or the search index, whatever `qms check` said.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qms.load.site import SNIPPETS, read_source
from qms.model import Document
from qms.publish import includes


class IncludeGuard:
    def __init__(self, root: Path, published: Iterable[str], documents: Iterable[Document], note: str,
                 allowed_urls: Iterable[str] = (), web_note: str | None = None) -> None:
        """`published`: the paths of the documents this build publishes; every other one of `documents` (the
        committed set and the working tree's: pymdownx.snippets reads files from the working tree) is left out.
        `allowed_urls`: the web addresses (prefixes) snippets may come from, qms.yml's `site.snippet_urls`."""
        self.root = root.resolve()
        self.allowed_urls = tuple(allowed_urls)
        self.web_note = web_note
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
        snippets_on = SNIPPETS in (config.markdown_extensions or [])
        return includes.without_unpublished(markdown, path, self.unpublished, self._bases(config),
                                            lambda p: read_source(self.root, p), self.note,
                                            self.allowed_urls if snippets_on else None, self.web_note)

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
        paths = [a for a in appended if isinstance(a, str)]
        bases = self._bases(config)

        def read(path: str) -> str | None:
            return read_source(self.root, path)

        dropped = {hit.include.target for hit in includes.appended_reaching(paths, self.unpublished, bases, read)}
        dropped |= {hit.include.target for hit in includes.appended_fetching(paths, bases, read, self.allowed_urls)}
        options["auto_append"] = [a for a in appended if a not in dropped]
