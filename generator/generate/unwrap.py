"""What a client method returns for a JSON body: the parsed model, its root models unwrapped.

A ``RootModel`` is how pydantic parses a body that is not an object (a list, a string, a union), and
its value is its ``.root``. A method returns that value, not the wrapper, and does so all the way
down the type: a list of root models (``Tags = RootModel[list[Tag]]``, ``Tag = RootModel[str]``)
comes back as ``list[str]``, a map of them as ``dict[str, str]``, a list of unions
(``Pet = RootModel[Cat | Dog]``) as ``list[models.Cat | models.Dog]``. The annotation and the
expression are made together from the same walk, so they agree by construction; mypy --strict on
the generated client checks them against each other.

What is not unwrapped: fields of object models (they are the model's business), a root model
reached again through itself (a recursive type keeps its name), and a union at the top of a body
whose members include a root model (the value is not a name there, so no ``isinstance`` dispatch).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

#: The expression of a body parsed into model ``{}``: the client template's helper.
_PARSE = "_parse(models.{}, response)"


@dataclass(frozen=True)
class Returned:
    """What a method returns for a body parsed into one model: its type and the expression."""

    annotation: str
    expression: str


def returned(model: str, roots: Mapping[str, str]) -> Returned:
    """The value returned for a body of model class ``model``; ``roots`` maps each root model to
    the annotation of its ``root`` (model names written ``models.X``)."""
    parsed = _PARSE.format(model)
    if model not in roots:
        return Returned(f"models.{model}", parsed)
    walk = _Walk(roots)
    annotation, expression = walk.unwrap(
        _parse(roots[model]), parsed + ".root", frozenset({model}), 0, simple=False
    )
    return Returned(annotation, expression)


def _parse(annotation: str) -> ast.expr:
    return ast.parse(annotation, mode="eval").body


def _root_name(node: ast.expr) -> str | None:
    """``X`` for the annotation ``models.X``."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "models"
    ):
        return node.attr
    return None


def _members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _members(node.left) + _members(node.right)
    return [node]


class _Walk:
    def __init__(self, roots: Mapping[str, str]) -> None:
        self.roots = roots

    def unwrap(
        self, node: ast.expr, value: str, seen: frozenset[str], depth: int, simple: bool
    ) -> tuple[str, str]:
        """(annotation, expression) of ``value``, of type ``node``, with root models unwrapped.

        ``simple``: ``value`` is a plain name, so it may be evaluated more than once (unions).
        ``seen``: the root models being unwrapped on the way here (a recursive type stops).
        """
        unchanged = (ast.unparse(node), value)
        name = _root_name(node)
        if name is not None:
            if name not in self.roots or name in seen:
                return unchanged
            inner = _parse(self.roots[name])
            return self.unwrap(inner, value + ".root", seen | {name}, depth, simple=False)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            if node.value.id == "list":
                item = f"item_{depth}" if depth else "item"
                annotation, expression = self.unwrap(node.slice, item, seen, depth + 1, True)
                if expression == item:
                    return unchanged
                return f"list[{annotation}]", f"[{expression} for {item} in {value}]"
            if (
                node.value.id == "dict"
                and isinstance(node.slice, ast.Tuple)
                and len(node.slice.elts) == 2
            ):
                key_type, value_type = node.slice.elts
                key = f"key_{depth}" if depth else "key"
                item = f"item_{depth}" if depth else "item"
                annotation, expression = self.unwrap(value_type, item, seen, depth + 1, True)
                if expression == item:
                    return unchanged
                return (
                    f"dict[{ast.unparse(key_type)}, {annotation}]",
                    f"{{{key}: {expression} for {key}, {item} in {value}.items()}}",
                )
            return unchanged
        members = _members(node)
        if len(members) > 1 and simple:
            return self._union(members, value, seen, depth) or unchanged
        return unchanged

    def _union(
        self, members: list[ast.expr], value: str, seen: frozenset[str], depth: int
    ) -> tuple[str, str] | None:
        """A union of a plain name: each root model member unwrapped behind an ``isinstance``."""
        annotations: list[str] = []
        branches: list[tuple[str, str]] = []
        for member in members:
            annotation, expression = self.unwrap(member, value, seen, depth, simple=False)
            name = _root_name(member)
            if expression != value:
                if name is None:
                    return None  # a list or map member needing work: no test tells it apart
                branches.append((f"models.{name}", expression))
            for part in _members(_parse(annotation)):
                text = ast.unparse(part)
                if text not in annotations:
                    annotations.append(text)
        if not branches:
            return None
        expression = value
        for cls, branch in reversed(branches):
            expression = f"({branch} if isinstance({value}, {cls}) else {expression})"
        return " | ".join(annotations), expression
