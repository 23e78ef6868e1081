"""The published site: a real `mkdocs build` of the demo repository, checked in its HTML."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from qms.demo import build_demo

SAMPLE = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    demo = build_demo(tmp_path_factory.mktemp("site") / "demo", SAMPLE).path
    run = subprocess.run([sys.executable, "-m", "qms", "build"], cwd=demo, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return demo


def page(root: Path, src: str) -> str:
    return (root / "site" / src.removesuffix(".md") / "index.html").read_text(encoding="utf-8")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def qms_json(root: Path, *args: str) -> list[dict]:
    run = subprocess.run([sys.executable, "-m", "qms", *args], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_header_and_revision_table_match_qms_history(built: Path) -> None:
    rows = qms_json(built, "history", "QP-02", "--format", "json")
    html = page(built, rows[-1]["path"])
    header = text(html[html.index('class="qms-header"'):html.index("</table>", html.index('class="qms-header"'))])
    assert "QP-02" in header and f"Revision {rows[-1]['revision']}" in header
    assert f"Effective {rows[-1]['effective']}" in header
    table = html[html.index('class="qms-history"'):]
    table = table[:table.index("</table>")]
    cells = [text(row) for row in re.findall(r'<tr class="qms-history-row">(.*?)</tr>', table, re.S)]
    assert len(cells) == len(rows)
    for row, cell in zip(reversed(rows), cells):
        assert cell.startswith(f"{row['revision']} {row['effective'] or ''}".strip())
        for approval in (a for a in row["approvals"] if a["valid"]):
            assert approval["name"] in cell and approval["date"] in cell
        assert row["last_commit"][:7] in cell


def test_register_lists_exactly_the_effective_documents(built: Path) -> None:
    register = (built / "site" / "register" / "index.html").read_text(encoding="utf-8")
    listed = set(re.findall(r"<td><a href=\"[^\"]+\">([A-Z]+-[0-9-]+)</a></td>", register))
    # The last row of each document is its current revision.
    current = {row["id"]: row["status"] for row in qms_json(built, "history", "--format", "json")}
    effective = {i for i, status in current.items() if status == "effective" and not i.startswith("REC-")}
    assert listed == effective
    assert "WI-04-03" not in listed and "QP-13" not in listed


def test_drafts_and_obsolete_documents_are_not_published(built: Path) -> None:
    site = built / "site" / "procedures"
    assert not (site / "wi-04-03-public-requests").exists()
    assert not (site / "qp-13-preventive-action").exists()
    assert (site / "qp-14-risks-opportunities" / "index.html").exists()


def test_every_id_link_resolves(built: Path) -> None:
    for html_file in (built / "site").rglob("index.html"):
        html = html_file.read_text(encoding="utf-8")
        body = html[html.find("<article"):html.find("</article>")]
        assert "[[" not in body, html_file


def test_material_status_badge_is_not_used(built: Path) -> None:
    """Lifecycle status shows in the header, never as a Material nav badge."""
    html = page(built, "procedures/qp-02-document-control.md")
    assert "md-status" not in html
