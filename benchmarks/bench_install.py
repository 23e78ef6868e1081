#!/usr/bin/env python3
"""Benchmark: what each install of qmskit costs a CI job, in time and in disk.

For the base install (`pip install .`, what `qms check` needs), `.[site]` (qms build, qms serve) and `.[pdf]`
(qms pdf), in a fresh virtualenv each (no system site-packages): the wall time of pip install from a warm
pip cache, the size of the venv's site-packages (du), and how many distributions it holds. A first, untimed
install of `.[site,pdf]` warms the cache, so every timed install finds every wheel it needs already
downloaded: what a CI runner with a pip cache sees (a cold runner adds the downloads, roughly in proportion to
the sizes). The qmskit wheel itself is built each time, as the action's `pip install "$GITHUB_ACTION_PATH"` does.

Usage:
    python benchmarks/bench_install.py [--repeat R] [--workdir DIR] [--skip-warmup]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INSTALLS = [("base", "."), ("site", ".[site]"), ("pdf", ".[pdf]")]


def _du(path: Path) -> int:
    """Bytes in files under `path`, as `du -s --apparent-size` counts them (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _site_packages(venv: Path) -> Path:
    return next(venv.glob("lib/python*/site-packages"))


def _fresh_venv(where: Path) -> Path:
    shutil.rmtree(where, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    return where


def _install(venv: Path, spec: str) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    start = time.perf_counter()
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", spec],
                   cwd=REPO, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="timed installs of each kind (the median is shown)")
    parser.add_argument("--workdir", type=Path, default=None, help="where the venvs go (default: a temporary folder)")
    parser.add_argument("--skip-warmup", action="store_true", help="do not warm the pip cache first")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="qmskit-bench-install-"))
    work.mkdir(parents=True, exist_ok=True)
    empty = _du(_site_packages(_fresh_venv(work / "empty")))  # pip alone, in every venv
    if not args.skip_warmup:
        print("warming the pip cache with .[site,pdf] ...", file=sys.stderr)
        _install(_fresh_venv(work / "warmup"), ".[site,pdf]")
    rows = []
    for name, spec in INSTALLS:
        times = []
        for _ in range(args.repeat):
            venv = _fresh_venv(work / f"venv-{name}")
            times.append(_install(venv, spec))
        packages = _site_packages(venv)
        size = _du(packages) - empty
        count = len(list(packages.glob("*.dist-info"))) - len(list((_site_packages(work / "empty")).glob("*.dist-info")))
        rows.append((name, spec, statistics.median(times), size, count))
    base_time, base_size = rows[0][2], rows[0][3]
    print(f"{'install':<8} {'pip install':<14} {'time (s)':>9} {'x base':>7} {'size (MB)':>10} {'x base':>7} {'packages':>9}")
    for name, spec, seconds, size, count in rows:
        print(f"{name:<8} {spec:<14} {seconds:>9.1f} {seconds / base_time:>7.1f} {size / 1e6:>10.1f} {size / base_size:>7.1f} "
              f"{count:>9}")
    print(f"(Python {sys.version.split()[0]}; sizes exclude pip itself, {empty / 1e6:.1f} MB; venvs in {work})")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
