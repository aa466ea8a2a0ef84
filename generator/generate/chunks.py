"""A large spec's models made in parts, side by side, and joined into one module.

On a large API datamodel-code-generator takes most of the time, on one core. :func:`split` cuts the
allowlisted schemas (:func:`~generator.generate.model_input.prepare`) into parts, in their
order. Each part holds the schemas it owns, and what datamodel-code-generator needs to model them
alone:

- the whole schema of each class they need when their own classes are defined (the bases of an
  ``allOf``, and enums, whose members may be defaults), and what those need in turn;
- a stand-in for every other schema they reference: its scalar keywords and none of its
  subschemas, so a reference to it is written as before, by its class name.

A part keeps only the classes it owns (:func:`~generator.generate.datamodels.finish_models`). What
a part needs at definition time is owned by itself or by an earlier part, so the parts joined in
order (:func:`join`) define every class before it is used. Their imports are joined too; ruff then
sorts them and drops those no class uses.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.generate.datamodels import ModelsModule, finish_models, run_generator
from generator.generate.ir import NamedSchema
from generator.generate.model_input import REF_PREFIX, ModelInput

#: Keywords a stand-in keeps: what a reference to the schema may depend on, no subschema.
_STAND_IN_KEYWORDS = ("type", "format", "nullable", "enum", "x-enum-varnames")


@dataclass(frozen=True)
class Part:
    """One part of a models run: the classes it owns, and the schemas it is made from (by class
    name: its own, those it needs whole, and stand-ins)."""

    own: frozenset[str]
    schemas: dict[str, Any]


def split(components: dict[str, Any], parts: int) -> list[Part]:
    """The allowlisted schemas ``components`` (by class name) cut into at most ``parts`` parts (see
    the module docstring)."""
    names = list(components)
    size = -(-len(names) // parts)
    taken: set[str] = set()
    result: list[Part] = []
    for start in range(0, len(names), size):
        seed = [name for name in names[start : start + size] if name not in taken]
        own = _needed(components, seed) - taken
        if not own:
            continue
        taken |= own
        whole = _needed(components, own)
        referenced = {ref for name in whole for ref in _refs(components[name]) if ref in components}
        schemas = {
            name: components[name] if name in whole else _stand_in(components[name])
            for name in names
            if name in whole or name in referenced
        }
        result.append(Part(frozenset(own), schemas))
    return result


def make_part(
    part: Part,
    given: ModelInput,
    schemas: tuple[NamedSchema, ...],
    implicit: Mapping[str, str],
    template_dir: Path,
) -> ModelsModule:
    """The models module of ``part``'s own classes; ``schemas`` are the named schemas it owns,
    ``implicit`` the implicit discriminator tags of all (see
    :func:`~generator.generate.discriminators.implicit_tags`)."""
    source = run_generator(part.schemas, given.aliases, template_dir)
    borrowed = frozenset(part.schemas) - part.own
    return finish_models(
        source, given, schemas, keep=part.own, borrowed=borrowed, implicit=implicit
    )


def join(modules: Sequence[ModelsModule]) -> ModelsModule | None:
    """The parts' modules as one, in order; None when two parts made a class of the same name
    (datamodel-code-generator names the classes of inline schemas itself, one part not knowing
    the other's), and the models must be made in one piece."""
    names = [name for module in modules for name in module.classes]
    if len(names) != len(set(names)):
        return None
    imports: list[str] = []
    for module in modules:
        for node in ast.parse(module.imports).body:
            line = ast.unparse(node)
            if line not in imports:
                imports.append(line)
    # A __future__ import must come first; the others are sorted by ruff afterwards.
    imports.sort(key=lambda line: not line.startswith("from __future__ "))
    return ModelsModule(
        "\n".join(imports),
        "\n".join(module.body for module in modules),
        any(module.bounded_patterns for module in modules),
        frozenset().union(*(module.classes for module in modules)),
        {name: root for module in modules for name, root in module.root_annotations.items()},
        frozenset().union(*(module.enums for module in modules)),
        any(module.discriminated_unions for module in modules),
    )


def _needed(components: dict[str, Any], names: Sequence[str] | set[str]) -> set[str]:
    """``names`` and every schema their classes need at definition time, transitively."""
    needed = set(names)
    stack = list(names)
    while stack:
        schema = components[stack.pop()]
        bases = _bases(schema)
        for ref in _refs(schema):
            if (
                ref in components
                and ref not in needed
                and (ref in bases or _is_enum(components[ref]))
            ):
                needed.add(ref)
                stack.append(ref)
    return needed


def _bases(schema: Any) -> set[str]:
    """The classes an ``allOf`` of ``schema`` makes its bases."""
    parts = schema.get("allOf") if isinstance(schema, dict) else None
    return {
        part["$ref"][len(REF_PREFIX) :]
        for part in parts or ()
        if isinstance(part, dict) and isinstance(part.get("$ref"), str)
    }


def _is_enum(schema: Any) -> bool:
    return isinstance(schema, dict) and "enum" in schema


def _refs(node: Any) -> Iterator[str]:
    """The class names ``node`` references, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX):
                yield value[len(REF_PREFIX) :]
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _stand_in(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    return {key: schema[key] for key in _STAND_IN_KEYWORDS if key in schema}
