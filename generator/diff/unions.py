"""The branches of a ``oneOf`` or ``anyOf`` side by side: which old branch is which new one.

Branches are paired, in this order:

1. by the name their ``$ref`` ends in (``#/components/schemas/Cat`` is ``Cat``), whatever their
   position;
2. by discriminator value, for the branches left: the values of the union's ``discriminator``
   ``mapping`` that name the branch, or the ``const``/``enum`` its tag property allows (so a
   renamed schema with the same tag is the same branch);
3. by position, for the inline branches left (without a ``$ref``): the first with the first.

A branch left over was added or removed. A ``{type: "null"}`` branch is not a branch but says the
union is nullable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.diff.places import deref, deref_value, mapping, place_key
from generator.spec import pointer as jp
from generator.spec.refs import LoadedSpec, Target

#: How deep an ``allOf`` chain is searched for a branch's tag property.
_MAX_DEPTH = 16


@dataclass(frozen=True)
class Branch:
    """One branch of a union, as written (not dereferenced)."""

    at: Target
    index: int
    ref: str | None  # the name its $ref ends in
    tags: frozenset[str]  # discriminator values that select it

    def label(self) -> str:
        """The branch as a message names it when it has no partner."""
        if self.ref is not None:
            return repr(self.ref)
        if self.tags:
            return repr(min(self.tags))
        return str(self.index)


@dataclass(frozen=True)
class UnionOf:
    """A ``oneOf`` or ``anyOf``: its keyword and branches (null branches left out)."""

    keyword: str
    branches: tuple[Branch, ...]
    null_at: Target | None  # the {type: "null"} branch, if any


def read_union(spec: LoadedSpec, at: Target, value: dict[str, Any], keyword: str) -> UnionOf | None:
    """The union ``value[keyword]`` of the schema at ``at``, or None when it has none."""
    listed = value.get(keyword)
    if not isinstance(listed, list) or not listed:
        return None
    discriminator = mapping(value.get("discriminator"))
    tag = discriminator.get("propertyName")
    by_name: dict[str, set[str]] = {}
    for tag_value, target in mapping(discriminator.get("mapping")).items():
        if isinstance(target, str):
            by_name.setdefault(_ref_name(target), set()).add(str(tag_value))
    branches = []
    null_at = None
    for index, branch in enumerate(listed):
        place = Target(at.document, jp.join(at.pointer, keyword, index))
        reached, reached_value = deref_value(spec, place)
        if isinstance(reached_value, dict) and reached_value.get("type") in ("null", ["null"]):
            null_at = null_at or reached
            continue
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        name = _ref_name(ref) if isinstance(ref, str) else None
        tags: set[str] = set(by_name.get(name, ())) if name is not None else set()
        if isinstance(tag, str):
            tags |= _tag_values(spec, reached, reached_value, tag, 0, set())
        branches.append(Branch(place, index, name, frozenset(tags)))
    return UnionOf(keyword, tuple(branches), null_at)


def pair(
    old: UnionOf, new: UnionOf
) -> tuple[list[tuple[Branch, Branch, str]], list[Branch], list[Branch]]:
    """Branches paired (with how, e.g. ``'Cat' (by $ref)``), then the old and new left over."""
    pairs: list[tuple[Branch, Branch, str]] = []
    old_left, new_left = list(old.branches), list(new.branches)

    def take(was: Branch, now: Branch, how: str) -> None:
        pairs.append((was, now, how))
        old_left.remove(was)
        new_left.remove(now)

    for was in [b for b in old_left if b.ref is not None]:
        now = next((b for b in new_left if b.ref == was.ref), None)
        if now is not None:
            take(was, now, f"{was.ref!r} (by $ref)")
    for was in [b for b in old_left if b.tags]:
        now = next((b for b in new_left if b.tags & was.tags), None)
        if now is not None:
            take(was, now, f"{min(was.tags & now.tags)!r} (by discriminator)")
    inline_old = [b for b in old_left if b.ref is None]
    inline_new = [b for b in new_left if b.ref is None]
    for was, now in zip(inline_old, inline_new, strict=False):
        take(was, now, f"{now.index} (by position)")
    pairs.sort(key=lambda p: p[1].index)
    return pairs, old_left, new_left


def _ref_name(ref: str) -> str:
    """The name a ``$ref`` (or a discriminator mapping value) ends in."""
    file_part, _, fragment = ref.partition("#")
    if fragment:
        return jp.unescape(fragment.rstrip("/").rsplit("/", 1)[-1])
    if "/" not in file_part and "." not in file_part:
        return file_part  # a mapping value may be a bare schema name
    return file_part.rstrip("/").rsplit("/", 1)[-1]


def _tag_values(
    spec: LoadedSpec, at: Target, value: Any, tag: str, depth: int, seen: set[tuple[str, str]]
) -> set[str]:
    """The values a branch's tag property allows (``const`` or ``enum``), through ``allOf``."""
    if not isinstance(value, dict) or depth > _MAX_DEPTH or place_key(at) in seen:
        return set()
    seen.add(place_key(at))
    prop = mapping(value.get("properties")).get(tag)
    if prop is not None:
        reached = deref(spec, at.document, jp.join(at.pointer, "properties", tag))
        prop = mapping(reached.value)
        if isinstance(prop.get("const"), str):
            return {prop["const"]}
        enum = prop.get("enum")
        if isinstance(enum, list):
            return {item for item in enum if isinstance(item, str)}
        return set()
    found: set[str] = set()
    members = value.get("allOf")
    if isinstance(members, list):
        for index in range(len(members)):
            member = deref_value(spec, Target(at.document, jp.join(at.pointer, "allOf", index)))
            found |= _tag_values(spec, *member, tag, depth + 1, seen)
    return found
