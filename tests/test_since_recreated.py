"""Known gap closed: a controlled document deleted before REV and created again in the range under its id is
judged by `qms check --since REV` as `--history` judges it: against its last version before the deletion."""

from __future__ import annotations

from qmsrepo import GitQmsRepo

from qms.history.since import load_since
from qms.load.config import load_config
from qms.load.documents import load_people

QP = "procedures/qp-01-document-control.md"


def test_a_document_deleted_before_rev_and_recreated_in_the_range_is_still_change_controlled(
        git_repo: GitQmsRepo) -> None:
    text = git_repo.read(QP)
    git_repo.remove(QP)
    git_repo.commit("Delete QP-01", who="li-na")  # H008, before REV
    base = git_repo.git("rev-parse", "HEAD")
    # Re-created under another file name, with other content and still revision 2, effective.
    git_repo.write("procedures/qp-01-document-control-again.md", text + "\nA step nobody approved.\n")
    git_repo.commit("Bring QP-01 back", who="li-na")
    since = git_repo.check("--since", base)
    history = git_repo.check("--history")
    after = [f for f in history.findings if f["code"].startswith("H") and "Delete QP-01" not in f["message"]
             and f["code"] != "H008"]
    assert [f["code"] for f in since.findings if f["code"].startswith("H")] == ["H001"]
    assert [f for f in since.findings if f["code"].startswith("H")] == after
    config = load_config(git_repo.root)
    assert load_since(config, load_people(config), base) is None  # judged on the whole history


def test_a_new_document_in_the_range_keeps_the_short_path(git_repo: GitQmsRepo) -> None:
    """Nothing was ever deleted under its id: the range alone is read."""
    base = git_repo.git("rev-parse", "HEAD")
    git_repo.write("procedures/qp-02-new.md", git_repo.read(QP).replace("QP-01", "QP-02").replace(
        "status: effective", "status: draft"))
    git_repo.commit("Draft QP-02", who="li-na")
    config = load_config(git_repo.root)
    assert load_since(config, load_people(config), base) is not None
