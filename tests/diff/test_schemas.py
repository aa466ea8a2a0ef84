"""How schemas are compared: through $refs, other files, allOf, items and cycles, and with OpenAPI
3.0's ``nullable`` read the way 3.1 writes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import generator.api
from tests.diff.builders import (
    JOB_ID,
    OP,
    RESP,
    api,
    diff_of,
    json_body,
    obj,
    summary,
    write,
)

NOT_FOUND = {"404": {"description": "no such job"}}


def returning(schema: Any, **kwargs: Any) -> dict[str, Any]:
    """The default spec whose 200 response body is ``schema``."""
    return api(responses={"200": json_body(schema, description="the job"), **NOT_FOUND}, **kwargs)


def test_openapi_30_nullable_reads_as_31_type_arrays(tmp_path: Path) -> None:
    user = obj(name={"type": "string"})
    old = returning(
        {"$ref": "#/components/schemas/Job"},
        openapi="3.0.3",
        components={
            "schemas": {
                "User": user,
                "Job": obj(
                    finishedAt={"type": "string", "format": "date-time", "nullable": True},
                    state={"type": "string", "enum": ["queued", "done"], "nullable": True},
                    owner={"allOf": [{"$ref": "#/components/schemas/User"}], "nullable": True},
                ),
            }
        },
    )
    new = returning(
        {"$ref": "#/components/schemas/Job"},
        components={
            "schemas": {
                "User": user,
                "Job": obj(
                    finishedAt={"type": ["string", "null"], "format": "date-time"},
                    state={"type": ["string", "null"], "enum": ["queued", "done", None]},
                    owner={"anyOf": [{"$ref": "#/components/schemas/User"}, {"type": "null"}]},
                ),
            }
        },
    )
    assert diff_of(tmp_path, old, new).changes == []


def test_openapi_30_without_nullable_against_a_31_null_is_a_change(tmp_path: Path) -> None:
    old = returning(obj(at={"type": "string"}), openapi="3.0.3")
    new = returning(obj(at={"type": ["string", "null"]}))
    assert [c.kind for c in diff_of(tmp_path, old, new).changes] == [
        "response-property-made-nullable"
    ]


def test_a_recursive_schema_is_compared_once_and_ends(tmp_path: Path) -> None:
    def tree(name_type: str) -> dict[str, Any]:
        node = obj(
            name={"type": name_type},
            children={"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        )
        return returning(
            {"$ref": "#/components/schemas/Node"}, components={"schemas": {"Node": node}}
        )

    report = diff_of(tmp_path, tree("string"), tree("integer"))
    pointer = "/components/schemas/Node/properties/name/type"
    assert summary(report) == [("response-property-type-changed", True, pointer, pointer)]
    assert "property 'name' changed type from string to integer" in report.changes[0].message


def test_a_schema_shared_by_two_operations_is_reported_once(tmp_path: Path) -> None:
    def spec(id_format: str) -> dict[str, Any]:
        job = {"$ref": "#/components/schemas/Job"}
        get = {"operationId": "getJob", "responses": {"200": json_body(job, description="ok")}}
        return returning(
            job,
            more_paths={"/jobs/{jobId}/copy": {"parameters": [JOB_ID], "get": get}},
            components={"schemas": {"Job": obj(id={"type": "string", "format": id_format})}},
        )

    report = diff_of(tmp_path, spec("uuid"), spec("uri"))
    pointer = "/components/schemas/Job/properties/id/format"
    assert summary(report) == [("response-property-format-changed", True, pointer, pointer)]
    # Named where it is first met: the spec's first operation.
    assert report.changes[0].message.startswith("POST /jobs/{jobId}: in the 200 response")


def test_a_shared_parameter_is_reported_once_with_its_other_places(tmp_path: Path) -> None:
    def spec(required: bool) -> dict[str, Any]:
        limit = {"$ref": "#/components/parameters/limit"}
        get = {"operationId": "listJobs", "parameters": [limit], "responses": NOT_FOUND}
        param = {
            "name": "limit",
            "in": "query",
            "required": required,
            "schema": {"type": "integer"},
        }
        return api(
            params=[JOB_ID, limit],
            more_paths={"/jobs": {"get": get}},
            components={"parameters": {"limit": param}},
        )

    report = diff_of(tmp_path, spec(False), spec(True))
    pointer = "/components/parameters/limit"
    assert summary(report) == [("parameter-made-required", True, pointer, pointer)]
    assert report.changes[0].message == (
        "POST /jobs/{jobId}: query parameter 'limit' is now required (also in 1 other place)"
    )


def test_a_schema_in_another_file_is_named_by_file_and_pointer(tmp_path: Path) -> None:
    spec = returning({"$ref": "schemas/job.yaml#/Job"})
    write(tmp_path / "old", "schemas/job.yaml", {"Job": obj(id={"type": "string"})})
    write(tmp_path / "new", "schemas/job.yaml", {"Job": obj(id={"type": "integer"})})
    report = generator.api.diff(
        str(write(tmp_path / "old", "api.yaml", spec)),
        str(write(tmp_path / "new", "api.yaml", spec)),
    )
    pointer = "schemas/job.yaml#/Job/properties/id/type"
    assert summary(report) == [("response-property-type-changed", True, pointer, pointer)]
    assert (report.changes[0].old_line, report.changes[0].new_line) == (5, 5)


def test_allof_members_are_merged(tmp_path: Path) -> None:
    def spec(**base: Any) -> dict[str, Any]:
        schema = {"allOf": [{"$ref": "#/components/schemas/Base"}, obj(extra={"type": "string"})]}
        return returning(
            schema, components={"schemas": {"Base": obj("id", id={"type": "string"}, **base)}}
        )

    report = diff_of(tmp_path, spec(), spec(createdAt={"type": "string"}))
    assert summary(report) == [
        ("response-property-added", False, None, "/components/schemas/Base/properties/createdAt")
    ]
    # A property of another member is found as well.
    moved = {"allOf": [{"$ref": "#/components/schemas/Base"}, obj(extra={"type": "integer"})]}
    report = diff_of(tmp_path, spec(), returning(moved, components=spec()["components"]))
    assert [c.kind for c in report.changes] == ["response-property-type-changed"]
    assert report.changes[0].new_pointer == f"{RESP}/allOf/1/properties/extra/type"


def test_array_items_are_compared(tmp_path: Path) -> None:
    old = returning({"type": "array", "items": obj(id={"type": "string"}, name={"type": "string"})})
    new = returning({"type": "array", "items": obj(id={"type": "string"})})
    report = diff_of(tmp_path, old, new)
    assert summary(report) == [
        ("response-property-removed", True, f"{RESP}/items/properties/name", None)
    ]
    assert "property '[].name' was removed" in report.changes[0].message


def test_a_changed_type_hides_what_was_inside(tmp_path: Path) -> None:
    old = returning(obj(id={"type": "string"}))
    new = returning({"type": "array", "items": {"type": "string"}})
    assert summary(diff_of(tmp_path, old, new)) == [
        ("response-property-type-changed", True, f"{RESP}/type", f"{RESP}/type")
    ]


def test_lines_are_those_of_each_file(tmp_path: Path) -> None:
    old = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
paths:
  /jobs:
    get:
      operationId: listJobs
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  total: {type: integer}
"""
    new = old.replace("    get:\n", "    get:\n      summary: List jobs\n      deprecated: false\n")
    new = new.replace("{type: integer}", "{type: string}")
    (change,) = diff_of(tmp_path, old, new).changes
    assert (change.kind, change.old_line, change.new_line) == (
        "response-property-type-changed",
        15,
        17,
    )


