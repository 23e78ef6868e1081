"""Standards a QMS declares: clauses checked against the right one (D003), coverage (D007, `qms coverage`).

Real repositories in temporary folders (tests/qmsrepo.py) and the real `qms` command, in process.
A medical device maker follows ISO 13485 and IEC 62304; its software procedure names clauses of both.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from qmsrepo import QMS_YML, QmsRepo, find, only, run_qms

from qms.load.clauses import find as catalogue

IEC62304 = catalogue("iec62304", Path("."))

MANUAL = "manual/qm-01-quality-manual.md"
SOFTWARE = "procedures/qp-02-software-development.md"

SOFTWARE_PROCEDURE = """\
---
id: QP-02
title: Software Development
type: procedure
revision: 1
status: effective
owner: document-controller
approvers: [quality-manager]
effective: 2026-02-01
clauses:
  iso13485: ["7.3.2", "7.3.3"]
  iec62304: ["5.1", "5.2.1", "{number}"]
---

# Software Development
"""


@pytest.fixture
def device_maker(repo: QmsRepo) -> QmsRepo:
    repo.write("qms.yml", QMS_YML + "standards: [iso13485, iec62304]\n")
    repo.edit(MANUAL, 'clauses: ["4.3", "7.5"]', 'clauses: ["4.2.4", "7.5.8"]')
    repo.write(SOFTWARE, SOFTWARE_PROCEDURE.format(number="8.1.2"))
    return repo


def d003(repo: QmsRepo) -> list[dict]:
    return find(repo.check(), "D003")


def test_a_document_with_iso_13485_and_iec_62304_clauses_is_checked_against_each(device_maker: QmsRepo) -> None:
    assert d003(device_maker) == []
    # 5.9 is no clause of IEC 62304: the message names the standard, the suggestion is one of its numbers.
    device_maker.write(SOFTWARE, SOFTWARE_PROCEDURE.format(number="5.9"))
    hit, = d003(device_maker)
    assert (hit["path"], hit["line"], hit["severity"]) == (SOFTWARE, 12, "error")
    assert hit["message"].startswith('"5.9" is not a clause of IEC 62304:2006+A1:2015')
    suggestion = hit["message"].split("did you mean ")[1].strip('"?')
    assert suggestion in IEC62304.clauses


def test_iso_9001_numbers_are_read_as_the_default_standard_and_refused_where_it_has_none(device_maker: QmsRepo) -> None:
    """8.7 (control of nonconforming outputs) and 10.2 are ISO 9001, not ISO 13485: no longer silently accepted."""
    device_maker.edit(MANUAL, 'clauses: ["4.2.4", "7.5.8"]', 'clauses: ["8.7", "10.2", "8.3.1"]')
    hits = d003(device_maker)
    assert [h["message"].split(":")[0] for h in hits] == ['"8.7" is not a clause of ISO 13485', '"10.2" is not a clause of ISO 13485']
    assert "did you mean" not in hits[1]["message"] or '"10.2"' not in hits[1]["message"].split("did you mean")[1]


def test_a_number_of_another_declared_standard_is_pointed_to_the_mapping(device_maker: QmsRepo) -> None:
    device_maker.edit(MANUAL, 'clauses: ["4.2.4", "7.5.8"]', 'clauses: ["5.1.12"]')  # IEC 62304 only
    hit, = d003(device_maker)
    assert hit["message"].startswith('"5.1.12" is not a clause of ISO 13485:2016')
    assert hit["hint"] == 'if it is a clause of iec62304, list it under that standard: clauses: {iec62304: ["5.1.12"]}'


def test_a_mapping_key_that_names_no_declared_standard_is_one_finding_on_its_line(device_maker: QmsRepo) -> None:
    device_maker.write(SOFTWARE, SOFTWARE_PROCEDURE.format(number="5.2.2").replace("iec62304:", "iec62034:"))
    hit, = d003(device_maker)
    assert (hit["path"], hit["line"]) == (SOFTWARE, 12)
    assert hit["message"] == ('clauses: "iec62034" is not a standard this QMS declares (declared: iso13485, iec62304): '
                              'did you mean "iec62304"?')
    assert "standards:" in hit["hint"]


def test_a_standard_named_by_file_name_or_key_is_the_same(device_maker: QmsRepo) -> None:
    device_maker.write("qms.yml", QMS_YML + "standards: [iso13485-2016, iec62304-2015]\n")
    assert d003(device_maker) == []


def test_clause_catalogue_still_sets_the_default_and_a_qms_yml_naming_none_checks_iso_9001(repo: QmsRepo) -> None:
    assert repo.check().findings == []  # no standard declared: ISO 9001, no coverage claim
    repo.edit(MANUAL, 'clauses: ["4.3", "7.5"]', 'clauses: ["4.3", "7.5.9.2"]')
    assert only(repo.check(), "D003")["message"].startswith('"7.5.9.2" is not a clause of ISO 9001:2015')
    # clause_catalogue: keeps its old meaning: the edition numbers are read against, not a claim of coverage.
    repo.write("qms.yml", QMS_YML + "clause_catalogue: iso13485-2016\n")
    assert only(repo.check(), "D003")["message"].startswith('"4.3" is not a clause of ISO 13485:2016')
    assert "ISO 13485:2016 (iso13485): 1 of 67" in repo.qms("coverage").stdout  # 7.5.9.2


def test_an_unknown_standard_in_qms_yml_stops_with_its_line(repo: QmsRepo) -> None:
    repo.write("qms.yml", QMS_YML + "standards:\n  - iso13485\n  - iso9002\n")
    run = repo.qms("check")
    assert run.code == 2
    assert "qms.yml:9: 'iso9002' is not a standard qmskit ships (choose from" in run.stderr
    assert "Traceback" not in run.stderr


def test_d007_lists_each_requirement_no_effective_document_addresses(device_maker: QmsRepo) -> None:
    run = device_maker.check()
    assert run.code == 0  # warnings only
    gaps = [f for f in run.findings if f["code"] == "D007"]
    assert {(f["path"], f["line"], f["severity"]) for f in gaps} == {("qms.yml", 7, "warning")}
    messages = {f["message"] for f in gaps}
    assert "ISO 13485:2016 clause 7.5.9.2 (Particular requirements for implantable medical devices) " \
           "is addressed by no effective document" in messages
    # Named by the procedure: 7.3.2 itself, and 5.1 with every subclause under it.
    assert not any(" clause 7.3.2 " in m or " clause 5.1.1 " in m or " clause 5.1.12 " in m for m in messages)
    assert any(m.startswith("IEC 62304:2006+A1:2015 clause 5.2.2 ") for m in messages)
    # Parents are not requirements of their own: 7.5.9 is reported through its subclauses.
    assert not any(" clause 7.5.9 " in m for m in messages)
    assert len(gaps) == (67 - 4) + (99 - 12 - 1 - 1)  # leaves minus those addressed


def test_exclusions_with_reasons_close_gaps_and_a_draft_addresses_nothing(device_maker: QmsRepo) -> None:
    device_maker.write("qms.yml", QMS_YML + """\
