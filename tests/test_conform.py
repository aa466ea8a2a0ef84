"""The conformance library: response lookup by status and media type, reasons, compile-once."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.conform import (
    Conformance,
    UndeclaredMediaType,
    UndeclaredStatus,
    UnknownOperation,
    check_response,
)
from generator.refs import load_spec
from tests.conftest import MINIMAL_SPEC, shipped_conformance, write

RESPONSES = """\
        "4XX":
          description: client error
          content:
            application/problem+json:
              schema: {type: object, required: [title]}
        default:
          description: anything else
          content:
            "*/*":
              schema: {type: string}
"""


def spec_with_more_responses(tmp_path: Path) -> Conformance:
    text = MINIMAL_SPEC.replace("components:", "") + ""
    text = text.replace(
        '              schema: {$ref: "#/components/schemas/Job"}\n',
        '              schema: {$ref: "#/components/schemas/Job"}\n' + RESPONSES,
    )
    text += "components:\n" + MINIMAL_SPEC.split("components:\n", 1)[1]
    return Conformance(load_spec(write(tmp_path, "api.yaml", text)))


def test_exact_status_then_range_then_default(tmp_path: Path) -> None:
    conformance = spec_with_more_responses(tmp_path)
    assert (
        conformance.check_response("getJob", 200, {"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"})
        == []
    )
    (missing_title,) = conformance.check_response("getJob", 404, {}, "application/problem+json")
    assert (missing_title.keyword, missing_title.instance_pointer) == ("required", "")
    (not_a_string,) = conformance.check_response("getJob", 503, 1, "text/plain")
    assert not_a_string.keyword == "type"


def test_media_type_parameters_and_case_are_ignored() -> None:
    conformance = shipped_conformance("sitehost")
    assert conformance.check_response("getJob", "200", {}, "Application/JSON; charset=utf-8") == []


def test_questions_with_no_answer_raise_clear_errors() -> None:
    conformance = shipped_conformance("alteryx")
    with pytest.raises(
        UnknownOperation, match=r"no operation 'getJobs' \(operations: getJob, getJobMessages\)"
    ):
        conformance.check_response("getJobs", 200, {})
    with pytest.raises(
        UndeclaredStatus, match=r"status 500 is not declared \(declared: 200, 401, 404\)"
    ):
        conformance.check_response("getJob", 500, {})
    with pytest.raises(UndeclaredMediaType, match="the response declares no body"):
        conformance.check_response("getJob", 401, {})
    with pytest.raises(
        UndeclaredMediaType, match=r"text/html is not declared \(declared: application/json\)"
    ):
        conformance.check_response("getJob", 200, {}, "text/html")


def test_all_violations_are_reported_with_their_spec_location() -> None:
    violations = shipped_conformance("anon").check_response("getJobById", 200, {"id": 1, "name": 2})
    found = {(v.instance_pointer, v.keyword) for v in violations}
    assert found == {("/id", "type"), ("/name", "type"), ("", "required")}
    required = next(v for v in violations if v.keyword == "required")
    assert required.schema_pointer == "/components/schemas/Job/required"
    assert (required.schema_path.name, required.line) == ("anon.yaml", 52)
    assert "is a required property" in required.message


def test_validators_are_compiled_once_and_reused() -> None:
    conformance = shipped_conformance("elasticpath")
    conformance.check_response("getJob", 200, {})
    operation = conformance.operations["getJob"]
    pointer = operation.pointer + "/responses/200/content/application~1json/schema"
    first = conformance.schemas.validator(operation.document, pointer)
    conformance.check_response("getJob", 200, {"data": {}})
    assert conformance.schemas.validator(operation.document, pointer) is first


def test_a_broken_schema_is_a_conformance_error_not_a_crash(tmp_path: Path) -> None:
    spec = load_spec(
        write(tmp_path, "api.yaml", MINIMAL_SPEC.replace("format: uuid", "pattern: '(?<'"))
    )
    with pytest.raises(Exception, match="cannot be compiled") as caught:
        check_response(spec, "getJob", 200, {"id": "x"})
    assert type(caught.value).__name__ == "ConformanceError"


def test_openapi_30_nullable_and_exclusive_bounds(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace("openapi: 3.1.0", "openapi: 3.0.3").replace(
        "        id: {type: string, format: uuid}",
        "        id: {type: string, format: uuid, nullable: true}\n"
        "        size: {type: integer, minimum: 0, exclusiveMinimum: true}\n"
        "        kind: {type: string, enum: [a, b], nullable: true}",
    )
    conformance = Conformance(load_spec(write(tmp_path, "api.yaml", text)))
    assert conformance.check_response("getJob", 200, {"id": None, "kind": None, "size": 1}) == []
    (violation,) = conformance.check_response("getJob", 200, {"id": None, "size": 0})
    assert (violation.instance_pointer, violation.keyword) == ("/size", "exclusiveMinimum")
