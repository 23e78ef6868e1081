"""Includes never pull an unpublished document into the site (issue 13, point 6).

A public procedure and the home page include a restricted procedure, a draft and an obsolete one
through pymdownx.snippets (a line, a block, a snippet file that includes it in turn), an iframe, an
object, an embed and an image. `qms check` reports each one (S003) at its line, and the built site
(a real `mkdocs build`, through `qms build`) carries none of their text, in its pages or its search index.
"""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from qmsrepo import GitQmsRepo, find

SECRET = "SALARY-BANDS-7f3a91"
DRAFT_TEXT = "DRAFT-WORDING-22c4e0"
OBSOLETE_TEXT = "WITHDRAWN-METHOD-9b81dd"
MKDOCS_YML = """\
site_name: Test Office
docs_dir: portal
theme:
  name: material
markdown_extensions:
  - pymdownx.snippets
plugins:
  - search
  - qms
"""
QP = "procedures/qp-01-document-control.md"


def _procedure(doc_id: str, slug: str, extra: str, text: str) -> tuple[str, str]:
    return f"procedures/{doc_id.lower()}-{slug}.md", f"""\
---
id: {doc_id}
title: {slug.title()}
type: procedure
revision: 1
owner: document-controller
approvers: [quality-manager]
{extra}
---

# {slug.title()}

{text}
"""


INCLUDES = """\

--8<-- "procedures/qp-09-pay.md"

--8<--
procedures/qp-08-next.md
--8<--

--8<-- "portal/parts/pay-part.md"

<iframe src="../qp-09-pay/"></iframe>

<object data="qp-07-old.md"></object>

<embed src="/procedures/qp-09-pay.md">

![pay bands](qp-09-pay.md)

--8<-- "procedures/qp-09-pay.md:12:13"

;--8<-- "procedures/qp-09-pay.md"
"""


def _site(repo: GitQmsRepo) -> None:
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write(".gitignore", "site/\n")
    repo.write("portal/index.md", '# Home\n\n--8<-- "procedures/qp-09-pay.md"\n')
    repo.write("portal/parts/pay-part.md", 'Pay, in short:\n\n--8<-- "procedures/qp-09-pay.md"\n')
    for path, text in (
        _procedure("QP-09", "pay", "status: effective\neffective: 2026-02-01\nclassification: restricted", SECRET),
        _procedure("QP-08", "next", "status: draft", DRAFT_TEXT),
        _procedure("QP-07", "old", "status: obsolete\nsuperseded_by: QP-01", OBSOLETE_TEXT),
    ):
        repo.write(path, text)
    repo.write(QP, repo.read(QP) + INCLUDES)
    repo.commit("Pay, a draft and a withdrawn procedure, included in document control", who="li-na")


def test_includes_of_unpublished_documents_are_findings(git_repo: GitQmsRepo) -> None:
    _site(git_repo)
    run = git_repo.check()
    assert run.code == 1
    hits = find(run, "S003")
    lines = git_repo.read(QP).split("\n")
    on_qp = sorted((f["line"], f["message"]) for f in hits if f["path"] == QP)
    shown = [lines[line - 1] for line, _ in on_qp]
    assert shown == ['--8<-- "procedures/qp-09-pay.md"', "procedures/qp-08-next.md",
                     '--8<-- "portal/parts/pay-part.md"', '<iframe src="../qp-09-pay/"></iframe>',
                     '<object data="qp-07-old.md"></object>', '<embed src="/procedures/qp-09-pay.md">',
                     "![pay bands](qp-09-pay.md)", '--8<-- "procedures/qp-09-pay.md:12:13"'], on_qp
    messages = " ".join(m for _, m in on_qp)
    assert "QP-09" in messages and "classified restricted" in messages and "draft" in messages
    assert "through portal/parts/pay-part.md" in messages and "obsolete" in messages
    assert [f["line"] for f in hits if f["path"] == "portal/index.md"] == [3]
    assert SECRET not in run.stdout
    assert find(git_repo.check(), "S003") == hits  # warm: the load cache has not read the bodies


def test_the_build_leaves_them_out_of_pages_and_search(git_repo: GitQmsRepo) -> None:
    _site(git_repo)
    build = git_repo.qms("build", "--force")
    assert build.code == 0, build.stdout + build.stderr
    site = git_repo.root / "site"
    pages = {p: p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
             if p.is_file() and p.suffix in (".html", ".json", ".xml", ".md", ".txt")}
    assert pages and not [p for p, text in pages.items() for marker in (SECRET, DRAFT_TEXT, OBSOLETE_TEXT)
                          if marker in text]
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("Left out" in entry["text"] for entry in index["docs"])
    control = (site / "procedures" / "qp-01-document-control" / "index.html").read_text(encoding="utf-8")
    # One note for each include but the path in a block of snippets, which is emptied (a note there would be a path).
    assert control.count("Left out: an include of a document this site does not publish") == 7
    assert '--8<-- "procedures/qp-09-pay.md"' in unescape(control)  # the escaped line is text, as the extension leaves it


