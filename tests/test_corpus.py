"""Every command over every kind of hostile input: a finding or a clear error, never a crash, hang or blow-up.

Each command runs as a real `qms` process with a time limit and an address-space
limit. Pass means exit 0, 1 or 2, no traceback and no crash log (exit 3), and no
byte of the file planted outside the repository in any output. A new command is
one entry in COMMANDS.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from corpus.builder import REPOSITORIES, SECRET

pytestmark = pytest.mark.slow  # every command over every corpus repository, as processes

# Repositories whose qms.yml is missing or unusable: every command stops at reading it.
WITHOUT_CONFIG = {"empty-git", "not-a-qms", "qms-yml-invalid", "qms-yml-wrong-shape", "qms-yml-list", "qms-yml-binary"}
TIMEOUT = 30  # seconds; the slowest command here (a site build) takes a few
MEMORY_LIMIT = 1 << 30  # 1 GB of address space per qms process


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...]
    who: str | None = None  # a person from tests/qmsrepo.py's PEOPLE to run as
    writes: bool = False  # changes the repository: runs alone, after the others
    everywhere: bool = True  # False: only over the hostile repository (the others stop at the same first step)
    # False: not over the repositories without a usable qms.yml, where every command stops at the same first step
    # that check-json, history-json and the other commands above already take there.
    without_config: bool = True


COMMANDS = [
    Command("check", ("check",), everywhere=False),
    Command("check-json", ("check", "--format", "json")),
    Command("check-github", ("check", "--format", "github"), everywhere=False),
    Command("check-history", ("check", "--history", "--format", "json")),
    Command("check-since", ("check", "--since", "HEAD~1"), everywhere=False),
    Command("check-as-of", ("check", "--history", "--as-of", "2030-01-01", "--format", "json")),
    Command("training", ("training", "--format", "json"), without_config=False),
    Command("history", ("history",), everywhere=False),
    Command("history-one", ("history", "QP-01"), everywhere=False),
    Command("history-hostile-id", ("history", "../../etc/passwd"), everywhere=False),
    Command("history-json", ("history", "--format", "json")),
    Command("history-csv", ("history", "--format", "csv")),
    Command("diff", ("diff", "QP-01", "1", "2")),
    Command("diff-hostile", ("diff", "QP-25", "1", "../../x"), everywhere=False),
    Command("rules", ("rules",), everywhere=False),
    Command("rules-json", ("rules", "--format", "json"), everywhere=False),
    # --force: the hostile repository has errors, which make a plain build refuse (tests/test_build_gate.py).
    Command("build", ("build", "--force", "--site-dir", "{out}/site")),
    Command("demo", ("demo", "{out}/demo", "--from", ".")),
    Command("register", ("register",), without_config=False),
    Command("coverage", ("coverage", "--format", "json"), without_config=False),
    Command("export", ("export", "{out}/export"), without_config=False),
    Command("due", ("due", "--format", "json", "--within", "100y")),
    Command("due-ics", ("due", "--format", "ics", "--within", "100y"), everywhere=False),
    Command("due-markdown-as-of", ("due", "--format", "markdown", "--as-of", "2040-01-01"), everywhere=False),
    Command("pdf", ("pdf", "--all", "--output-dir", "{out}/pdf"), without_config=False),
    Command("objectives", ("objectives", "--period", "2026", "--format", "json"), without_config=False),
    Command("scorecard", ("scorecard", "--year", "2026", "--format", "json"), without_config=False),
    Command("review-pack", ("review-pack", "--period", "2026H1", "--output", "{out}/pack.md"), without_config=False),
    Command("review-pack-pdf", ("review-pack", "--period", "2026", "--pdf", "--output", "{out}/pack.pdf"),
            everywhere=False),
    Command("pdf-hostile-id", ("pdf", "../../etc/passwd", "--output-dir", "{out}/pdf"), everywhere=False),
    Command("approve-stranger", ("approve", "QP-01"), who="stranger", writes=True),
    Command("approve-hostile-id", ("approve", "QP-25", "../../etc/passwd"), who="chen-jing", writes=True,
            everywhere=False),
    Command("approve", ("approve", "QP-01"), who="chen-jing", writes=True),
    Command("periodic-review", ("periodic-review", "QP-01"), who="wang-li", writes=True, without_config=False),
    Command("ack", ("ack", "QP-01"), who="li-na", writes=True, without_config=False),
    Command("new", ("new", "procedure", "--title", "From the corpus", "--owner", "document-controller",
                    "--approver", "quality-manager"), who="li-na", writes=True, without_config=False),
    Command("new-hostile", ("new", "record", "--kind", "audit", "--procedure", "QP-01", "--owner", "quality-manager",
                            "--title", "[/] <script>alert(1)</script> ../../etc/passwd\n| x |"),
            who="li-na", writes=True, everywhere=False),
    Command("codeowners", ("codeowners",), who="li-na", writes=True, without_config=False),
    Command("review-pack-save", ("review-pack", "--period", "2026H1", "--save", "--procedure", "QP-01"), who="li-na",
            writes=True, without_config=False),
    Command("dispose", ("dispose", "REC-2026-001"), who="chen-jing", writes=True, everywhere=False),
    Command("init-here", ("init", "."), who="li-na", writes=True),  # last: it may make a QMS where there was none
]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@dataclass
class Outcome:
    repo: str
    command: Command
    code: int | None
    output: str
    out_dir: Path


def _run(repo: str, root: Path, command: Command, out_dir: Path) -> Outcome:
    from qmsrepo import PEOPLE

    out_dir.mkdir(parents=True, exist_ok=True)
    args = [a.replace("{out}", str(out_dir)) for a in command.args]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", "TMPDIR": str(out_dir)}
    if command.who:
        name, email = PEOPLE[command.who]
        env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
    try:
        proc = subprocess.run([sys.executable, "-m", "qms", *args], cwd=root, env=env, capture_output=True,
                              timeout=TIMEOUT, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired as exc:
        return Outcome(repo, command, None, f"timed out after {TIMEOUT} s\n{exc.stderr!r}", out_dir)
    output = (proc.stdout + b"\n" + proc.stderr).decode("utf-8", "replace")
    return Outcome(repo, command, proc.returncode, output, out_dir)


def _problems(outcome: Outcome) -> list[str]:
    where = f"{outcome.repo}: qms {' '.join(outcome.command.args)}"
    found = []
    if outcome.code is None:
        found.append(f"{where}: hung ({outcome.output[:300]})")
    elif outcome.code not in (0, 1, 2):
        found.append(f"{where}: exit {outcome.code}\n{outcome.output[-1500:]}")
    for marker in ("Traceback", "MemoryError", "unexpected error", SECRET, "PWNED-BY-YAML"):
        if marker in outcome.output:
            found.append(f"{where}: output contains {marker!r}\n{outcome.output[-1500:]}")
    crash_logs = list(outcome.out_dir.glob("qms-crash-*.log"))
    if crash_logs:
        found.append(f"{where}: left a crash log: {crash_logs[0].read_text()[-1500:]}")
    for path in outcome.out_dir.rglob("*"):
        if path.is_file() and not path.is_symlink() and SECRET in _text_of(path):
            found.append(f"{where}: {path} holds the secret from outside the repository")
    return found


def _text_of(path: Path) -> str:
    """What a reader of the file sees: a PDF's text (its streams are compressed), or the bytes as text."""
    if path.suffix == ".pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(path)
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    return path.read_bytes().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("corpus")
    return {name: build(base / name) for name, build in REPOSITORIES.items() if (base / name).mkdir() is None}


