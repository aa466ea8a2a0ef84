"""JSON specs read by the C decoder are located exactly as the located parser locates them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.errors import LoadError
from generator.spec.document import Document, Position
from generator.spec.json_index import JSONPositions
from generator.spec.json_reader import _JSONParser
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.loading import parse_document
from tests.paths import ROOT

#: Strings whose characters look like JSON structure or escapes, and empty containers.
TRICKY = {
    "openapi": "3.1.0",
    "info": {"title": 'a "quoted" {title} [with], brackets: and \\ backslashes \\', "version": "1"},
    "x-escapes": ["\\", '\\"', "\\\\u0041", "\u00e9\U0001f600\u2028", "", "}", "]", ","],
    "x-empty": [{}, [], {"a": {}}, [[]], {"": {"": []}}],
    "x-numbers": [0, -1, 2.5, 1e20, -0.0, True, False, None],
    "x-keys": {"a/b": {"c~d": 1}, "~1": 2, "0": [3, 4], "01": 5},
}


def read(text: str, limits: SpecLimits = DEFAULT_LIMITS) -> tuple[Document, Document]:
    """The document as specgen reads it, and as the located parser alone reads it."""
    path = Path("spec.json")
    return parse_document(text, path, limits), _JSONParser(text, path, limits).parse()


def layouts(data: object) -> list[str]:
    return [
        json.dumps(data, indent=2),
        json.dumps(data, indent="\t", ensure_ascii=False),
        json.dumps(data, separators=(",", ":")),
        json.dumps(data, separators=(" ,\r\n ", "\n:\t")),
    ]


@pytest.mark.parametrize("text", layouts(TRICKY), ids=["indented", "tabs", "compact", "spread"])
def test_every_value_is_where_the_located_parser_puts_it(text: str) -> None:
    fast, slow = read(text)
    assert isinstance(fast.positions, JSONPositions), "read by the C decoder"
    assert fast.data == slow.data
    assert dict(fast.positions) == dict(slow.positions)
    assert list(fast.positions) == list(slow.positions), "in document order"


def test_shipped_specs_as_json_are_located_alike() -> None:
    for spec in sorted((ROOT / "specs").glob("*.yaml")):
        data = parse_document(spec.read_text(), spec).data
        for text in layouts(data):
            fast, slow = read(text)
            assert dict(fast.positions) == dict(slow.positions), spec.name


@pytest.mark.parametrize(
    "pointer",
    [
        "/info/title/deeper",
        "/info/nothing/here",
        "/x-keys/0/7",
        "/x-keys/0/01",
        "/x-keys/a~1b/c~0d/x",
        "/x-keys/a~2b",
        "/x-empty/2/a/b",
        "/x-numbers/-1",
        "no-slash",
    ],
)
def test_a_pointer_to_nothing_is_placed_at_what_encloses_it(pointer: str) -> None:
    fast, slow = read("\n  " + json.dumps(TRICKY, indent=1))
    assert fast.positions.get(pointer) is None
    assert pointer not in fast.positions
    assert fast.position(pointer) == slow.position(pointer)


def test_a_large_object_is_located_through_its_index() -> None:
    data = {"items": {f"k{i}": [i, {"v": i}] for i in range(200)}}
    fast, slow = read(json.dumps(data, indent=2))
    for pointer in ("/items/k0/1/v", "/items/k150/0", "/items/k199/1", "/items/k77/9"):
        assert fast.position(pointer) == slow.position(pointer)
    # Six lines per member from line 3, the first item on the line after its key.
    assert fast.position("/items/k150/0") == Position(3 + 150 * 6 + 1, 7)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "\\\\ud800"}',  # an escaped backslash, then text: no surrogate at all
        '{"a": "\\ud83d\\ude00"}',  # a pair is one character
        '{"a": 1e308, "b": -1.5e-300, "c": 12345678901234567890123}',
    ],
)
def test_what_both_readers_accept_is_the_same_data(text: str) -> None:
    fast, slow = read(text)
    assert fast.data == slow.data
    assert dict(fast.positions) == dict(slow.positions)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "\\ud800"}',
        '{"a": "\\\\\\udc00"}',
        '{"a": 1, "a": 2}',
        '{"a": 1e400}',
        '{"a": NaN}',
        '{"a": -Infinity}',
        '{"a": ' + "9" * 5000 + "}",
        "\ufeff{}",
        "[" * 2000 + "]" * 2000,
    ],
)
def test_what_the_decoder_would_read_otherwise_is_refused_by_the_located_parser(
    text: str,
) -> None:
    with pytest.raises(LoadError) as fast:
        parse_document(text, Path("spec.json"))
    with pytest.raises(LoadError) as slow:
        _JSONParser(text, Path("spec.json"), DEFAULT_LIMITS).parse()
    assert str(fast.value) == str(slow.value)


def test_nesting_past_the_limit_is_refused_where_it_passes_it() -> None:
    text = json.dumps({"a": [[[{"b": [1]}]]]})
    with pytest.raises(LoadError, match="--max-depth") as caught:
        parse_document(text, Path("spec.json"), SpecLimits(max_depth=4))
    assert (caught.value.line, caught.value.col) == (1, 10)
    assert parse_document(text, Path("spec.json"), SpecLimits(max_depth=6)).data == json.loads(text)
