#!/usr/bin/env python3
"""Benchmark: `qms adopt` on an existing document set the size of a large organisation's.

Generates (once, cached under the work folder) a git repository such as an
organisation brings to qmskit: 1,000 Markdown documents (SOP-, WI-, POL- and
FRM- ids in their file names; no front-matter on most, foreign front-matter
with `documentId`, `version` and `status: approved` on a fifth, a revision
table in the body of some) and 10,000 back-dated commits by twelve people,
with moves of whole folders. Then, in one run:

  (a) floor: one `git log -M --name-status` pass, the history adopt
      needs (authors, and the date each file last changed);
  (b) `qms adopt --plan --format json`;
  (c) `qms adopt --apply` on a fresh clone each time (it writes front-matter
      into every document, qms.yml, the roles and the people).

Targets: (b) under 10 s, (c) under 30 s on this machine.

Usage:
    python benchmarks/bench_adopt.py [--docs 1000] [--commits 10000] [--repeat 3] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_history import Run, best_of, find_python, run_measured, say

HERE = Path(__file__).resolve().parent
PREFIXES = (("SOP", "sops", 0.5), ("WI", "instructions", 0.3), ("POL", "policies", 0.1), ("FRM", "forms", 0.1))
WORDS = ("risk", "supplier", "training", "calibration", "audit", "complaint", "design", "release", "backup", "cleaning",
         "labelling", "storage", "review", "change", "record", "validation", "sterile", "packaging", "software", "service")
NAMES = ("Alice Archer", "Bob Baker", "Carol Chen", "Dev Patel", "Eva Novak", "Femi Ade", "Gao Min", "Hana Sato",
         "Ivan Petrov", "Julia Costa", "Karl Berg", "Lena Wolf")
ROLES = ("The Quality Manager approves it.", "The Document Controller files it.", "The Production Supervisor signs.",
         "The Regulatory Affairs Manager is told.")


def generate(dest: Path, docs: int, commits: int, seed: int = 1) -> None:
    """Stream the history into `git fast-import`: every commit changes a few documents, some move folders."""
    rng = random.Random(seed)
    dest.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    importer = subprocess.Popen(["git", "-C", str(dest), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE)
    assert importer.stdin is not None
    out = importer.stdin
    paths: list[str] = []
    texts: list[str] = []
    counters = {p: 0 for p, _, _ in PREFIXES}
    for _ in range(docs):
        prefix, folder, _weight = rng.choices(PREFIXES, weights=[w for _, _, w in PREFIXES])[0]
        counters[prefix] += 1
        number = counters[prefix]
        title = " ".join(rng.sample(WORDS, 3)).title()
        name = f"{folder}/{prefix}-{number:03d}-{title.lower().replace(' ', '-')}.md"
        body = f"# {title}\n\n" + "\n\n".join(f"{rng.choice(ROLES)} Step {i}: {' '.join(rng.choices(WORDS, k=30))}."
                                              for i in range(rng.randint(5, 40))) + "\n"
        if rng.random() < 0.2:
            body = (f"---\ndocumentId: {prefix}-{number:03d}\ntitle: {title}\nversion: 1\nstatus: approved\n"
                    f"author: {rng.choice(NAMES)}\n---\n" + body)
        if rng.random() < 0.3:
            body += "\n| Revision | Date | Change |\n|---|---|---|\n| 1 | 2019-01-01 | First issue |\n"
        paths.append(name)
        texts.append(body)
    stamp = 1_420_070_400  # 2015-01-01; one commit about every four hours after it
    created = 0
    for number in range(commits):
        who = rng.choice(NAMES)
        email = who.lower().replace(" ", ".") + "@acme.example"
        stamp += rng.randint(3600, 5 * 3600)
        out.write(f"commit refs/heads/main\nmark :{number + 1}\ncommitter {who} <{email}> {stamp} +0000\n".encode())
        message = f"Change {number}"
        out.write(f"data {len(message)}\n{message}\n".encode())
        if number:
            out.write(f"from :{number}\n".encode())
        touched: list[int] = []
        if created < docs:  # documents appear over the first part of the history
            step = max(1, docs * 3 // commits + 1)
            touched = list(range(created, min(docs, created + step)))
            created = touched[-1] + 1
        else:
            touched = rng.sample(range(docs), rng.randint(1, 3))
        for index in touched:
            if index < created - 1 and rng.random() < 0.02:  # a move into a sub-folder
                old = paths[index]
                new = old.replace("/", f"/{rng.choice(WORDS)}/", 1) if old.count("/") == 1 else old
                if new != old:
                    out.write(f"R {old} {new}\n".encode())
                    paths[index] = new
                    continue
            if index < created - 1:
                texts[index] = texts[index].replace("Step 1:", f"Step 1 ({number}):", 1)
            data = texts[index].encode()
            out.write(f"M 100644 inline {paths[index]}\ndata {len(data)}\n".encode() + data + b"\n")
    out.write(b"done\n")
    out.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(dest), "reset", "-q", "--hard", "main"], check=True)
    subprocess.run(["git", "-C", str(dest), "gc", "-q"], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=HERE / ".work")
    parser.add_argument("--python", default=None)
    args = parser.parse_args(argv)
    python = find_python(args.python)
    repo = args.workdir / f"adopt-{args.docs}-{args.commits}"
    if not repo.exists():
        say(f"generating {repo} ...")
        generate(repo, args.docs, args.commits)
    floor, _ = best_of(args.repeat, lambda: run_measured(
        ["git", "log", "-M", "--name-status", "-z", "--format=%x01%aN%x00%aE%x00%cs"], repo))
    plan, _ = best_of(args.repeat, lambda: run_measured(
        [python, "-m", "qms", "adopt", "--plan", "--format", "json", "--organisation", "Acme"], repo))
    if plan.returncode != 0:
        raise SystemExit(plan.stderr.decode(errors="replace"))

    def apply_once() -> Run:
        with tempfile.TemporaryDirectory(prefix="qms-adopt-", dir=args.workdir) as folder:
            clone = Path(folder) / "clone"
            subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
            subprocess.run(["git", "-C", str(clone), "config", "user.email", "dana@acme.example"], check=True)
            subprocess.run(["git", "-C", str(clone), "config", "user.name", "Dana Doc"], check=True)
            run = run_measured([python, "-m", "qms", "adopt", "--apply", "--organisation", "Acme"], clone)
            shutil.rmtree(clone, ignore_errors=True)
            return run

    apply, _ = best_of(args.repeat, apply_once)
    if apply.returncode != 0:
        raise SystemExit(apply.stderr.decode(errors="replace"))
    rows = [
        (f"git log -M --name-status, one pass ({args.docs} documents, {args.commits} commits)", floor, "", ""),
        ("qms adopt --plan", plan, "< 10 s", "yes" if plan.seconds < 10 else "NO"),
        ("qms adopt --apply", apply, "< 30 s", "yes" if apply.seconds < 30 else "NO"),
    ]
    print("| figure | seconds | floor s | ratio | target | met? | peak MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, run, target, met in rows:
        ratio = f"{run.seconds / floor.seconds:.2f}x" if run is not floor else ""
        base = f"{floor.seconds:.2f}" if run is not floor else ""
        print(f"| {label} | {run.seconds:.2f} | {base} | {ratio} | {target} | {met} | {run.max_rss_kb // 1024} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
