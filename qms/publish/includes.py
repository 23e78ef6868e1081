"""Includes that would pull a document the site does not publish into a page that it does.

A page can bring another file's text or view into itself without linking to it:

- `pymdownx.snippets` (`--8<-- "procedures/qp-09-pay.md"`, or a block of paths between two `--8<--`
  lines) copies the file's text into the page before Markdown is parsed, so a restricted document's
  text would stand in the page and in the search index;
- raw HTML `<iframe>`, `<object>`, `<embed>` (and `<img>`, `<video>`, `<audio>`, `<source>`) and
  Markdown images show another file or page inside this one.

`find_includes` finds them (snippet lines inside code fences too: the snippets extension reads every
line before Markdown does); `reached` says which unpublished document each one reaches, following
snippets through the files they include; `leave_out` replaces those includes with a note. The same
code serves `qms check` (S003) and the site plugin, which leaves them out of the built page.

A snippet may also name a web address (`--8<-- "https://..."`), which the extension downloads when the
site is built (`url_download: true`). That text is not in the repository: nobody approved it, and it can
change between two builds of the same commit. `fetched` finds such snippets, in the page or through the
snippet files it includes, unless the address starts with a prefix qms.yml allows (`site.snippet_urls`);
`qms check` reports them (S005) and the plugin leaves them out like the others, so the build never
fetches them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from qms.model import Document

# pymdownx.snippets' own syntax: a quoted path after `--8<--` on a line of its own, or a `--8<--` line
# that opens or closes a block of paths. A leading `;` escapes the line.
SNIPPET_LINE = re.compile(
    r"""^[ \t]*(?P<escape>;*)"""
    r"""(?:-+8<-+[ \t]+(?P<path>"(?:\\"|[^"\n\r])+?"|'(?:\\'|[^'\n\r])+?')(?![ \t])|(?P<block>-+8<-+)(?![ \t]))\r?$""")
# A path's line ranges (`file.md:3:5`, `file.md:1:2,8:9`) or section (`file.md:part`).
SNIPPET_SUFFIX = re.compile(r"(?i)(?::-?[0-9]*){1,2}(?:,-?[0-9]*(?::-?[0-9]*)?)*$|:[a-z][-_0-9a-z]*$")
# HTML elements that show another file inside the page, with the attribute that names it.
HTML_TAG = re.compile(r"<(?P<tag>iframe|object|embed|img|video|audio|source|frame)\b(?P<attrs>[^>]*)>"
                      r"(?:[^<]*</(?P=tag)\s*>)?", re.I)
HTML_SOURCE = re.compile(r"""\b(?:src|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*(?:<([^<>\n]+)>|([^)\s<>]+))(?:\s+[\"'(][^)]*)?\s*\)")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# What pymdownx.snippets takes for a web address to download (its own test: `path.lower().startswith(...)`).
WEB_ADDRESS = ("https://", "http://")
# How deep snippets are followed through the files they include (pymdownx stops at a cycle).
MAX_DEPTH = 20


@dataclass(frozen=True)
class Include:
    """One include in a page's text: characters [start, end) of it, on `line` (counted from 1)."""

    start: int
    end: int
    line: int
    kind: str  # "snippet", an HTML tag name, or "image"
    target: str  # as written
    in_block: bool = False  # a path line between two `--8<--` lines: the extension reads any text there as a path


@dataclass(frozen=True)
class Reached:
    include: Include
    document: Document
    via: str  # the file the include names (the document's own file, or a snippet file that includes it)


def find_includes(text: str) -> list[Include]:
    """Every snippet, embedding HTML element and Markdown image in `text`, in order."""
    found: list[Include] = []
    offset, in_block = 0, False
    for number, line in enumerate(text.split("\n"), 1):
        end = offset + len(line)
        if "8<" in line:
            match = SNIPPET_LINE.match(line)
            if match and not match.group("escape"):
                if match.group("block"):
                    in_block = not in_block
                elif not in_block:
                    found.append(Include(offset, end, number, "snippet", match.group("path")[1:-1].strip()))
            elif in_block and line.strip() and not line.strip().startswith(";"):
                found.append(Include(offset, end, number, "snippet", line.strip(), in_block=True))
        elif in_block and line.strip() and not line.strip().startswith(";"):
            found.append(Include(offset, end, number, "snippet", line.strip(), in_block=True))
        offset = end + 1
    if "<" in text:
        for tag in HTML_TAG.finditer(text):
            for source in HTML_SOURCE.finditer(tag.group("attrs")):
                target = next(g for g in source.groups() if g is not None)
                found.append(Include(tag.start(), tag.end(), text.count("\n", 0, tag.start()) + 1,
                                     tag.group("tag").lower(), target))
    if "![" in text:
        for image in MD_IMAGE.finditer(text):
            found.append(Include(image.start(), image.end(), text.count("\n", 0, image.start()) + 1, "image",
                                 image.group(1) or image.group(2)))
    return sorted(found, key=lambda i: i.start)


class Unpublished:
    """The documents a site does not publish, found by any path a page could use for them.

    `procedures/qp-09-pay.md`, its page (`procedures/qp-09-pay/`, `.../index.html`, `.html`), and the files
    beside it or under a folder of its name (`procedures/qp-09-pay.csv`, `procedures/qp-09-pay/chart.png`).
    """

    def __init__(self, hidden: Iterable[Document]) -> None:
        self.by_stem = {posixpath.splitext(doc.path)[0]: doc for doc in hidden}

    def find(self, path: str) -> Document | None:
        path = path.rstrip("/")
        if path.endswith("/index.html"):
            path = path[: -len("/index.html")]
        while path and path not in (".", ".."):
            for stem in (path, posixpath.splitext(path)[0]):
                if stem in self.by_stem:
                    return self.by_stem[stem]
            path = posixpath.dirname(path)
        return None


def reached(includes: Iterable[Include], page: str, unpublished: Unpublished, snippet_bases: Iterable[str],
            read: Callable[[str], str | None]) -> list[Reached]:
    """The includes of the page at repository path `page` that reach an unpublished document.

    `snippet_bases` are the repository-relative folders pymdownx.snippets looks in ("" is the root); the
    page's own folder is tried too. `read(path)` gives a repository file's text, or None: snippets that
    name other files are followed through them, since their includes end up in this page.
    """
    bases = tuple(dict.fromkeys([*snippet_bases, posixpath.dirname(page)]))
    hits: list[Reached] = []
    for include in includes:
        if include.kind == "snippet":
            found = _snippet_reaches(include.target, bases, unpublished, read, set(), 0)
        else:
            found = _embed_reaches(include.target, page, unpublished)
        if found is not None:
            hits.append(Reached(include, found[0], found[1]))
    return hits


def _snippet_reaches(target: str, bases: tuple[str, ...], unpublished: Unpublished,
                     read: Callable[[str], str | None], seen: set[str], depth: int) -> tuple[Document, str] | None:
    if URL_SCHEME.match(target):
        return None
    names = dict.fromkeys([target, SNIPPET_SUFFIX.sub("", target)])
    for name in names:
        for base in bases:
            path = _inside(posixpath.join(base, name))
            if path is None:
                continue
            doc = unpublished.find(path)
            if doc is not None:
                return doc, doc.path
            if depth >= MAX_DEPTH or path in seen:
                continue
            text = read(path)
            if text is None:
                continue
            seen.add(path)
            for nested in find_includes(text):
                if nested.kind == "snippet":
                    found = _snippet_reaches(nested.target, bases, unpublished, read, seen, depth + 1)
                    if found is not None:
                        return found[0], path
    return None


@dataclass(frozen=True)
class Fetched:
    """A snippet that would bring text from the web into a page: `url`, named by `via` (the page's include, or
    a snippet file it includes)."""

    include: Include
    url: str
    via: str | None  # None: the page names the address itself


def is_web_address(target: str) -> bool:
    return target.lower().startswith(WEB_ADDRESS)


def allowed_address(url: str, prefixes: Iterable[str]) -> bool:
    """Whether `url` starts with an allowed prefix at a boundary: `https://example.org/qms` allows
    `https://example.org/qms/a.md`, never `https://example.org/qms-old/` nor `https://example.org.evil/`."""
    for prefix in prefixes:
        if prefix and url.startswith(prefix):
            rest = url[len(prefix):]
            if prefix.endswith("/") or not rest or rest[0] in "/?#":
                return True
    return False


def fetched(includes: Iterable[Include], page: str, snippet_bases: Iterable[str], read: Callable[[str], str | None],
            allowed: Iterable[str] = ()) -> list[Fetched]:
    """The snippets of the page at repository path `page` that name a web address no prefix of `allowed` allows,
    directly or through the snippet files they include."""
    bases = tuple(dict.fromkeys([*snippet_bases, posixpath.dirname(page)]))
    prefixes = tuple(allowed)
    hits = []
    for include in includes:
        if include.kind == "snippet":
            found = _snippet_fetches(include.target, bases, read, prefixes, set(), 0)
            if found is not None:
                hits.append(Fetched(include, *found))
    return hits


def _snippet_fetches(target: str, bases: tuple[str, ...], read: Callable[[str], str | None], allowed: tuple[str, ...],
                     seen: set[str], depth: int) -> tuple[str, str | None] | None:
    if is_web_address(target):
        url = SNIPPET_SUFFIX.sub("", target) or target
        return None if allowed_address(url, allowed) else (target, None)
    if URL_SCHEME.match(target) or depth >= MAX_DEPTH:
        return None
    for name in dict.fromkeys([target, SNIPPET_SUFFIX.sub("", target)]):
        for base in bases:
            path = _inside(posixpath.join(base, name))
            if path is None or path in seen:
                continue
            text = read(path)
            if text is None or "8<" not in text:
                continue
            seen.add(path)
            for nested in find_includes(text):
                if nested.kind == "snippet":
                    found = _snippet_fetches(nested.target, bases, read, allowed, seen, depth + 1)
                    if found is not None:
                        return found[0], found[1] or path
    return None


def _embed_reaches(target: str, page: str, unpublished: Unpublished) -> tuple[Document, str] | None:
    """An HTML source or image: relative to the page's file, to its URL (`procedures/qp-01/` with directory
    URLs), or to the site's root."""
    if URL_SCHEME.match(target) or target.startswith(("#", "//")):
        return None
    name = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not name:
        return None
    if name.startswith("/"):
        candidates = [name.lstrip("/")]
    else:
        folder = posixpath.dirname(page)
        candidates = [posixpath.join(folder, name), posixpath.join(posixpath.splitext(page)[0], name)]
    for candidate in candidates:
        path = _inside(candidate)
        doc = unpublished.find(path) if path is not None else None
        if doc is not None:
            return doc, doc.path
    return None


def _inside(path: str) -> str | None:
    joined = posixpath.normpath(path)
    if joined in ("", ".", "..") or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


def leave_out(text: str, hits: Iterable[Reached | Fetched], note: Callable[[Reached | Fetched], str]) -> str:
    """`text` with each reaching include replaced by `note(hit)`; a path line in a block of snippets is emptied
    instead (the extension would take a note there for another path)."""
    pieces: list[str] = []
    position = 0
    for hit in sorted(hits, key=lambda h: h.include.start):
        if hit.include.start < position:  # inside one already left out
            continue
        pieces += [text[position:hit.include.start], "" if hit.include.in_block else note(hit)]
        position = hit.include.end
    pieces.append(text[position:])
    return "".join(pieces)


def hidden_documents(documents: Iterable[Document], shown: Callable[[Document], bool]) -> Unpublished:
    return Unpublished(doc for doc in documents if not shown(doc))


def snippet_bases(root: str, configured: Iterable[str]) -> list[str]:
    """pymdownx.snippets' `base_path` values (absolute, or relative to where MkDocs runs: the repository root)
    as repository-relative folders; the root itself is always tried, as the extension's default."""
    bases = [""]
    for base in configured:
        relative = posixpath.relpath(posixpath.normpath(posixpath.join(root, base)), root)
        if relative == ".":
            relative = ""
        if not relative.startswith(".."):
            bases.append(relative)
    return list(dict.fromkeys(bases))


def without_unpublished(text: str, page: str, unpublished: Unpublished, bases: Iterable[str],
                        read: Callable[[str], str | None], note: str, allowed: Iterable[str] | None = None,
                        web_note: str | None = None) -> str:
    """`text` of the page at repository path `page` with every include that reaches an unpublished document
    replaced by `note`, and every snippet from a web address `allowed` does not allow by `web_note` (or `note`;
    `allowed` None: the snippets extension is off, and a snippet line is text). What the site builds from a page,
    whatever S003 and S005 said about it."""
    if "8<" not in text and "<" not in text and "![" not in text:
        return text
    bases = list(bases)
    found = find_includes(text)
    hits: list[Reached | Fetched] = [*reached(found, page, unpublished, bases, read)]
    if allowed is not None and "8<" in text:
        hits += fetched(found, page, bases, read, allowed)
    return leave_out(text, hits, lambda hit: web_note or note if isinstance(hit, Fetched) else note) if hits else text


def appended(paths: Iterable[str]) -> list[Include]:
    """pymdownx.snippets' `auto_append` entries, as the includes it adds to every page."""
    return [Include(0, 0, 1, "snippet", path) for path in paths]


def appended_reaching(paths: Iterable[str], unpublished: Unpublished, bases: Iterable[str],
                      read: Callable[[str], str | None]) -> list[Reached]:
    """The snippets pymdownx.snippets' `auto_append` adds to every page that reach an unpublished document."""
    return reached(appended(paths), "mkdocs.yml", unpublished, bases, read)


def appended_fetching(paths: Iterable[str], bases: Iterable[str], read: Callable[[str], str | None],
                      allowed: Iterable[str] = ()) -> list[Fetched]:
    """The snippets `auto_append` adds to every page that bring text from a web address `allowed` does not allow."""
    return fetched(appended(paths), "mkdocs.yml", bases, read, allowed)
