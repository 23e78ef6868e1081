"""S003 reads the settings MkDocs builds with: `INHERIT:` followed; snippets from the web are S005 (issue 13).

A mkdocs.yml that inherits, through a chain of relative paths, a base that turns pymdownx.snippets on
is judged as MkDocs would build it. A chain MkDocs cannot read is S004 at the file and line, never a
traceback. A `--8<-- "https://..."` snippet is an error and the build leaves it out, so the site never
downloads it, unless qms.yml allows the address (a local web server counts the downloads).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, QmsRun, find

SECRET = "SALARY-BANDS-51c0de"
WEB_TEXT = "TEXT-FROM-THE-WEB-8d2f17"
QP = "procedures/qp-01-document-control.md"
PAY = """\
---
id: QP-09
title: Pay
type: procedure
revision: 1
status: effective
effective: 2026-02-01
owner: document-controller
approvers: [quality-manager]
classification: restricted
---

# Pay

""" + SECRET + "\n"
# mkdocs.yml names the theme and the plugin; the snippets extension comes two files up the chain.
MKDOCS_YML = """\
site_name: Test Office
INHERIT: config/site.yml
theme:
  name: material
plugins:
  - search
  - qms
"""
SITE_YML = "docs_dir: portal\nINHERIT: ../shared/markdown.yml\n"
MARKDOWN_YML = """\
markdown_extensions:
  pymdownx.snippets:
    base_path: [procedures]
    check_paths: false
