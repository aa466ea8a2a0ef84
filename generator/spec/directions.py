"""Schemas as a request or a response sees them: ``readOnly`` and ``writeOnly`` properties.

OpenAPI marks a property ``readOnly`` (sent by the server only) or ``writeOnly`` (sent by the client
only). Such a property is not required in the other direction, and sending it there is a mistake.
JSON Schema itself only annotates them, so :func:`directed` writes a copy of a document where, in the
direction asked, each such property is the ``false`` schema (any value sent fails) and is left out
of its object's ``required``. Every other key stays where it was, so a JSON pointer into the copy
still names the same line of the original file.

The copy is made only for documents that use the keyword at all (:func:`mentions`), and costs one
walk of the document: linear in the spec's size.
"""

from __future__ import annotations

from typing import Any

from generator.spec import pointer as jp
from generator.spec.navigator import LITERAL_KEYWORDS

#: The keyword that hides a property, by direction: readOnly ones are not sent in a request.
HIDING = {"request": "readOnly", "response": "writeOnly"}


def mentions(node: Any, keyword: str) -> bool:
    """Whether any schema in ``node`` sets ``keyword`` to true (one walk, no copy)."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if value.get(keyword) is True:
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def directed(data: Any, direction: str) -> tuple[Any, dict[str, str]]:
    """``data`` (a whole document) as ``direction`` ("request" or "response") sees it.

    Returns the copy and, for each property made ``false``, its pointer mapped to the pointer of the
    ``readOnly``/``writeOnly`` keyword that hid it (where a violation of it is written). ``data``
    itself is returned, with no hidden properties, when it does not use the keyword.
    """
    keyword = HIDING[direction]
    if not mentions(data, keyword):
        return data, {}
    hidden: dict[str, str] = {}
    return _copy(data, "", data, keyword, hidden), hidden


def _copy(node: Any, pointer: str, root: Any, keyword: str, hidden: dict[str, str]) -> Any:
    # Recursion is bounded by the spec's nesting, which loading limits (--max-depth).
    if isinstance(node, list):
        return [_copy(item, f"{pointer}/{i}", root, keyword, hidden) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    # Data (an example, an enum) holds no schema; but a property may be called "default".
    data = () if pointer.endswith("/properties") else LITERAL_KEYWORDS
    copied = {
        key: value
        if key in data
        else _copy(value, jp.join(pointer, str(key)), root, keyword, hidden)
        for key, value in node.items()
    }
    properties = node.get("properties")
    if not isinstance(properties, dict):
        return copied
    gone = []
    for name, schema in properties.items():
        at = jp.join(pointer, "properties", str(name))
        mark = _marked(schema, at, root, keyword)
        if mark is not None:
            copied["properties"][name] = False
            hidden[at] = mark
            gone.append(name)
    required = node.get("required")
    if gone and isinstance(required, list):
        copied["required"] = [name for name in required if name not in gone]
    return copied


def _marked(schema: Any, pointer: str, root: Any, keyword: str) -> str | None:
    """Where ``schema`` (a property's) sets ``keyword``: itself, an ``allOf`` member, or the schema
    a local ``$ref`` of either names (one hop); None when it does not."""
    candidates: list[tuple[Any, str]] = [(schema, pointer)]
    if isinstance(schema, dict) and isinstance(schema.get("allOf"), list):
        candidates += [
            (member, jp.join(pointer, "allOf", index))
            for index, member in enumerate(schema["allOf"])
        ]
    for candidate, at in candidates:
        if not isinstance(candidate, dict):
            continue
        if candidate.get(keyword) is True:
            return jp.join(at, keyword)
        ref = candidate.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target_pointer = jp.from_fragment(ref[1:])
            try:
                target = jp.resolve(root, target_pointer)
            except LookupError:
                continue
            if isinstance(target, dict) and target.get(keyword) is True:
                return jp.join(target_pointer, keyword)
    return None