def test_an_anonymous_operation_that_now_needs_a_scheme_breaks(tmp_path: Path) -> None:
    report = diff_of(tmp_path, api(), api(security=[{"bearer": []}]))
    assert summary(report) == [("security-scheme-added", True, None, "/security/0/bearer")]


def test_operation_security_overrides_the_root(tmp_path: Path) -> None:
    old = api(security=[{"bearer": []}])
    new = api(security=[{"bearer": []}])
    new["paths"]["/jobs/{jobId}"]["post"]["security"] = []
    report = diff_of(tmp_path, old, new)
    assert summary(report) == [
        ("security-scheme-removed", False, "/security/0/bearer", f"{OP}/security")
    ]


def test_spelling_that_does_not_change_the_wire_is_no_change(tmp_path: Path) -> None:
    header = {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
    old = api(params=[JOB_ID, header])
    new = api(params=[JOB_ID, {**header, "name": "x-trace"}])
    new_body = new["paths"]["/jobs/{jobId}"]["post"]["requestBody"]
    new_body["content"] = {
        "application/json; charset=utf-8": new_body["content"]["application/json"]
    }
    assert diff_of(tmp_path, old, new).changes == []


def test_an_operation_gaining_an_operation_id_is_the_same_operation(tmp_path: Path) -> None:
    old = api()
    del old["paths"]["/jobs/{jobId}"]["post"]["operationId"]
    report = diff_of(tmp_path, old, api())
    assert summary(report) == [("operation-id-changed", True, OP, f"{OP}/operationId")]
    assert "from none to 'updateJob'" in report.changes[0].message


def test_read_only_properties_are_not_part_of_requests(tmp_path: Path) -> None:
    def spec(**extra: Any) -> dict[str, Any]:
        job = {"$ref": "#/components/schemas/Job"}
        schemas = {"Job": obj("name", *extra, name={"type": "string"}, **extra)}
        return api(
            request=json_body(job, required=True),
            responses={"200": json_body(job, description="the job"), **NOT_FOUND},
            components={"schemas": schemas},
        )

    # A server-assigned id, required in every response, is nothing a client has to send.
    report = diff_of(tmp_path, spec(), spec(id={"type": "string", "readOnly": True}))
    assert summary(report) == [
        ("response-property-added", False, None, "/components/schemas/Job/properties/id")
    ]
    # A password the server accepts but never returns is nothing a client reads.
    report = diff_of(tmp_path, spec(), spec(secret={"type": "string", "writeOnly": True}))
    assert summary(report) == [
        ("request-property-added-required", True, None, "/components/schemas/Job/properties/secret")
    ]


def test_swapped_path_variables_are_renames(tmp_path: Path) -> None:
    def spec(first: str, second: str) -> dict[str, Any]:
        params = [
            {"name": first, "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": second, "in": "path", "required": True, "schema": {"type": "integer"}},
        ]
        return api(path=f"/jobs/{{{first}}}/runs/{{{second}}}", params=params)

    report = diff_of(tmp_path, spec("a", "b"), spec("b", "a"))
    assert [c.message.split(": ", 1)[1] for c in report.changes] == [
        "path parameter 'a' was renamed to 'b'",
        "path parameter 'b' was renamed to 'a'",
    ]
