"""OpenAPI 3.0 schemas against draft 4's metaschema: jsonschema-rs answers first, and what is reported
is always what jsonschema says, whether the schema is shallow or deep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema.exceptions import SchemaError
from openapi_schema_validator import OAS30Validator

from generator.api import validate_spec
from generator.spec.findings import Severity
from generator.validate.semantics import _MetaCheck, _without_regex
from tests.specs import MINIMAL_SPEC, write

OAS30 = MINIMAL_SPEC.replace("openapi: 3.1.0", "openapi: 3.0.3")
CHECKER = _without_regex(OAS30Validator.FORMAT_CHECKER)


def nested(schema: dict[str, Any], levels: int) -> dict[str, Any]:
    for _ in range(levels):
        schema = {"type": "object", "properties": {"inner": schema}}
    return schema


def jsonschemas_error(schema: Any) -> str | None:
    try:
        OAS30Validator.check_schema(schema, format_checker=CHECKER)
    except SchemaError as error:
        return error.message
    return None


SCHEMAS = [
    {"type": "string", "enum": ["a", "b"]},
    {"type": "string", "enum": ["a", "a"]},
    {"enum": [1, 1.0]},
    {"enum": [True, 1]},
    {"type": "integer", "maxLength": 1.0},
    {"type": "string", "pattern": "(unclosed"},
    {"type": "number", "multipleOf": 0},
    {"type": "array", "items": [{"type": "string"}], "minItems": -1},
    {"allOf": [{"$ref": "#/components/schemas/Job"}], "required": []},
    {"type": "object", "required": ["a", "a"], "x-anything": {"enum": []}},
]


@pytest.mark.parametrize("levels", [0, 3, 40], ids=["flat", "nested", "past-shallow"])
@pytest.mark.parametrize("schema", SCHEMAS, ids=[str(i) for i in range(len(SCHEMAS))])
def test_a_schema_is_refused_exactly_when_jsonschema_refuses_it(
    schema: dict[str, Any], levels: int
) -> None:
    value = nested(schema, levels)
    expected = jsonschemas_error(value)
    check = _MetaCheck(CHECKER).check
    if expected is None:
        check(value)
    else:
        with pytest.raises(SchemaError) as caught:
            check(value)
        assert caught.value.message == expected


@pytest.mark.parametrize("levels", [0, 40])
def test_a_schema_breaking_draft_4_is_an_error_at_its_keyword(tmp_path: Path, levels: int) -> None:
    kind = {"type": "string", "enum": ["a", "a"]}
    text = OAS30.replace(
        "        id: {type: string, format: uuid}\n",
        "        id: {type: string, format: uuid}\n"
        f"        kind: {nested(kind, levels)}\n".replace("'", '"'),
    )
    spec = write(tmp_path, "api.yaml", text)
    (error,) = validate_spec(spec).findings
    assert (error.rule, error.severity) == ("openapi-semantics", Severity.ERROR)
    assert error.message == jsonschemas_error(kind)
    inner = "/properties/inner" * levels
    assert error.pointer == f"/components/schemas/Job/properties/kind{inner}/enum"
    assert error.line == len(text.splitlines())
