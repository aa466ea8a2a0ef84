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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from generator.errors import SpecgenError
from generator.generate.schemas import SchemaCollector, name_bodies
from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.navigator import holds_data, is_extension, operations
from generator.spec.refs import LoadedSpec, RefError, Target
from generator.spec.validators import count_values

#: Keywords that mean something to OpenAPI only; JSON Schema consumers would reject or misread them.
_OPENAPI_ONLY = frozenset({"discriminator", "xml", "externalDocs", "nullable"})
#: How deep inlined non-schema references may nest before a loop is assumed.
_MAX_INLINE_DEPTH = 64


def openapi_bundle(spec: LoadedSpec) -> dict[str, Any]:
    """The spec as one self-contained OpenAPI document (same version as the spec)."""
    collector = SchemaCollector(spec, "#/components/schemas/", to_json_schema=False)
    collector.add_components()
    inliner = _Inliner(spec, collector)
    inliner.measure(spec.root, "", spec.root.data, in_schema=False)
    document = inliner.inline(spec.root, "", spec.root.data, in_schema=False)
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
    # By operationId, or `GET /path` for an operation without one.
    names = {op.key: op.name for op in operations(spec)}
    by_operation: dict[str, dict[str, str]] = {}
    for (method, path, status), (name, _media) in bodies.items():
        by_operation.setdefault(names[method, path], {})[status] = f"#/$defs/{name}"
    document["x-specgen-bodies"] = by_operation
    return document


def dumps(document: dict[str, Any], form: str) -> str:
    """``document`` as JSON or YAML text, keys sorted, so that output is deterministic."""
    if form == "yaml":
        return yaml.safe_dump(document, sort_keys=True, allow_unicode=True, width=100)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class _Inliner:
    """Copies a spec with its ``$ref``s pointing inside the bundle, inlining other files' objects.

    Inlining is measured before anything is copied, each referenced object once (so the measure is
    linear in the spec's size): a reference that comes back to an object it is inside of (a cycle,
    which inlining cannot end) and copying more than :attr:`SpecLimits.max_inlined_values` values in
    all (references that fan out: two refs to an object with two refs to ...) are located errors.
    """

    def __init__(self, spec: LoadedSpec, collector: SchemaCollector) -> None:
        self.spec = spec
        self.collector = collector
        self.inlining: list[tuple[Path, str]] = []
        self.sizes: dict[tuple[Path, str], int] = {}
        self.inlined = 0

    def error(self, message: str, document: Document, pointer: str) -> SpecgenError:
        position = document.position(pointer)
        return SpecgenError(message, document.path, position.line, position.col)

    def measure(self, document: Document, pointer: str, node: Any, in_schema: bool) -> int:
        """How many values :meth:`inline` makes of ``node``; raises on cycles and on the limit."""
        if isinstance(node, list):
            return 1 + sum(
                self.measure(document, f"{pointer}/{i}", item, in_schema)
                for i, item in enumerate(node)
            )
        if not isinstance(node, dict):
            return 1
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self.target(document, pointer, ref)
            if in_schema or target.document is self.spec.root:
                return len(node)
            size = len(node) + self.size_of(target, document, pointer, ref)
            if not self.inlining:  # a reference the spec's own file makes: this much is copied
                self.inlined += size
            if self.inlined > self.spec.limits.max_inlined_values or (
                size > self.spec.limits.max_inlined_values
            ):
                raise self.error(
                    f"inlining references to other files would copy more than"
                    f" {self.spec.limits.max_inlined_values} values (--max-inlined-values)",
                    document,
                    jp.join(pointer, "$ref"),
                )
            return size
        total = 1
        for key, value, child_in_schema in _members(pointer, node, in_schema):
            if child_in_schema is None:
                # Counting stops past the limit: a larger value is refused either way.
                total += count_values(value, self.spec.limits.max_inlined_values + 1)
            else:
                total += self.measure(document, jp.join(pointer, key), value, child_in_schema)
        return total

    def size_of(self, target: Target, document: Document, pointer: str, ref: str) -> int:
        key = (target.document.path.resolve(), target.pointer)
        known = self.sizes.get(key)
        if known is not None:
            return known
        if key in self.inlining:
            raise self.error(
                f"$ref {ref!r} leads back to an object it is inside of, in another file: such a"
                " cycle cannot be inlined (move the objects into the spec's own file, where"
                " references stay references)",
                document,
                jp.join(pointer, "$ref"),
            )
        if len(self.inlining) >= _MAX_INLINE_DEPTH:
            raise self.error(
                f"references to other files nest deeper than {_MAX_INLINE_DEPTH}",
                document,
                jp.join(pointer, "$ref"),
            )
        self.inlining.append(key)
        try:
            size = self.measure(target.document, target.pointer, target.value, False)
        finally:
            self.inlining.pop()
        self.sizes[key] = size
        return size

    def target(self, document: Document, pointer: str, ref: str) -> Target:
        try:
            return self.spec.resolve(document, ref)
        except RefError as exc:
            raise self.error(exc.message, document, jp.join(pointer, "$ref")) from None

    def inline(self, document: Document, pointer: str, node: Any, in_schema: bool) -> Any:
        """A copy of ``node`` whose ``$ref``s all point inside the bundle (measured already)."""
        if isinstance(node, list):
            return [
                self.inline(document, f"{pointer}/{i}", item, in_schema)
                for i, item in enumerate(node)
            ]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self.target(document, pointer, ref)
            if in_schema:
                name = self.collector.name_of(target)
                return {**_rest(node), "$ref": self.collector.ref_prefix + name}
            if target.document is self.spec.root:
                return {**_rest(node), "$ref": "#" + _fragment(target.pointer)}
            # A parameter, response or example in another file: inlined where it is used.
            inlined = self.inline(target.document, target.pointer, target.value, False)
            return {**inlined, **_rest(node)} if isinstance(inlined, dict) else inlined
        copied: dict[str, Any] = {}
        for key, value, child_in_schema in _members(pointer, node, in_schema):
            if child_in_schema is None:
                copied[key] = value
            else:
                copied[key] = self.inline(document, jp.join(pointer, key), value, child_in_schema)
        return copied


def _members(
    pointer: str, node: dict[str, Any], in_schema: bool
) -> Iterator[tuple[str, Any, bool | None]]:
    """(key, value, whether it is in a schema) for each member to copy; None for literal data."""
    for key, value in node.items():
        if pointer == "/components" and key == "schemas":
            continue  # rebuilt from the collector, which names and rewrites every schema
        # Extensions are copied as written too: they are data for other tools, not OpenAPI.
        if holds_data(pointer, key, value, in_schema=in_schema) or is_extension(key):
            yield key, value, None
        else:
            yield key, value, in_schema or key == "schema"


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
        # Inside a schema, which members hold data does not depend on where it is: no pointer.
        if holds_data("", key, value, in_schema=True) or is_extension(key):
            result[key] = value
        else:
            result[key] = _json_schema_keywords(value)
    return result
