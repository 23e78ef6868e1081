"""Links on the pages the plugin generates, written as HTML anchors with the URLs MkDocs would give them.

The coverage page and the roles matrix put every document a clause or a role names into one table
cell. Python-Markdown 3.11.4 rescans a cell's whole text for bracket pairs after each link it reads,
so a cell of n Markdown links costs time that grows with n squared: at 300 documents these two pages
took as long to render as all the others together. An anchor written here is raw HTML, which
Python-Markdown passes through, and the HTML is the same byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mkdocs.structure.files import File, Files

from qms.text.mdtext import cell, link


def html_anchors(files: Files, page: File) -> Callable[[object, str], str]:
    """(text, path of a published file) -> `<a href="URL">text</a>`, the URL relative to `page` as MkDocs makes
    it for a page at the root of the site (the generated pages are).

    A file MkDocs does not publish (missing, or excluded such as a draft in a build) keeps its Markdown link,
    so that MkDocs says what it says of such a link."""

    def anchor(text: object, path: str) -> str:
        target = files.get_file_from_path(path)
        if target is None or target.inclusion.is_excluded():
            return link(text, path)
        return f'<a href="{_attribute(target.url_relative_to(page))}">{cell(text)}</a>'

    return anchor


# An `&` that does not start a character reference, as Python-Markdown's serializer finds it.
_BARE_AMPERSAND = re.compile(r"&(?!(?:\#[0-9]+|\#x[0-9a-f]+|[0-9a-z]+);)", re.I)


def _attribute(value: str) -> str:
    """An attribute value escaped as Python-Markdown's serializer escapes an href."""
    value = _BARE_AMPERSAND.sub("&amp;", value)
    return value.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
