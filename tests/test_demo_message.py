"""`qms demo` says which warnings its first check shows on purpose, and why (issue 14, point 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from qmsrepo import run_qms

pytestmark = pytest.mark.slow  # builds the demo repository


def test_demo_names_the_warnings_its_check_shows_on_purpose(tmp_path: Path, sample: Path) -> None:
    built = run_qms("demo", str(tmp_path / "demo"), "--from", str(sample), cwd=tmp_path)
    assert built.code == 0, built.stderr
    check = run_qms("check", "--history", "--format", "json", "--as-of", "2026-12-06", cwd=tmp_path / "demo")
    assert check.code == 0, check.stderr
    warnings = [f for f in check.findings if f["code"] == "H010"]
    assert len(warnings) == 2
    said = built.stdout.split("Try: ", 1)[1]
    for code, doc_id in (("U001", "EXT-02"), ("U003", "QM-01"), ("U003", "QP-07"), ("U010", "REC-2026-010"),
                         ("U016", "REC-2025-008")):
        assert any(f["code"] == code and doc_id in f["message"] for f in check.findings)
        assert code in said and doc_id in said
    assert f"The check shows {len(check.findings)} warnings, all on purpose:" in said
    assert "all on purpose:\n  - H010 (2): " in said
    assert "QP-02@B/0 approved by chen-jing" in said and "WI-04-03@A/0 approved by zhou-min" in said
    for finding in warnings:
        assert finding["message"].split(": approval of ")[1].split()[0] in said  # the ID@REV each warning names
    assert "segregation of duties" in said
