"""A new user's path, end to end: init the example, add a procedure, approve it, check the change, publish."""

from __future__ import annotations

from pathlib import Path

import pytest
from qmsrepo import only
from scaffolding import User

pytestmark = pytest.mark.slow  # a new user's whole path, site build included

# What the example shows on purpose, whatever the change: a corrective action past due and a record due for disposal.
ON_PURPOSE = [("U016", "records/2025/rec-2025-008-fire-drill.md"), ("U010", "records/2026/rec-2026-010-ca-one-room-diary.md")]


def codes(findings: list[dict]) -> list[tuple[str, str]]:
    return [(f["code"], f["path"]) for f in findings]


def test_new_users_path(tmp_path: Path) -> None:
    # Huang Yan, the document controller, starts from the example in an empty folder.
    user = User(tmp_path / "home")
    assert user.qms("init", "office", "--example", cwd=tmp_path).code == 0
    root = tmp_path / "office"
    base = user.git(root, "rev-parse", "HEAD")

    # She adds a procedure: QP-15, owned by her role, to be approved by the management representative.
    new = user.qms("new", "procedure", "--title", "Handling Complaints from the Public", cwd=root)
    assert new.code == 0, new.stderr
    assert new.stdout.startswith("Created procedures/qp-15-handling-complaints-from-the-public.md (QP-15).")
    path = root / "procedures/qp-15-handling-complaints-from-the-public.md"
    text = path.read_text(encoding="utf-8")
    assert "owner: document-controller\napprovers: [management-representative]\n" in text
    assert "distribution: [section-heads, all-staff]\n" in text
    path.write_text(text.replace("status: draft", "status: review").replace("clauses: []", 'clauses: ["9.1.2"]'),
                    encoding="utf-8")
    user.commit(root, "Draft QP-15 for review", who="huang-yan")
    assert codes(user.qms("check", "--since", base, "--format", "json", cwd=root).findings) == ON_PURPOSE

    # Chen Jing holds management-representative and did not write it: she approves it.
    approve = user.qms("approve", "QP-15", cwd=root, who="chen-jing")
    assert approve.code == 0, approve.stderr
    assert "Approved QP-15 revision A/0 as management-representative" in approve.stdout
    assert user.git(root, "log", "-1", "--format=%an|%(trailers:key=Approves,valueonly)") == "Chen Jing|QP-15@A/0"
    check = user.qms("check", "--since", base, "--format", "json", cwd=root)
    assert (check.code, codes(check.findings)) == (0, ON_PURPOSE)
    history = user.qms("check", "--history", "--format", "json", cwd=root)
    # The example's documents came in force in 2024 and were never reviewed since: on today's date their
    # periodic reviews are overdue (U001, a warning), and the example's warnings on purpose. Nothing else is wrong.
    assert history.code == 0
    assert {(f["code"], f["severity"]) for f in history.findings} <= {
        ("U001", "warning"), ("U003", "warning"), ("U010", "warning"), ("U016", "warning")}

    # A broken step: a second procedure, written by Chen Jing, names a procedure that does not exist...
    assert user.qms("new", "procedure", "--title", "Service Windows", cwd=root).code == 0
    second = root / "procedures/qp-16-service-windows.md"
    second.write_text(second.read_text(encoding="utf-8").replace("## 4. Procedure", "## 4. Procedure\n\nSee [[QP-99]].")
                      .replace("clauses: []", 'clauses: ["8.5.1"]'), encoding="utf-8")
    user.commit(root, "Draft QP-16", who="chen-jing")
    dangling = user.qms("check", "--since", base, "--format", "json", cwd=root)
    assert dangling.code == 1
    finding = only(dangling, "R002")
    assert finding["path"] == "procedures/qp-16-service-windows.md" and "QP-99" in finding["message"]

    # ...and after mending it she approves her own procedure by hand: qms approve would refuse, the check reports it.
    second.write_text(second.read_text(encoding="utf-8").replace("See [[QP-99]].", "See [[QP-15]]."), encoding="utf-8")
    user.commit(root, "QP-16: refer to QP-15", who="chen-jing")
    refused = user.qms("approve", "QP-16", cwd=root, who="chen-jing")
    assert refused.code == 2 and "authored revision A/0 of QP-16 and cannot approve it" in refused.stderr
    text = second.read_text(encoding="utf-8").replace("status: draft", "status: effective\neffective: 2026-12-01")
    second.write_text(text, encoding="utf-8")
    user.git(root, "add", "-A")
    user.git(root, "commit", "-q", "-m", "Approve QP-16\n\nApproves: QP-16@A/0", who="chen-jing")
    self_approved = user.qms("check", "--since", base, "--format", "json", cwd=root)
    assert self_approved.code == 1
    assert only(self_approved, "H006")["path"] == "procedures/qp-16-service-windows.md"
    assert "authored this content and cannot approve it" in only(self_approved, "H010")["message"]

    # The site still builds, with the approved procedure in it.
    build = user.qms("build", cwd=root)
    assert build.code == 0, build.stderr
    page = root / "site/procedures/qp-15-handling-complaints-from-the-public/index.html"
    assert "Handling Complaints from the Public" in page.read_text(encoding="utf-8")
