"""The code keeps to the project's ruff rules (pyproject.toml), so the suite catches lint too."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO_ROOT


def test_ruff_reports_nothing() -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "qms", "tests", "benchmarks"],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
