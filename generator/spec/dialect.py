"""Bring OpenAPI 3.0 schema objects to JSON Schema 2020-12, keeping every key where it was.

OpenAPI 3.1 schemas already are JSON Schema 2020-12. OpenAPI 3.0 used a dialect of its own; the parts
that change a verdict are ``nullable`` and boolean ``exclusiveMinimum``/``exclusiveMaximum``. They are
rewritten in place of the keyword they belong to, so a JSON pointer into the converted document still
names the same line of the original file.
"""

from __future__ import annotations

from typing import Any


def is_openapi_30(spec_data: Any) -> bool:
    """Whether a spec's root declares OpenAPI 3.0.x."""
    return isinstance(spec_data, dict) and str(spec_data.get("openapi", "")).startswith("3.0")


def oas30_to_2020_12(node: Any) -> Any:
    """A copy of ``node`` (any part of an OpenAPI 3.0 document) with its schema objects in 2020-12.

    The keywords rewritten only exist in schema objects in OpenAPI 3.0, so the whole document can be
    walked without knowing which parts are schemas.
    """
    if isinstance(node, list):
        return [oas30_to_2020_12(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: oas30_to_2020_12(value) for key, value in node.items()}
    if converted.get("nullable") is True:
        _allow_null(converted)
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = converted.get(bound)
        if isinstance(flag, bool):
            if flag and limit in converted:
                converted[bound] = converted.pop(limit)
            else:
                del converted[bound]
    return converted


def _allow_null(schema: dict[str, Any]) -> None:
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    enum = schema.get("enum")
    if isinstance(enum, list) and None not in enum:
        schema["enum"] = [*enum, None]
