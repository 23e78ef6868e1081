"""resolve_link's short cut for a plain file name beside a document gives what normpath gives, always."""

from __future__ import annotations

import posixpath
import random

from qms.text.linkpath import resolve_link


def _by_normpath(doc_path: str, target: str) -> str | None:
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), target))
    return None if joined == ".." or joined.startswith("../") or joined.startswith("/") else joined


def test_a_link_resolves_as_normpath_resolves_it_however_awkward_the_paths() -> None:
    parts = ["records", "rec.md", "..", ".", "", "x y", "/", ".hidden", "t.csv", "//", "~", "a\\b"]
    rng = random.Random(18)
    for _ in range(50_000):
        doc = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))
        target = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 3)))
        assert resolve_link(doc, target) == _by_normpath(doc, target), (doc, target)


def test_plain_names_beside_a_document_and_links_that_leave_the_repository() -> None:
    assert resolve_link("records/2026/rec-1.md", "rec-1.csv") == "records/2026/rec-1.csv"
    assert resolve_link("index.md", "a.pdf") == "a.pdf"
    assert resolve_link("records/./x/rec.md", "t.csv") == "records/x/t.csv"
    assert resolve_link("a/rec.md", "../../up.csv") is None
    assert resolve_link("/abs/rec.md", "t.csv") is None
