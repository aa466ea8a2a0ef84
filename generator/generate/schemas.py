"""Gather the schemas a client needs into one self-contained set of named definitions.

A spec's schemas live in ``#/components/schemas``, inline in operations, and in other files beside it.
Model generation wants them in one place, each with a class name and every ``$ref`` pointing at a
name. :class:`SchemaCollector` does that: it names each ``$ref`` target once (components keep their
name; anything else is named after its last pointer token), copies it with its refs rewritten, and
follows refs lazily, so cycles end and only reachable schemas are included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.generate.ir import NamedSchema, Source
from generator.generate.naming import Scope, class_name
from generator.spec import pointer as jp
from generator.spec.dialect import is_openapi_30, oas30_to_2020_12
from generator.spec.document import Document
from generator.spec.navigator import (
    Operation,
    component_schemas,
    content_entries,
    holds_data,
    is_extension,
    may_be_json,
    operations,
    request_body,
    responses,
)
from generator.spec.refs import LoadedSpec, Target

#: Names the generated models module imports; a schema may not take them.
_IMPORTED_NAMES = frozenset(
    {
        "Any",
        "Annotated",
        "Literal",
        "BaseModel",
        "RootModel",
        "ConfigDict",
        "Field",
        "UUID",
        "AwareDatetime",
        "NaiveDatetime",
        "AnyUrl",
        "StrEnum",
        "IntEnum",
        "Enum",
        "date",
        "datetime",
        "time",
        "timedelta",
        "Decimal",
        # What specgen's models template adds for the bounded pattern check.
        "Callable",
        "AfterValidator",
    }
)


class SchemaCollector:
    """Names and copies schemas of one spec; ``definitions`` grows as refs are followed."""

    def __init__(
        self,
        spec: LoadedSpec,
        ref_prefix: str = "#/components/schemas/",
        to_json_schema: bool = True,
    ) -> None:
        self.spec = spec
        self.ref_prefix = ref_prefix
        # OpenAPI 3.0 schemas become JSON Schema 2020-12 unless they stay in an OpenAPI 3.0 document.
        self.convert = to_json_schema and is_openapi_30(spec.root.data)
        self.scope = Scope(_IMPORTED_NAMES)
        self.definitions: dict[str, NamedSchema] = {}
        self._names: dict[tuple[str, str], str] = {}

    def add_components(self) -> None:
        """Name every component schema first, in file order, so they keep their own names."""
        for component in component_schemas(self.spec).values():
            self.name_of(component)

    def name_of(self, target: Target) -> str:
        """The class name for the schema at ``target``, copying it into :attr:`definitions`."""
        key = (str(target.document.path.resolve()), target.pointer)
        known = self._names.get(key)
        if known is not None:
            return known
        tokens = jp.split(target.pointer)
        hint = tokens[-1] if tokens else target.document.path.stem
        name = self.scope.claim(class_name(hint))
        self._names[key] = name
        self.definitions[name] = NamedSchema(name, None, source(target.document, target.pointer))
        copied = self._converted(self.copy(target.document, target.pointer, target.value))
        self.definitions[name] = NamedSchema(name, copied, source(target.document, target.pointer))
        return name

    def lift(self, document: Document, pointer: str, schema: Any, wanted: str) -> str:
        """Name an inline schema (a response or request body) ``wanted``, or its ref target."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and len(schema) == 1:
            return self.name_of(self.spec.deref(document, pointer))
        name = self.scope.claim(class_name(wanted))
        self._names[(str(document.path.resolve()), pointer)] = name
        copied = self._converted(self.copy(document, pointer, schema))
        self.definitions[name] = NamedSchema(name, copied, source(document, pointer))
        return name

    def copy(self, document: Document, pointer: str, node: Any) -> Any:
        """A copy of ``node`` with every ``$ref`` pointing at a named definition."""
        if isinstance(node, list):
            return [self.copy(document, f"{pointer}/{i}", item) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                target = self.spec.resolve(document, value)
                result[key] = self.ref_prefix + self.name_of(target)
            elif holds_data(pointer, key, value, in_schema=True) or is_extension(key):
                result[key] = value  # data and extensions hold no refs to rewrite
            else:
                result[key] = self.copy(document, jp.join(pointer, key), value)
        return result

    def _converted(self, schema: Any) -> Any:
        return oas30_to_2020_12(schema) if self.convert else schema


def source(document: Document, pointer: str) -> Source:
    """Where the element at ``pointer`` of ``document`` is written: file name, pointer and line."""
    return Source(document.path.name, pointer, document.position(pointer).line)


# -- request and response bodies ----------------------------------------------------------------------

BodyKey = tuple[str, str]  # (operationId, status or "request")


@dataclass(frozen=True)
class ClientSchemas:
    """What the models of one client are made from, and which model each JSON body parses into."""

    #: Every named definition, components first (in file order), then what bodies and refs reach.
    definitions: tuple[NamedSchema, ...]
    #: Model class and media type of each JSON body, by (operationId, status or "request").
    bodies: Mapping[BodyKey, tuple[str, str]]


def collect_schemas(spec: LoadedSpec) -> ClientSchemas:
    """The schemas a client of ``spec`` needs, named: the input of the models stage."""
    collector = SchemaCollector(spec)
    collector.add_components()
    # Bodies are named in this same pass so model generation sees every schema at once.
    bodies = name_bodies(spec, collector)
    return ClientSchemas(tuple(collector.definitions.values()), bodies)


def name_bodies(spec: LoadedSpec, collector: SchemaCollector) -> dict[BodyKey, tuple[str, str]]:
    """Model class and media type for each JSON request and response body, by (operation, status)."""
    names: dict[BodyKey, tuple[str, str]] = {}
    for op in operations(spec):
        base = class_name(op.operation_id)
        wanted: list[tuple[str, Target, str]] = [
            (status, response, f"{base}Response{status}")
            for status, response in documented_responses(spec, op)
        ]
        body = request_body(spec, op.document, op.pointer)
        if body is not None:
            wanted.append(("request", body, f"{base}Request"))
        for status, at, model_name in wanted:
            found = json_body_schema(at)
            if found is not None:
                media, schema = found
                model = collector.lift(schema.document, schema.pointer, schema.value, model_name)
                names[(op.operation_id, status)] = (model, media)
    return names


def json_body_schema(at: Target) -> tuple[str, Target] | None:
    """The media type and schema of the first JSON content with a schema of the request body or
    response at ``at``, if any."""
    for media_type, media in content_entries(at).items():
        # A `*/*` body is read as JSON when it parses: its schema still makes a model.
        if may_be_json(media_type) and isinstance(media.value, dict) and "schema" in media.value:
            return media_type, Target(media.document, jp.join(media.pointer, "schema"))
    return None


def documented_responses(spec: LoadedSpec, op: Operation) -> list[tuple[str, Target]]:
    """An operation's responses in file order, each status in one spelling: a range upper-cased
    (``2xx`` is ``2XX``), so names made from it do not depend on how the spec wrote it."""
    return [
        (status if status == "default" else status.upper(), response)
        for status, response in responses(spec, op.document, op.pointer).items()
    ]
