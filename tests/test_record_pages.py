"""Record pages open with a header (kind, date, procedure, owner, status, retention, disposal) and end with
their history; status and kind words follow the site's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo, run_qms

from qms.publish.records import retention_end

REC = "records/2026/rec-2026-001-audit.md"


def build(root: Path, language: str = "en") -> Path:
    repo = GitQmsRepo(root)
    if language != "en":
        repo.edit("qms.yml", "language: en", f"language: {language}")
    repo.write("portal/index.md", "# Home\n")
    repo.write("mkdocs.yml", "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n")
    repo.commit("Publish", who="li-na")
    site = root.parent / f"site-{language}"
    run = run_qms("build", "--site-dir", str(site), cwd=repo.root)
    assert run.code == 0, run.stdout + run.stderr
    return site


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("records") / "qms")


@pytest.mark.slow
def test_a_record_page_opens_with_its_header(english: Path) -> None:
    html = (english / "records" / "2026" / "rec-2026-001-audit" / "index.html").read_text(encoding="utf-8")
    header = html[html.index('class="qms-header qms-record-header"'):]
    header = words(header[:header.index("</table>")])
    for expected in ("Record REC-2026-001", "Kind Audit", "Date 2026-03-10", "Status closed", "Procedure QP-01",
                     "Owner Quality Manager", "Retention 3y", "May be disposed of after 2029-03-10"):
        assert expected in header, (expected, header)
    link = re.search(r'class="qms-procedure"><a href="([^"]+)"', html).group(1)
    target = (english / "records" / "2026" / "rec-2026-001-audit" / link).resolve()
    assert (target / "index.html" if target.is_dir() else target).is_file(), link
    # The title is the heading, above the header; the history closes the page.
    assert html.index("<h1") < html.index("qms-record-header") < html.index('id="record-history"')


@pytest.mark.slow
def test_a_record_page_ends_with_its_history(english: Path) -> None:
    html = (english / "records" / "2026" / "rec-2026-001-audit" / "index.html").read_text(encoding="utf-8")
    history = html[html.index('id="record-history"'):]
    rows = re.findall(r'<tr class="qms-history-row">(.*?)</tr>', history, re.S)
    assert len(rows) == 1 and words(rows[0]).startswith("2026-01-01 Li Na closed")


@pytest.mark.slow
def test_the_chinese_site_shows_no_english_status_or_kind(tmp_path: Path) -> None:
    site = build(tmp_path / "qms", "zh")
    record = words((site / "records" / "2026" / "rec-2026-001-audit" / "index.html").read_text(encoding="utf-8"))
    assert "记录类别 内部审核" in record and "状态 已关闭" in record and "closed" not in record
    document = (site / "procedures" / "qp-01-document-control" / "index.html").read_text(encoding="utf-8")
    status = re.search(r'class="qms-status">([^<]*)<', document).group(1)
    assert status == "现行有效"
    records = (site / "records" / "index.html").read_text(encoding="utf-8")
    kinds = [words(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", records, re.S)]
    assert kinds == ["内部审核"] and "已关闭" in words(records)


@pytest.mark.parametrize(("start", "retention", "end"), [
    ("2026-03-10", "3y", "2029-03-10"), ("2024-01-31", "1m", "2024-02-29"), ("2026-03-10", "2w", "2026-03-24"),
    ("2026-03-10", "10d", "2026-03-20"), ("2026-03-10", "permanent", ""), ("not a date", "3y", ""),
    ("2026-03-10", "3 years", ""),
])
def test_retention_end(start: str, retention: str, end: str) -> None:
    assert retention_end(start, retention) == end
