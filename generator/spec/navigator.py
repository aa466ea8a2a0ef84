"""The one way around an OpenAPI document: operations, parameters, responses, media types, templates.

Every command asks the same questions of a spec: which operations are there, which parameters are in
force for one (path-level ones merged with its own), which response answers a status, which content
entry serves a media type, what the variables of a path template are, and which members hold data
rather than structure. They are answered here, once, so that `validate`, `generate`, `check`,
`bundle` and `diff` cannot disagree. Path items may be ``$ref``s; what does not resolve is skipped
(``validate`` reports it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.refs import LoadedSpec, RefError, Target

#: The methods an OpenAPI Path Item may hold, in the order the specification lists them.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: A ``{variable}`` of a path template or server URL.
TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")
#: Members whose value is JSON data, never spec structure: nothing in them is a ``$ref`` or a schema.
LITERAL_KEYWORDS = frozenset({"example", "default", "const", "enum"})

_STATUS_RANGE = re.compile(r"^[1-5]XX$")


@dataclass(frozen=True)
class PathOperation:
    """An operation where it is written, whether or not it has an operationId."""

    document: Document
    pointer: str
    #: The path template it is listed under (the key of ``paths``).
    path: str
    method: str
    #: The Operation Object itself.
    value: dict[str, Any]

    @property
    def operation_id(self) -> str | None:
        """The operationId, when it is a string."""
        found = self.value.get("operationId")
        return found if isinstance(found, str) else None


@dataclass(frozen=True)
class Operation:
    """An operation with an operationId: the operations clients, checks and conformance speak of."""

    operation_id: str
    document: Document
    pointer: str
    path: str
    method: str


def path_operations(spec: LoadedSpec) -> list[PathOperation]:
    """Every operation of the spec, in file order (path order, then :data:`HTTP_METHODS` order)."""
    found: list[PathOperation] = []
    paths = spec.data.get("paths")
    if not isinstance(paths, dict):
        return found
    for path in paths:
        try:
            item = spec.deref(spec.root, jp.join("/paths", path))
        except RefError:
            continue
        if not isinstance(item.value, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.value.get(method)
            if isinstance(operation, dict):
                pointer = jp.join(item.pointer, method)
                found.append(PathOperation(item.document, pointer, path, method, operation))
    return found


def operations(spec: LoadedSpec) -> list[Operation]:
    """Every operation with an operationId, in file order."""
    return [
        Operation(op.operation_id, op.document, op.pointer, op.path, op.method)
        for op in path_operations(spec)
        if op.operation_id is not None
    ]


def operation_parameters(
    spec: LoadedSpec, document: Document, op_pointer: str
) -> dict[tuple[str, str], Target]:
    """The parameters in force for an operation, by (in, name); operation-level ones win."""
    params: dict[tuple[str, str], Target] = {}
    for pointer in (
        jp.join(jp.parent(op_pointer), "parameters"),
        jp.join(op_pointer, "parameters"),
    ):
        try:
            listed = jp.resolve(document.data, pointer)
        except LookupError:
            continue
        if not isinstance(listed, list):
            continue
        for index in range(len(listed)):
            try:
                param = spec.deref(document, f"{pointer}/{index}")
            except RefError:
                continue
            value = param.value
            if isinstance(value, dict) and isinstance(value.get("name"), str):
                params[(str(value.get("in")), value["name"])] = param
    return params


def response_key(responses: dict[str, Any], status: str) -> str | None:
    """The key of ``responses`` that answers ``status``: exact, then its range (``4XX``), then
    ``default``."""
    if status in responses:
        return status
    if status.isdigit():
        ranged = f"{status[0]}XX"
        for key in responses:
            if key.upper() == ranged and _STATUS_RANGE.match(key.upper()):
                return key
    return "default" if "default" in responses else None


def media_essence(media_type: str) -> str:
    """A media type without parameters, lower-cased: ``application/json; charset=utf-8`` is
    ``application/json``."""
    return media_type.split(";", 1)[0].strip().lower()


def media_type_key(content: dict[str, Any], media_type: str) -> str | None:
    """The key of ``content`` that serves ``media_type``: exact, then ``type/*``, then ``*/*``."""
    wanted = media_essence(media_type)
    by_essence = {media_essence(key): key for key in content}
    for candidate in (wanted, wanted.split("/", 1)[0] + "/*", "*/*"):
        if candidate in by_essence:
            return by_essence[candidate]
    return None


def is_json(media_type: str) -> bool:
    """Whether the media type declares JSON: ``application/json`` or any ``+json`` type."""
    essence = media_essence(media_type)
    return essence == "application/json" or essence.endswith("+json")


def may_be_json(media_type: str) -> bool:
    """Whether a body of this declared type may be JSON: :func:`is_json`, or ``*/*``.

    Reading a body (generating its model, checking a recording) takes ``*/*`` as JSON; asking
    a spec to declare a JSON schema (``validate``) does not, since ``*/*`` is as often a file.
    """
    return is_json(media_type) or media_essence(media_type) == "*/*"


