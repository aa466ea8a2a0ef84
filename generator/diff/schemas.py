"""Comparing two schemas: ``$ref``s followed, ``allOf`` merged, nullability read one way, then the
keywords, properties and items compared pair by pair."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from generator.diff.constraints import Constraint, constraint_changes, read_constraints
from generator.diff.places import deref, deref_value, missing_from, place_key, show
from generator.diff.unions import UnionOf, pair, read_union
from generator.spec import pointer as jp
from generator.spec.dialect import is_openapi_30, oas30_to_2020_12
from generator.spec.refs import LoadedSpec, Target

#: Which side of an exchange a schema describes: a client writes requests and reads responses.
Direction = Literal["request", "response"]


@dataclass
class _Flat:
    """A schema with ``$ref``s followed and ``allOf`` merged: what the comparison looks at.

    Each keyword keeps the place it is written, which may be inside an ``allOf`` member.
    """

    at: Target
    types: frozenset[str] | None = None  # None: no ``type``, any value
    type_at: Target | None = None
    nullable: bool = False
    nullable_at: Target | None = None
    format: str | None = None
    format_at: Target | None = None
    pattern: str | None = None
    pattern_at: Target | None = None
    enum: list[Any] | None = None
    enum_at: Target | None = None
    properties: dict[str, Target] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    read_only: set[str] = field(default_factory=set)
    write_only: set[str] = field(default_factory=set)
    items: Target | None = None
    constraints: dict[str, Constraint] = field(default_factory=dict)
    unions: dict[str, UnionOf] = field(default_factory=dict)  # by keyword: oneOf, anyOf


#: Where a change is: outside in, each union branch entered as (path before it, the branch).
Outer = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Draft:
    """A schema change relative to the schema compared; placed in a context when reported."""

    rule: str
    path: str  # ".name" per property, "[]" per array's items (inside the innermost branch)
    text: str
    old: Target | None
    new: Target | None
    #: The union branches the change is inside, outermost first (see :func:`describe`).
    outer: Outer = ()


def describe(draft: Draft, top: Callable[[str], str]) -> str:
    """Where in a schema ``draft`` is, for a message: ``property 'name' of oneOf branch 'Cat'
    (by $ref) of property 'pet'``. ``top`` names a path of the outermost schema (a body or a
    parameter); inside a branch, a path is ``items`` or ``property '...'``; an empty one is the
    branch itself."""
    if not draft.outer:
        return top(draft.path)
    parts = [_inner(draft.path)] if draft.path else []
    for depth in range(len(draft.outer) - 1, -1, -1):
        path, branch = draft.outer[depth]
        parts.append(branch)
        if depth == 0:
            if path:
                parts.append(top(path))
        elif path:
            parts.append(_inner(path))
    return " of ".join(parts)


def _inner(path: str) -> str:
    return "items" if path == "[]" else f"property {path.lstrip('.')!r}"


class SchemaWalk:
    """The schema comparisons of one diff: remembers the pairs of schemas already compared."""

    def __init__(self, old: LoadedSpec, new: LoadedSpec) -> None:
        self.old = old
        self.new = new
        self.old_30 = is_openapi_30(old.root.data)
        self.new_30 = is_openapi_30(new.root.data)
        # Schema pairs compared so far, per direction (see `compare`).
        self._done: set[tuple[Any, ...]] = set()

    def compare(
        self,
        old: Target,
        new: Target,
        direction: Direction,
        report: Callable[[Draft], None],
        properties: bool = True,
    ) -> None:
        """Hand ``report`` each change from the schema ``old`` to ``new``, with its property path.

        A target that is not a schema (a media type or parameter without one) reads as ``{}``.
        Each pair of schemas is compared once per direction: a change in a shared schema is
        reported where it is first met, and a recursive schema stops where it meets itself.
        (Handing results up to every place that uses a schema instead would repeat a change once
        per path through the graph of schemas, which grows exponentially in real specs.) The walk
        is breadth-first, so the path a change is named by is the shortest from here.
        """
        queue: deque[tuple[Target, Target, str, Outer]] = deque([(old, new, "", ())])
        while queue:
            old, new, path, outer = queue.popleft()
            old, old_value = deref_value(self.old, old)
            new, new_value = deref_value(self.new, new)
            key = (direction, properties, place_key(old), place_key(new))
            if key in self._done:
                continue
            self._done.add(key)
            was = _flatten(self.old, self.old_30, old, old_value, frozenset())
            now = _flatten(self.new, self.new_30, new, new_value, frozenset())

            def placed(draft: Draft, outer: Outer = outer) -> None:
                report(replace(draft, outer=outer))

            for draft in _keyword_changes(was, now):
                placed(replace(draft, path=path))
            if was.types != now.types:
                continue  # a different kind of value: what is inside is not comparable
            if properties:
                for pair_ in self._properties(was, now, direction, placed, path):
                    queue.append((*pair_, outer))
            if was.items is not None and now.items is not None:
                queue.append((was.items, now.items, f"{path}[]", outer))
            for keyword, old_union, new_union in _unions(was, now):
                paired, removed, added = pair(old_union, new_union)
                for gone in removed:
                    text = f"lost its {keyword} branch {gone.label()}"
                    placed(Draft("branch-removed", path, text, gone.at, None))
                for came in added:
                    text = f"gained a {keyword} branch {came.label()}"
                    placed(Draft("branch-added", path, text, None, came.at))
                for was_branch, now_branch, how in paired:
                    inside = (*outer, (path, f"{keyword} branch {how}"))
                    queue.append((was_branch.at, now_branch.at, "", inside))

    def _properties(
        self,
        was: _Flat,
        now: _Flat,
        direction: Direction,
        report: Callable[[Draft], None],
        path: str,
    ) -> list[tuple[Target, Target, str]]:
        """Report properties added, removed and made (not) required; return those in both."""
        # A readOnly property is never sent in a request, a writeOnly one never read from a
        # response: on that side it does not exist.
        old_props = _visible(was, direction)
        new_props = _visible(now, direction)
        both = []
        for name, old_prop in old_props.items():
            here = f"{path}.{name}"
            new_prop = new_props.get(name)
            if new_prop is None:
                report(Draft("removed", here, "was removed", old_prop, None))
                continue
            required_before, required_now = name in was.required, name in now.required
            if required_before != required_now:
                rule = "made-required" if required_now else "made-optional"
                text = "is now required" if required_now else "is no longer required"
                report(Draft(rule, here, text, old_prop, new_prop))
            both.append((old_prop, new_prop, here))
        for name, new_prop in new_props.items():
            if name in old_props:
                continue
            here = f"{path}.{name}"
            if direction == "response":
                report(Draft("added", here, "was added", None, new_prop))
            elif name in now.required:
                report(Draft("added-required", here, "was added (required)", None, new_prop))
            else:
                report(Draft("added-optional", here, "was added (optional)", None, new_prop))
        return both


def _visible(flat: _Flat, direction: Direction) -> dict[str, Target]:
    hidden = flat.read_only if direction == "request" else flat.write_only
    return {name: at for name, at in flat.properties.items() if name not in hidden}


def _keyword_changes(old: _Flat, new: _Flat) -> list[Draft]:
    """Changes of a schema's own keywords: type, nullability, format, pattern, enum."""
    out: list[Draft] = []
    if old.types != new.types:
        out.append(
            Draft(
                "type-changed",
                "",
                f"changed type from {_show_types(old.types)} to {_show_types(new.types)}",
                old.type_at or old.at,
                new.type_at or new.at,
            )
        )
    if old.nullable != new.nullable:
        rule, text = ("made-nullable", "can now be null")
        if not new.nullable:
            rule, text = ("made-not-nullable", "can no longer be null")
        old_at = old.nullable_at or old.type_at or old.at
        out.append(Draft(rule, "", text, old_at, new.nullable_at or new.type_at or new.at))
    if old.format != new.format:
        out.append(
            Draft(
                "format-changed",
                "",
                f"changed format from {show(old.format)} to {show(new.format)}",
                old.format_at or old.at,
                new.format_at or new.at,
            )
        )
    if old.pattern != new.pattern:
        if old.pattern is None:
            out.append(Draft("pattern-added", "", "gained a pattern", None, new.pattern_at))
        elif new.pattern is None:
            out.append(Draft("pattern-removed", "", "lost its pattern", old.pattern_at, None))
        else:
            out.append(
                Draft("pattern-changed", "", "changed its pattern", old.pattern_at, new.pattern_at)
            )
    if old.enum is not None and new.enum is not None and old.enum_at and new.enum_at:
        for index, value in missing_from(old.enum, new.enum):
            at = Target(old.enum_at.document, jp.join(old.enum_at.pointer, index))
            out.append(Draft("enum-value-removed", "", f"no longer allows {show(value)}", at, None))
        for index, value in missing_from(new.enum, old.enum):
            at = Target(new.enum_at.document, jp.join(new.enum_at.pointer, index))
            out.append(
                Draft("enum-value-added", "", f"allows the new value {show(value)}", None, at)
            )
    elif old.enum is None and new.enum is not None:
        text = f"is now restricted to {len(new.enum)} enum value(s)"
        out.append(Draft("enum-added", "", text, None, new.enum_at))
    elif old.enum is not None and new.enum is None:
        out.append(Draft("enum-removed", "", "is no longer an enum", old.enum_at, None))
    for change in constraint_changes(old.constraints, new.constraints):
        out.append(Draft(f"constraint-{change.how}", "", change.text, change.old, change.new))
    return out


