"""What datamodel-code-generator is given, and how spec text is put back into what it returns.

datamodel-code-generator is a code generator with a large surface: it honours ``x-python-type``,
``x-python-import``, ``customTypePath`` and ``customBasePath`` (each makes the generated module import
a module the spec names), resolves ``$ref``, ``$dynamicRef`` and discriminator mappings by fetching
them, and writes descriptions into docstrings with escaping of its own. None of that may be driven by
a spec. So it never sees the raw schema:

- :func:`prepare` copies each schema keeping only the keywords listed in :data:`SCHEMA_KEYWORDS`,
  every ``$ref`` pointing at a model of the same run; free text (descriptions) is replaced by opaque
  tokens, and property names Python would merge (NFKC normalisation: ``ﬁle`` is ``file``) get an
  ASCII field name of their own. Defaults a field could not hold as written are left out
  (:mod:`generator.generate.defaults`).
- the copy says what JSON Schema means, where datamodel-code-generator would read more into it: an
  ``allOf`` part that only annotates (``[{$ref: X}, {description: ...}]``) is folded into the
  schema holding it, keywords of another type than the schema's (``minLength`` on an array) are
  left out, and ``deprecated`` is kept on properties only (on a root model pydantic cannot build
  the class).
- a ``discriminator`` is left out: datamodel-code-generator would make the tag a required ``Literal``
  of every branch; :mod:`generator.generate.discriminators` adds it back as a hint instead. An object
  without ``additionalProperties`` gets ``true``, which JSON Schema means by its absence: its model
  keeps the keys it does not list.
- :func:`restore_texts` then rewrites every string literal of the generated module through
  :mod:`generator.quoting`, putting the texts back: spec text reaches the code through the one quoting
  function, whatever datamodel-code-generator did with it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.errors import SpecgenError
from generator.generate.defaults import drop_unfit_defaults
from generator.generate.ir import NamedSchema
from generator.generate.naming import Scope, constant, snake_case
from generator.generate.source_edits import ParsedModule
from generator.quoting import docstring, pystr

REF_PREFIX = "#/components/schemas/"

#: Keywords whose value is one schema.
_SCHEMA_VALUED = frozenset({"items", "additionalProperties", "not"})
#: Keywords whose value is a list of schemas.
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
#: Keywords whose value is a map of names to schemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties"})
#: Keywords that hold a non-negative integer.
_COUNTS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
)
#: Keywords that hold a number.
_NUMBERS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
#: Keywords that hold a boolean.
_FLAGS = frozenset({"uniqueItems", "readOnly", "writeOnly", "deprecated", "nullable"})
#: Keywords that hold JSON data the model keeps as values (literals in the generated code).
_DATA = frozenset({"enum", "const", "default", "examples", "example"})
#: Every keyword datamodel-code-generator is shown; anything else (``x-`` extensions, ``$id``,
#: ``$dynamicRef``, ``customTypePath``, titles) never reaches it.
SCHEMA_KEYWORDS = frozenset(
    {
        *_SCHEMA_VALUED,
        *_SCHEMA_LISTS,
        *_SCHEMA_MAPS,
        *_COUNTS,
        *_NUMBERS,
        *_FLAGS,
        *_DATA,
        "$ref",
        "type",
        "format",
        "pattern",
        "required",
        "description",
    }
)
_TYPES = frozenset({"string", "integer", "number", "boolean", "array", "object", "null"})
#: Keywords that say something of the value without constraining it: an ``allOf`` part made only
#: of these adds no type, and is folded into the schema that holds it.
ANNOTATIONS = frozenset(
    {"description", "default", "examples", "example", "deprecated", "readOnly", "writeOnly"}
)
#: Keywords that constrain (or shape) only values of some JSON types, by those types. JSON Schema
#: ignores them on a value of another type, so where a schema's ``type`` excludes all of their
#: types they say nothing (a ``minLength`` written on an array does not count its items).
_APPLIES_TO: dict[str, frozenset[str]] = {
    **dict.fromkeys(("minLength", "maxLength", "pattern"), frozenset({"string"})),
    **dict.fromkeys(tuple(_NUMBERS), frozenset({"integer", "number"})),
    **dict.fromkeys(
        ("minItems", "maxItems", "uniqueItems", "items", "prefixItems"), frozenset({"array"})
    ),
    **dict.fromkeys(
        (
            "minProperties",
            "maxProperties",
            "properties",
            "patternProperties",
            "additionalProperties",
            "required",
        ),
        frozenset({"object"}),
    ),
}


@dataclass
class ModelInput:
    """The document handed to datamodel-code-generator and what is needed to read its output."""

    #: The allowlisted copy of each schema, by class name.
    schemas: dict[str, Any]
    #: Opaque token -> the spec text it stands for.
    texts: dict[str, str] = field(default_factory=dict)
    #: Property name -> the Python field name to use instead (names Python would merge).
    aliases: dict[str, str] = field(default_factory=dict)
    #: Matches every token (they share a stem that occurs nowhere in the input).
    token: re.Pattern[str] = re.compile("(?!)")


def prepare(schemas: Iterable[NamedSchema]) -> ModelInput:
    """The allowlisted copy of ``schemas`` as an OpenAPI document of components."""
    named = list(schemas)
    classes = {schema.class_name for schema in named}
    # Tokens must not occur in the input, or a spec could forge one: lengthen the stem until unique.
    dump = json.dumps([s.schema for s in named], ensure_ascii=False, default=str)
    stem = "specgentext"
    while stem in dump:
        stem += "x"
    copier = _Copier(classes, stem)
    components = {s.class_name: copier.schema(s.schema) for s in named}
    drop_unfit_defaults(components, REF_PREFIX)
    return ModelInput(
        components,
        copier.texts,
        copier.aliases,
        re.compile(re.escape(stem) + r"[0-9]{6}z"),
    )


def models_document(schemas: dict[str, Any]) -> dict[str, Any]:
    """The document datamodel-code-generator is given: ``schemas`` (allowlisted copies, by class
    name) as the components of an OpenAPI document; nothing else reads it."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    }


