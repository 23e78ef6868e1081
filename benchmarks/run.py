#!/usr/bin/env python3
"""Run every qmskit benchmark and print one table: figure, peer or floor, ratio, target, peak memory.

Generates (once, cached under benchmarks/.work/) the repositories it needs
with generate.py, then measures, each peer or floor in the same run on the
same data:

  check     `qms check` cold (no cache) and warm against the floor: read every
            file and parse its front-matter with yaml.CSafeLoader, nothing more;
  doorstop  `qms check` against `doorstop` validating the same number of items
            (Doorstop installed in its own virtualenv under .work/);
  since     `qms check --since HEAD~1` after one changed file;
  staged    `qms check --staged` (the pre-commit hook) against plain `qms check`, warm, on the same
            clone with one effective document edited and staged;
  history   `qms history` for every document against one bare `git log` pass;
  build     `qms build` against plain mkdocs-material and the git-date plugin
            (bench_build.py, 1,000 pages of a 20,000-commit history), and the
            weight of the qms site's navigation;
  large     peak memory of check, --since and history at the large size.

Peak memory is the child's maximum resident set (os.wait4, the same kernel
accounting as getrusage(RUSAGE_CHILDREN), limited to that child and what it
started).

Usage:
    python benchmarks/run.py [--size medium] [--skip-large] [--only check,since,...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate as generator  # noqa: E402 - sibling scripts, not a package
from bench_history import FLOOR_CMD, Run, best_of, ensure_repo, find_python, git_out, run_measured, say  # noqa: E402

SITE_THEME = """plugins:
  - search
  - qms
theme:
  name: material
  features:
    - navigation.sections
    - navigation.prune
"""

SECTIONS = ("check", "doorstop", "since", "staged", "history", "due", "build", "large")

# The floor of `qms check`: read each Markdown file, parse its front-matter with libyaml. Nothing more.
FLOOR_SCRIPT = """
import os, sys, yaml
count = 0
for top in sys.argv[1:]:
    for dirpath, dirnames, filenames in os.walk(top):
        for name in filenames:
            if name.endswith(".md"):
                with open(os.path.join(dirpath, name), encoding="utf-8-sig") as handle:
                    text = handle.read()
                head, _, _ = text[4:].partition("\\n---")
                yaml.load(head, Loader=yaml.CSafeLoader)
                count += 1
