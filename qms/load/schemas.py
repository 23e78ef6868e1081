"""JSON Schema validation whose errors read as plain language, with lines.

Shipped schemas live in `qms/schemas/`. A repository's own `schemas/` folder
overrides them file by file. Every schema is registered as `urn:qmskit:NAME`
(the repository's version when it has one), and every shipped schema also as
`urn:qmskit:shipped:NAME`, so an override can extend the original.

Two validators share the work. jsonschema-rs (compiled, about a hundred times
faster) answers "is this valid?" for every file. Only a file it rejects goes
through jsonschema, whose errors carry what the messages below need (key
path, keyword, schema). Where jsonschema-rs is stricter than jsonschema (a
regex `$` before a final newline, an e-mail address), jsonschema has the last
word, so the findings are exactly jsonschema's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qms.errors import ConfigError
from qms.model import KeyPath, Located
from qms.text.suggest import did_you_mean, show

if TYPE_CHECKING:  # jsonschema and referencing load only when a file fails the fast check
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry


try:
    import jsonschema_rs
except ImportError:  # no wheel for this platform: jsonschema does all the work, more slowly
    jsonschema_rs = None  # type: ignore[assignment]


SUFFIX = ".schema.json"


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _shipped_schemas() -> dict[str, dict[str, Any]]:
    folder = resources.files("qms") / "schemas"
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(SUFFIX):
            found[entry.name[: -len(SUFFIX)]] = json.loads(entry.read_text("utf-8"))
    return found


class SchemaSet:
    """The schemas in force for one repository, compiled once and reused."""

    def __init__(self, repo_schema_dir: Path | None = None) -> None:
        shipped = _shipped_schemas()
        effective = dict(shipped)
        if repo_schema_dir is not None and repo_schema_dir.is_dir():
            for path in sorted(repo_schema_dir.glob(f"*{SUFFIX}")):
                effective[path.name[: -len(SUFFIX)]] = _read_repo_schema(path)
        # (uri, contents) of every schema, for both validators' registries.
        self._resources = [(f"urn:qmskit:shipped:{name}", {**contents, "$id": f"urn:qmskit:shipped:{name}"})
                           for name, contents in shipped.items()]
        self._schemas: dict[str, dict[str, Any]] = {}
        for name, contents in effective.items():
            uri = f"urn:qmskit:{name}"
            self._schemas[name] = {**contents, "$id": uri}
            self._resources.append((uri, self._schemas[name]))
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, Any] = {}
        self._declared: dict[str, set[str]] = {}

    def has(self, name: str) -> bool:
        return name in self._schemas

    @cached_property
    def registry(self) -> Registry[Any]:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        # A schema without "$schema" (common in a repository's own) is read as 2020-12.
        return Registry().with_resources(
            (uri, Resource.from_contents(contents, default_specification=DRAFT202012))
            for uri, contents in self._resources
        )

    def validator(self, name: str) -> Draft202012Validator:
        if name not in self._validators:
            from jsonschema import Draft202012Validator

            self._validators[name] = Draft202012Validator(
                self._schemas[name],
                registry=self.registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return self._validators[name]

    @cached_property
    def _fast_registry(self) -> Any:
        return jsonschema_rs.Registry(self._resources, draft=jsonschema_rs.Draft202012)

    def fast_validator(self, name: str) -> Any:
        """jsonschema-rs's compiled validator for `name`, or None where it cannot compile the schema."""
        if name not in self._fast:
            self._fast[name] = None
            if jsonschema_rs is not None:
                try:
                    # Read as 2020-12 and never fetched from the network, as jsonschema does here.
                    self._fast[name] = jsonschema_rs.Draft202012Validator(
                        self._schemas[name], registry=self._fast_registry, validate_formats=True, offline=True)
                except Exception:  # jsonschema reports what is wrong with the schema
                    self._fast[name] = None
        return self._fast[name]

    def is_valid(self, name: str, data: Any) -> bool:
        """True when `data` surely meets schema `name`; False means "ask jsonschema"."""
        fast = self.fast_validator(name)
        if fast is None:
            return False
        try:
            return bool(fast.is_valid(data))
        except Exception:  # a value it cannot take (an integer past 64 bits, say): jsonschema decides
            return False

    @cached_property
    def vocabulary(self) -> list[str]:
        """Every key any schema declares: the pool for "did you mean" on unknown keys."""
        keys: set[str] = set()
        for name in self._schemas:
            keys.update(self.declared_keys(name))
        return sorted(keys)

    def declared_keys(self, name: str) -> set[str]:
        if name not in self._declared:
            self._declared[name] = _declared_keys(self._schemas[name], self.registry, set())
        return self._declared[name]

    def errors(self, name: str, located: Located) -> Iterator[tuple[int, str, str | None]]:
        """(line, message, hint) for each way `located.data` breaks schema `name`: the problem, and what to do
        about it where there is something to say (None otherwise)."""
        if self.is_valid(name, located.data):
            return
        from referencing.exceptions import NoSuchResource, Unresolvable

        try:
            declared, vocabulary = self.declared_keys(name), self.vocabulary
            errors = list(self.validator(name).iter_errors(located.data))
        except (Unresolvable, NoSuchResource) as exc:  # a repository schema's $ref leads nowhere
            ref = getattr(exc, "ref", exc)
            raise ConfigError(
                f"a $ref in the repository's schemas/ leads nowhere ('{ref}'); correct or remove it"
            ) from None
        for error in errors:
            yield from _explain(error, located, declared, vocabulary)


