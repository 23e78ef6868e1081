"""`qms init` and `qms new`: start a QMS repository, and add a numbered document to one.

`qms init` writes the blank ISO 9001:2015 set (English or Chinese) or copies the sample office,
adds templates, CI files and a pre-commit configuration, and makes the first commit under the
user's own git identity. `qms new` renders a template (the repository's `templates/` first, then
qmskit's) in the sandbox, with the next free id, and writes the file where its type lives.
Neither ever replaces a file that exists.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qms import REPOSITORY, __version__, safewrite
from qms.commands.templating import TemplateProblem, Templates
from qms.errors import NotAQmsRepositoryError, QmsError, UsageError
from qms.git.runner import git_process
from qms.load.config import CONFIG_NAME, Config, find_root
from qms.load.reader import schema_findings
from qms.model import Document
from qms.text.dates import current_day
from qms.text.frontmatter import SplitProblem, split_front_matter
from qms.text.idgen import next_id, numbers
from qms.text.revisions import FIRST
from qms.text.suggest import did_you_mean, not_a_document
from qms.text.yamlsafe import parse_yaml
from qms.workspace import Workspace

PACKAGE = Path(__file__).resolve().parent.parent  # the qms package: its skeleton, templates and sample
LANGUAGES = ("en", "zh")
# The sample office, as `qms demo` replays it: these are copied by `qms init --example`.
SAMPLE_FILES = (".gitignore", "qms.yml", "mkdocs.yml", "manual", "procedures", "records", "schemas", "portal", "docs/guides")
# Files shared by every new repository, and where each goes.
COMMON = {"gitignore": ".gitignore", "github-workflow.yml.j2": ".github/workflows/qms.yml",
          "github-due.yml.j2": ".github/workflows/qms-due.yml",
          "gitlab-ci.yml.j2": ".gitlab-ci.yml", "pre-commit-config.yaml.j2": ".pre-commit-config.yaml",
          "gitkeep": "records/.gitkeep"}
# A user's own copies of these are kept rather than refused (a fresh clone from a forge often has them).
BASELINE_TAG = "qms-baseline"
KEPT_IF_PRESENT = {".gitignore", "README.md"}


class ScaffoldError(QmsError):
    """`qms init` or `qms new` cannot do what was asked; nothing was written."""


@dataclass
class InitResult:
    root: Path
    written: list[str]
    kept: list[str]
    commit: str
    author: str
    example: bool
    language: str
    organisation: str = ""
    # No --organisation: the name was made from the folder's name.
    organisation_from_folder: bool = False


@dataclass
class NewResult:
    id: str
    path: str
    template: str
    next_steps: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- qms init

def init_repository(target: Path, example: bool = False, language: str = "en", organisation: str | None = None) -> InitResult:
    if language not in LANGUAGES:
        raise UsageError(f"--lang must be one of {', '.join(LANGUAGES)} (found '{language}')")
    if example and language != "en":
        raise UsageError("the example is the sample office as it is written (in English, with some Chinese "
                         "documents); for a Chinese QMS start from the blank set: qms init --lang zh")
    target = target.absolute()
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} is a file, not a folder; give a new or empty folder")
    if (target / CONFIG_NAME).exists():
        raise ScaffoldError(f"{target} already holds a QMS ({CONFIG_NAME}); qms init never writes over one")
    existing = next(p for p in (target, *target.parents) if p.is_dir())
    try:
        outer = find_root(existing)
    except NotAQmsRepositoryError:
        outer = None
    if outer is not None:
        raise ScaffoldError(f"{target} is inside the QMS at {outer}; start a new QMS in a folder of its own")
    if shutil.which("git") is None:
        raise ScaffoldError("git is not installed or not on PATH; a QMS is a git repository, so install git first")
    top = _git(existing, "rev-parse", "--show-toplevel", check=False)
    if top.returncode == 0 and Path(top.stdout.strip()).resolve() != target.resolve():
        raise ScaffoldError(f"{target} is inside the git repository {top.stdout.strip()}; a QMS is a git repository "
                            "of its own, so choose a folder outside it (or run qms init at its top)")
    name, email = _identity(existing)
    from_folder = not example and not (organisation and organisation.strip())
    organisation = _title(target.name) if from_folder else (organisation or "").strip()

    now = datetime.now(timezone.utc).replace(microsecond=0)
    files = _example_files(now) if example else _blank_files(language, organisation, name, email)
    context = {"version": __version__, "language": language, "example": example, "repository": REPOSITORY,
               "action": REPOSITORY.removeprefix("https://github.com/")}
    files.update(_rendered(PACKAGE / "skeleton" / "common", COMMON, context))
    files.update(_rendered(PACKAGE / "skeleton" / language, {"README.md.j2": "README.md",
                                                            "templates-README.md.j2": "templates/README.md",
                                                            "schemas-README.md.j2": "schemas/README.md"},
                           {**context, "organisation": organisation}))
    for template in sorted((PACKAGE / "templates" / language).glob("*.j2")):
        files[f"templates/{template.name}"] = template.read_bytes()

    kept = sorted(rel for rel in files if (target / rel).exists() and rel in KEPT_IF_PRESENT)
    clashes = sorted(rel for rel in files if (target / rel).exists() and rel not in KEPT_IF_PRESENT)
    if clashes:
        raise ScaffoldError(f"{target} already has {', '.join(clashes[:5])}{' ...' if len(clashes) > 5 else ''}; "
                            "qms init never writes over a file, so start in a new or empty folder")
    written = [rel for rel in files if rel not in kept]
    message = ("Start the quality management system from the qmskit example" if example
               else "Start the quality management system with qms init") + f"\n\nqmskit {__version__}\n"
    commit = _Commit(written, message, now.isoformat())
    # The tree is built aside and renamed into place, so a killed init leaves the folder as it was, or whole.
    fresh = not target.exists() or not any(target.iterdir())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Inside an existing repository the folder is built in its git folder; elsewhere beside the target.
        with safewrite.folder_aside(target / CONFIG_NAME if top.returncode == 0 else target) as staging:
            for rel in written:
                path = staging / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(files[rel])
            if fresh:
                # A new repository is committed before it moves in: it appears whole, first commit and all.
                _git(staging, "init", "--quiet", "--initial-branch=main")
                commit.make(staging, target)
                safewrite.move_into_place(staging, target)
            else:
                safewrite.move_beside(staging, target)
    except safewrite.TargetExistsError as exc:
        raise ScaffoldError(str(exc)) from None
    except OSError as exc:
        raise ScaffoldError(f"cannot write the new QMS into {target}: {exc.strerror or exc}"
                            + ("; nothing was changed there" if fresh else "")) from None
    if not fresh:
        if top.returncode != 0:
            _git(target, "init", "--quiet", "--initial-branch=main")
        commit.make(target, target)
    sha = _git(target, "rev-parse", "HEAD").stdout.strip()
    if example:
        _git(target, "tag", BASELINE_TAG, sha)
    return InitResult(target, written, kept, sha, f"{name} <{email}>", example, language, organisation, from_folder)


@dataclass
class _Commit:
    """The first commit of a new QMS, under the user's own git identity."""

    paths: list[str]
    message: str
    stamp: str

    def make(self, where: Path, target: Path) -> None:
        _git(where, "add", "--", *self.paths)
        commit = _git(where, "-c", "user.useConfigOnly=true", "commit", "--quiet", "-F", "-", "--", *self.paths,
                      stdin=self.message, env={"GIT_AUTHOR_DATE": self.stamp, "GIT_COMMITTER_DATE": self.stamp},
                      check=False)
        if commit.returncode != 0:
            raise ScaffoldError(f"git could not commit the new QMS in {target}: "
                                f"{commit.stderr.strip() or commit.stdout.strip()}"
                                + ("; nothing was written" if where != target else "; commit the files yourself"))


