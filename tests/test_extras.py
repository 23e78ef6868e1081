"""A command whose optional part of qmskit is not installed says which extra to install, and nothing else breaks."""

from __future__ import annotations

import sys

import pytest
from conftest import REPO_ROOT
from qmsrepo import QmsRepo

from qms import extras
from qms.cli import main


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """As if `modules` were not installed: an import of any of them fails as a missing module's does."""
    for name in modules:
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            monkeypatch.delitem(sys.modules, loaded)
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.parametrize("missing", ["weasyprint", "markdown"])
def test_pdf_without_the_pdf_extra(repo: QmsRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                   missing: str) -> None:
    _without(monkeypatch, missing)
    code = main(["-C", str(repo.root), "pdf", "--all", "--output-dir", str(repo.root / "copies")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "qms pdf needs the pdf extra: pip install 'qmskit[pdf]'" in err and f"the {missing} module" in err
    assert "Traceback" not in err and "Pango" not in err
    assert not (repo.root / "copies").exists()


@pytest.mark.parametrize("command, missing", [("build", "mkdocs"), ("build", "material"), ("serve", "mkdocs")])
def test_site_commands_without_the_site_extra(repo: QmsRepo, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], command: str, missing: str) -> None:
    _without(monkeypatch, missing)
    monkeypatch.setattr("os.execve", lambda *args: pytest.fail("qms serve started MkDocs"))
    repo.write("mkdocs.yml", "site_name: Test\ntheme:\n  name: material\nplugins:\n  - qms\n")
    code = main(["-C", str(repo.root), command])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"qms {command} needs the site extra: pip install 'qmskit[site]'" in err and f"the {missing} module" in err
    assert "Traceback" not in err
    assert not (repo.root / "site").exists()


def test_check_needs_no_extra(repo: QmsRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _without(monkeypatch, "mkdocs", "material", "jieba", "markdown", "weasyprint")
    assert main(["-C", str(repo.root), "check"]) == 0, capsys.readouterr().err


def test_extras_match_pyproject() -> None:
    """Each extra's modules are what its pyproject.toml entry installs; the base install holds none of them."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = project["optional-dependencies"]
    distribution = {"mkdocs": "mkdocs", "material": "mkdocs-material", "jieba": "jieba", "markdown": "markdown",
                    "weasyprint": "weasyprint", "pymdownx": "pymdown-extensions", "markdown_callouts": "markdown-callouts",
                    "mammoth": "mammoth", "pygal": "pygal", "icalendar": "icalendar"}

    def names(requirements: list[str]) -> set[str]:
        return {r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip() for r in requirements}

    for extra, modules in extras.EXTRAS.items():
        assert names(optional[extra]) == {distribution[m] for m in modules}, extra
    assert not names(project["dependencies"]) & set(distribution.values())
    assert "qmskit[site,pdf,word,calendar]" in optional["test"]
