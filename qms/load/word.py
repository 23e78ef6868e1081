"""A Word file (.docx) read as what a controlled document needs: Markdown text, pictures, title, id, revision table.

mammoth (the `word` extra) turns the Word file into HTML, and `qms.text.htmlmd` turns that into Markdown.
mammoth keeps the text of what it cannot show (a text box, a field's last result, an inserted tracked
change) and drops some without a word (a deleted tracked change, a comment, headers and footers), so
this module also reads the file's XML itself and lists, as warnings, everything the Markdown does not
carry faithfully. It reads; it never writes: `qms import` (and later `qms adopt`) decide where things go.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from qms.errors import QmsError
from qms.extras import require
from qms.text.htmlmd import Element, html_to_markdown, parse_html, text_of

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Picture types mammoth reports, and the suffix each is saved with.
_SUFFIXES = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/gif": "gif", "image/bmp": "bmp",
             "image/tiff": "tif", "image/svg+xml": "svg", "image/webp": "webp", "image/x-emf": "emf", "image/x-wmf": "wmf"}
_BROWSER_SHOWS = {"png", "jpg", "gif", "svg", "webp", "bmp"}
# An id as offices write them at the start or end of a title: SOP-003, QP-07, WI-07-01, F-07-01, QM-01.
_ID = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{0,7}(?:-[A-Z0-9]{1,8})*-\d{1,6})(?![\w-])")
_SEPARATORS = " \t\u3000:：-–—_.,，、"
# A file that unpacks larger than these is refused before anything is read into memory (a zip bomb, or not a document).
_MAX_XML = 200 * 1024 * 1024
_MAX_TOTAL = 512 * 1024 * 1024
_MAX_PARTS = 5000

# Revision-table headers. Checked in this order, so that "修订内容" (change) is not taken for "修订" (revision).
_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("date", ("date", "日期", "时间")),
    ("approved_by", ("approved", "approver", "approval", "authoris", "authoriz", "批准", "审批", "核准")),
    ("change", ("change", "description", "summary", "reason", "amendment", "内容", "描述", "说明", "摘要", "变更", "更改")),
    ("revision", ("revision", "version", "rev", "issue", "版本", "版次", "修订", "修改", "版号")),
)


# Word's built-in styles mammoth does not map by itself: the document title is the first heading, quotes are quotes,
# a caption is a paragraph.
_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => h2:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='caption'] => p:fresh
p[style-name='Caption'] => p:fresh
"""


_STRUCTURE_STYLE = re.compile(r"head|title|list|bullet|number|toc|quote|code|标题|列表|项目符号|编号|目录|引用", re.I)


class WordFileError(QmsError):
    """The file is not a Word document that can be read; nothing was converted."""


@dataclass(frozen=True)
class Picture:
    name: str  # image1.png: the file name it is saved under, in the document's assets folder
    data: bytes
    content_type: str


@dataclass(frozen=True)
class RevisionRow:
    revision: str
    date: str
    change: str
    approved_by: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class RevisionTable:
    header: tuple[str, ...]
    rows: tuple[RevisionRow, ...]


@dataclass(frozen=True)
class Unconverted:
    """Something in the Word file that the Markdown does not carry faithfully, and what to do about it."""

    path: str
    what: str
    hint: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}; {self.hint}"


@dataclass
class WordDocument:
    path: str
    title: str
    id: str | None
    html: str
    pictures: list[Picture]
    revision_table: RevisionTable | None
    warnings: list[Unconverted] = field(default_factory=list)

    def markdown(self, picture_folder: str = "") -> str:
        """The body as Markdown, each picture linked as `picture_folder/imageN.png` (relative to the document)."""
        prefix = picture_folder.rstrip("/") + "/" if picture_folder else ""
        return html_to_markdown(self.html, lambda src: prefix + src).markdown


def read_word(path: Path, shown: str | None = None) -> WordDocument:
    """Read and convert one .docx file; `shown` is how its path is written in messages (default: as given)."""
    shown = shown or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WordFileError(f"cannot read {shown}: {exc.strerror or exc}") from None
    return convert_word(data, shown)