standards: [iso13485, iec62304]
exclusions:
  iso13485:
    "7.5.9": We make no implantable devices.
    "7.5.5": Our devices are not supplied sterile.
""")
    messages = {f["message"] for f in device_maker.check().findings if f["code"] == "D007"}
    assert not any(" clause 7.5.9.2 " in m or " clause 7.5.5 " in m for m in messages)
    assert any(" clause 7.5.7 " in m for m in messages)
    device_maker.edit(SOFTWARE, "status: effective", "status: draft")
    messages = {f["message"] for f in device_maker.check().findings if f["code"] == "D007"}
    assert any(" clause 7.3.2 " in m for m in messages)


def test_an_exclusion_needs_a_reason_a_declared_standard_and_a_real_clause(device_maker: QmsRepo) -> None:
    device_maker.write("qms.yml", QMS_YML + 'standards: [iso13485]\nexclusions:\n  iso13485:\n    "7.5.9": ""\n')
    run = device_maker.qms("check")
    assert run.code == 2 and "Traceback" not in run.stderr
    assert "qms.yml:10: exclusions > iso13485 > 7.5.9 must be the reason the clause does not apply" in run.stderr
    device_maker.write("qms.yml", QMS_YML + """\
standards: [iso13485]
exclusions:
  iso9001:
    "8.3": We design nothing.
  iso13485:
    "7.5.12": Not a clause.
