"""OpenAPI discriminators in generated models: a hint for choosing a branch, never a new rule.

datamodel-code-generator turns a discriminated ``oneOf``/``anyOf`` into pydantic's tagged union: each
branch gets its tag property as a required ``Literal`` (on the branch used on its own, too), and a
value without the tag, or with a tag of another spelling, is refused. The schema says neither: the
tag property is often optional (GitHub's ``user_view_type``), the branches accept any string there,
and JSON Schema validates the union by its branches. So model generation never sees a discriminator
(:mod:`generator.generate.model_input` leaves it out), and :func:`prefer_tagged_branches` puts the hint
back on the unions it wrote: ``Annotated[A | B, _discriminated("kind", {"a": A, "b": B})]``. specgen's
models template defines ``_discriminated``: a value whose tag names a branch (by the ``mapping``, or by
the schema's name where no mapping says otherwise) is read as that branch when that branch accepts
it; any other value is read as the union reads it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.generate.ir import NamedSchema
from generator.generate.source_edits import ParsedModule, class_bases, field_text
from generator.spec import pointer as jp

REF_PREFIX = "#/components/schemas/"
#: Where the collector's components come from: their name there is a discriminator's implicit tag.
_COMPONENT_POINTER = "/components/schemas/"
_ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum"})


@dataclass(frozen=True)
class Union:
    """A discriminated union of one class: where it is, and its tags."""

    #: The JSON name of the property holding it, or ``None`` for the class itself (a root model).
    property: str | None
    #: The discriminator's property name.
    tag: str
    #: The model classes of its branches.
    branches: frozenset[str]
    #: Tag value -> branch class.
    tags: Mapping[str, str]


def implicit_tags(schemas: tuple[NamedSchema, ...]) -> dict[str, str]:
    """The tag value each component's class answers to without a mapping: its schema's name."""
    return {
        named.class_name: jp.split(named.source.pointer)[-1]
        for named in schemas
        if named.source.pointer.startswith(_COMPONENT_POINTER)
        and len(jp.split(named.source.pointer)) == 3
    }


def unions(
    schemas: tuple[NamedSchema, ...], implicit: Mapping[str, str] | None = None
) -> dict[str, list[Union]]:
    """The discriminated unions of each class, with the tag values of their branches.

    ``implicit`` (by default, that of ``schemas``) names the tag of each class a branch may be:
    made in parts, a class's branches may be another part's schemas.
    """
    implicit = implicit_tags(schemas) if implicit is None else implicit
    found: dict[str, list[Union]] = {}
    for named in schemas:
        for where, node in _sites(named.schema):
            union = _union(where, node, implicit)
            if union is not None:
                found.setdefault(named.class_name, []).append(union)
    return found


def _sites(schema: Any) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """Every discriminated union of the class made of ``schema``, with the property holding it."""
    if not isinstance(schema, dict):
        return
    yield from ((None, node) for node in _within(schema))
    for part in [schema, *_list(schema.get("allOf"))]:
        properties = part.get("properties") if isinstance(part, dict) else None
        if isinstance(properties, dict):
            for name, value in properties.items():
                yield from ((name, node) for node in _within(value))


def _within(node: Any) -> Iterator[dict[str, Any]]:
    """Discriminated unions in ``node`` and in what its field's annotation is made of (items, map
    values, union branches written in place); not in other classes' properties."""
    if not isinstance(node, dict) or "$ref" in node:
        return
    if isinstance(node.get("discriminator"), dict) and (node.get("oneOf") or node.get("anyOf")):
        yield node
    for key in ("items", "additionalProperties"):
        yield from _within(node.get(key))
    for key in ("oneOf", "anyOf"):
        for branch in _list(node.get(key)):
            yield from _within(branch)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _union(where: str | None, node: dict[str, Any], implicit: Mapping[str, str]) -> Union | None:
    discriminator = node["discriminator"]
    tag = discriminator.get("propertyName")
    if not isinstance(tag, str):
        return None
    branches = [
        _class(branch.get("$ref"))
        for branch in [*_list(node.get("oneOf")), *_list(node.get("anyOf"))]
        if isinstance(branch, dict)
    ]
    classes = frozenset(name for name in branches if name is not None)
    # A schema's name names its branch unless the mapping gives that name to another branch.
    # In the order of the branches, not of a set: the generated module must not depend on the
    # hash seed.
    tags = {implicit[name]: name for name in branches if name is not None and name in implicit}
    mapping = discriminator.get("mapping")
    for value, target in mapping.items() if isinstance(mapping, dict) else ():
        name = _class(target)
        if isinstance(value, str) and name in classes:
            tags[value] = name
    if not tags:
        return None
    return Union(where, tag, classes, tags)


def _class(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith(REF_PREFIX):
        return ref[len(REF_PREFIX) :]
    return None


# -- the generated module -------------------------------------------------------------------------------


def prefer_tagged_branches(
    module: ParsedModule,
    schemas: tuple[NamedSchema, ...],
    implicit: Mapping[str, str] | None = None,
) -> bool:
    """Annotate each discriminated union of ``module`` with its tags, the statements changed in
    place; whether any was. ``implicit``: see :func:`unions`."""
    found = unions(schemas, implicit)
    if not found:
        return False
    classes = module.class_definitions()
    models = {name for name, node in classes.items() if not class_bases(node) & _ENUM_BASES}
    changed = False
    for class_name, wanted in found.items():
        if class_name not in classes:
            continue
        for statement in classes[class_name].body:
            if not (
                isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            ):
                continue
            name = _wire_name(statement)
            marker = _Mark([u for u in wanted if (u.property or "root") == name], models)
            statement.annotation = marker.visit(statement.annotation)
            if marker.marked:
                module.mark(statement)
                changed = True
    return changed


def _wire_name(statement: ast.AnnAssign) -> str:
    """The JSON name of a field: its alias, else its name."""
    assert isinstance(statement.target, ast.Name)
    for part in ast.walk(statement.annotation):
        alias = field_text(part, "alias")
        if alias is not None and isinstance(alias.value, ast.Constant):
            return str(alias.value.value)
    return statement.target.id


class _Mark(ast.NodeTransformer):
    """Wraps each union of an annotation whose members include every branch of a wanted union."""

    def __init__(self, wanted: list[Union], models: set[str]) -> None:
        self.wanted = wanted
        self.models = models
        self.marked = False

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        members = set(_members(node))
        for union in self.wanted:
            tags = {value: name for value, name in union.tags.items() if name in self.models}
            if tags and union.branches <= members:
                self.wanted = [u for u in self.wanted if u is not union]
                self.marked = True
                return _annotated(node, union.tag, tags)
        return self.generic_visit(node)


def _members(node: ast.expr) -> Iterator[str]:
    """The names joined by ``|`` in ``node``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        yield from _members(node.left)
        yield from _members(node.right)
    elif isinstance(node, ast.Name):
        yield node.id


def _annotated(union: ast.expr, tag: str, tags: Mapping[str, str]) -> ast.expr:
    """``Annotated[union, _discriminated(tag, {value: Class, ...})]``."""
    hint = ast.Call(
        func=ast.Name("_discriminated", ast.Load()),
        args=[
            ast.Constant(tag),
            ast.Dict(
                keys=[ast.Constant(value) for value in tags],
                values=[ast.Name(name, ast.Load()) for name in tags.values()],
            ),
        ],
        keywords=[],
    )
    return ast.Subscript(
        value=ast.Name("Annotated", ast.Load()),
        slice=ast.Tuple(elts=[union, hint], ctx=ast.Load()),
        ctx=ast.Load(),
    )
