"""Clause catalogues of ISO 9001 editions, shipped as data files in qms/data/."""

from __future__ import annotations

from functools import cache
from importlib import resources

from qms.errors import ConfigError
from qms.text.yamlsafe import parse_yaml


@cache
def load_catalogue(name: str) -> dict[str, str]:
    """Clause number -> title for the catalogue `name` (e.g. iso9001-2015)."""
    entry = resources.files("qms") / "data" / f"{name}.yml"
    if not entry.is_file():
        shipped = sorted(p.name[:-4] for p in (resources.files("qms") / "data").iterdir() if p.name.endswith(".yml"))
        raise ConfigError(
            f"qms.yml: clause_catalogue '{name}' is not one qmskit ships (choose from {', '.join(shipped)})"
        )
    parsed = parse_yaml(entry.read_text("utf-8"))
    return {str(number): str(title) for number, title in parsed.value["clauses"].items()}
