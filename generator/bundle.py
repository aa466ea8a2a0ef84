"""Single-file bundles of a spec, for other generators: an OpenAPI document and a JSON Schema.

``<name>.openapi.json`` is the spec as one self-contained document: schemas in other files are
brought into ``#/components/schemas`` (named as model generation names them), other external
``$ref``s (parameters, responses, examples) are inlined, and internal ``#/components`` refs stay.
``<name>.schema.json`` is a JSON Schema 2020-12 document with every component schema, and every
request and response body schema, under ``$defs``: OpenAPI 3.0 ``nullable`` becomes a type array,
``example`` becomes ``examples``, and OpenAPI-only keywords (``discriminator``, ``xml``,
``externalDocs``) are dropped. ``x-specgen-bodies`` at its root says which ``$defs`` entry each
operation's bodies use. Keys are sorted, so output is byte-identical on every run.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from generator import pointer as jp
from generator.errors import SpecgenError
from generator.loading import Document
from generator.refs import LoadedSpec, RefError
from generator.schemas import SchemaCollector, name_bodies

#: Keywords that mean something to OpenAPI only; JSON Schema consumers would reject or misread them.
_OPENAPI_ONLY = frozenset({"discriminator", "xml", "externalDocs", "nullable"})
#: How deep inlined non-schema references may nest before a loop is assumed.
_MAX_INLINE_DEPTH = 64


def openapi_bundle(spec: LoadedSpec) -> dict[str, Any]:
    """The spec as one self-contained OpenAPI document (same version as the spec)."""
    collector = SchemaCollector(spec, "#/components/schemas/", to_json_schema=False)
    collector.add_components()
    document = _inline(spec, collector, spec.root, "", spec.root.data, in_schema=False, depth=0)
    if not isinstance(document, dict):
        raise SpecgenError("the spec's root is not a mapping", spec.root.path)
    if collector.definitions:
        components = document.setdefault("components", {})
        components["schemas"] = {
            name: named.schema for name, named in collector.definitions.items()
        }
    return document


def json_schema(spec: LoadedSpec) -> dict[str, Any]:
    """Every schema of the spec as one JSON Schema 2020-12 document (``$defs``)."""
    collector = SchemaCollector(spec, "#/$defs/", to_json_schema=True)
    collector.add_components()
    bodies = name_bodies(spec, collector)
    info = spec.data.get("info", {})
    document: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if isinstance(info.get("title"), str):
        document["title"] = info["title"]
    if isinstance(info.get("description"), str):
        document["description"] = info["description"]
    document["$defs"] = {
        name: _json_schema_keywords(named.schema) for name, named in collector.definitions.items()
    }
    by_operation: dict[str, dict[str, str]] = {}
    for (operation_id, status), (name, _media) in bodies.items():
        by_operation.setdefault(operation_id, {})[status] = f"#/$defs/{name}"
    document["x-specgen-bodies"] = by_operation
    return document


def dumps(document: dict[str, Any], form: str) -> str:
    """``document`` as JSON or YAML text, keys sorted, so that output is deterministic."""
    if form == "yaml":
        return yaml.safe_dump(document, sort_keys=True, allow_unicode=True, width=100)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _inline(
    spec: LoadedSpec,
    collector: SchemaCollector,
    document: Document,
    pointer: str,
    node: Any,
    in_schema: bool,
    depth: int,
) -> Any:
    """A copy of ``node`` whose ``$ref``s all point inside the bundle."""
    if depth > _MAX_INLINE_DEPTH:
        raise SpecgenError(
            f"references nest deeper than {_MAX_INLINE_DEPTH} at {pointer}", document.path
        )
    if isinstance(node, list):
        return [
            _inline(spec, collector, document, f"{pointer}/{i}", item, in_schema, depth)
            for i, item in enumerate(node)
        ]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        try:
            target = spec.resolve(document, ref)
        except RefError as exc:
            raise SpecgenError(exc.message, document.path) from None
        if in_schema:
            return {**_rest(node), "$ref": collector.ref_prefix + collector.name_of(target)}
        if target.document is spec.root:
            return {**_rest(node), "$ref": "#" + _fragment(target.pointer)}
        # A parameter, response or example in another file: inlined where it is used.
        inlined = _inline(
            spec, collector, target.document, target.pointer, target.value, False, depth + 1
        )
        return {**inlined, **_rest(node)} if isinstance(inlined, dict) else inlined
    copied: dict[str, Any] = {}
    for key, value in node.items():
        literal = key in ("example", "default", "const", "enum") or key.startswith("x-")
        if key == "examples":
            # A schema's `examples` are values; elsewhere it maps names to Example Objects.
            literal = in_schema or not isinstance(value, dict)
        if key == "value" and jp.parent(pointer).endswith("/examples"):
            literal = True  # the value of an Example Object
        if literal:
            copied[key] = value
            continue
        child_in_schema = (
            in_schema or key == "schema" or (pointer == "/components" and key == "schemas")
        )
        if pointer == "/components" and key == "schemas":
            continue  # rebuilt from the collector, which names and rewrites every schema
        copied[key] = _inline(
            spec, collector, document, jp.join(pointer, key), value, child_in_schema, depth
        )
    return copied


def _rest(node: dict[str, Any]) -> dict[str, Any]:
    # OpenAPI 3.1 allows `summary` and `description` beside a `$ref`; keep them.
    return {k: v for k, v in node.items() if k != "$ref"}


def _fragment(pointer: str) -> str:
    return pointer.replace("%", "%25").replace(" ", "%20")


def _json_schema_keywords(node: Any) -> Any:
    """A schema with OpenAPI's own keywords turned into JSON Schema's (recursively)."""
    if isinstance(node, list):
        return [_json_schema_keywords(item) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in _OPENAPI_ONLY:
            continue
        if key == "example":
            if "examples" not in node:
                result["examples"] = [value]
            continue
        if key in ("examples", "default", "const", "enum") or key.startswith("x-"):
            result[key] = value
        else:
            result[key] = _json_schema_keywords(value)
    return result
