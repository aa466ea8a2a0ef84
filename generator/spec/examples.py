"""Where a spec carries examples, and the schema each must fit: for ``validate``'s example checks.

Examples sit on media types, parameters and headers (for their ``schema``) and on schemas (for
themselves), anywhere in the spec and in the files it references. This walks every such place once,
``$ref``s followed, so cycles end.
"""

from __future__ import annotations

from collections.abc import Iterator
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
        # The document by its URI, resolved once per document (GitHub visits 124k places).
        key = (spec.uri(target.document), target.pointer + "|" + kind)
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


def default_of(holder: Target, schema: Target) -> Target | None:
    """Where the ``default`` of a schema is, when ``holder`` is that schema and it has one (a
    default, like an example, is a value that should fit its schema)."""
    if holder is schema and isinstance(holder.value, dict) and "default" in holder.value:
        return Target(holder.document, jp.join(holder.pointer, "default"))
    return None


def schemas_of(spec: LoadedSpec) -> Iterator[Target]:
    """Every schema object of the spec and the files it references, once each."""
    for holder, schema in example_holders(spec):
        if holder is schema:
            yield schema


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
    for key in sorted(SUBSCHEMA_KEYWORDS):
        if isinstance(schema.get(key), dict):
            yield Target(document, jp.join(pointer, key)), "schema"
    for key in sorted(SUBSCHEMA_MAPS):
        members = schema.get(key)
        if isinstance(members, dict):
            for name in members:
                yield Target(document, jp.join(pointer, key, name)), "schema"
    for key in sorted(SUBSCHEMA_LISTS):
        members = schema.get(key)
        if isinstance(members, list):
            for index in range(len(members)):
                yield Target(document, jp.join(pointer, key, index)), "schema"
