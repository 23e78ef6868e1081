"""Material's search index, made linear in the number of headings of a page.

For every section of a page, Material's search plugin (`create_entry_for_section`) looks the
section's heading up with `_find_toc_by_id`, which walks the page's table of contents from the
start: a page of n headings costs n^2 (20,000 headings took minutes). The same answer comes from
one walk of the table of contents per page, kept in a dict by heading id.
"""

from __future__ import annotations

from typing import Any


def index_headings_once(search_index: Any) -> None:
    """Give Material's search index (`SearchPlugin.search_index`) a `_find_toc_by_id` that walks each page's
    table of contents once.

    Left alone when there is no such method (MkDocs' own search, or a Material that changed it).
    """
    if not callable(getattr(search_index, "_find_toc_by_id", None)):
        return
    cache: dict[str, Any] = {"toc": None, "by_id": {}}

    def find_toc_by_id(toc: Any, heading_id: Any) -> Any:
        if cache["toc"] is not toc:
            cache["toc"], cache["by_id"] = toc, _by_id(toc)
        return cache["by_id"].get(heading_id)

    search_index._find_toc_by_id = find_toc_by_id


def _by_id(toc: Any) -> dict[Any, Any]:
    """Each id's first item in depth-first order, as Material's own search finds it."""
    found: dict[Any, Any] = {}
    stack = list(reversed(list(toc)))
    while stack:
        item = stack.pop()
        found.setdefault(item.id, item)
        stack.extend(reversed(list(item.children)))
    return found