""")
    hits = [h for h in d003(device_maker) if h["path"] == "qms.yml"]
    assert [(h["path"], h["line"]) for h in hits] == [("qms.yml", 9), ("qms.yml", 12)]
    assert hits[0]["message"] == 'exclusions: "iso9001" is not a standard this QMS declares (declared: iso13485)'
    assert hits[1]["message"].startswith('exclusions: "7.5.12" is not a clause of ISO 13485:2016')


def test_a_repository_adds_its_own_catalogue(device_maker: QmsRepo) -> None:
    device_maker.write("standards/customer.yml", 'key: customer\nstandard: Customer QR-7\nclauses:\n'
                       '  "1": Planning\n  "1.1": Control plan\n  "1.2": First article\n')
    device_maker.write("qms.yml", QMS_YML + "standards: [iso13485, iec62304, standards/customer.yml]\nignore: [D007]\n")
    device_maker.write(SOFTWARE, SOFTWARE_PROCEDURE.format(number="5.2.2").replace(
        '  iec62304:', '  customer: ["1.1", "1.3"]\n  iec62304:'))
    hit, = d003(device_maker)
    assert hit["message"] == '"1.3" is not a clause of Customer QR-7: did you mean "1.2"?'
    coverage = json.loads(device_maker.qms("coverage", "--standard", "customer", "--format", "json").stdout)
    rows = {r["clause"]: (r["status"], r["documents"]) for r in coverage["standards"][0]["clauses"]}
    assert rows == {"1": ("partial", ["QP-02"]), "1.1": ("addressed", ["QP-02"]), "1.2": ("gap", [])}


def test_a_broken_own_catalogue_stops_naming_its_file_and_line(repo: QmsRepo) -> None:
    repo.write("standards/own.yml", 'key: own\nstandard: Own\nclauses:\n  "1": A\n  "2.1": Orphan\n')
    repo.write("qms.yml", QMS_YML + "standards: [standards/own.yml]\n")
    run = repo.qms("check")
    assert run.code == 2
    assert 'qms: error: standards/own.yml:5: clause "2.1" comes before its parent "2"; list "2" first' in run.stderr
    repo.write("qms.yml", QMS_YML + "standards: [../outside.yml]\n")
    run = repo.qms("check")
    assert run.code == 2 and "no catalogue file inside the repository" in run.stderr


def test_qms_coverage_shows_every_clause_with_the_documents_in_each_format(device_maker: QmsRepo) -> None:
    text = device_maker.qms("coverage")
    assert text.code == 0
    assert text.stdout.startswith("ISO 13485:2016 (iso13485): 4 of 67 requirements addressed, 0 excluded, 63 not addressed\n")
    assert "\n      4.2.4      addressed      Control of documents  [QM-01]\n" in text.stdout
    assert "\nIEC 62304:2006+A1:2015 (iec62304): " in text.stdout

    payload = json.loads(device_maker.qms("coverage", "--standard", "iec62304", "--format", "json").stdout)
    std, = payload["standards"]
    assert std["summary"] == {"requirements": 99, "addressed": 14, "excluded": 0, "not_addressed": 85}
    rows = {r["clause"]: r for r in std["clauses"]}
    assert len(rows) == 123
    assert rows["5.1.12"]["documents"] == ["QP-02"] and rows["5.1.12"]["status"] == "addressed"
    assert rows["5"]["status"] == "partial" and rows["5"]["requirement"] is False

    table = list(csv.DictReader(io.StringIO(device_maker.qms("coverage", "-s", "iso13485", "-f", "csv").stdout)))
    assert table[0] == {"standard": "iso13485", "clause": "4", "title": "Quality management system",
                        "requirement": "no", "status": "partial", "documents": "QM-01", "exclusion": ""}

    markdown = device_maker.qms("coverage", "--format", "markdown").stdout
    assert markdown.startswith("# Clause coverage\n\n## ISO 13485:2016\n")
    assert ("| &emsp;&emsp;7.3.2 | Design and development planning | addressed "
            "| [QP-02](procedures/qp-02-software-development.md) |") in markdown


def test_qms_coverage_of_a_standard_not_declared_says_which_are(device_maker: QmsRepo) -> None:
    run = device_maker.qms("coverage", "--standard", "iso9001")
    assert run.code == 2
    assert "--standard iso9001: not a standard this QMS declares (declared: iso13485 (ISO 13485:2016), " \
           "iec62304 (IEC 62304:2006+A1:2015))" in run.stderr


def test_clauses_of_the_wrong_shape_are_a_schema_finding(device_maker: QmsRepo) -> None:
    device_maker.edit(MANUAL, 'clauses: ["4.2.4", "7.5.8"]', 'clauses: "7.5.8"')
    run = device_maker.check()
    hit, = find(run, "S001")
    assert hit["path"] == MANUAL
    assert hit["message"] == 'clauses must be a list or a set of key: value lines (found "7.5.8")'


def test_the_sample_checks_clean_and_shows_its_gaps_and_exclusions_in_coverage(sample: Path) -> None:
    """The sample keeps clause_catalogue: (no coverage claim); its manual's two exclusions are in qms.yml."""
    assert not [f for f in run_qms("check", "--format", "json", cwd=sample).findings if f["code"] == "D007"]
    std, = json.loads(run_qms("coverage", "--format", "json", cwd=sample).stdout)["standards"]
    rows = {r["clause"]: r for r in std["clauses"]}
    assert [n for n, r in rows.items() if r["requirement"] and r["status"] == "gap"] == [
        "6.3", "8.2.1", "8.2.3.1", "8.2.3.2", "8.2.4", "8.5.4", "8.5.5", "8.5.6"]
    assert rows["8.3"]["exclusion"].startswith("The office does not design new services")
    assert rows["8.3.4"]["status"] == "excluded" and rows["8.3.4"]["exclusion"] is None
    assert rows["7.1.5.2"]["status"] == "excluded"
