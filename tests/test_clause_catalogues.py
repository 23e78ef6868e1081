"""The clause catalogues qmskit ships in qms/data/: well-formed, complete where it can be counted, and distinct.

In process and fast: each file is read as qms.load.clauses reads it, and also as plain YAML, so a
duplicate or an unquoted number that YAML would read as another number cannot hide.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from qms.errors import ConfigError
from qms.load.clauses import CLAUSE_NUMBER, find, parent_of, shipped

EXPECTED = {
    "iso9001": "ISO 9001:2015",
    "gb19001": "GB/T 19001-2016",
    "iso13485": "ISO 13485:2016",
    "iso14001": "ISO 14001:2015",
    "iso45001": "ISO 45001:2018",
    "iso27001": "ISO/IEC 27001:2022",
    "iec62304": "IEC 62304:2006+A1:2015",
}
CJK = re.compile(r"[\u4e00-\u9fff]")
REPO = Path(".")  # shipped catalogues do not depend on the repository


def raw(name: str) -> dict:
    text = (resources.files("qms") / "data" / f"{name}.yml").read_text("utf-8")
    return yaml.safe_load(text)


def test_every_standard_the_issue_names_ships_with_its_key() -> None:
    assert {c.key: c.standard for c in shipped()} == EXPECTED


@pytest.mark.parametrize("catalogue", shipped(), ids=lambda c: c.key)
def test_numbers_are_well_formed_quoted_unique_and_below_their_parent(catalogue) -> None:
    data = raw(catalogue.name)
    keys = list(data["clauses"])
    assert all(isinstance(k, str) for k in keys), "every number is quoted, so 7.10 stays 7.10"
    assert len(keys) == len(set(keys)) == len(catalogue.clauses)
    seen: set[str] = set()
    for number in keys:
        assert CLAUSE_NUMBER.fullmatch(number), number
        parent = parent_of(number)
        assert parent is None or parent in seen, f"{number} comes before its parent {parent}"
        seen.add(number)
        assert catalogue.clauses[number].strip(), f"{number} has a title"
    assert data["key"] == catalogue.key and data["standard"] == catalogue.standard


@pytest.mark.parametrize("catalogue", shipped(), ids=lambda c: c.key)
def test_top_clauses_run_from_four_without_a_gap(catalogue) -> None:
    tops = [int(n) for n in catalogue.clauses if "." not in n]
    assert tops == list(range(4, tops[-1] + 1))
    # Every numbered clause below a parent runs 1, 2, 3 ... without a gap, except where an amendment
    # deleted one (IEC 62304 A1: 7.1.5 and 7.3.2).
    deleted = {"7.1.5", "7.3.2"} if catalogue.key == "iec62304" else set()
    children: dict[str | None, list[int]] = {}
    for number in catalogue.clauses:
        if "." in number and not number.startswith("A."):
            children.setdefault(parent_of(number), []).append(int(number.rsplit(".", 1)[1]))
    for parent, numbers in children.items():
        expected = [n for n in range(1, max(numbers) + 1) if f"{parent}.{n}" not in deleted]
        assert numbers == expected, parent


def test_gb_t_19001_has_exactly_the_numbers_of_iso_9001_with_chinese_titles() -> None:
    iso, gb = find("iso9001", REPO), find("gb19001", REPO)
    assert list(gb.clauses) == list(iso.clauses)
    assert all(CJK.search(title) for title in gb.clauses.values())
    assert gb.clauses["7.5.3"] == "成文信息的控制"


def test_iso_27001_annex_a_has_the_93_controls_in_four_themes() -> None:
    c = find("iso27001-2022", REPO)
    controls = [n for n in c.clauses if n.startswith("A.") and n.count(".") == 2]
    assert len(controls) == 93
    by_theme = {theme: sum(1 for n in controls if n.startswith(f"A.{theme}.")) for theme in (5, 6, 7, 8)}
    assert by_theme == {5: 37, 6: 8, 7: 14, 8: 34}
    assert c.clauses["A.8.34"] == "Protection of information systems"
    assert [n for n in c.clauses if n.startswith("A.") and n.count(".") == 1] == ["A.5", "A.6", "A.7", "A.8"]
    assert "6.3" in c.clauses and "9.3.3" in c.clauses  # the 2022 edition's additions


def test_standards_differ_where_their_numbers_mean_different_things() -> None:
    iso9001, iso13485, iec62304 = (find(k, REPO) for k in ("iso9001", "iso13485", "iec62304"))
    assert iso9001.clauses["7.5.3"] == "Control of documented information"
    assert iso13485.clauses["7.5.3"] == "Installation activities"
    assert "7.5.9.2" in iso13485.clauses and "7.5.9.2" not in iso9001.clauses
    assert "8.7" in iso9001.clauses and "8.7" not in iso13485.clauses
    assert {"4.4.5", "5.1.12"} <= set(iec62304.clauses)  # added by Amendment 1
    assert not {"7.1.5", "7.3.2"} & set(iec62304.clauses)  # deleted by Amendment 1
    assert len(iso13485.leaves) == 67 and len(iec62304.leaves) == 99


def test_a_catalogue_is_found_by_key_or_by_file_name_and_an_unknown_one_lists_the_choices() -> None:
    assert find("iso13485", REPO) is find("iso13485-2016", REPO)
    with pytest.raises(ConfigError, match=r"'iso9002' is not a standard qmskit ships \(choose from .*iso13485"):
        find("iso9002", REPO)



# The clauses and subclauses (two levels) of each catalogue, as public tables of contents of the editions
# number them (docs/decisions.md, "Where the clause titles come from"). Titles are checked for IEC 62304,
# where Amendment 1 renamed 5.5 and 5.8; elsewhere the numbers.
TABLES_OF_CONTENTS = {
    "iec62304": "4 4.1 4.2 4.3 4.4 5 5.1 5.2 5.3 5.4 5.5 5.6 5.7 5.8 6 6.1 6.2 6.3 7 7.1 7.2 7.3 7.4 8 8.1 8.2 8.3 "
                "9 9.1 9.2 9.3 9.4 9.5 9.6 9.7 9.8",
    "iso13485": "4 4.1 4.2 5 5.1 5.2 5.3 5.4 5.5 5.6 6 6.1 6.2 6.3 6.4 7 7.1 7.2 7.3 7.4 7.5 7.6 8 8.1 8.2 8.3 8.4 8.5",
    "iso14001": "4 4.1 4.2 4.3 4.4 5 5.1 5.2 5.3 6 6.1 6.2 7 7.1 7.2 7.3 7.4 7.5 8 8.1 8.2 9 9.1 9.2 9.3 "
                "10 10.1 10.2 10.3",
    "iso45001": "4 4.1 4.2 4.3 4.4 5 5.1 5.2 5.3 5.4 6 6.1 6.2 7 7.1 7.2 7.3 7.4 7.5 8 8.1 8.2 9 9.1 9.2 9.3 "
                "10 10.1 10.2 10.3",
    "iso27001": "4 4.1 4.2 4.3 4.4 5 5.1 5.2 5.3 6 6.1 6.2 6.3 7 7.1 7.2 7.3 7.4 7.5 8 8.1 8.2 8.3 9 9.1 9.2 9.3 "
                "10 10.1 10.2",
}


@pytest.mark.parametrize("key", sorted(TABLES_OF_CONTENTS))
def test_the_top_two_levels_match_the_published_tables_of_contents(key: str) -> None:
    catalogue = find(key, REPO)
    top = [n for n in catalogue.clauses if re.fullmatch(r"\d+(\.\d+)?", n)]
    assert top == TABLES_OF_CONTENTS[key].split()


def test_iec62304_titles_follow_the_amended_text() -> None:
    clauses = find("iec62304", REPO).clauses
    assert clauses["5.5"] == "Software unit implementation"  # "... and verification" until Amendment 1
    assert clauses["5.8"] == "Software release for utilization at a system level"  # "Software release" until then
    assert (clauses["6"], clauses["7"], clauses["8"], clauses["9"]) == (
        "Software maintenance process", "Software risk management process",
        "Software configuration management process", "Software problem resolution process")


def test_iso27001_2022_puts_continual_improvement_before_nonconformity() -> None:
    clauses = find("iso27001", REPO).clauses
    assert (clauses["10.1"], clauses["10.2"]) == ("Continual improvement", "Nonconformity and corrective action")
