#!/usr/bin/env python3
"""Benchmark: how long does it take to build the published site?

On one synthetic QMS repository (generated once by generate.py and
cached under the work folder), in one run, the same pages are built three
ways with the same theme (Material, navigation.sections + navigation.prune):

  (a) floor: plain MkDocs over the published documents where they are in
      the repository (so each page has its real git history), plugins [search];
  (b) peer: the same pages with mkdocs-git-revision-date-localized-plugin,
      which runs `git log` once per file; and again with its
      `enable_creation_date: true`, where that log walks the file's history
      back to its first commit;
  (c) qmskit: the repository's own build, plugins [search, qms] (register,
      headers and the revision table of every document from git history).

Targets: (c) within 1.5x of (a), and at least 10x faster than (b).

The builds run in a virtualenv made for the benchmark under the work folder
(mkdocs, mkdocs-material, jieba, the git-date plugin and this qmskit, in
editable mode); pip runs only the first time.

Usage:
    python benchmarks/bench_build.py [--docs 1000 --commits 20000] [--workdir DIR]
        [--repeat R] [--skip-created]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(PROJECT))

# A sibling script, not a package: same table, same measuring.
from bench_history import Row, Run, best_of, ensure_repo, git_out, print_table, run_measured, say  # noqa: E402

SPEED_TARGET = 1.5  # (c) within this many times (a)
PEER_TARGET = 10.0  # (c) at least this many times faster than (b)

REQUIREMENTS = ["mkdocs>=1.6,<2", "mkdocs-material", "jieba", "mkdocs-git-revision-date-localized-plugin"]

# Bump when the commit added to the build repository changes, so cached copies are rebuilt.
SETUP_VERSION = "2"

THEME = """theme:
  name: material
  language: en
  features:
    - navigation.sections
    - navigation.prune
"""

# (a) and (b) live next to the repository (MkDocs refuses a docs_dir that holds its config file) and
# build the repository itself; (c) is the repository's own mkdocs.yml.
PEER_CONFIGS = {
    "mkdocs-plain.yml": "plugins:\n  - search\n",
    "mkdocs-gitdate.yml": "plugins:\n  - search\n  - git-revision-date-localized{exclude}\n",
    "mkdocs-gitdate-created.yml": ("plugins:\n  - search\n  - git-revision-date-localized:\n"
                                   "      enable_creation_date: true{exclude}\n"),
}
QMS_CONFIG = "docs_dir: portal\nplugins:\n  - search\n  - qms\n"


# ---------------------------------------------------------------------------
# The benchmark virtualenv, made once
# ---------------------------------------------------------------------------


def ensure_venv(workdir: Path) -> Path:
    """A virtualenv with the three builds' packages and this qmskit; returns its bin folder."""
    venv = workdir / "venv-build"
    stamp = venv / "bench-build.json"
    wanted = {"requirements": REQUIREMENTS, "project": f"{PROJECT}[site]"}
    if stamp.is_file() and json.loads(stamp.read_text()) == wanted and (venv / "bin" / "mkdocs").exists():
        say(f"using the cached virtualenv {venv}")
        return venv / "bin"
    if venv.exists():
        shutil.rmtree(venv)
    say(f"creating the virtualenv {venv} (pip runs once) ...")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, *REQUIREMENTS, "-e", f"{PROJECT}[site]"], check=True)  # with the site extra
    stamp.write_text(json.dumps(wanted, indent=2) + "\n")
    return venv / "bin"


def package_versions(bin_dir: Path) -> str:
    names = ["mkdocs", "mkdocs-material", "mkdocs-git-revision-date-localized-plugin", "qmskit"]
    code = ("import importlib.metadata as m, sys\n"
            "print(', '.join(f'{n} {m.version(n)}' for n in sys.argv[1:]))")
    return subprocess.run([str(bin_dir / "python"), "-c", code, *names], check=True, capture_output=True,
                          text=True).stdout.strip()


# ---------------------------------------------------------------------------
# The build repository: the generated one plus one commit with the site's front pages
# ---------------------------------------------------------------------------


def published_paths(repo: Path) -> list[str]:
    """What the qms build publishes (audit off): effective, unrestricted documents, and records."""
    from qms.load.config import load_config
    from qms.load.documents import load_set
    from qms.publish.visibility import PUBLISHED, visibility

    docs = load_set(load_config(repo))
    return sorted(d.path for d in docs.documents if visibility(d) == PUBLISHED)


