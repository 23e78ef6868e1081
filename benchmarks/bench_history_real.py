#!/usr/bin/env python3
"""Benchmark: `qms history` on a repository shaped like a real adopted one, against its floor.

The synthetic repository of bench_history.py has short files and few versions of each, so reading the
versions costs little there. Real repositories differ: a public one of 650 documents and 8,000 commits has
long files with dozens of versions each, moved between folders, and merges. This script generates one of
that shape (once, cached under the work folder), in one `git fast-import`:

- `--docs` documents of `--lines` lines each (about 45 bytes a line), first kept in folders qmskit does not
  know (`sops/`, `old/wi/`) with no front-matter, by many authors;
- an adoption commit a third of the way in: every file moved into `procedures/` (some into `manual/`) with
  front-matter added, as `qms adopt` or a person would;
- after it, edits of a few lines each, a revision bump now and then, files moved between `manual/` and
  `procedures/`, and every tenth change made on a side branch of one to three commits and merged.

Rows (wall time of the whole process; each qms run paired with floor runs just before it, medians of
`--repeat` pairs):

  (a) one `git log` pass (the same command as bench_history.py's floor);
  (b) `git cat-file --batch` reading the blob of every version of every document file, under every name it
      had (the list is made beforehand, not timed);
  (c) `qms history --format json`, cold: its caches in .git/qmskit removed before each run;
  (d) `qms history --format json`, warm.

Targets (issue 16): cold within 2x of (a)+(b); warm within 1.5x of (a).

Usage:
    python benchmarks/bench_history_real.py [--docs 300] [--commits 8000] [--lines 400] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_history import FLOOR_CMD, Row, Run, find_python, git_out, print_table, run_measured, say  # noqa: E402

COLD_TARGET, WARM_TARGET = 2.0, 1.5
AUTHORS = [(f"Author {n:02d}", f"author{n:02d}@office.example") for n in range(30)]
CONTROLLER = ("Li Na", "li.na@office.example")
QMS_YML = "organisation: Bench\nlanguage: en\nrevision_scheme: integer\nroles: manual/roles.yml\npeople: manual/people.yml\n"
ROLES_YML = "roles:\n  - id: quality-manager\n    title: Quality Manager\n    reports_to: null\n"
PEOPLE_YML = ("people:\n  - id: li-na\n    name: Li Na\n    emails: [li.na@office.example]\n"
              "    roles: [quality-manager]\n")
WORDS = ["the", "record", "is", "kept", "by", "the", "owner", "and", "checked", "at", "each", "review",
         "against", "the", "plan", "of", "the", "year", "and", "the", "audit", "findings", "before",
         "release", "to", "the", "floor"]


class Doc:
    def __init__(self, number: int, rng: random.Random, lines: int) -> None:
        self.id = f"QP-{number:03d}"
        self.slug = f"{number:03d}-{'-'.join(rng.sample(WORDS, 3))}"
        self.lines = [" ".join(rng.choices(WORDS, k=8)) + f" ({number}.{n})." for n in range(lines)]
        self.path = f"{'sops' if number % 3 else 'old/wi'}/{self.slug}.md"
        self.revision = 1
        self.adopted = False

    def text(self) -> str:
        body = "# " + self.slug + "\n\n" + "\n".join(self.lines) + "\n"
        if not self.adopted:
            return body
        return (f"---\nid: {self.id}\ntitle: {self.slug}\ntype: procedure\nrevision: {self.revision}\n"
                f"status: effective\nowner: quality-manager\napprovers: [quality-manager]\n"
                f"effective: 2024-01-01\n---\n\n" + body)

    def edit(self, rng: random.Random) -> None:
        for _ in range(rng.randint(1, 4)):
            self.lines[rng.randrange(len(self.lines))] = " ".join(rng.choices(WORDS, k=8)) + "."


class Stream:
    """The fast-import stream: commits on main and on short side branches, with dates that increase."""

    def __init__(self, out) -> None:
        self.out = out
        self.mark = 0
        self.clock = 1_500_000_000
        self.main: int | None = None

    def _data(self, text: str) -> None:
        raw = text.encode()
        self.out.write(b"data %d\n" % len(raw) + raw + b"\n")

    def commit(self, ref: str, who: tuple[str, str], message: str, ops: list[tuple], parent: int | None,
               merge: int | None = None) -> int:
        self.mark += 1
        self.clock += 3600
        ident = f"{who[0]} <{who[1]}> {self.clock} +0000"
        self.out.write(f"commit {ref}\nmark :{self.mark}\nauthor {ident}\ncommitter {ident}\n".encode())
        self._data(message)
        if parent is not None:
            self.out.write(f"from :{parent}\n".encode())
        if merge is not None:
            self.out.write(f"merge :{merge}\n".encode())
        for op in ops:
            if op[0] == "M":
                self.out.write(f"M 100644 inline {op[1]}\n".encode())
                self._data(op[2])
            elif op[0] == "D":
                self.out.write(f"D {op[1]}\n".encode())
        return self.mark


def generate(repo: Path, docs: int, commits: int, lines: int, seed: int) -> dict:
    rng = random.Random(seed)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    out = proc.stdin
    assert out is not None
    s = Stream(out)
    every = [Doc(n + 1, rng, lines) for n in range(docs)]
    ops = [("M", "qms.yml", QMS_YML), ("M", "manual/roles.yml", ROLES_YML), ("M", "manual/people.yml", PEOPLE_YML)]
    ops += [("M", d.path, d.text()) for d in every]
    s.main = s.commit("refs/heads/main", rng.choice(AUTHORS), "The documents as they were", ops, None)
    adopt_at = commits // 3
    stats = {"merges": 0, "moves": 0, "commits": 1}
    n = 1
    while n < commits:
        if n == adopt_at:
            ops = []
            for d in every:
                ops.append(("D", d.path))
                d.path = f"{'manual' if d.path.startswith('old/') else 'procedures'}/{d.slug}.md"
                d.adopted = True
                ops.append(("M", d.path, d.text()))
            s.main = s.commit("refs/heads/main", CONTROLLER, "Adopt qmskit: front-matter, folders", ops, s.main)
            stats["moves"] += docs
            n += 1
            continue
        if n % 10 == 0 and n > adopt_at:  # a side branch of one to three commits, merged
            side, changed = s.main, {}
            for _ in range(rng.randint(1, 3)):
                d = rng.choice(every)
                d.edit(rng)
                changed[d.path] = d
                side = s.commit("refs/heads/side", rng.choice(AUTHORS), f"Edit {d.id} on a branch",
                                [("M", d.path, d.text())], side)
                n += 1
            s.main = s.commit("refs/heads/main", rng.choice(AUTHORS), "Merge the branch",
                              [("M", p, d.text()) for p, d in changed.items()], s.main, merge=side)
            stats["merges"] += 1
            n += 1
            continue
        d = rng.choice(every)
        ops = []
        if d.adopted and rng.random() < 0.03:  # moved between folders, as a reorganisation does
            ops.append(("D", d.path))
            d.path = f"{'procedures' if d.path.startswith('manual/') else 'manual'}/{d.slug}.md"
            stats["moves"] += 1
        elif not d.adopted and rng.random() < 0.02:
            ops.append(("D", d.path))
            d.path = f"{'old/wi' if d.path.startswith('sops/') else 'sops'}/{d.slug}.md"
            stats["moves"] += 1
        d.edit(rng)
        if d.adopted and rng.random() < 0.1:
            d.revision += 1
        ops.append(("M", d.path, d.text()))
        s.main = s.commit("refs/heads/main", rng.choice(AUTHORS), f"Edit {d.id}", ops, s.main)
        n += 1
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True)
    subprocess.run(["git", "gc", "-q"], cwd=repo, check=True)
    stats["commits"] = int(git_out(repo, "rev-list", "--count", "HEAD"))
    return stats


def ensure(workdir: Path, docs: int, commits: int, lines: int, seed: int) -> tuple[Path, dict]:
    source = Path(__file__).read_text()
    # Only the generating code: a change to how it is measured keeps the cached repository.
    fingerprint = hashlib.sha256(source[:source.index("def ensure(")].encode()).hexdigest()[:12]
    base = workdir / f"real-{docs}x{commits}x{lines}-seed{seed}"
    repo, stamp = base / "repo", base / "generated.json"
    if stamp.is_file() and (repo / ".git").is_dir():
        info = json.loads(stamp.read_text())
        if info.get("fingerprint") == fingerprint:
            return repo, info
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    say(f"generating {docs} documents of {lines} lines and {commits:,} commits in {repo} ...")
    started = time.perf_counter()
    stats = generate(repo, docs, commits, lines, seed)
    info = {"fingerprint": fingerprint, "seconds": round(time.perf_counter() - started, 1), "stats": stats}
    stamp.write_text(json.dumps(info, indent=2) + "\n")
    return repo, info


def version_blobs(repo: Path) -> list[str]:
    """The blob of every version of every Markdown file on the history's lines (main and the merged branches)."""
    out = git_out(repo, "log", "-M", "--raw", "--no-abbrev", "--format=", "--diff-merges=first-parent", "HEAD")
    blobs = set()
    for line in out.splitlines():
        fields = line.split("\t")
        meta = fields[0].split()
        if len(meta) >= 5 and fields[-1].endswith(".md") and meta[4] != "D":
            blobs.add(meta[3])
    return sorted(blobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--commits", type=int, default=8000)
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=HERE / ".work")
    parser.add_argument("--python", help="Python to run qms with (default: one that can import qms)")
    args = parser.parse_args(argv)
    repo, info = ensure(args.workdir.resolve(), args.docs, args.commits, args.lines, args.seed)
    blobs = version_blobs(repo)
    listing = repo.parent / "blobs.txt"
    listing.write_text("\n".join(blobs) + "\n")

    python = find_python(args.python)
    cmd = [python, "-m", "qms", "history", "--format", "json"]
    cat_cmd = ["sh", "-c", f"exec git cat-file --batch < '{listing}'"]

    def cold() -> Run:
        shutil.rmtree(repo / ".git" / "qmskit", ignore_errors=True)
        return run_measured(cmd, repo)

    # The machine is shared: each qms run is paired with a floor run taken just before it, and the ratio is
    # taken pair by pair (its median is the figure), so a busy minute moves both sides of a ratio alike.
    cold_pairs, warm_pairs = [], []
    for _ in range(args.repeat):
        log, cat, run = run_measured(FLOOR_CMD, repo), run_measured(cat_cmd, repo), cold()
        if run.returncode != 0:
            raise SystemExit(f"qms history failed: {run.stderr.decode(errors='replace')[-2000:]}")
        cold_pairs.append((log.seconds + cat.seconds, run.seconds, cat))
    for _ in range(args.repeat):
        log, run = run_measured(FLOOR_CMD, repo), run_measured(cmd, repo)
        warm_pairs.append((log.seconds, run.seconds, run))
    cold_ratio = statistics.median(q / f for f, q, _ in cold_pairs)
    warm_ratio = statistics.median(q / f for f, q, _ in warm_pairs)
    size = len(cold_pairs[0][2].stdout) / 1e6
    rows = [
        Row(f"(a)+(b) git log + git cat-file --batch of {len(blobs):,} versions ({size:.0f} MB), median",
            statistics.median(f for f, _, _ in cold_pairs), "-", 1.0),
        Row("(c) qms history, cold, median", statistics.median(q for _, q, _ in cold_pairs), "(a)+(b)", cold_ratio),
        Row("(a) git log, one pass, median", statistics.median(f for f, _, _ in warm_pairs), "-", 1.0),
        Row("(d) qms history, warm, median", statistics.median(q for _, q, _ in warm_pairs), "(a)", warm_ratio),
    ]
    stats = info["stats"]
    print(f"History on a repository shaped like a real one, {date.today().isoformat()}: {args.docs} documents of "
          f"{args.lines} lines, {stats['commits']:,} commits, {stats['merges']} merges, {stats['moves']} moves; "
          f"generated in {info['seconds']} s; qms run with {python}; load average {os.getloadavg()[0]:.1f}")
    print()
    print_table(rows)
    print()
    print("pairs (floor s, qms s): cold " + ", ".join(f"({f:.2f}, {q:.2f})" for f, q, _ in cold_pairs)
          + "; warm " + ", ".join(f"({f:.2f}, {q:.2f})" for f, q, _ in warm_pairs)
          + f"; qms warm peak RSS {max(r.max_rss_kb for _, _, r in warm_pairs) / 1024:.0f} MB")
    print(f"target: cold within {COLD_TARGET}x of (a)+(b): {'met' if cold_ratio <= COLD_TARGET else 'NOT met'} "
          f"({cold_ratio:.2f}x); warm within {WARM_TARGET}x of (a): "
          f"{'met' if warm_ratio <= WARM_TARGET else 'NOT met'} ({warm_ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
