"""Where a vendor's page contradicts itself, the spec keeps the page's meaning and says so.

Each contradiction is recorded in the spec (``x-specgen-acknowledge`` or ``x-doc-contradictions``)
and pinned here: the page's own example must fail for exactly the documented reason, so the note
cannot go stale silently. If a vendor fixes its page, these tests say which note to remove.
"""

from __future__ import annotations

from generator.api import validate_spec
from generator.spec import pointer as jp
from tests.paths import SPECS
from tests.shipped import shipped_conformance, shipped_spec


def page_example(api: str, operation_id: str, status: str, name: str) -> object:
    operation = shipped_conformance(api).operations[operation_id]
    pointer = jp.join(
        operation.pointer,
        "responses",
        status,
        "content",
        "application/json",
        "examples",
        name,
        "value",
    )
    return jp.resolve(operation.document.data, pointer)


def reasons(api: str, operation_id: str, status: str, payload: object) -> set[tuple[str, str]]:
    violations = shipped_conformance(api).check_response(operation_id, status, payload)
    return {(v.instance_pointer, v.keyword) for v in violations}


def test_altostrat_log_url_example_is_relative_although_documented_as_uri() -> None:
    example = page_example("altostrat", "getJobDetails", "200", "page")
    assert reasons("altostrat", "getJobDetails", "200", example) == {("/log_url", "format")}
    schema = shipped_spec("altostrat").data["components"]["schemas"]["Job"]["properties"]["log_url"]
    assert schema["format"] == "uri"
    assert "relative" in schema["description"].lower()


def test_alteryx_messages_example_is_one_message_although_the_endpoint_lists_all() -> None:
    example = page_example("alteryx", "getJobMessages", "200", "page")
    assert reasons("alteryx", "getJobMessages", "200", example) == {("", "type")}
    # The same message, as the list the page describes, fits.
    assert reasons("alteryx", "getJobMessages", "200", [example]) == set()


def test_elasticpath_404_example_lacks_the_errors_wrapper_its_schema_requires() -> None:
    example = page_example("elasticpath", "getJob", "404", "from-schema")
    assert reasons("elasticpath", "getJob", "404", example) == {("", "required")}
    assert reasons("elasticpath", "getJob", "404", {"errors": [example]}) == set()


def test_elasticpath_404_is_described_with_a_403_text_and_the_spec_says_so() -> None:
    response = shipped_spec("elasticpath").data["paths"]["/jobs/{jobID}"]["get"]["responses"]["404"]
    assert response["description"].startswith("Forbidden.")
    (note,) = response["x-doc-contradictions"]
    assert "404" in note and "403" in note


def test_every_contradiction_shows_as_acknowledged_and_nothing_else_is_accepted() -> None:
    acknowledged = {}
    for name in ("altostrat", "alteryx", "anon", "sitehost", "elasticpath"):
        report = validate_spec(SPECS / f"{name}.yaml")
        assert not report.failed(strict=True), [str(f) for f in report.findings]
        acknowledged[name] = sorted((f.rule, f.pointer) for f in report.findings if f.acknowledged)
    assert acknowledged == {
        "altostrat": [
            ("example-valid", "/components/schemas/Job/properties/log_url/examples/0"),
            (
                "example-valid",
                "/paths/~1site~1{site}~1job~1{job}/get/responses/200/content/application~1json/examples/page/value/log_url",
            ),
        ],
        "alteryx": [
            (
                "example-valid",
                "/paths/~1v3~1jobs~1{jobId}~1messages/get/responses/200/content/application~1json/examples/page/value",
            )
        ],
        "anon": [],
        "sitehost": [],
        "elasticpath": [
            (
                "example-valid",
                "/paths/~1jobs~1{jobID}/get/responses/404/content/application~1json/examples/from-schema/value",
            )
        ],
    }