def _identity(where: Path) -> tuple[str, str]:
    """The user's configured git name and email. Refuses git's guesses (user@hostname)."""
    idents = []
    for var in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        proc = _git(where, "-c", "user.useConfigOnly=true", "var", var, check=False)
        match = re.match(r"^(?P<name>.+) <(?P<email>[^>]+)> \d+ [+-]\d{4}$", proc.stdout.strip(), re.ASCII)
        if proc.returncode != 0 or match is None:
            raise ScaffoldError(
                "git does not know who you are, and the first commit of a QMS must carry your own name, since git "
                "is the record of who wrote and approved what. Nothing was written. Tell git, then run qms init "
                'again:\n  git config --global user.name "Your Name"\n  git config --global user.email you@example.org')
        idents.append((match["name"], match["email"]))
    return idents[0]


def _example_files(now: datetime) -> dict[str, bytes]:
    sample = sample_root()
    files: dict[str, bytes] = {}
    for name in SAMPLE_FILES:
        source = sample / name
        paths = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        for path in paths:
            rel = path.relative_to(sample)
            if "__pycache__" not in rel.parts:
                files[rel.as_posix()] = path.read_bytes()
    # The sample's documents were approved before they came into git: the adoption baseline is the
    # first commit, tagged by qms init, so every change after it follows the approval rules. A tag, not a
    # date: a later commit with a back-dated committer date could not move it.
    settings = files["qms.yml"].decode("utf-8")
    line = f"baseline: {BASELINE_TAG}  # the tag qms init put on the first commit"
    settings, found = re.subn(r"(?m)^baseline:.*$", line, settings)
    files["qms.yml"] = (settings if found else settings.rstrip("\n") + "\n\n" + line + "\n").encode("utf-8")
    return files


