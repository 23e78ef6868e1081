"""`qms import FILE.docx`: a Word file as a new draft controlled document, its pictures beside it.

The front-matter is what `qms new` writes for the type (its template, defaults, next free id, first
revision, status draft); the body is the Word file's text as Markdown. Pictures go into
`FOLDER/assets/NAME/`, named after the new document, where `qms check` expects pictures. What the
Markdown does not carry faithfully is listed, never dropped without a word. Nothing is ever written
over: the document and its assets folder must not exist yet. With `plan`, nothing is written at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from qms import safewrite
from qms.commands.scaffold import PlannedNew, ScaffoldError, plan_new_document, write_new
from qms.errors import UsageError
from qms.load.word import Picture, RevisionTable, Unconverted, read_word
from qms.text.suggest import did_you_mean

if TYPE_CHECKING:
    from qms.workspace import Workspace


@dataclass
class ImportResult:
    source: str
    id: str
    type: str
    title: str
    path: str  # the new document, relative to the QMS root
    text: str  # its whole text, front-matter and body
    pictures: list[tuple[str, Picture]]  # (path relative to the QMS root, picture)
    revision_table: RevisionTable | None
    warnings: list[Unconverted]
    notes: list[str] = field(default_factory=list)  # choices made for the user: the id, the type
    next_steps: list[str] = field(default_factory=list)
    written: bool = False


def import_word(workspace: Workspace, source: Path, doc_type: str | None = None, doc_id: str | None = None,
                title: str | None = None, owner: str | None = None, approvers: list[str] | None = None,
                plan: bool = False) -> ImportResult:
    shown = str(source)
    if not source.exists():
        raise UsageError(f"{shown} does not exist; give the path of a Word file (.docx)")
    if source.is_dir():
        raise UsageError(f"{shown} is a folder; give one Word file (.docx)")
    if source.suffix.lower() != ".docx":
        raise UsageError(f"{shown} is not a .docx file; qms import reads Word files saved as Word Document (.docx)")
    word = read_word(source, shown)
    config = workspace.config
    notes: list[str] = []
    types = [name for name, spec in config.types.items() if name != "record"]
    if doc_type is None:
        fitting = [name for name in types if word.id and config.types[name].id_pattern.fullmatch(word.id)]
        if len(fitting) != 1:
            found = f"its id {word.id} fits {' and '.join(fitting) or 'no type of this QMS'}" if word.id else "it names no id"
            raise UsageError(f"say which type of document {shown} is ({found}): qms import {shown} --type TYPE, "
                             f"one of {', '.join(types)}")
        doc_type = fitting[0]
        notes.append(f"type {doc_type}: the file's id {word.id} is the id of a {doc_type}")
    elif doc_type == "record":
        raise UsageError("qms import makes controlled documents; a record is written with qms new record")
    elif doc_type not in config.types:
        raise UsageError(f"'{doc_type}' is not a document type of this QMS; the types are {', '.join(types)}"
                         f"{did_you_mean(doc_type, types)}")
    taken = {d.id for d in workspace.documents.documents if d.id}
    if doc_id is None and word.id:
        if not config.types[doc_type].id_pattern.fullmatch(word.id):
            notes.append(f"the file's own number {word.id} is not an id of a {doc_type} in this QMS, so it gets the "
                         "next free id; give --id to choose another")
        elif word.id in taken:
            notes.append(f"the file's own id {word.id} is taken, so it gets the next free id; give --id to choose another")
        else:
            doc_id = word.id
    title = (title or word.title).strip()
    # The path comes first (it names the assets folder the picture links point into), then the text with the body.
    where = plan_new_document(workspace, doc_type, title, owner=owner, approvers=approvers, doc_id=doc_id, body="")
    rel = PurePosixPath(where.result.path)
    assets = rel.parent / "assets" / rel.stem
    planned: PlannedNew = plan_new_document(workspace, doc_type, title, owner=owner, approvers=approvers,
                                            doc_id=where.result.id, body=word.markdown(f"assets/{rel.stem}"))
    pictures = [(str(assets / p.name), p) for p in word.pictures]
    # An assets folder holding exactly these pictures was left by an import stopped before it wrote the document.
    assets_ready = bool(pictures) and _holds_exactly(config.root / assets, word.pictures)
    if pictures and (config.root / assets).exists() and not assets_ready:
        raise ScaffoldError(f"{assets} already exists; qms import never writes over files, so move it away first")
    result = ImportResult(shown, planned.result.id, doc_type, title, planned.result.path, planned.text, pictures,
                          word.revision_table, word.warnings, notes, _next_steps(planned, pictures, word.warnings))
    if plan:
        return result
    if pictures and not assets_ready:
        _write_folder(config.root / assets, word.pictures)
    write_new(config.root / planned.result.path, planned.text.encode("utf-8"))
    result.written = True
    return result


def _holds_exactly(folder: Path, pictures: list[Picture]) -> bool:
    try:
        present = {p.name: p for p in folder.iterdir()}
        return present.keys() == {p.name for p in pictures} and all(
            present[p.name].is_file() and present[p.name].read_bytes() == p.data for p in pictures)
    except OSError:
        return False


def _write_folder(folder: Path, pictures: list[Picture]) -> None:
    """The pictures' folder, built aside and renamed into place: it is there whole, or not at all."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with safewrite.folder_aside(folder) as staging:
            for picture in pictures:
                (staging / picture.name).write_bytes(picture.data)
            safewrite.move_into_place(staging, folder)
    except OSError as exc:
        raise ScaffoldError(f"cannot write the pictures into {folder}: {exc.strerror or exc}; the document was not "
                            "written") from None


def _next_steps(planned: PlannedNew, pictures: list[tuple[str, Picture]], warnings: list[Unconverted]) -> list[str]:
    rel = planned.result.path
    files = " ".join([rel, *({str(PurePosixPath(p).parent) for p, _ in pictures})])
    steps = [f"Read {rel} beside the Word file" + (", above all what is listed as not converted faithfully." if warnings else ".")]
    steps += ["Run qms check.", f'git add {files} && git commit -m "Draft {planned.result.id}: imported from Word"']
    steps += planned.result.next_steps[3:]  # from `qms new`: how it goes for review and approval
    return steps
