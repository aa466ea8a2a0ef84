"""The instance builder on small schemas: each test shows what it builds for one feature.

Every instance the builder returns has passed ``jsonschema``'s Draft 2020-12 validator; where it
cannot build one it raises ``Unbuildable`` rather than return something invalid.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.spec.dialect import oas30_to_2020_12
from tests.roundtrip.instances import (
    EXTRA_KEY,
    REQUEST,
    RESPONSE,
    Builder,
    Unbuildable,
    Variant,
    first_error,
    schema_registry,
)
from tests.roundtrip.scalars import pattern_candidates

URI = "file:///api.json"


def build(
    schema: Any,
    variant: Variant = Variant.ALL,
    direction: str = RESPONSE,
    defs: dict[str, Any] | None = None,
) -> Any:
    """The instance built for ``schema`` (its ``$ref``s may name ``#/$defs/...`` of ``defs``)."""
    registry = schema_registry({URI: {"$defs": {**(defs or {}), "Root": schema}}})
    built = Builder(registry, direction=direction, variant=variant).build(URI + "#/$defs/Root")
    return built.value


def valid(schema: Any, instance: Any, defs: dict[str, Any] | None = None) -> bool:
    registry = schema_registry({URI: {"$defs": {**(defs or {}), "Root": schema}}})
    return first_error(registry, URI + "#/$defs/Root", RESPONSE, instance) is None


PET = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "name": {"type": "string"},
        "tag": {"type": ["string", "null"]},
    },
}


def test_the_three_variants_of_an_object() -> None:
    assert build(PET, Variant.REQUIRED) == {"id": 1}
    assert build(PET, Variant.ALL) == {
        "id": 1,
        "name": "string",
        "tag": "string",
        EXTRA_KEY: "value",
    }
    assert build(PET, Variant.NULLS) == {"id": 1, "name": "string", "tag": None}


def test_an_extra_key_only_where_additional_properties_allow_it() -> None:
    closed = {**PET, "additionalProperties": False}
    typed = {**PET, "additionalProperties": {"type": "integer", "minimum": 7}}

    assert EXTRA_KEY not in build(closed)
    assert build(typed)[EXTRA_KEY] == 7
    assert build({"type": "object", "additionalProperties": {"type": "boolean"}}) == {
        EXTRA_KEY: True
    }


def test_the_builder_reports_where_it_added_extra_keys() -> None:
    registry = schema_registry(
        {
            URI: {
                "properties": {
                    "inner": {"type": "object", "additionalProperties": {"type": "string"}}
                }
            }
        }
    )
    built = Builder(registry).build(URI + "#")

    assert built.value == {"inner": {EXTRA_KEY: "string"}, EXTRA_KEY: "value"}
    assert built.extras == [(("inner", EXTRA_KEY), "typed"), ((EXTRA_KEY,), "untyped")]


def test_a_required_key_no_property_declares_is_reported_as_extra() -> None:
    registry = schema_registry(
        {URI: {"type": "object", "required": ["tags"], "properties": {"tag": {}}}}
    )
    built = Builder(registry, variant=Variant.REQUIRED).build(URI + "#")

    assert built.value == {"tags": "value"}
    assert built.extras == [(("tags",), "untyped")]


def test_all_of_merges_properties_and_required() -> None:
    defs = {
        "Named": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string", "minLength": 3}},
        }
    }
    schema = {
        "allOf": [
            {"$ref": "#/$defs/Named"},
            {"required": ["age"], "properties": {"age": {"type": "integer"}}},
        ]
    }

    assert build(schema, Variant.REQUIRED, defs=defs) == {"name": "string", "age": 1}


def test_one_of_takes_a_branch_that_matches_exactly_one() -> None:
    # A bare number fits both branches, so the first branch alone cannot be used.
    schema = {"oneOf": [{"type": "number"}, {"type": "integer", "minimum": 1}]}
    with pytest.raises(Unbuildable, match="matches 2 branches"):
        build(schema)

    schema = {"oneOf": [{"type": "string", "maxLength": 2, "minLength": 2}, {"type": "string"}]}
    value = build(schema)
    assert valid(schema, value) and len(value) != 2


def test_any_of_prefers_a_value_to_null_except_in_the_nulls_variant() -> None:
    schema = {
        "type": "object",
        "properties": {"at": {"anyOf": [{"type": "null"}, {"type": "string", "format": "date"}]}},
    }

    assert build(schema, Variant.ALL)["at"] == "2024-01-02"
    assert build(schema, Variant.NULLS) == {"at": None}


def test_a_discriminator_sets_the_tag_from_its_mapping_or_the_schema_name() -> None:
    defs = {
        "Cat": {
            "type": "object",
            "required": ["kind", "lives"],
            "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}},
        },
        "Dog": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}},
            "additionalProperties": False,
        },
    }
    mapped = {
        "oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/$defs/Cat"}},
    }

    assert build(mapped, Variant.REQUIRED, defs=defs) == {"kind": "cat", "lives": 1}
    dog_first = {**mapped, "oneOf": [{"$ref": "#/$defs/Dog"}, {"$ref": "#/$defs/Cat"}]}
    assert build(dog_first, Variant.REQUIRED, defs=defs) == {"kind": "Dog"}


def test_a_discriminator_on_a_base_schema_names_the_subtype_built() -> None:
    defs = {
        "Pet": {
            "type": "object",
            "required": ["petType"],
            "properties": {"petType": {"type": "string"}},
            "discriminator": {"propertyName": "petType"},
        },
        "Cat": {"allOf": [{"$ref": "#/$defs/Pet"}, {"properties": {"lives": {"type": "integer"}}}]},
    }

    assert build({"$ref": "#/$defs/Cat"}, Variant.REQUIRED, defs=defs) == {"petType": "Cat"}


