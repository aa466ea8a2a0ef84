"""Valid instances of JSON Schema 2020-12 schemas (OpenAPI 3.1, and 3.0 through specgen's dialect
conversion), built deterministically and cross-checked with the independent ``jsonschema`` library.

    registry = schema_registry({"file:///api.json": {"$defs": {"Pet": {...}}}})
    builder = Builder(registry, direction=RESPONSE, variant=Variant.ALL)
    pet = builder.build("file:///api.json#/$defs/Pet")   # raises Unbuildable, saying why

A schema is read as a conjunction of parts: ``$ref`` and ``allOf`` add parts, ``oneOf``/``anyOf``
add one branch (tried in order, a discriminator's tag set to the branch's mapping key or schema
name; for ``oneOf`` the instance must match exactly one branch). Building is bounded: nesting past
``max_depth`` keeps only what is required (null where allowed), ``$ref`` cycles are cut the same
way, and a budget of schema visits ends pathological schemas. Every instance is validated against
the whole schema by ``jsonschema``'s Draft 2020-12 validator before it is returned; one it rejects
is never returned.

Three variants: ``required-only``, ``all-properties`` (every property, and an extra key where
``additionalProperties`` allows one, named :data:`EXTRA_KEY`), ``nulls`` (every property, null
wherever the schema allows it). Responses leave ``writeOnly`` properties out and requests
``readOnly`` ones, and for them ``required`` does not apply (OpenAPI's rule), in the validator too.
"""

from __future__ import annotations

import copy
import enum
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urljoin

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from tests.roundtrip.scalars import Unbuildable, number, search, string

REQUEST, RESPONSE = "request", "response"
#: The name of the key added where ``additionalProperties`` allows one.
EXTRA_KEY = "extraKey"
#: Formats whose check is reliable with the libraries the tests install.
CHECKED_FORMATS = ("date", "date-time", "email", "ipv4", "ipv6", "uuid")


class Variant(enum.StrEnum):
    REQUIRED = "required-only"
    ALL = "all-properties"
    NULLS = "nulls"


@dataclass(frozen=True)
class Part:
    """One schema of a conjunction: the schema, the resolver its ``$ref``s use, and its absolute
    URI (``None`` where it cannot be named, e.g. below an ``$id``)."""

    schema: Any
    resolver: Any
    where: str | None


@dataclass
class Built:
    """An instance, and the keys added that no property declares: their JSON path, and whether
    ``additionalProperties`` gave them a schema (``typed``) or only allowed them (``untyped``)."""

    value: Any
    extras: list[tuple[tuple[str | int, ...], str]] = field(default_factory=list)


def schema_registry(documents: dict[str, Any]) -> Registry[Any]:
    """A ``referencing`` registry of whole documents (OpenAPI files) as 2020-12 resources by URI."""
    return Registry().with_resources(
        (uri, Resource.from_contents(data, default_specification=DRAFT202012))
        for uri, data in documents.items()
    )


def where_of(uri: str, pointer: str) -> str:
    """The absolute URI of the JSON pointer ``pointer`` in the document at ``uri``."""
    return uri + "#" + quote(pointer, safe="/~!$&'()*+,;=:@")


def _child(where: str | None, *tokens: str | int) -> str | None:
    if where is None:
        return None
    escaped = (str(t).replace("~", "~0").replace("/", "~1") for t in tokens)
    return where + "".join("/" + quote(t, safe="~!$&'()*+,;=:@") for t in escaped)


# -- the validator -------------------------------------------------------------------------------