def ensure_build_repo(workdir: Path, source: Path) -> tuple[Path, list[str]]:
    """A clone of the generated repository with the site's front pages committed, cached by source HEAD."""
    head = git_out(source, "rev-parse", "HEAD").strip()
    base = workdir / f"build-{source.parent.name}"
    repo, stamp = base / "repo", base / "build.json"
    wanted = {"source_head": head, "setup": SETUP_VERSION}
    if stamp.is_file():
        info = json.loads(stamp.read_text())
        if all(info.get(k) == v for k, v in wanted.items()) and (repo / ".git").is_dir():
            say(f"using the cached build repository {repo}")
            return repo, info["pages"]
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    say(f"cloning {source} to {repo} and committing index.md, portal/ and mkdocs.yml ...")
    subprocess.run(["git", "clone", "--quiet", str(source), str(repo)], check=True)
    pages = published_paths(repo)
    index = "# Quality management system\n\nThe published documents, without the qms plugin.\n"
    (repo / "index.md").write_text(index, encoding="utf-8")
    (repo / "portal").mkdir(exist_ok=True)
    (repo / "portal" / "index.md").write_text("# Quality management system\n\nThe published documents.\n",
                                              encoding="utf-8")
    (repo / "mkdocs.yml").write_text(f"site_name: Synthetic QMS\n{QMS_CONFIG}{THEME}", encoding="utf-8")
    # Everything the qms build does not publish stays out of (a) and (b) too.
    listed = [*git_out(repo, "ls-files").splitlines(), "mkdocs.yml", "portal/index.md"]
    hidden = sorted(set(listed) - set(pages) - {"index.md"})
    exclude_docs = "".join(f"  /{rel}\n" for rel in hidden)
    plugin_exclude = ":\n      exclude:\n" + "".join(f"        - {json.dumps(rel)}\n" for rel in hidden if rel.endswith(".md"))
    for name, body in PEER_CONFIGS.items():
        plugins = body.replace("git-revision-date-localized{exclude}", "git-revision-date-localized" + plugin_exclude)
        plugins = plugins.replace("{exclude}", "\n" + plugin_exclude.split(":\n", 1)[1].rstrip("\n"))
        (base / name).write_text(f"site_name: Synthetic QMS\ndocs_dir: repo\n{plugins}{THEME}"
                                 f"exclude_docs: |\n{exclude_docs}", encoding="utf-8")
    last = git_out(repo, "log", "-1", "--format=%an%x00%ae%x00%aI").strip().split("\0")
    env = {**os.environ, "GIT_AUTHOR_NAME": last[0], "GIT_AUTHOR_EMAIL": last[1], "GIT_AUTHOR_DATE": last[2],
           "GIT_COMMITTER_NAME": last[0], "GIT_COMMITTER_EMAIL": last[1], "GIT_COMMITTER_DATE": last[2]}
    subprocess.run(["git", "add", "index.md", "portal", "mkdocs.yml"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "--quiet", "--no-verify", "-m", "Add the site's front pages"],
                   cwd=repo, check=True, env=env)
    stamp.write_text(json.dumps({**wanted, "pages": pages}, indent=2) + "\n")
    return repo, pages


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def build(bin_dir: Path, repo: Path, config: str, out: Path) -> Run:
    if out.exists():
        shutil.rmtree(out)
    run = run_measured([str(bin_dir / "mkdocs"), "build", "-f", config, "-d", str(out), "--quiet"], repo)
    if run.returncode != 0:
        tail = run.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise SystemExit(f"mkdocs build -f {config} failed (exit {run.returncode}):\n" + "\n".join(tail))
    return run


def compile_project(bin_dir: Path) -> None:
    """Compile this qmskit's modules, as pip does when it installs a wheel.

    The benchmark's qmskit is an editable install of this checkout; where PYTHONDONTWRITEBYTECODE is set (or
    the checkout was never imported), every build would compile qmskit's source again, about half a second
    that an installed qmskit never spends, while MkDocs and Material come compiled from their wheels."""
    subprocess.run([str(bin_dir / "python"), "-m", "compileall", "-q", str(PROJECT / "qms")], check=True,
                   stdout=subprocess.DEVNULL)


