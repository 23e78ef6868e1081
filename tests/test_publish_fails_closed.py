"""Publishing fails closed: a classification that is not exactly a published value is not published."""

from __future__ import annotations

from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, find

MARKER = "Salary bands of every officer"


@pytest.mark.parametrize("classification", ["Restricted", "'[restricted]'", "confidential", "RESTRICTED "])
def test_a_misspelt_classification_is_never_published(git_repo: GitQmsRepo, tmp_path: Path,
                                                     classification: str) -> None:
    repo = git_repo
    repo.write("procedures/qp-09-pay.md", f"""\
        ---
        id: QP-09
        title: Pay
        type: procedure
        revision: 1
        status: effective
        owner: document-controller
        approvers: [quality-manager]
        effective: 2026-02-01
        classification: {classification}
        ---

        # Pay

        {MARKER}.
        """)
    repo.commit("Pay procedure", who="li-na")
    run = repo.check()
    assert any("classification" in f["message"] for f in find(run, "S001")), run.findings
    register = repo.qms("register", "--format", "csv")
    assert register.code == 0 and "QP-09" not in register.stdout
    export = repo.qms("export", str(tmp_path / "export"))
    assert export.code == 0, export.stderr
    written = [p for p in (tmp_path / "export").rglob("*") if p.is_file()]
    assert written and not [p for p in written if MARKER in p.read_text(encoding="utf-8")]


def test_internal_and_public_are_published(git_repo: GitQmsRepo, tmp_path: Path) -> None:
    repo = git_repo
    repo.edit("procedures/qp-01-document-control.md", "owner: document-controller\n",
              "owner: document-controller\nclassification: public\n")
    repo.commit("QP-01 is public", who="li-na")  # only committed content is published
    assert "QP-01" in repo.qms("register", "--format", "csv").stdout
