"""The base repository the rule tests start from is itself clean."""

from __future__ import annotations

from qmsrepo import QmsRepo


def test_base_repository_has_no_findings(repo: QmsRepo) -> None:
    run = repo.check()
    assert run.code == 0
    assert run.findings == []
    summary = run.json()["summary"]
    assert summary["documents"] == 2
    assert summary["records"] == 1