def template_variables(template: str) -> list[str]:
    """The variable names of a path template or server URL, in order (``/a/{b}/{c}``: b, c)."""
    return TEMPLATE_VARIABLE.findall(template)


def template_shape(template: str) -> str:
    """The template with its variables unnamed: ``/jobs/{id}`` and ``/jobs/{jobId}`` are one path."""
    return TEMPLATE_VARIABLE.sub("{}", template)


def is_extension(key: object) -> bool:
    """Whether a member is a specification extension (``x-...``): data for tools, not structure."""
    return str(key).startswith("x-")


def holds_data(pointer: str, key: str, value: Any, *, in_schema: bool = False) -> bool:
    """Whether member ``key`` of the object at ``pointer`` holds JSON data rather than spec structure.

    Data is an ``example``, ``default``, ``const`` or ``enum``; a Schema's ``examples`` (values,
    unlike the named Example Objects ``examples`` maps to elsewhere); and the ``value`` of an
    Example Object. Nothing inside data is a ``$ref``, a schema or an example to check.
    """
    if key in LITERAL_KEYWORDS:
        return True
    if key == "examples":
        return in_schema or not isinstance(value, dict)
    return not in_schema and key == "value" and jp.parent(pointer).endswith("/examples")


def path_items(spec: LoadedSpec) -> list[tuple[str, Target]]:
    """Every path item of the spec with its path template, in file order, ``$ref``s followed."""
    found: list[tuple[str, Target]] = []
    paths = spec.data.get("paths")
    if not isinstance(paths, dict):
        return found
    for path in paths:
        try:
            item = spec.deref(spec.root, jp.join("/paths", path))
        except RefError:
            continue
        if isinstance(item.value, dict):
            found.append((path, item))
    return found


def operation_responses(
    spec: LoadedSpec, document: Document, op_pointer: str
) -> list[tuple[str, Target]]:
    """The responses an operation declares, by status key as written, in file order, ``$ref``s
    followed (use :func:`response_key` to find the one that answers a status)."""
    found: list[tuple[str, Target]] = []
    pointer = jp.join(op_pointer, "responses")
    try:
        responses = jp.resolve(document.data, pointer)
    except LookupError:
        return found
    if not isinstance(responses, dict):
        return found
    for status in responses:
        try:
            found.append((status, spec.deref(document, jp.join(pointer, status))))
        except RefError:
            continue
    return found


def content_entries(holder: Target) -> list[tuple[str, Target]]:
    """The ``content`` of a response, request body, parameter or header: each media type as
    written, with where its Media Type Object is (use :func:`media_type_key` to pick one)."""
    value = holder.value
    content = value.get("content") if isinstance(value, dict) else None
    if not isinstance(content, dict):
        return []
    pointer = jp.join(holder.pointer, "content")
    return [(key, Target(holder.document, jp.join(pointer, key))) for key in content]