print(count)
"""


@dataclass
class Row:
    figure: str
    run: Run | None
    peer: str = ""
    peer_seconds: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.run is None or not self.peer_seconds:
            return None
        return self.run.seconds / self.peer_seconds


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.python = find_python(args.python)
        self.workdir = args.workdir.resolve()
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def qms(self, repo: Path, *args: str) -> Run:
        run = run_measured([self.python, "-m", "qms", *args], repo)
        if run.returncode not in (0, 1):
            raise SystemExit(f"qms {' '.join(args)} failed in {repo}:\n{run.stderr.decode(errors='replace')[-2000:]}")
        return run

    def best(self, once, repeat: int | None = None) -> Run:
        return best_of(repeat or self.args.repeat, once)[0]

    def add(self, row: Row) -> None:
        self.rows.append(row)
        seconds = f"{row.run.seconds:.2f} s" if row.run else "-"
        say(f"  {row.figure}: {seconds}")

    def repo(self, size: str) -> tuple[Path, dict]:
        docs, commits, records = generator.SIZES[size]
        return ensure_repo(self.workdir, docs, commits, self.args.seed, "flat", records)

    # -- rows ---------------------------------------------------------------

    def check(self, repo: Path, label: str) -> tuple[Run, Run]:
        say(f"check ({label}) ...")
        cache = repo / ".git" / "qmskit"
        folders = ["manual", "procedures", "records"]
        floor = self.best(lambda: run_measured([self.python, "-c", FLOOR_SCRIPT, *folders], repo))
        files = int(floor.stdout.decode().strip() or 0)
        self.add(Row(f"floor: read + CSafeLoader, {files:,} files ({label})", floor))

        def cold_once() -> Run:
            shutil.rmtree(cache, ignore_errors=True)
            return self.qms(repo, "check")

        cold = self.best(cold_once)
        self.add(Row(f"qms check, cold ({label})", cold, "floor", floor.seconds, "< 3 s, 1.5x",
                     cold.seconds < 3 and cold.seconds <= 1.5 * floor.seconds))
        self.qms(repo, "check")
        warm = self.best(lambda: self.qms(repo, "check"))
        self.add(Row(f"qms check, warm ({label})", warm, "floor", floor.seconds, "< 1 s, 1.5x",
                     warm.seconds < 1 and warm.seconds <= 1.5 * floor.seconds))
        return cold, warm

    def doorstop(self) -> None:
        """Doorstop validating as many items as the small QMS has files, and qms check on that QMS."""
        say("doorstop ...")
        small, _info = self.repo("small")
        files = sum(1 for line in git_out(small, "ls-files", "manual", "procedures", "records").splitlines()
                    if line.endswith(".md"))
        bin_dir = ensure_doorstop(self.workdir)
        tree = make_doorstop_tree(self.workdir / f"doorstop-{files}", files)
        peer = self.best(lambda: run_measured([str(bin_dir / "doorstop")], tree), repeat=1)
        if peer.returncode != 0:
            self.notes.append(f"doorstop exit {peer.returncode}: {peer.stderr.decode(errors='replace')[-300:]}")
        shutil.rmtree(small / ".git" / "qmskit", ignore_errors=True)
        cold = self.qms(small, "check")
        self.add(Row(f"doorstop, {files:,} items", peer))
        self.add(Row(f"qms check, cold, {files:,} files (small)", cold, "doorstop", peer.seconds, "faster",
                     cold.seconds < peer.seconds))

    def since(self, source: Path, label: str) -> None:
        say(f"since ({label}) ...")
        repo = one_change_clone(source, self.workdir / f"since-{source.parent.name}")

        def cold_once() -> Run:  # no qmskit cache, as for the cold check rows (best of --repeat too)
            shutil.rmtree(repo / ".git" / "qmskit", ignore_errors=True)
            return self.qms(repo, "check", "--since", "HEAD~1")

        cold = self.best(cold_once)
        warm = self.best(lambda: self.qms(repo, "check", "--since", "HEAD~1"))
        findings = warm.stdout.decode(errors="replace").strip().splitlines()[-1:]
        self.notes.append(f"--since HEAD~1 ({label}) reported: {findings[0] if findings else '(nothing)'}")
        self.add(Row(f"qms check --since HEAD~1, cold ({label})", cold, target="< 1 s", met=cold.seconds < 1))
        self.add(Row(f"qms check --since HEAD~1, warm ({label})", warm, target="< 1 s", met=warm.seconds < 1))

    def staged(self, source: Path, label: str) -> None:
        """The pre-commit hook's check against plain `qms check`, both warm, alternating, on the same clone."""
        say(f"staged ({label}) ...")
        repo = one_staged_clone(source, self.workdir / f"staged-{source.parent.name}")
        self.qms(repo, "check")  # warm the cache for both
        plain: list[Run] = []
        staged: list[Run] = []
        for _ in range(self.args.repeat):  # alternated, so a busy moment of the shared machine falls on both
            plain.append(self.qms(repo, "check"))
            staged.append(self.qms(repo, "check", "--staged"))
        best_plain = min(plain, key=lambda r: r.seconds)
        best_staged = min(staged, key=lambda r: r.seconds)
        found = best_staged.stdout.decode(errors="replace").strip().splitlines()[-1:]
        self.notes.append(f"--staged ({label}) reported: {found[0] if found else '(nothing)'}")
        # CPU time hardly depends on what else the shared machine runs; wall time does.
        cpu_plain = statistics.median(r.cpu_seconds for r in plain)
        cpu_staged = statistics.median(r.cpu_seconds for r in staged)
        self.notes.append(f"CPU seconds, median of {len(plain)} ({label}): qms check {cpu_plain:.2f}, "
                          f"qms check --staged {cpu_staged:.2f} ({cpu_staged / cpu_plain:.2f}x)")
        self.add(Row(f"qms check, warm, one staged change ({label})", best_plain))
        self.add(Row(f"qms check --staged, warm ({label})", best_staged, "qms check", best_plain.seconds,
                     "1.1x", best_staged.seconds <= 1.1 * best_plain.seconds))

    def history(self, repo: Path, label: str) -> None:
        say(f"history ({label}) ...")
        floor = self.best(lambda: run_measured(FLOOR_CMD, repo))
        self.add(Row(f"git log, one pass ({label})", floor))

        def cold_once() -> Run:
            shutil.rmtree(repo / ".git" / "qmskit", ignore_errors=True)
            return self.qms(repo, "history", "--format", "json")

        cold = self.best(cold_once, repeat=1)
        self.add(Row(f"qms history, cold ({label})", cold, "git log", floor.seconds, "1.5x",
                     cold.seconds <= 1.5 * floor.seconds))
        warm = self.best(lambda: self.qms(repo, "history", "--format", "json"))
        self.add(Row(f"qms history, warm ({label})", warm, "git log", floor.seconds, "1.5x",
                     warm.seconds <= 1.5 * floor.seconds))

    def due(self, repo: Path, label: str) -> None:
        """`qms due` (every duty, whatever its day) against `qms check --history` on the same repository,
        both cold (no qmskit cache) and warm."""
        say(f"due ({label}) ...")
        cache = repo / ".git" / "qmskit"
        every = ("due", "--within", "36500d", "--format", "json")

        def cold(*args: str) -> Run:
            shutil.rmtree(cache, ignore_errors=True)
            return self.qms(repo, *args)

        check_cold = self.best(lambda: cold("check", "--history"), repeat=1)
        due_cold = self.best(lambda: cold(*every), repeat=1)
        self.add(Row(f"qms check --history, cold ({label})", check_cold))
        self.add(Row(f"qms due, cold ({label})", due_cold, "check --history", check_cold.seconds, "1.5x",
                     due_cold.seconds <= 1.5 * check_cold.seconds))
        self.qms(repo, "check", "--history")  # both caches filled
        check_warm = self.best(lambda: self.qms(repo, "check", "--history"))
        due_warm = self.best(lambda: self.qms(repo, *every))
        self.add(Row(f"qms check --history, warm ({label})", check_warm))
        self.add(Row(f"qms due, warm ({label})", due_warm, "check --history", check_warm.seconds, "1.5x",
                     due_warm.seconds <= 1.5 * check_warm.seconds))

    def build(self) -> None:
        say("build (bench_build.py) ...")
        command = [sys.executable, str(HERE / "bench_build.py"), "--workdir", str(self.workdir),
                   "--repeat", "1", *self.args.build_args.split()]
        result = subprocess.run(command, capture_output=True, text=True)
        self.notes.append("site build (bench_build.py):\n" + result.stdout.rstrip())
        if result.returncode != 0:
            self.notes.append(f"bench_build.py failed: {result.stderr[-1500:]}")

    def nav_weight(self) -> None:
        """Bytes of navigation HTML per page and the total size of the qms site at 2,000 documents.

        The repository has the medium size's documents and history, and only the records events
        bring (a few hundred): each record is a page too, and 20,000 of them would make this a
        records benchmark.
        """
        say("navigation weight (qms build, 2,000 documents) ...")
        repo, _info = ensure_repo(self.workdir, 2_000, 20_000, self.args.seed, "flat", 0)
        base = self.workdir / f"site-{repo.parent.name}"
        shutil.rmtree(base, ignore_errors=True)
        site_repo, out = base / "repo", base / "site"
        subprocess.run(["git", "clone", "--quiet", str(repo), str(site_repo)], check=True)
        (site_repo / "mkdocs.yml").write_text("site_name: Synthetic QMS\ndocs_dir: portal\n" + SITE_THEME, encoding="utf-8")
        (site_repo / "portal").mkdir(exist_ok=True)
        (site_repo / "portal" / "index.md").write_text("# Quality management system\n", encoding="utf-8")
        run = run_measured([self.python, "-m", "qms", "build", "--site-dir", str(out)], site_repo)
        if run.returncode != 0:
            self.notes.append(f"qms build for the navigation weight failed: {run.stderr.decode(errors='replace')[-800:]}")
            return
        pages = [p for p in out.rglob("*.html") if p.name != "404.html"]
        navs = [nav_bytes(p.read_text("utf-8", "replace")) for p in pages]
        total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        self.add(Row(f"qms build, {len(pages):,} pages ({repo.parent.name})", run))
        self.notes.append(f"navigation: {sum(navs) / max(1, len(navs)) / 1024:,.1f} KB of nav HTML per page on average, "
                          f"largest {max(navs, default=0) / 1024:,.1f} KB; site total {total / 1e6:,.1f} MB "
                          f"in {len(pages):,} pages")

    def large(self) -> None:
        repo, _info = self.repo("large")
        self.check(repo, "large")
        self.since(repo, "large")
        self.history(repo, "large")
        peak = max(r.run.max_rss_kb for r in self.rows if r.run and "(large)" in r.figure and "qms" in r.figure)
        self.add(Row("peak memory of any qms run (large)", None, target="< 500 MB", met=peak < 500 * 1024,
                     note=f"{peak / 1024:,.0f} MB"))


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def nav_bytes(html: str) -> int:
    """Bytes of the primary navigation (Material's <nav class="md-nav md-nav--primary" ...>...</nav>)."""
    start = html.find('<nav class="md-nav md-nav--primary"')
    if start < 0:
        return 0
    depth, index = 0, start
    while True:
        opening = html.find("<nav", index + 1)
        closing = html.find("</nav>", index + 1)
        if closing < 0:
            return len(html[start:].encode())
        if 0 <= opening < closing:
            depth, index = depth + 1, opening
        elif depth:
            depth, index = depth - 1, closing
        else:
            return len(html[start : closing + 6].encode())


