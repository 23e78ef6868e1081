#!/usr/bin/env python3
"""Benchmark: how fast is document history read from git?

On one synthetic QMS repository (generated once by generate.py and
cached under the work folder), in one run:

  (a) floor: one bare `git log -M --name-status -z --first-parent
      --diff-merges=first-parent` pass over the whole history: any reader of
      history needs at least this much;
  (b) peer: per-file `git log --follow --format=%H -- PATH` (what the MkDocs
      git-date plugins do), timed on a random sample of files and scaled up
      to every document;
  (c) qmskit: `<python> -m qms history --format json`, with its peak RSS.

Target: (c) within 1.5x of (a).

Usage:
    python benchmarks/bench_history.py [--size small|medium|large] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))

import generate as generator  # noqa: E402 - a sibling script, not a package

TARGET = 1.5
FLOOR_CMD = ["git", "log", "-M", "--name-status", "-z", "--first-parent", "--diff-merges=first-parent"]
# A qms run slower than this is not repeated: best-of-3 is for the cheap rows.
REPEAT_LIMIT_S = 60.0


@dataclass
class Row:
    name: str
    seconds: float | None
    peer: str = ""  # the row this one is compared with
    ratio: float | None = None
    text: str = ""  # shown instead of the numbers when there are none


@dataclass
class Run:
    seconds: float
    returncode: int
    stdout: bytes
    stderr: bytes
    max_rss_kb: int
    cpu_seconds: float = 0.0  # user + system time of the child and the processes it waited for (git)


# ---------------------------------------------------------------------------
# The repository, generated once and cached
# ---------------------------------------------------------------------------


def generator_fingerprint() -> str:
    """Changes when generate.py changes, so a stale cache is rebuilt."""
    return hashlib.sha256(Path(generator.__file__).read_bytes()).hexdigest()[:16]


def ensure_repo(workdir: Path, docs: int, commits: int, seed: int, layout: str, records: int = 0) -> tuple[Path, dict]:
    base = workdir / f"{docs}x{commits}x{records}-seed{seed}-{layout}"
    repo, stamp = base / "repo", base / "generated.json"
    if stamp.is_file():
        info = json.loads(stamp.read_text())
        if info.get("generator") == generator_fingerprint() and (repo / ".git").is_dir():
            say(f"using the cached repository {repo} (generated in {info['seconds']:.1f} s)")
            return repo, info
    # Missing, half-built or made by an older generator: this folder is ours to rebuild.
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    say(f"generating {docs:,} documents, {records:,} records and {commits:,} commits ({layout} layout) in {repo} ...")
    started = time.perf_counter()
    stats = generator.build(repo, docs, commits, seed, layout, records)
    seconds = time.perf_counter() - started
    say(f"generated in {seconds:.1f} s")
    info = {"docs": docs, "commits": commits, "seed": seed, "layout": layout, "seconds": round(seconds, 2),
            "generator": generator_fingerprint(), "stats": stats}
    stamp.write_text(json.dumps(info, indent=2) + "\n")
    return repo, info


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def run_measured(cmd: list[str], cwd: Path) -> Run:
    """Run `cmd`, reading all its output, and return wall time and peak RSS.

    os.wait4 gives the rusage of this one child (and of its own children),
    whereas getrusage(RUSAGE_CHILDREN) would report the largest of every
    child so far, including the git processes of the other rows.
    """
    with tempfile.TemporaryFile() as err:  # stderr to a file: no pipe deadlock
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        out = proc.stdout.read()
        proc.stdout.close()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        err.seek(0)
        stderr = err.read()
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Run(seconds, proc.returncode, out, stderr, rss, usage.ru_utime + usage.ru_stime)


def best_of(repeat: int, once: Callable[[], Run], first: Run | None = None) -> tuple[Run, list[Run]]:
    """The fastest of `repeat` runs (just one if it is slow or fails), and all of them."""
    runs = [first or once()]
    while len(runs) < repeat and runs[0].seconds < REPEAT_LIMIT_S and runs[-1].returncode == 0:
        runs.append(once())
    return min(runs, key=lambda r: r.seconds), runs


def git_out(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def document_files(repo: Path) -> list[str]:
    """Every Markdown file in the document folders at HEAD (records excluded)."""
    listed = git_out(repo, "ls-files", "-z", "--", "manual", "procedures").split("\0")
    return [path for path in listed if path.endswith(".md")]


def find_python(requested: str | None) -> str:
    """A Python that can import qms: the one asked for, this one, or the project's venv."""
    if requested:
        return requested
    for candidate in (sys.executable, str(PROJECT / ".venv" / "bin" / "python")):
        if Path(candidate).exists() and subprocess.run(
            [candidate, "-c", "import qms"], capture_output=True, cwd=tempfile.gettempdir()
        ).returncode == 0:
            return candidate
    return sys.executable


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(generator.SIZES), default="medium",
                        help="small 200/2,000, medium 2,000/20,000 (default), large 10,000/50,000")
    parser.add_argument("--docs", type=int, help="documents (overrides --size)")
    parser.add_argument("--commits", type=int, help="commits (overrides --size)")
    parser.add_argument("--layout", choices=generator.LAYOUTS, default="flat",
                        help="flat (default, as the sample) or nested (a folder per procedure)")
    parser.add_argument("--seed", type=int, default=1, help="generator and sampling seed")
    parser.add_argument("--workdir", type=Path, default=HERE / ".work",
                        help="where generated repositories are cached (default benchmarks/.work)")
    parser.add_argument("--sample", type=int, default=20, help="files timed with git log --follow")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs for (a) and (c)")
    parser.add_argument("--python", help="Python to run qms with (default: one that can import qms)")
    args = parser.parse_args(argv)

    docs, commits, records = generator.SIZES[args.size]
    docs, commits = args.docs or docs, args.commits or commits
    repo, info = ensure_repo(args.workdir.resolve(), docs, commits, args.seed, args.layout, records)
    files = document_files(repo)
    first_parent = int(git_out(repo, "rev-list", "--first-parent", "--count", "HEAD"))
    notes: list[str] = []

    # (a) The floor: one pass of git log over all of history.
    say("(a) git log, one pass ...")
    floor, floor_runs = best_of(args.repeat, lambda: run_measured(FLOOR_CMD, repo))
    if floor.returncode != 0:
        raise SystemExit(f"git log failed: {floor.stderr.decode(errors='replace')}")
    rows = [Row("(a) git log, one pass (floor)", floor.seconds, "-", 1.0)]
    notes.append(f"(a) runs {', '.join(f'{r.seconds:.2f}' for r in floor_runs)} s; "
                 f"{len(floor.stdout) / 1e6:.1f} MB of output read; git peak RSS {floor.max_rss_kb / 1024:.0f} MB")

    # (b) The peer: one git log --follow per file, on a sample, scaled up.
    sample = random.Random(args.seed).sample(files, min(args.sample, len(files)))
    say(f"(b) git log --follow on {len(sample)} files ...")
    times = []
    for path in sample:
        run = run_measured(["git", "log", "--follow", "--format=%H", "--", path], repo)
        if run.returncode != 0:
            raise SystemExit(f"git log --follow {path} failed: {run.stderr.decode(errors='replace')}")
        times.append(run.seconds)
    mean = sum(times) / len(times)
    total = mean * len(files)
    rows.append(Row(f"(b) git log --follow, mean of {len(sample)} files", mean, "-", None))
    rows.append(Row(f"(b) git log --follow x {len(files):,} files (extrapolated)", total, "(a)",
                    total / floor.seconds))
    notes.append(f"(b) per file: min {min(times):.2f} s, max {max(times):.2f} s; "
                 f"total {total / 60:.1f} min for {len(files):,} files")

    # (c) qmskit's full history.
    python = find_python(args.python)
    say("(c) qms history ...")
    cmd = [python, "-m", "qms", "history", "--format", "json"]
    # Cold: qms keeps git's log by commit id and parsed front-matter by blob id in .git/qmskit; without them
    # it runs the whole git log and parses every version.
    shutil.rmtree(repo / ".git" / "qmskit", ignore_errors=True)
    first = run_measured(cmd, repo)
    verdict = "not measured"
    if first.returncode == 2 and b"No such command" in first.stderr:
        rows.append(Row("(c) qms history --format json", None, text="n/a (qms history not available)"))
    elif first.returncode != 0:
        tail = first.stderr.decode(errors="replace").strip().splitlines()[-3:]
        rows.append(Row("(c) qms history --format json", None, text=f"failed (exit {first.returncode})"))
        notes.append("(c) stderr: " + " | ".join(tail))
    else:
        rows.append(Row("(c) qms history, cold (no caches)", first.seconds, "(a)",
                        first.seconds / floor.seconds))
        best, qms_runs = best_of(args.repeat, lambda: run_measured(cmd, repo))
        ratio = best.seconds / floor.seconds
        rows.append(Row("(c) qms history, warm (log and parse caches)", best.seconds, "(a)", ratio))
        verdict = f"{'met' if ratio <= TARGET else 'NOT met'} ({ratio:.2f}x)"
        try:
            json.loads(best.stdout)
            shape = f"valid JSON, {len(best.stdout) / 1e6:.1f} MB"
        except ValueError:
            shape = "output is NOT valid JSON"
        # The fixed cost of starting Python and importing qms, which no history size changes.
        startup, _ = best_of(args.repeat, lambda: run_measured([python, "-m", "qms", "--version"], repo))
        notes.append(f"(c) runs {', '.join(f'{r.seconds:.2f}' for r in qms_runs)} s, of which "
                     f"{startup.seconds:.2f} s is starting Python and importing qms (qms --version); peak RSS "
                     f"{max(r.max_rss_kb for r in qms_runs) / 1024:.0f} MB (largest process in its tree); {shape}")

    stats = info.get("stats", {})
    print(f"History benchmark, {date.today().isoformat()}: {len(files):,} documents, "
          f"{stats.get('commits', commits):,} commits ({first_parent:,} on the first-parent line, "
          f"{stats.get('merge', 0)} merges, {stats.get('rename', 0) + stats.get('move', 0)} renames), "
          f"{args.layout} layout, seed {args.seed}")
    print(f"git {git_out(repo, 'version').split()[-1]}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs; repository generated in {info['seconds']:.1f} s; qms run with {python}")
    print()
    print_table(rows)
    print()
    for note in notes:
        print(note)
    print(f"target: (c) within {TARGET}x of (a): {verdict}")
    return 0


def print_table(rows: list[Row]) -> None:
    width = max(len(r.name) for r in rows)
    print(f"{'row':<{width}}  {'seconds':>10}  {'peer/floor':<10}  {'ratio':>8}")
    for r in rows:
        if r.seconds is None:
            print(f"{r.name:<{width}}  {r.text}")
            continue
        ratio = f"{r.ratio:,.2f}x" if r.ratio is not None else ""
        print(f"{r.name:<{width}}  {r.seconds:>10,.2f}  {r.peer:<10}  {ratio:>8}")


if __name__ == "__main__":
    sys.exit(main())
