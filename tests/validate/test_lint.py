"""Each lint rule on a small spec that breaks it, and the acknowledgement mechanism."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.api import validate_spec
from generator.spec.findings import Finding, Severity
from tests.commands import specgen
from tests.specs import MINIMAL_SPEC, write


def findings_of(tmp_path: Path, text: str, rule: str | None = None) -> list[Finding]:
    report = validate_spec(write(tmp_path, "api.yaml", text))
    assert report.load_error is None, report.load_error
    return [f for f in report.findings if rule is None or f.rule == rule]


def test_the_minimal_spec_is_clean(tmp_path: Path) -> None:
    assert findings_of(tmp_path, MINIMAL_SPEC) == []


def test_operation_id_missing_and_duplicated(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace(
        "components:",
        "  /jobs:\n    get:\n      operationId: getJob\n      responses: {'200': {description: ok}}\n"
        "    post:\n      responses: {'200': {description: ok}}\n"
        "components:",
    )
    found = findings_of(tmp_path, text, "operation-id")
    assert [(f.line, f.severity, f.message) for f in found] == [
        (
            19,
            Severity.ERROR,
            "operationId 'getJob' of GET /jobs is already used by GET /jobs/{jobId} (line 8)",
        ),
        (
            21,
            # operationId is optional: clients name the method from the method and path.
            Severity.WARNING,
            "POST /jobs has no operationId: clients name its method from its method and path",
        ),
    ]


def test_path_variables_must_be_declared_required_path_parameters(tmp_path: Path) -> None:
    undeclared = MINIMAL_SPEC.replace("/jobs/{jobId}:", "/sites/{site}/jobs/{jobId}:")
    (finding,) = findings_of(tmp_path, undeclared, "path-params")
    assert "path variable {site} is not declared" in finding.message
    optional = MINIMAL_SPEC.replace("in: path, required: true", "in: path, required: false")
    assert "must be `required: true`" in findings_of(tmp_path, optional, "path-params")[0].message
    extra = MINIMAL_SPEC.replace("/jobs/{jobId}:", "/jobs:")
    (finding,) = findings_of(tmp_path, extra, "path-params")
    assert finding.message == "GET /jobs: path parameter 'jobId' does not appear in the path"
    assert finding.line == 10


def test_server_variables_need_declaration_and_a_default_in_their_enum(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace(
        "  - url: https://api.example.test/v1\n",
        "  - url: https://{region}.example.test/{version}\n"
        "    variables:\n      region: {default: eu, enum: [us, ap]}\n",
    )
    messages = [f.message for f in findings_of(tmp_path, text, "server-variables")]
    assert (
        "server 'https://{region}.example.test/{version}': variable {version} is not declared"
        in messages
    )
    assert any("default 'eu' of 'region' is not in its enum" in m for m in messages)


def test_servers_of_a_referenced_path_item_are_checked_where_they_are_written(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "paths/job.yaml",
        "servers:\n  - url: https://{region}.example.test\n"
        "get:\n  operationId: getJob\n  responses: {'204': {description: gone}}\n",
    )
    text = MINIMAL_SPEC.replace(
        "  /jobs/{jobId}:\n", '  /job:\n    $ref: "paths/job.yaml"\n  /jobs/{jobId}:\n'
    )
    (finding,) = findings_of(tmp_path, text, "server-variables")
    assert finding.path.name == "job.yaml"
    assert finding.pointer == "/servers/0/url"
    assert (
        finding.message
        == "server 'https://{region}.example.test': variable {region} is not declared"
    )


def test_security_requirements_name_defined_schemes(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace("paths:", "security:\n  - apiKey: []\npaths:")
    (finding,) = findings_of(tmp_path, text, "security-schemes")
    assert finding.pointer == "/security/0/apiKey"
    assert "'apiKey'" in finding.message


def test_json_response_without_schema_is_a_warning(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace('schema: {$ref: "#/components/schemas/Job"}', "example: {id: x}")
    (finding,) = findings_of(tmp_path, text, "json-response-schema")
    assert finding.severity is Severity.WARNING
    assert finding.message == "GET /jobs/{jobId} 200 application/json has no schema"


def test_examples_that_break_their_schema_are_warnings_at_the_bad_value(tmp_path: Path) -> None:
    text = (
        MINIMAL_SPEC.replace(
            '              schema: {$ref: "#/components/schemas/Job"}\n',
            '              schema: {$ref: "#/components/schemas/Job"}\n'
            "              examples:\n"
            "                good: {value: {id: 3c90c3cc-0d44-4b50-8888-8dd25736052a}}\n"
            "                bad: {value: {id: not-a-uuid}}\n",
        )
        .replace(
            "        - {name: jobId, in: path, required: true, schema: {type: string}}",
            "        - {name: jobId, in: path, required: true, schema: {type: string, maxLength: 3}, example: toolong}",
        )
        .replace(
            "        id: {type: string, format: uuid}",
            "        id: {type: string, format: uuid, examples: [nope]}",
        )
    )
    found = findings_of(tmp_path, text, "example-valid")
    assert [(f.pointer, f.severity) for f in found] == [
        ("/paths/~1jobs~1{jobId}/get/parameters/0/example", Severity.WARNING),
        (
            "/paths/~1jobs~1{jobId}/get/responses/200/content/application~1json/examples/bad/value/id",
            Severity.WARNING,
        ),
        ("/components/schemas/Job/properties/id/examples/0", Severity.WARNING),
    ]
    assert "example 'bad' does not fit its schema: /id:" in found[1].message
    assert "(format at line " in found[1].message


def test_acknowledged_findings_do_not_fail_and_stale_acknowledgements_are_reported(
    tmp_path: Path,
) -> None:
    text = MINIMAL_SPEC.replace(
        "        id: {type: string, format: uuid}",
        "        id:\n"
        "          type: string\n"
        "          format: uuid\n"
        "          examples: [nope]\n"
        "          x-specgen-acknowledge: {example-valid: the vendor's page shows 'nope'}\n"
        "      x-specgen-acknowledge: {operation-id: nothing wrong here}\n",
    )
    report = validate_spec(write(tmp_path, "api.yaml", text))
    (acknowledged,) = [f for f in report.findings if f.rule == "example-valid"]
    assert acknowledged.acknowledged == "the vendor's page shows 'nope'"
    assert not acknowledged.counts_against(strict=True)
    (stale,) = [f for f in report.findings if f.rule == "acknowledgement-unused"]
    assert "'operation-id'" in stale.message
    assert not report.failed(strict=False)
    assert report.failed(strict=True)


def test_structure_errors_come_from_openapi_spec_validator_with_locations(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace(
        'info: {title: Jobs, version: "1"}', 'info: {version: "1"}'
    ).replace("in: path, required: true", "in: body, required: true")
    found = findings_of(tmp_path, text, "openapi-schema")
    assert {(f.pointer, f.line) for f in found} >= {("/info", 2)}
    assert any("title" in f.message for f in found)


def test_not_openapi_at_all(tmp_path: Path) -> None:
    (finding,) = findings_of(tmp_path, "swagger: '2.0'\ninfo: {title: t, version: '1'}\n")
    assert finding.rule == "openapi-version"
    assert "'openapi: 2.0'" in finding.message
    (finding,) = findings_of(tmp_path, "- just\n- a list\n")
    assert finding.message == "expected an OpenAPI document (a mapping), found a list"


def test_openapi_30_nullable_is_understood(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace("openapi: 3.1.0", "openapi: 3.0.3").replace(
        "        id: {type: string, format: uuid}",
        "        id: {type: string, format: uuid, nullable: true, example: null}",
    )
    assert findings_of(tmp_path, text) == []


@pytest.mark.parametrize(
    ("ref", "rule"),
    [
        ("http://attacker.test/job.json", "ref-remote"),
        ("//attacker.test/job.json", "ref-remote"),
        ("../outside.yaml#/Job", "ref-outside"),
        ("missing.yaml#/Job", "ref-resolves"),
    ],
)
def test_a_spec_cannot_acknowledge_its_way_out_of_the_jail(
    tmp_path: Path, ref: str, rule: str
) -> None:
    text = MINIMAL_SPEC.replace('{$ref: "#/components/schemas/Job"}', f'{{$ref: "{ref}"}}')
    text = text.replace(
        "info: {title: Jobs", f"x-specgen-acknowledge: {{{rule}: trust me}}\ninfo: {{title: Jobs"
    )
    write(tmp_path, "specs/api.yaml", text)
    report = validate_spec(tmp_path / "specs" / "api.yaml")
    (refused,) = [f for f in report.findings if f.rule == "acknowledgement-refused"]
    assert (
        refused.severity is Severity.ERROR and f"{rule!r} cannot be acknowledged" in refused.message
    )
    assert (refused.line, refused.col) == (2, 25)
    (kept,) = [f for f in report.findings if f.rule == rule]
    assert kept.acknowledged is None
    assert report.failed(strict=False)
    # And so nothing downstream ever sees the reference: generate stops at validation (an invalid
    # spec, exit 1); bundle refuses the spec as unusable input before reading further (exit 2).
    for command, code in ((["generate", "--out", "out"], 1), (["bundle", "--out", "out"], 2)):
        result = specgen(command[0], "specs/api.yaml", *command[1:], cwd=tmp_path)
        assert result.returncode == code, result.stderr
        assert "internal error" not in result.stderr
        assert not (tmp_path / "out").exists()
