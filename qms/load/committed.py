"""A commit's files into a DocumentSet, as the working tree's walk would have loaded them then (`--as-of`).

The same reader and the same checks as the working tree's loader (qms.load.documents), fed with the
blobs git holds for the commit: nothing is checked out, and the working tree and the index are not read.
The findings about the file system itself (folders that cannot be listed, links out of the repository,
FIFOs) have no counterpart in a commit and are not made.
"""

from __future__ import annotations

from qms.git.log import read_blobs
from qms.load.config import CONFIG_NAME, Config
from qms.load.documents import _UNFIT_NAME, ASSET_FOLDERS, _unfit_name, _unreferenced, people_of, registry_from_text, roles_of
from qms.load.reader import decode_text, load_document
from qms.model import ERROR, DocumentSet, Finding, Person


def load_committed_set(config: Config, files: dict[str, str]) -> DocumentSet:
    """Every document, record, role and person among `files` (path -> blob id, a commit's tree), with the
    F and S findings."""
    docs = DocumentSet(root=str(config.root))
    paths, others = _walk(config, files, docs)
    docs.files_seen = len(paths)
    blobs = read_blobs(config.root, {files[p] for p in paths})
    for rel in paths:
        raw = blobs.get(files[rel])
        if raw is None:
            docs.findings.append(Finding(rel, None, "F001", ERROR, "cannot be read from git's object store"))
            continue
        document = load_document(config, rel, raw, docs.findings)
        if document is not None:
            docs.documents.append(document)
    docs.findings.extend(_unreferenced(docs, others))
    _registries(config, files, docs)
    return docs


def committed_people(config: Config, files: dict[str, str]) -> list[Person]:
    """Just the roster the commit holds."""
    docs = DocumentSet(root=str(config.root))
    _registries(config, files, docs)
    return docs.people


def _walk(config: Config, files: dict[str, str], docs: DocumentSet) -> tuple[list[str], list[str]]:
    """(the Markdown files to load, the other files in the document folders), as the working tree's walk sorts
    them: hidden names and assets/ folders left out, and only what lies in a type's area."""
    layout = config.layout
    roots = layout.roots()
    found: list[str] = []
    others: list[str] = []
    for rel in sorted(files):
        parts = rel.split("/")
        if any(part.startswith(".") for part in parts) or any(part in ASSET_FOLDERS for part in parts[:-1]):
            continue
        if "." not in roots and not any(rel.startswith(folder.rstrip("/") + "/") for folder in roots):
            continue
        if not layout.in_area(rel):
            continue
        if _UNFIT_NAME.search(rel):
            docs.findings.append(_unfit_name(rel))
        elif layout.is_document(rel):
            found.append(rel)
        else:
            others.append(rel)
    return found, others


def _registries(config: Config, files: dict[str, str], docs: DocumentSet) -> None:
    wanted = {rel: files[rel] for rel in (config.roles_file, config.people_file) if rel in files}
    blobs = read_blobs(config.root, set(wanted.values()))
    for rel, schema in ((config.roles_file, "roles"), (config.people_file, "people")):
        raw = blobs.get(wanted.get(rel, ""))
        located = None
        if raw is None:
            what = "roles registry" if schema == "roles" else "people roster"
            line = config.source.lines.get((schema,)) if config.source else None
            docs.findings.append(Finding(CONFIG_NAME, line, "S002", ERROR, f"the {what} '{rel}' does not exist",
                                         f"create it or correct the path in {CONFIG_NAME}"))
        else:
            text = decode_text(rel, raw, docs.findings)
            located = registry_from_text(config, rel, text, schema, docs.findings) if text is not None else None
        if schema == "roles":
            docs.roles_file = located
            docs.roles.extend(roles_of(located) if located is not None else [])
        else:
            docs.people_file = located
            docs.people.extend(people_of(located) if located is not None else [])
