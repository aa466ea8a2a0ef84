"""Parameter values read back by their style, into the JSON values their schemas describe."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest

from generator.check.styles import (
    MISSING,
    UNKNOWN,
    Shape,
    cookies,
    header_map,
    query_value,
    simple_value,
)

INTS = {"kind": "array", "item_kind": "integer"}
POINT = {"kind": "object", "property_kinds": {"x": "integer", "label": "string"}}


def query(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        found.setdefault(name, []).append(value)
    return found


@pytest.mark.parametrize(
    ("style", "explode", "schema", "text", "value"),
    [
        ("form", True, {"kind": "integer"}, "n=5", 5),
        ("form", True, {"kind": "integer"}, "n=five", "five"),  # left for `type` to report
        ("form", True, {"kind": "boolean"}, "n=true", True),
        ("form", True, INTS, "n=1&n=2", [1, 2]),
        ("form", False, INTS, "n=1,2", [1, 2]),
        ("spaceDelimited", False, INTS, "n=1%202", [1, 2]),
        ("pipeDelimited", False, INTS, "n=1|2", [1, 2]),
        ("form", True, POINT, "x=1&label=a", {"x": 1, "label": "a"}),
        ("form", False, POINT, "n=x,1,label,a", {"x": 1, "label": "a"}),
        ("deepObject", True, POINT, "n[x]=1&n[label]=a", {"x": 1, "label": "a"}),
        ("form", True, {"kind": "integer"}, "other=1", MISSING),
        ("deepObject", True, POINT, "other=1", MISSING),
        ("form", True, {"kind": "object"}, "x=1", UNKNOWN),  # no property is declared
    ],
)
def test_query_styles(
    style: str, explode: bool, schema: dict[str, Any], text: str, value: Any
) -> None:
    shape = Shape("query", "n", style, explode, **schema)
    assert query_value(shape, query(text)) == value  # MISSING and UNKNOWN equal only themselves


@pytest.mark.parametrize(
    ("location", "style", "explode", "schema", "text", "value"),
    [
        ("path", "simple", False, INTS, "1,2", [1, 2]),
        ("path", "simple", False, POINT, "x,1,label,a", {"x": 1, "label": "a"}),
        ("path", "simple", True, POINT, "x=1,label=a", {"x": 1, "label": "a"}),
        ("path", "label", False, INTS, ".1,2", [1, 2]),
        ("path", "label", True, INTS, ".1.2", [1, 2]),
        ("path", "matrix", False, INTS, ";n=1,2", [1, 2]),
        ("path", "matrix", True, INTS, ";n=1;n=2", [1, 2]),
        ("path", "matrix", False, {"kind": "integer"}, ";n=7", 7),
        ("header", "simple", False, INTS, "1,2", [1, 2]),
        ("cookie", "form", True, {"kind": "number"}, "1.5", 1.5),
    ],
)
def test_path_header_and_cookie_styles(
    location: str, style: str, explode: bool, schema: dict[str, Any], text: str, value: Any
) -> None:
    assert simple_value(Shape(location, "n", style, explode, **schema), text) == value


def test_headers_and_cookies_as_recorded() -> None:
    pairs = (
        ("accept", "a"),
        ("accept", "b"),
        ("cookie", 'session=abc; theme="dark"'),
        ("cookie", "lang=en"),
    )
    assert header_map(pairs)["accept"] == "a, b"
    assert cookies(pairs) == {"session": "abc", "theme": "dark", "lang": "en"}