def _skipped(schema: Any, name: str, direction: str) -> bool:
    """Whether property ``name`` of ``schema`` is left out in ``direction`` (readOnly in requests,
    writeOnly in responses), read on the property's own schema."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    prop = properties.get(name) if isinstance(properties, dict) else None
    keyword = "readOnly" if direction == REQUEST else "writeOnly"
    return isinstance(prop, dict) and prop.get(keyword) is True


def _validator_class(direction: str) -> Any:
    def required(validator: Any, names: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "object"):
            return
        for name in names:
            if name not in instance and not _skipped(schema, name, direction):
                yield ValidationError(f"{name!r} is a required property")

    def pattern(validator: Any, expression: str, instance: Any, schema: Any) -> Iterator[Any]:
        # OpenAPI patterns are ECMA-262: `regex` reads `\p{L}` and friends that `re` refuses.
        if validator.is_type(instance, "string") and not search(expression, instance):
            yield ValidationError(f"{instance!r} does not match {expression!r}")

    return jsonschema.validators.extend(
        Draft202012Validator, {"required": required, "pattern": pattern}
    )


_VALIDATORS = {direction: _validator_class(direction) for direction in (REQUEST, RESPONSE)}
FORMAT_CHECKER = FormatChecker(CHECKED_FORMATS)


def validator(registry: Registry[Any], where: str, direction: str) -> Any:
    """The validator (Draft 2020-12, reliable formats checked) of the schema at ``where``."""
    return _VALIDATORS[direction]({"$ref": where}, registry=registry, format_checker=FORMAT_CHECKER)


def first_error(registry: Registry[Any], where: str, direction: str, instance: Any) -> str | None:
    """Why ``instance`` does not fit the schema at ``where``, or None when it fits."""
    try:
        error = jsonschema.exceptions.best_match(
            validator(registry, where, direction).iter_errors(instance)
        )
    except RecursionError:
        return "(root): the schema recurses without end in jsonschema"
    if error is None:
        return None
    at = "/".join(str(p) for p in error.absolute_path)
    return f"/{at}: {error.validator}: {error.message[:200]}"


# -- the builder ---------------------------------------------------------------------------------


class Builder:
    """Builds instances of one direction and variant; see the module's docstring."""

    def __init__(
        self,
        registry: Registry[Any],
        *,
        direction: str = RESPONSE,
        variant: Variant = Variant.ALL,
        max_depth: int = 6,
        max_items: int = 2,
        budget: int = 20000,
    ) -> None:
        self.registry = registry
        self.direction = direction
        self.variant = variant
        self.max_depth = max_depth
        self.max_items = max_items
        self.budget = budget
        self._spent = 0
        self._extras: list[tuple[tuple[str | int, ...], str]] = []
        self._ancestors: Counter[str] = Counter()

    def build(self, where: str) -> Built:
        """A valid instance of the schema at the absolute URI ``where``; raises Unbuildable."""
        self._spent = 0
        self._extras = []
        self._ancestors = Counter()
        resolver = self.registry.resolver()
        try:
            resolved = resolver.lookup(where)
        except Unresolvable as error:
            raise Unbuildable(f"unresolvable $ref {error}") from None
        value = self._value([Part(resolved.contents, resolved.resolver, where)], 0, 0, ())
        error = first_error(self.registry, where, self.direction, value)
        if error is not None:
            raise Unbuildable(f"rejected by jsonschema: {error}")
        return Built(value, list(self._extras))

    # -- conjunctions ------------------------------------------------------------------------------

    def _flatten(self, parts: list[Part]) -> tuple[list[Part], list[str]]:
        """Expand ``$ref`` and ``allOf`` into one list of parts; names of the refs followed."""
        flat: list[Part] = []
        names: list[str] = []
        seen: set[str] = set()
        pending = list(parts)
        while pending:
            part = pending.pop(0)
            schema = part.schema
            if schema is False:
                raise Unbuildable("false schema")
            if not isinstance(schema, dict):
                continue
            if part.where is not None:
                if part.where in seen:
                    continue  # an allOf cycle, or a part met twice: it adds nothing
                seen.add(part.where)
            self._spend()
            resolver = part.resolver
            where = part.where
            if "$id" in schema:
                resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
                where = None
            added: list[Part] = []
            for keyword in ("$ref", "$dynamicRef"):
                ref = schema.get(keyword)
                if isinstance(ref, str):
                    try:
                        resolved = resolver.lookup(ref)
                    except Unresolvable:
                        raise Unbuildable(f"unresolvable {keyword}") from None
                    target = urljoin(where.split("#")[0], ref) if where is not None else None
                    added.append(Part(resolved.contents, resolved.resolver, target))
            members = schema.get("allOf")
            if isinstance(members, list):
                added += [
                    Part(member, resolver, _child(where, "allOf", i))
                    for i, member in enumerate(members)
                ]
            name = _schema_name(where)
            # A schema that only refers to another is an alias: the subtype is the one referred to.
            if name is not None and set(schema) - _ANNOTATIONS:
                names.append(name)
            rest = {k: v for k, v in schema.items() if k not in ("$ref", "$dynamicRef", "allOf")}
            flat.append(Part(rest, resolver, where))
            pending[:0] = added
        return flat, names

    def _spend(self) -> None:
        self._spent += 1
        if self._spent > self.budget:
            raise Unbuildable("budget: the schema is too large to build an instance of")

    def _value(
        self,
        parts: list[Part],
        depth: int,
        salt: int,
        path: tuple[str | int, ...],
        forced: dict[str, Any] | None = None,
    ) -> Any:
        if depth > self.max_depth + 12:
            raise Unbuildable("recursion: no finite instance within the depth bound")
        flat, names = self._flatten(parts)
        for index, part in enumerate(flat):
            for keyword in ("oneOf", "anyOf"):
                if isinstance(part.schema.get(keyword), list):
                    return self._union(flat, index, keyword, depth, salt, path, forced)
        wheres = {part.where for part in flat if part.where is not None}
        if any(self._ancestors[where] for where in wheres):
            # A $ref cycle: from here on only what is required, and null where allowed.
            depth = max(depth, self.max_depth + 1)
        self._ancestors.update(wheres)
        try:
            return self._plain(flat, names, depth, salt, path, forced or {})
        finally:
            self._ancestors.subtract(wheres)

    def _union(
        self,
        flat: list[Part],
        index: int,
        keyword: str,
        depth: int,
        salt: int,
        path: tuple[str | int, ...],
        forced: dict[str, Any] | None,
    ) -> Any:
        part = flat[index]
        branches = part.schema[keyword]
        rest = Part(
            {k: v for k, v in part.schema.items() if k != keyword}, part.resolver, part.where
        )
        tags = self._tags(part, branches)
        order = sorted(range(len(branches)), key=lambda i: self._preference(branches[i], depth))
        reasons: list[str] = []
        for i in order[:8]:
            branch = Part(branches[i], part.resolver, _child(part.where, keyword, i))
            chosen = dict(forced or {})
            if tags[i] is not None:
                chosen.setdefault(tags[i][0], tags[i][1])
            conjunction = [*flat[:index], rest, *flat[index + 1 :], branch]
            mark = len(self._extras)
            try:
                value = self._value(conjunction, depth, salt, path, chosen)
            except Unbuildable as error:
                del self._extras[mark:]
                reasons.append(str(error))
                continue
            if keyword == "oneOf" and part.where is not None:
                matching = sum(
                    first_error(
                        self.registry, _child(part.where, keyword, j) or "", self.direction, value
                    )
                    is None
                    for j in range(len(branches))
                )
                if matching != 1:
                    del self._extras[mark:]
                    reasons.append(f"oneOf: the instance matches {matching} branches")
                    continue
            return value
        raise Unbuildable(reasons[0] if reasons else f"{keyword}: no branch")

    def _preference(self, branch: Any, depth: int) -> int:
        """Branches in order, null ones last, or first in the nulls variant."""
        is_null = isinstance(branch, dict) and (
            branch.get("type") == "null" or branch.get("enum") == [None]
        )
        if self.variant is Variant.NULLS and depth > 0:
            return 0 if is_null else 1
        return 1 if is_null else 0

    def _tags(self, part: Part, branches: list[Any]) -> list[tuple[str, str] | None]:
        """The discriminator tag each branch must carry, if the part has a discriminator."""
        discriminator = part.schema.get("discriminator")
        if not isinstance(discriminator, dict) or not isinstance(
            discriminator.get("propertyName"), str
        ):
            return [None] * len(branches)
        name = discriminator["propertyName"]
        result: list[tuple[str, str] | None] = []
        for branch in branches:
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if not isinstance(ref, str):
                result.append(None)
                continue
            result.append((name, _tag_for(discriminator, ref.rsplit("/", 1)[-1])))
        return result

    # -- one type ---------------------------------------------------------------------------------

    def _plain(
        self,
        flat: list[Part],
        names: list[str],
        depth: int,
        salt: int,
        path: tuple[str | int, ...],
        forced: dict[str, Any],
    ) -> Any:
        schemas = [part.schema for part in flat]
        types = _types(schemas)
        nullable = types is not None and "null" in types
        for schema in schemas:
            if "const" in schema:
                return copy.deepcopy(schema["const"])
        enums = [schema["enum"] for schema in schemas if isinstance(schema.get("enum"), list)]
        if enums:
            allowed = [v for v in enums[0] if all(v in other for other in enums[1:])]
            allowed = [v for v in allowed if types is None or _json_type(v) & types]
            if not allowed:
                raise Unbuildable("enum: no value fits every part")
            if None in allowed and self._null_wanted(depth):
                return None
            values = [v for v in allowed if v is not None] or [None]
            return copy.deepcopy(values[salt % len(values)])
        if nullable and self._null_wanted(depth):
            return None
        kind = _kind(schemas, types)
        if kind == "null":
            return None
        if kind == "object":
            return self._object(flat, names, depth, salt, path, forced)
        if kind == "array":
            return self._array(flat, depth, salt, path)
        if kind == "string":
            return string(schemas, salt)
        if kind in ("integer", "number"):
            return number(schemas, salt, kind == "integer")
        if kind == "boolean":
            return salt % 2 == 0
        return "value" if salt == 0 else f"value{salt}"

    def _null_wanted(self, depth: int) -> bool:
        return depth > 0 and (self.variant is Variant.NULLS or depth > self.max_depth)

    def _object(
        self,
        flat: list[Part],
        names: list[str],
        depth: int,
        salt: int,
        path: tuple[str | int, ...],
        forced: dict[str, Any],
    ) -> dict[str, Any]:
        properties: dict[str, list[Part]] = {}
        required: list[str] = []
        skipped: set[str] = set()
        extra_parts: list[Part] = []
        extra_allowed = True
        typed_extra = False
        for part in flat:
            schema = part.schema
            for name, sub in (schema.get("properties") or {}).items():
                properties.setdefault(name, []).append(
                    Part(sub, part.resolver, _child(part.where, "properties", name))
                )
                if _skipped(schema, name, self.direction):
                    skipped.add(name)
            for name in schema.get("required") or []:
                if isinstance(name, str) and name not in required:
                    required.append(name)
            more = schema.get("additionalProperties")
            if more is False or schema.get("unevaluatedProperties") is False:
                extra_allowed = False
            elif isinstance(more, dict):
                typed_extra = True
                extra_parts.append(
                    Part(more, part.resolver, _child(part.where, "additionalProperties"))
                )
            if "propertyNames" in schema or "patternProperties" in schema:
                extra_allowed = False
            discriminator = schema.get("discriminator")
            if (
                isinstance(discriminator, dict)
                and isinstance(discriminator.get("propertyName"), str)
                and names
            ):
                forced.setdefault(discriminator["propertyName"], _tag_for(discriminator, names[0]))
        shallow = depth >= self.max_depth
        if self.variant is Variant.REQUIRED or shallow:
            wanted = [name for name in required if name not in skipped]
        else:
            wanted = [n for n in properties if n not in skipped]
            wanted += [n for n in required if n not in properties and n not in skipped]
        wanted += [n for n in forced if n not in wanted]
        result: dict[str, Any] = {}
        for name in wanted:
            if name in forced:
                result[name] = forced[name]
                continue
            sub = properties.get(name) or extra_parts or [Part(True, None, None)]
            mark = len(self._extras)
            try:
                result[name] = self._value(sub, depth + 1, salt, (*path, name))
            except Unbuildable:
                del self._extras[mark:]
                if name in required:
                    raise
                continue
            if name not in properties:
                # Required but declared by no property: as extra a key as the one added below.
                self._extras.append(((*path, name), "typed" if typed_extra else "untyped"))
        minimum = max((p.schema.get("minProperties", 0) for p in flat), default=0)
        wants_extra = self.variant is Variant.ALL and not shallow and EXTRA_KEY not in properties
        if extra_allowed and (wants_extra or len(result) < minimum):
            try:
                value = self._value(
                    extra_parts or [Part(True, None, None)], depth + 1, salt, (*path, EXTRA_KEY)
                )
            except Unbuildable:
                pass
            else:
                result[EXTRA_KEY] = value
                self._extras.append(((*path, EXTRA_KEY), "typed" if typed_extra else "untyped"))
        return result

    def _array(
        self, flat: list[Part], depth: int, salt: int, path: tuple[str | int, ...]
    ) -> list[Any]:
        schemas = [part.schema for part in flat]
        least = max((s.get("minItems", 0) for s in schemas), default=0)
        most = min((s.get("maxItems", 10**6) for s in schemas), default=10**6)
        unique = any(s.get("uniqueItems") is True for s in schemas)
        prefix: list[Part] = []
        items: list[Part] = []
        for part in flat:
            listed = part.schema.get("prefixItems")
            if isinstance(listed, list) and not prefix:
                prefix = [
                    Part(s, part.resolver, _child(part.where, "prefixItems", i))
                    for i, s in enumerate(listed)
                ]
            if "items" in part.schema:
                items.append(Part(part.schema["items"], part.resolver, _child(part.where, "items")))
        count = least if depth >= self.max_depth else max(least, min(1, self.max_items))
        count = min(count, most)
        if any(p.schema is False for p in items):
            count = min(count, len(prefix))
        result: list[Any] = []
        for i in range(count):
            sub = [prefix[i]] if i < len(prefix) else items or [Part(True, None, None)]
            mark = len(self._extras)
            try:
                value = self._value(sub, depth + 1, salt + i, (*path, i))
            except Unbuildable:
                del self._extras[mark:]
                if i < least:
                    raise
                break
            if unique and value in result:
                raise Unbuildable("uniqueItems: could not build distinct items")
            result.append(value)
        return result