def convert_word(data: bytes, shown: str) -> WordDocument:
    parts = _open(data, shown)
    mammoth = require("word", "qms import")["mammoth"]
    pictures: list[Picture] = []
    unreadable: list[str] = []

    def save_picture(image: Any) -> dict[str, str]:
        suffix = _SUFFIXES.get((image.content_type or "").lower(), "bin")
        name = f"image{len(pictures) + 1}.{suffix}"
        try:
            with image.open() as stream:
                data = stream.read()
        except Exception as exc:  # a picture linked to a file outside the .docx, or a missing part
            unreadable.append(f"{image.alt_text or 'a picture'} ({type(exc).__name__})")
            return {"src": "", "alt": image.alt_text or ""}
        same = next((p for p in pictures if p.data == data), None)  # one picture shown twice is saved once
        if same is None:
            same = Picture(name, data, image.content_type or "application/octet-stream")
            pictures.append(same)
        return {"src": same.name, "alt": image.alt_text or ""}

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(save_picture),
                                         style_map=_STYLE_MAP)
    except Exception as exc:  # mammoth raises KeyError, ValueError, zip and XML errors for a damaged file
        raise WordFileError(f"{shown} could not be converted: the Word file is damaged or not a Word document "
                            f"({type(exc).__name__}: {exc}); open it in Word, save it again as .docx, and import that") from None
    html: str = result.value
    tree = parse_html(html)
    converted = html_to_markdown(html)
    warnings = _xml_warnings(parts, shown)
    warnings += _picture_warnings(pictures, shown)
    if converted.merged_cells:
        warnings.append(Unconverted(shown, f"a table has merged cells ({converted.merged_cells} cells covered)",
                                    "Markdown tables cannot merge cells: the text is in the first cell of each merge and "
                                    "the cells it covered are empty; check the table reads correctly"))
    if unreadable:
        warnings.append(Unconverted(shown, f"{len(unreadable)} picture(s) could not be read from the file: "
                                    f"{', '.join(unreadable[:5])}", "they are linked to files outside the Word file or "
                                    "missing from it; insert them into the Word file (not as links) and import again, or add "
                                    "them to the assets folder by hand"))
    if converted.file_links:
        listed = ", ".join(converted.file_links[:5]) + (" ..." if len(converted.file_links) > 5 else "")
        warnings.append(Unconverted(shown, f"links to other files by path: {listed}",
                                    "they pointed beside the Word file and lead nowhere in the QMS; replace each with an "
                                    "[[ID]] reference to the document, or a link to its .md file"))
    warnings += _mammoth_warnings(result.messages, shown)
    heading = _first_heading(tree)
    core_title = _core_title(parts)
    found_id = next((m.group(1) for text in (core_title, heading, Path(shown).stem) if text
                     for m in [_ID.search(text)] if m), None)
    title = _without_id(core_title or heading or Path(shown).stem, found_id) or Path(shown).stem
    return WordDocument(shown, title, found_id, html, pictures, revision_table(converted.tables), warnings)


def revision_table(tables: list[list[list[str]]]) -> RevisionTable | None:
    """The first table whose header names a revision, a date, and a change or an approver (in English or Chinese)."""
    for rows in tables:
        if len(rows) < 1:
            continue
        columns: dict[str, int] = {}
        for index, heading in enumerate(rows[0]):
            low = heading.lower()
            for name, words in _COLUMNS:
                if name not in columns and any(w in low for w in words):
                    columns[name] = index
                    break
        if "revision" in columns and "date" in columns and ("change" in columns or "approved_by" in columns):
            body = tuple(RevisionRow(_cell(r, columns, "revision"), _cell(r, columns, "date"), _cell(r, columns, "change"),
                                     _cell(r, columns, "approved_by"), tuple(r))
                         for r in rows[1:] if any(c.strip() for c in r))
            return RevisionTable(tuple(rows[0]), body)
    return None


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return row[index] if index is not None and index < len(row) else ""


# ---------------------------------------------------------------- the file

