"""The sample QMS shipped in this repository is complete, realistic and clean."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from qmsrepo import run_qms

from qms.load.config import load_config
from qms.load.documents import load_set

CJK = re.compile(r"[\u4e00-\u9fff]")


# The checks run on `sample` (tests/conftest.py), a copy of this checkout's files committed in a repository
# of its own, so that the check's cache goes there and not into the checkout's git folder.


@pytest.fixture(scope="module")
def loaded(sample: Path):
    return load_set(load_config(sample))


def test_sample_checks_clean_as_json(sample: Path) -> None:
    # A fixed day: the sample's open actions fall due, and its records reach the end of their retention, in time.
    # On 2026-12-06 it shows, on purpose, one action past due and one record due for disposal, nothing else.
    run = run_qms("check", "--format", "json", "--as-of", "2026-12-06", cwd=sample)
    assert run.code == 0, run.stdout
    payload = run.json()
    assert [(f["code"], f["path"]) for f in payload["findings"]] == [
        ("U016", "records/2025/rec-2025-008-fire-drill.md"),
        ("U010", "records/2026/rec-2026-010-ca-one-room-diary.md")]
    assert payload["summary"]["errors"] == 0


def test_sample_has_the_thirteen_procedures_and_the_manual(loaded) -> None:
    ids = {d.id for d in loaded.documents}
    assert {f"QP-{n:02d}" for n in range(1, 14)} <= ids
    assert {"QM-01", "QM-02", "QM-03"} <= ids
    level3 = [d for d in loaded.documents if d.type in ("work-instruction", "form")]
    assert len(level3) >= 6


def test_sample_records_cover_every_kind_and_tie_to_procedures(loaded) -> None:
    records = [d for d in loaded.documents if d.is_record]
    assert len(records) >= 12
    kinds = Counter(d.data["kind"] for d in records)
    for kind in ("audit", "nonconformity", "corrective-action", "management-review",
                 "satisfaction-survey", "training", "document-log"):
        assert kinds[kind] >= 1, f"no {kind} record"
    procedures = {d.id for d in loaded.documents if d.type == "procedure"}
    assert all(d.data["procedure"] in procedures for d in records)


def test_sample_has_a_procedure_and_a_record_entirely_in_chinese(loaded) -> None:
    def chinese(doc) -> bool:
        headings = [line for line in doc.body.splitlines() if line.startswith("#")]
        return bool(CJK.search(doc.title)) and headings and all(CJK.search(h) for h in headings)

    assert any(chinese(d) for d in loaded.documents if d.type == "procedure")
    assert any(chinese(d) for d in loaded.documents if d.is_record)


def test_sample_objectives_state_the_measured_targets(loaded) -> None:
    objectives = next(d for d in loaded.documents if d.id == "QM-03")
    for target in ("98%", "5 working days", "90%"):
        assert target in objectives.body, target
