"""Every command's --help lays out its examples one way, and names values by what they are (issue 14, point 12)."""

from __future__ import annotations

import re
from pathlib import Path

from qmsrepo import run_qms

from qms.cli import ORDER


def test_every_commands_examples_are_laid_out_the_same_way(tmp_path: Path) -> None:
    """Each example line is indented as code, never run together as prose; whatever else the help says."""
    for command in ORDER:
        run = run_qms(command, "--help", cwd=tmp_path)
        assert run.code == 0, (command, run.stderr)
        examples = [line for line in run.stdout.splitlines() if re.match(rf"\s*qms {command}\b", line)]
        assert examples, command
        for line in examples:
            assert line.startswith(f"  qms {command}"), (command, line)


def test_options_name_their_values_in_words(tmp_path: Path) -> None:
    """--id ID and --site-dir DIR, not DOC_ID and SITE_DIR; check's seven formats are FORMAT, listed in its help."""
    assert re.search(r"--id\s+ID\s", run_qms("new", "--help", cwd=tmp_path).stdout)
    assert re.search(r"--site-dir\s+-d\s+DIR\s", run_qms("build", "--help", cwd=tmp_path).stdout)
    check = run_qms("check", "--help", cwd=tmp_path).stdout
    assert re.search(r"--format\s+-f\s+FORMAT\s", check) and "markdown (job summary)" in check
