"""qms.yml: find it, read it, check it against its schema, fill in defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qms.errors import ConfigError, NotAQmsRepositoryError, UsageError
from qms.load.clauses import Catalogue, find
from qms.load.layout import Layout, TypeSpec, static_prefix
from qms.load.schemas import SchemaSet
from qms.model import Located
from qms.text.idgen import id_regex
from qms.text.keymap import FrontMatterMap
from qms.text.size import PARAGRAPH_CHARACTERS, PDF_PAGES
from qms.text.yamlsafe import parse_yaml

CONFIG_NAME = "qms.yml"

# The document types of docs/format.md, used for any type qms.yml does not set.
DEFAULT_TYPES: dict[str, dict[str, str]] = {
    "manual": {"folder": "manual", "id_pattern": r"QM-\d{2}"},
    "external": {"folder": "manual/external", "id_pattern": r"EXT-\d{2}"},
    "procedure": {"folder": "procedures", "id_pattern": r"QP-\d{2}"},
    "work-instruction": {"folder": "procedures", "id_pattern": r"WI-\d{2}-\d{2}"},
    "form": {"folder": "procedures", "id_pattern": r"F-\d{2}-\d{2}"},
    "record": {"folder": "records", "id_pattern": r"REC-\d{4}-\d{3}"},
}
DEFAULT_RECORD_KINDS = [
    "audit",
    "nonconformity",
    "corrective-action",
    "management-review",
    "satisfaction-survey",
    "training",
]


@dataclass
class Config:
    root: Path
    organisation: str
    language: str = "en"
    revision_scheme: str = "integer"
    review_months: int = 12
    audit_months: int = 12  # every procedure is audited within this many months
    # Months between periodic reviews by document type and by risk category (`review:` in qms.yml); a
    # document's own `review_months` comes first, then its `risk` category, then its type, then review_months.
    review_types: dict[str, int] = field(default_factory=dict)
    review_categories: dict[str, int] = field(default_factory=dict)
    # Days each holder of a distribution role has to acknowledge a new revision; None: not supervised.
    acknowledge_days: int | None = None
    types: dict[str, TypeSpec] = field(default_factory=dict)
    record_kinds: list[str] = field(default_factory=lambda: list(DEFAULT_RECORD_KINDS))
    roles_file: str = "manual/roles.yml"
    people_file: str = "manual/people.yml"
    clause_catalogue: str = "iso9001-2015"
    # The standards `clauses:` are checked against; the first is the default, which a plain list names.
    standards: list[Catalogue] = field(default_factory=list)
    # Whether qms.yml names its standards (standards: or clause_catalogue:): the site then shows their coverage.
    declares_standards: bool = False
    # Whether qms.yml lists standards: the QMS claims to meet them, so a requirement no document addresses
    # is a finding (D007). The older clause_catalogue: only says which edition numbers are read against.
    claims_coverage: bool = False
    # standard (as qms.yml names it) -> clause -> why the clause does not apply (ISO 9001 4.3).
    exclusions: dict[str, dict[str, str]] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    # Commit or date before which revisions in force count as approved before adoption.
    baseline: str | None = None
    require_signature: bool = False
    control_roles: list[str] | None = None  # approvals: control: (None: the roles that report to nobody)
    # How pull requests reach the main branch: `qms check --since` judges a range the way it will land.
    merge: str = "merge"
    site_logo: str | None = None  # a picture in the repository, shown in the site's header
    site_colour: str | None = None  # #RRGGBB, the site's main colour
    # Web addresses pymdownx.snippets may include text from (prefixes); any other is S005 and left out.
    snippet_urls: list[str] = field(default_factory=list)
    # `limits:` in qms.yml (qms/text/size.py): `qms pdf` refuses a document estimated longer than pdf_pages (F015),
    # and a paragraph longer than paragraph_characters is rendered as plain text (F016).
    pdf_pages: int = PDF_PAGES
    paragraph_characters: int = PARAGRAPH_CHARACTERS
    # Globs of Markdown files in document folders that are not controlled documents (README, index pages).
    not_controlled: list[str] = field(default_factory=list)
    front_matter: FrontMatterMap = field(default_factory=FrontMatterMap)
    record_kind_keys: dict[str, list[str]] = field(default_factory=dict)  # keys a custom record kind allows
    schemas: SchemaSet | None = None
    source: Located | None = None

    def folders(self) -> list[str]:
        """The top-most folders that hold documents (nested ones are inside them; "." is the whole repository)."""
        return self.layout.roots()

    @property
    def layout(self) -> Layout:
        """Which paths are documents: made once, as the history engine asks it for every path."""
        key = (tuple(self.types.values()), tuple(self.not_controlled), self.roles_file, self.people_file)
        cached = self.__dict__.get("_layout")
        if cached is None or cached[0] != key:
            cached = (key, Layout(self.types.values(), self.not_controlled, self.registry_files()))
            self.__dict__["_layout"] = cached
        return cached[1]

    def standard(self, name: str) -> Catalogue | None:
        """The declared standard `name` names (its key, file name or path), if any."""
        return next((c for c in self.standards if name in c.names()), None)

    @property
    def default_standard(self) -> Catalogue:
        return self.standards[0] if self.standards else find(self.clause_catalogue, self.root)

    def registry_files(self) -> set[str]:
        return {self.roles_file, self.people_file}

    def names_an_id(self, text: str) -> bool:
        """Whether `[[text]]` is a reference: the text is an id of a configured type (records included).

        Anything else in double brackets (a citation `[[1]]`, a clause note `[[62304:4.3.a]]`) is plain text.
        """
        return any(spec.id_pattern.fullmatch(text) for spec in self.types.values())


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds qms.yml."""
    if not start.is_dir():
        raise UsageError(f"{start} is not a folder")
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise NotAQmsRepositoryError(
        f"{start} is not a QMS repository: no {CONFIG_NAME} here or in any parent folder. "
        f"To start one, add a {CONFIG_NAME} at the top of the repository "
        "(the README's 'Settings: qms.yml' section shows a minimal one), or run `qms init`."
    )