class _Copier:
    def __init__(self, classes: set[str], stem: str) -> None:
        self.classes = classes
        self.stem = stem
        self.texts: dict[str, str] = {}
        self.aliases: dict[str, str] = {}

    def text(self, value: str) -> str:
        token = f"{self.stem}{len(self.texts):06d}z"
        self.texts[token] = value
        return token

    def schema(self, node: Any, is_property: bool = False) -> Any:
        """The allowlisted copy of ``node``; ``is_property``: it is the value of a property."""
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            return {}  # not a schema: accepts anything, as the validator reports elsewhere
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key not in SCHEMA_KEYWORDS:
                continue
            kept = self.keyword(key, value)
            if kept is not None:
                result[key] = kept
        _fold_annotations(result)
        _drop_inapplicable(result)
        if not is_property:
            # Only a field can be deprecated: on a class (a component, array items, a lifted
            # value) datamodel-code-generator marks its `root` deprecated, and pydantic then
            # fails to build it (AttributeError: root).
            result.pop("deprecated", None)
        properties = result.get("properties")
        if isinstance(result.get("required"), list) and isinstance(properties, dict):
            # One model reads responses and writes requests: a readOnly property is required of
            # responses only and a writeOnly one of requests only, so the model requires neither.
            result["required"] = [
                name for name in result["required"] if not _one_way(properties.get(name))
            ]
        names = member_names(result.get("enum"))
        if names is not None:
            result["x-enum-varnames"] = names
        if _is_object(result) and "additionalProperties" not in result:
            # JSON Schema allows keys it does not list; said outright, the model keeps them
            # (extra="allow") instead of dropping what a server sends beyond the spec.
            result["additionalProperties"] = True
        return result

    def keyword(self, key: str, value: Any) -> Any:
        if key == "$ref":
            if not (
                isinstance(value, str)
                and value.startswith(REF_PREFIX)
                and value[len(REF_PREFIX) :] in self.classes
            ):
                raise SpecgenError(f"internal: a $ref to {value!r} reached model generation")
            return value
        if key in _SCHEMA_VALUED:
            return self.schema(value)
        if key in _SCHEMA_LISTS:
            return [self.schema(item) for item in value] if isinstance(value, list) else None
        if key in _SCHEMA_MAPS:
            if not isinstance(value, dict):
                return None
            return {
                self.property_name(name): self.schema(item, is_property=key == "properties")
                for name, item in value.items()
            }
        if key in _COUNTS:
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        if key in _NUMBERS:
            return value if _finite_number(value) else None
        if key == "nullable":
            # `nullable: false` is what its absence says; datamodel-code-generator reads it as
            # "never None" and still gives an optional field the default None (`x: int = None`).
            return True if value is True else None
        if key in _FLAGS:
            return value if isinstance(value, bool) else None
        if key in _DATA:
            return value if _plain_json(value) else None
        if key == "type":
            if isinstance(value, str):
                return value if value in _TYPES else None
            if isinstance(value, list):
                kinds = [kind for kind in value if isinstance(kind, str) and kind in _TYPES]
                return kinds or None
            return None
        if key == "required":
            if not isinstance(value, list):
                return None
            return [self.property_name(name) for name in value if isinstance(name, str)]
        if key in ("format", "pattern"):
            return value if isinstance(value, str) else None
        if key == "description":
            return self.text(value) if isinstance(value, str) and value.strip() else None
        return None  # pragma: no cover - every allowlisted keyword is handled above

    def property_name(self, name: str) -> str:
        """``name``, or an ASCII stand-in when Python would read it as another name (NFKC)."""
        if unicodedata.normalize("NFKC", name) == name:
            return name
        if name not in self.aliases:
            digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            self.aliases[name] = f"{snake_case(name)}_{digest}"
        return name