def _open(data: bytes, shown: str) -> dict[str, bytes]:
    """The XML parts of the Word file (document, footnotes, headers, ...), by name; refuses what is not a .docx."""
    if not data.startswith(b"PK"):
        kind = "an old Word 97-2003 .doc file" if data.startswith(b"\xd0\xcf\x11\xe0") else "not a .docx file (not a zip archive)"
        raise WordFileError(f"{shown} is {kind}; open it in Word or LibreOffice, save it as Word Document (.docx), "
                            "and import that")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_PARTS:
                raise WordFileError(f"{shown} holds {len(infos)} parts, more than a Word document has; it was not read")
            unpacked = sum(i.file_size for i in infos)
            if unpacked > _MAX_TOTAL:
                raise WordFileError(f"{shown} unpacks to {unpacked // (1024 * 1024)} MB, more than a Word document "
                                    f"qmskit imports ({_MAX_TOTAL // (1024 * 1024)} MB); make its pictures smaller in Word, "
                                    "or split it, and import again")
            names = {i.filename for i in infos}
            if "word/document.xml" not in names:
                raise WordFileError(f"{shown} is a zip archive but not a Word document (it has no word/document.xml); "
                                    "save it from Word as .docx and import that")
            parts = {}
            for info in infos:
                if info.filename.endswith(".xml") and (info.filename.startswith("word/") or info.filename == "docProps/core.xml"):
                    if info.file_size > _MAX_XML:
                        raise WordFileError(f"{shown}: {info.filename} unpacks to {info.file_size} bytes, too large to read")
                    parts[info.filename] = archive.read(info)
            return parts
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise WordFileError(f"{shown} is damaged: it cannot be opened as a .docx ({exc}); open it in Word, save it "
                            "again, and import that") from None


def _xml(parts: dict[str, bytes], name: str) -> ElementTree.Element | None:
    data = parts.get(name)
    if data is None:
        return None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None


def _core_title(parts: dict[str, bytes]) -> str:
    core = _xml(parts, "docProps/core.xml")
    found = core.find(_DC_TITLE) if core is not None else None
    return " ".join((found.text or "").split()) if found is not None else ""


def _first_heading(tree: Element) -> str:
    for node in tree.children:
        if isinstance(node, Element) and re.fullmatch(r"h[1-6]", node.tag) and text_of(node).strip():
            return text_of(node).strip()
    return ""


def _without_id(title: str, found_id: str | None) -> str:
    if found_id and found_id in title:
        before, _, after = title.partition(found_id)
        title = f"{before.rstrip(_SEPARATORS)} {after.lstrip(_SEPARATORS)}"
    return " ".join(title.split()).strip(_SEPARATORS)


# ---------------------------------------------------------------- what is not converted

def _xml_warnings(parts: dict[str, bytes], shown: str) -> list[Unconverted]:
    body = _xml(parts, "word/document.xml")
    if body is None:
        raise WordFileError(f"{shown}: word/document.xml is not well-formed XML; open the file in Word, save it again, "
                            "and import that")
    elements = list(_elements(body))
    counts: Counter[str] = Counter(el.tag.removeprefix(_W) for el in elements if el.tag.startswith(_W))
    fields = _fields(elements)
    found: list[Unconverted] = []

    def say(what: str, hint: str) -> None:
        found.append(Unconverted(shown, what, hint))

    inserted, deleted = counts["ins"] + counts["moveTo"], counts["del"] + counts["moveFrom"]
    if inserted or deleted:
        say(f"tracked changes: {inserted} insertion(s) and {deleted} deletion(s) not yet accepted or rejected",
            "the Markdown shows the text as if every change were accepted; accept or reject the changes in Word "
            "(Review > Accept/Reject) and import again, or check the text against the Word file")
    if counts["txbxContent"]:
        say(f"{counts['txbxContent']} text box(es)",
            "their text is placed as a paragraph after the one that holds the box, not where the box was drawn; "
            "move it where it belongs")
    if fields:
        listing = ", ".join(f"{name} ({n})" if n > 1 else name for name, n in sorted(fields.items()))
        say(f"fields: {listing}",
            "each field is kept as the text Word last showed for it (a page number, a date, a cross-reference), "
            "and is not updated any more; replace it with plain text or an [[ID]] reference")
    if counts["commentReference"]:
        say(f"{counts['commentReference']} comment(s)", "comments are not imported; read them in the Word file and "
            "resolve them before the document goes for review")
    objects = counts["object"] + counts["control"] + _count_graphics(elements)
    if objects:
        say(f"{objects} embedded object(s) (charts, SmartArt, OLE objects or form controls)",
            "they are left out; save each as a picture and add it to the assets folder with a link")
    maths = sum(1 for el in elements if el.tag.endswith("}oMath"))
    if maths:
        say(f"{maths} equation(s)", "equations are left out; write them as text or add them as pictures")
    if _numbered_headings(parts, elements):
        say("headings numbered automatically by Word (such as 4.1, 4.2)",
            "the numbers are not part of the text, so the Markdown headings have none; write the numbers into the "
            "headings where the text refers to them")
    headers = [name for name in parts if re.fullmatch(r"word/(header|footer)\d*\.xml", name)]
    texts = sorted({t for name in headers if (t := _plain_text(_xml(parts, name)))})
    if texts:
        shown_texts = "; ".join(f'"{t[:60]}"' for t in texts[:3])
        say(f"headers and footers are not imported (they read {shown_texts})",
            "qmskit prints its own header with the id, revision and status; move any other text into the body")
    return found


