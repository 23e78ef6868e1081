"""Load the working tree's documents for `qms check`, parsing only what changed.

Each file is keyed by its git blob id. For a tracked file git says is
unchanged, the id comes from git's index and the file is not even opened
(`qms.blobids`); any other file is read and hashed the way git would hash it.
What loading a blob found is kept in `.git/qmskit/` between runs: the
front-matter, the line of every key, the file's own findings (YAML and
schema), and the `[[ID]]` references and relative links of its body. An
unchanged file is never parsed, validated or scanned twice, and its body is
read only if something asks for it (the site, a PDF), never by the check.
Files that are not in the cache are parsed on every core.

The cache is one file: a header line with the settings it was made under and
a checksum of the pickled entries that follow. A cache made under other
settings (qmskit version, types, record kinds, the repository's schemas),
damaged, truncated or edited is ignored and rebuilt, never trusted; its
unpickler accepts plain values only, never a class.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import marshal
import os
import pickle
from pathlib import Path
from typing import Any

from qms import __version__
from qms.forkpool import fork_map
from qms.git import cachedir as caches
from qms.git.blobids import IndexIds
from qms.load.config import Config
from qms.load.reader import load_document, read_bytes
from qms.load.sizes import size_findings
from qms.model import Document, Finding, KeyPath
from qms.text.body import SCANNER_VERSION, BodyRef, id_references, relative_links
from qms.text.frontmatter import normalise_newlines, split_front_matter

NAME = "check-cache.pickle"
OLD_NAMES = ("check-cache.json",)
MAGIC = b"qmskit-check-cache 6"  # a new number whenever what is kept for a file changes

# One file's entry, all plain values:
# (front-matter or None when no document was made, its key lines as marshal bytes,
#  findings as (line, code, severity, message), body line, [[ID]] references, relative links)
Entry = tuple[Any, ...]
Loaded = tuple[Document | None, list[Finding]]


def blob_id(raw: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def settings_fingerprint(config: Config) -> str:
    """What else a file's findings depend on besides its bytes."""
    parts: list[Any] = [__version__, SCANNER_VERSION, sorted((name, repr(spec)) for name, spec in config.types.items()),
                        list(config.record_kinds), config.front_matter.fingerprint(),
                        sorted(config.record_kind_keys.items()), config.pdf_pages, config.paragraph_characters]
    folder = config.root / "schemas"
    if folder.is_dir():
        parts += [(p.name, p.read_bytes().decode("utf-8", "replace")) for p in sorted(folder.glob("*.schema.json"))]
    return hashlib.blake2b(json.dumps(parts).encode(), digest_size=16).hexdigest()


