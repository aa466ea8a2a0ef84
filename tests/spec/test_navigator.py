"""The navigator by example: the questions every command asks of a spec, answered in one place.

Each test writes a small spec (and, where a ``$ref`` leads elsewhere, a file beside it), loads it the
way every command does, and asks the navigator one question.
"""

from __future__ import annotations

from pathlib import Path

from generator.spec.examples import example_holders, examples_of
from generator.spec.navigator import (
    HTTP_METHODS,
    content_entries,
    holds_data,
    is_extension,
    is_json,
    may_be_json,
    media_essence,
    media_type_key,
    operation_parameters,
    operations,
    path_items,
    path_operations,
    response_key,
    responses,
    template_shape,
    template_variables,
)
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec
from tests.specs import write

JOBS = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
paths:
  /jobs:
    post:
      operationId: createJob
      responses:
        "201": {description: created}
    get:
      responses:
        "200": {description: no operationId, still an operation}
  /jobs/{jobId}:
    $ref: "paths/job.yaml"
  /broken:
    $ref: "paths/missing.yaml"
components:
  responses:
    Problem:
      description: a problem
      content:
        application/problem+json: {schema: {type: object}}
"""

JOB_PATH_ITEM = """\
parameters:
  - {name: jobId, in: path, required: true, schema: {type: string}}
  - {name: verbose, in: query, description: path level, schema: {type: boolean}}
get:
  operationId: getJob
  parameters:
    - {name: verbose, in: query, description: operation level, schema: {type: integer}}
  responses:
    "200":
      description: ok
      content:
        application/json: {schema: {type: object}}
        text/*: {schema: {type: string}}
    4XX: {$ref: "../jobs.yaml#/components/responses/Problem"}
    default: {description: anything else}
delete:
  operationId: deleteJob
  responses:
    "204": {description: gone}
"""


def jobs(tmp_path: Path) -> LoadedSpec:
    write(tmp_path, "paths/job.yaml", JOB_PATH_ITEM)
    return load_spec(write(tmp_path, "jobs.yaml", JOBS))


def test_methods_are_listed_in_the_order_of_the_specification() -> None:
    assert HTTP_METHODS == ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def test_operations_are_found_through_a_referenced_path_item(tmp_path: Path) -> None:
    spec = jobs(tmp_path)

    found = [(op.method, op.path, op.operation_id) for op in path_operations(spec)]

    # Path order, then method order; the $ref that does not resolve is skipped (validate says why).
    assert found == [
        ("get", "/jobs", None),
        ("post", "/jobs", "createJob"),
        ("get", "/jobs/{jobId}", "getJob"),
        ("delete", "/jobs/{jobId}", "deleteJob"),
    ]
    get_job = path_operations(spec)[2]
    assert get_job.document.path.name == "job.yaml"
    assert get_job.pointer == "/get"


def test_every_operation_has_a_name_with_or_without_an_operation_id(tmp_path: Path) -> None:
    found = operations(jobs(tmp_path))

    # operationId is optional: one without is named by its method and path template.
    assert [(op.operation_id, op.name, op.key) for op in found] == [
        (None, "GET /jobs", ("get", "/jobs")),
        ("createJob", "createJob", ("post", "/jobs")),
        ("getJob", "getJob", ("get", "/jobs/{jobId}")),
        ("deleteJob", "deleteJob", ("delete", "/jobs/{jobId}")),
    ]


def test_path_items_are_found_through_their_ref(tmp_path: Path) -> None:
    items = path_items(jobs(tmp_path))

    assert [(path, item.document.path.name, item.pointer) for path, item in items] == [
        ("/jobs", "jobs.yaml", "/paths/~1jobs"),
        ("/jobs/{jobId}", "job.yaml", ""),
    ]


def test_operation_level_parameters_override_path_level_ones(tmp_path: Path) -> None:
    spec = jobs(tmp_path)
    get_job = next(op for op in operations(spec) if op.operation_id == "getJob")

    params = operation_parameters(spec, get_job.document, get_job.pointer)

    assert sorted(params) == [("path", "jobId"), ("query", "verbose")]
    assert params[("query", "verbose")].value["description"] == "operation level"
    assert params[("path", "jobId")].pointer == "/parameters/0"


def test_responses_are_listed_as_written_with_refs_followed(tmp_path: Path) -> None:
    spec = jobs(tmp_path)
    get_job = next(op for op in operations(spec) if op.operation_id == "getJob")

    found = responses(spec, get_job.document, get_job.pointer)

    assert list(found) == ["200", "4XX", "default"]
    assert found["4XX"].document.path.name == "jobs.yaml"
    assert found["4XX"].pointer == "/components/responses/Problem"


def test_a_status_finds_its_response_exactly_then_by_range_then_default() -> None:
    responses = {"200": {}, "4xx": {}, "default": {}}

    assert response_key(responses, "200") == "200"
    assert response_key(responses, "404") == "4xx"  # a range, whatever its case
    assert response_key(responses, "500") == "default"
    assert response_key({"200": {}}, "500") is None


def test_a_media_type_finds_its_content_exactly_then_by_type_then_any() -> None:
    content = {"application/json": {}, "text/*": {}, "*/*": {}}

    assert media_type_key(content, "application/json; charset=utf-8") == "application/json"
    assert media_type_key(content, "text/csv") == "text/*"
    assert media_type_key(content, "image/png") == "*/*"
    assert media_type_key({"application/json": {}}, "image/png") is None
    assert media_essence("Application/JSON; charset=utf-8") == "application/json"