def _read_repo_schema(path: Path) -> dict[str, Any]:
    where = f"schemas/{path.name}"
    try:
        contents = json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: is not UTF-8 text; save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}:{exc.lineno}: is not valid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(contents, dict):
        raise ConfigError(f"{where}: a JSON Schema must be an object ({{...}})")
    from jsonschema import Draft202012Validator

    try:
        Draft202012Validator.check_schema(contents)
    except Exception as exc:  # SchemaError carries a long repr; keep its first line
        first = str(exc).splitlines()[0]
        raise ConfigError(f"{where}: is not a valid JSON Schema: {first}") from None
    return contents


def _declared_keys(schema: Any, registry: Registry[Any], seen: set[str]) -> set[str]:
    """Property names a schema declares, following $ref and the combinators."""
    keys: set[str] = set()
    if not isinstance(schema, dict):
        return keys
    keys.update(schema.get("properties", {}))
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("urn:") and "#" not in ref and ref not in seen:
        seen.add(ref)
        keys |= _declared_keys(registry.contents(ref), registry, seen)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(combinator, []):
            keys |= _declared_keys(sub, registry, seen)
    for branch in ("if", "then", "else"):
        keys |= _declared_keys(schema.get(branch), registry, seen)
    return keys


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a set of key: value lines",
    "boolean": "true or false",
    "null": "empty",
}


def key_name(path: KeyPath) -> str:
    """`approvers (item 2)` for ("approvers", 1): how a person would say it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f" (item {part + 1})"
        else:
            out += f" > {part}" if out else str(part)
    return out or "the front-matter"


def _explain(
    error: ValidationError, located: Located, declared: set[str], vocabulary: list[str]
) -> Iterator[tuple[int, str, str | None]]:
    """(line, message, hint): what is wrong, and what to do about it where that is known."""
    path = tuple(error.absolute_path)
    name = key_name(path)
    kind = error.validator
    value = error.instance
    # A schema's x-hint describes the form a pattern wants, in words: part of the problem, not a fix.
    form = error.schema.get("x-hint") if isinstance(error.schema, dict) else None

    if kind == "required":
        match = _QUOTED.search(error.message)
        missing = match.group(1) if match else "a key"
        where = f" in {name}" if path else ""
        yield located.line_of(path), f"required key '{missing}' is missing{where}", None
        return
    if kind in ("additionalProperties", "unevaluatedProperties"):
        unexpected = _QUOTED.findall(error.message)
        known = sorted(declared) if kind == "unevaluatedProperties" else sorted(error.schema.get("properties", {}))
        for key in unexpected:
            if kind == "unevaluatedProperties" and key in declared:
                continue  # reported already: it failed its own check
            suggestion = did_you_mean(key, known or vocabulary)
            yield (located.line_of((*path, key)), f"unknown key '{key}'{suggestion or ''}",
                   None if suggestion else "remove it, or allow it in the repository's schemas/")
        return

    line = located.line_of(path)
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        yield line, (
            f"{name} must be one of {', '.join(choices)} (found {show(value)}{did_you_mean(value, choices)})"
        ), None
    elif kind == "const":
        yield line, f"{name} must be {show(error.validator_value)} (found {show(value)})", None
    elif kind == "type" and isinstance(error.schema, dict) and error.schema.get("format") == "date":
        yield line, f"{name} must be a date written YYYY-MM-DD (found {show(value)})", None
    elif kind == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected if t != "null")
        fix = None
        if "array" in expected and isinstance(value, (str, int, float)):
            fix = f"write it as a list: [{value}]"
        elif "string" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
            fix = f'put it in quotes: "{value}"'
        yield line, f"{name} must be {words} (found {show(value)})", fix
    elif kind == "format":
        fmt = error.validator_value
        if fmt == "date":
            yield line, f"{name} must be a real calendar date written YYYY-MM-DD (found {show(value)})", None
        elif fmt == "email":
            yield line, f"{name} must be an email address (found {show(value)})", None
        else:
            yield line, f"{name} must be a valid {fmt} (found {show(value)})", None
    elif kind == "pattern":
        expected = form or f"text matching {error.validator_value}"
        yield line, f"{name} must be {expected} (found {show(value)})", None
    elif kind == "minItems":
        count = error.validator_value
        yield line, f"{name} must list at least {count} item{'s' if count != 1 else ''}", None
    elif kind == "minLength":
        yield line, f"{name} must not be empty", None
    elif kind == "uniqueItems":
        yield line, f"{name} lists the same value more than once", None
    elif kind in ("minimum", "exclusiveMinimum"):
        yield line, f"{name} must be at least {error.validator_value} (found {show(value)})", None
    elif kind in ("maximum", "exclusiveMaximum"):
        yield line, f"{name} must be at most {error.validator_value} (found {show(value)})", None
    else:
        yield line, f"{name}: {error.message}", None
