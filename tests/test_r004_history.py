"""R004 reads git when history is read: "the previous revision is in force" is a fact of history, not of a label.

A plain `qms check` reads no git, and takes a draft or review past the scheme's first revision to be the
next revision of a document in force. With `--history` (and `qms approve`), history decides.
"""

from __future__ import annotations

from qmsrepo import GitQmsRepo, find

QP02 = "procedures/qp-02-records.md"
QP03 = "procedures/qp-03-forms.md"


def _doc(doc_id: str, title: str, revision: str, status: str, body: str, extra: str = "") -> str:
    change = "change: Started at this revision.\n" if revision != "1" else ""
    return (f"---\nid: {doc_id}\ntitle: {title}\ntype: procedure\nrevision: {revision}\nstatus: {status}\n"
            f"owner: document-controller\napprovers: [quality-manager]\n{change}{extra}---\n\n# {title}\n\n{body}\n")


def _never_in_force(repo: GitQmsRepo) -> str:
    """QP-02 starts at revision 2 and has never been effective; QP-03 relies on it."""
    repo.write(QP02, _doc("QP-02", "Control of Records", "2", "review", "Records are kept."))
    repo.write(QP03, _doc("QP-03", "Control of Forms", "1", "review", "Forms are filed as [[QP-02]] says."))
    return repo.commit("Add QP-02 and QP-03 for review", who="li-na")


def test_history_tells_a_document_never_in_force(git_repo: GitQmsRepo) -> None:
    _never_in_force(git_repo)
    # Put in force by hand, with a valid approval: the reference to QP-02 leads to nothing in force.
    git_repo.edit(QP03, "status: review", "status: effective\neffective: 2026-02-01")
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "-m", "Approve QP-03 revision 1\n\nApproves: QP-03@1", env=git_repo.identity("chen-jing"))
    plain = git_repo.check()
    assert find(plain, "R004") == []  # without git, revision 2 reads as the next revision of one in force
    audited = git_repo.check("--history")
    (r004,) = find(audited, "R004")
    assert r004["path"] == QP03 and "relies on QP-02, which is review" in r004["message"]
    assert "a holder of quality-manager approves it (`qms approve QP-02`)" in r004["hint"]


def test_approve_keeps_a_document_waiting_for_one_never_in_force(git_repo: GitQmsRepo) -> None:
    """`qms approve` reads git too: QP-03 stays in review until QP-02, never in force, is approved."""
    _never_in_force(git_repo)
    first = git_repo.qms_as("chen-jing", "approve", "QP-03")
    assert first.code == 0, first.stderr
    assert "it stays in review until QP-02, which it relies on, is in force" in first.stdout
    assert "status: review" in git_repo.read(QP03)
    second = git_repo.qms_as("chen-jing", "approve", "QP-02")
    assert second.code == 0, second.stderr
    assert "Put QP-03 revision 1 in force with it" in second.stdout
    check = git_repo.check("--history")
    assert (check.code, check.findings) == (0, [])


def test_a_new_revision_in_preparation_keeps_the_previous_in_force(git_repo: GitQmsRepo) -> None:
    """QP-01 revision 2 became effective in history: while revision 3 is in review, QM-01 may rely on it."""
    git_repo.edit("procedures/qp-01-document-control.md", "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    git_repo.revise("procedures/qp-01-document-control.md", "change: Adds electronic approval.", "change: Next.")
    for args in ((), ("--history",)):
        assert find(git_repo.check(*args), "R004") == []
