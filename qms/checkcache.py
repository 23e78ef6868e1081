"""Load the working tree's documents for `qms check`, parsing only what changed.

Each file is keyed by its git blob id (the SHA-1 git gives the same bytes,
so it equals what `git ls-files -s` lists for an unchanged tracked file, and
untracked or modified files get their own id the same way). What loading a
blob found - front-matter, key lines and the file's own findings - is kept
in `.git/qmskit/` between runs, so an unchanged file is never parsed or
validated twice. Files that are not in the cache are parsed on every core.

The cache is one file: a header line with the settings it was made under and
a checksum of the JSON that follows. A cache made under other settings
(qmskit version, types, record kinds, the repository's schemas), damaged,
truncated or edited is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from qms import __version__, blobcache
from qms.config import Config
from qms.forkpool import fork_map
from qms.frontmatter import normalise_newlines, split_front_matter
from qms.loader import load_document, read_bytes
from qms.model import Document, Finding

NAME = "check-cache.json"
MAGIC = b"qmskit-check-cache 1"

# blob id -> (front-matter or None when no document was made, key lines, findings)
Entry = list[Any]
Loaded = tuple[Document | None, list[Finding]]


def blob_id(raw: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def settings_fingerprint(config: Config) -> str:
    """What else a file's findings depend on besides its bytes."""
    parts: list[Any] = [__version__, sorted((name, repr(spec)) for name, spec in config.types.items()),
                        list(config.record_kinds)]
    folder = config.root / "schemas"
    if folder.is_dir():
        parts += [(p.name, p.read_bytes().decode("utf-8", "replace")) for p in sorted(folder.glob("*.schema.json"))]
    return hashlib.blake2b(json.dumps(parts).encode(), digest_size=16).hexdigest()


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
        entries = json.loads(body)
    except ValueError:
        return {}
    return entries if isinstance(entries, dict) else {}


def write_cache(path: Path | None, fingerprint: str, entries: dict[str, Entry]) -> None:
    if path is None:
        return
    body = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    checksum = hashlib.blake2b(body, digest_size=16).hexdigest()
    blobcache.write_atomically(path, b"%s %s %s\n" % (MAGIC, fingerprint.encode(), checksum.encode()) + body)


def to_entry(document: Document | None, findings: list[Finding]) -> Entry:
    lines = [[*key, line] for key, line in document.lines.items()] if document is not None else []
    return [document.data if document is not None else None, lines,
            [[f.line, f.code, f.severity, f.message] for f in findings]]


def from_entry(rel: str, raw: bytes, entry: Entry) -> Loaded:
    """What loading `raw` found before; the body is split again (cheap), the YAML is not parsed."""
    data, lines, found = entry
    findings = [Finding(rel, line, code, severity, message) for line, code, severity, message in found]
    if data is None:
        return None, findings
    split = split_front_matter(normalise_newlines(raw.decode("utf-8-sig")))
    keyed = {tuple(item[:-1]): item[-1] for item in lines}
    return Document(rel, data, keyed, 1, split.body, split.body_line), findings


def load_documents(config: Config, paths: list[str]) -> list[Loaded]:
    """Every file in `paths` as (document or None, its findings), in order."""
    cache_file = blobcache.cache_path(config.root, NAME)
    fingerprint = settings_fingerprint(config)
    cached = read_cache(cache_file, fingerprint)
    results: list[Loaded | None] = []
    kept: dict[str, Entry] = {}
    misses: list[tuple[int, str, bytes]] = []
    for index, rel in enumerate(paths):
        findings: list[Finding] = []
        raw = read_bytes(config.root, rel, findings)
        if raw is None:
            results.append((None, findings))
            continue
        sha = blob_id(raw)
        entry = cached.get(sha)
        loaded = _try_entry(rel, raw, entry) if entry is not None else None
        if loaded is None:
            misses.append((index, sha, raw))
        else:
            kept[sha] = entry
        results.append(loaded)

    def parse(item: tuple[int, str, bytes]) -> Loaded:
        index, _sha, raw = item
        findings: list[Finding] = []
        return load_document(config, paths[index], raw, findings), findings

    for (index, sha, _raw), loaded in zip(misses, fork_map(parse, misses)):
        results[index] = loaded
        kept[sha] = to_entry(*loaded)
    if misses or kept.keys() != cached.keys():
        write_cache(cache_file, fingerprint, kept)
    return [loaded for loaded in results if loaded is not None]


def _try_entry(rel: str, raw: bytes, entry: Any) -> Loaded | None:
    """An entry of the wrong shape is parsed afresh instead."""
    try:
        document, findings = from_entry(rel, raw, entry)
    except (TypeError, ValueError, AttributeError, UnicodeDecodeError):
        return None
    if document is not None and not isinstance(document.data, dict):
        return None
    return document, findings