def _blank_files(language: str, organisation: str, name: str, email: str) -> dict[str, bytes]:
    person = _slug(name) or _slug(email.split("@")[0]) or "me"
    context = {"organisation": organisation, "language": language, "today": current_day().isoformat(),
               "person": {"id": person, "name": name, "email": email},
               "revision": FIRST["letter-number" if language == "zh" else "integer"]}
    folder = PACKAGE / "skeleton" / language / "blank"
    return _rendered(folder, {p.relative_to(folder).as_posix(): p.relative_to(folder).as_posix().removesuffix(".j2")
                              for p in sorted(folder.rglob("*.j2"))}, context)


def _rendered(folder: Path, names: dict[str, str], context: dict[str, Any]) -> dict[str, bytes]:
    """Shipped files: `.j2` ones rendered with `context`, others copied."""
    templates = Templates([folder], folder)
    return {dest: (templates.render(src, context).encode("utf-8") if src.endswith(".j2") else (folder / src).read_bytes())
            for src, dest in names.items()}


def sample_root() -> Path:
    """The sample office: packaged with qmskit (qms/sample), or the source checkout qmskit runs from."""
    for candidate in (PACKAGE / "sample", PACKAGE.parent):
        if (candidate / CONFIG_NAME).is_file() and (candidate / "manual").is_dir():
            return candidate
    raise ScaffoldError("this installation of qmskit does not include the sample office; reinstall qmskit "
                        "(pip install --force-reinstall qmskit) or start from the blank set: qms init")


# ---------------------------------------------------------------- qms new

def new_document(workspace: Workspace, doc_type: str, title: str, parent: str | None = None, kind: str | None = None,
                 procedure: str | None = None, owner: str | None = None, approvers: list[str] | None = None,
                 doc_id: str | None = None) -> NewResult:
    planned = plan_new_document(workspace, doc_type, title, parent, kind, procedure, owner, approvers, doc_id)
    write_new(workspace.config.root / planned.result.path, planned.text.encode("utf-8"))
    return planned.result


@dataclass
class PlannedNew:
    """A new document as `qms new` would write it: where, and its whole text."""

    result: NewResult
    text: str


