"""Word files into Markdown: the converter on a corpus made with python-docx, and `qms import` in a real QMS."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import markdown
import pytest
import wordcorpus
import yaml
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from markdown_it import MarkdownIt
from qmsrepo import GitQmsRepo

from qms.cli import main
from qms.load.word import WordFileError, convert_word
from qms.text.htmlmd import html_to_markdown

ROLES = ("--owner", "quality-manager", "--approver", "director")


def _html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "footnotes"])


def _element_texts(html: str, tag: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S)]


# ---------------------------------------------------------------- the converter

@pytest.fixture(scope="module")
def full() -> bytes:
    return wordcorpus.full_document()


def test_headings_emphasis_and_chinese_text_survive(full: bytes) -> None:
    html = _html(convert_word(full, "SOP-003.docx").markdown("assets/sop-003"))
    assert _element_texts(html, "h1") == ["SOP-003 Risk Management"]
    assert _element_texts(html, "h2") == ["Revision history", "Steps"]
    assert _element_texts(html, "h3") == ["Matrix 风险矩阵"]
    assert "<strong>bold words</strong>" in html and "<em>italic words</em>" in html
    assert "a star * and an underscore _ kept as text" in html  # Word's text is text, not emphasis
    assert "<p>本程序适用于办公室的全部风险。</p>" in html


@pytest.mark.parametrize("render", [_html, lambda text: MarkdownIt("commonmark").render(text)], ids=["python-markdown", "commonmark"])
def test_nested_numbered_list_keeps_its_depth(full: bytes, render: Callable[[str], str]) -> None:
    html = render(convert_word(full, "SOP-003.docx").markdown())
    nested = re.search(r"<ol>\s*<li>Identify the risk\s*<ol>\s*<li>List the causes\s*<ol>\s*<li>Ask the owner</li>\s*</ol>"
                       r"\s*</li>\s*<li>Rate each cause</li>\s*</ol>\s*</li>\s*<li>Record the risk</li>\s*</ol>", html)
    assert nested, html
    assert re.search(r"<ul>\s*<li>A bullet</li>\s*<li>Another bullet</li>\s*</ul>", html)


def test_tables_become_pipe_tables_and_merged_cells_are_flattened(full: bytes) -> None:
    word = convert_word(full, "SOP-003.docx")
    html = _html(word.markdown())
    assert _element_texts(html, "th")[:4] == ["Revision", "Date", "Description of change", "Approved by"]
    assert _element_texts(html, "th")[4:] == ["Likelihood and impact", "", "r0c2"]
    assert _element_texts(html, "td")[-6:-3] == ["r1c0", "r1c1", "r1c2"]
    assert any("merged cells" in w.what for w in word.warnings)


def test_picture_is_extracted_and_linked(full: bytes) -> None:
    word = convert_word(full, "SOP-003.docx")
    assert [(p.name, p.content_type) for p in word.pictures] == [("image1.png", "image/png")]
    assert word.pictures[0].data == wordcorpus.png()
    assert '<img alt="" src="assets/qp-03/image1.png"' in _html(word.markdown("assets/qp-03"))


def test_footnote_becomes_a_markdown_footnote(full: bytes) -> None:
    text = convert_word(full, "SOP-003.docx").markdown()
    assert "Text with a footnote[^1]" in text
    assert "[^1]: The footnote says where the rule comes from." in text
    html = _html(text)
    assert 'class="footnote"' in html and "↑" not in text


def test_title_and_id_come_from_the_file(full: bytes) -> None:
    word = convert_word(full, "whatever.docx")
    assert (word.title, word.id) == ("Risk Management", "SOP-003")
    chinese = convert_word(wordcorpus.chinese_document(), "网络.docx")  # no title property: the first heading
    assert (chinese.title, chinese.id) == ("计算机网络管理程序", "QP-07")


def test_revision_table_is_found_in_english_and_chinese(full: bytes) -> None:
    table = convert_word(full, "SOP-003.docx").revision_table
    assert table is not None
    assert [(r.revision, r.date, r.change, r.approved_by) for r in table.rows] == [
        ("1", "2023-04-01", "First issue", "Wang Li"), ("2", "2024-05-20", "Risk matrix added", "Chen Jing")]
    chinese = convert_word(wordcorpus.chinese_document(), "网络.docx").revision_table
    assert chinese is not None and chinese.header == ("版本", "日期", "修订内容", "批准人")
    assert [(r.revision, r.change, r.approved_by) for r in chinese.rows] == [("A/0", "首次发布", "王立"),
                                                                             ("A/1", "增加备份要求", "陈静")]
    assert convert_word(wordcorpus.full_document(revision_table=False), "x.docx").revision_table is None


def test_what_is_not_converted_faithfully_is_listed(full: bytes) -> None:
    warnings = convert_word(full, "in/SOP-003.docx").warnings
    said = "\n".join(str(w) for w in warnings)
    assert all(str(w).startswith("in/SOP-003.docx: ") for w in warnings)
    assert "tracked changes: 1 insertion(s) and 1 deletion(s)" in said and "Accept/Reject" in said
    assert "1 text box(es)" in said
    assert "fields: PAGE" in said
    assert "1 comment(s)" in said
    clean = convert_word(wordcorpus.full_document(tracked=False, text_box=False, field=False, comment=False), "x.docx")
    assert [w.what for w in clean.warnings] == ["a table has merged cells (1 cells covered)"]
    assert convert_word(wordcorpus.chinese_document(), "x.docx").warnings == []


def test_a_modern_text_box_counts_once_and_a_chart_is_listed() -> None:
    word = convert_word(wordcorpus.shapes_document(), "shapes.docx")
    said = [w.what for w in word.warnings]
    assert "1 text box(es)" in said, said
    assert any(w.startswith("1 embedded object(s)") for w in said), said
    assert word.markdown().count("Words in a modern box") == 1


def test_word_styles_title_quote_and_unknown_ones() -> None:
    d = docx.Document()
    d.add_heading("QM-01 The Manual", 0)  # the Title style
    d.add_paragraph("Said once", style="Intense Quote")
    d.add_paragraph("Plain body", style="Body Text")
    styled = d.add_paragraph("Looks like a heading")
    styled.style = d.styles.add_style("Office Heading", WD_STYLE_TYPE.PARAGRAPH)
    out = io.BytesIO()
    d.save(out)
    word = convert_word(out.getvalue(), "m.docx")
    assert (word.title, word.id) == ("The Manual", "QM-01")
    assert word.markdown() == "# QM-01 The Manual\n\n> Said once\n\nPlain body\n\nLooks like a heading\n"
    assert [w.what for w in word.warnings] == ["text in the styles Office Heading is kept as plain paragraphs"]


def test_headings_numbered_by_word_are_listed() -> None:
    d = docx.Document()
    d.add_heading("Purpose", 1)._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'))
    d.add_paragraph("Why.")
    out = io.BytesIO()
    d.save(out)
    said = [w.what for w in convert_word(out.getvalue(), "n.docx").warnings]
    assert said == ["headings numbered automatically by Word (such as 4.1, 4.2)"]
    assert convert_word(wordcorpus.chinese_document(), "c.docx").warnings == []


def test_links_to_other_files_are_listed_and_a_picture_shown_twice_is_saved_once() -> None:
    d = docx.Document()
    paragraph = d.add_paragraph("See ")
    link = parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="rIdOther"><w:r><w:t>SOP-002</w:t></w:r></w:hyperlink>')
    paragraph._p.append(link)
    d.part.rels.add_relationship("http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                                 "SOP-002 Complaints.docx", "rIdOther", is_external=True)
    d.add_picture(io.BytesIO(wordcorpus.png()))
    d.add_picture(io.BytesIO(wordcorpus.png()))
    out = io.BytesIO()
    d.save(out)
    word = convert_word(out.getvalue(), "links.docx")
    assert [w.what for w in word.warnings] == ["links to other files by path: SOP-002 Complaints.docx"]
    assert [p.name for p in word.pictures] == ["image1.png"]
    assert word.markdown("assets/x").count("![](assets/x/image1.png)") == 2


def test_text_of_a_text_box_and_an_insertion_is_kept_and_a_deletion_is_not(full: bytes) -> None:
    text = convert_word(full, "x.docx").markdown()
    assert "Words in a text box" in text and "inserted words" in text and "deleted words" not in text


def test_a_picture_linked_outside_the_file_is_not_read_and_is_listed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(wordcorpus.png((1, 2, 3)))
    word = convert_word(wordcorpus.linked_picture_document(secret.as_uri()), "linked.docx")
    assert word.pictures == [] and "![" not in word.markdown()
    assert any("1 picture(s) could not be read from the file" in w.what for w in word.warnings)


@pytest.mark.parametrize("html, expected", [
    ("<p># not a heading</p>", "\\# not a heading\n"),
    ("<p>1. not a list</p>", "1\\. not a list\n"),
    ("<p>- not a bullet</p>", "\\- not a bullet\n"),
    ("<p>a <b>c</b> [[QP-01]] &lt;script&gt;</p>", "a **c** \\[\\[QP-01\\]\\] &lt;script>\n"),
    ("<p><strong>bold </strong>next</p>", "**bold** next\n"),
    ("<p><a href=\"https://example.org/a b\">site</a></p>", "[site](<https://example.org/a b>)\n"),
    ("<p><img src=\"assets/图 1(a).png\" alt=\"a*b\"></p>", "![a\\*b](assets/图%201%28a%29.png)\n"),
    ("<table><tr><td rowspan=\"2\">a|b</td><td>c</td></tr><tr><td>d</td></tr></table>",
     "| a\\|b | c |\n| --- | --- |\n|  | d |\n"),
    ("<ul><li><p>one</p><p>more</p></li></ul>", "- one\n\n    more\n"),
    ("<ol><li>a</li></ol><ul><li>b</li></ul>", "1. a\n\n<!-- -->\n\n- b\n"),
])
def test_html_to_markdown_pieces(html: str, expected: str) -> None:
    assert html_to_markdown(html).markdown == expected


def test_a_rowspan_counts_as_merged_cells() -> None:
    converted = html_to_markdown("<table><tr><td rowspan=\"3\" colspan=\"2\">a</td><td>b</td></tr>"
                                 "<tr><td>c</td></tr><tr><td>d</td></tr></table>")
    assert converted.merged_cells == 5
    assert converted.tables == [[["a", "", "b"], ["", "", "c"], ["", "", "d"]]]


@pytest.mark.parametrize("data, says", [
    (b"plain text, not a Word file", "not a .docx file (not a zip archive)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "an old Word 97-2003 .doc file"),
    (b"PK\x03\x04 cut short", "is damaged"),
])
def test_a_file_that_is_not_a_docx_is_refused_clearly(data: bytes, says: str) -> None:
    with pytest.raises(WordFileError, match=re.escape(says)):
        convert_word(data, "bad.docx")


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(WordFileError, match=r"no word/document\.xml"):
        convert_word(out.getvalue(), "bad.docx")


def test_a_file_that_unpacks_too_large_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qms.load.word._MAX_TOTAL", 10_000)
    monkeypatch.setattr("mammoth.convert_to_html", lambda *a, **k: pytest.fail("the file was converted"))
    with pytest.raises(WordFileError, match="more than a Word document qmskit imports"):
        convert_word(wordcorpus.full_document(), "big.docx")


# ---------------------------------------------------------------- qms import

def _docx(tmp_path: Path, name: str, data: bytes) -> str:
    return str(wordcorpus.write(tmp_path / "word", name, data))


def test_import_writes_a_draft_with_its_picture_and_qms_check_passes(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    source = _docx(tmp_path, "QP-03 Risk Management.docx", wordcorpus.full_document("QP-03 Risk Management"))
    run = git_repo.qms("import", source, *ROLES)
    assert run.code == 0, run.stderr
    rel = "procedures/qp-03-risk-management.md"
    assert f"Created {rel} (QP-03, procedure: Risk Management)" in run.stdout
    for said in ("tracked changes", "text box", "fields: PAGE", "comment", "merged cells", "Revision table found (2 rows)"):
        assert said in run.stdout
    text = git_repo.read(rel)
    assert text.startswith("---\nid: QP-03\ntitle: Risk Management\ntype: procedure\nrevision: 1\nstatus: draft\n")
    assert "owner: quality-manager\napprovers: [director]\n" in text
    assert "![](assets/qp-03-risk-management/image1.png)" in text
    picture = git_repo.root / "procedures/assets/qp-03-risk-management/image1.png"
    assert picture.read_bytes() == wordcorpus.png()
    assert "    1. List the causes\n        1. Ask the owner" in text
    check = git_repo.check()
    assert check.code == 0 and check.findings == [], check.findings
    git_repo.commit("Draft QP-03: imported from Word", who="li-na")
    assert git_repo.check("--history").findings == []


def test_plan_prints_the_document_and_writes_nothing(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    source = _docx(tmp_path, "risk.docx", wordcorpus.full_document("QP-03 Risk Management"))
    run = git_repo.qms("import", source, *ROLES, "--plan")
    assert run.code == 0, run.stderr
    assert "Would create procedures/qp-03-risk-management.md" in run.stdout
    assert "Would create procedures/assets/qp-03-risk-management/image1.png" in run.stdout
    assert "\nid: QP-03\n" in run.stdout and "Nothing was written (--plan)." in run.stdout
    assert git_repo.git("status", "--porcelain", "--untracked-files=all") == ""


def test_an_id_that_does_not_fit_gets_the_next_free_one_and_says_so(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    source = _docx(tmp_path, "sop.docx", wordcorpus.full_document("SOP-003 Risk Management"))
    refused = git_repo.qms("import", source, *ROLES)
    assert refused.code == 2 and "say which type of document" in refused.stderr and "--type TYPE" in refused.stderr
    run = git_repo.qms("import", source, *ROLES, "--type", "procedure")
    assert run.code == 0, run.stderr
    assert "Created procedures/qp-02-risk-management.md (QP-02" in run.stdout
    assert "SOP-003 is not an id of a procedure" in run.stdout


def test_import_never_writes_over_a_file(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    source = _docx(tmp_path, "risk.docx", wordcorpus.full_document("QP-03 Risk Management"))
    git_repo.write("procedures/assets/qp-03-risk-management/image1.png", b"mine")
    run = git_repo.qms("import", source, *ROLES)
    assert run.code == 2 and "procedures/assets/qp-03-risk-management already exists" in run.stderr
    assert (git_repo.root / "procedures/assets/qp-03-risk-management/image1.png").read_bytes() == b"mine"
    assert not (git_repo.root / "procedures/qp-03-risk-management.md").exists()
    git_repo.write("procedures/qp-03-risk-management.md", "mine\n")
    refused = git_repo.qms("import", source, *ROLES)
    assert refused.code == 2 and "qp-03-risk-management.md already exists; qms import never writes over a file" in refused.stderr
    again = git_repo.qms("import", source, *ROLES, "--id", "QP-04", "--title", "Risk Management")
    assert again.code == 0, again.stderr  # a free id: a new file beside the existing one
    taken = git_repo.qms("import", source, *ROLES, "--id", "QP-04")
    assert taken.code == 2 and "QP-04 is taken" in taken.stderr
    assert git_repo.read("procedures/qp-03-risk-management.md") == "mine\n"


def test_an_import_stopped_before_the_document_can_be_run_again(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """The pictures' folder exactly as the import writes it, and no document: the next run finishes the job."""
    source = _docx(tmp_path, "risk.docx", wordcorpus.full_document("QP-03 Risk Management"))
    git_repo.write("procedures/assets/qp-03-risk-management/image1.png", wordcorpus.png())
    run = git_repo.qms("import", source, *ROLES)
    assert run.code == 0, run.stderr
    assert "![](assets/qp-03-risk-management/image1.png)" in git_repo.read("procedures/qp-03-risk-management.md")
    assert git_repo.check().findings == []


