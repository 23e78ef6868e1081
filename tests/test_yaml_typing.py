"""Plain scalars are typed in one step, exactly as PyYAML's resolver followed by qmskit's own rules would type them."""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qms.text.yamlsafe import _scalar, parse_yaml

STOCK = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

EDGES = ["", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "false", "FALSE", "yes", "No", "on",
         "OFF", "0", "-0", "+7", "007", "0o17", "0x1F", "0b101", "1_000", "1:30", "12", "-12", "1.10", "1.1", "96.5",
         "1e+20", "1.0e+20", "1.5e-07", "-.5", ".5", "5.", "1_000.5", "1:30.5", ".inf", "-.Inf", ".nan", "nan", "inf",
         "2026-02-30", "2026-01-01", "2026-01-01 10:00:00", "<<", "=", "A/0", "3y", "QP-07", "1.0.0", "+", "."]
# Every edge is a plain scalar as written (`v: -` would be a list, so "-" is not one).
NUMBERISH = st.from_regex(r"[-+]?[0-9_]{0,4}(\.[0-9_]{0,4})?([eE][-+]?[0-9]{1,3})?", fullmatch=True)
WORDS = st.text(alphabet="0123456789.-+_:eExXoObB~nulTrUEfalsyNO ", min_size=1, max_size=10)


class NotPlain(Exception):
    pass


def stock_value(text: str):
    """The value the old way: PyYAML's resolver picks the tag, then qmskit's rules for that tag."""
    try:
        value_node = yaml.compose(f"v: {text}\n", Loader=STOCK).value[0][1]
    except yaml.YAMLError:
        raise NotPlain from None
    if not isinstance(value_node, yaml.ScalarNode) or value_node.style:
        raise NotPlain  # not a plain scalar as written
    return _scalar(value_node)


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("text", EDGES)
def test_edges_are_typed_as_before(text: str) -> None:
    expected = stock_value(text)
    assert same(parse_yaml(f"v: {text}\n").value["v"], expected)


def test_the_rules_still_hold() -> None:
    value = parse_yaml("a: 1.10\nb: 96.5\nc: 2026-01-01\nd: no\ne: 12\nf: 0x1F\ng: null\nh: true\n").value
    assert value == {"a": "1.10", "b": 96.5, "c": "2026-01-01", "d": "no", "e": 12, "f": "0x1F", "g": None, "h": True}


@settings(max_examples=300, deadline=None)
@given(st.one_of(NUMBERISH, WORDS))
def test_random_plain_scalars_are_typed_as_before(text: str) -> None:
    try:
        expected = stock_value(text)
    except NotPlain:
        assume(False)
    assert same(parse_yaml(f"v: {text}\n").value["v"], expected)