def html_pages(out: Path) -> int:
    return sum(1 for p in out.rglob("*.html") if p.name != "404.html")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000, help="documents (default 1,000)")
    parser.add_argument("--commits", type=int, default=20000, help="commits (default 20,000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--workdir", type=Path, default=HERE / ".work",
                        help="where repositories and the virtualenv are cached (default benchmarks/.work)")
    parser.add_argument("--repeat", type=int, default=2, help="best of this many builds for (a) and (c)")
    parser.add_argument("--skip-created", action="store_true",
                        help="leave out (b+), the git-date build with creation dates (about 9 minutes at 1,000 pages)")
    args = parser.parse_args(argv)

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    workdir = args.workdir.resolve()
    source, info = ensure_repo(workdir, args.docs, args.commits, args.seed, "flat")
    bin_dir = ensure_venv(workdir)
    repo, pages = ensure_build_repo(workdir, source)
    out = repo.parent / "site"
    commits = int(git_out(repo, "rev-list", "--count", "HEAD"))
    records = sum(1 for p in pages if p.startswith("records/"))
    notes: list[str] = []
    rows: list[Row] = []

    def timed(label: str, config: str, repeat: int) -> Run:
        say(f"{label}: mkdocs build -f {config} ...")
        best, runs = best_of(repeat, lambda: build(bin_dir, repo, config, out / Path(config).stem))
        notes.append(f"{label} runs {', '.join(f'{r.seconds:.2f}' for r in runs)} s; "
                     f"peak RSS {max(r.max_rss_kb for r in runs) / 1024:.0f} MB; "
                     f"{html_pages(out / Path(config).stem):,} HTML pages")
        return best

    compile_project(bin_dir)
    peer = repo.parent
    # (a) The floor: the same pages, no plugin but search.
    plain = timed("(a)", str(peer / "mkdocs-plain.yml"), args.repeat)
    rows.append(Row("(a) plain mkdocs, search only (floor)", plain.seconds, "-", 1.0))

    # (b) The peer, full builds: last-update dates, then also creation dates (every file's whole history).
    gitdate = timed("(b)", str(peer / "mkdocs-gitdate.yml"), 1).seconds
    rows.append(Row("(b) git-date plugin, full build", gitdate, "(a)", gitdate / plain.seconds))
    created = None
    if not args.skip_created:
        created = timed("(b+)", str(peer / "mkdocs-gitdate-created.yml"), 1).seconds
        rows.append(Row("(b+) git-date plugin + enable_creation_date", created, "(a)", created / plain.seconds))

    # (c) qmskit. The first build is cold (no parse cache in .git/qmskit), the best later one warm.
    shutil.rmtree(repo / ".git" / "qmskit", ignore_errors=True)
    cold = timed("(c) cold", "mkdocs.yml", 1)
    rows.append(Row("(c) qms plugin, cold (no parse cache)", cold.seconds, "(a)", cold.seconds / plain.seconds))
    warm = timed("(c) warm", "mkdocs.yml", args.repeat)
    rows.append(Row("(c) qms plugin, warm (parse cache)", warm.seconds, "(a)", warm.seconds / plain.seconds))

    # (a) and (c) warm again, in turn, so that a machine whose speed drifts slows both alike; CPU seconds
    # (the child's and its git processes') say more than wall time on a shared machine.
    pairs = [(build(bin_dir, repo, str(peer / "mkdocs-plain.yml"), out / "mkdocs-plain"),
              build(bin_dir, repo, "mkdocs.yml", out / "mkdocs")) for _ in range(args.repeat)]
    cpu_ratios = sorted(c.cpu_seconds / a.cpu_seconds for a, c in pairs)
    wall_ratios = sorted(c.seconds / a.seconds for a, c in pairs)
    plain_cpu = min(a.cpu_seconds for a, _ in pairs)
    warm_cpu = min(c.cpu_seconds for _, c in pairs)
    rows.append(Row("(a) plain mkdocs, CPU seconds, best of the pairs", plain_cpu, "-", 1.0))
    rows.append(Row("(c) qms plugin, warm, CPU seconds, best of the pairs", warm_cpu, "(a) CPU", warm_cpu / plain_cpu))
    notes.append("(a)/(c) warm in turn: wall " + ", ".join(f"{a.seconds:.2f}/{c.seconds:.2f}" for a, c in pairs)
                 + " s; CPU " + ", ".join(f"{a.cpu_seconds:.2f}/{c.cpu_seconds:.2f}" for a, c in pairs) + " s")
    notes.append(f"(c) warm / (a), pair by pair: median {median(cpu_ratios):.2f}x of CPU, "
                 f"{median(wall_ratios):.2f}x of wall time")

    ratio = warm.seconds / plain.seconds
    stats = info.get("stats", {})
    print(f"Site build benchmark, {date.today().isoformat()}: {args.docs:,} documents generated, "
          f"{stats.get('commits', args.commits):,} commits (+1 adding the front pages), seed {args.seed}, flat layout; "
          f"{len(pages):,} published pages ({len(pages) - records:,} documents, {records:,} records) + index")
    print(f"git {git_out(repo, 'version').split()[-1]}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
          f"{package_versions(bin_dir)}; {commits:,} commits in the build repository")
    print()
    print_table(rows)
    print()
    for note in notes:
        print(note)
    print(f"speed-up of (c) warm over (b): {gitdate / warm.seconds:,.1f}x"
          + (f"; over (b+): {created / warm.seconds:,.1f}x" if created else ""))
    print(f"target: (c) within {SPEED_TARGET}x of (a): {'met' if ratio <= SPEED_TARGET else 'NOT met'} ({ratio:.2f}x)")
    cpu = median(cpu_ratios)
    print(f"target: (c) no slower than (a), CPU pair by pair: {'met' if cpu <= 1.0 else 'NOT met'} ({cpu:.2f}x)")
    for label, peer_seconds in (("(b)", gitdate), ("(b+)", created)):
        if peer_seconds is None:
            continue
        speedup = peer_seconds / warm.seconds
        print(f"target: (c) at least {PEER_TARGET:.0f}x faster than {label}: "
              f"{'met' if speedup >= PEER_TARGET else 'NOT met'} ({speedup:,.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
