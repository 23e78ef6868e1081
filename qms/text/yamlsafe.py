"""Parse YAML without letting its implicit typing change what was written.

PyYAML would read `revision: 1.10` as the number 1.1, `effective: 2026-02-30`
as a crash, and `answer: no` as False. Here the C composer (when present)
builds the node tree, and values are made from it by hand:

- text, `null`, `true`/`false` and plain decimal integers keep their meaning;
- a float stays a number only when writing it back gives the same text,
  otherwise it stays text (`1.10` is text, `96.5` is a number);
- dates, `yes`/`no`, octal and anything else stay text, so JSON Schema sees
  exactly what the author typed.

Every key path gets the line it is on. Duplicate keys and alias bombs are
reported instead of silently resolved.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

# A path into a YAML value: keys and list indexes, e.g. ("approvers", 1).
KeyPath = tuple[Any, ...]


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A plain (unquoted) scalar whose type `_plain` decides, in place of PyYAML's resolver.
_PLAIN = "!qmskit-plain"
# PyYAML's own float pattern, so that what counts as a float here is exactly what PyYAML tags float.
_FLOAT = next(pattern for tag, pattern in yaml.resolver.Resolver.yaml_implicit_resolvers["."]
              if tag.endswith(":float"))
_ScalarNode = yaml.ScalarNode
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Leaves plain scalars untyped: their type is decided once, in `_plain`.

    PyYAML's resolver tries several patterns on every scalar, keys included,
    only for most of its answers (dates, yes/no, octal) to be undone below.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)

    # The safe loader has no path resolvers, so tracking the path they would need is wasted work.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
# Past this many expanded nodes a front-matter block is an attack, not a document.
NODE_BUDGET = 50_000
MAX_DEPTH = 64
# libyaml's composer recurses on the C stack: tens of thousands of nested `[` crash
# the process. Flow brackets nested deeper than this are refused before composing.
MAX_FLOW_DEPTH = 1_000
_BRACKETS = re.compile(r"[^\[\]{}]+")


@dataclass
class YamlProblem:
    code: str  # F004 syntax, F005 duplicate key, F008 too complex
    line: int | None
    message: str  # what is wrong
    hint: str | None = None  # what to do about it, where there is something to do

    @property
    def full_message(self) -> str:
        """The problem and its fix in one sentence, for an error that has one text."""
        return f"{self.message}; {self.hint}" if self.hint else self.message


@dataclass
class ParsedYaml:
    value: Any = None
    lines: dict[KeyPath, int] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)


class _TooComplex(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def parse_yaml(text: str, first_line: int = 1) -> ParsedYaml:
    """Parse one YAML document; `first_line` is the file line of its first line."""
    result = ParsedYaml()
    too_deep = f"YAML is nested more than {MAX_DEPTH} levels deep"
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        result.problems.append(YamlProblem("F008", first_line, too_deep))
        return result
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:  # the pure-Python composer, when libyaml is missing
        result.problems.append(YamlProblem("F008", first_line, too_deep))
        return result
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else None
        column = f", column {mark.column + 1}" if mark is not None else ""
        what = exc.problem or exc.context or "invalid YAML"
        result.problems.append(
            YamlProblem("F004", line, f"YAML syntax error{column}: {what}", _syntax_hint(what))
        )
        return result
    except yaml.YAMLError as exc:
        result.problems.append(YamlProblem("F004", None, f"YAML syntax error: {exc}"))
        return result
    if node is None:
        return result
    builder = _Builder(first_line, result)
    try:
        result.value = builder.build(node, ())
    except _TooComplex as exc:
        result.value = None
        result.lines.clear()
        result.problems.append(YamlProblem("F008", first_line + node.start_mark.line, str(exc), exc.hint))
    return result


def _flow_depth(text: str) -> int:
    """How deep `[` and `{` nest, counting brackets inside quotes too (an upper bound)."""
    depth = deepest = 0
    for char in _BRACKETS.sub("", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)
    return deepest


def _syntax_hint(problem: str) -> str | None:
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return 'a value that contains ": " must be put in quotes'
    return None


class _Builder:
    def __init__(self, first_line: int, result: ParsedYaml) -> None:
        self.first_line = first_line
        self.result = result
        self.budget = NODE_BUDGET

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def build(self, node: yaml.Node, path: KeyPath, depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooComplex(
                f"YAML anchors and aliases expand to more than {NODE_BUDGET:,} values",
                "write the values out instead of using aliases",
            )
        if depth > MAX_DEPTH:
            raise _TooComplex(f"YAML is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            items = []
            lines = self.result.lines
            for index, child in enumerate(node.value):
                item_path = (*path, index)
                lines[item_path] = self.first_line + child.start_mark.line
                items.append(self.child(child, item_path, depth))
            return items
        assert isinstance(node, yaml.MappingNode)  # the composer makes nothing else
        return self.build_mapping(node, path, depth)

    def child(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        """`build(node, path, depth + 1)`, with the common case - a scalar in budget and depth - done here."""
        if type(node) is yaml.ScalarNode and depth < MAX_DEPTH and self.budget > 0:
            self.budget -= 1
            return _scalar(node)
        return self.build(node, path, depth + 1)

    def build_mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        lines = self.result.lines
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.result.problems.append(
                    YamlProblem("F004", self.line(key_node), "a key must be a plain word, not a list or mapping")
                )
                continue
            # Interned: the same few keys recur in every file, and the check cache stores each once.
            key = sys.intern(str(key_node.value))
            key_line = self.first_line + key_node.start_mark.line
            key_path = (*path, key)
            if key in mapping:
                first = lines.get(key_path)
                self.result.problems.append(
                    YamlProblem(
                        "F005",
                        key_line,
                        f"key '{_dotted(key_path)}' appears twice (lines {first} and {key_line})",
                        "keep one of them",
                    )
                )
                continue
            lines[key_path] = key_line
            # `self.child` inlined: this line runs for most of the half million values of a large set.
            if type(value_node) is _ScalarNode and depth < MAX_DEPTH and self.budget > 0:
                self.budget -= 1
                mapping[key] = _plain(value_node.value) if value_node.tag == _PLAIN else _scalar(value_node)
            else:
                mapping[key] = self.build(value_node, key_path, depth + 1)
        return mapping


def _plain(text: str) -> Any:
    """What PyYAML's resolver would tag a plain scalar, then the rules of `_scalar` below, in one step."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text[0] in "+-.0123456789":
        if _PLAIN_INT.fullmatch(text):
            return int(text)
        if _FLOAT.match(text):
            return _float_or_text(text)
    return text


def _float_or_text(text: str) -> Any:
    """A number only when it reads back as written: `1.10` stays text, so no revision loses its zero."""
    try:
        number = float(text)
    except ValueError:
        return text
    return number if repr(number) == text else text


def _scalar(node: yaml.ScalarNode) -> Any:
    text = node.value
    if node.tag == _PLAIN:
        return _plain(text)
    if node.style:  # quoted or block scalars are always text
        return text
    tag = node.tag
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        lowered = text.lower()
        return lowered == "true" if lowered in ("true", "false") else text
    if tag.endswith(":int"):
        return int(text) if _PLAIN_INT.fullmatch(text) else text
    if tag.endswith(":float"):
        return _float_or_text(text)
    return text


def _dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
