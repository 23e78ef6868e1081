"""Which paths of the repository are controlled documents, and of which types.

A type is found by its folder (`folder: procedures`) or by globs
(`paths: ["sops/**/*.md"]`); files that qms.yml declares `not_controlled`
(README and index pages, say) are not documents wherever they are. The
loader's walk and the history engine both ask here, so that `qms check` and
`qms history` never disagree about a path.

Globs follow .gitignore: `*` and `?` stay within one folder, `**/` spans any
number of folders, and a pattern without a `/` matches a file name in any folder.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass


# How one type of document is found, as qms.yml declares it (or a default does).
@dataclass(frozen=True)
class TypeSpec:
    name: str
    folder: str  # where `qms new` puts one; for a type found by globs, the folder its first glob starts in
    id_pattern: re.Pattern[str]
    paths: tuple[str, ...] = ()  # globs that find its documents, in place of the folder
    extra_keys: tuple[str, ...] = ()  # front-matter keys allowed beyond its schema's (a type without a schema)
    named: bool = False  # named in the repository's qms.yml, rather than one of the defaults


MARKDOWN_SUFFIXES = (".md", ".markdown")
_GLOB_CHARS = re.compile(r"[*?\[]")


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regular expression for a .gitignore-like glob over repository paths."""
    pattern = pattern.strip().lstrip("/") if pattern.startswith("/") else pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1:end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def static_prefix(pattern: str) -> str:
    """The folder a glob's matches all lie in ("." for the whole repository): where a walk starts."""
    parts = pattern.strip().strip("/").split("/")
    if len(parts) == 1:
        return "."
    fixed = []
    for part in parts[:-1]:
        if _GLOB_CHARS.search(part):
            break
        fixed.append(part)
    return "/".join(fixed) or "."


def top_most(folders: Iterable[str]) -> list[str]:
    """The folders not inside another of them; "." holds every other."""
    every = sorted({f.strip("/") or "." for f in folders})
    if "." in every:
        return ["."]
    top: list[str] = []
    for folder in every:
        if not any(folder == t or folder.startswith(t + "/") for t in top):
            top.append(folder)
    return top


class Layout:
    """The answer to "is this path a document, and of which types may it be?" for one qms.yml."""

    def __init__(self, types: Iterable[TypeSpec], not_controlled: Iterable[str], registry_files: set[str]) -> None:
        self.types = list(types)
        self._registries = frozenset(registry_files)
        self._excluded = [glob_regex(p) for p in not_controlled]
        self._globs = [(spec, [glob_regex(p) for p in spec.paths]) for spec in self.types]
        self.is_document = functools.cache(self._is_document)
        self.in_area = functools.cache(self._in_area)
        self._folder_covered = functools.cache(self._folder_covered_uncached)

    def roots(self) -> list[str]:
        """The top-most folders to walk for documents."""
        starts = [spec.folder for spec in self.types if not spec.paths]
        starts += [static_prefix(p) for spec in self.types for p in spec.paths]
        return top_most(starts)

    def covers(self, spec: TypeSpec, rel: str) -> bool:
        """Whether `rel` lies where documents of type `spec` are kept."""
        if spec.paths:
            return any(regex.fullmatch(rel) for s, regexes in self._globs if s is spec for regex in regexes)
        return not spec.folder or spec.folder == "." or rel.startswith(spec.folder + "/")

    def types_at(self, rel: str) -> list[TypeSpec]:
        return [spec for spec in self.types if self.covers(spec, rel)]

    def inferred_type(self, rel: str, doc_id: object) -> str | None:
        """The type of a document whose front-matter does not say, from where it is and the form of its id;
        None when that is unclear. One folder may hold several types (procedures and their work instructions):
        the id tells them apart."""
        candidates = self.types_at(rel)
        if len(candidates) > 1:
            candidates = [spec for spec in candidates if isinstance(doc_id, str) and spec.id_pattern.fullmatch(doc_id)]
        return candidates[0].name if len(candidates) == 1 else None

    def not_controlled(self, rel: str) -> bool:
        return rel in self._registries or any(regex.fullmatch(rel) for regex in self._excluded)

    def declared_uncontrolled(self, rel: str) -> bool:
        """A Markdown file where documents are kept that qms.yml declares not controlled (a README, say)."""
        return (rel.lower().endswith(MARKDOWN_SUFFIXES) and rel not in self._registries
                and any(regex.fullmatch(rel) for regex in self._excluded)
                and any(self.covers(spec, rel) for spec in self.types))

    def _in_area(self, rel: str) -> bool:
        """Inside a type's folder or matched by a type's glob, and not declared uncontrolled."""
        if self.not_controlled(rel):
            return False
        # A type's folder covers every file of a folder alike: asked once per folder, not once per file.
        return self._folder_covered(rel.rpartition("/")[0]) or any(
            regex.fullmatch(rel) for spec, regexes in self._globs if spec.paths for regex in regexes)

    def _folder_covered_uncached(self, folder: str) -> bool:
        return any(not spec.paths and (not spec.folder or spec.folder == "." or (folder + "/").startswith(spec.folder + "/"))
                   for spec in self.types)

    def _is_document(self, rel: str) -> bool:
        return rel.lower().endswith(MARKDOWN_SUFFIXES) and self.in_area(rel)  # the cached one: the walk asks both of every file