#: Schema keywords whose value is a schema, and those whose value maps names or lists to schemas.
_SUBSCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: Members that hold a map (or list) of objects of one kind, and the kind of those objects.
_MEMBER_KIND = {
    "content": "media",
    "headers": "header",
    "schemas": "schema",
    "parameters": "parameter",
}
_CONTAINER_KEYS = frozenset({*_MEMBER_KIND, "schema"})


def example_holders(spec: LoadedSpec) -> Iterator[tuple[Target, Target]]:
    """(object holding examples, the schema they must fit) for every place that may have examples.

    Media types, parameters and headers hold examples for their ``schema``; schema objects hold
    examples for themselves. Every object is visited once, ``$ref``s followed, so cycles end; what
    does not resolve is skipped. Read the examples themselves with :func:`examples_of`.
    """
    seen: set[tuple[str, str]] = set()
    stack: list[tuple[Target, str]] = [(Target(spec.root, ""), "root")]
    while stack:
        target, kind = stack.pop()
        try:
            target = spec.deref(target.document, target.pointer)
        except RefError:
            continue
        key = (str(target.document.path.resolve()), target.pointer + "|" + kind)
        if key in seen:
            continue
        seen.add(key)
        node = target.value
        if not isinstance(node, (dict, list)):
            continue
        document, pointer = target.document, target.pointer
        if kind == "schema":
            if isinstance(node, dict):
                yield target, target
                stack.extend(_subschemas(document, pointer, node))
            continue
        if isinstance(node, dict) and "schema" in node and kind in ("media", "parameter", "header"):
            yield target, Target(document, jp.join(pointer, "schema"))
        stack.extend(_children(document, pointer, node, kind))


def examples_of(spec: LoadedSpec, holder: Target) -> Iterator[tuple[str | int | None, Target]]:
    """Each example ``holder`` carries and where its value is: ``None`` names its ``example``, an
    int a position in a schema's ``examples`` list, a string an Example Object (``$ref`` followed,
    skipped when it does not resolve or has no ``value``)."""
    node = holder.value
    document, pointer = holder.document, holder.pointer
    if "example" in node:
        yield None, Target(document, jp.join(pointer, "example"))
    examples = node.get("examples")
    if isinstance(examples, list):
        for index in range(len(examples)):
            yield index, Target(document, jp.join(pointer, "examples", index))
    elif isinstance(examples, dict):
        for name in examples:
            try:
                example = spec.deref(document, jp.join(pointer, "examples", name))
            except RefError:
                continue
            if isinstance(example.value, dict) and "value" in example.value:
                yield name, Target(example.document, jp.join(example.pointer, "value"))


def _children(
    document: Document, pointer: str, node: Any, kind: str
) -> Iterator[tuple[Target, str]]:
    """The structural children of an OpenAPI object that can hold examples, with their kind."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        child = Target(document, jp.join(pointer, key))
        if kind in _MEMBER_KIND:  # a map (or list) of objects of one kind
            yield child, _MEMBER_KIND[kind]
        elif isinstance(key, str) and (
            key == "examples" or is_extension(key) or holds_data(pointer, key, value)
        ):
            # Data is no structure; examples are read from their holder by examples_of.
            continue
        elif key in _CONTAINER_KEYS:
            yield child, str(key)
        elif isinstance(value, (dict, list)):
            yield child, "node"


def _subschemas(
    document: Document, pointer: str, schema: dict[str, Any]
) -> Iterator[tuple[Target, str]]:
    for key in _SUBSCHEMA:
        if isinstance(schema.get(key), dict):
            yield Target(document, jp.join(pointer, key)), "schema"
    for key in _SUBSCHEMA_MAPS:
        members = schema.get(key)
        if isinstance(members, dict):
            for name in members:
                yield Target(document, jp.join(pointer, key, name)), "schema"
    for key in _SUBSCHEMA_LISTS:
        members = schema.get(key)
        if isinstance(members, list):
            for index in range(len(members)):
                yield Target(document, jp.join(pointer, key, index)), "schema"