@pytest.mark.parametrize("name, data, says", [
    ("broken.docx", b"PK\x03\x04 not really", "broken.docx is damaged"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Word 97-2003 .doc file"),
    ("notes.txt", b"hello", "is not a .docx file"),
])
def test_import_of_a_bad_file_exits_2_with_a_message(git_repo: GitQmsRepo, tmp_path: Path, name: str, data: bytes,
                                                       says: str) -> None:
    run = git_repo.qms("import", _docx(tmp_path, name, data), "--type", "procedure", *ROLES)
    assert run.code == 2 and says in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert git_repo.git("status", "--porcelain", "--untracked-files=all") == ""


def test_import_of_a_missing_file(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    run = git_repo.qms("import", str(tmp_path / "nowhere.docx"), "--type", "procedure", *ROLES)
    assert run.code == 2 and "nowhere.docx does not exist" in run.stderr


def test_chinese_word_file_in_a_chinese_qms(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    source = _docx(tmp_path, "计算机网络管理程序.docx", wordcorpus.chinese_document())
    run = git_repo.qms("import", source, *ROLES)
    assert run.code == 0, run.stderr
    rel = "procedures/qp-07-计算机网络管理程序.md"
    assert f"Created {rel} (QP-07" in run.stdout
    assert "| A/1 | 2023-06-15 | 增加备份要求 | 陈静 |" in git_repo.read(rel)
    assert git_repo.check().findings == []


def test_word_text_is_never_run_as_a_template_or_read_as_yaml(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    d = docx.Document()
    d.core_properties.title = 'QP-05 Title: "quoted" {{ 7*7 }}\n---'
    d.add_paragraph("{{ 7*7 }} {% for x in range(3) %}x{% endfor %} <script>alert(1)</script>")
    d.add_paragraph("---")
    out = io.BytesIO()
    d.save(out)
    run = git_repo.qms("import", _docx(tmp_path, "odd.docx", out.getvalue()), *ROLES)
    assert run.code == 0, run.stderr
    text = git_repo.read("procedures/qp-05-title-quoted-7-7.md")
    assert "{{ 7\\*7 }} {% for x in range(3) %}x{% endfor %} &lt;script>alert(1)&lt;/script>" in text
    assert "49" not in text and "\n\\---\n" in text
    check = git_repo.check()
    assert check.findings == [], check.findings
    assert yaml.safe_load(text.split("---\n")[1])["title"] == 'Title: "quoted" {{ 7*7 }}'


def test_import_without_the_word_extra(git_repo: GitQmsRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    source = _docx(tmp_path, "risk.docx", wordcorpus.full_document("QP-03 Risk Management"))
    for loaded in [m for m in sys.modules if m == "mammoth" or m.startswith("mammoth.")]:
        monkeypatch.delitem(sys.modules, loaded)
    monkeypatch.setitem(sys.modules, "mammoth", None)
    code = main(["-C", str(git_repo.root), "import", source, *ROLES])
    err = capsys.readouterr().err
    assert code == 2 and "qms import needs the word extra: pip install 'qmskit[word]'" in err, err
    assert git_repo.git("status", "--porcelain", "--untracked-files=all") == ""