def test_recursion_through_refs_ends() -> None:
    defs = {
        "Node": {
            "type": "object",
            "required": ["value"],
            "properties": {
                "value": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                "parent": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]},
            },
        }
    }

    node = build({"$ref": "#/$defs/Node"}, defs=defs)

    assert node["children"] == [{"value": "string"}]
    assert node["parent"] is None or node["parent"] == {"value": "string"}


def test_a_required_cycle_has_no_finite_instance() -> None:
    defs = {
        "Loop": {
            "type": "object",
            "required": ["next"],
            "properties": {"next": {"$ref": "#/$defs/Loop"}},
        }
    }

    with pytest.raises(Unbuildable, match="recursion"):
        build({"$ref": "#/$defs/Loop"}, defs=defs)


def test_enum_const_and_type_arrays() -> None:
    assert build({"enum": ["b", "a"]}) == "b"
    assert build({"const": {"x": 1}}) == {"x": 1}
    assert build({"type": ["integer", "string"]}) == 1
    assert build(
        {"type": "object", "properties": {"e": {"enum": ["on", None]}}}, Variant.NULLS
    ) == {"e": None}
    with pytest.raises(Unbuildable, match="enum"):
        build({"allOf": [{"enum": ["a"]}, {"enum": ["b"]}]})


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("date-time", "2024-01-02T03:04:05Z"),
        ("date", "2024-01-02"),
        ("uuid", "123e4567-e89b-42d3-a456-426614174000"),
        ("email", "user@example.com"),
        ("uri", "https://example.com/a"),
        ("ipv4", "192.0.2.1"),
        ("ipv6", "2001:db8::1"),
    ],
)
def test_formats(kind: str, expected: str) -> None:
    assert build({"type": "string", "format": kind}) == expected


def test_a_format_value_that_does_not_fit_is_never_returned() -> None:
    assert not valid({"type": "string", "format": "date"}, "2024")
    # The sample date cut to 4 characters is no date: jsonschema rejects it, so it is discarded.
    with pytest.raises(Unbuildable, match="rejected by jsonschema"):
        build({"type": "string", "format": "date", "maxLength": 4})


def test_patterns_try_a_few_candidates() -> None:
    assert build({"type": "string", "pattern": "^[A-Z]{2}-\\d{3}$"}) == "AA-000"
    assert build({"type": "string", "pattern": "^ab+c$", "minLength": 6}) == "abbbbbbc"
    assert build({"type": "string", "pattern": "^[\\p{L}\\p{N}_.:/=+\\-@]*$"}) == "A"
    assert build({"type": "string", "pattern": "^\\p{Lu}{3}$"}) == "AAA"
    assert all(c.startswith("x") for c in pattern_candidates("^x(?:y|z)*$"))


def test_a_pattern_no_candidate_matches_is_given_up() -> None:
    with pytest.raises(Unbuildable, match="pattern"):
        build({"type": "string", "pattern": "^a$", "minLength": 2})


def test_numbers_meet_bounds_and_multiples() -> None:
    assert build({"type": "integer", "minimum": 10, "multipleOf": 4}) == 12
    assert build({"type": "integer", "exclusiveMinimum": 10}) == 11
    assert build({"type": "integer", "maximum": -5}) == -5
    assert build({"type": "number", "minimum": 0.5, "maximum": 0.75}) == 0.5
    with pytest.raises(Unbuildable, match="number"):
        build({"type": "integer", "minimum": 1, "maximum": 2, "multipleOf": 5})


def test_string_lengths() -> None:
    assert build({"type": "string", "minLength": 10}) == "stringgggg"
    assert build({"type": "string", "maxLength": 3}) == "str"


def test_arrays_meet_min_items_and_unique_items() -> None:
    assert build(
        {"type": "array", "items": {"type": "string"}, "minItems": 3, "uniqueItems": True}
    ) == [
        "string",
        "string1",
        "string2",
    ]
    assert build({"type": "array", "items": {"type": "integer"}}, Variant.REQUIRED) == [1]
    assert build({"type": "array", "prefixItems": [{"const": "x"}], "items": False}) == ["x"]


def test_read_only_is_left_out_of_requests_and_write_only_out_of_responses() -> None:
    account = {
        "type": "object",
        "required": ["id", "password"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "password": {"type": "string", "writeOnly": True},
        },
    }

    assert build(account, Variant.REQUIRED, direction=REQUEST) == {"password": "string"}
    assert build(account, Variant.REQUIRED, direction=RESPONSE) == {"id": "string"}


def test_openapi_30_nullable_through_the_dialect_conversion() -> None:
    schema = oas30_to_2020_12(
        {
            "type": "object",
            "properties": {
                "n": {"type": "integer", "nullable": True, "minimum": 0, "exclusiveMinimum": True}
            },
        }
    )

    assert build(schema, Variant.ALL)["n"] == 1
    assert build(schema, Variant.NULLS) == {"n": None}


def test_what_the_builder_cannot_satisfy_is_unbuildable_not_invalid() -> None:
    with pytest.raises(Unbuildable, match="false schema"):
        build(False)
    with pytest.raises(Unbuildable, match="type"):
        build({"allOf": [{"type": "string"}, {"type": "integer"}]})
    # `not` is left to jsonschema: the instance it rejects is discarded.
    with pytest.raises(Unbuildable, match="rejected by jsonschema"):
        build({"type": "string", "not": {"const": "string"}})