_ANNOTATIONS = frozenset({"$ref", "description", "title", "summary", "deprecated", "example"})
_NAMED_IN = ("/components/schemas/", "/$defs/", "/definitions/")


def _schema_name(where: str | None) -> str | None:
    """The name of the schema at ``where`` when it is a named schema (a component, a ``$defs``)."""
    if where is None:
        return None
    pointer = unquote(where.partition("#")[2])
    for container in _NAMED_IN:
        head, found, name = pointer.rpartition(container)
        if found and "/" not in name and not head.endswith(("/properties", "/patternProperties")):
            return name.replace("~1", "/").replace("~0", "~")
    return None


def _tag_for(discriminator: dict[str, Any], name: str) -> str:
    """The tag value that names schema ``name``: its mapping key, or the name itself."""
    mapping = discriminator.get("mapping")
    if isinstance(mapping, dict):
        for tag, target in mapping.items():
            if isinstance(target, str) and target.rstrip("/").rsplit("/", 1)[-1] == name:
                return str(tag)
    return name


_ALL_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})


def _types(schemas: list[dict[str, Any]]) -> frozenset[str] | None:
    """The types every part allows (a ``number`` allows ``integer``), None if unconstrained."""
    result: frozenset[str] | None = None
    for schema in schemas:
        kind = schema.get("type")
        if kind is None:
            continue
        allowed = frozenset([kind] if isinstance(kind, str) else kind) & _ALL_TYPES
        if "number" in allowed:
            allowed |= {"integer"}
        result = allowed if result is None else result & allowed
    if result is not None and not result:
        raise Unbuildable("type: the parts allow no common type")
    return result


def _json_type(value: Any) -> set[str]:
    if value is None:
        return {"null"}
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return {"integer", "number"}
    if isinstance(value, float):
        return {"number"} | ({"integer"} if value.is_integer() else set())
    if isinstance(value, str):
        return {"string"}
    return {"array"} if isinstance(value, list) else {"object"}


_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")
_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("object", ("properties", "required", "additionalProperties", "patternProperties")),
    ("array", ("items", "prefixItems", "minItems", "maxItems")),
    ("string", ("minLength", "maxLength", "pattern", "format")),
    ("number", ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")),
)


def _kind(schemas: list[dict[str, Any]], types: frozenset[str] | None) -> str | None:
    """The one type to build: the first declared type that every part allows, else a hint."""
    if types is not None:
        for schema in schemas:
            kind = schema.get("type")
            for name in [kind] if isinstance(kind, str) else kind or []:
                if name == "number" and "number" not in types and "integer" in types:
                    return "integer"
                if name in types and name != "null":
                    return name
        return next((k for k in _ORDER if k in types), None)
    for kind, keywords in _HINTS:
        if any(keyword in schema for schema in schemas for keyword in keywords):
            return kind
    return None
