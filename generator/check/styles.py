"""Parameter values as a request carries them, read back into the JSON values their schemas describe.

OpenAPI serializes a parameter by its ``style`` and ``explode``; this module undoes that for each
place a parameter can be:

- query: ``form`` (``ids=1&ids=2`` exploded, ``ids=1,2`` not; an exploded object is one query
  parameter per property), ``spaceDelimited`` (``ids=1%202``), ``pipeDelimited`` (``ids=1|2``),
  ``deepObject`` (``filter[status]=open``);
- path and header: ``simple`` (``1,2``; an object ``k,v,k,v``, exploded ``k=v,k=v``), and for paths
  ``label`` (``.1.2``) and ``matrix`` (``;ids=1,2``);
- cookie: ``form`` (``1,2``).

Text becomes the type the schema asks for (``"5"`` is 5 for an integer), and stays text when it is
not one, so that the schema's own ``type`` check reports it. What a parameter's schema needs is
worked out once per operation (:class:`Shape`), so reading a value costs no spec walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.spec import pointer as jp

#: A parameter the request does not carry.
MISSING = object()
#: A parameter whose value cannot be told apart from the rest of the request (not checked).
UNKNOWN = object()


@dataclass(frozen=True)
class Shape:
    """How a parameter is serialized and what its schema's values are, worked out once."""

    location: str
    name: str
    style: str
    explode: bool
    #: The schema's type (``array``, ``object``, ``integer``...; "" when it names none).
    kind: str = ""
    #: For an array, its items' type.
    item_kind: str = ""
    #: For an object, each declared property's type.
    property_kinds: dict[str, str] = field(default_factory=dict)


def query_value(shape: Shape, query: dict[str, list[str]]) -> Any:
    """The value of a query parameter, :data:`MISSING`, or :data:`UNKNOWN` (an exploded form
    object that declares no properties)."""
    name = shape.name
    if shape.kind == "object":
        if shape.style == "deepObject":
            prefix = name + "["
            found = {
                key[len(prefix) : -1]: values[-1]
                for key, values in query.items()
                if key.startswith(prefix) and key.endswith("]")
            }
            return _object(shape, found) if found else MISSING
        if shape.explode and shape.style == "form":
            if not shape.property_kinds:
                return UNKNOWN  # which query parameters are its properties? none is declared
            found = {key: query[key][-1] for key in shape.property_kinds if key in query}
            return _object(shape, found) if found else MISSING
        values = query.get(name)
        if values is None:
            return MISSING
        return _pairs(shape, values[-1].split(_delimiter(shape.style)))
    values = query.get(name)
    if values is None:
        return MISSING
    if shape.kind == "array":
        if not shape.explode or shape.style in ("spaceDelimited", "pipeDelimited"):
            delimiter = _delimiter(shape.style)
            values = [part for value in values for part in value.split(delimiter)]
        return [coerce(value, shape.item_kind) for value in values]
    return coerce(values[-1], shape.kind)


def simple_value(shape: Shape, text: str) -> Any:
    """The value of a path, header or cookie parameter from its text."""
    if shape.location == "path" and shape.style in ("label", "matrix"):
        text, separator = _unwrap(shape, text)
    else:
        separator = ","
    if shape.kind == "array":
        return [coerce(part, shape.item_kind) for part in text.split(separator)]
    if shape.kind == "object":
        parts = text.split(separator)
        if shape.explode:
            return _object(shape, dict(part.partition("=")[::2] for part in parts))
        return _pairs(shape, parts)
    return coerce(text, shape.kind)


def _unwrap(shape: Shape, text: str) -> tuple[str, str]:
    """A label or matrix value without its prefix, and the separator between its parts."""
    if shape.style == "label":
        text = text.removeprefix(".")
        return text, "." if shape.explode else ","
    prefix = f";{shape.name}="
    if shape.kind == "object" and shape.explode:
        return text.removeprefix(";"), ";"
    if shape.kind == "array" and shape.explode:
        return text.removeprefix(prefix), prefix
    return text.removeprefix(prefix), ","


def _delimiter(style: str) -> str:
    return {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")


def _pairs(shape: Shape, parts: list[str]) -> Any:
    """``k,v,k,v`` as an object (an odd count stays text, for the schema's ``type`` to report)."""
    if len(parts) % 2:
        return ",".join(parts)
    return _object(shape, dict(zip(parts[::2], parts[1::2], strict=True)))


def _object(shape: Shape, found: dict[str, str]) -> dict[str, Any]:
    return {key: coerce(value, shape.property_kinds.get(key, "")) for key, value in found.items()}


def coerce(text: str, kind: str) -> Any:
    """Text as the JSON value of type ``kind`` (left as text when it is not one)."""
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind == "null" and text in ("", "null"):
        return None
    return text


def schema_kind(schema: Any) -> str:
    """The type a schema names (the first besides ``null`` of a list), or ""."""
    if not isinstance(schema, dict):
        return ""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null" if kind else "")
    return kind if isinstance(kind, str) else ""


def header_map(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Request headers by lower-cased name; repeated ones joined with ``, `` as HTTP allows."""
    found: dict[str, str] = {}
    for name, value in pairs:
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


def cookies(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The cookies of every Cookie header (HAR's ``request.cookies`` are among them), by name."""
    found: dict[str, str] = {}
    for name, value in pairs:
        if name != "cookie":
            continue
        for pair in value.split(";"):
            key, equals, cookie = pair.partition("=")
            if equals and key.strip():
                found[key.strip()] = cookie.strip().strip('"')
    return found


def place_in(shape: Shape, pointer: str) -> str:
    """Where a violation is in the request: ``query/filter[status]`` for a deepObject's property,
    ``query/size`` for an exploded form object's (each property is a query parameter of its own),
    else the parameter's place followed by the pointer into its value (``query/ids/1``)."""
    where = f"{shape.location}/{shape.name}"
    if not pointer or shape.kind != "object" or shape.location != "query":
        return where + pointer
    first, _, rest = pointer[1:].partition("/")
    rest = f"/{rest}" if rest else ""
    if shape.style == "deepObject":
        return f"{where}[{jp.unescape(first)}]{rest}"
    if shape.style == "form" and shape.explode:
        return f"query/{jp.unescape(first)}{rest}"
    return where + pointer
