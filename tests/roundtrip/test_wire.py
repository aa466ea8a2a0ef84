"""Requests read back off the wire as the values passed: the readers the round trips check with."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from tests.roundtrip.wire import read_form, read_styled


@pytest.mark.parametrize(
    ("pairs", "style", "explode", "like"),
    [
        ([("ids", "1"), ("ids", "2")], "form", True, [1, 2]),
        ([("ids", "1,2")], "form", False, [1, 2]),
        ([("ids", "1|2")], "pipeDelimited", False, [1, 2]),
        ([("lt", "5"), ("gt", "1")], "form", True, {"lt": 5, "gt": 1}),
        (
            [("f[a][b]", "x"), ("f[n][0]", "true")],
            "deepObject",
            True,
            {"a": {"b": "x"}, "n": [True]},
        ),
        ([("q", '{"near": [1.5]}')], "json", False, {"near": [1.5]}),
        ([], "deepObject", True, {}),
    ],
)
def test_a_styled_parameter_reads_back_as_the_value_passed(
    pairs: list[tuple[str, str]], style: str, explode: bool, like: Any
) -> None:
    name = pairs[0][0].partition("[")[0] if pairs else "f"
    assert read_styled(pairs, name, style, explode, like) == like


def test_a_parameter_not_sent_is_missing() -> None:
    with pytest.raises(KeyError):
        read_styled([("other", "1")], "ids", "form", True, [1])


def test_a_form_reads_back_as_an_object_with_its_texts_typed_as_passed() -> None:
    passed = {"n": 2, "ok": False, "tags": ["a", "b"], "meta": {"k": "v"}, "gone": None}
    wire = urlencode([("n", "2"), ("ok", "false"), ("tags", "a,b"), ("meta[k]", "v"), ("x", "1")])

    read = read_form(wire.encode(), passed, {"tags": ("form", False), "meta": ("deepObject", True)})

    # A null has no spelling in a form; a pair nobody passed is kept, for the comparison to see.
    assert read == {**passed, "x": "1"}


def test_a_text_that_does_not_read_as_the_type_passed_stays_text() -> None:
    assert read_form(b"n=**********", {"n": 2}, {}) == {"n": "**********"}


def test_an_exploded_object_and_a_property_may_write_the_same_name() -> None:
    passed = {"tags": {"env": "a"}, "env": "b"}

    assert read_form(b"env=a&env=b", passed, {}) == passed
