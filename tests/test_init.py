"""`qms init`: a new QMS repository that checks clean, builds, and was committed by its user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scaffolding import User, files_under


def _init(tmp_path: Path, *args: str, user: User | None = None) -> tuple[User, Path]:
    user = user or User(tmp_path / "home")
    run = user.qms("init", "office", *args, cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    return user, tmp_path / "office"


@pytest.mark.slow
def test_blank_set_checks_clean_and_builds(tmp_path: Path) -> None:
    user, root = _init(tmp_path, "--blank", "--organisation", "Harbour Water Board")
    assert user.git(root, "log", "--format=%an <%ae>|%cn|%s") == (
        "Huang Yan <huang.yan@office.example>|Huang Yan|Start the quality management system with qms init")
    assert user.git(root, "status", "--porcelain") == ""
    tracked = set(user.git(root, "ls-files").splitlines())
    assert {"qms.yml", "mkdocs.yml", "manual/roles.yml", "manual/people.yml", "manual/qm-01-scope.md",
            "manual/qm-02-quality-policy.md", "manual/qm-03-quality-objectives.md",
            "procedures/qp-01-document-control.md", "templates/procedure.md.j2", ".gitignore",
            ".github/workflows/qms.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml", "records/.gitkeep"} <= tracked
    # The user holds every role until colleagues are added, under the identity git knows them by.
    people = (root / "manual/people.yml").read_text(encoding="utf-8")
    assert "id: huang-yan" in people and "emails: [huang.yan@office.example]" in people
    assert "organisation: Harbour Water Board" in (root / "qms.yml").read_text(encoding="utf-8")
    check = user.qms("check", "--history", "--format", "json", cwd=root)
    assert (check.code, check.findings) == (0, [])
    assert check.json()["summary"]["documents"] == 5
    build = user.qms("build", cwd=root)
    assert build.code == 0, build.stderr
    assert 'lang="en"' in (root / "site/index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_chinese_set_has_chinese_documents_and_site(tmp_path: Path) -> None:
    user, root = _init(tmp_path, "--lang", "zh", "--organisation", "某市人民政府办公室")
    scope = (root / "manual/qm-01-scope.md").read_text(encoding="utf-8")
    assert "title: 质量管理体系范围" in scope and "## 二、体系范围" in scope and "revision: A/0" in scope
    assert "title: 成文信息控制程序" in (root / "procedures/qp-01-document-control.md").read_text(encoding="utf-8")
    assert "## 四、工作程序" in (root / "templates/procedure.md.j2").read_text(encoding="utf-8")
    assert "language: zh" in (root / "qms.yml").read_text(encoding="utf-8")
    assert "language: zh" in (root / "mkdocs.yml").read_text(encoding="utf-8")
    check = user.qms("check", "--format", "json", cwd=root)
    assert (check.code, check.findings) == (0, [])
    # A colleague joins and approves the set, so the site has Chinese documents in force.
    people = root / "manual/people.yml"
    people.write_text(people.read_text(encoding="utf-8") + (
        "  - id: wang-li\n    name: 王立\n    emails: [wang.li@office.example]\n    roles: [top-management, quality-manager]\n"),
        encoding="utf-8")
    user.commit(root, "Add Wang Li", who="huang-yan")
    # The roster is a rule of approval: its change counts once top management other than its author approves.
    joined = user.qms("approve", "manual/people.yml", cwd=root, who="wang-li")
    assert joined.code == 0, joined.stderr
    # The blank set starts as drafts: its author sends them for review, since only a document in review is approved.
    for path in [*sorted((root / "manual").glob("qm-*.md")), root / "procedures/qp-01-document-control.md"]:
        path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: review", 1), encoding="utf-8")
    user.commit(root, "Send the set for review", who="huang-yan")
    approve = user.qms("approve", "QM-01", "QM-02", "QM-03", "QM-04", "QP-01", cwd=root, who="wang-li")
    assert approve.code == 0, approve.stderr
    assert user.qms("check", "--history", "--format", "json", cwd=root).findings == []
    build = user.qms("build", cwd=root)
    assert build.code == 0, build.stderr
    home = (root / "site/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in home
    nav = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", home))
    for title in ("首页", "受控文件清单", "质量手册", "QM-01 质量管理体系范围", "QM-02 质量方针"):
        assert title in nav, title
    assert "本网站发布某市人民政府办公室质量管理体系的现行有效文件" in nav


def test_example_copies_the_sample_with_a_baseline_at_the_first_commit(tmp_path: Path) -> None:
    user, root = _init(tmp_path, "--example")
    assert user.git(root, "rev-list", "--count", "HEAD") == "1"
    sample = Path(__file__).resolve().parent.parent
    for rel in ("procedures/qp-02-document-control.md", "manual/people.yml", "records/2026/rec-2026-005-nc-wrong-subsidy-figure.md",
                "schemas/procedure.schema.json", "portal/index.md", "mkdocs.yml"):
        assert (root / rel).read_bytes() == (sample / rel).read_bytes(), rel
    settings = (root / "qms.yml").read_text(encoding="utf-8")
    assert re.search(r"^baseline: qms-baseline\b", settings, re.M)  # a tag on the first commit, not a date
    assert user.git(root, "rev-parse", "qms-baseline") == user.git(root, "rev-parse", "HEAD")
    check = user.qms("check", "--history", "--format", "json", cwd=root)
    # The sample's documents are as the office left them: those in force since 2024 are past their periodic
    # review, a warning (U001), and those relying on documents revised since are suspect (U003); and, on purpose,
    # one corrective action past due (U010) and one record due for disposal (U016); nothing else.
    assert check.code == 0 and {f["code"] for f in check.findings} <= {"U001", "U003", "U010", "U016"}
    assert [f["path"] for f in check.findings if f["code"] in ("U010", "U016")] == [
        "records/2025/rec-2025-008-fire-drill.md", "records/2026/rec-2026-010-ca-one-room-diary.md"]


def test_refuses_a_folder_that_holds_a_qms(tmp_path: Path) -> None:
    user, root = _init(tmp_path)
    before = files_under(root)
    again = user.qms("init", "office", "--example", cwd=tmp_path)
    assert again.code == 2
    assert "already holds a QMS (qms.yml)" in again.stderr and "Traceback" not in again.stderr
    inside = user.qms("init", "sub", cwd=root / "manual")
    assert inside.code == 2 and "is inside the QMS at" in inside.stderr
    assert files_under(root) == before


def test_never_overwrites_a_file_and_keeps_a_readme(tmp_path: Path) -> None:
    user = User(tmp_path / "home")
    root = tmp_path / "office"
    (root / "manual").mkdir(parents=True)
    (root / "manual/roles.yml").write_text("my roles\n", encoding="utf-8")
    (root / "README.md").write_text("my readme\n", encoding="utf-8")
    refused = user.qms("init", "office", cwd=tmp_path)
    assert refused.code == 2 and "already has manual/roles.yml" in refused.stderr
    assert files_under(root) == {"manual/roles.yml": b"my roles\n", "README.md": b"my readme\n"}
    assert not (root / ".git").exists()
    (root / "manual/roles.yml").unlink()
    run = user.qms("init", "office", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "Kept your own README.md as it is." in run.stdout
    assert (root / "README.md").read_text(encoding="utf-8") == "my readme\n"
    assert "README.md" not in user.git(root, "ls-files").splitlines()


def test_without_a_git_identity_nothing_is_written(tmp_path: Path) -> None:
    nobody = User(tmp_path / "home", name="")
    run = nobody.qms("init", "office", cwd=tmp_path)
    assert run.code == 2
    assert "git does not know who you are" in run.stderr
    assert 'git config --global user.email you@example.org' in run.stderr
    assert not (tmp_path / "office").exists()


def test_refuses_a_folder_inside_another_git_repository(tmp_path: Path) -> None:
    user = User(tmp_path / "home")
    user.git(tmp_path, "init", "-q", "outer")
    run = user.qms("init", "outer/qms", cwd=tmp_path)
    assert run.code == 2 and "is inside the git repository" in run.stderr
    assert not (tmp_path / "outer/qms").exists()