"""


def _inherited_site(repo: GitQmsRepo, markdown_yml: str = MARKDOWN_YML) -> None:
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("config/site.yml", SITE_YML)
    repo.write("shared/markdown.yml", markdown_yml)
    repo.write(".gitignore", "site/\n")
    repo.write("procedures/qp-09-pay.md", PAY)


def _no_traceback(run: QmsRun) -> QmsRun:
    assert "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    return run


def _site_text(repo: GitQmsRepo) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in (repo.root / "site").rglob("*")
                   if p.is_file() and p.suffix in (".html", ".json", ".xml"))


def test_snippets_turned_on_by_an_inherited_config_are_judged(git_repo: GitQmsRepo) -> None:
    """Only base_path, read from the grandparent config, makes `--8<-- "qp-09-pay.md"` reach the restricted text."""
    repo = git_repo
    _inherited_site(repo)
    repo.write("portal/index.md", '# Home\n\n--8<-- "qp-09-pay.md"\n')
    repo.commit("Home page, site settings shared with the other sites", who="li-na")
    run = _no_traceback(repo.check())
    assert run.code == 1
    (hit,) = find(run, "S003")
    assert (hit["path"], hit["line"]) == ("portal/index.md", 3) and "QP-09" in hit["message"]
    assert not find(run, "S004")
    build = _no_traceback(repo.qms("build"))
    assert build.code == 1 and "S003" in build.stdout + build.stderr  # the gate stops it
    forced = _no_traceback(repo.qms("build", "--force"))
    assert forced.code == 0, forced.stdout + forced.stderr
    text = _site_text(repo)
    assert SECRET not in text and "Left out" in text


def test_a_list_of_extensions_in_mkdocs_yml_replaces_the_inherited_one(git_repo: GitQmsRepo) -> None:
    """MkDocs merges mappings and replaces lists: mkdocs.yml's list drops the inherited base_path, so the snippet
    reaches nothing; without that list, the inherited base_path makes it reach the restricted procedure."""
    repo = git_repo
    _inherited_site(repo, "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [procedures]\n")
    repo.write("mkdocs.yml", MKDOCS_YML + "markdown_extensions:\n  - toc\n  - pymdownx.snippets\n")
    repo.write("portal/index.md", '# Home\n\n--8<-- "qp-09-pay.md"\n')
    repo.commit("Home page", who="li-na")
    assert not find(_no_traceback(repo.check()), "S003")
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.commit("Take the extensions from the shared settings", who="li-na")
    assert [f["line"] for f in find(repo.check(), "S003")] == [3]


def test_the_merge_is_mkdocs_own() -> None:
    """Over plain YAML files (no tags), the settings read equal what MkDocs' own loader gives."""
    import tempfile

    from mkdocs.utils.yaml import yaml_load

    from qms.load.mkdocs_config import read_effective_config

    files = {
        "mkdocs.yml": "INHERIT: a/one.yml\nsite_name: X\nextra: {k: {a: 1}, l: [1]}\nmarkdown_extensions:\n"
                      "  toc: {permalink: true}\n  pymdownx.snippets: {url_download: true}\n",
        "a/one.yml": "INHERIT: ../b/two.yml\nextra: {k: {b: 2}, l: [2, 3]}\nnav: [a.md]\n",
        "b/two.yml": "markdown_extensions:\n  pymdownx.snippets: {base_path: [x], check_paths: true}\n"
                     "  admonition: {}\nextra: {k: {a: 0, c: 3}, m: z}\ntheme: {name: material}\n",
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        with open(root / "mkdocs.yml", "rb") as handle:
            expected = yaml_load(handle)
        ours = read_effective_config(lambda p: (root / p).read_text(encoding="utf-8"), lambda p: (root / p).exists())
    assert not ours.problems
    assert ours.settings == expected
    assert ours.files == ["mkdocs.yml", "a/one.yml", "b/two.yml"]


@pytest.mark.parametrize("case", ["missing", "circle", "bad-yaml", "outside"])
def test_a_bad_inherit_is_a_finding_at_its_line_never_a_traceback(git_repo: GitQmsRepo, case: str) -> None:
    repo = git_repo
    _inherited_site(repo)
    repo.write("portal/index.md", "# Home\n")
    if case == "missing":
        repo.write("config/site.yml", SITE_YML.replace("../shared/markdown.yml", "../shared/nowhere.yml"))
        where, words = ("config/site.yml", 2), "does not exist (looked for shared/nowhere.yml)"
    elif case == "circle":
        repo.write("shared/markdown.yml", "INHERIT: ../mkdocs.yml\n" + MARKDOWN_YML)
        where, words = ("shared/markdown.yml", 1), "circle (mkdocs.yml -> config/site.yml -> shared/markdown.yml -> mkdocs.yml)"
    elif case == "bad-yaml":
        repo.write("shared/markdown.yml", MARKDOWN_YML + "  : [unclosed\n")
        where, words = ("shared/markdown.yml", None), "shared/markdown.yml is not valid YAML"
    else:
        repo.write("config/site.yml", SITE_YML.replace("../shared/markdown.yml", "../../elsewhere/markdown.yml"))
        where, words = ("config/site.yml", 2), "not the path of a file inside the repository"
    repo.commit("Site settings", who="li-na")
    run = _no_traceback(repo.check())
    assert run.code == 1
    (hit,) = find(run, "S004")
    assert hit["path"] == where[0] and words in hit["message"], hit
    if where[1] is not None:
        assert hit["line"] == where[1]
    else:
        assert isinstance(hit["line"], int)
    text = repo.check("--format", "text")
    assert where[0] in text.stdout and "help:" in text.stdout
    build = _no_traceback(repo.qms("build"))
    assert build.code == 1 and "S004" in build.stdout + build.stderr
    forced = _no_traceback(repo.qms("build", "--force"))  # MkDocs could not read them either: nothing runs
    assert forced.code == 2 and f"{where[0]}:" in forced.stderr and "not even with --force" in forced.stderr


class _Web:
    """A web server on this machine that counts what is downloaded from it."""

    def __init__(self) -> None:
        asked: list[str] = []
        self.asked = asked

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                asked.append(self.path)
                body = f"{WEB_TEXT} {self.path}\n".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def web() -> Iterator[_Web]:
    server = _Web()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def _web_site(repo: GitQmsRepo, web: _Web) -> None:
    _inherited_site(repo, MARKDOWN_YML.replace("check_paths: false", "url_download: true")
                    .replace("[procedures]", "[procedures, .]"))
    repo.write("portal/index.md", f'# Home\n\n--8<-- "{web.address}/other/home.md"\n')
    repo.write("snippets/policy.md", f'Policy:\n\n--8<-- "{web.address}/qms/policy.md"\n')
    repo.write(QP, repo.read(QP) + f'\n--8<-- "{web.address}/qms/terms.md"\n\n--8<-- "snippets/policy.md"\n')


def test_a_snippet_from_the_web_is_a_finding_and_never_downloaded(git_repo: GitQmsRepo, web: _Web) -> None:
    repo = git_repo
    _web_site(repo, web)
    repo.commit("Terms and the policy from the group's web site", who="li-na")
    run = _no_traceback(repo.check())
    assert run.code == 1
    hits = sorted((f["path"], f["line"], f["message"]) for f in find(run, "S005"))
    lines = repo.read(QP).split("\n")
    assert [(path, lines[line - 1] if path == QP else line) for path, line, _ in hits] == [
        ("portal/index.md", 3), (QP, f'--8<-- "{web.address}/qms/terms.md"'), (QP, '--8<-- "snippets/policy.md"')]
    assert f"{web.address}/qms/policy.md, named in snippets/policy.md" in hits[2][2]
    assert "would download it" in hits[0][2]
    forced = _no_traceback(repo.qms("build", "--force"))
    assert forced.code == 0, forced.stdout + forced.stderr
    assert web.asked == []  # the build never fetched them
    page = (repo.root / "site" / "procedures" / "qp-01-document-control" / "index.html").read_text(encoding="utf-8")
    assert page.count("Left out: text included from a web address") == 2 and WEB_TEXT not in page


def test_addresses_qms_yml_allows_are_included(git_repo: GitQmsRepo, web: _Web) -> None:
    repo = git_repo
    _web_site(repo, web)
    repo.write("qms.yml", repo.read("qms.yml") + f'site:\n  snippet_urls: ["{web.address}/qms/"]\n')
    repo.commit("Terms and the policy from the group's web site, which we allow", who="li-na")
    run = _no_traceback(repo.check())
    (hit,) = find(run, "S005")  # the home page's address is not under the allowed prefix
    assert hit["path"] == "portal/index.md"
    forced = _no_traceback(repo.qms("build", "--force"))
    assert forced.code == 0, forced.stdout + forced.stderr
    assert sorted(web.asked) == ["/qms/policy.md", "/qms/terms.md"]
    page = (repo.root / "site" / "procedures" / "qp-01-document-control" / "index.html").read_text(encoding="utf-8")
    assert f"{WEB_TEXT} /qms/terms.md" in page and f"{WEB_TEXT} /qms/policy.md" in page
    home = (repo.root / "site" / "index.html").read_text(encoding="utf-8")
    assert WEB_TEXT not in home and "Left out: text included from a web address" in home


def test_a_prefix_allows_only_at_a_boundary() -> None:
    from qms.publish.includes import allowed_address

    allowed = ["https://example.org/qms", "https://group.example/"]
    assert allowed_address("https://example.org/qms/a.md", allowed)
    assert allowed_address("https://group.example/x.md", allowed)
    assert not allowed_address("https://example.org/qms-old/a.md", allowed)
    assert not allowed_address("https://group.example.evil/x.md", allowed)
