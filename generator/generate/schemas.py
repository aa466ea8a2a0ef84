"""Gather the schemas a client needs into one self-contained set of named definitions.

A spec's schemas live in ``#/components/schemas``, inline in operations, and in other files beside it.
Model generation wants them in one place, each with a class name and every ``$ref`` pointing at a
name. :class:`SchemaCollector` does that: it names each ``$ref`` target once, copies it with its refs
rewritten, and follows refs lazily, so cycles end and only reachable schemas are included.

Every schema that becomes a class is named here, so the name a client method uses is, by
construction, the class generated for that schema:

- components keep their names, made identifiers (``io.k8s.api.core.v1.Pod`` -> ``IoK8sApiCoreV1Pod``),
  and are claimed before anything else, so no other schema can take one;
- with ``lift_inline``, every inline schema datamodel-code-generator would make a class of (an object
  with properties, an enum, an ``allOf``, a constrained value inside a union, an array or a map) is
  lifted into a definition of its own, named from where it is: ``Owner.permissions`` is
  ``OwnerPermissions``, array items ``<Parent>Item``, map values ``<Parent>Value``, union branches
  ``<Parent><Title>`` or ``<Parent><Type>``; request and response bodies are ``<Operation>Request``
  and ``<Operation>Response<Status>``. datamodel-code-generator is left nothing to name.
"""

from __future__ import annotations

import contextlib
import copy as copying
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.generate.ir import NamedSchema, Source
from generator.generate.model_input import annotates_only
from generator.generate.naming import ClassNames, class_name, nested_class_name
from generator.spec import pointer as jp
from generator.spec.dialect import is_openapi_30, oas30_to_2020_12
from generator.spec.document import Document
from generator.spec.media import MediaKind, choose_media
from generator.spec.navigator import (
    SUBSCHEMA_KEYWORDS,
    SUBSCHEMA_LISTS,
    SUBSCHEMA_MAPS,
    Operation,
    component_schemas,
    operations,
    request_body,
    responses,
)
from generator.spec.refs import LoadedSpec, RefError, Target

#: Names a generated models module imports or defines besides its classes; no schema may take them.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "Annotated",
        "Literal",
        "Optional",
        "Union",
        "BaseModel",
        "RootModel",
        "ConfigDict",
        "Field",
        "AliasChoices",
        "AliasPath",
        "StringConstraints",
        "EmailStr",
        "UUID",
        "AwareDatetime",
        "NaiveDatetime",
        "AnyUrl",
        "StrEnum",
        "IntEnum",
        "Enum",
        "Decimal",
        # What specgen's models template adds for the bounded pattern check.
        "Callable",
        "AfterValidator",
    }
)

