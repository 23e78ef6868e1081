"""Quality objectives over 20,000 records carrying 1,000,000 CSV rows, against reading those CSVs with `csv`.

    .venv/bin/python benchmarks/bench_objectives.py [--records 20000] [--rows 50] [--repeat 3]

The floor reads every table with Python's csv module in a child process, and does nothing else. The qms row runs
`qms objectives --period 2026 --format json` (four table measures, a count over records and a survey value) in a
child process. Target: within 2x of the floor, and under 10 s. The repository is generated once into
benchmarks/.work/objectives-RECORDS-ROWS and kept.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable

QMS_YML = """\
organisation: Benchmark Office
language: en
revision_scheme: integer
roles: manual/roles.yml
people: manual/people.yml
types:
  record: {folder: records, id_pattern: 'REC-\\d{4}-\\d{5}'}
record_kinds: [nonconformity, satisfaction-survey, document-log]
tables:
  document-log:
    period_by: due
    columns:
      case: {type: text, required: true}
      received: {type: date, required: true}
      due: {type: date, required: true}
      completed: {type: date, not_before: received}
      handler: {type: person}
      complaint: {type: text, values: [none, valid, invalid]}
"""

OBJECTIVES = """\
---
id: QM-03
title: Quality Objectives
type: manual
revision: 1
status: effective
owner: director
approvers: [director]
effective: 2025-01-01
objectives:
  - {id: O1, title: On time, target: ">= 98%", baseline: 96, period: month,
     measure: {type: share, kind: document-log, where: "completed <= due"}}
  - {id: O2, title: Days, target: "<= 5 working days", period: month,
     measure: {type: duration, kind: document-log, from: received, to: completed, stat: mean}}
  - {id: O3, title: Same day, target: ">= 66%", period: month,
     measure: {type: share, kind: document-log, where: "completed == received", of: "completed >= received"}}
  - {id: O4, title: Complaints, target: "== 0", period: month,
     measure: {type: count, kind: document-log, where: "complaint == valid"}}
  - {id: O5, title: Major errors, target: "== 0", period: year,
     measure: {type: count, kind: nonconformity, where: "severity == major"}}
---

# Quality Objectives
"""


def generate(root: Path, records: int, rows: int) -> None:
    rng = random.Random(18)
    (root / "manual").mkdir(parents=True)
    (root / "qms.yml").write_text(QMS_YML, encoding="utf-8")
    (root / "manual/roles.yml").write_text("roles:\n  - {id: director, title: Director, reports_to: null}\n")
    (root / "manual/people.yml").write_text(
        "people:\n" + "".join(f"  - {{id: p{i}, name: P {i}, emails: [p{i}@x.example], roles: [director]}}\n"
                              for i in range(20)))
    (root / "manual/qm-03.md").write_text(OBJECTIVES, encoding="utf-8")
    start = date(2025, 1, 1)
    for n in range(records):
        day = start + timedelta(days=n * 730 // records)
        folder = root / "records" / str(day.year)
        folder.mkdir(parents=True, exist_ok=True)
        rid = f"REC-{day.year}-{n:05d}"
        (folder / f"{rid.lower()}.md").write_text(
            f"---\nid: {rid}\ntitle: Log {n}\ntype: record\nkind: document-log\nprocedure: QP-01\ndate: {day}\n"
            f"owner: director\nstatus: closed\nretention: 3y\ndata: {rid.lower()}.csv\n---\n\n# Log\n",
            encoding="utf-8")
        lines = ["case,received,due,completed,handler,complaint"]
        for r in range(rows):
            received = day - timedelta(days=rng.randrange(0, 5))
            due = received + timedelta(days=rng.choice((0, 2, 5)))
            completed = received + timedelta(days=rng.choice((0, 0, 1, 2, 3, 7)))
            lines.append(f"{n}-{r},{received},{due},{completed},p{rng.randrange(20)},"
                         f"{'valid' if rng.random() < 0.001 else 'none'}")
        (folder / f"{rid.lower()}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)


FLOOR = """
import csv, pathlib, sys
n = 0
for path in pathlib.Path(sys.argv[1]).rglob('*.csv'):
    with open(path, newline='', encoding='utf-8') as f:
        n += sum(1 for _ in csv.reader(f))
print(n)
"""


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    root = HERE / ".work" / f"objectives-{opts.records}-{opts.rows}"
    if not (root / "qms.yml").exists():
        print(f"generating {root} ...", flush=True)
        generate(root, opts.records, opts.rows)
    rows = {"floor: csv.reader over every table": [PYTHON, "-c", FLOOR, str(root)],
            "qms objectives --period 2026 --format json": [PYTHON, "-m", "qms", "objectives", "--period", "2026",
                                                          "--format", "json"]}
    best: dict[str, tuple[float, int]] = {}
    for _ in range(opts.repeat):
        for name, args in rows.items():
            got = timed(args, root)
            if name not in best or got[0] < best[name][0]:
                best[name] = got
    floor = best["floor: csv.reader over every table"][0]
    print(f"{opts.records} records, {opts.records * opts.rows} CSV rows; best of {opts.repeat}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| row | seconds | x floor | peak MB |\n| --- | --- | --- | --- |")
    for name, (seconds, peak) in best.items():
        print(f"| {name} | {seconds:.2f} | {seconds / floor:.2f} | {peak} |")


if __name__ == "__main__":
    main()
