"""A corpus of Word files for the import tests, made with python-docx (and Pillow for the picture).

python-docx writes headings, styles, tables, merged cells and pictures. What it cannot write (a list
numbered on several levels, a footnote, tracked changes, a text box, a field, a comment) is written
as the XML Word itself writes, into the saved file: a paragraph holding a marker such as
`@@INSERTED@@` has its run replaced by the raw XML.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Inches
from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RED = (200, 30, 30)

# One list numbered 1., a., i. on three levels, as Word writes a list whose items are indented with Tab.
_MULTILEVEL = (
    '<w:abstractNum w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
    + "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%{i + 1}."/>'
              f'<w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
              for i, fmt in enumerate(("decimal", "lowerLetter", "lowerRoman")))
    + "</w:abstractNum>")
_MULTILEVEL_NUM = '<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'

INSERTED = ('<w:ins w:id="101" w:author="Zhang Wei" w:date="2025-03-01T10:00:00Z"><w:r><w:t>inserted words</w:t></w:r></w:ins>'
            '<w:r><w:t xml:space="preserve"> and </w:t></w:r>'
            '<w:del w:id="102" w:author="Zhang Wei" w:date="2025-03-01T10:00:00Z">'
            '<w:r><w:delText>deleted words</w:delText></w:r></w:del>')
TEXT_BOX = ('<w:r><w:pict><v:shape id="box1" style="width:200pt;height:50pt"><v:textbox><w:txbxContent>'
            '<w:p><w:r><w:t>Words in a text box</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
FIELD = ('<w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
         '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
         '<w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
COMMENTED = ('<w:commentRangeStart w:id="0"/><w:r><w:t>Commented text</w:t></w:r><w:commentRangeEnd w:id="0"/>'
             '<w:r><w:commentReference w:id="0"/></w:r>')
FOOTNOTE_REF = ('<w:r><w:t>Text with a footnote</w:t></w:r>'
                '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>')
FOOTNOTES_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>The footnote says where the rule comes from.</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>")
COMMENTS_XML = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{W}">'
                '<w:comment w:id="0" w:author="Li Na"><w:p><w:r><w:t>Is this right?</w:t></w:r></w:p></w:comment>'
                "</w:comments>")


_A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
# A text box as Word 2010 and later write it: a drawing shape, with a VML copy for older readers.
MODERN_TEXT_BOX = (
    '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/>'
    f'<wp:docPr id="5" name="Text Box 5"/><a:graphic {_A}><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
    'wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Words in a modern box</w:t></w:r></w:p>'
    '</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:rect><v:textbox><w:txbxContent><w:p><w:r><w:t>Words in a modern box</w:t></w:r></w:p>'
    '</w:txbxContent></v:textbox></v:rect></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
CHART = ('<w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/><wp:docPr id="6" name="Chart 6"/>'
         f'<a:graphic {_A}><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
         '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rIdChart"/>'
         '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def png(colour: tuple[int, int, int] = RED, size: int = 16) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "PNG")
    return out.getvalue()


def _numbered(document: docx.document.Document, text: str, level: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))


def full_document(title: str = "SOP-003 Risk Management", *, revision_table: bool = True,
                  tracked: bool = True, text_box: bool = True, field: bool = True, comment: bool = True) -> bytes:
    """A procedure with every feature the converter handles, and (by default) the ones it can only report."""
    d = docx.Document()
    d.core_properties.title = title
    d.add_heading(title, 1)
    p = d.add_paragraph("Plain text with ")
    p.add_run("bold words").bold = True
    p.add_run(" and ")
    p.add_run("italic words").italic = True
    p.add_run(", a star * and an underscore _ kept as text.")
    if revision_table:
        d.add_heading("Revision history", 2)
        table = d.add_table(rows=3, cols=4)
        for r, row in enumerate((("Revision", "Date", "Description of change", "Approved by"),
                                 ("1", "2023-04-01", "First issue", "Wang Li"),
                                 ("2", "2024-05-20", "Risk matrix added", "Chen Jing"))):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    d.add_heading("Steps", 2)
    _numbered(d, "Identify the risk", 0)
    _numbered(d, "List the causes", 1)
    _numbered(d, "Ask the owner", 2)
    _numbered(d, "Rate each cause", 1)
    _numbered(d, "Record the risk", 0)
    d.add_paragraph("A bullet", style="List Bullet")
    d.add_paragraph("Another bullet", style="List Bullet")
    d.add_heading("Matrix 风险矩阵", 3)
    d.add_paragraph("本程序适用于办公室的全部风险。")
    table = d.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(0, 0).text = "Likelihood and impact"
    d.add_picture(io.BytesIO(png()), width=Inches(1))
    d.add_paragraph("@@FOOTNOTE@@")
    patches = {"@@FOOTNOTE@@": FOOTNOTE_REF}
    for wanted, marker, xml in ((tracked, "@@INSERTED@@", INSERTED), (text_box, "@@TEXTBOX@@", TEXT_BOX),
                                (field, "@@FIELD@@", FIELD), (comment, "@@COMMENT@@", COMMENTED)):
        if wanted:
            d.add_paragraph(marker)
            patches[marker] = xml
    out = io.BytesIO()
    d.save(out)
    return patch(out.getvalue(), patches, comments=comment)


def shapes_document() -> bytes:
    """A text box as Word 2010 writes it (with its fallback copy) and a chart."""
    d = docx.Document()
    d.add_paragraph("Before the box.")
    d.add_paragraph("@@BOX@@")
    d.add_paragraph("@@CHART@@")
    out = io.BytesIO()
    d.save(out)
    return patch(out.getvalue(), {"@@BOX@@": MODERN_TEXT_BOX, "@@CHART@@": CHART})


def chinese_document() -> bytes:
    """A Chinese procedure whose revision table has Chinese headers (版本, 日期, 修订内容, 批准)."""
    d = docx.Document()
    d.add_heading("QP-07 计算机网络管理程序", 1)
    d.add_paragraph("为保证办公网络安全运行，制定本程序。")
    table = d.add_table(rows=3, cols=4)
    for r, row in enumerate((("版本", "日期", "修订内容", "批准人"),
                             ("A/0", "2022-01-10", "首次发布", "王立"),
                             ("A/1", "2023-06-15", "增加备份要求", "陈静"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_heading("职责", 2)
    d.add_paragraph("办公室负责网络的日常维护。")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def linked_picture_document(target: str) -> bytes:
    """A document whose picture is a link to a file outside it (Insert > Picture > Link to File)."""
    data = full_document(tracked=False, text_box=False, field=False, comment=False)
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    parts["word/_rels/document.xml.rels"] = re.sub(r'(Type="[^"]*/image" Target=")[^"]*(")',
                                                   rf'\g<1>{target}" TargetMode="External\2', rels).encode("utf-8")
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"r:embed=", b"r:link=")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def patch(data: bytes, runs: dict[str, str], comments: bool = False) -> bytes:
    """The .docx with each marker's run replaced by raw XML, the multi-level list, the footnote (and comment) parts added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    document = parts["word/document.xml"].decode("utf-8")
    for marker, xml in runs.items():
        document, found = re.subn(rf"<w:r>(?:(?!</w:r>).)*?{re.escape(marker)}(?:(?!</w:r>).)*?</w:r>", lambda _m, x=xml: x,
                                  document, flags=re.S)
        assert found == 1, marker
    parts["word/document.xml"] = document.encode("utf-8")
    numbering = parts["word/numbering.xml"].decode("utf-8")
    numbering = numbering.replace("<w:num ", _MULTILEVEL + "<w:num ", 1).replace("</w:numbering>", _MULTILEVEL_NUM + "</w:numbering>")
    parts["word/numbering.xml"] = numbering.encode("utf-8")
    extra = {"footnotes": FOOTNOTES_XML, **({"comments": COMMENTS_XML} if comments else {})}
    types = parts["[Content_Types].xml"].decode("utf-8")
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    for number, (name, xml) in enumerate(extra.items(), 1):
        parts[f"word/{name}.xml"] = xml.encode("utf-8")
        types = types.replace("</Types>", f'<Override PartName="/word/{name}.xml" ContentType="application/'
                              f'vnd.openxmlformats-officedocument.wordprocessingml.{name}+xml"/></Types>')
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdQms{number}" Type="http://schemas.openxmlformats.org/'
                            f'officeDocument/2006/relationships/{name}" Target="{name}.xml"/></Relationships>')
    parts["[Content_Types].xml"] = types.encode("utf-8")
    parts["word/_rels/document.xml.rels"] = rels.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
