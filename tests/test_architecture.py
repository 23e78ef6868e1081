"""The plan of the house: layers that only import downwards, one door to git, types that check, history read lazily."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = REPO_ROOT / "qms"


def test_every_import_runs_down_a_layer() -> None:
    from importlinter.cli import lint_imports

    # The contracts live in pyproject.toml; a new upward import or an import circle breaks one.
    code = lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, "an import runs up a layer: run `lint-imports` to see which"


def test_an_upward_import_would_break_the_contract(tmp_path: Path) -> None:
    """The contract can fail: in a copy of the package where the text layer imports the CLI, it does."""
    shutil.copytree(PACKAGE, tmp_path / "qms")
    (tmp_path / "qms" / "text" / "upward.py").write_text("from qms import cli\n", encoding="utf-8")
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "qms.text.upward -> qms.cli" in run.stdout


def test_mypy_finds_no_errors(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
                         cwd=REPO_ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_package_says_it_is_typed() -> None:
    assert (PACKAGE / "py.typed").is_file()
    assert '"py.typed"' in (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_only_the_git_layer_starts_git() -> None:
    """Every git process starts in qms/git (the runner); `qms build` (qms/commands/build.py) starts only MkDocs."""
    starters = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_subprocess = any(
            (isinstance(node, ast.Import) and any(a.name == "subprocess" for a in node.names))
            or (isinstance(node, ast.ImportFrom) and node.module == "subprocess")
            for node in ast.walk(tree)
        )
        if imports_subprocess and not rel.startswith("git/"):
            starters.append(rel)
    assert starters == ["commands/build.py"]
    build = (PACKAGE / "commands" / "build.py").read_text(encoding="utf-8")
    assert '"git"' not in build


@pytest.mark.parametrize("args, loaded", [
    (["check"], False),
    (["check", "--format", "json"], False),
    (["check", "--history"], True),
])
def test_a_plain_check_never_imports_git_history(git_repo, args: list[str], loaded: bool) -> None:
    """`qms check` without --since or --history reads no history, so it imports none of its code."""
    script = (
        "import sys\n"
        "from qms.cli import main\n"
        f"code = main({args!r})\n"
        "names = sorted(m for m in sys.modules if m.startswith(('qms.history', 'qms.git.log')))\n"
        "print('LOADED', ','.join(names))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=git_repo.root, capture_output=True, text=True,
                         env={**os.environ, "NO_COLOR": "1"})
    line = next(x for x in run.stdout.splitlines() if x.startswith("LOADED"))
    names = [n for n in line.removeprefix("LOADED").strip().split(",") if n]
    assert bool(names) == loaded, names
    if loaded:
        assert "qms.history.index" in names and "qms.git.log" in names