def one_change_clone(source: Path, base: Path) -> Path:
    """A clone of `source` with one more commit that changes one draft document's body."""
    head = git_out(source, "rev-parse", "HEAD").strip()
    repo, stamp = base / "repo", base / "since.json"
    if stamp.is_file() and json.loads(stamp.read_text()).get("source_head") == head:
        return repo
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    subprocess.run(["git", "clone", "--quiet", str(source), str(repo)], check=True)
    draft = next(path for path in git_out(repo, "grep", "-l", "^status: draft", "--", "procedures").splitlines())
    with open(repo / draft, "a", encoding="utf-8") as out:
        out.write("\nThe section head signs the slip before it is filed.\n")
    last = git_out(repo, "log", "-1", "--format=%an%x00%ae%x00%aI", "--", draft).strip().split("\0")
    env = {**os.environ, "GIT_AUTHOR_NAME": last[0], "GIT_AUTHOR_EMAIL": last[1],
           "GIT_COMMITTER_NAME": last[0], "GIT_COMMITTER_EMAIL": last[1]}
    subprocess.run(["git", "commit", "--quiet", "--no-verify", "-am", "Add a signing step"], cwd=repo, check=True, env=env)
    stamp.write_text(json.dumps({"source_head": head, "changed": draft}) + "\n")
    return repo


