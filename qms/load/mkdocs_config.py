"""mkdocs.yml as MkDocs reads it: with the files it inherits (`INHERIT:`) merged in.

MkDocs' own loader (`mkdocs.utils.yaml.yaml_load`) cannot be used by `qms check`: it reads YAML with
PyYAML's full `Loader`, whose `!!python/...` tags import and call Python code named in the file, and
`qms check` needs no MkDocs at all (the `site` extra). This is the same procedure, small, over the safe
reader (tags are read as the text they tag, never run):

- a file's `INHERIT` names its parent, relative to the folder of the file that names it (MkDocs joins
  and normalises it the same way); the parent may inherit in turn;
- the child is merged into its parent as `mergedeep.merge(parent, child)` does, MkDocs' strategy:
  mappings merge key by key, at any depth; any other value (a list, text) of the child replaces the
  parent's whole. So a `markdown_extensions:` list in mkdocs.yml replaces the base's list, while the
  mapping form merges, as MkDocs' documentation says.

What MkDocs would stop on, or loop on, is a problem with a file and a line: a parent that does not
exist, lies outside the repository, is not a regular UTF-8 file, is not valid YAML, or inherits back
into the chain (MkDocs itself would recurse until Python gives up). The settings read so far are still
returned, so the includes of the pages can be judged as far as they can be known.
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qms.text.yamlsafe import parse_yaml

CONFIG_FILE = "mkdocs.yml"
# How many files one chain of INHERIT may hold before it is taken for a mistake.
MAX_CHAIN = 32


@dataclass(frozen=True)
class ConfigProblem:
    path: str  # repository-relative file the problem is in
    line: int | None
    message: str
    hint: str


@dataclass
class EffectiveConfig:
    settings: dict[str, Any] | None = None  # None: no mkdocs.yml, or one that is not key: value settings
    files: list[str] = field(default_factory=list)  # mkdocs.yml, then each file it inherits, in order
    problems: list[ConfigProblem] = field(default_factory=list)


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """`mergedeep.merge(parent, child)` with its default (REPLACE) strategy, as MkDocs calls it."""
    for key, value in child.items():
        if isinstance(parent.get(key), dict) and isinstance(value, dict):
            parent[key] = merge(parent[key], value)
        else:
            parent[key] = copy.deepcopy(value)
    return parent


def read_effective_config(read: Callable[[str], str | None], exists: Callable[[str], bool],
                          path: str = CONFIG_FILE) -> EffectiveConfig:
    """The settings MkDocs would build with from the repository file `path`.

    `read(path)` gives a repository file's text, or None when it cannot be read as a regular UTF-8 file
    inside the repository; `exists(path)` says whether anything stands at that path."""
    result = EffectiveConfig()
    if not exists(path):
        return result
    text = read(path)
    if text is None:
        result.problems.append(ConfigProblem(path, None, f"{path} cannot be read: it is not a regular UTF-8 text file",
                                             "make it a plain YAML file in the repository"))
        return result
    result.settings = _load(path, text, [], read, exists, result)
    return result


def _load(path: str, text: str, chain: list[str], read: Callable[[str], str | None], exists: Callable[[str], bool],
          result: EffectiveConfig) -> dict[str, Any] | None:
    result.files.append(path)
    parsed = parse_yaml(text)
    for yaml_problem in parsed.problems:
        result.problems.append(ConfigProblem(path, yaml_problem.line, f"{path} is not valid YAML: {yaml_problem.message}",
                                             yaml_problem.hint or "correct the YAML; MkDocs cannot build with it"))
    if parsed.problems:
        return None
    settings = parsed.value if parsed.value is not None else {}
    if not isinstance(settings, dict):
        result.problems.append(ConfigProblem(path, 1, f"{path} is not key: value settings",
                                             "write MkDocs' settings as key: value lines"))
        return None
    if "INHERIT" not in settings:
        return settings
    named = settings.pop("INHERIT")
    line = parsed.lines.get(("INHERIT",))
    parent = _parent_path(path, named)
    problem: tuple[str, str] | None = None
    if parent is None:
        problem = (f"INHERIT: {named!r} is not the path of a file inside the repository",
                   "name a YAML file in the repository, relative to this file's folder")
    elif parent in (*chain, path):
        loop = " -> ".join([*chain, path, parent])
        problem = (f"INHERIT goes round in a circle ({loop}); MkDocs would never finish reading it",
                   "let the last file of the chain inherit nothing")
    elif len(chain) + 1 >= MAX_CHAIN:
        problem = (f"INHERIT chains more than {MAX_CHAIN} files", "inherit from fewer files")
    elif not exists(parent):
        problem = (f"INHERIT: {named!r} does not exist (looked for {parent}); MkDocs stops on it",
                   "name an existing file, relative to this file's folder, or remove INHERIT")
    if problem is None:
        assert parent is not None
        parent_text = read(parent)
        if parent_text is not None:
            inherited = _load(parent, parent_text, [*chain, path], read, exists, result)
            return merge(inherited, settings) if inherited is not None else settings
        problem = (f"INHERIT: {named!r} ({parent}) cannot be read: it is not a regular UTF-8 text file",
                   "make it a plain YAML file in the repository")
    result.problems.append(ConfigProblem(path, line, *problem))
    return settings


def _parent_path(path: str, named: Any) -> str | None:
    """The repository-relative file `INHERIT: named` in `path` names, as MkDocs joins it; None outside."""
    if not isinstance(named, str) or not named.strip() or "\x00" in named:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), named))
    if joined in (".", "..") or joined.startswith(("../", "/")):
        return None
    return joined
