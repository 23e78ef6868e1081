"""A closed record freezes the table it carries (H009): its CSV may change while the record is open, never after."""

from __future__ import annotations

from tests.qmsrepo import GitQmsRepo, find

LOG = "records/2026/rec-2026-002-log.md"
CSV = "records/2026/rec-2026-002.csv"


def log_record(status: str) -> str:
    return ("---\nid: REC-2026-002\ntitle: Document log, February\ntype: record\nkind: audit\nprocedure: QP-01\n"
            f"date: 2026-02-28\nowner: quality-manager\nstatus: {status}\nretention: 3y\n"
            "data: rec-2026-002.csv\n---\n\n# Document log\n")


def test_the_table_of_a_closed_record_is_frozen(git_repo: GitQmsRepo) -> None:
    git_repo.write(LOG, log_record("open"))
    git_repo.write(CSV, "case,received\nA,2026-02-02\n")
    git_repo.commit("Open the February log", who="li-na")
    git_repo.write(CSV, "case,received\nA,2026-02-02\nB,2026-02-03\n")
    git_repo.commit("Add a row while the log is open", who="li-na")
    assert not find(git_repo.check("--history"), "H009")
    git_repo.edit(LOG, "status: open", "status: closed")
    git_repo.commit("Close the February log", who="li-na")
    assert not find(git_repo.check("--history"), "H009")
    sha = git_repo.revise(CSV, "B,2026-02-03", "B,2026-02-04", who="chen-jing")
    (hit,) = find(git_repo.check("--history"), "H009")
    assert hit["path"] == CSV
    assert f"the table of closed record REC-2026-002 was changed in {sha[:10]}" in hit["message"]


def test_deleting_the_table_of_a_closed_record_is_h009(git_repo: GitQmsRepo) -> None:
    git_repo.write(LOG, log_record("closed"))
    git_repo.write(CSV, "case,received\nA,2026-02-02\n")
    git_repo.commit("File the closed February log", who="li-na")
    git_repo.remove(CSV)
    git_repo.commit("Remove the table", who="li-na")
    (hit,) = find(git_repo.check("--history"), "H009")
    assert hit["path"] == CSV
