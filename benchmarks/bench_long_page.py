#!/usr/bin/env python3
"""Benchmark: one very long document, built by `qms build`, against plain Material.

Issue 13 found a 100,000-line document that `qms check` read in 1 s but `qms build` took more than
5 minutes to publish. The page here is 100,000 lines of sections: a heading, then its lines with no blank
line between them (as people write), so a quarter of the lines are headings. In one run:

  floor: plain MkDocs + Material, no plugins, building the same page from a plain docs folder, with a
         blank line after each heading (the same HTML, and what Python-Markdown parses in linear time);
  peer:  the page as written, plain Material, no plugins (Python-Markdown re-reads the rest of a block
         after each heading: quadratic); with `--with-peer` also with Material's search plugin, which looks
         each heading up from the start of the page's table of contents (quadratic: minutes at this size);
  qms:   `qms build` of a QMS repository holding the page as an effective procedure (search and qms
         plugins), and the same at a quarter of the length, to show how the time grows.

Targets: qms within 3x of the floor, and 4x the lines in at most 5x the time (linear, not 16x).

Usage:
    python benchmarks/bench_long_page.py [--lines 100000] [--with-peer] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_history import Row, run_measured  # noqa: E402

FLOOR_TARGET = 3.0
GROWTH_TARGET = 5.0
FRONT = """---
id: QP-02
title: A very long procedure
type: procedure
revision: 1
status: effective
effective: 2026-01-01
owner: document-controller
approvers: [quality-manager]
---

# A very long procedure

"""


def page(lines: int, spaced: bool = False) -> str:
    body = []
    for i in range(lines):
        body.append((f"## Step {i // 4}" + ("\n" if spaced else "")) if i % 4 == 0
                    else f"Line {i} of step {i // 4}: what to do, and who does it.")
    return "\n".join(body) + "\n"


def plain_site(folder: Path, text: str, search: bool) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (folder / "docs" / "long.md").write_text("# A very long procedure\n\n" + text, encoding="utf-8")
    plugins = "plugins:\n  - search\n" if search else "plugins: []\n"
    (folder / "mkdocs.yml").write_text(f"site_name: Plain\ntheme:\n  name: material\n{plugins}", encoding="utf-8")
    return folder


def qms_site(folder: Path, text: str) -> Path:
    subprocess.run([sys.executable, "-m", "qms", "init", str(folder)], check=True, capture_output=True)
    (folder / "procedures" / "qp-02-long.md").write_text(FRONT + text, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "commit", "-qm", "long"],
                   cwd=folder, check=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--with-peer", action="store_true", help="also build with Material's search plugin alone")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="qms-long-page-"))
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    rows: list[Row] = []
    text, quarter = page(args.lines), page(args.lines // 4)
    floor = run_measured(mkdocs, plain_site(work / "floor", page(args.lines, spaced=True), search=False))
    rows.append(Row(f"floor: plain Material, headings spaced, {args.lines:,} lines", floor.seconds))
    peers = [run_measured(mkdocs, plain_site(work / "peer", text, search=False))]
    rows.append(Row(f"peer: plain Material as written, {args.lines:,} lines", peers[0].seconds, "floor",
                    peers[0].seconds / floor.seconds))
    if args.with_peer:
        peers.append(run_measured(mkdocs, plain_site(work / "peer-search", text, search=True)))
        rows.append(Row(f"peer: plain Material + search, {args.lines:,} lines", peers[1].seconds, "floor",
                        peers[1].seconds / floor.seconds))
    small = run_measured([sys.executable, "-m", "qms", "build", "--force"], qms_site(work / "qms-quarter", quarter))
    full = run_measured([sys.executable, "-m", "qms", "build", "--force"], qms_site(work / "qms", text))
    for run in (floor, small, full):
        if run.returncode != 0:
            print(run.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
            return 1
    rows.append(Row(f"qms build, {args.lines // 4:,} lines", small.seconds))
    rows.append(Row(f"qms build, {args.lines:,} lines", full.seconds, "floor", full.seconds / floor.seconds))
    rows.append(Row("growth: 4x the lines", None, text=f"{full.seconds / small.seconds:,.2f}x the time "
                                                            f"(target <= {GROWTH_TARGET}x; quadratic would be 16x)"))
    width = max(len(r.name) for r in rows)
    print(f"{'row':<{width}}  {'seconds':>10}  {'vs':<6}  {'ratio':>8}  peak MB")
    peaks = {id(r): m for r, m in zip(rows, [floor, *peers, small, full])}
    for r in rows:
        if r.seconds is None:
            print(f"{r.name:<{width}}  {r.text}")
            continue
        ratio = f"{r.ratio:,.2f}x" if r.ratio is not None else ""
        run = peaks.get(id(r))
        print(f"{r.name:<{width}}  {r.seconds:>10,.2f}  {r.peer:<6}  {ratio:>8}  "
              f"{run.max_rss_kb / 1024:,.0f}" if run else "")
    ok = full.seconds <= FLOOR_TARGET * floor.seconds and full.seconds <= GROWTH_TARGET * small.seconds
    print(f"targets: qms within {FLOOR_TARGET}x of the floor, growth <= {GROWTH_TARGET}x: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
