"""Small specs for the diff tests: one operation with parameters, a request and a response body.

Each test builds an old and a new spec with :func:`api`, overriding the one thing it changes, and
diffs them. The defaults are a complete, valid OpenAPI 3.1 document:

    POST /jobs/{jobId}   (updateJob)
      parameters: jobId (path), limit (query, optional)
      request:    {name: string (required), priority: integer}
      200:        {id: uuid string (required), status: enum, tags: [string]}
      404:        no body
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import generator.api
from generator.diff.rules import DiffReport

#: Where the default operation and its bodies are, as JSON pointers.
OP = "/paths/~1jobs~1{jobId}/post"
REQ = f"{OP}/requestBody/content/application~1json/schema"
RESP = f"{OP}/responses/200/content/application~1json/schema"

JOB_ID: dict[str, Any] = {
    "name": "jobId",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
}
LIMIT: dict[str, Any] = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
SCHEMES: dict[str, Any] = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
    "oauth": {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "https://auth.example.test/token",
                "scopes": {"read": "read jobs", "write": "change jobs"},
            }
        },
    },
}


def obj(*required: str, **properties: Any) -> dict[str, Any]:
    """An object schema with these properties, the names listed first required."""
    schema: dict[str, Any] = {"type": "object"}
    if required:
        schema["required"] = list(required)
    schema["properties"] = properties
    return schema


def request_schema(**changes: Any) -> dict[str, Any]:
    """The default request body schema, with properties replaced (None removes one)."""
    properties = {"name": {"type": "string"}, "priority": {"type": "integer"}}
    return _with(obj("name", **properties), changes)


def response_schema(**changes: Any) -> dict[str, Any]:
    """The default 200 response schema, with properties replaced (None removes one)."""
    properties = {
        "id": {"type": "string", "format": "uuid"},
        "status": {"type": "string", "enum": ["queued", "done"]},
        "tags": {"type": "array", "items": {"type": "string"}},
    }
    return _with(obj("id", **properties), changes)


def _with(schema: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for name, value in changes.items():
        if value is None:
            schema["properties"].pop(name)
        else:
            schema["properties"][name] = value
    return schema


def json_body(schema: Any, **extra: Any) -> dict[str, Any]:
    """A request body or response ``content`` with one JSON media type."""
    return {**extra, "content": {"application/json": {"schema": schema}}}


def api(
    *,
    openapi: str = "3.1.0",
    servers: list[dict[str, Any]] | None = None,
    security: list[dict[str, list[str]]] | None = None,
    schemes: dict[str, Any] | None = None,
    path: str = "/jobs/{jobId}",
    operation_id: str = "updateJob",
    params: list[dict[str, Any]] | None = None,
    request: dict[str, Any] | None = None,
    no_request: bool = False,
    responses: dict[str, Any] | None = None,
    more_paths: dict[str, Any] | None = None,
    components: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The default spec with the given parts replaced."""
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "parameters": [JOB_ID, LIMIT] if params is None else params,
        "requestBody": json_body(request_schema(), required=True) if request is None else request,
        "responses": responses
        if responses is not None
        else {
            "200": json_body(response_schema(), description="the job"),
            "404": {"description": "no such job"},
        },
    }
    if no_request:
        del operation["requestBody"]
    spec: dict[str, Any] = {
        "openapi": openapi,
        "info": {"title": "Jobs", "version": "1"},
        "servers": [{"url": "https://api.example.test/v1"}] if servers is None else servers,
    }
    if security is not None:
        spec["security"] = security
    spec["paths"] = {path: {"post": operation}, **(more_paths or {})}
    spec["components"] = {
        "securitySchemes": SCHEMES if schemes is None else schemes,
        **(components or {}),
    }
    return spec


def returning_ref(ref: str) -> dict[str, Any]:
    """The default spec whose 200 response body is the schema ``ref`` points at."""
    body = json_body({"$ref": ref}, description="the job")
    return api(responses={"200": body, "404": {"description": "no such job"}})


def write(folder: Path, name: str, spec: dict[str, Any] | str) -> Path:
    """Write a spec (a dict, dumped as YAML, or YAML text) to ``folder/name``."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def diff_of(folder: Path, old: dict[str, Any] | str, new: dict[str, Any] | str) -> DiffReport:
    """Write both versions into ``folder`` and diff them."""
    return generator.api.diff(
        str(write(folder, "old.yaml", old)), str(write(folder, "new.yaml", new))
    )


def summary(report: DiffReport) -> list[tuple[str, bool, str | None, str | None]]:
    """Each change as (kind, breaking, old pointer, new pointer)."""
    return [(c.kind, c.breaking, c.old_pointer, c.new_pointer) for c in report.changes]