def load_config(start: Path) -> Config:
    root = find_root(start)
    return config_from(root, (root / CONFIG_NAME).read_bytes())


def config_from(root: Path, raw: bytes) -> Config:
    """The settings in `raw`, the bytes of the qms.yml at `root` (the working tree's, or a commit's)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{CONFIG_NAME}:{line}: is not UTF-8 text; save it as UTF-8") from None
    parsed = parse_yaml(text.replace("\r\n", "\n"))
    if parsed.problems:
        problem = parsed.problems[0]
        raise ConfigError(f"{CONFIG_NAME}:{problem.line or 1}: {problem.full_message}")
    data = parsed.value if parsed.value is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG_NAME}:1: must be a set of key: value settings, not {type(data).__name__}")
    located = Located(CONFIG_NAME, data, parsed.lines)
    schemas = SchemaSet(root / "schemas")
    for line, message, hint in schemas.errors("qms", located):
        raise ConfigError(f"{CONFIG_NAME}:{line}: {message}" + (f"; {hint}" if hint else ""))
    return _build(root, data, located, schemas)


def _build(root: Path, data: dict[str, Any], located: Located, schemas: SchemaSet) -> Config:
    named = data.get("types") or {}
    types: dict[str, TypeSpec] = {}
    for name, spec in {**DEFAULT_TYPES, **named}.items():
        default = DEFAULT_TYPES.get(name, {})
        if "id_pattern" not in spec and not default:
            raise ConfigError(f"{CONFIG_NAME}:{located.line_of(('types', name))}: the type {name} needs an id_pattern, "
                              "such as 'SOP-\\d{3}'")
        if not default and not (spec.get("folder") or spec.get("paths")):
            raise ConfigError(f"{CONFIG_NAME}:{located.line_of(('types', name))}: say where documents of type {name} "
                              f"are: give it a folder (folder: {name}) or globs (paths: [\"{name}/**/*.md\"])")
        try:
            pattern = id_regex(spec.get("id_pattern") or default["id_pattern"])
        except re.error as exc:
            line = located.line_of(("types", name, "id_pattern"))
            raise ConfigError(
                f"{CONFIG_NAME}:{line}: id_pattern of {name} is not a valid regular expression ({exc})"
            ) from None
        paths = tuple(spec.get("paths") or ())
        # A type found by globs has no folder of its own unless one is given; a default type keeps its folder.
        folder = spec.get("folder") or (static_prefix(paths[0]) if paths else default.get("folder", "."))
        types[name] = TypeSpec(name, folder.strip("/") or ".", pattern, paths, tuple(spec.get("extra_keys") or ()),
                               name in named)
    config = Config(
        root=root,
        organisation=data["organisation"],
        types=types,
        schemas=schemas,
        source=located,
    )
    for key, attr in (
        ("language", "language"),
        ("revision_scheme", "revision_scheme"),
        ("review_months", "review_months"),
        ("audit_months", "audit_months"),
        ("record_kinds", "record_kinds"),
        ("roles", "roles_file"),
        ("people", "people_file"),
        ("clause_catalogue", "clause_catalogue"),
        ("ignore", "ignore"),
        ("baseline", "baseline"),
        ("merge", "merge"),
    ):
        if key in data and data[key] is not None:
            setattr(config, attr, data[key])
    config.not_controlled = list(data.get("not_controlled") or [])
    mapping = data.get("front_matter") or {}
    config.front_matter = FrontMatterMap(dict(mapping.get("keys") or {}), dict(mapping.get("status") or {}))
    config.record_kind_keys = {kind: list(keys) for kind, keys in (data.get("record_kind_keys") or {}).items()}
    config.standards, config.declares_standards = _standards(root, data, located)
    config.claims_coverage = bool(data.get("standards"))
    config.exclusions = {str(k): {str(n): str(why) for n, why in (v or {}).items()}
                         for k, v in (data.get("exclusions") or {}).items()}
    site = data.get("site") or {}
    config.site_logo = site.get("logo")
    config.site_colour = site.get("colour")
    config.snippet_urls = [u for u in site.get("snippet_urls") or [] if isinstance(u, str) and u]
    limits = data.get("limits") or {}
    config.pdf_pages = int(limits.get("pdf_pages", config.pdf_pages))
    config.paragraph_characters = int(limits.get("paragraph_characters", config.paragraph_characters))
    review = data.get("review") or {}
    config.review_types = {str(k): int(v) for k, v in (review.get("types") or {}).items()}
    config.review_categories = {str(k): int(v) for k, v in (review.get("categories") or {}).items()}
    config.acknowledge_days = data.get("acknowledge_days")
    approvals = data.get("approvals") or {}
    config.require_signature = bool(approvals.get("require_signature", False))
    control = approvals.get("control")
    config.control_roles = [str(r) for r in control] if isinstance(control, list) else None
    return config


def _standards(root: Path, data: dict[str, Any], located: Located) -> tuple[list[Catalogue], bool]:
    """The declared standards, the default first: clause_catalogue when set (as before), else the first
    of standards:, else ISO 9001:2015. Whether qms.yml declared any at all."""
    refs: list[tuple[str, tuple[Any, ...]]] = [(str(ref), ("standards", i)) for i, ref in enumerate(data.get("standards") or [])]
    if data.get("clause_catalogue"):
        refs.insert(0, (str(data["clause_catalogue"]), ("clause_catalogue",)))
    declared = bool(refs)
    if not refs:
        refs = [("iso9001-2015", ())]
    found: list[Catalogue] = []
    for ref, path in refs:
        try:
            catalogue = find(ref, root)
        except ConfigError as exc:
            message = str(exc)
            if path and message.startswith(f"{CONFIG_NAME}: "):  # name the line; a catalogue file's own error names its own
                message = f"{CONFIG_NAME}:{located.line_of(path)}: " + message.removeprefix(f"{CONFIG_NAME}: ")
            raise ConfigError(message) from None
        if any(c.key == catalogue.key for c in found):
            if any(c == catalogue for c in found):
                continue  # clause_catalogue also listed under standards
            raise ConfigError(f"{CONFIG_NAME}:{located.line_of(path)}: two standards share the key "
                              f"'{catalogue.key}'; give your own catalogue file another key")
        found.append(catalogue)
    return found, declared
