"""A generated QMS of the small benchmark size: the check cache changes no finding,
a damaged cache is ignored and rebuilt, and every planted problem is reported."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from qmsrepo import run_qms

pytestmark = pytest.mark.slow  # a generated repository of 2,200 files and 2,000 commits

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
CACHE = Path(".git/qmskit/check-cache.pickle")


def _generator():
    spec = importlib.util.spec_from_file_location("generate", BENCHMARKS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """200 documents, 2,000 records, 2,000 commits, plus the planted problems."""
    repo = tmp_path_factory.mktemp("scale") / "qms"
    subprocess.run([sys.executable, str(BENCHMARKS / "generate.py"), str(repo), "--size", "small", "--plant"],
                   check=True, capture_output=True)
    return repo


def check_json(repo: Path) -> tuple[int, dict]:
    run = run_qms("check", "--format", "json", cwd=repo)
    return run.code, json.loads(run.stdout)


@pytest.fixture(scope="module")
def uncached(small: Path) -> tuple[int, dict]:
    (small / CACHE).unlink(missing_ok=True)
    result = check_json(small)
    assert (small / CACHE).is_file()  # the run wrote the cache the next runs read
    return result


def test_every_planted_problem_is_reported_and_nothing_else(small: Path, uncached: tuple[int, dict]) -> None:
    code, report = uncached
    planted = {(code, path) for code, path, _change in _generator().PLANTED}
    # The generated records run back to 2020: judged on today, many are past retention (U016). That is the
    # supervision rules answering the calendar, not a planted problem; test_supervision_rules.py tests them.
    assert {(f["code"], f["path"]) for f in report["findings"] if not f["code"].startswith("U")} == planted
    assert code == 1
    assert report["summary"]["documents"] == 200
    assert report["summary"]["records"] == 2_000 + len(planted) - 1  # the broken-YAML file is no record


def test_cached_run_reports_the_same_findings(small: Path, uncached: tuple[int, dict]) -> None:
    before = (small / CACHE).read_bytes()
    assert check_json(small) == uncached
    assert (small / CACHE).read_bytes() == before  # nothing new to keep


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _garbage(data: bytes) -> bytes:
    return b"\x00\xffnot a cache{[" * 100


def _wrong_entry(data: bytes) -> bytes:
    """The unknown-kind record's entry claims the file is clean; the checksum line is kept."""
    header, _, body = data.partition(b"\n")
    entries = pickle.loads(body)
    changed = 0
    for sha, entry in entries.items():
        if any(f[1] == "S001" for f in entry[2]):
            entries[sha] = (entry[0], entry[1], (), *entry[3:])
            changed += 1
    assert changed == 1
    return header + b"\n" + pickle.dumps(entries, protocol=5)


def _not_plain(data: bytes) -> bytes:
    """A pickle that would build an object (here a harmless one) under a correct checksum is still refused."""
    header, _, _body = data.partition(b"\n")
    magic, version, fingerprint, _checksum = header.split(b" ")
    body = pickle.dumps({"x": Path("/")}, protocol=5)
    checksum = hashlib.blake2b(body, digest_size=16).hexdigest().encode()
    return b" ".join([magic, version, fingerprint, checksum]) + b"\n" + body


def _wrong_settings(data: bytes) -> bytes:
    header, _, body = data.partition(b"\n")
    magic, version, _fingerprint, checksum = header.split(b" ")
    return b" ".join([magic, version, b"0" * 32, checksum]) + b"\n" + body


@pytest.mark.parametrize("damage", [_truncate, _garbage, _wrong_entry, _wrong_settings, _not_plain])
def test_damaged_cache_is_ignored_and_rebuilt(small: Path, uncached: tuple[int, dict], damage) -> None:
    cache = small / CACHE
    good = cache.read_bytes()
    cache.write_bytes(damage(good))
    assert check_json(small) == uncached
    assert cache.read_bytes() == good  # rebuilt, the same as the one made from scratch


def test_changed_file_is_parsed_again(small: Path, uncached: tuple[int, dict]) -> None:
    """A fixed file is not answered from the cache: its finding goes, the others stay."""
    fixed = small / "records/planted/rec-2026-90002-unknown-kind.md"
    original = fixed.read_text("utf-8")
    fixed.write_text(original.replace("kind: inspection", "kind: training"), "utf-8")
    try:
        code, report = check_json(small)
    finally:
        fixed.write_text(original, "utf-8")
    expected = [f for f in uncached[1]["findings"] if f["path"] != "records/planted/rec-2026-90002-unknown-kind.md"]
    assert (code, report["findings"]) == (1, expected)
    assert len(expected) == len(uncached[1]["findings"]) - 1


def test_same_size_edit_with_its_old_time_is_parsed_again(small: Path, uncached: tuple[int, dict]) -> None:
    """Git's index says which tracked files changed; an edit that keeps size and time is still seen."""
    rel = "records/planted/rec-2026-90002-unknown-kind.md"
    edited = small / rel
    original = edited.read_bytes()
    times = edited.stat()
    edited.write_bytes(original.replace(b"kind: inspection", b"kind: inspectiom"))
    os.utime(edited, ns=(times.st_atime_ns, times.st_mtime_ns))
    try:
        code, report = check_json(small)
    finally:
        edited.write_bytes(original)
    messages = [f["message"] for f in report["findings"] if f["path"] == rel]
    assert code == 1 and len(messages) == 1 and '"inspectiom"' in messages[0]


def test_untracked_file_is_checked(small: Path, uncached: tuple[int, dict]) -> None:
    """A file git does not track yet has no blob id in the index: it is read and checked all the same."""
    extra = small / "records/planted/rec-2026-90009-untracked.md"
    source = (small / "records/planted/rec-2026-90004-dangling-link.md").read_text("utf-8")
    extra.write_text(source.replace("REC-2026-90004", "REC-2026-90009"), "utf-8")
    try:
        _code, report = check_json(small)
    finally:
        extra.unlink()
    assert [f["code"] for f in report["findings"] if f["path"] == extra.relative_to(small).as_posix()] == ["R002"]
    assert check_json(small) == uncached
