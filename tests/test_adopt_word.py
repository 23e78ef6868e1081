"""`qms adopt` on a folder of Word files: each converted as `qms import` converts it, the Word file left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from legacyrepo import LegacyRepo
from qmsrepo import run_qms

pytest.importorskip("docx")
pytest.importorskip("mammoth")
from wordcorpus import chinese_document, full_document


def word_folder(tmp_path: Path) -> LegacyRepo:
    legacy = LegacyRepo(tmp_path / "office")
    legacy.commit("alice", "2023-04-01", "The procedures as Word files", {
        "word/SOP-003 Risk Management.docx": full_document(),
        "word/SOP-004 Training.docx": full_document("SOP-004 Training", revision_table=False, tracked=False,
                                                    text_box=False, field=False, comment=False),
    })
    legacy.commit("bob", "2024-06-15", "The network procedure", {"word/QP-07 网络管理.docx": chinese_document()})
    return legacy


def test_word_files_planned_with_what_cannot_be_converted(tmp_path: Path) -> None:
    legacy = word_folder(tmp_path)
    run = run_qms("adopt", "--plan", "--format", "json", "--organisation", "Office", cwd=legacy.root)
    assert run.code == 0, run.stderr
    plan = json.loads(run.stdout)
    docs = {d["source"]: d for d in plan["documents"]}
    risk = docs["word/SOP-003 Risk Management.docx"]
    assert (risk["path"], risk["id"], risk["type"], risk["title"]) == (
        "sops/sop-003-risk-management.md", "SOP-003", "sop", "Risk Management")
    assert any("tracked changes" in n for n in risk["notes"])
    assert any("revision table (2 rows)" in n for n in risk["notes"])
    assert docs["word/QP-07 网络管理.docx"]["id"] == "QP-07"
    assert docs["word/QP-07 网络管理.docx"]["effective"] == "2024-06-15"
    assert not (legacy.root / "sops").exists()


def test_word_folder_applied_committed_and_checked_clean(tmp_path: Path) -> None:
    legacy = word_folder(tmp_path)
    word_bytes = legacy.read("word/SOP-003 Risk Management.docx")
    applied = run_qms("adopt", "--apply", "--organisation", "Office", cwd=legacy.root)
    assert applied.code == 0, applied.stderr
    risk = legacy.read("sops/sop-003-risk-management.md").decode()
    assert risk.startswith("---\nid: SOP-003\ntitle: Risk Management\ntype: sop\n")
    assert "**bold words**" in risk and "](assets/sop-003-risk-management/image1.png)" in risk
    assert (legacy.root / "sops/assets/sop-003-risk-management/image1.png").is_file()
    assert legacy.read("word/SOP-003 Risk Management.docx") == word_bytes
    network = legacy.read("qps/qp-07.md").decode()  # a Chinese title gives no ASCII words for the file name
    assert 'title: "计算机网络管理程序"' in network and "为保证办公网络安全运行" in network
    legacy.give_roles()
    done = run_qms("adopt", "--apply", "--commit", "--tag", "adopted", cwd=legacy.root)
    assert done.code == 0, done.stderr
    assert legacy.git("status", "--porcelain") == ""
    check = run_qms("check", "--history", "--format", "json", cwd=legacy.root)
    assert check.code == 0 and [f for f in check.findings if f["severity"] == "error"] == [], check.stdout


def test_a_folder_outside_git_is_planned_and_never_committed(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "SOP-001 Cleaning.docx").write_bytes(full_document("SOP-001 Cleaning", tracked=False, text_box=False,
                                                                 field=False, comment=False))
    (folder / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0 old word")
    plan = run_qms("adopt", "--plan", cwd=folder)
    assert plan.code == 0, plan.stderr
    assert "not a git repository" in plan.stdout
    assert "notes.doc: an old Word file (.doc)" in plan.stdout
    run = run_qms("adopt", "--apply", "--commit", "--organisation", "X", cwd=folder)
    assert run.code == 2 and "git init" in run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["SOP-001 Cleaning.docx", "notes.doc"]


def test_a_word_file_whose_document_exists_is_left_out(tmp_path: Path) -> None:
    legacy = word_folder(tmp_path)
    legacy.commit("carol", "2024-07-01", "Another document where the Word file's would go",
                  {"sops/sop-004-training.md": "---\nid: SOP-099\n---\nnotes\n"})
    plan = json.loads(run_qms("adopt", "--plan", "--format", "json", "--organisation", "O", cwd=legacy.root).stdout)
    left = {item["path"]: item["why"] for item in plan["left_out"]}
    assert "sops/sop-004-training.md, which exists already" in left["word/SOP-004 Training.docx"]
    assert run_qms("adopt", "--apply", "--organisation", "O", cwd=legacy.root).code == 0
    assert legacy.read("sops/sop-004-training.md").endswith(b"notes\n")
