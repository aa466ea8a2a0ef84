"""The navigator's answers about responses, content, servers and security, on one small spec.

The spec below has a response shared through ``$ref``, servers at all three levels OpenAPI allows
(root, Path Item, operation), security declared at the root and overridden by one operation, and
schemes kept in ``components`` (one of them in another file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.spec import pointer as jp
from generator.spec.navigator import (
    PathOperation,
    all_servers,
    content_entries,
    path_operations,
    request_body,
    responses,
    security,
    security_in_force,
    security_lists,
    security_requirements,
    security_schemes,
    servers,
)
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec
from tests.specs import write

SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
servers:
  - url: https://api.example.test/v1
    variables:
      region: {default: eu}
  - not a server
security:
  - bearer: []
  - key: []
    oauth: [read]
paths:
  /jobs:
    servers:
      - url: https://jobs.example.test
    get:
      operationId: listJobs
      responses:
        "200":
          description: the jobs
          content:
            application/json: {schema: {type: array}}
            text/csv; charset=utf-8: {}
        4xx: {$ref: "#/components/responses/Problem"}
        default: {$ref: "#/components/responses/Missing"}
    post:
      operationId: createJob
      servers:
        - url: https://upload.example.test
      security: []
      requestBody:
        content:
          application/merge-patch+json: {schema: {type: object}}
      responses:
        "201": {description: created}
components:
  responses:
    Problem:
      description: a problem
      content:
        application/problem+json: {schema: {type: object}}
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {$ref: "schemes.yaml#/key"}
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "https://auth.example.test", scopes: {read: read}}
"""


@pytest.fixture
def spec(tmp_path: Path) -> LoadedSpec:
    write(tmp_path, "schemes.yaml", "key: {type: apiKey, in: header, name: X-Key}\n")
    return load_spec(write(tmp_path, "api.yaml", SPEC))


def operation(spec: LoadedSpec, operation_id: str) -> PathOperation:
    return next(op for op in path_operations(spec) if op.operation_id == operation_id)


def test_responses_are_listed_by_status_as_written_with_refs_followed(spec: LoadedSpec) -> None:
    list_jobs = operation(spec, "listJobs")
    found = responses(spec, list_jobs.document, list_jobs.pointer)
    assert list(found) == ["200", "4xx", "default"]
    assert found["200"].value["description"] == "the jobs"
    assert found["4xx"].pointer == "/components/responses/Problem"
    # A $ref that goes nowhere is still a response: the reference itself, for validate to report.
    assert found["default"].pointer == "/paths/~1jobs/get/responses/default"


def test_an_operation_without_responses_has_none(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "api.yaml", "openapi: 3.1.0\npaths: {/a: {get: {}}}\n"))
    (get,) = path_operations(spec)
    assert responses(spec, get.document, get.pointer) == {}


def test_content_entries_of_a_response_and_of_a_request_body(spec: LoadedSpec) -> None:
    list_jobs = operation(spec, "listJobs")
    ok = responses(spec, list_jobs.document, list_jobs.pointer)["200"]
    entries = content_entries(ok)
    # Media types keep their parameters as written: matching them is media_type_key's job.
    assert list(entries) == ["application/json", "text/csv; charset=utf-8"]
    assert entries["application/json"].value == {"schema": {"type": "array"}}

    create = operation(spec, "createJob")
    body = request_body(spec, create.document, create.pointer)
    assert body is not None
    assert list(content_entries(body)) == ["application/merge-patch+json"]


def test_a_request_body_is_followed_through_its_ref(tmp_path: Path) -> None:
    text = """\
openapi: 3.1.0
paths:
  /jobs:
    post: {requestBody: {$ref: "#/components/requestBodies/Job"}, responses: {}}
    get: {responses: {}}
components:
  requestBodies:
    Job: {required: true, content: {application/json: {schema: {type: object}}}}
"""
    spec = load_spec(write(tmp_path, "api.yaml", text))
    by_method = {op.method: op for op in path_operations(spec)}
    post, get = by_method["post"], by_method["get"]
    body = request_body(spec, post.document, post.pointer)
    assert body is not None and body.pointer == "/components/requestBodies/Job"
    assert body.value["required"] is True  # read where the body is written, not at the $ref
    assert request_body(spec, get.document, get.pointer) is None


