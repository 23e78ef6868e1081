"""Property tests (hypothesis): the front-matter splitter and editor, revision order, and the reference parsers."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qms.text.body import id_references
from qms.text.frontmatter import split_front_matter
from qms.text.frontmatter_edit import set_keys
from qms.text.revisions import SCHEMES, parse_revision
from qms.text.yamlsafe import parse_yaml

FEW = settings(max_examples=60, deadline=None)

# Front-matter values that survive YAML as written: plain words and numbers-as-text are not needed.
WORD = st.text(alphabet=st.characters(whitelist_categories=("L", "N"), max_codepoint=0x9FFF), min_size=1, max_size=12)
KEY = st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True).filter(lambda k: k not in ("status", "effective"))
LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n\x85\u2028\u2029"),
               max_size=40)


@st.composite
def documents(draw) -> tuple[dict[str, str], str, str]:
    data = draw(st.dictionaries(KEY, WORD, min_size=1, max_size=6))
    body = "\n".join(draw(st.lists(LINE.filter(lambda t: t.rstrip() not in ("---", "...")), max_size=6)))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    yaml_text = "".join(f'{k}: "{v}"{eol}' for k, v in data.items())
    return data, f"---{eol}{yaml_text}---{eol}{body}", eol


@FEW
@given(documents())
def test_split_then_join_gives_the_original(doc) -> None:
    _, text, _ = doc
    normalised = text.replace("\r\n", "\n")
    split = split_front_matter(normalised)
    assert f"---\n{split.yaml_text}\n---\n{split.body}" == normalised


@FEW
@given(documents(), st.dates().map(str), st.sampled_from(["draft", "review", "effective"]))
def test_parse_edit_parse_keeps_every_other_value(doc, day: str, status: str) -> None:
    data, text, eol = doc
    raw = text.encode()
    edited = set_keys(raw, {"status": status, "effective": day}, "status")
    parsed = parse_yaml(split_front_matter(edited.decode().replace("\r\n", "\n")).yaml_text).value
    assert parsed == {**data, "status": status, "effective": day}
    again = set_keys(edited, {"status": status, "effective": day}, "status")
    assert again == edited  # setting the same values twice changes nothing
    assert edited.decode().split(f"---{eol}", 2)[2] == raw.decode().split(f"---{eol}", 2)[2]  # body byte for byte


def _revision(scheme: str):
    letters = st.from_regex(r"[A-Z]{1,3}", fullmatch=True)
    number = st.integers(min_value=0, max_value=10_000).map(str)
    return {"integer": number, "letter": letters,
            "major-minor": st.builds(lambda a, b: f"{a}.{b}", number, number),
            "letter-number": st.builds(lambda a, b: f"{a}/{b}", letters, number)}[scheme]


@st.composite
def revisions(draw, count: int = 3):
    scheme = draw(st.sampled_from(SCHEMES))
    return scheme, [draw(_revision(scheme)) for _ in range(count)]


@FEW
@given(revisions())
def test_revision_order_is_a_total_order(case) -> None:
    scheme, (a, b, c) = case
    ka, kb, kc = (parse_revision(scheme, r) for r in (a, b, c))
    assert (ka <= kb) or (kb <= ka)  # total
    if ka <= kb and kb <= ka:
        assert a == b  # antisymmetric: equal keys only for the same revision as written
    if ka <= kb and kb <= kc:
        assert ka <= kc  # transitive


def _next(scheme: str, text: str) -> str:
    if scheme == "integer":
        return str(int(text) + 1)
    if scheme == "letter":
        return _next_letters(text)
    if scheme == "major-minor":
        major, minor = text.split(".")
        return f"{major}.{int(minor) + 1}"
    letters, _ = text.split("/")
    return f"{_next_letters(letters)}/0"  # the next major revision; the minor one is covered by major-minor


def _next_letters(text: str) -> str:
    chars = list(text)
    i = len(chars) - 1
    while i >= 0 and chars[i] == "Z":
        chars[i] = "A"
        i -= 1
    return ("A" + "".join(chars)) if i < 0 else "".join(chars[:i]) + chr(ord(chars[i]) + 1) + "".join(chars[i + 1:])


@FEW
@given(revisions(count=1))
def test_the_next_revision_is_greater(case) -> None:
    scheme, (a,) = case
    assert parse_revision(scheme, _next(scheme, a)) > parse_revision(scheme, a)


ID = st.from_regex(r"[A-Z]{1,4}-\d{2}(-\d{2})?", fullmatch=True)


@FEW
@given(st.lists(ID, min_size=1, max_size=5), st.lists(LINE.filter(lambda t: "[" not in t and "]" not in t
                                                                   and "`" not in t and "~" not in t), max_size=5))
def test_every_wiki_reference_is_found_on_its_line(ids, filler) -> None:
    lines = [*filler, *(f"see [[{doc_id}]] here" for doc_id in ids)]
    found = id_references("\n".join(lines), 10)
    assert [(r.target, r.line) for r in found] == [(doc_id, 10 + len(filler) + n) for n, doc_id in enumerate(ids)]


@FEW
@given(st.lists(ID, min_size=1, max_size=3))
def test_references_in_code_are_not_references(ids) -> None:
    body = "```\n" + "\n".join(f"[[{i}]]" for i in ids) + "\n```\n" + " ".join(f"`[[{i}]]`" for i in ids)
    assert list(id_references(body, 1)) == []
    assert all(re.fullmatch(r"[A-Z]{1,4}-\d{2}(-\d{2})?", i) for i in ids)