def _elements(root: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """Every element, leaving out the fallback copies Word writes for older readers (mc:Fallback), so nothing counts twice."""
    stack = [root]
    while stack:
        element = stack.pop()
        if element.tag == _MC_FALLBACK:
            continue
        yield element
        stack.extend(reversed(list(element)))


def _fields(elements: list[ElementTree.Element]) -> Counter[str]:
    """Fields by kind (PAGE, REF, TOC, DATE...); hyperlinks are converted as links and are not counted."""
    found: Counter[str] = Counter()
    for el in elements:
        instruction = ""
        if el.tag == f"{_W}fldSimple":
            instruction = el.get(f"{_W}instr", "")
        elif el.tag == f"{_W}instrText":
            instruction = el.text or ""
        kind = (instruction.split() or [""])[0].upper()
        if kind and kind != "HYPERLINK":
            found[kind] += 1
    return found


def _numbered_headings(parts: dict[str, bytes], elements: list[ElementTree.Element]) -> bool:
    """Whether any heading used in the document takes a number from Word's numbering, through its style or itself."""
    numbered_styles = set()
    styles = _xml(parts, "word/styles.xml")
    for style in styles.iter(f"{_W}style") if styles is not None else ():
        name = style.find(f"{_W}name")
        if (name is not None and re.match(r"(heading|title)", name.get(f"{_W}val", ""), re.I)
                and style.find(f"{_W}pPr/{_W}numPr") is not None):
            numbered_styles.add(style.get(f"{_W}styleId"))
    for paragraph in elements:
        if paragraph.tag != f"{_W}p":
            continue
        found = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style_id = found.get(f"{_W}val", "") if found is not None else ""
        if style_id in numbered_styles or (re.match(r"heading", style_id, re.I) and paragraph.find(f"{_W}pPr/{_W}numPr") is not None):
            return True
    return False


def _count_graphics(elements: list[ElementTree.Element]) -> int:
    """Drawings that are neither a picture nor a text box: charts, diagrams (SmartArt), shapes, groups of shapes."""
    count = 0
    for el in elements:
        if el.tag == "{http://schemas.openxmlformats.org/drawingml/2006/main}graphicData":
            uri = el.get("uri", "")
            text_box = "wordprocessingShape" in uri and el.find(f".//{_W}txbxContent") is not None
            if not uri.endswith("/picture") and not text_box:
                count += 1
    return count


def _plain_text(root: ElementTree.Element | None) -> str:
    if root is None:
        return ""
    return " ".join("".join(el.text or "" for el in root.iter(f"{_W}t")).split())


def _picture_warnings(pictures: list[Picture], shown: str) -> list[Unconverted]:
    odd = [p.name for p in pictures if p.name.rsplit(".", 1)[-1] not in _BROWSER_SHOWS]
    if not odd:
        return []
    return [Unconverted(shown, f"picture(s) {', '.join(odd)} are in a format browsers do not show (Windows metafile "
                               "or unknown)", "open the Word file, save each as PNG, and replace the file in the assets folder")]


def _mammoth_warnings(messages: list[Any], shown: str) -> list[Unconverted]:
    """mammoth's own warnings; unknown paragraph styles are gathered into one (the text is kept as plain paragraphs)."""
    styles: list[str] = []
    other: list[str] = []
    for message in messages:
        text = str(getattr(message, "message", message))
        style = re.match(r"Unrecognised (?:paragraph|run|table) style: '?(.+?)'? \(Style ID: [^)]*\)$", text)
        if style:
            # A body-text style (No Spacing, Body Text, 正文) is a paragraph; one that looks like structure may not be.
            if _STRUCTURE_STYLE.search(style.group(1)) and style.group(1) not in styles:
                styles.append(style.group(1))
        elif getattr(message, "type", "warning") in ("warning", "error"):
            other.append(text)
    found = [Unconverted(shown, text, "check that part of the document against the Word file") for text in other]
    if styles:
        found.append(Unconverted(shown, f"text in the styles {', '.join(styles[:8])} is kept as plain paragraphs",
                                 "if any of them is a heading or a list, mark it so in the Markdown"))
    return found

