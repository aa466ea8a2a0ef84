"""Numeric, length and count constraints: tightened breaks requests, loosened breaks responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.diff.builders import RESP, api, diff_of, json_body, request_schema, response_schema

NOT_FOUND = {"404": {"description": "no such job"}}


def sending(value: dict[str, Any], openapi: str = "3.1.0") -> dict[str, Any]:
    return api(openapi=openapi, request=json_body(request_schema(value=value), required=True))


def receiving(value: dict[str, Any], openapi: str = "3.1.0") -> dict[str, Any]:
    body = json_body(response_schema(value=value), description="the job")
    return api(openapi=openapi, responses={"200": body, **NOT_FOUND})


NUMBER = {"type": "number"}
TEXT = {"type": "string"}
LIST = {"type": "array", "items": TEXT}


@pytest.mark.parametrize(
    ("old", "new", "how", "text"),
    [
        (NUMBER, {**NUMBER, "minimum": 0}, "tightened", "gained minimum >= 0"),
        (
            {**NUMBER, "minimum": 0},
            {**NUMBER, "minimum": 1},
            "tightened",
            "minimum tightened from >= 0 to >= 1",
        ),
        (
            {**NUMBER, "minimum": 1},
            {**NUMBER, "exclusiveMinimum": 1},
            "tightened",
            "minimum tightened from >= 1 to > 1",
        ),
        ({**NUMBER, "maximum": 10}, NUMBER, "loosened", "lost its maximum <= 10"),
        (
            {**NUMBER, "exclusiveMaximum": 10},
            {**NUMBER, "maximum": 10},
            "loosened",
            "maximum loosened from < 10 to <= 10",
        ),
        (
            {**TEXT, "minLength": 1},
            {**TEXT, "minLength": 3},
            "tightened",
            "minLength tightened from 1 to 3",
        ),
        (
            {**TEXT, "maxLength": 3},
            {**TEXT, "maxLength": 30},
            "loosened",
            "maxLength loosened from 3 to 30",
        ),
        (LIST, {**LIST, "maxItems": 5}, "tightened", "gained maxItems 5"),
        ({**LIST, "minItems": 2}, LIST, "loosened", "lost its minItems 2"),
        (LIST, {**LIST, "uniqueItems": True}, "tightened", "gained uniqueItems"),
        (
            {**NUMBER, "multipleOf": 0.5},
            {**NUMBER, "multipleOf": 1.5},
            "tightened",
            "multipleOf tightened from 0.5 to 1.5",
        ),
        (
            {**NUMBER, "multipleOf": 4},
            {**NUMBER, "multipleOf": 2},
            "loosened",
            "multipleOf loosened from 4 to 2",
        ),
    ],
)
def test_each_constraint_change_is_tightened_or_loosened_by_the_values_it_allows(
    tmp_path: Path, old: dict[str, Any], new: dict[str, Any], how: str, text: str
) -> None:
    request = diff_of(tmp_path, sending(old), sending(new))
    assert [(c.kind, c.breaking) for c in request.changes] == [
        (f"request-property-constraint-{how}", how == "tightened")
    ]
    assert request.changes[0].message.endswith(f"property 'value' {text}")
    response = diff_of(tmp_path, receiving(old), receiving(new))
    assert [(c.kind, c.breaking) for c in response.changes] == [
        (f"response-property-constraint-{how}", how == "loosened")
    ]


def test_a_zero_minimum_length_is_no_constraint(tmp_path: Path) -> None:
    assert diff_of(tmp_path, sending(TEXT), sending({**TEXT, "minLength": 0})).changes == []


def test_openapi_30_boolean_exclusive_bounds_read_as_31_numeric_ones(tmp_path: Path) -> None:
    old = receiving({**NUMBER, "minimum": 5, "exclusiveMinimum": True}, openapi="3.0.3")
    assert diff_of(tmp_path, old, receiving({**NUMBER, "exclusiveMinimum": 5})).changes == []
    report = diff_of(tmp_path, old, receiving({**NUMBER, "minimum": 5}))
    assert [(c.kind, c.old_pointer) for c in report.changes] == [
        ("response-property-constraint-loosened", f"{RESP}/properties/value/minimum")
    ]


def test_constraints_of_allof_members_count(tmp_path: Path) -> None:
    member = {"allOf": [{"type": "string", "maxLength": 4}]}
    wider = {"allOf": [{"type": "string", "maxLength": 8}]}
    report = diff_of(tmp_path, receiving(member), receiving(wider))
    assert [(c.kind, c.new_pointer) for c in report.changes] == [
        ("response-property-constraint-loosened", f"{RESP}/properties/value/allOf/0/maxLength")
    ]
