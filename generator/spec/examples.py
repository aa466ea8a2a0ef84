"""Where a spec carries examples, and the schema each must fit: for ``validate``'s example checks.

Examples sit on media types, parameters and headers (for their ``schema``) and on schemas (for
themselves), anywhere in the spec and in the files it references. This walks every such place once,
``$ref``s followed, so cycles end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.navigator import (
    SUBSCHEMA_KEYWORDS,
    SUBSCHEMA_LISTS,
    SUBSCHEMA_MAPS,
    holds_data,
    is_extension,
)
from generator.spec.refs import LoadedSpec, RefError, Target

#: Members that hold a map (or list) of objects of one kind, and the kind of those objects.
_MEMBER_KIND = {
    "content": "media",
    "headers": "header",
    "schemas": "schema",
    "parameters": "parameter",
}
_CONTAINER_KEYS = frozenset({*_MEMBER_KIND, "schema"})
#: The subschema keywords in the order they are walked (sorted, so the walk is the same every run).
_SUBSCHEMA_KEYWORDS = sorted(SUBSCHEMA_KEYWORDS)
_SUBSCHEMA_MAPS = sorted(SUBSCHEMA_MAPS)
_SUBSCHEMA_LISTS = sorted(SUBSCHEMA_LISTS)
_SUBSCHEMA_ANY = SUBSCHEMA_KEYWORDS | SUBSCHEMA_MAPS | SUBSCHEMA_LISTS


def example_holders(spec: LoadedSpec) -> Iterator[tuple[Target, Target]]:
    """(object holding examples, the schema they must fit) for every place that may have examples.

    Media types, parameters and headers hold examples for their ``schema``; schema objects hold
    examples for themselves. Every object is visited once, ``$ref``s followed, so cycles end; what
    does not resolve is skipped. Read the examples themselves with :func:`examples_of`.
    """
    seen: set[tuple[str, str, str]] = set()
    stack: list[tuple[Target, str]] = [(Target(spec.root, "", spec.root.data), "root")]
    while stack:
        target, kind = stack.pop()
        node = target.value
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                target = spec.follow(target)
            except RefError:
                continue
        # The document by its URI, resolved once per document (GitHub visits 124k places).
        key = (spec.uri(target.document), target.pointer, kind)
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
            yield target, Target(document, jp.join(pointer, "schema"), node["schema"])
        stack.extend(_children(document, pointer, node, kind))


def examples_of(spec: LoadedSpec, holder: Target) -> Iterator[tuple[str | int | None, Target]]:
    """Each example ``holder`` carries and where its value is: ``None`` names its ``example``, an
    int a position in a schema's ``examples`` list, a string an Example Object (``$ref`` followed,
    skipped when it does not resolve or has no ``value``)."""
    node = holder.value
    document, pointer = holder.document, holder.pointer
    if "example" in node:
        yield None, Target(document, jp.join(pointer, "example"), node["example"])
    examples = node.get("examples")
    if isinstance(examples, list):
        for index, example in enumerate(examples):
            yield index, Target(document, jp.join(pointer, "examples", index), example)
    elif isinstance(examples, dict):
        for name, written in examples.items():
            try:
                example = spec.follow(Target(document, jp.join(pointer, "examples", name), written))
            except RefError:
                continue
            value = example.value
            if isinstance(value, dict) and "value" in value:
                yield (
                    name,
                    Target(example.document, jp.join(example.pointer, "value"), value["value"]),
                )


def default_of(holder: Target, schema: Target) -> Target | None:
    """Where the ``default`` of a schema is, when ``holder`` is that schema and it has one (a
    default, like an example, is a value that should fit its schema)."""
    if holder is schema and isinstance(holder.value, dict) and "default" in holder.value:
        return Target(holder.document, jp.join(holder.pointer, "default"), holder.value["default"])
    return None


@dataclass
class Survey:
    """What ``validate`` checks of a spec's examples and schemas, found in one walk of
    :func:`example_holders`, in its order."""

    #: Each holder with an example or a default, and the schema its values must fit.
    examples: list[tuple[Target, Target]] = field(default_factory=list)
    #: Each schema object with a ``pattern`` or ``patternProperties``.
    patterned: list[Target] = field(default_factory=list)


def survey(spec: LoadedSpec) -> Survey:
    """The places of ``spec`` whose examples, defaults and patterns ``validate`` checks.

    Places with none of them are left out as they are met, so a large spec's tens of thousands of
    schemas are not all held at once.
    """
    found = Survey()
    for holder, schema in example_holders(spec):
        node = holder.value
        itself = holder is schema
        if "example" in node or "examples" in node or (itself and "default" in node):
            found.examples.append((holder, schema))
        if itself and ("pattern" in node or "patternProperties" in node):
            found.patterned.append(schema)
    return found


def _children(
    document: Document, pointer: str, node: Any, kind: str
) -> Iterator[tuple[Target, str]]:
    """The structural children of an OpenAPI object that can hold examples, with their kind."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if kind in _MEMBER_KIND:  # a map (or list) of objects of one kind
            yield Target(document, jp.join(pointer, key), value), _MEMBER_KIND[kind]
        elif isinstance(key, str) and (
            key == "examples" or is_extension(key) or holds_data(pointer, key, value)
        ):
            # Data is no structure; examples are read from their holder by examples_of.
            continue
        elif key in _CONTAINER_KEYS:
            yield Target(document, jp.join(pointer, key), value), str(key)
        elif isinstance(value, (dict, list)):
            yield Target(document, jp.join(pointer, key), value), "node"


def _subschemas(
    document: Document, pointer: str, schema: dict[str, Any]
) -> Iterator[tuple[Target, str]]:
    if schema.keys().isdisjoint(_SUBSCHEMA_ANY):
        return  # most schemas are leaves: one set operation instead of a lookup per keyword
    for key in _SUBSCHEMA_KEYWORDS:
        if isinstance(schema.get(key), dict):
            yield Target(document, jp.join(pointer, key), schema[key]), "schema"
    for key in _SUBSCHEMA_MAPS:
        members = schema.get(key)
        if isinstance(members, dict):
            for name, member in members.items():
                yield Target(document, jp.join(pointer, key, name), member), "schema"
    for key in _SUBSCHEMA_LISTS:
        members = schema.get(key)
        if isinstance(members, list):
            for index, member in enumerate(members):
                yield Target(document, jp.join(pointer, key, index), member), "schema"