def test_content_entries_say_where_each_media_type_is(tmp_path: Path) -> None:
    spec = jobs(tmp_path)
    get_job = next(op for op in operations(spec) if op.operation_id == "getJob")
    ok = responses(spec, get_job.document, get_job.pointer)["200"]

    entries = content_entries(ok)

    assert list(entries) == ["application/json", "text/*"]
    assert entries["text/*"].pointer == "/get/responses/200/content/text~1*"
    assert entries["text/*"].value == {"schema": {"type": "string"}}


def test_any_media_type_may_be_json_but_does_not_declare_it() -> None:
    assert is_json("application/json")
    assert is_json("application/problem+json; charset=utf-8")
    assert not is_json("*/*")  # validate: `*/*` is as often a file, no schema is asked for
    assert may_be_json("*/*")  # generate and check: a `*/*` body is read as JSON
    assert not may_be_json("text/plain")


def test_template_variables_and_shape() -> None:
    assert template_variables("/jobs/{jobId}/logs/{line}") == ["jobId", "line"]
    assert template_variables("https://{region}.example.test/v1") == ["region"]
    assert template_shape("/jobs/{id}") == template_shape("/jobs/{jobId}") == "/jobs/{}"


def test_extensions_are_data_for_tools() -> None:
    assert is_extension("x-specgen-acknowledge")
    assert not is_extension("description")


def test_example_and_examples_hold_data_in_and_out_of_schemas() -> None:
    schema = "/components/schemas/Job"
    media = "/paths/~1jobs/get/responses/200/content/application~1json"

    assert holds_data(schema, "example", {"$ref": "not a reference"}, in_schema=True)
    assert holds_data(media, "default", 1)
    # A schema's examples are values; a media type's map names to Example Objects (structure).
    assert holds_data(schema, "examples", [{"id": 1}], in_schema=True)
    assert not holds_data(media, "examples", {"one": {"value": 1}})
    assert holds_data(media, "examples", [1])
    # An Example Object's value is the example itself.
    assert holds_data(f"{media}/examples/one", "value", {"id": 1})
    assert holds_data("/components/examples/one", "value", {"id": 1})
    assert not holds_data(f"{schema}/properties/examples/properties", "value", {}, in_schema=True)
    assert not holds_data(schema, "properties", {}, in_schema=True)


EXAMPLES = """\
openapi: 3.1.0
info: {title: Examples, version: "1"}
paths:
  /jobs:
    get:
      operationId: listJobs
      parameters:
        - {name: limit, in: query, schema: {type: integer}, example: 10}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Job"}
              examples:
                one: {value: {id: a}}
                shared: {$ref: "#/components/examples/Shared"}
components:
  schemas:
    Job:
      type: object
      properties:
        id: {type: string, examples: [a, b]}
  examples:
    Shared:
      value:
        # Data, not structure: this is no parameter whose example would be checked.
        parameters: [{name: n, in: query, schema: {type: integer}, example: x}]
"""


def test_examples_are_found_with_the_schema_they_must_fit(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "examples.yaml", EXAMPLES))

    found = {
        (holder.pointer, schema.pointer, key, example.pointer)
        for holder, schema in example_holders(spec)
        for key, example in examples_of(spec, holder)
    }

    media = "/paths/~1jobs/get/responses/200/content/application~1json"
    assert found == {
        ("/paths/~1jobs/get/parameters/0", "/paths/~1jobs/get/parameters/0/schema", None,
         "/paths/~1jobs/get/parameters/0/example"),
        (media, f"{media}/schema", "one", f"{media}/examples/one/value"),
        (media, f"{media}/schema", "shared", "/components/examples/Shared/value"),
        ("/components/schemas/Job/properties/id", "/components/schemas/Job/properties/id", 0,
         "/components/schemas/Job/properties/id/examples/0"),
        ("/components/schemas/Job/properties/id", "/components/schemas/Job/properties/id", 1,
         "/components/schemas/Job/properties/id/examples/1"),
    }  # fmt: skip
