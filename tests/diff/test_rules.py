"""One example per rule: an old and a new spec that differ in exactly one thing, and the one change
``specgen diff`` must report for it (kind, breaking or not, and where in each version)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.diff.rules import RULES
from tests.diff.builders import (
    JOB_ID,
    LIMIT,
    OP,
    REQ,
    RESP,
    api,
    diff_of,
    json_body,
    request_schema,
    response_schema,
    summary,
)


@dataclass(frozen=True)
class Case:
    kind: str
    breaking: bool
    old: dict[str, Any]
    new: dict[str, Any]
    old_pointer: str | None
    new_pointer: str | None


QUERY_MODE = {"name": "mode", "in": "query", "schema": {"type": "string"}}
REGION = "https://{region}.api.example.test"


def region(default: str = "us", values: tuple[str, ...] = ("us", "eu")) -> list[dict[str, Any]]:
    return [{"url": REGION, "variables": {"region": {"default": default, "enum": list(values)}}}]


def with_json_and(media: str) -> dict[str, Any]:
    content = json_body(request_schema(), required=True)["content"]
    return {"required": True, "content": {**content, media: {"schema": {"type": "string"}}}}


LIST_JOBS = {
    "/jobs": {"get": {"operationId": "listJobs", "responses": {"200": {"description": "ok"}}}}
}
OK_AND_CSV = {
    "200": {
        "description": "the job",
        "content": {
            "application/json": {"schema": response_schema()},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    "404": {"description": "no such job"},
}
ONLY_404 = {"404": {"description": "no such job"}}
WITH_201 = {**api()["paths"]["/jobs/{jobId}"]["post"]["responses"], "201": {"description": "made"}}
WITH_409 = {**api()["paths"]["/jobs/{jobId}"]["post"]["responses"], "409": {"description": "busy"}}
ONLY_200 = {"200": api()["paths"]["/jobs/{jobId}"]["post"]["responses"]["200"]}


CASES = [
    # Operations
    Case("operation-added", False, api(), api(more_paths=LIST_JOBS), None, "/paths/~1jobs/get"),
    Case("operation-removed", True, api(more_paths=LIST_JOBS), api(), "/paths/~1jobs/get", None),
    Case(
        "operation-id-changed",
        True,
        api(),
        api(operation_id="patchJob"),
        f"{OP}/operationId",
        f"{OP}/operationId",
    ),
    # Parameters
    Case(
        "parameter-added-required",
        True,
        api(),
        api(params=[JOB_ID, LIMIT, {**QUERY_MODE, "required": True}]),
        None,
        f"{OP}/parameters/2",
    ),
    Case(
        "parameter-added-optional",
        False,
        api(),
        api(params=[JOB_ID, LIMIT, QUERY_MODE]),
        None,
        f"{OP}/parameters/2",
    ),
    Case("parameter-removed", True, api(), api(params=[JOB_ID]), f"{OP}/parameters/1", None),
    Case(
        "parameter-moved",
        True,
        api(),
        api(params=[JOB_ID, {**LIMIT, "in": "header"}]),
        f"{OP}/parameters/1",
        f"{OP}/parameters/1",
    ),
    Case(
        "parameter-made-required",
        True,
        api(),
        api(params=[JOB_ID, {**LIMIT, "required": True}]),
        f"{OP}/parameters/1",
        f"{OP}/parameters/1",
    ),
    Case(
        "parameter-made-optional",
        False,
        api(params=[JOB_ID, {**LIMIT, "required": True}]),
        api(),
        f"{OP}/parameters/1",
        f"{OP}/parameters/1",
    ),
    Case(
        "path-parameter-renamed",
        False,
        api(path="/jobs/{id}", params=[{**JOB_ID, "name": "id"}, LIMIT]),
        api(),
        "/paths/~1jobs~1{id}/post/parameters/0",
        f"{OP}/parameters/0",
    ),
    # Request bodies
    Case(
        "request-body-added-required",
        True,
        api(no_request=True),
        api(),
        None,
        f"{OP}/requestBody",
    ),
    Case(
        "request-body-added-optional",
        False,
        api(no_request=True),
        api(request=json_body(request_schema())),
        None,
        f"{OP}/requestBody",
    ),
    Case("request-body-removed", True, api(), api(no_request=True), f"{OP}/requestBody", None),
    Case(
        "request-body-made-required",
        True,
        api(request=json_body(request_schema())),
        api(),
        f"{OP}/requestBody",
        f"{OP}/requestBody",
    ),
    Case(
        "request-body-made-optional",
        False,
        api(),
        api(request=json_body(request_schema())),
        f"{OP}/requestBody",
        f"{OP}/requestBody",
    ),
    Case(
        "request-media-type-added",
        False,
        api(),
        api(request=with_json_and("text/plain")),
        None,
        f"{OP}/requestBody/content/text~1plain",
    ),
    Case(
        "request-media-type-removed",
        True,
        api(request=with_json_and("text/plain")),
        api(),
        f"{OP}/requestBody/content/text~1plain",
        None,
    ),
    # Request body properties
    Case(
        "request-property-added-required",
        True,
        api(),
        api(
            request=json_body(
                request_schema(owner={"type": "string"}) | {"required": ["name", "owner"]},
                required=True,
            )
        ),
        None,
        f"{REQ}/properties/owner",
    ),
    Case(
        "request-property-added-optional",
        False,
        api(),
        api(request=json_body(request_schema(owner={"type": "string"}), required=True)),
        None,
        f"{REQ}/properties/owner",
    ),
    Case(
        "request-property-removed",
        True,
        api(),
        api(request=json_body(request_schema(priority=None), required=True)),
        f"{REQ}/properties/priority",
        None,
    ),
    Case(
        "request-property-made-required",
        True,
        api(),
        api(
            request=json_body(request_schema() | {"required": ["name", "priority"]}, required=True)
        ),
        f"{REQ}/properties/priority",
        f"{REQ}/properties/priority",
    ),
    Case(
        "request-property-made-optional",
        False,
        api(),
        api(request=json_body(request_schema() | {"required": []}, required=True)),
        f"{REQ}/properties/name",
        f"{REQ}/properties/name",
    ),
    # Responses
    Case(
        "response-success-status-added",
        False,
        api(),
        api(responses=WITH_201),
        None,
        f"{OP}/responses/201",
    ),
    Case(
        "response-error-status-added",
        False,
        api(),
        api(responses=WITH_409),
        None,
        f"{OP}/responses/409",
    ),
    Case(
        "response-success-status-removed",
        True,
        api(),
        api(responses=ONLY_404),
        f"{OP}/responses/200",
        None,
    ),
    Case(
        "response-error-status-removed",
        False,
        api(),
        api(responses=ONLY_200),
        f"{OP}/responses/404",
        None,
    ),
    Case(
        "response-media-type-added",
        False,
        api(),
        api(responses=OK_AND_CSV),
        None,
        f"{OP}/responses/200/content/text~1csv",
    ),
    Case(
        "response-media-type-removed",
        True,
        api(responses=OK_AND_CSV),
        api(),
        f"{OP}/responses/200/content/text~1csv",
        None,
    ),
    # Response body properties
    Case(
        "response-property-added",
        False,
        api(),
        api(
            responses={"200": json_body(response_schema(owner={"type": "string"}), description="j")}
            | ONLY_404
        ),
        None,
        f"{RESP}/properties/owner",
    ),
    Case(
        "response-property-removed",
        True,
        api(),
        api(responses={"200": json_body(response_schema(tags=None), description="j")} | ONLY_404),
        f"{RESP}/properties/tags",
        None,
    ),
    Case(
        "response-property-made-required",
        False,
        api(),
        api(
            responses={
                "200": json_body(
                    response_schema() | {"required": ["id", "status"]}, description="j"
                )
            }
            | ONLY_404
        ),
        f"{RESP}/properties/status",
        f"{RESP}/properties/status",
    ),
    Case(
        "response-property-made-optional",
        True,
        api(),
        api(
            responses={"200": json_body(response_schema() | {"required": []}, description="j")}
            | ONLY_404
        ),
        f"{RESP}/properties/id",
        f"{RESP}/properties/id",
    ),
    # Security
    Case(
        "security-alternative-added",
        False,
        api(security=[{"bearer": []}]),
        api(security=[{"bearer": []}, {"key": []}]),
        None,
        "/security/1",
    ),
    Case(
        "security-alternative-removed",
        True,
        api(security=[{"bearer": []}, {"key": []}]),
        api(security=[{"bearer": []}]),
        "/security/1",
        None,
    ),
    Case(
        "security-scheme-added",
        True,
        api(security=[{"bearer": []}]),
        api(security=[{"bearer": [], "key": []}]),
        "/security/0",
        "/security/0/key",
    ),
    Case(
        "security-scheme-removed",
        False,
        api(security=[{"bearer": [], "key": []}]),
        api(security=[{"bearer": []}]),
        "/security/0/key",
        "/security/0",
    ),
    Case(
        "security-scope-added",
        True,
        api(security=[{"oauth": ["read"]}]),
        api(security=[{"oauth": ["read", "write"]}]),
        "/security/0/oauth",
        "/security/0/oauth",
    ),
    Case(
        "security-scope-removed",
        False,
        api(security=[{"oauth": ["read", "write"]}]),
        api(security=[{"oauth": ["read"]}]),
        "/security/0/oauth",
        "/security/0/oauth",
    ),
    Case(
        "security-scheme-changed",
        True,
        api(security=[{"key": []}]),
        api(
            security=[{"key": []}],
            schemes={"key": {"type": "apiKey", "in": "query", "name": "key"}},
        ),
        "/components/securitySchemes/key",
        "/components/securitySchemes/key",
    ),
    # Servers
    Case(
        "server-added",
        False,
        api(),
        api(
            servers=[{"url": "https://api.example.test/v1"}, {"url": "https://eu.example.test/v1"}]
        ),
        None,
        "/servers/1",
    ),
    Case(
        "server-removed",
        True,
        api(
            servers=[{"url": "https://api.example.test/v1"}, {"url": "https://eu.example.test/v1"}]
        ),
        api(),
        "/servers/1",
        None,
    ),
    Case(
        "server-url-changed",
        True,
        api(),
        api(servers=[{"url": "https://api.example.test/v2"}]),
        "/servers/0",
        "/servers/0",
    ),
    Case(
        "server-variable-enum-value-added",
        False,
        api(servers=region()),
        api(servers=region(values=("us", "eu", "ap"))),
        None,
        "/servers/0/variables/region/enum/2",
    ),
    Case(
        "server-variable-enum-value-removed",
        True,
        api(servers=region()),
        api(servers=region(values=("us",))),
        "/servers/0/variables/region/enum/1",
        None,
    ),
    Case(
        "server-variable-default-changed",
        False,
        api(servers=region()),
        api(servers=region(default="eu")),
        "/servers/0/variables/region/default",
        "/servers/0/variables/region/default",
    ),
]


# Schema keyword rules apply wherever a schema is: a query parameter's schema, a request body
# property, a response body property. Each example changes the schema `value` in one of them.
# (rule, old schema, new schema, old pointer suffix, new pointer suffix; None: not in that version)
SCHEMA_EXAMPLES: list[tuple[str, dict[str, Any], dict[str, Any], str | None, str | None]] = [
    ("type-changed", {"type": "string"}, {"type": "integer"}, "/type", "/type"),
    ("format-changed", {"type": "string"}, {"type": "string", "format": "date"}, "", "/format"),
    ("pattern-added", {"type": "string"}, {"type": "string", "pattern": "^a"}, None, "/pattern"),
    ("pattern-removed", {"type": "string", "pattern": "^a"}, {"type": "string"}, "/pattern", None),
    (
        "pattern-changed",
        {"type": "string", "pattern": "^a"},
        {"type": "string", "pattern": "^b"},
        "/pattern",
        "/pattern",
    ),
    (
        "enum-value-added",
        {"type": "string", "enum": ["a"]},
        {"type": "string", "enum": ["a", "b"]},
        None,
        "/enum/1",
    ),
    (
        "enum-value-removed",
        {"type": "string", "enum": ["a", "b"]},
        {"type": "string", "enum": ["a"]},
        "/enum/1",
        None,
    ),
    ("enum-added", {"type": "string"}, {"type": "string", "enum": ["a"]}, None, "/enum"),
    ("enum-removed", {"type": "string", "enum": ["a"]}, {"type": "string"}, "/enum", None),
    ("made-nullable", {"type": "string"}, {"type": ["string", "null"]}, "/type", "/type"),
    ("made-not-nullable", {"type": ["string", "null"]}, {"type": "string"}, "/type", "/type"),
    (
        "constraint-tightened",
        {"type": "string", "maxLength": 10},
        {"type": "string", "maxLength": 5},
        "/maxLength",
        "/maxLength",
    ),
    (
        "constraint-loosened",
        {"type": "integer", "maximum": 10},
        {"type": "integer", "maximum": 20},
        "/maximum",
        "/maximum",
    ),
    (
        "constraint-changed",
        {"type": "integer", "multipleOf": 2},
        {"type": "integer", "multipleOf": 3},
        "/multipleOf",
        "/multipleOf",
    ),
    (
        "branch-added",
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]},
        None,
        "/oneOf/2",
    ),
    (
        "branch-removed",
        {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        {"anyOf": [{"type": "string"}]},
        "/anyOf/1",
        None,
    ),
]

#: Whether each schema rule breaks a client: (in a request or parameter, in a response).
SCHEMA_BREAKING = {
    "type-changed": (True, True),
    "format-changed": (True, True),
    "pattern-added": (True, False),
    "pattern-removed": (False, True),
    "pattern-changed": (True, True),
    "enum-value-added": (False, False),
    "enum-value-removed": (True, False),
    "enum-added": (True, False),
    "enum-removed": (False, False),
    "made-nullable": (False, True),
    "made-not-nullable": (True, False),
    "constraint-tightened": (True, False),
    "constraint-loosened": (False, True),
    "constraint-changed": (True, True),
    "branch-added": (False, True),
    "branch-removed": (True, False),
}


def in_scope(scope: str, schema: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A spec with ``schema`` as the `value` parameter or property, and the schema's pointer."""
    if scope == "parameter":
        param = {"name": "value", "in": "query", "schema": schema}
        return api(params=[JOB_ID, LIMIT, param]), f"{OP}/parameters/2/schema"
    if scope == "request-property":
        body = json_body(request_schema(value=schema), required=True)
        return api(request=body), f"{REQ}/properties/value"
    body = json_body(response_schema(value=schema), description="the job")
    return api(responses={"200": body} | ONLY_404), f"{RESP}/properties/value"


