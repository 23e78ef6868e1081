"""The guides: published under "How we work", and every command they show is one the tools accept."""

from __future__ import annotations

import re
import shlex
import subprocess
from html import unescape
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from qmsrepo import run_qms

from qms.cli import main

GUIDES = sorted((REPO_ROOT / "docs" / "guides").glob("*.md"))
FENCE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`(qms [^`]+)`")


def command_lines(path: Path) -> list[str]:
    """Every command shown in a console block, and every inline `qms ...`."""
    text = path.read_text(encoding="utf-8")
    lines = [line.strip() for block in FENCE.findall(text) for line in block.splitlines() if line.strip()]
    inline = [" ".join(match.split()) for match in INLINE.findall(text)]
    return lines + inline


def qms_commands(path: Path) -> list[list[str]]:
    """The qms invocations in a guide, cut at shell operators (&&, |, >)."""
    found = []
    for line in command_lines(path):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token and set(token) <= set("&|;<>()"):
                if words and words[0] == "qms":
                    found.append(words[1:])
                words = [] if token != ">" else ["(redirect)"]
            else:
                words.append(token)
    return found


def test_there_is_a_guide_for_each_audience() -> None:
    titles = {p.stem: p.read_text(encoding="utf-8").splitlines()[0] for p in GUIDES}
    assert set(titles) == {"document-controllers", "approvers", "staff", "staff-zh", "auditors"}
    assert "7.5.3.2" in (REPO_ROOT / "docs" / "guides" / "auditors.md").read_text(encoding="utf-8")
    assert re.search(r"[\u4e00-\u9fff]{4}", titles["staff-zh"])


@pytest.mark.parametrize("guide", GUIDES, ids=[p.stem for p in GUIDES])
def test_every_qms_command_in_the_guides_parses(guide: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each command, with --help added, must name a real subcommand and only real options."""
    commands = qms_commands(guide)
    if guide.stem.startswith("staff"):
        assert commands == []  # staff use the site, not the command line
        return
    assert commands, f"{guide.name} shows no qms command"
    for args in commands:
        code = main([*args, "--help"])
        out = capsys.readouterr()
        assert code == 0, f"{guide.name}: 'qms {' '.join(args)}' does not parse:\n{out.err}{out.out}"
        assert "Usage: qms" in out.out and (not args or args[0] in out.out)


def test_a_mistyped_command_would_be_caught(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["approve", "QP-02", "--sing", "--help"]) == 2
    assert main(["aprove", "QP-02", "--help"]) == 2
    capsys.readouterr()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, new_demo) -> Path:
    root = new_demo(tmp_path_factory.mktemp("guides") / "demo").path
    run = run_qms("build", cwd=root)
    assert run.code == 0, run.stdout + run.stderr
    return root


@pytest.mark.slow
def test_the_site_shows_the_guides_under_how_we_work(demo: Path) -> None:
    home = (demo / "site" / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('class="md-nav md-nav--primary"'):]
    start = nav.index("How we work")
    section = nav[start:nav.index("</nav>", start)]
    links = re.findall(r'<a href="([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', section, re.S)
    expected = [(f"guides/{p.stem}/", p.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")) for p in GUIDES]
    assert [(href, unescape(title)) for href, title in links] == expected
    for page in GUIDES:
        html = (demo / "site" / "guides" / page.stem / "index.html").read_text(encoding="utf-8")
        title = page.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
        assert f">{title}</h1>" in unescape(html) or f">{title}<a" in unescape(html)


@pytest.mark.slow
def test_the_auditors_git_commands_run_on_a_real_history(demo: Path) -> None:
    """The plain git commands auditors are given work, with the example commits replaced by the demo's own."""

    def sha(grep: str) -> str:
        return subprocess.run(["git", "log", "--format=%h", "-1", f"--grep={grep}"], cwd=demo,
                              capture_output=True, text=True, check=True).stdout.strip()

    commits = {"4ff51ed": sha("Approve QP-02 revision B/0"), "6c5e728": sha("Approves: QP-02@A/0")}
    assert all(commits.values())
    ran = 0
    for line in command_lines(REPO_ROOT / "docs" / "guides" / "auditors.md"):
        if not line.startswith("git ") or "allowed_signers" in line or "qms-backup.git" in line:
            continue  # these need a key file or a server the demo does not have
        for example, real in commits.items():
            line = line.replace(example, real)
        run = subprocess.run(line, shell=True, cwd=demo, capture_output=True, text=True)
        assert run.returncode in (0, 1) and not run.stderr, f"{line}\n{run.stderr}"
        ran += 1
    assert ran >= 20


@pytest.mark.slow
def test_a_guides_folder_that_is_not_there_is_named(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "demo"
    subprocess.run(["git", "clone", "-q", str(demo), str(copy)], check=True)
    settings = copy / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("guides: docs/guides", "guides: docs/howto"), encoding="utf-8")
    run = run_qms("build", cwd=copy)
    assert run.code == 2
    assert "guides option names docs/howto, which is not a folder" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr
