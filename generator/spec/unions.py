"""Why a payload fails a ``oneOf`` or ``anyOf``: the branch it was meant to match, and how it misses.

jsonschema-rs says only that a value "is not valid under any of the schemas listed". It does keep
every branch's own errors (the ``context`` of its error kind), so a failure can name one branch and
list that branch's errors, each located in the spec like any other violation:

- the branch the OpenAPI ``discriminator`` selects: the value of ``propertyName`` looked up in
  ``mapping``, then taken as a component schema name (the implicit mapping);
- otherwise the closest branch: the first, in order, of those with the fewest of these misses,
  compared one after the other: the value is not of the branch's ``type``; a property of the value
  breaks a ``const`` or ``enum`` of the branch (a tag telling branches apart); the branch's errors.

This module reads the union as written in the spec (:class:`UnionSchema`) and picks the branch
(:func:`choose`); :class:`generator.spec.validators.SchemaValidators` turns the errors into located
violations.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import jsonschema_rs

from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.refs import LoadedSpec

_KIND = jsonschema_rs.ValidationErrorKind
#: The error kinds of a failed union, each with its branches' errors as ``context``.
UNION_KINDS = (_KIND.OneOfNotValid, _KIND.OneOfMultipleValid, _KIND.AnyOf)
#: Branches compared in search of the closest; a union with more is compared on its first ones.
MAX_BRANCHES = 64
#: Errors of a branch looked at for a ``type`` or tag miss (the branch's error count is known anyway).
SCANNED_ERRORS = 32
#: Unions inside a branch's errors are explained this many levels deep, then only summarised.
MAX_DEPTH = 3
#: Branches named in a message saying several ``oneOf`` branches matched.
NAMED_MATCHES = 5
#: A discriminator value is quoted up to this length, else only its length is given: cutting it
#: short could leave the start of a credential that masking no longer recognises.
QUOTED_CHARS = 64
#: A branch's ``$ref`` is quoted up to this length in messages (they are bounded).
REF_CHARS = 60


@dataclass(frozen=True)
class UnionSchema:
    """A ``oneOf`` or ``anyOf`` as the spec writes it."""

    keyword: str
    #: Each branch as messages name it: ``oneOf/1 (#/components/schemas/Cat)``, or ``oneOf/2``.
    labels: tuple[str, ...]
    #: The discriminator's ``propertyName``; None without a discriminator.
    property: str | None = None
    #: Discriminator value -> index of the branch it selects (explicit mapping, then implicit).
    selects: dict[str, int] = field(default_factory=dict)

    def label(self, index: int) -> str:
        """How messages name branch ``index``."""
        return self.labels[index] if index < len(self.labels) else f"{self.keyword}/{index}"


@dataclass(frozen=True)
class Choice:
    """The branch a failed union is explained by, and the words saying why it was chosen."""

    #: Index of the branch whose errors are listed; None when none is (several ``oneOf`` matched).
    index: int | None
    #: The union violation's message.
    message: str


def read_union(spec: LoadedSpec, document: Document, pointer: str) -> UnionSchema:
    """The union whose keyword (``.../oneOf`` or ``.../anyOf``) is at ``pointer`` in ``document``.

    Anything unexpected (the keyword's value is not a list, a ``$ref`` that does not resolve, a
    discriminator that is not an object) leaves that part out rather than failing.
    """
    tokens = jp.split(pointer)
    keyword = tokens[-1] if tokens else "oneOf"
    try:
        branches = jp.resolve(document.data, pointer)
        holder = jp.resolve(document.data, jp.parent(pointer))
    except LookupError:
        return UnionSchema(keyword, ())
    if not isinstance(branches, list):
        return UnionSchema(keyword, ())
    refs = [branch.get("$ref") if isinstance(branch, dict) else None for branch in branches]
    labels = tuple(
        f"{keyword}/{index} ({_shorten(ref, REF_CHARS)})"
        if isinstance(ref, str)
        else f"{keyword}/{index}"
        for index, ref in enumerate(refs)
    )
    discriminator = holder.get("discriminator") if isinstance(holder, dict) else None
    if not isinstance(discriminator, dict) or not isinstance(
        discriminator.get("propertyName"), str
    ):
        return UnionSchema(keyword, labels)
    # Branches by where their $ref points; the implicit mapping selects by component name.
    targets: dict[tuple[str, str], int] = {}
    selects: dict[str, int] = {}
    for index, ref in enumerate(refs):
        target = _target(spec, document, ref) if isinstance(ref, str) else None
        if target is not None:
            targets.setdefault(target, index)
            name = _component_name(target[1])
            if name is not None:
                selects.setdefault(name, index)
    mapping = discriminator.get("mapping")
    for value, ref in (mapping if isinstance(mapping, dict) else {}).items():
        if not isinstance(ref, str):
            continue
        # A mapping value names a component schema, or else is a reference.
        by_name = _target(spec, document, f"#/components/schemas/{jp.escape(ref)}")
        mapped = targets.get(by_name) if by_name is not None else None
        if mapped is None:
            by_ref = _target(spec, document, ref)
            mapped = targets.get(by_ref) if by_ref is not None else None
        if mapped is not None:
            selects[str(value)] = mapped
        else:
            selects.pop(str(value), None)  # mapped elsewhere: not to the branch of that name
    return UnionSchema(keyword, labels, discriminator["propertyName"], selects)


def choose(
    union: UnionSchema, kind: Any, value: Any, depth: int, context: Sequence[Sequence[Any]]
) -> Choice:
    """The branch that explains a failed union, and the union violation's message.

    ``kind`` is the error's kind (one of :data:`UNION_KINDS`), ``value`` the part of the payload
    that failed it and ``depth`` the length of its instance path, ``context`` each branch's errors
    (empty for a branch that matched).
    """
    count = len(context)
    keyword = union.keyword
    selected, tag = _discriminated(union, value, count)
    # "the discriminator (petType "dog") selects oneOf/0 (#/components/schemas/Dog)"
    selection = f"the discriminator ({tag}) selects " if tag else ""
    if isinstance(kind, _KIND.OneOfMultipleValid):
        matched = [i for i, errors in enumerate(context) if not errors]
        named = ", ".join(union.label(i) for i in matched[:NAMED_MATCHES])
        if len(matched) > NAMED_MATCHES:
            named += f" and {len(matched) - NAMED_MATCHES} more"
        message = (
            f"matches {len(matched)} of the {count} {keyword} branches"
            f" (exactly one must match): {named}"
        )
        if selected is not None:
            message += f"; {selection}{union.label(selected)}"
        return Choice(None, message)
    head = f"matches none of the {count} {keyword} branches"
    if selected is not None:
        errors = _errors(len(context[selected]))
        return Choice(selected, f"{head}; {selection}{union.label(selected)}: {errors}")
    closest = _closest(context, depth)
    note = f"{selection}no branch; " if selection else ""
    examined = f" of the first {MAX_BRANCHES}" if count > MAX_BRANCHES else ""
    errors = _errors(len(context[closest]))
    return Choice(closest, f"{head}; {note}closest{examined} is {union.label(closest)}: {errors}")


def summary(keyword: str, kind: Any, count: int) -> str:
    """The union violation's message when its branches are not explained (too deeply nested)."""
    if isinstance(kind, _KIND.OneOfMultipleValid):
        return f"matches more than one of the {count} {keyword} branches"
    return f"matches none of the {count} {keyword} branches"


def value_at(instance: Any, path: Sequence[str | int]) -> Any:
    """The part of ``instance`` at ``path`` (an error's ``instance_path``); None if there is none."""
    for token in path:
        if isinstance(instance, dict) and isinstance(token, str):
            instance = instance.get(token)
        elif isinstance(instance, list) and isinstance(token, int) and 0 <= token < len(instance):
            instance = instance[token]
        else:
            return None
    return instance


def _discriminated(union: UnionSchema, value: Any, count: int) -> tuple[int | None, str]:
    """The branch the discriminator selects for ``value`` (if any), and its tag as messages quote
    it (``petType "dog"``; empty when ``value`` has no tag to select by)."""
    if union.property is None or not isinstance(value, dict):
        return None, ""
    tag = value.get(union.property)
    if not isinstance(tag, str):
        return None, ""
    quoted = (
        json.dumps(tag, ensure_ascii=False)
        if len(tag) <= QUOTED_CHARS
        else f"(a {len(tag):,}-character value)"
    )
    index = union.selects.get(tag)
    tag_note = f"{_shorten(union.property, REF_CHARS)} {quoted}"
    return (index if index is not None and index < count else None), tag_note


def _closest(context: Sequence[Sequence[Any]], depth: int) -> int:
    """The closest branch: fewest ``type`` misses, then tag misses, then errors; first on ties.

    ``depth`` is the length of the union's own instance path: a ``type`` error there means the
    value is not of the branch's type at all, a ``const``/``enum`` error one level down that one of
    its properties names another branch.
    """
    best: tuple[int, int, int, int] | None = None
    for index, errors in enumerate(context[:MAX_BRANCHES]):
        wrong_type = wrong_tag = 0
        for error in errors[:SCANNED_ERRORS]:
            where = len(error.instance_path)
            kind = error.kind
            if where == depth and isinstance(kind, _KIND.Type):
                wrong_type = 1
            elif where == depth + 1 and isinstance(kind, (_KIND.Constant, _KIND.Enum)):
                wrong_tag = 1
        key = (wrong_type, wrong_tag, len(errors), index)
        if best is None or key < best:
            best = key
    return best[3] if best is not None else 0


def _errors(count: int) -> str:
    return f"{count:,} error" if count == 1 else f"{count:,} errors"


def _target(spec: LoadedSpec, document: Document, ref: str) -> tuple[str, str] | None:
    """Where ``ref`` points, as (file, pointer), among the files already loaded; None elsewhere.

    Only compared, never followed: nothing is read to explain a failure.
    """
    file_part, _, fragment = ref.partition("#")
    target = document
    if file_part:
        try:
            found = spec.documents.get(
                (document.path.resolve().parent / unquote(file_part)).resolve()
            )
        except (OSError, ValueError):
            return None
        if found is None:
            return None
        target = found
    return str(target.path), jp.from_fragment(fragment)


def _component_name(pointer: str) -> str | None:
    if not pointer.startswith("/"):
        return None
    tokens = jp.split(pointer)
    if len(tokens) == 3 and tokens[0] == "components" and tokens[1] == "schemas":
        return tokens[2]
    return None


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