def test_content_entries_follow_the_response_into_components(spec: LoadedSpec) -> None:
    list_jobs = operation(spec, "listJobs")
    problem = responses(spec, list_jobs.document, list_jobs.pointer)["4xx"]
    (entry,) = content_entries(problem).values()
    assert entry.pointer == "/components/responses/Problem/content/application~1problem+json"


def test_servers_of_the_root_a_path_item_and_an_operation(spec: LoadedSpec) -> None:
    # Only Server Objects are listed: the stray string of the root list is skipped.
    (root,) = servers(spec)
    assert (root.pointer, root.value["variables"]["region"]["default"]) == ("/servers/0", "eu")

    create = operation(spec, "createJob")
    item = jp.parent(create.pointer)
    assert [s.value["url"] for s in servers(spec, create.document, item)] == [
        "https://jobs.example.test"
    ]
    assert [s.value["url"] for s in servers(spec, create.document, create.pointer)] == [
        "https://upload.example.test"
    ]
    assert servers(spec, create.document, operation(spec, "listJobs").pointer) == []


def test_all_servers_lists_the_root_then_path_items_then_operations(spec: LoadedSpec) -> None:
    assert [s.value["url"] for s in all_servers(spec)] == [
        "https://api.example.test/v1",
        "https://jobs.example.test",
        "https://upload.example.test",
    ]


def test_all_servers_finds_those_of_a_path_item_in_another_file(tmp_path: Path) -> None:
    write(tmp_path, "jobs.yaml", "servers: [{url: https://jobs.example.test}]\nget: {}\n")
    spec = load_spec(
        write(tmp_path, "api.yaml", "openapi: 3.1.0\npaths: {/jobs: {$ref: jobs.yaml}}\n")
    )
    (server,) = all_servers(spec)
    assert (server.document.path.name, server.pointer) == ("jobs.yaml", "/servers/0")


def test_a_spec_without_servers_lists_none(tmp_path: Path) -> None:
    # OpenAPI then means one server "/": whether to assume it is the caller's choice.
    spec = load_spec(write(tmp_path, "api.yaml", "openapi: 3.1.0\npaths: {}\n"))
    assert servers(spec) == []
    assert all_servers(spec) == []


def test_security_in_force_is_the_operations_own_else_the_roots(spec: LoadedSpec) -> None:
    list_jobs, create = operation(spec, "listJobs"), operation(spec, "createJob")
    assert security(spec, list_jobs.document, list_jobs.pointer) is None
    inherited = security_in_force(spec, list_jobs.document, list_jobs.pointer)
    assert inherited is not None and inherited.pointer == "/security"

    own = security_in_force(spec, create.document, create.pointer)
    # An empty list of its own makes the operation anonymous, whatever the root says.
    assert own is not None and own.pointer == create.pointer + "/security"
    assert security_requirements(own) == []


def test_security_requirements_map_schemes_used_together_to_scopes(spec: LoadedSpec) -> None:
    listed = security(spec)
    assert listed is not None
    requirements = security_requirements(listed)
    assert [r.value for r in requirements] == [{"bearer": []}, {"key": [], "oauth": ["read"]}]
    assert requirements[1].pointer == "/security/1"


def test_an_operation_without_security_anywhere_is_open(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "api.yaml", "openapi: 3.1.0\npaths: {/a: {get: {}}}\n"))
    (get,) = path_operations(spec)
    assert security_in_force(spec, get.document, get.pointer) is None


def test_security_lists_are_the_roots_then_each_operations_own(spec: LoadedSpec) -> None:
    create = operation(spec, "createJob")
    assert [listed.pointer for listed in security_lists(spec)] == [
        "/security",
        create.pointer + "/security",
    ]


def test_security_schemes_by_name_with_refs_followed(spec: LoadedSpec) -> None:
    schemes = security_schemes(spec)
    assert list(schemes) == ["bearer", "key", "oauth"]
    assert schemes["bearer"].value == {"type": "http", "scheme": "bearer"}
    assert schemes["key"].document.path.name == "schemes.yaml"
    assert schemes["key"].value["name"] == "X-Key"


def test_a_spec_without_components_has_no_schemes(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "api.yaml", "openapi: 3.1.0\npaths: {}\n"))
    assert security_schemes(spec) == {}
