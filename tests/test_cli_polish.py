"""Issue 14: what the `qms` command prints, as a newcomer and an auditor read it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from qmsrepo import GitQmsRepo, run_qms
from scaffolding import User

QP = "procedures/qp-01-document-control.md"
NARROW = {"COLUMNS": "80"}


def _revise_and_approve(repo: GitQmsRepo) -> None:
    repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    repo.revise(QP, "change: Adds electronic approval.",
                "change: Adds a records index, a register of the forms in use and a longer retention for audits.")
    assert repo.qms_as("chen-jing", "approve", "QP-01", "--effective", "2026-03-01").code == 0


def test_saved_history_is_never_wrapped_or_cut(git_repo: GitQmsRepo) -> None:
    """`qms history QP-01 > h.txt` at 80 columns: every commit id, role and the change stay whole, on one line."""
    _revise_and_approve(git_repo)
    run = run_qms("history", "QP-01", cwd=git_repo.root, env=NARROW)
    assert run.code == 0, run.stderr
    assert "…" not in run.stdout
    shas = git_repo.git("log", "--format=%h", "--reverse", "--", QP).splitlines()
    lines = run.stdout.splitlines()
    row = next(line for line in lines if line.lstrip().startswith("3 "))
    assert f"{shas[1]}..{shas[2]}" in row
    assert "Chen Jing, quality-manager, 2026-02-01" in row
    assert "a longer retention for audits." in row


def test_saved_rules_and_register_are_never_wrapped(git_repo: GitQmsRepo) -> None:
    """`qms rules > rules.txt` and `qms register` in a CI log: one rule, one document per line, whole."""
    rules = run_qms("rules", cwd=git_repo.root, env=NARROW)
    assert rules.code == 0
    for line in rules.stdout.splitlines()[1:]:
        assert re.match(r" [A-Z]\d{3}  ", line) and "…" not in line, line
    register = run_qms("register", cwd=git_repo.root, env=NARROW)
    row = next(line for line in register.stdout.splitlines() if "QP-01" in line)
    assert "Document Control" in row and "Document Controller" in row and QP in row


def test_an_unknown_id_is_said_so_with_a_suggestion_in_every_command(git_repo: GitQmsRepo) -> None:
    """QP-99 names no document; qp-01 is QP-01 in the wrong case. Each command says so and exits 2."""
    for args in (("history", "{}"), ("history", "{}", "--format", "csv"), ("diff", "{}", "1", "2"),
                 ("pdf", "{}"), ("new", "work-instruction", "--parent", "{}", "--title", "Backups"),
                 ("new", "record", "--kind", "audit", "--procedure", "{}", "--title", "Audit")):
        for wrong, hint in (("QP-99", ""), ("qp-01", ': did you mean "QP-01"?')):
            run = git_repo.qms(*(a.format(wrong) for a in args))
            assert run.code == 2, (args, run.stdout, run.stderr)
            assert f"{wrong} is not a document in this repository{hint}" in run.stderr, (args, run.stderr)
    run = git_repo.qms_as("chen-jing", "approve", "qp-01")
    assert run.code == 2
    assert 'qp-01 is not a document in this repository: did you mean "QP-01"?' in run.stderr


def test_show_prints_the_working_tree_or_a_revision_from_history(git_repo: GitQmsRepo) -> None:
    """`qms show QP-01` is the file as it stands; `qms show QP-01@2` is revision 2 as git holds it, even renamed."""
    _revise_and_approve(git_repo)
    git_repo.git("mv", QP, "procedures/qp-01-document-and-data-control.md")
    git_repo.commit("Rename QP-01's file", who="li-na")
    now = git_repo.qms("show", "QP-01")
    assert now.code == 0, now.stderr
    assert now.stdout == git_repo.read("procedures/qp-01-document-and-data-control.md")
    old = git_repo.qms("show", "QP-01@2")
    assert old.code == 0, old.stderr
    assert old.stdout == git_repo.git("show", f"qms-baseline:{QP}") + "\n"
    assert "revision: 2\n" in old.stdout and "a longer retention" not in old.stdout
    unknown = git_repo.qms("show", "QP-01@9")
    assert unknown.code == 2 and "QP-01 has no revision 9 in its history (it has 2, 3)" in unknown.stderr
    nothing = git_repo.qms("show", "QP-01@")
    assert nothing.code == 2 and "name the revision after the @" in nothing.stderr
    helped = git_repo.qms("show", "--help")
    assert helped.code == 0 and "qms show QP-02@A/0" in helped.stdout


def _office(git_repo: GitQmsRepo) -> GitQmsRepo:
    git_repo.write("qms.yml", git_repo.read("qms.yml") + "defaults:\n"
                   "  procedure: {owner: document-controller, approvers: [quality-manager]}\n")
    return git_repo


def test_new_names_a_wrong_kind_and_type_with_a_suggestion(git_repo: GitQmsRepo) -> None:
    """A kind or a type this QMS does not have is named, the right ones listed, the closest suggested."""
    office = _office(git_repo)
    kind = office.qms("new", "record", "--kind", "audits", "--procedure", "QP-01", "--title", "x")
    assert kind.code == 2
    assert """'audits' is not a record kind of this QMS: did you mean "audit"? The kinds are audit, """ in kind.stderr
    assert "record_kinds in qms.yml" in kind.stderr
    assert "a record needs --kind" not in kind.stderr
    none = office.qms("new", "record", "--procedure", "QP-01", "--title", "x")
    assert none.code == 2 and "a record needs --kind, one of audit, nonconformity" in none.stderr
    typo = office.qms("new", "procedur", "--title", "x")
    assert typo.code == 2 and 'did you mean "procedure"?' in typo.stderr


def test_new_shows_an_id_not_a_regular_expression(git_repo: GitQmsRepo) -> None:
    office = _office(git_repo)
    wrong = office.qms("new", "procedure", "--id", "QP-2", "--title", "x")
    assert wrong.code == 2
    assert "--id QP-2 is not an id of a procedure in this QMS; the next free one is QP-02" in wrong.stderr
    assert "\\d" not in wrong.stderr
    taken = office.qms("new", "procedure", "--id", "QP-01", "--title", "x")
    assert taken.code == 2 and "--id QP-01 is taken" in taken.stderr and "QP-02" in taken.stderr


def test_a_chinese_title_keeps_its_words_in_the_file_name(git_repo: GitQmsRepo) -> None:
    office = _office(git_repo)
    run = office.qms("new", "procedure", "--title", "投诉处理 Complaints")
    assert run.code == 0, run.stderr
    assert (office.root / "procedures" / "qp-02-投诉处理-complaints.md").is_file()
    assert office.check().code == 0


def test_codeowners_refuses_a_file_that_would_own_nothing(git_repo: GitQmsRepo) -> None:
    """No approver has a handle: every line would be a comment. It says what to add, writes nothing, exits 1."""
    run = git_repo.qms("codeowners")
    assert run.code == 1, (run.stdout, run.stderr)
    assert 'add handle: "@name" to the approvers in manual/people.yml' in run.stderr
    assert not (git_repo.root / ".github" / "CODEOWNERS").exists()


def test_pdf_writes_into_controlled_copies_which_git_ignores(tmp_path: Path) -> None:
    """Run from a subfolder of a new QMS: the copy lands in controlled-copies/ at the root, and git does not see it."""
    user = User(tmp_path / "home")
    assert user.qms("init", "office", cwd=tmp_path).code == 0
    root = tmp_path / "office"
    ignored = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/controlled-copies/" in ignored and "/site/" in ignored
    run = user.qms("pdf", "QM-01", "--draft", cwd=root / "manual")
    assert run.code == 0, run.stderr
    assert (root / "controlled-copies" / "QM-01_rev1_DRAFT.pdf").is_file()
    assert not list((root / "manual").glob("*.pdf"))
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_help_reads_as_words_in_a_newcomers_order(git_repo: GitQmsRepo) -> None:
    """No <bool>, no Python types, no {ID...}...; commands listed in the order a newcomer needs them."""
    for args in ((), ("check",), ("approve",), ("history",), ("new",), ("import",), ("adopt",), ("pdf",)):
        run = git_repo.qms(*args, "--help")
        assert run.code == 0, run.stderr
        for wrong in ("<bool>", "list[str]", "<str>", "<path>", "{ID"):
            assert wrong not in run.stdout, (args, wrong, run.stdout)
    assert "Usage: qms approve [OPTIONS] ID..." in git_repo.qms("approve", "--help").stdout
    listed = re.findall(r"^│ ([a-z][a-z-]*) ", git_repo.qms("--help").stdout, re.M)
    assert listed == ["init", "adopt", "new", "import", "check", "review", "approve", "periodic-review", "ack", "history",
                      "diff", "show", "build", "serve", "register", "training", "coverage", "objectives", "scorecard",
                      "review-pack", "due", "dispose", "pdf", "export", "codeowners", "demo", "rules"]


def test_a_wrong_format_says_which_are_allowed(git_repo: GitQmsRepo) -> None:
    run = git_repo.qms("check", "--format", "yaml")
    assert run.code == 2
    assert "Value error" not in run.stderr
    assert "'yaml' is not one of 'text', 'json', 'github'" in " ".join(run.stderr.replace("│", " ").split())
