"""Which schema defaults the models keep: only those a field can hold as they are written.

datamodel-code-generator writes a schema's ``default`` as a Python literal after the field's
annotation (``count: int = 5``), and pydantic does not validate defaults. A default that is not a
value of the field's Python type would be a value of the wrong type in every model that omits the
field, and fails ``mypy --strict``: ``"100.0"`` for an ``integer``, ``100.5`` for an ``integer``,
``"2020-01-01"`` for a ``format: date`` field (a :class:`datetime.date`), ``{"a": 1}`` for a field
whose type is a model class, ``"c"`` for an enum without that value. Such a default is left out of
what datamodel-code-generator is shown; the field then reads ``None`` when a payload omits it, as
any optional field does (``specgen validate`` reports a default that does not fit its schema:
``example-valid``).

A default is kept when it is JSON data of the schema's own ``type`` (an integer for ``number`` too),
of a ``format`` that keeps the plain Python type (:data:`RETYPED` lists those that do not), in the
schema's ``enum`` (written as the enum's member), equal to its ``const``, item by item for arrays
and maps, and ``null`` only where the schema allows it.
"""

from __future__ import annotations

from typing import Any

#: Formats datamodel-code-generator turns into another Python type than the JSON type's own
#: (``str``, ``int``, ``float``): a JSON default of such a field is not a value of its annotation.
#: ``tests/generate/test_formats.py`` checks this against every format it knows.
RETYPED: dict[str, frozenset[str]] = {
    "string": frozenset(
        {
            "byte",
            "binary",
            "date",
            "date-time",
            "date-time-local",
            "timestamp with time zone",
            "duration",
            "time",
            "time-local",
            "uuid",
            "uuid1",
            "uuid2",
            "uuid3",
            "uuid4",
            "uuid5",
            "decimal",
            "integer",
            "unixtime",
        }
    ),
    "integer": frozenset({"date-time"}),
    "number": frozenset({"decimal", "date-time", "time", "time-delta", "unixtime"}),
}
_SCHEMA_VALUED = frozenset({"items", "additionalProperties", "not"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties"})


def drop_unfit_defaults(components: dict[str, Any], ref_prefix: str) -> None:
    """Remove, in place, every ``default`` of the allowlisted ``components`` that no field could
    hold as written (see the module's docstring); ``$ref``s start with ``ref_prefix``."""
    fitting = _Fitting(components, ref_prefix)
    for schema in components.values():
        fitting.walk(schema)


class _Fitting:
    def __init__(self, components: dict[str, Any], ref_prefix: str) -> None:
        self.components = components
        self.ref_prefix = ref_prefix

    def walk(self, node: Any) -> None:
        if not isinstance(node, dict):
            return
        if "default" in node and not self.fits(node, node["default"]):
            del node["default"]
        for key, value in node.items():
            if key in _SCHEMA_VALUED:
                self.walk(value)
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                for item in value:
                    self.walk(item)
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                for item in value.values():
                    self.walk(item)

    def fits(self, schema: Any, value: Any) -> bool:
        """Whether ``value``, written as a literal, is a value of the type made from ``schema``."""
        if not isinstance(schema, dict):
            return schema is not False  # `true` (or nothing to go by) is `Any`
        if "$ref" in schema:
            return self._fits_named(schema["$ref"], value)
        if "const" in schema:
            return _same(value, schema["const"])
        if isinstance(schema.get("enum"), list):
            return any(_same(value, member) for member in schema["enum"])
        if "allOf" in schema:
            parts = schema["allOf"]
            return isinstance(parts, list) and len(parts) == 1 and self.fits(parts[0], value)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                branches = schema[key] if isinstance(schema[key], list) else []
                # A union's members are written as they are only when none is a class.
                plain = [b for b in branches if not (isinstance(b, dict) and "$ref" in b)]
                return any(self.fits(branch, value) for branch in plain)
        if "properties" in schema:
            return False  # an object with properties is a model class
        return self._fits_type(schema, value)

    def _fits_named(self, ref: Any, value: Any) -> bool:
        # A named schema is a class; only an enum class takes a plain value (written as its member).
        target = self.components.get(ref[len(self.ref_prefix) :]) if isinstance(ref, str) else None
        if not (isinstance(target, dict) and isinstance(target.get("enum"), list)):
            return False
        if _allows_null(target) or None in target["enum"]:
            return False  # a nullable enum is a root model of the enum or None
        return any(_same(value, member) for member in target["enum"])

    def _fits_type(self, schema: dict[str, Any], value: Any) -> bool:
        declared = schema.get("type")
        kinds = [declared] if isinstance(declared, str) else declared
        if not isinstance(kinds, list) or not kinds:
            return True  # no type: `Any`
        if value is None:
            return _allows_null(schema)
        kind = _json_kind(value)
        matching = [k for k in kinds if k == kind or (k == "number" and kind == "integer")]
        fmt = schema.get("format")
        for matched in matching:
            if isinstance(fmt, str) and fmt in RETYPED.get(matched, frozenset()):
                continue
            if matched == "array":
                return all(self.fits(schema.get("items", True), item) for item in value)
            if matched == "object":
                extra = schema.get("additionalProperties", True)
                return all(self.fits(extra, item) for item in value.values())
            return True
        return False


def _allows_null(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    return (
        schema.get("nullable") is True
        or declared == "null"
        or (isinstance(declared, list) and "null" in declared)
    )


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def _same(value: Any, member: Any) -> bool:
    """JSON equality: ``1`` is not ``true``, and ``1`` is not ``1.0`` (their literals differ)."""
    return type(value) is type(member) and value == member
