"""The home page says what is in force, what changed lately and what comes into force (issue 15, Build 8)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from qmsrepo import GitQmsRepo, QmsRun

QP = "procedures/qp-01-document-control.md"
LATER = "2030-06-15"
MKDOCS_YML = "site_name: Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - qms\n"
RESTRICTED = """\
---
id: QP-09
title: Salary Bands
type: procedure
revision: 1
status: review
owner: quality-manager
approvers: [director]
classification: restricted
---

# Salary Bands
"""


def ok(run: QmsRun) -> QmsRun:
    assert run.code == 0, run.stdout + run.stderr
    return run


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def announced(git_repo: GitQmsRepo) -> GitQmsRepo:
    return with_announced_revision(git_repo)


def with_announced_revision(git_repo: GitQmsRepo) -> GitQmsRepo:
    """QM-01 and QP-01 revision 2 in force; revision 3 of QP-01 approved to take effect on LATER."""
    git_repo.write("portal/index.md", "# Home\n\nWelcome.\n")
    git_repo.write("mkdocs.yml", MKDOCS_YML)
    git_repo.write("procedures/qp-09-salaries.md", RESTRICTED)
    git_repo.commit("The site, and the salary bands", who="li-na")
    assert git_repo.qms_as("wang-li", "approve", "QP-09", day="2026-02-10").code == 0  # in force, restricted
    git_repo.edit(QP, "revision: 2\nstatus: effective", "revision: 3\nstatus: review")
    git_repo.edit(QP, "# Document Control\n", "# Document Control\n\nEvery form is numbered.\n")
    git_repo.revise(QP, "change: Adds electronic approval.", "change: Numbers every form.")
    assert git_repo.qms_as("chen-jing", "approve", "QP-01", "--effective", LATER, day="2026-03-02").code == 0
    return git_repo


def home(repo: GitQmsRepo, *args: str) -> str:
    """The home page's article (not the table of contents beside it, which repeats the headings)."""
    ok(repo.qms("build", *args))
    page = (repo.root / "site/index.html").read_text(encoding="utf-8")
    return page[page.index("<article"):page.index("</article>")]


def test_home_page_counts_lists_recent_changes_and_announces_later_revisions(announced: GitQmsRepo) -> None:
    page = home(announced, "--as-of", "2026-12-01")
    shown = text(page)
    assert "Welcome." in shown
    assert "In force on 2026-12-01" in shown
    assert "Quality manual 1" in shown and "Procedures 1" in shown and "Total 2" in shown
    recent = shown[shown.index("Recent changes"):shown.index("Coming into force")]
    assert "2026-02-01 QP-01 Document Control , revision 2: Adds electronic approval." in recent
    assert "2026-01-05 QM-01 Quality Manual , revision 1" in recent
    assert recent.index("QP-01") < recent.index("QM-01")  # newest first
    upcoming = shown[shown.index("Coming into force"):]
    assert f"{LATER} QP-01 Document Control , revision 3: Numbers every form." in upcoming
    assert 'href="procedures/qp-01-document-control/"' in page
    assert "Salary" not in page and "QP-09" not in page  # restricted: neither named nor counted


def test_on_its_date_the_later_revision_is_the_recent_change(announced: GitQmsRepo) -> None:
    shown = text(home(announced, "--as-of", LATER))
    recent = shown[shown.index("Recent changes"):shown.index("Coming into force")]
    assert f"{LATER} QP-01 Document Control , revision 3: Numbers every form." in recent
    assert "No approved revision is waiting for its date." in shown


def test_the_marker_places_the_overview_and_the_chinese_site_says_it_in_chinese(announced: GitQmsRepo) -> None:
    announced.edit("qms.yml", "language: en", "language: zh")
    announced.write("portal/index.md", "# 首页\n\n{qms_overview}\n\n以上为概览。\n")
    announced.commit("Chinese home page", who="li-na")
    shown = text(home(announced, "--as-of", "2026-12-01"))
    assert shown.index("截至 2026-12-01 现行有效文件") < shown.index("以上为概览。")
    assert "质量手册 1" in shown and "程序文件 1" in shown and "合计 2" in shown
    assert "即将施行" in shown and "{qms_overview}" not in shown


def test_a_page_of_the_site_that_is_not_the_home_page_gets_no_overview(announced: GitQmsRepo) -> None:
    announced.write("portal/about.md", "# About\n")
    announced.commit("About page", who="li-na")
    home(announced)
    assert "Recent changes" not in (announced.root / "site/about/index.html").read_text(encoding="utf-8")


