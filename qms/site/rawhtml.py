"""Raw HTML in a page (`<img src>`, `<a href>`, `<object data>`, `<source src>`, `<video>`) pointed at the published file.

MkDocs rewrites the links of Markdown itself to the URL of the file or page they name, but not those of raw
HTML, which it passes through as written: with directory URLs, `<img src="assets/flow.png">` in
`procedures/qp-01.md` would be looked for under `procedures/qp-01/assets/`. Each such value that names a file
the site publishes (an attachment, or a page) becomes that file's URL relative to the page, as MkDocs makes it
for `![](assets/flow.png)`. A value that names nothing published is left as written (`qms check` reports it).
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import unquote

from qms.text.body import replace_html_links
from qms.text.linkpath import resolve_link


def point_raw_html(markdown: str, page: Any, files: Any) -> str:
    source = page.file.src_uri

    def published_url(value: str) -> str | None:
        cut = min((i for i in (value.find("#"), value.find("?")) if i >= 0), default=len(value))
        path = resolve_link(source, unquote(value[:cut]))
        target = files.get_file_from_path(path) if path else None
        if target is None:
            return None
        return escape(target.url_relative_to(page.file) + value[cut:])

    return replace_html_links(markdown, published_url)