def _unions(old: _Flat, new: _Flat) -> list[tuple[str, UnionOf, UnionOf]]:
    """The unions of both schemas to compare branch by branch, by keyword (as the new one names
    it): ``oneOf`` with ``oneOf``, ``anyOf`` with ``anyOf``, and one with the other when each
    schema has only one kind."""
    both = [(k, old.unions[k], new.unions[k]) for k in old.unions if k in new.unions]
    if not both and len(old.unions) == 1 and len(new.unions) == 1:
        ((_, was),) = old.unions.items()
        ((keyword, now),) = new.unions.items()
        both = [(keyword, was, now)]
    return both


def _flatten(
    spec: LoadedSpec, is_30: bool, at: Target, value: Any, seen: frozenset[tuple[str, str]]
) -> _Flat:
    """The schema ``value`` found at ``at`` (dereferenced) with its ``allOf`` members merged in."""
    flat = _Flat(at=at)
    key = place_key(at)
    if not isinstance(value, dict) or "$ref" in value or key in seen:
        return flat  # a boolean schema, a $ref that does not resolve, or an allOf cycle
    seen = seen | {key}
    variant = _nullable_variant(spec, at, value)
    if variant is not None:
        inner, null_at = variant
        flat = _flatten(spec, is_30, *deref_value(spec, inner), seen)
        if not flat.nullable:
            flat.nullable, flat.nullable_at = True, null_at
        return flat
    doc, ptr = at.document, at.pointer
    # Only the keywords read below are converted: converting the whole subtree at every level would
    # cost time quadratic in the schema's depth.
    node = value
    if is_30:
        node = oas30_to_2020_12(
            {k: v for k, v in value.items() if k in ("type", "nullable", "enum")}
        )
    kind = node.get("type")
    types = {kind} if isinstance(kind, str) else (set(kind) if isinstance(kind, list) else None)
    if types is not None:
        flat.type_at = Target(doc, jp.join(ptr, "type"))
        flat.nullable = "null" in types
        flat.types = frozenset(str(t) for t in types if t != "null")
    enum = node.get("enum")
    if isinstance(enum, list):
        flat.enum = [item for item in enum if item is not None]
        flat.enum_at = Target(doc, jp.join(ptr, "enum"))
        flat.nullable = flat.nullable or None in enum
    if is_30 and value.get("nullable") is True:
        # OpenAPI 3.0 says null is allowed even without a type (an allOf of a $ref, typically).
        flat.nullable = True
        flat.nullable_at = Target(doc, jp.join(ptr, "nullable"))
    elif flat.nullable:
        flat.nullable_at = flat.type_at or flat.enum_at
    for keyword in ("format", "pattern"):
        if isinstance(value.get(keyword), str):
            setattr(flat, keyword, value[keyword])
            setattr(flat, f"{keyword}_at", Target(doc, jp.join(ptr, keyword)))
    properties = value.get("properties")
    if isinstance(properties, dict):
        for name, prop in properties.items():
            flat.properties[name] = prop_at = Target(doc, jp.join(ptr, "properties", name))
            if isinstance(prop, dict) and "$ref" in prop:
                prop = deref_value(spec, prop_at)[1]
            if isinstance(prop, dict) and prop.get("readOnly") is True:
                flat.read_only.add(name)
            if isinstance(prop, dict) and prop.get("writeOnly") is True:
                flat.write_only.add(name)
    required = value.get("required")
    if isinstance(required, list):
        flat.required = {name for name in required if isinstance(name, str)}
    if isinstance(value.get("items"), dict):
        flat.items = Target(doc, jp.join(ptr, "items"))
    flat.constraints = read_constraints(value, doc, ptr, is_30)
    for keyword in ("oneOf", "anyOf"):
        union = read_union(spec, at, value, keyword)
        if union is not None:
            flat.unions[keyword] = union
            if union.null_at is not None and not flat.nullable:
                flat.nullable, flat.nullable_at = True, union.null_at
    members = value.get("allOf")
    if isinstance(members, list):
        for index in range(len(members)):
            member = deref_value(spec, Target(doc, jp.join(ptr, "allOf", index)))
            _merge_member(flat, _flatten(spec, is_30, *member, seen))
    return flat


