"""The compiled fast check (jsonschema-rs) never lets through what jsonschema would report."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qms.load.schemas import SchemaSet
from qms.model import Located

SCHEMAS = SchemaSet()

PROCEDURE = {"id": "QP-07", "title": "Control of records", "type": "procedure", "revision": 2,
             "status": "effective", "owner": "quality-manager", "approvers": ["director"],
             "effective": "2026-03-01", "change": "New retention rules", "references": ["QM-01"],
             "clauses": ["7.5", 8.1], "review_months": 12, "distribution": ["staff"]}
AUDIT = {"id": "REC-2026-001", "title": "Internal audit", "type": "record", "kind": "audit",
         "procedure": "QP-09", "date": "2026-04-02", "owner": "quality-manager", "status": "closed",
         "retention": "3y", "auditors": ["p-li"], "clauses": ["9.2"]}
VALID = [("procedure", PROCEDURE), ("record-audit", AUDIT)]

# Values that sit on the edges where two validators could disagree.
ODD = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63, max_value=2**70),
    st.floats(allow_nan=False), st.sampled_from(["", " ", "director\n", "Director", "2026-02-29", "2024-02-29",
                                                  "2026-13-01", "2026-1-1", "20260101", "２０２６-01-01", "none",
                                                  "effective", "draft", "audit", "record", "procedure", "a@b"]),
    st.text(max_size=8),
)
VALUES = st.one_of(ODD, st.lists(ODD, max_size=3), st.dictionaries(st.text(max_size=4), ODD, max_size=2))
KEYS = st.sampled_from(sorted({*PROCEDURE, *AUDIT, "supersedes", "superseded_by", "classification", "scope",
                               "search", "hide", "tags", "unknown_key"}))


def python_errors(name: str, data: dict) -> list:
    return list(SCHEMAS.validator(name).iter_errors(data))


def test_the_fast_check_compiles_and_passes_valid_documents() -> None:
    for name, data in VALID:
        assert SCHEMAS.fast_validator(name) is not None, name
        assert SCHEMAS.is_valid(name, data), name
        assert python_errors(name, data) == []


def test_the_fast_check_rejects_what_jsonschema_rejects() -> None:
    broken = {**PROCEDURE, "status": "approved", "colour": "blue"}
    assert not SCHEMAS.is_valid("procedure", broken)
    messages = [message for _line, message in SCHEMAS.errors("procedure", Located("p.md", broken, {}))]
    assert any("status must be one of" in m for m in messages)
    assert any("unknown key 'colour'" in m for m in messages)


def test_where_the_fast_check_is_stricter_jsonschema_decides() -> None:
    """A Python regex's `$` matches before a final newline; the compiled one does not."""
    data = {**PROCEDURE, "owner": "quality-manager\n"}
    assert not SCHEMAS.is_valid("procedure", data)
    assert list(SCHEMAS.errors("procedure", Located("p.md", data, {}))) == python_errors("procedure", data) == []


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(VALID), st.dictionaries(KEYS, VALUES, min_size=1, max_size=4), st.sets(KEYS, max_size=2))
def test_the_fast_check_never_passes_what_jsonschema_reports(base, changes, dropped) -> None:
    name, valid = base
    data = {key: value for key, value in {**valid, **changes}.items() if key not in dropped}
    if SCHEMAS.is_valid(name, data):
        assert python_errors(name, data) == []


# Each key with values a person might write, valid or not: both validators must agree on every one.
TRIES = {
    "revision": [2, "2", 1.1, "A/0", True, None, [2]],
    "status": ["draft", "review", "effective", "obsolete", "Effective", "", 3],
    "owner": ["quality-manager", "Quality Manager", "quality_manager", "qm-", "-qm", "q1", ""],
    "approvers": [["director"], [], ["director", "director"], "director", [["director"]], ["Director"]],
    "effective": ["2026-03-01", "2026-02-29", "2024-02-29", "2026-3-1", "01/03/2026", 20260301, ""],
    "clauses": [["7.5"], [7.5], [7], ["7.5", True], "7.5", [None]],
    "review_months": [12, 0, 121, 1.0, 12.5, "12", True],
    "classification": ["public", "internal", "restricted", "secret", None],
    "superseded_by": ["QP-08", None, "", 8],
    "references": [["QM-01"], [""], "QM-01", [1]],
    "colour": ["blue"],
}


def test_both_validators_agree_on_plausible_values() -> None:
    for key, values in TRIES.items():
        for value in values:
            data = {**PROCEDURE, key: value}
            assert SCHEMAS.is_valid("procedure", data) == (python_errors("procedure", data) == []), (key, value)