def test_every_command_survives_every_repository(corpus: dict[str, Path], tmp_path: Path) -> None:
    """A finding or a clear error for each (repository, command); the list of failures names them all."""
    def commands(repo: str, writes: bool) -> list[Command]:
        return [c for c in COMMANDS if c.writes == writes and (c.everywhere or repo == "hostile")
                and (c.without_config or repo not in WITHOUT_CONFIG)]

    with ThreadPoolExecutor(max_workers=3) as read_pool, ThreadPoolExecutor(max_workers=2) as write_pool:
        reads = {repo: [read_pool.submit(_run, repo, root, c, tmp_path / repo / c.name) for c in commands(repo, False)]
                 for repo, root in corpus.items()}

        def then_write(repo: str, root: Path) -> list[Outcome]:
            # A repository's writing commands wait for its own readers, then run one at a time; meanwhile the
            # readers of the other repositories go on.
            done = [future.result() for future in reads[repo]]
            return done + [_run(repo, root, c, tmp_path / repo / c.name) for c in commands(repo, True)]

        chains = [write_pool.submit(then_write, repo, root) for repo, root in corpus.items()]
        outcomes = [outcome for chain in chains for outcome in chain.result()]
    problems = [p for outcome in outcomes for p in _problems(outcome)]
    assert not problems, "\n\n".join(problems)
    by_key = {(o.repo, o.command.name): o for o in outcomes}
    # Not just survival: the hostile repository is reported, file by file, and refused where it must be.
    check = by_key[("hostile", "check")]
    assert check.code == 1
    for expected in ("yaml-alias-bomb.md", "F008", "F009", "F001", "F003", "F004", "F005", "F007", "binary.md",
                     "link-outside.md", "id-cyrillic-lookalike.md"):
        assert expected in check.output, f"{expected} not reported:\n{check.output[:3000]}"
    history = by_key[("hostile", "history-json")]
    for name in ("procedures/记录控制程序.md", "procedures/a procedure with spaces.md", "procedures/bom-crlf.md"):
        assert f'"path": "{name}"' in history.output
    assert by_key[("hostile", "approve-stranger")].code == 2
    assert "is not in manual/people.yml" in by_key[("hostile", "approve-stranger")].output
    assert by_key[("empty-git", "check-json")].code == 2
    assert "no qms.yml" in by_key[("empty-git", "check-json")].output.lower()
    assert by_key[("no-commits", "history-json")].code == 2
    assert "no commits yet" in by_key[("no-commits", "history-json")].output
    assert by_key[("qms-yml-invalid", "check-json")].code == 2
    assert "qms.yml" in by_key[("qms-yml-invalid", "check-json")].output
    # Links out of the repository are reported, never followed: _problems grepped every output file above.
    build = by_key[("hostile", "build")]
    assert build.code == 0 and (build.out_dir / "site" / "index.html").is_file()
    assert subprocess.run(["git", "grep", "-l", SECRET], cwd=corpus["hostile"], capture_output=True).stdout == b""
    missing = by_key[("missing-folder", "check-json")]
    assert "F010" in missing.output and "nowhere" in missing.output
    # File names that are not UTF-8 or hold a line break: reported by name, with escapes, and not read.
    for shown in ("procedures/bad-name-\\xff\\xfe.md", "procedures/new\\nline.md"):
        assert f"{shown}\n" in check.output and "the file name is not UTF-8 text" in check.output, shown
    # The writers and publishers did their job on the hostile repository, not just survived it.
    for name in ("export", "pdf", "register", "new", "new-hostile"):
        assert by_key[("hostile", name)].code == 0, by_key[("hostile", name)].output
    assert (by_key[("hostile", "export")].out_dir / "export" / "register.md").is_file()
    assert list((by_key[("hostile", "pdf")].out_dir / "pdf").glob("*.pdf"))
    # Nobody has a handle: a CODEOWNERS would own nothing, so none is written and the command says why.
    owners = by_key[("hostile", "codeowners")]
    assert owners.code == 1 and "no approver has a handle" in owners.output
    assert not (corpus["hostile"] / ".github" / "CODEOWNERS").exists()
    assert by_key[("empty-git", "init-here")].code == 0 and (corpus["empty-git"] / "qms.yml").is_file()
    assert by_key[("not-a-qms", "init-here")].code == 0
    assert "already holds a QMS" in by_key[("hostile", "init-here")].output
