"""The site's "Quality objectives" page: a static SVG chart per objective (no script, Chinese labels as text) and
the same figures as a table; no page when the objectives document is not published."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.qmsrepo import QMS_YML, GitQmsRepo, run_qms
from tests.test_objectives import FEBRUARY, JANUARY, TABLES, record

OBJECTIVES = """\
objectives:
  - id: O1
    title: 按时办结率
    target: ">= 98%"
    baseline: 96%
    period: month
    measure: {type: share, kind: document-log, where: "completed <= due"}
"""


def build(tmp_path: Path, classification: str = "internal") -> Path:
    repo = GitQmsRepo(tmp_path / "qms")
    repo.write("qms.yml", QMS_YML + TABLES + "baseline: qms-baseline\n")
    manual = repo.read("manual/qm-01-quality-manual.md")
    repo.write("manual/qm-01-quality-manual.md", manual.replace(
        "clauses:", f"classification: {classification}\n{OBJECTIVES}clauses:"))
    repo.write("records/2026/rec-2026-010.md", record("REC-2026-010", "document-log", "2026-01-31",
                                                      "data: rec-2026-010.csv\n"))
    repo.write("records/2026/rec-2026-010.csv", JANUARY)
    repo.write("records/2026/rec-2026-011.md", record("REC-2026-011", "document-log", "2026-02-28",
                                                      "data: rec-2026-011.csv\n"))
    repo.write("records/2026/rec-2026-011.csv", FEBRUARY)
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--amend", "--no-edit", env=repo.identity("li-na", "2026-01-01"))
    repo.git("tag", "-f", "qms-baseline")
    site = tmp_path / "site"
    # A restricted manual breaks the procedure's link to it (R005), which stops the build without --force.
    force = ["--force"] if classification == "restricted" else []
    run = run_qms("build", "--site-dir", str(site), *force, cwd=repo.root)
    assert run.code == 0, run.stdout + run.stderr
    return site


@pytest.mark.slow
def test_the_objectives_page_charts_each_objective_and_tables_its_figures(tmp_path: Path) -> None:
    html = (build(tmp_path) / "objectives" / "index.html").read_text(encoding="utf-8")
    chart = html.split('<figure class="qms-objective-chart">', 1)[1].split("</figure>", 1)[0]
    assert chart.count("<svg") == 1 and "<script" not in chart
    assert "按时办结率" in html  # the Chinese title, as text in the chart and the heading
    assert "2026-01" in html and "2026-02" in html
    assert "<td>60%</td>" in html and "<td>100%</td>" in html
    assert "http://" not in chart.replace("http://www.w3.org", "")


@pytest.mark.slow
def test_no_objectives_page_when_the_document_is_not_published(tmp_path: Path) -> None:
    site = build(tmp_path, classification="restricted")
    assert not (site / "objectives").exists()


def test_the_chart_keeps_its_target_and_baseline_off_the_edge() -> None:
    from qms.publish.objectives_page import y_range

    # The demo's 90th percentile: 15 working days before (the baseline), 4 after, a target of 5.
    low, high = y_range([15, 15, 4, 4, 5, 15])
    assert low < 4 and high > 15
    assert y_range([0, 0]) == (-0.1, 0.1)  # a flat line of zeros still has a height
    assert y_range([]) is None


def test_a_chart_is_the_same_at_every_build_and_carries_no_script() -> None:
    from qms.publish.objectives import Objective
    from qms.publish.objectives_page import chart

    objective = Objective("OBJ-1", "On time", None, None, None, 96.0, "month", {}, "manual/qm-03.md", 1)
    first, second = chart(objective, [], "en"), chart(objective, [], "en")
    assert first == second and "<script" not in first and "<svg" in first
