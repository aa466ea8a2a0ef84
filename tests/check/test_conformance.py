"""The conformance library: response lookup by status and media type, reasons, compile-once."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.check.conformance import (
    Conformance,
    UndeclaredMediaType,
    UndeclaredStatus,
    UnknownOperation,
    check_response,
)
from generator.spec.document import Document
from generator.spec.reading import load_spec
from generator.spec.validators import LISTED_VALUES, ConformanceError, SchemaValidators
from tests.shipped import shipped_conformance
from tests.specs import MINIMAL_SPEC, write

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


def test_the_declared_response_names_its_status_key_media_types_and_schemas(
    tmp_path: Path,
) -> None:
    conformance = spec_with_more_responses(tmp_path)
    operation = conformance.operations["getJob"]
    ranged = conformance.response(operation, "404")
    assert ranged.status_key == "4XX"
    assert ranged.media_key("application/problem+json; charset=utf-8") == (
        "application/problem+json"
    )
    assert ranged.media_key("text/html") is None
    fallback = conformance.response(operation, "503")
    assert (fallback.status_key, fallback.media_key("text/plain")) == ("default", "*/*")
    document, pointer = fallback.schema("*/*") or (None, "")
    assert document is conformance.spec.root
    assert pointer.endswith("/responses/default/content/*~1*/schema")


def test_an_operation_without_responses_declares_no_status(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace("      responses:", "      x-responses:")
    conformance = Conformance(load_spec(write(tmp_path, "api.yaml", text)))
    with pytest.raises(UndeclaredStatus, match=r"status 200 is not declared \(declared: none\)"):
        conformance.check_response("getJob", 200, {})


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


# -- bounded work on untrusted payloads ---------------------------------------------------------------

BOUNDED = """\
openapi: 3.1.0
info: {title: Bounded, version: "1"}
paths: {}
components:
  schemas:
    Lookahead: {type: string, pattern: "(?=a)a*b"}
    Plain: {type: string, pattern: "^[a-z]+$"}
    Items: {type: array, items: {type: object, required: [id]}}
    Node:
      anyOf:
        - {type: string}
        - {type: array, items: {$ref: "#/components/schemas/Node"}}
"""


def bounded(tmp_path: Path, regex_limit: int = 1000) -> tuple[SchemaValidators, Document]:
    spec = load_spec(write(tmp_path, "bounded.yaml", BOUNDED))
    return SchemaValidators(spec, regex_limit), spec.root


def test_a_pattern_over_the_regex_limit_is_reported_as_not_checked(tmp_path: Path) -> None:
    schemas, root = bounded(tmp_path, regex_limit=50)
    pointer = "/components/schemas/Lookahead"
    assert schemas.violations(root, pointer, "aaab") == []
    (wrong,) = schemas.violations(root, pointer, "zz")
    assert (wrong.keyword, wrong.unchecked) == ("pattern", False)
    (unchecked,) = schemas.violations(root, pointer, "a" * 5000)
    assert (unchecked.keyword, unchecked.unchecked) == ("pattern", True)
    assert "not checked" in unchecked.message


def test_patterns_without_backtracking_are_checked_whatever_the_length(tmp_path: Path) -> None:
    schemas, root = bounded(tmp_path, regex_limit=1)
    assert schemas.violations(root, "/components/schemas/Plain", "a" * 1_000_000) == []
    (wrong,) = schemas.violations(root, "/components/schemas/Plain", "a" * 1_000_000 + "!")
    assert not wrong.unchecked


def test_violations_are_listed_up_to_a_limit_and_the_rest_counted(tmp_path: Path) -> None:
    schemas, root = bounded(tmp_path)
    found = schemas.violations(root, "/components/schemas/Items", [{}] * 30, limit=10)
    assert len(found) == 10
    assert found.more == 20
    assert schemas.violations(root, "/components/schemas/Items", [{}] * 30).more == 0


def test_a_payload_too_large_to_list_gets_its_first_violation(tmp_path: Path) -> None:
    schemas, root = bounded(tmp_path)
    found = schemas.violations(root, "/components/schemas/Items", [{}] * (LISTED_VALUES + 1))
    assert [v.instance_pointer for v in found] == ["/0"]
    assert found.more == -1 and found.truncated


def test_a_payload_nested_too_deeply_is_a_conformance_error(tmp_path: Path) -> None:
    schemas, root = bounded(tmp_path)
    deep: object = 1
    for _ in range(400):
        deep = [deep]
    with pytest.raises(ConformanceError, match="nests too deeply"):
        schemas.violations(root, "/components/schemas/Node", deep)
