"""operationId is optional in OpenAPI: an operation without one is generated, bundled and checked,
named from its HTTP method and path template."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from generator.api import bundle
from generator.check.conformance import Conformance
from generator.spec.reading import load_spec
from tests.generate.packages import generate_and_import, write_spec

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "NoIds", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        "/users/{id}/repos": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"type": "string"}}
                            }
                        },
                    }
                },
            },
        },
        # Listed first, but the operation with an operationId keeps the name it asks for.
        "/get/users": {"get": {"responses": {"204": {"description": "done"}}}},
        "/users": {
            "get": {"operationId": "getUsers", "responses": {"204": {"description": "done"}}}
        },
    },
}


def test_an_operation_without_an_operation_id_is_named_from_its_method_and_path(
    tmp_path: Path,
) -> None:
    path = write_spec(tmp_path, "noids", SPEC)
    package: Any = generate_and_import(tmp_path, path, "noids_out")

    client = package.Client
    assert callable(client.get_users_id_repos)
    assert callable(client.get_users)  # the operationId's name
    assert callable(client.get_get_users)
    doc = inspect.getdoc(client.get_users_id_repos) or ""
    assert "`GET /users/{id}/repos` (no operationId in the spec" in doc
    assert package.models.GetUsersIdReposResponse200.model_validate(["a"]).root == ["a"]


def test_bundle_and_conformance_name_it_by_method_and_path(tmp_path: Path) -> None:
    path = write_spec(tmp_path, "noids", SPEC)
    bundle([path], tmp_path / "out")
    schema = json.loads((tmp_path / "out" / "noids.schema.json").read_text(encoding="utf-8"))
    assert schema["x-specgen-bodies"]["GET /users/{id}/repos"] == {
        "200": "#/$defs/GetUsersIdReposResponse200"
    }

    conformance = Conformance(load_spec(path))
    assert conformance.check_response("GET /users/{id}/repos", 200, ["a"]) == []
    assert [v.keyword for v in conformance.check_response("GET /users/{id}/repos", 200, [1])] == [
        "type"
    ]