def one_staged_clone(source: Path, base: Path) -> Path:
    """A clone of `source` with one effective document's body edited and staged (no new revision): what the
    pre-commit hook stops."""
    head = git_out(source, "rev-parse", "HEAD").strip()
    repo, stamp = base / "repo", base / "staged.json"
    if stamp.is_file() and json.loads(stamp.read_text()).get("source_head") == head:
        return repo
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    subprocess.run(["git", "clone", "--quiet", str(source), str(repo)], check=True)
    effective = next(path for path in git_out(repo, "grep", "-l", "^status: effective", "--", "procedures").splitlines())
    with open(repo / effective, "a", encoding="utf-8") as out:
        out.write("\nThe section head signs the slip before it is filed.\n")
    subprocess.run(["git", "add", effective], cwd=repo, check=True)
    stamp.write_text(json.dumps({"source_head": head, "changed": effective}) + "\n")
    return repo


def ensure_doorstop(workdir: Path) -> Path:
    venv = workdir / "venv-doorstop"
    if not (venv / "bin" / "doorstop").exists():
        say(f"creating {venv} with doorstop (pip runs once) ...")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "doorstop>=3"], check=True)
    return venv / "bin"


def make_doorstop_tree(base: Path, items: int) -> Path:
    """A Doorstop tree of `items` items: a tenth in a parent document, the rest linking to one of them."""
    if (base / "done").is_file():
        return base
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(base)], check=True)
    parents = max(1, items // 10)
    for prefix, parent, count in (("QM", None, parents), ("QP", "QM", items - parents)):
        folder = base / prefix.lower()
        folder.mkdir()
        settings = {"settings": {"digits": 5, "prefix": prefix, "sep": "-"}}
        if parent:
            settings["settings"]["parent"] = parent
        (folder / ".doorstop.yml").write_text(yaml_dump(settings), encoding="utf-8")
        for number in range(1, count + 1):
            links = f"links:\n- {parent}-{1 + number % parents:05d}: null\n" if parent else "links: []\n"
            text = (f"active: true\nderived: false\nheader: ''\nlevel: {1 + number // 100}.{number % 100 + 1}\n{links}"
                    f"normative: true\nref: ''\nreviewed: null\n"
                    f"text: |\n  The registry clerk records item {number} on the day it arrives.\n")
            (folder / f"{prefix}-{number:05d}.yml").write_text(text, encoding="utf-8")
    (base / "done").write_text("")
    return base


def yaml_dump(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs ({model or platform.processor()}), {platform.system()} {platform.release()}, "
            f"Python {sys.version.split()[0]}, {git_out(HERE, 'version').strip()}; "
            f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


def print_table(rows: list[Row]) -> None:
    header = ["figure", "seconds", "peer/floor", "peer s", "ratio", "target", "met?", "peak MB"]
    body = []
    for r in rows:
        body.append([
            r.figure,
            f"{r.run.seconds:,.2f}" if r.run else r.note,
            r.peer,
            f"{r.peer_seconds:,.2f}" if r.peer_seconds else "",
            f"{r.ratio:,.2f}x" if r.ratio is not None else "",
            r.target,
            "" if r.met is None else ("yes" if r.met else "NO"),
            f"{r.run.max_rss_kb / 1024:,.0f}" if r.run else "",
        ])
    print("| " + " | ".join(header) + " |")
    print("| --- | " + " | ".join("---:" for _ in header[1:]) + " |")
    for line in body:
        print("| " + " | ".join(line) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(generator.SIZES), default="medium",
                        help="size for check, since and history (default medium)")
    parser.add_argument("--skip-large", action="store_true", help="leave out the large-size rows")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--build-args", default="",
                        help="extra options for bench_build.py, e.g. '--docs 1000 --commits 20000'")
    parser.add_argument("--workdir", type=Path, default=HERE / ".work",
                        help="where generated repositories and virtualenvs are kept (default benchmarks/.work)")
    parser.add_argument("--python", help="Python to run qms with (default: one that can import qms)")
    args = parser.parse_args(argv)
    sections = [s for s in args.only.split(",") if s]
    if unknown := set(sections) - set(SECTIONS):
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    if args.skip_large and "large" in sections:
        sections.remove("large")
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    bench = Bench(args)
    started = time.perf_counter()
    repo, info = (bench.repo(args.size) if {"check", "since", "staged", "history", "due", "build"} & set(sections)
                  else (None, {}))
    if "check" in sections:
        bench.check(repo, args.size)
    if "doorstop" in sections:
        bench.doorstop()
    if "since" in sections:
        bench.since(repo, args.size)
    if "staged" in sections:
        bench.staged(repo, args.size)
    if "history" in sections:
        bench.history(repo, args.size)
    if "due" in sections:
        bench.due(repo, args.size)
    if "build" in sections:
        bench.build()
        bench.nav_weight()
    if "large" in sections:
        bench.large()

    print(f"qmskit benchmarks, {date.today().isoformat()}, seed {args.seed}; {machine()}")
    if info:
        stats = info.get("stats", {})
        print(f"{args.size}: {stats.get('documents', 0):,} documents, {stats.get('records', 0):,} records, "
              f"{stats.get('commits', 0):,} commits (generated in {info['seconds']:.1f} s)")
    print(f"command: python benchmarks/run.py {' '.join(argv if argv is not None else sys.argv[1:])}")
    print()
    print_table(bench.rows)
    print()
    for note in bench.notes:
        print(note)
    print(f"\n(all measurements: {time.perf_counter() - started:,.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