class _PlainUnpickler(pickle.Unpickler):
    """Entries are tuples, dicts, lists, text, bytes and numbers: a pickle that names a class is not ours."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the cache names {module}.{name}")


def read_cache(path: Path | None, fingerprint: str) -> dict[str, Entry]:
    """The entries of a sound cache made under the same settings; {} otherwise."""
    if path is None:
        return {}
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    header, _, body = raw.partition(b"\n")
    fields = header.split(b" ")
    if len(fields) != 4 or b" ".join(fields[:2]) != MAGIC or fields[2].decode("ascii", "replace") != fingerprint:
        return {}
    if fields[3].decode("ascii", "replace") != hashlib.blake2b(body, digest_size=16).hexdigest():
        return {}
    try:
        entries = _PlainUnpickler(io.BytesIO(body)).load()
    except Exception:  # any unreadable pickle is simply not used
        return {}
    return entries if isinstance(entries, dict) else {}


def write_cache(path: Path | None, fingerprint: str, entries: dict[str, Entry]) -> None:
    if path is None:
        return
    body = pickle.dumps(entries, protocol=5)
    checksum = hashlib.blake2b(body, digest_size=16).hexdigest()
    caches.write_atomically(path, b"%s %s %s\n" % (MAGIC, fingerprint.encode(), checksum.encode()) + body)
    for old in OLD_NAMES:  # the JSON cache of earlier versions is never read again
        with contextlib.suppress(OSError):
            os.unlink(path.with_name(old))


def to_entry(document: Document | None, findings: list[Finding]) -> Entry:
    found = tuple((f.line, f.code, f.severity, f.message, f.hint) for f in findings)
    if document is None:
        return (None, b"", found, 1, (), ())
    # Unwrapped: each body is scanned once here, so the memo would only hash it and keep it.
    refs = tuple((ref.target, ref.line) for ref in id_references.__wrapped__(document.body, document.body_line))
    links = tuple((ref.target, ref.line) for ref in relative_links.__wrapped__(document.body, document.body_line))
    return (document.data, marshal.dumps(document.lines), found, document.body_line, refs, links)


class CachedDocument(Document):
    """A document made from its cache entry: its key lines are decoded, and its body read, only when asked for."""

    # Plain attributes in place of Document's properties: the rules ask each of
    # tens of thousands of documents for these many times, and the data never changes.
    id: str | None = None
    type: str | None = None
    status: str | None = None
    is_record: bool = False

    def __init__(self, root: Path, path: str, entry: Entry) -> None:
        data, lines, _found, body_line, refs, links = entry
        self.path = path
        self.data = data
        # As Document's properties have it: text, or None for anything else.
        self.id, self.type, self.status = (value if type(value) is str else None
                                           for value in (data.get("id"), data.get("type"), data.get("status")))
        self.is_record = self.type == "record"
        self.start_line = 1
        self.body_line = body_line
        self._root = root
        self._lines_blob: bytes = lines
        self._lines: dict[KeyPath, int] | None = None
        self._body: str | None = None
        self._refs = refs
        self._links = links

    @property
    def lines(self) -> dict[KeyPath, int]:
        if self._lines is None:
            self._lines = marshal.loads(self._lines_blob)
        return self._lines

    @lines.setter
    def lines(self, value: dict[KeyPath, int]) -> None:
        self._lines = value

    @property
    def body(self) -> str:
        if self._body is None:
            with open(os.path.join(self._root, self.path), "rb") as handle:
                text = normalise_newlines(handle.read().decode("utf-8-sig", "replace"))
            self._body = split_front_matter(text).body
        return self._body

    @body.setter
    def body(self, value: str) -> None:
        self._body = value

    def id_references(self) -> tuple[BodyRef, ...]:
        return tuple(BodyRef(target, line) for target, line in self._refs)

    def relative_links(self) -> tuple[BodyRef, ...]:
        return tuple(BodyRef(target, line) for target, line in self._links)


def from_entry(root: Path, rel: str, entry: Entry) -> Loaded:
    """What loading the file found before; nothing is parsed or read."""
    found = entry[2]
    findings = [Finding(rel, line, code, severity, message, hint) for line, code, severity, message, hint in found] if found else []
    return (CachedDocument(root, rel, entry) if entry[0] is not None else None), findings


def _sound(entry: Any) -> bool:
    """An entry of the wrong shape is parsed afresh instead."""
    return (type(entry) is tuple and len(entry) == 6 and (entry[0] is None or type(entry[0]) is dict)
            and type(entry[1]) is bytes and type(entry[2]) is tuple and type(entry[3]) is int
            and type(entry[4]) is tuple and type(entry[5]) is tuple
            and (not entry[2] or all(type(f) is tuple and len(f) == 5 for f in entry[2])))


def load_documents(config: Config, paths: list[str], index: IndexIds | None = None) -> list[Loaded]:
    """Every file in `paths` as (document or None, its findings), in order."""
    cache_file = caches.cache_path(config.root, NAME)
    fingerprint = settings_fingerprint(config)
    cached = read_cache(cache_file, fingerprint)
    known = index.result() if index is not None else {}
    root = config.root
    results: list[Loaded | None] = []
    kept: dict[str, Entry] = {}
    misses: list[tuple[int, str, bytes | None]] = []
    for number, rel in enumerate(paths):
        sha = known.get(rel)
        raw = None
        if sha is None:
            findings: list[Finding] = []
            raw = read_bytes(root, rel, findings)
            if raw is None:
                results.append((None, findings))
                continue
            sha = blob_id(raw)
        entry = cached.get(sha)
        if entry is not None and _sound(entry):
            kept[sha] = entry
            results.append(from_entry(root, rel, entry))
            continue
        misses.append((number, sha, raw))  # raw is None when git gave the id: the worker reads the file
        results.append(None)

    def parse(item: tuple[int, str, bytes | None]) -> Entry | Loaded:
        number, _sha, raw = item
        findings: list[Finding] = []
        if raw is None:
            raw = read_bytes(root, paths[number], findings)
            if raw is None:  # gone or unreadable since git listed it: reported, never cached
                return None, findings
        document = load_document(config, paths[number], raw, findings)
        if document is not None:  # measured here, once, and kept: the site and PDFs need no findings
            findings.extend(size_findings(config, document))
        return to_entry(document, findings)

    for (number, sha, _raw), entry in zip(misses, fork_map(parse, misses)):
        if len(entry) == 2:
            results[number] = entry
            continue
        kept[sha] = entry
        results[number] = from_entry(root, paths[number], entry)
    if misses or kept.keys() != cached.keys():
        write_cache(cache_file, fingerprint, kept)
    return [loaded for loaded in results if loaded is not None]
