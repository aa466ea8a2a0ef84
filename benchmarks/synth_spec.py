"""A synthetic OpenAPI 3.1 spec of N operations that look like a real API's (issue 11, "Scale").

    python benchmarks/synth_spec.py N OUT.json

Operations come in resources of five, the way REST APIs group them: list (paged, with query
parameters), get, create and update (with a JSON request body) and delete. Each resource has a
handful of component schemas that refer to each other (the item, its owner, its labels, its
settings, a status enum, the create and update bodies, the page of items), with nullable fields,
arrays, maps, bounded numbers, patterns, inline objects, and on every third resource a ``oneOf``
(with a discriminator on every sixth). Path parameters vary between resources (an organization
name, a numeric project id, a user name, a team slug; item ids are integers or UUIDs). Shared
parameters, error schemas and a bearer security scheme sit in ``components`` as GitHub's do.

``bench_scale.py`` writes it at 1x, 4x and 16x GitHub's operation count to see how ``specgen
generate`` grows. Deterministic: the same N writes the same bytes. Written on demand, never committed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

Schema = dict[str, Any]

NOUNS = (
    "invoice",
    "milestone",
    "ticket",
    "webhook",
    "dataset",
    "customer",
    "report",
    "deployment",
    "artifact",
    "comment",
    "runner",
    "secret",
    "package",
    "release",
    "snapshot",
    "workspace",
    "pipeline",
    "notebook",
    "dashboard",
    "subscription",
)
VERBS = ("list", "get", "create", "update", "delete")
#: The parent a resource hangs from: path segment, parameter name, its schema.
PARENTS: tuple[tuple[str, str, Schema], ...] = (
    ("orgs", "org", {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9-]*$"}),
    ("projects", "project_id", {"type": "integer", "format": "int64", "minimum": 1}),
    ("users", "username", {"type": "string", "minLength": 1, "maxLength": 39}),
    ("teams", "team_slug", {"type": "string"}),
)
STATUSES = ("active", "archived", "pending", "suspended", "deleted", "draft", "queued")


def ref(name: str, section: str = "schemas") -> Schema:
    return {"$ref": f"#/components/{section}/{name}"}


def nullable(kind: str, **keywords: Any) -> Schema:
    return {"type": [kind, "null"], **keywords}


class Resource:
    """One resource: its names, its paths, its schemas and up to five operations."""

    def __init__(self, index: int, verbs: tuple[str, ...]) -> None:
        noun = NOUNS[index % len(NOUNS)]
        round_ = index // len(NOUNS)
        self.index = index
        self.verbs = verbs
        self.noun = noun if round_ == 0 else f"{noun}{round_ + 1}"
        self.plural = f"{noun}s" if round_ == 0 else f"{noun}s-{round_ + 1}"
        self.title = "".join(part.capitalize() for part in self.noun.split("_"))
        self.parent = PARENTS[index % len(PARENTS)]
        self.uuid_ids = index % 2 == 1
        self.union = index % 3 == 0
        self.discriminated = index % 6 == 0

    # -- names ------------------------------------------------------------------------------

    def name(self, suffix: str = "") -> str:
        return f"{self.title}{suffix}"

    @property
    def id_param(self) -> str:
        return f"{self.noun.replace('-', '_')}_id"

    @property
    def collection(self) -> str:
        segment, param, _ = self.parent
        return f"/{segment}/{{{param}}}/{self.plural}"

    @property
    def item(self) -> str:
        return f"{self.collection}/{{{self.id_param}}}"

    # -- schemas ----------------------------------------------------------------------------

    def schemas(self) -> dict[str, Schema]:
        found: dict[str, Schema] = {
            self.name(): self._item(),
            self.name("Status"): self._status(),
            self.name("Owner"): self._owner(),
            self.name("Label"): self._label(),
            self.name("Settings"): self._settings(),
        }
        if "list" in self.verbs:
            found[self.name("Page")] = self._page()
        if "create" in self.verbs:
            found[self.name("Create")] = self._create()
        if "update" in self.verbs:
            found[self.name("Update")] = self._update()
        if self.union:
            found[self.name("Link")] = self._source("link", {"href": {"type": "string"}})
            found[self.name("Upload")] = self._source(
                "upload",
                {
                    "size": {"type": "integer", "minimum": 0},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                },
            )
        return found

    def _item(self) -> Schema:
        id_schema: Schema = (
            {"type": "string", "format": "uuid"}
            if self.uuid_ids
            else {"type": "integer", "format": "int64"}
        )
        properties: dict[str, Schema] = {
            "id": id_schema,
            "node_id": {"type": "string"},
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "description": nullable("string"),
            "status": ref(self.name("Status")),
            "owner": ref(self.name("Owner")),
            "labels": {"type": "array", "items": ref(self.name("Label"))},
            "settings": ref(self.name("Settings")),
            "url": {"type": "string", "format": "uri"},
            "score": nullable("number", minimum=0),
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": nullable("string", format="date-time"),
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
            "stats": {
                "type": "object",
                "properties": {
                    "views": {"type": "integer", "minimum": 0},
                    "stars": {"type": "integer", "minimum": 0},
                    "last_viewed_at": nullable("string", format="date-time"),
                },
            },
        }
        if self.union:
            branches = [ref(self.name("Link")), ref(self.name("Upload"))]
            source: Schema = {"oneOf": branches}
            if self.discriminated:
                source["discriminator"] = {
                    "propertyName": "kind",
                    "mapping": {
                        "link": branches[0]["$ref"],
                        "upload": branches[1]["$ref"],
                    },
                }
            properties["source"] = source
        return {
            "title": f"{self.title}",
            "description": f"A {self.noun} as the API returns it.",
            "type": "object",
            "required": ["id", "name", "status", "owner", "url", "created_at"],
            "properties": properties,
        }

    def _status(self) -> Schema:
        values = list(STATUSES[: 3 + self.index % 4])
        return {"type": "string", "description": f"Where a {self.noun} stands.", "enum": values}

    def _owner(self) -> Schema:
        return {
            "type": "object",
            "required": ["login", "id"],
            "properties": {
                "login": {"type": "string"},
                "id": {"type": "integer", "format": "int64"},
                "avatar_url": {"type": "string", "format": "uri"},
                "type": {"type": "string", "enum": ["User", "Organization", "Bot"]},
                "site_admin": {"type": "boolean"},
                "email": nullable("string", format="email"),
            },
        }

    def _label(self) -> Schema:
        return {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "maxLength": 50},
                "color": {"type": "string", "pattern": "^[0-9a-fA-F]{6}$"},
                "default": {"type": "boolean", "default": False},
            },
        }

    def _settings(self) -> Schema:
        return {
            "type": "object",
            "properties": {
                "visibility": {"type": "string", "enum": ["public", "private", "internal"]},
                "retention_days": {"type": "integer", "minimum": 1, "maximum": 400},
                "notify": {"type": "boolean"},
                "webhooks": {"type": "array", "items": {"type": "string", "format": "uri"}},
                "limits": {
                    "type": ["object", "null"],
                    "properties": {
                        "max_items": {"type": "integer", "minimum": 0},
                        "max_bytes": nullable("integer", minimum=0),
                    },
                },
            },
        }

    def _page(self) -> Schema:
        return {
            "type": "object",
            "required": ["total_count", "items"],
            "properties": {
                "total_count": {"type": "integer", "minimum": 0},
                "items": {"type": "array", "items": ref(self.name())},
                "next": nullable("string"),
            },
        }

    def _create(self) -> Schema:
        return {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "description": nullable("string"),
                "settings": ref(self.name("Settings")),
                "labels": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
            },
        }

    def _update(self) -> Schema:
        return {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "description": nullable("string"),
                "status": ref(self.name("Status")),
                "settings": ref(self.name("Settings")),
            },
        }

    def _source(self, kind: str, properties: dict[str, Schema]) -> Schema:
        return {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string", "const": kind}, **properties},
        }

    # -- operations -------------------------------------------------------------------------

    def paths(self) -> dict[str, dict[str, Schema]]:
        collection: dict[str, Schema] = {}
        item: dict[str, Schema] = {}
        parent_param = self._parent_param()
        id_param = self._id_param()
        for verb in self.verbs:
            if verb == "list":
                collection["get"] = self._operation(verb, "List", [parent_param, *self._filters()])
            elif verb == "create":
                collection["post"] = self._operation(verb, "Create a", [parent_param])
            elif verb == "get":
                item["get"] = self._operation(verb, "Get a", [parent_param, id_param])
            elif verb == "update":
                item["patch"] = self._operation(verb, "Update a", [parent_param, id_param])
            else:
                item["delete"] = self._operation(verb, "Delete a", [parent_param, id_param])
        return {
            path: ops for path, ops in ((self.collection, collection), (self.item, item)) if ops
        }

    def _parent_param(self) -> Schema:
        _, name, schema = self.parent
        return {"name": name, "in": "path", "required": True, "schema": schema}

    def _id_param(self) -> Schema:
        schema = (
            {"type": "string", "format": "uuid"}
            if self.uuid_ids
            else {"type": "integer", "format": "int64", "minimum": 1}
        )
        return {
            "name": self.id_param,
            "in": "path",
            "required": True,
            "description": f"The unique identifier of the {self.noun}.",
            "schema": schema,
        }

    def _filters(self) -> list[Schema]:
        filters: list[Schema] = [
            ref("page", "parameters"),
            ref("per-page", "parameters"),
            ref("direction", "parameters"),
            {
                "name": "sort",
                "in": "query",
                "schema": {
                    "type": "string",
                    "enum": ["created", "updated", "name"],
                    "default": "created",
                },
            },
            {"name": "status", "in": "query", "schema": ref(self.name("Status"))},
            {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
        ]
        if self.index % 2 == 0:
            filters.append(
                {
                    "name": "labels",
                    "in": "query",
                    "style": "form",
                    "explode": False,
                    "schema": {"type": "array", "items": {"type": "string"}},
                }
            )
        return filters

    def _operation(self, verb: str, summary: str, parameters: list[Schema]) -> Schema:
        noun = self.plural if verb == "list" else self.noun
        operation: Schema = {
            "summary": f"{summary} {noun.replace('-', ' ')}",
            "description": f"{summary} {noun} of the {self.parent[1].replace('_', ' ')}.",
            "operationId": f"{self.plural}/{verb}",
            "tags": [self.plural],
            "parameters": parameters,
        }
        if verb in ("create", "update"):
            body = self.name("Create" if verb == "create" else "Update")
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(body)}},
            }
        operation["responses"] = self._responses(verb)
        return operation

    def _responses(self, verb: str) -> Schema:
        def json_response(description: str, schema: Schema) -> Schema:
            return {"description": description, "content": {"application/json": {"schema": schema}}}

        responses: Schema
        if verb == "list":
            responses = {"200": json_response("Response", ref(self.name("Page")))}
        elif verb == "create":
            responses = {
                "201": json_response("Created", ref(self.name())),
                "422": ref("validation_failed", "responses"),
            }
        elif verb == "delete":
            responses = {"204": {"description": "Deleted"}}
        else:
            responses = {"200": json_response("Response", ref(self.name()))}
            if verb == "update":
                responses["422"] = ref("validation_failed", "responses")
        if verb != "list":
            responses["404"] = ref("not_found", "responses")
        return responses


def shared_components() -> dict[str, dict[str, Schema]]:
    """What every operation may refer to: paging parameters, error bodies, bearer security."""
    error = {
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {"type": "string"},
            "documentation_url": {"type": "string"},
        },
    }
    validation_error = {
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {
                        "resource": {"type": "string"},
                        "field": {"type": "string"},
                        "code": {"type": "string"},
                    },
                },
            },
        },
    }
    return {
        "schemas": {"BasicError": error, "ValidationError": validation_error},
        "parameters": {
            "page": {
                "name": "page",
                "in": "query",
                "description": "The page number of the results to fetch.",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            "per-page": {
                "name": "per_page",
                "in": "query",
                "description": "The number of results per page (max 100).",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 30},
            },
            "direction": {
                "name": "direction",
                "in": "query",
                "schema": {"type": "string", "enum": ["asc", "desc"], "default": "desc"},
            },
        },
        "responses": {
            "not_found": {
                "description": "Resource not found",
                "content": {"application/json": {"schema": ref("BasicError")}},
            },
            "validation_failed": {
                "description": "Validation failed",
                "content": {"application/json": {"schema": ref("ValidationError")}},
            },
        },
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    }


def resources(operations: int) -> list[Resource]:
    """Resources of five operations each; the last one has what is left."""
    full, rest = divmod(operations, len(VERBS))
    found = [Resource(index, VERBS) for index in range(full)]
    if rest:
        found.append(Resource(full, VERBS[:rest]))
    return found


def synth_spec(operations: int) -> Schema:
    """An OpenAPI 3.1 document with exactly ``operations`` operations."""
    if operations < 1:
        raise ValueError("a spec needs at least one operation")
    components = shared_components()
    paths: dict[str, dict[str, Schema]] = {}
    tags = []
    for resource in resources(operations):
        components["schemas"].update(resource.schemas())
        paths.update(resource.paths())
        tags.append({"name": resource.plural, "description": f"Manage {resource.plural}."})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Synthetic Example API",
            "version": "1.0.0",
            "description": f"A synthetic API of {operations} operations, written by synth_spec.py.",
        },
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"bearer": []}],
        "tags": tags,
        "paths": paths,
        "components": components,
    }


def write(operations: int, out: Path) -> Path:
    """Write the spec of ``operations`` operations to ``out`` (pretty JSON, as GitHub's is)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(synth_spec(operations), indent=2) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("operations", type=int, help="how many operations (at least 1)")
    parser.add_argument("out", type=Path, help="the JSON file to write")
    args = parser.parse_args(argv)
    if args.operations < 1:
        parser.error("operations must be at least 1")
    write(args.operations, args.out)
    print(f"wrote {args.out} ({args.operations} operations)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