def test_an_include_of_a_published_document_is_kept(git_repo: GitQmsRepo) -> None:
    repo = git_repo
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write(".gitignore", "site/\n")
    repo.write("portal/index.md", '# Home\n\n--8<-- "procedures/qp-01-document-control.md"\n')
    repo.commit("Home page shows document control", who="li-na")
    assert not find(repo.check(), "S003")
    build = repo.qms("build")
    assert build.code == 0, build.stdout + build.stderr
    home = (repo.root / "site" / "index.html").read_text(encoding="utf-8")
    assert "Left out" not in home and "Document Control" in home


@pytest.mark.parametrize("audit", [False, True])
def test_audit_builds_include_obsolete_documents_only(git_repo: GitQmsRepo, audit: bool) -> None:
    _site(git_repo)
    build = git_repo.qms("build", "--force", *(["--audit"] if audit else []))
    assert build.code == 0, build.stdout + build.stderr
    control = (git_repo.root / "site" / "procedures" / "qp-01-document-control" / "index.html").read_text(encoding="utf-8")
    assert SECRET not in control and DRAFT_TEXT not in control
    assert ("qp-07-old" in control) == audit


def test_a_snippet_appended_to_every_page_is_left_out(git_repo: GitQmsRepo) -> None:
    """pymdownx.snippets' auto_append adds a file to every page: an unpublished one is reported and dropped."""
    _site(git_repo)
    git_repo.write(QP, git_repo.read(QP).replace(INCLUDES, ""))
    git_repo.write("portal/index.md", "# Home\n")
    git_repo.remove("portal/parts/pay-part.md")
    git_repo.write("mkdocs.yml", MKDOCS_YML.replace(
        "  - pymdownx.snippets\n",
        "  - pymdownx.snippets:\n      auto_append: [procedures/qp-09-pay.md, portal/footer.md]\n"))
    git_repo.write("portal/footer.md", "FOOTER-TEXT-shown-on-every-page\n")
    git_repo.commit("Append the pay procedure and a footer to every page", who="li-na")
    (hit,) = find(git_repo.check(), "S003")
    assert hit["path"] == "mkdocs.yml" and "auto_append" in hit["message"] and "QP-09" in hit["message"]
    build = git_repo.qms("build", "--force")
    assert build.code == 0, build.stdout + build.stderr
    site = git_repo.root / "site"
    assert not [p for p in site.rglob("*.html") if SECRET in p.read_text(encoding="utf-8")]
    assert [p for p in site.rglob("*.html") if "FOOTER-TEXT-shown-on-every-page" in p.read_text(encoding="utf-8")]


def test_every_form_of_include_is_found() -> None:
    from qms.publish.includes import find_includes

    text = """\
-8<- 'single.md'
```
--8<-- "in-a-code-block.md"
```
	--8<-- "indented.md:part"
;--8<-- "escaped.md"
--8<--
block-one.md
;commented.md

block-two.md:1:3
--8<-- "ignored-inside-a-block.md"
--8<--
<IFRAME
  title="x" SRC='multi-line.html'></IFRAME>
<object type="text/html" data=unquoted.md></object>
![alt](<spaced name.png> "title")
"""
    found = [(i.line, i.kind, i.target, i.in_block) for i in find_includes(text)]
    assert found == [
        (1, "snippet", "single.md", False), (3, "snippet", "in-a-code-block.md", False),
        (5, "snippet", "indented.md:part", False), (8, "snippet", "block-one.md", True),
        (11, "snippet", "block-two.md:1:3", True), (14, "iframe", "multi-line.html", False),
        (16, "object", "unquoted.md", False), (17, "image", "spaced name.png", False),
    ]


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c489"
                    "0000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082")


def test_a_published_documents_pdf_embeds_nothing_of_an_unpublished_one(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    """`qms pdf` of a public procedure leaves out an image filed beside a restricted one; its own image stays."""
    pytest.importorskip("weasyprint")
    repo = git_repo
    path, text = _procedure("QP-09", "pay", "status: effective\neffective: 2026-02-01\nclassification: restricted", SECRET)
    repo.write(path, text)
    repo.write("procedures/qp-09-pay.png", PNG)
    repo.write("procedures/qp-01-flow.png", PNG)
    repo.write(QP, repo.read(QP) + "\n![bands](qp-09-pay.png)\n\n![flow](qp-01-flow.png)\n")
    repo.commit("Pay chart shown in document control", who="li-na")
    fetched: list[str] = []  # what the copy's URL fetcher handed WeasyPrint
    import qms.commands.pdf as pdf_command

    made = pdf_command._only_local

    def recording_fetcher(*args: Any, **kwargs: Any) -> Any:
        fetcher = made(*args, **kwargs)
        inner = fetcher.fetch

        def fetch(url: str, headers: object = None) -> object:
            response = inner(url, headers)
            fetched.append(url)
            return response

        fetcher.fetch = fetch
        return fetcher

    pdf_command._only_local = recording_fetcher
    try:
        run = repo.qms("pdf", "QP-01", "--output-dir", str(tmp_path / "pdf"))
    finally:
        pdf_command._only_local = made
    assert run.code == 0, run.stdout + run.stderr
    assert any(url.endswith("qp-01-flow.png") for url in fetched), fetched
    assert not any("qp-09" in url for url in fetched), fetched