#: Keywords that make datamodel-code-generator wrap a value in a class of its own when the value is
#: not a property's (array items, map values, union branches).
_CONSTRAINTS = frozenset(
    {
        "maxLength",
        "minLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    }
)
#: What a lifted schema leaves where it was, besides the reference: what the field says of itself.
_SITE_KEYWORDS = ("description", "default", "readOnly", "writeOnly", "deprecated")
_TYPE_WORDS = {
    "string": "String",
    "integer": "Integer",
    "number": "Number",
    "boolean": "Boolean",
    "array": "List",
    "object": "Object",
}


class SchemaCollector:
    """Names and copies schemas of one spec; ``definitions`` grows as refs are followed."""

    def __init__(
        self,
        spec: LoadedSpec,
        ref_prefix: str = "#/components/schemas/",
        to_json_schema: bool = True,
        lift_inline: bool = False,
    ) -> None:
        self.spec = spec
        self.ref_prefix = ref_prefix
        # OpenAPI 3.0 schemas become JSON Schema 2020-12 unless they stay in an OpenAPI 3.0 document.
        self.convert = to_json_schema and is_openapi_30(spec.root.data)
        self.lift_inline = lift_inline
        self.names = ClassNames(RESERVED_CLASS_NAMES)
        self.definitions: dict[str, NamedSchema] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._pending: list[tuple[str, Target]] = []

    def add_components(self) -> None:
        """Name every component schema first, in file order, so they keep their own names."""
        for name, component in component_schemas(self.spec).items():
            key = _key(component.document, component.pointer)
            if key not in self._names:
                wanted = class_name(name)
                self._names[key] = self.names.claim(wanted, wanted + "Model")
                self._pending.append((self._names[key], component))
        self._drain()

    def name_of(self, target: Target) -> str:
        """The class name for the schema at ``target``, copying it into :attr:`definitions`."""
        name = self._claim(target)
        self._drain()
        return name

    def lift(self, document: Document, pointer: str, schema: Any, *wanted: str) -> str:
        """Name an inline schema (a response or request body) the first free of ``wanted``, or its
        ref target."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and len(schema) == 1:
            return self.name_of(self.spec.deref(document, pointer))
        key = _key(document, pointer)
        known = self._names.get(key)
        if known is not None:
            return known
        name = self.names.claim(*wanted)
        self._names[key] = name
        self._define(name, document, pointer, schema)
        self._drain()
        return name

    # -- naming and copying -------------------------------------------------------------------------

    def _claim(self, target: Target) -> str:
        key = _key(target.document, target.pointer)
        known = self._names.get(key)
        if known is not None:
            return known
        name = self.names.claim(_pointer_name(target.document, target.pointer))
        self._names[key] = name
        self._pending.append((name, target))
        return name

    def _drain(self) -> None:
        # A worklist rather than recursion: chains of references can be thousands long.
        while self._pending:
            name, target = self._pending.pop(0)
            self._define(name, target.document, target.pointer, target.value)

    def _define(self, name: str, document: Document, pointer: str, schema: Any) -> None:
        where = source(document, pointer)
        self.definitions[name] = NamedSchema(name, None, where)
        converted = oas30_to_2020_12(schema) if self.convert else schema
        copied = self._schema(document, pointer, converted, name if self.lift_inline else None)
        self.definitions[name] = NamedSchema(name, copied, where)

    def _schema(self, document: Document, pointer: str, node: Any, owner: str | None) -> Any:
        """A copy of the schema ``node``; ``owner`` names the class it belongs to, when inline
        schemas are lifted (``None``: nothing is lifted)."""
        if not isinstance(node, dict):
            return copying.deepcopy(node)
        result: dict[str, Any] = {}
        for key, value in node.items():
            at = jp.join(pointer, key)
            if key == "$ref" and isinstance(value, str):
                result[key] = self._ref(document, value)
            elif key in SUBSCHEMA_MAPS and isinstance(value, dict):
                result[key] = {
                    name: self._member(document, jp.join(at, name), item, owner, key, name)
                    for name, item in value.items()
                }
            elif key in SUBSCHEMA_LISTS and isinstance(value, list):
                result[key] = self._list(document, at, key, value, owner)
            elif key in SUBSCHEMA_KEYWORDS and isinstance(value, list):  # draft 4 tuples
                result[key] = [
                    self._schema(document, f"{at}/{i}", item, None) for i, item in enumerate(value)
                ]
            elif key in SUBSCHEMA_KEYWORDS and isinstance(value, dict):
                context = None if owner is None else owner + ("Item" if key == "items" else "Value")
                if key not in ("items", "additionalProperties"):
                    context = None  # schemas that never become fields: nothing to lift
                result[key] = self._place(document, at, value, context, is_property=False)
            elif key == "discriminator" and isinstance(value, dict):
                result[key] = self._discriminator(document, value)
            else:
                result[key] = copying.deepcopy(value)  # data, extensions, annotations
        return result

    def _member(
        self, document: Document, at: str, item: Any, owner: str | None, key: str, name: str
    ) -> Any:
        if owner is None or key not in ("properties", "patternProperties"):
            return self._schema(document, at, item, None)
        if key == "properties":
            return self._place(document, at, item, nested_class_name(owner, name), is_property=True)
        return self._place(document, at, item, owner + "Value", is_property=False)

    def _list(
        self, document: Document, at: str, key: str, items: list[Any], owner: str | None
    ) -> list[Any]:
        if owner is None or key == "prefixItems":
            return [self._schema(document, f"{at}/{i}", item, None) for i, item in enumerate(items)]
        if key == "allOf":
            # Parts of one class: their properties are the owner's, they are not classes themselves.
            return [
                self._schema(document, f"{at}/{i}", item, owner) for i, item in enumerate(items)
            ]
        # A union that is a class itself (a component) names every branch; one inside a field
        # gives the field's name to its one branch that is a class.
        names = _branch_names(owner, items, owner in self.definitions)
        return [
            self._place(document, f"{at}/{i}", item, names[i], is_property=False)
            for i, item in enumerate(items)
        ]

    def _place(
        self, document: Document, pointer: str, node: Any, context: str | None, is_property: bool
    ) -> Any:
        """The copy of the schema ``node`` where it is, or a reference to it lifted as ``context``."""
        if context is None or not makes_class(node, is_property):
            return self._schema(document, pointer, node, context)
        assert isinstance(node, dict)
        lifted, nullable = _without_null(node)
        for keyword in ("default", "readOnly", "writeOnly", "deprecated"):
            lifted.pop(keyword, None)
        name = self.names.claim(context, context + "Model")
        self._names[_key(document, pointer)] = name
        where = source(document, pointer)
        self.definitions[name] = NamedSchema(name, None, where)
        self.definitions[name] = NamedSchema(
            name, self._schema(document, pointer, lifted, name), where
        )
        reference = {"$ref": self.ref_prefix + name}
        site: dict[str, Any] = (
            {"anyOf": [reference, {"type": "null"}]} if nullable else dict(reference)
        )
        for keyword in _SITE_KEYWORDS:
            if keyword in node:
                site[keyword] = copying.deepcopy(node[keyword])
        return site

    def _ref(self, document: Document, ref: str) -> str:
        target = self.spec.resolve(document, ref)
        return self.ref_prefix + self._claim(target)

    def _discriminator(self, document: Document, value: dict[str, Any]) -> dict[str, Any]:
        """The discriminator with its mapping onto named definitions (a target that does not
        resolve is kept as written: validation reports it)."""
        result = copying.deepcopy(value)
        mapping = value.get("mapping")
        if isinstance(mapping, dict):
            renamed: dict[str, Any] = {}
            for tag, target in mapping.items():
                renamed[tag] = target
                if isinstance(target, str):
                    ref = target if "#" in target or "/" in target else _COMPONENTS + target
                    with contextlib.suppress(RefError):
                        renamed[tag] = self._ref(document, ref)
            result["mapping"] = renamed
        return result


_COMPONENTS = "#/components/schemas/"


def makes_class(node: Any, is_property: bool) -> bool:
    """Whether datamodel-code-generator makes a class of the inline schema ``node``.

    An object with properties, an enum and an ``allOf`` of more than a reference (besides parts
    that only annotate) do anywhere; a constrained value (``maxLength``, ``minimum``...) does as
    array items, map values or a union branch (a property's constraints become ``Field``
    arguments instead).
    """
    if not isinstance(node, dict) or "$ref" in node:
        return False
    if isinstance(node.get("properties"), dict) and node["properties"]:
        return True
    if isinstance(node.get("enum"), list) and [
        value for value in node["enum"] if value is not None
    ]:
        return True
    parts = node.get("allOf")
    if isinstance(parts, list):
        # A part that only annotates (`{description: ...}` beside a `$ref`) adds no type: model
        # generation folds it into the schema holding it (see generator/generate/model_input.py).
        parts = [part for part in parts if not annotates_only(part)]
        only_ref = len(parts) == 1 and isinstance(parts[0], dict) and "$ref" in parts[0]
        if parts and not only_ref:
            return True
    if is_property or "anyOf" in node or "oneOf" in node:
        return False
    return any(keyword in node for keyword in _CONSTRAINTS)


def _without_null(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """``node`` without what makes it nullable, and whether it was: the class is the value, the
    field says whether it may be null."""
    result = dict(node)
    nullable = False
    kind = result.get("type")
    if isinstance(kind, list) and "null" in kind:
        nullable = True
        rest = [k for k in kind if k != "null"]
        if len(rest) == 1:
            result["type"] = rest[0]
        elif rest:
            result["type"] = rest
        else:
            del result["type"]
    enum = result.get("enum")
    if isinstance(enum, list) and None in enum:
        nullable = True
        result["enum"] = [value for value in enum if value is not None]
    if result.pop("nullable", None) is True:
        nullable = True
    return result, nullable


def _branch_names(owner: str, branches: list[Any], is_class: bool) -> list[str | None]:
    """The context name of each branch of a union inside ``owner``.

    The one branch that is a class (besides ``null`` and references) is the owner itself; several
    are told apart by their title, by the value a required property is fixed to (a tag), or by their
    type (``OwnerString``, ``OwnerObject``).
    """
    classes = [i for i, branch in enumerate(branches) if makes_class(branch, False)]
    names: list[str | None] = [owner] * len(branches)
    if len(classes) <= 1 and not is_class:
        return names
    for i in classes:
        names[i] = nested_class_name(owner, _branch_word(branches[i]))
    return names


def _branch_word(branch: dict[str, Any]) -> str:
    title = branch.get("title")
    if isinstance(title, str) and title.strip():
        return class_name(title)
    properties = branch.get("properties")
    required = branch.get("required")
    if isinstance(properties, dict) and isinstance(required, list):
        for name in required:
            fixed = properties.get(name) if isinstance(name, str) else None
            if isinstance(fixed, dict):
                value = fixed.get("const")
                enum = fixed.get("enum")
                if value is None and isinstance(enum, list) and len(enum) == 1:
                    value = enum[0]
                if isinstance(value, str) and value:
                    return class_name(value)
    kind = branch.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if "enum" in branch:
        return "Enum"
    return _TYPE_WORDS.get(kind, "Object") if isinstance(kind, str) else "Object"


def _key(document: Document, pointer: str) -> tuple[str, str]:
    return (str(document.path.resolve()), pointer)


#: Pointer tokens that say where a schema is inside another, not what it is.
_PLACES = frozenset({"schema", "content", "properties", "allOf", "anyOf", "oneOf"})
#: Maps of named schemas.
_SCHEMA_CONTAINERS = frozenset({"schemas", "$defs", "definitions"})


def _pointer_name(document: Document, pointer: str) -> str:
    """The class name of a schema that is not a component, from where it is: its name in the
    nearest map of schemas and the path below it (``#/$defs/user/properties/address`` ->
    ``UserAddress``), else the last word of its pointer, else the file's name."""
    tokens = jp.split(pointer)
    containers = [i for i, token in enumerate(tokens) if token in _SCHEMA_CONTAINERS]
    below = tokens[containers[-1] + 1 :] if containers else tokens
    words = [
        {"items": "Item", "additionalProperties": "Value"}.get(token, token)
        for token in below
        if token not in _PLACES and not token.isdigit() and "/" not in token
    ]
    if not words:
        return class_name(document.path.stem)
    if not containers:
        words = words[-1:]
    name = words[0]
    for word in words[1:]:
        name = nested_class_name(name, word)
    return class_name(name)


def source(document: Document, pointer: str) -> Source:
    """Where the element at ``pointer`` of ``document`` is written: file name, pointer and line."""
    return Source(document.path.name, pointer, document.position(pointer).line)


# -- request and response bodies ----------------------------------------------------------------------

#: (HTTP method, path template, status or "request"): an operation's key (see
#: :attr:`~generator.spec.navigator.Operation.key`) and one of its bodies.
BodyKey = tuple[str, str, str]
#: Request bodies a client takes as a model: JSON, and forms (one field per property).
CLIENT_REQUEST_KINDS = frozenset({MediaKind.JSON, MediaKind.FORM, MediaKind.MULTIPART})


@dataclass(frozen=True)
class ClientSchemas:
    """What the models of one client are made from, and which model each JSON body parses into."""

    #: Every named definition, components first (in file order), then what bodies and refs reach.
    definitions: tuple[NamedSchema, ...]
    #: Model class and media type of each JSON body, by :data:`BodyKey`.
    bodies: Mapping[BodyKey, tuple[str, str]]


def collect_schemas(spec: LoadedSpec) -> ClientSchemas:
    """The schemas a client of ``spec`` needs, named: the input of the models stage."""
    collector = SchemaCollector(spec, lift_inline=True)
    collector.add_components()
    # Bodies are named in this same pass so model generation sees every schema at once.
    bodies = name_bodies(spec, collector, CLIENT_REQUEST_KINDS)
    return ClientSchemas(tuple(collector.definitions.values()), bodies)


def name_bodies(
    spec: LoadedSpec,
    collector: SchemaCollector,
    request_kinds: frozenset[MediaKind] = frozenset({MediaKind.JSON}),
) -> dict[BodyKey, tuple[str, str]]:
    """Model class and media type for each JSON body, by (operation, status or "request").

    A request body of one of ``request_kinds`` (a form, for clients) gets a model too; a body's
    media type is the one a client uses (:func:`~generator.spec.media.choose_media`).
    """
    names: dict[BodyKey, tuple[str, str]] = {}
    for op in operations(spec):
        base = operation_class_name(op)
        wanted: list[tuple[str, Target, str]] = [
            (
                status,
                response,
                f"{base}Response{status if status[0].isdigit() else class_name(status)}",
            )
            for status, response in documented_responses(spec, op)
        ]
        body = request_body(spec, op.document, op.pointer)
        if body is not None:
            wanted.append(("request", body, f"{base}Request"))
        for status, at, model_name in wanted:
            chosen = choose_media(at)
            kinds = request_kinds if status == "request" else frozenset({MediaKind.JSON})
            if chosen is not None and chosen.schema is not None and chosen.kind in kinds:
                schema = chosen.schema
                model = collector.lift(
                    schema.document, schema.pointer, schema.value, model_name, model_name + "Body"
                )
                names[(*op.key, status)] = (model, chosen.media_type)
    return names


def operation_class_name(op: Operation) -> str:
    """The stem of an operation's body models: its operationId (``getJob``: ``GetJob``), or, for an
    operation without one, its method and path template (``GET /users/{id}``: ``GetUsersId``)."""
    return class_name(op.operation_id if op.operation_id is not None else f"{op.method} {op.path}")


def documented_responses(spec: LoadedSpec, op: Operation) -> list[tuple[str, Target]]:
    """An operation's responses in file order, each status in one spelling: a range upper-cased
    (``2xx`` is ``2XX``), so names made from it do not depend on how the spec wrote it."""
    return [
        (status if status == "default" else status.upper(), response)
        for status, response in responses(spec, op.document, op.pointer).items()
    ]
