"""Places in the two specs as the comparison reads them: ``$ref``s followed leniently, members that
may be missing, values as messages show them, and the pointer and line a change names."""

from __future__ import annotations

import json
from typing import Any

from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.refs import LoadedSpec, RefError, Target

#: As in refs.py: more hops than this is a loop of $refs.
_MAX_REF_HOPS = 64


def mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one: a malformed part reads as absent."""
    return value if isinstance(value, dict) else {}


def place_key(at: Target) -> tuple[str, str]:
    """A hashable name for a place: its file and pointer."""
    return (str(at.document.path), at.pointer)


def deref(spec: LoadedSpec, document: Document, pointer: str) -> Target:
    """Follow ``$ref``s from ``pointer``; see :func:`deref_value`."""
    return deref_value(spec, Target(document, pointer))[0]


def deref_value(spec: LoadedSpec, at: Target) -> tuple[Target, Any]:
    """Follow ``$ref``s from ``at``: the place reached and its value.

    A broken ``$ref`` (or a loop) leaves the reference itself: that is a finding of
    ``specgen validate``, not this command's business. The value is handed back so that callers do
    not resolve the pointer again (the diff of a large spec spends its time there).
    """
    try:
        value = jp.resolve(at.document.data, at.pointer)
    except LookupError:
        return at, None
    for _ in range(_MAX_REF_HOPS):
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            break
        try:
            at = spec.resolve(at.document, value["$ref"])
        except RefError:
            break
        value = at.value
    return at, value


def existing(document: Document, pointer: str, fallback: str | None) -> Target | None:
    """``pointer`` when it exists in ``document``, else ``fallback`` (None for none)."""
    try:
        jp.resolve(document.data, pointer)
    except LookupError:
        return None if fallback is None else Target(document, fallback)
    return Target(document, pointer)


def child(at: Target | None, name: str) -> Target | None:
    """Member ``name`` of ``at`` when it exists, else ``at`` itself (None stays None)."""
    return None if at is None else existing(at.document, jp.join(at.pointer, name), at.pointer)


def missing_from(values: list[Any], others: list[Any]) -> list[tuple[int, Any]]:
    """Items of ``values`` (with their index) that are not in ``others``, by JSON value."""
    present = {_canonical(value) for value in others}
    return [(i, v) for i, v in enumerate(values) if _canonical(v) not in present]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def show(value: Any) -> str:
    """A value of the spec as a message shows it: strings quoted, None as ``none``, else JSON."""
    if value is None:
        return "none"
    return repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def locate(spec: LoadedSpec, at: Target | None) -> tuple[str | None, int | None]:
    """The pointer to show for a place (``file#pointer`` outside the root file) and its line."""
    if at is None:
        return None, None
    position = at.document.positions.get(at.pointer)
    line = position.line if position is not None else None
    if at.document is spec.root:
        return at.pointer, line
    try:
        name = at.document.path.resolve().relative_to(spec.folder).as_posix()
    except ValueError:
        name = at.document.path.name
    return f"{name}#{at.pointer}", line