def member_names(values: Any) -> list[str] | None:
    """Enum member names specgen chooses itself, for values that are not all ASCII text.

    datamodel-code-generator derives member names from values; from non-ASCII text it can derive a
    name Python reads as another (``º`` is ``o`` once normalised), so such enums get ASCII names:
    the value's words in upper snake case (a digest when none are left), unique within the enum.
    """
    if not isinstance(values, list) or all(not isinstance(v, str) or v.isascii() for v in values):
        return None
    scope = Scope({"NAME", "VALUE"})  # Enum's own attributes
    return [scope.claim(constant(str(value))) for value in values]


def annotates_only(part: Any) -> bool:
    """Whether the schema ``part`` only annotates: none of its keywords model generation is shown
    constrains or shapes a value (``{"description": ...}``, ``{"deprecated": true}``)."""
    return isinstance(part, dict) and all(
        key in ANNOTATIONS or key not in SCHEMA_KEYWORDS for key in part
    )


def _fold_annotations(schema: dict[str, Any]) -> None:
    """Fold, in place, the ``allOf`` parts of ``schema`` (an allowlisted copy) that only annotate
    into ``schema`` itself.

    AWS's specs write a described property as ``allOf: [{$ref: X}, {description: ...}]``.
    datamodel-code-generator reads any ``allOf`` of two parts as a new model inheriting from the
    first: a map or a scalar referenced so became a model without fields, which dropped the map's
    entries. Without the annotating part it is the referenced type with a description.
    """
    parts = schema.get("allOf")
    if not isinstance(parts, list):
        return
    kept = [part for part in parts if not annotates_only(part)]
    if len(kept) == len(parts):
        return
    for part in parts:
        if not annotates_only(part):
            continue
        for key, value in part.items():
            if key in ("deprecated", "readOnly", "writeOnly"):
                if value is True:
                    schema[key] = True
            else:
                schema.setdefault(key, value)
    if kept:
        schema["allOf"] = kept
    else:
        del schema["allOf"]


def _drop_inapplicable(schema: dict[str, Any]) -> None:
    """Remove, in place, the keywords of ``schema`` (an allowlisted copy) that constrain only
    values of types its ``type`` excludes: JSON Schema ignores them, so the model must too."""
    kind = schema.get("type")
    kinds = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else None
    if not kinds:
        return
    for key in [key for key in schema if key in _APPLIES_TO]:
        if not kinds & _APPLIES_TO[key]:
            del schema[key]


def _one_way(schema: Any) -> bool:
    """Whether a property (an allowlisted copy) is readOnly or writeOnly."""
    return isinstance(schema, dict) and (
        schema.get("readOnly") is True or schema.get("writeOnly") is True
    )


def _is_object(schema: dict[str, Any]) -> bool:
    """Whether ``schema`` (an allowlisted copy) makes a model with fields: an object, or an
    ``allOf`` of one (datamodel-code-generator merges inline parts into one class, configured by
    the schema that holds them)."""
    kind = schema.get("type")
    if kind == "object" or (isinstance(kind, list) and "object" in kind):
        return True
    if kind is not None:
        return False
    parts = schema.get("allOf")
    return "properties" in schema or (
        isinstance(parts, list) and any(isinstance(p, dict) and _is_object(p) for p in parts)
    )


def _finite_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def _plain_json(value: Any) -> bool:
    """Whether ``value`` is JSON data without non-finite numbers (which have no Python literal)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_plain_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    return value is None or isinstance(value, (str, int, bool))


# -- back from datamodel-code-generator ----------------------------------------------------------------


def restore_texts(module: ParsedModule, given: ModelInput) -> None:
    """Put the spec texts back into every string literal of ``module``'s tree, in place.

    The module's :meth:`~generator.generate.source_edits.ParsedModule.text` then writes each literal
    with :func:`write_literal`, so spec text reaches the code through :mod:`generator.quoting` only,
    whatever datamodel-code-generator did with it. A token left outside a literal (a template that
    prints text raw) carries no spec text: it is an unknown name, which the structural gate refuses,
    located at its schema.
    """
    for node in module.strings():
        text = node.value
        assert isinstance(text, str)
        node.value = given.token.sub(lambda m: given.texts.get(m.group(), m.group()), text)


def write_literal(value: str, docstring_column: int | None) -> str:
    """A string literal of a models module as code: a docstring of its text, else a Python string."""
    if docstring_column is not None:
        return docstring(value.strip(), docstring_column)
    return pystr(value)