def plan_new_document(workspace: Workspace, doc_type: str, title: str, parent: str | None = None, kind: str | None = None,
                      procedure: str | None = None, owner: str | None = None, approvers: list[str] | None = None,
                      doc_id: str | None = None, body: str | None = None, command: str | None = None) -> PlannedNew:
    """The new document's path and text, checked as `qms new` checks them, without writing anything.

    With `body`, the template's front-matter is kept and its body replaced (`qms import` brings its own text).
    """
    config = workspace.config
    if doc_type not in config.types:
        raise UsageError(f"'{doc_type}' is not a document type of this QMS; the types are {', '.join(config.types)}"
                         f"{did_you_mean(doc_type, list(config.types))}")
    if not title.strip():
        raise UsageError("give the new document a title: --title \"...\"")
    docs = workspace.documents
    by_id = docs.by_id()
    spec = config.types[doc_type]
    is_record = doc_type == "record"
    kinds = ", ".join(config.record_kinds)
    if is_record and kind is None:
        raise UsageError(f"a record needs --kind, one of {kinds}")
    if is_record and kind not in config.record_kinds:
        raise UsageError(f"'{kind}' is not a record kind of this QMS{did_you_mean(kind, config.record_kinds) or '.'} "
                         f"The kinds are {kinds}; a new kind goes in record_kinds in {CONFIG_NAME}")
    if is_record and not procedure:
        raise UsageError("a record is evidence for a procedure: name it with --procedure, for example --procedure QP-11")
    related = {}
    for option, value in (("--parent", parent), ("--procedure", procedure)):
        if value is not None:
            found = by_id.get(value)
            if found is None:
                raise UsageError(f"{option} {value}: " + not_a_document(value, [d for d, f in by_id.items() if not f.is_record]))
            if found.is_record:
                raise UsageError(f"{option} {value}: {value} ({found.path}) is a record; name a procedure")
            related[option] = found
    today = current_day()
    taken = [d.id for d in docs.documents if d.id]
    if doc_id is None:
        doc_id = next_id(spec.id_pattern.pattern, taken, numbers(parent) if parent else [], today.year, doc_type)
    elif doc_id in taken:
        raise UsageError(f"--id {doc_id} is taken; leave out --id for the next free one, "
                         f"{_id_example(workspace, doc_type, taken, parent, today.year)}")
    elif not spec.id_pattern.fullmatch(doc_id):
        raise UsageError(f"--id {doc_id} is not an id of a {doc_type} in this QMS; "
                         f"{_id_example(workspace, doc_type, taken, parent, today.year)}")
    source = related.get("--parent") or related.get("--procedure")
    defaults = _defaults(config, doc_type)
    owner = owner or defaults.get("owner") or (source.data.get("owner") if source else None)
    approvers = approvers or defaults.get("approvers") or (source.data.get("approvers") if source else None)
    if not owner or (not is_record and not approvers):
        missing = "--owner ROLE" if not owner else "--approver ROLE"
        raise UsageError(f"say who {'owns' if not owner else 'approves'} the new {doc_type}: give {missing}, or set "
                         f"defaults: {{{doc_type}: {{owner: ROLE, approvers: [ROLE]}}}} in {CONFIG_NAME}")
    roles = {r.id for r in docs.roles}
    unknown = [r for r in [owner, *(approvers or [])] if r not in roles]
    if unknown:
        raise UsageError(f"{', '.join(unknown)} is not a role in {config.roles_file}; the roles are {', '.join(sorted(roles))}")

    folder = f"{spec.folder}/{today.year}" if is_record else spec.folder
    slug = _slug(title, words=6, cjk=True)
    rel = f"{folder}/{doc_id.lower()}{'-' + slug if slug else ''}.md"
    # A path built from an id never leaves the type's folder, though a pattern such as .+ allows ../ in the id.
    home = config.root / spec.folder
    if not (safewrite.within(config.root, home) and safewrite.within(home, config.root / rel)):
        raise UsageError(f"--id {doc_id} would put the new file at {rel}, outside {spec.folder}/, the folder of "
                         f"a {doc_type}; give an id without '..' that keeps it there")
    if (config.root / rel).exists():
        raise ScaffoldError(f"{rel} already exists; qms {command or ('import' if body is not None else 'new')} never "
                            "writes over a file")

    language = "zh" if config.language.lower().startswith("zh") else "en"
    templates = Templates([config.root / "templates", PACKAGE / "templates" / language], config.root)
    names = [f"record-{kind}.md.j2", "record.md.j2"] if is_record else [f"{doc_type}.md.j2", "document.md.j2"]
    name = next((n for n in names if templates.has(n)), None)
    if name is None:
        raise ScaffoldError(f"no template for a {doc_type}: add templates/{names[0]} (qmskit's own are in its "
                            "templates folder)")
    context = {"id": doc_id, "title": title.strip(), "type": doc_type, "kind": kind, "revision": FIRST[config.revision_scheme],
               "owner": owner, "approvers": list(approvers or []), "today": today.isoformat(), "year": today.year,
               "organisation": config.organisation, "language": config.language,
               "distribution": list(defaults.get("distribution") or []), "retention": defaults.get("retention") or "3y",
               "parent": _brief(related.get("--parent")), "procedure": _brief(related.get("--procedure")),
               "references": [d.id for d in related.values()]}
    text = templates.render(name, context)
    if body is not None:
        text = _with_body(text, body, templates.display(templates.source_of(name)))
    _validate(config, rel, text, templates.display(templates.source_of(name)))
    return PlannedNew(NewResult(doc_id, rel, name, _next_steps(doc_id, rel, title.strip(), is_record, approvers or [])), text)


