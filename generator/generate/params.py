"""The Python type of an operation parameter, from its schema.

A scalar, a list, an object (``dict[str, Any]``), the union of a ``oneOf``/``anyOf``'s branches or of
a list of types; an enum is a ``Literal`` of its values, and where the schema is a component enum
(by ``$ref``, or by being the same enum) that model enum too: parameters are sent by value, and a
``StrEnum``/``IntEnum`` member's value is what it stands for, so ``models.Status.OPEN`` and
``"open"`` both fit ``models.Status | Literal["open", "closed"]`` without a cast.
"""

from __future__ import annotations

from typing import Any

from generator.generate.datamodels import ModelsModule
from generator.generate.schemas import ClientSchemas
from generator.spec import pointer as jp
from generator.spec.refs import LoadedSpec, RefError, Target

#: How deep a parameter's schema is followed for its type (arrays of unions of arrays...).
_MAX_TYPE_DEPTH = 8
_SCALAR_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_FORMAT_TYPES = {"uuid": "uuid.UUID", "date-time": "datetime.datetime", "date": "datetime.date"}


class ParamTypes:
    """Annotations of the parameters of one spec, its model enums known."""

    def __init__(self, spec: LoadedSpec, schemas: ClientSchemas, models: ModelsModule) -> None:
        self.spec = spec
        #: Enum classes by where their schema is written, and by their values.
        self.by_place: dict[tuple[str, str], str] = {}
        self.by_values: dict[tuple[Any, ...], str] = {}
        for named in schemas.definitions:
            values = named.schema.get("enum") if isinstance(named.schema, dict) else None
            if named.class_name in models.enums and isinstance(values, list):
                self.by_place[(named.source.file, named.source.pointer)] = named.class_name
                self.by_values.setdefault(_enum_key(values), named.class_name)

    def annotation(self, schema: Target | None) -> str:
        """The annotation of the parameter whose schema is written at ``schema`` (None: it has
        none, and is sent as text)."""
        if schema is None:
            return "str"
        return self._at(schema, 0)

    def _at(self, where: Target, depth: int) -> str:
        if depth > _MAX_TYPE_DEPTH:
            return "Any"
        try:
            target = self.spec.deref(where.document, where.pointer)
        except RefError:
            return "str"
        schema = target.value if isinstance(target.value, dict) else {}
        return self._of(schema, target, depth)

    def _of(self, schema: dict[str, Any], target: Target, depth: int) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            if len(kinds) > 1:
                return _union([self._of({**schema, "type": k}, target, depth + 1) for k in kinds])
            kind = kinds[0] if kinds else "string"
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            values = [v for v in enum if v is not None]
            if values and all(isinstance(v, (str, int)) for v in values):  # bool is an int
                literal = "Literal[" + ", ".join(repr(v) for v in values) + "]"
                model = self.by_place.get(
                    (target.document.path.name, target.pointer)
                ) or self.by_values.get(_enum_key(enum))
                return f"models.{model} | {literal}" if model else literal
            if kind is None and values:
                # Values a Literal cannot hold (numbers with a fraction, objects): their types.
                return _union([_value_type(value) for value in values])
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword)
            if kind is None and isinstance(branches, list) and branches:
                types = [
                    self._at(branch, depth + 1)
                    for branch in self._children(target, keyword, len(branches))
                    if not self._is_null(branch)
                ]
                return _union(types) if types else "str"
        parts = schema.get("allOf")
        if kind is None and isinstance(parts, list) and len(parts) == 1:
            return self._at(self._child(target, "allOf", "0"), depth + 1)
        if kind == "array":
            if not isinstance(schema.get("items"), dict):
                return "list[str]"
            return f"list[{self._at(self._child(target, 'items'), depth + 1)}]"
        if kind == "object" or (kind is None and ("properties" in schema or "allOf" in schema)):
            return "dict[str, Any]"
        if kind == "string" and schema.get("format") in _FORMAT_TYPES:
            return _FORMAT_TYPES[schema["format"]]
        return _SCALAR_TYPES.get(str(kind), "str")

    def _child(self, target: Target, *keys: str) -> Target:
        return Target(target.document, jp.join(target.pointer, *keys))

    def _children(self, target: Target, keyword: str, count: int) -> list[Target]:
        return [self._child(target, keyword, str(index)) for index in range(count)]

    def _is_null(self, where: Target) -> bool:
        try:
            value = self.spec.deref(where.document, where.pointer).value
        except RefError:
            return False
        return isinstance(value, dict) and value.get("type") == "null"


def _value_type(value: Any) -> str:
    """The annotation of a JSON value's type."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "int" if isinstance(value, int) else "float"
    if isinstance(value, dict):
        return "dict[str, Any]"
    return "list[Any]" if isinstance(value, list) else "str"


def _enum_key(values: list[Any]) -> tuple[Any, ...]:
    """Enum values compared with their types (``1`` is not ``"1"``, nor ``True``)."""
    return tuple((type(value).__name__, value) for value in values)


def _union(types: list[str]) -> str:
    """``a | b`` of ``types`` in order, without repeats."""
    unique: list[str] = []
    for annotation in types:
        for member in annotation.split(" | "):
            if member not in unique:
                unique.append(member)
    return " | ".join(unique)
