#!/usr/bin/env python3
"""Benchmark: one very long document, built by `qms build`, printed by `qms pdf`, and one very long paragraph.

Issue 13 found a 100,000-line document that `qms check` read in 1 s but `qms build` took more than
5 minutes to publish, and `qms pdf` longer (`pdf --all` reached 2.2 GB). The page here is 100,000 lines of
sections: a heading, then its lines with no blank line between them (as people write), so a quarter of the
lines are headings. Three parts, each run by default (`--part` picks one):

site:
  floor: plain MkDocs + Material, no plugins, building the same page from a plain docs folder, with a
         blank line after each heading (the same HTML, and what Python-Markdown parses in linear time);
  peer:  the page as written, plain Material, no plugins (Python-Markdown re-reads the rest of a block
         after each heading: quadratic); with `--with-peer` also with Material's search plugin, which looks
         each heading up from the start of the page's table of contents (quadratic: minutes at this size);
  qms:   `qms build` of a QMS repository holding the page as an effective procedure (search and qms
         plugins), and the same at a quarter of the length, to show how the time grows.
  Targets: qms within 3x of the floor, and 4x the lines in at most 5x the time (linear, not 16x).

paragraph:
  one paragraph of n, 2n and 4n lines (default n = 10,000), each line with a link, an emphasis and a code
  span, rendered in process by the site's and the PDF's Markdown configuration (qms/publish/gfm.py), with
  qms.yml's default paragraph limit (the paragraph is shown as plain text: F016); with `--with-peer` also
  without the limit at n/4, n/2 and n lines, which is Python-Markdown's quadratic inline parser.
  Target: 4x the lines in at most 5x the time.

pdf:
  `qms pdf --draft` of the long document (refused before layout: F015), and of documents of a quarter of and
  of the whole default page limit (300 pages, estimated): time, peak memory, pages printed.
  Target: 4x the pages in at most 5x the time.

Usage:
    python benchmarks/bench_long_page.py [--lines 100000] [--paragraph-lines 10000] [--part site|paragraph|pdf]
                                         [--with-peer] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_history import Row, Run, run_measured  # noqa: E402

sys.path.insert(0, str(HERE.parent))  # the qms of this checkout, for the in-process paragraph part
PARTS = ("site", "paragraph", "pdf")

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


def qms_site(folder: Path, text: str, status: str = "effective") -> Path:
    subprocess.run([sys.executable, "-m", "qms", "init", str(folder)], check=True, capture_output=True)
    front = FRONT if status == "effective" else FRONT.replace("status: effective\neffective: 2026-01-01", "status: draft")
    (folder / "procedures" / "qp-02-long.md").write_text(front + text, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org", "commit", "-qm", "long"],
                   cwd=folder, check=True)
    return folder


def paragraph(lines: int) -> str:
    return "\n".join(f"Line {i} names [form F-{i}](https://forms.example/{i}), *in force*, with `code`."
                     for i in range(lines)) + "\n"


def render_seconds(text: str, limit: int) -> float:
    from qms.publish import gfm

    started = time.perf_counter()
    gfm.render(text, limit)
    return time.perf_counter() - started


def site_part(args: argparse.Namespace, work: Path) -> tuple[list[tuple[Row, Run | None]], bool]:
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    rows: list[tuple[Row, Run | None]] = []
    text, quarter = page(args.lines), page(args.lines // 4)
    floor = run_measured(mkdocs, plain_site(work / "floor", page(args.lines, spaced=True), search=False))
    rows.append((Row(f"floor: plain Material, headings spaced, {args.lines:,} lines", floor.seconds), floor))
    peer = run_measured(mkdocs, plain_site(work / "peer", text, search=False))
    rows.append((Row(f"peer: plain Material as written, {args.lines:,} lines", peer.seconds, "floor",
                     peer.seconds / floor.seconds), peer))
    if args.with_peer:
        search = run_measured(mkdocs, plain_site(work / "peer-search", text, search=True))
        rows.append((Row(f"peer: plain Material + search, {args.lines:,} lines", search.seconds, "floor",
                         search.seconds / floor.seconds), search))
    small = run_measured([sys.executable, "-m", "qms", "build", "--force"], qms_site(work / "qms-quarter", quarter))
    full = run_measured([sys.executable, "-m", "qms", "build", "--force"], qms_site(work / "qms", text))
    for run in (floor, small, full):
        if run.returncode != 0:
            raise SystemExit(run.stderr.decode(errors="replace")[-2000:])
    rows.append((Row(f"qms build, {args.lines // 4:,} lines", small.seconds), small))
    rows.append((Row(f"qms build, {args.lines:,} lines", full.seconds, "floor", full.seconds / floor.seconds), full))
    rows.append((growth(full.seconds / small.seconds), None))
    return rows, full.seconds <= FLOOR_TARGET * floor.seconds and full.seconds <= GROWTH_TARGET * small.seconds


def paragraph_part(args: argparse.Namespace) -> tuple[list[tuple[Row, Run | None]], bool]:
    from qms.text.size import PARAGRAPH_CHARACTERS

    rows: list[tuple[Row, Run | None]] = []
    n = args.paragraph_lines
    render_seconds("warm *up*", PARAGRAPH_CHARACTERS)  # imports and extension set-up are not the paragraph's
    times = {}
    for lines in (n, 2 * n, 4 * n):
        times[lines] = render_seconds(paragraph(lines), PARAGRAPH_CHARACTERS)
        rows.append((Row(f"one paragraph of {lines:,} lines, as plain text (F016)", times[lines]), None))
    rows.append((growth(times[4 * n] / times[n]), None))
    if args.with_peer:
        unbounded = {}
        for lines in (n // 4, n // 2, n):
            unbounded[lines] = render_seconds(paragraph(lines), 10**12)
            rows.append((Row(f"peer: one paragraph of {lines:,} lines, Python-Markdown as it is", unbounded[lines]),
                         None))
        rows.append((growth(unbounded[n] / unbounded[n // 4], "peer: "), None))
    return rows, times[4 * n] <= GROWTH_TARGET * times[n]


def pdf_part(args: argparse.Namespace, work: Path) -> tuple[list[tuple[Row, Run | None]], bool]:
    from qms.text.size import LINES_PER_PAGE, PDF_PAGES

    rows: list[tuple[Row, Run | None]] = []
    command = [sys.executable, "-m", "qms", "pdf", "QP-02", "--draft", "--output-dir", "copies"]
    refused = run_measured(command, qms_site(work / "pdf-long", page(args.lines), "draft"))
    ok = refused.returncode == 1 and b"F015" in refused.stderr
    rows.append((Row(f"qms pdf, {args.lines:,} lines: refused (F015)" if ok else
                     f"qms pdf, {args.lines:,} lines: NOT refused", refused.seconds), refused))
    seconds = {}
    for pages in (PDF_PAGES // 4, PDF_PAGES):
        folder = qms_site(work / f"pdf-{pages}", page(pages * LINES_PER_PAGE - 40), "draft")
        run = run_measured(command, folder)
        if run.returncode != 0:
            raise SystemExit(run.stderr.decode(errors="replace")[-2000:])
        seconds[pages] = run.seconds
        printed = pages_of(next((folder / "copies").glob("*.pdf")))
        rows.append((Row(f"qms pdf, about {pages} pages estimated ({printed} printed)", run.seconds), run))
    rows.append((growth(seconds[PDF_PAGES] / seconds[PDF_PAGES // 4], "", "pages"), None))
    return rows, ok and seconds[PDF_PAGES] <= GROWTH_TARGET * seconds[PDF_PAGES // 4]


def pages_of(path: Path) -> str:
    try:
        import pypdfium2
    except ImportError:
        return "?"
    pdf = pypdfium2.PdfDocument(path)
    try:
        return str(len(pdf))
    finally:
        pdf.close()


def growth(ratio: float, prefix: str = "", what: str = "lines") -> Row:
    return Row(f"{prefix}growth: 4x the {what}", None,
               text=f"{ratio:,.2f}x the time (target <= {GROWTH_TARGET}x; quadratic would be 16x)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--paragraph-lines", type=int, default=10_000)
    parser.add_argument("--part", choices=PARTS, action="append", help="site, paragraph or pdf (default: all three)")
    parser.add_argument("--with-peer", action="store_true",
                        help="also build with Material's search plugin alone, and render the paragraph unbounded")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="qms-long-page-"))
    rows: list[tuple[Row, Run | None]] = []
    met = []
    for part in args.part or PARTS:
        found, ok = (site_part(args, work) if part == "site" else paragraph_part(args) if part == "paragraph"
                     else pdf_part(args, work))
        rows += found
        met.append(f"{part} {'met' if ok else 'NOT met'}")
    width = max(len(r.name) for r, _ in rows)
    print(f"{'row':<{width}}  {'seconds':>10}  {'vs':<6}  {'ratio':>8}  peak MB")
    for r, run in rows:
        if r.seconds is None:
            print(f"{r.name:<{width}}  {r.text}")
            continue
        ratio = f"{r.ratio:,.2f}x" if r.ratio is not None else ""
        peak = f"{run.max_rss_kb / 1024:,.0f}" if run else ""
        print(f"{r.name:<{width}}  {r.seconds:>10,.2f}  {r.peer:<6}  {ratio:>8}  {peak}")
    print("targets: " + ", ".join(met))
    return 0


if __name__ == "__main__":
    sys.exit(main())