def _merge_member(flat: _Flat, member: _Flat) -> None:
    """Merge an ``allOf`` member: the schema's own keywords win, then earlier members."""
    if flat.types is None and member.types is not None:
        flat.types, flat.type_at = member.types, member.type_at
        if member.nullable and not flat.nullable:
            flat.nullable, flat.nullable_at = True, member.nullable_at
    for keyword in ("format", "pattern", "enum", "items"):
        if getattr(flat, keyword) is None and getattr(member, keyword) is not None:
            setattr(flat, keyword, getattr(member, keyword))
            if keyword != "items":
                setattr(flat, f"{keyword}_at", getattr(member, f"{keyword}_at"))
    for name, constraint in member.constraints.items():
        flat.constraints.setdefault(name, constraint)
    for keyword, union in member.unions.items():
        flat.unions.setdefault(keyword, union)
    for name, prop in member.properties.items():
        if name not in flat.properties:
            flat.properties[name] = prop
            if name in member.read_only:
                flat.read_only.add(name)
            if name in member.write_only:
                flat.write_only.add(name)
    flat.required |= member.required


def _nullable_variant(
    spec: LoadedSpec, at: Target, value: dict[str, Any]
) -> tuple[Target, Target] | None:
    """For ``anyOf``/``oneOf: [X, {type: "null"}]``, the place of X and of the null branch."""
    if any(k in value for k in ("type", "properties", "allOf", "items", "enum")):
        return None
    for keyword in ("anyOf", "oneOf"):
        branches = value.get(keyword)
        if not isinstance(branches, list) or len(branches) != 2:
            continue
        for null_index in (0, 1):
            null_at = deref(spec, at.document, jp.join(at.pointer, keyword, null_index))
            branch = null_at.value
            if isinstance(branch, dict) and branch.get("type") in ("null", ["null"]):
                other = jp.join(at.pointer, keyword, 1 - null_index)
                return Target(at.document, other), null_at
    return None


def _show_types(types: frozenset[str] | None) -> str:
    if types is None:
        return "any"
    return " or ".join(sorted(types)) or "null"