for _scope in ("parameter", "request-property", "response-property"):
    for _rule, _old, _new, _old_suffix, _new_suffix in SCHEMA_EXAMPLES:
        _old_spec, _at = in_scope(_scope, _old)
        _new_spec, _ = in_scope(_scope, _new)
        CASES.append(
            Case(
                f"{_scope}-{_rule}",
                SCHEMA_BREAKING[_rule][_scope == "response-property"],
                _old_spec,
                _new_spec,
                None if _old_suffix is None else _at + _old_suffix,
                None if _new_suffix is None else _at + _new_suffix,
            )
        )


@pytest.mark.parametrize("case", CASES, ids=[case.kind for case in CASES])
def test_each_rule_reports_exactly_its_change(tmp_path: Path, case: Case) -> None:
    report = diff_of(tmp_path, case.old, case.new)
    assert summary(report) == [(case.kind, case.breaking, case.old_pointer, case.new_pointer)]
    (change,) = report.changes
    # A line is given for every pointer, as each exists in its file.
    assert (change.old_line is None) == (case.old_pointer is None)
    assert (change.new_line is None) == (case.new_pointer is None)


def test_every_rule_has_an_example() -> None:
    assert sorted(case.kind for case in CASES) == sorted(RULES)


def test_identical_specs_have_no_changes(tmp_path: Path) -> None:
    assert diff_of(tmp_path, api(), api()).changes == []


def test_the_module_docstring_documents_every_rule_as_classified() -> None:
    import re

    import generator.diff.rules

    documented: dict[str, bool] = {}
    for line in (generator.diff.rules.__doc__ or "").splitlines():
        if match := re.match(r"^([a-z-]+)\s+(yes|no|--)\s+(yes|no|--)(?:\s|$)", line):
            rule, request, response = match.groups()  # a schema rule, by direction
            scopes = ["request-property"] + (["parameter"] if rule in SCHEMA_BREAKING else [])
            for scope in scopes if request != "--" else []:
                documented[f"{scope}-{rule}"] = request == "yes"
            if response != "--":
                documented[f"response-property-{rule}"] = response == "yes"
        elif match := re.match(r"^([a-z-]+)\s+(yes|no)\b", line):
            documented[match[1]] = match[2] == "yes"
    assert documented == RULES