def _with_body(text: str, body: str, template: str) -> str:
    """The rendered template's front-matter (up to its closing ---) followed by `body`."""
    try:
        split = split_front_matter(text)
    except SplitProblem as problem:
        raise TemplateProblem(f"{template} gives a document that {problem.full_message}") from None
    head = text[: len(text) - len(split.body)]  # the body is what follows the closing fence's line
    return head.rstrip("\n") + "\n\n" + body.lstrip("\n")


def _defaults(config: Config, doc_type: str) -> dict[str, Any]:
    data = config.source.data if config.source is not None else {}
    found = (data.get("defaults") or {}).get(doc_type) or {}
    return found if isinstance(found, dict) else {}


def _brief(doc: Document | None) -> dict[str, str] | None:
    return {"id": doc.id or "", "title": doc.title, "path": doc.path} if doc is not None else None


def _validate(config: Config, rel: str, text: str, template: str) -> None:
    """Refuse to write what `qms check` would reject for its front-matter: the template is at fault."""
    try:
        split = split_front_matter(text)
    except SplitProblem as problem:
        raise TemplateProblem(f"{template} gives a document that {problem.full_message}") from None
    parsed = parse_yaml(split.yaml_text, split.yaml_line)
    problems = [f"line {p.line}: {p.full_message}" for p in parsed.problems]
    if not problems and isinstance(parsed.value, dict):
        doc = Document(rel, parsed.value, parsed.lines, 1, split.body, split.body_line)
        problems = [f"line {f.line}: {f.full_message}" for f in schema_findings(config, doc)]
    elif not problems:
        problems = ["the front-matter is not key: value lines"]
    if problems:
        raise TemplateProblem(f"{template} gives a document that qms check would reject, so nothing was written: "
                              + "; ".join(problems))


def _next_steps(doc_id: str, rel: str, title: str, is_record: bool, approvers: list[str]) -> list[str]:
    commit = f'git add {rel} && git commit -m "{"Open" if is_record else "Draft"} {doc_id}: {title}"'
    if is_record:
        return [f"Fill in {rel}.", "Run qms check.", commit,
                "Set status: closed when the record is complete; a closed record is never edited again."]
    return [f"Write the text of {rel}.", "Run qms check.", commit,
            "When it is ready, set status: review, commit, and ask a holder of "
            f"{' and '.join(approvers)} to run: qms approve {doc_id}"]


# ---------------------------------------------------------------- helpers

def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet; a file that appears meanwhile is left as it is."""
    try:
        safewrite.write_new(path, data)
    except safewrite.TargetExistsError as exc:
        raise ScaffoldError(str(exc)) from None


def _git(cwd: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
         check: bool = True) -> GitRun:
    proc = git_process(cwd, *args, stdin=stdin.encode("utf-8") if stdin is not None else None, env=env)
    run = GitRun(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
    if check and run.returncode != 0:
        raise ScaffoldError(f"git {args[0]} failed in {cwd}: {run.stderr.strip() or run.stdout.strip()}")
    return run


@dataclass(frozen=True)
class GitRun:
    returncode: int
    stdout: str
    stderr: str


def _id_example(workspace: Workspace, doc_type: str, taken: list[str], parent: str | None, year: int) -> str:
    """How an id of this type is written: the next free one, or the ones in use (never the raw pattern)."""
    spec = workspace.config.types[doc_type]
    try:
        return f"the next free one is {next_id(spec.id_pattern.pattern, taken, numbers(parent) if parent else [], year, doc_type)}"
    except UsageError:
        pass
    mine = sorted(d.id for d in workspace.documents.documents if d.id and d.type == doc_type and spec.id_pattern.fullmatch(d.id))
    if mine:
        return f"the {doc_type} ids in use are {', '.join(mine[:3])}{' ...' if len(mine) > 3 else ''}"
    return f"its form is set by types: {doc_type}: id_pattern in qms.yml"


# Han (with extensions A and the compatibility block), kana, Hangul: a Chinese or Japanese title keeps its words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"


def _slug(text: str, words: int = 8, cjk: bool = False) -> str:
    """Lower-case ASCII words joined by hyphens; with cjk, runs of CJK characters are words too (qp-15-投诉处理)."""
    return "-".join(re.findall(f"[a-z0-9]+|[{_CJK}]+" if cjk else "[a-z0-9]+", text.lower())[:words])


def _title(folder_name: str) -> str:
    return " ".join(w.capitalize() for w in re.split(r"[-_\s]+", folder_name) if w) or "Our Organisation"
