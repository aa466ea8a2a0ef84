"""Numeric, length and count constraints side by side: each change tightened, loosened or neither.

A schema's bounds are read as the values they allow: ``minimum: 5`` with OpenAPI 3.0's
``exclusiveMinimum: true`` is the same lower bound as 3.1's ``exclusiveMinimum: 5``, and of
``minimum`` and a numeric ``exclusiveMinimum`` written together the tighter one counts. A
``minLength``, ``minItems`` or ``minProperties`` of 0 is no constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.refs import Target

#: Counts where a larger value allows less, and where a smaller one does.
_AT_LEAST = ("minLength", "minItems", "minProperties")
_AT_MOST = ("maxLength", "maxItems", "maxProperties")


@dataclass(frozen=True)
class Constraint:
    """One constraint as it limits values, and where it is written."""

    value: Any  # a number; (number, exclusive) for the bounds; True for uniqueItems
    at: Target


@dataclass(frozen=True)
class ConstraintChange:
    """A constraint that changed: ``tightened``, ``loosened`` or ``changed`` (neither)."""

    how: str
    text: str
    old: Target | None
    new: Target | None


def read_constraints(
    value: dict[str, Any], document: Document, pointer: str, is_30: bool
) -> dict[str, Constraint]:
    """The constraints ``value`` (a schema written at ``pointer``) puts on values, by name."""
    found: dict[str, Constraint] = {}

    def at(key: str) -> Target:
        return Target(document, jp.join(pointer, key))

    for key in (*_AT_LEAST, *_AT_MOST, "multipleOf"):
        number = _number(value.get(key))
        if number is not None and (number > 0 or key not in _AT_LEAST):
            found[key] = Constraint(number, at(key))
    if value.get("uniqueItems") is True:
        found["uniqueItems"] = Constraint(True, at("uniqueItems"))
    for name, inclusive, exclusive, tighter in (
        ("minimum", "minimum", "exclusiveMinimum", max),
        ("maximum", "maximum", "exclusiveMaximum", min),
    ):
        bounds: list[tuple[tuple[Any, bool], str]] = []
        number = _number(value.get(inclusive))
        if number is not None:
            bounds.append(((number, is_30 and value.get(exclusive) is True), inclusive))
        number = _number(value.get(exclusive))
        if number is not None:
            bounds.append(((number, True), exclusive))
        if bounds:
            # A tie goes to the exclusive bound: it allows less.
            direction = 1 if tighter is max else -1
            bound, key = tighter(bounds, key=lambda b: (b[0][0], direction * b[0][1]))
            found[name] = Constraint(bound, at(key))
    return found


def constraint_changes(
    old: dict[str, Constraint], new: dict[str, Constraint]
) -> list[ConstraintChange]:
    """Every constraint added, removed or changed from ``old`` to ``new``, in a fixed order."""
    out = []
    for key in ("minimum", "maximum", *_AT_LEAST, *_AT_MOST, "multipleOf", "uniqueItems"):
        was, now = old.get(key), new.get(key)
        if was is None and now is None:
            continue
        if was is not None and now is not None and was.value == now.value:
            continue
        if was is None and now is not None:
            text = f"gained {_show(key, now.value)}"
            out.append(ConstraintChange("tightened", text, None, now.at))
        elif was is not None and now is None:
            text = f"lost its {_show(key, was.value)}"
            out.append(ConstraintChange("loosened", text, was.at, None))
        elif was is not None and now is not None:
            how = _how(key, was.value, now.value)
            text = (
                f"{key} {how} from {_show_value(key, was.value)} to {_show_value(key, now.value)}"
            )
            out.append(ConstraintChange(how, text, was.at, now.at))
    return out


def _how(key: str, old: Any, new: Any) -> str:
    """Whether going from ``old`` to ``new`` (both set) allows fewer values, more, or others."""
    if key == "minimum":
        return "tightened" if (new[0], new[1]) > (old[0], old[1]) else "loosened"
    if key == "maximum":
        return "tightened" if (new[0], -new[1]) < (old[0], -old[1]) else "loosened"
    if key in _AT_LEAST:
        return "tightened" if new > old else "loosened"
    if key in _AT_MOST:
        return "tightened" if new < old else "loosened"
    # multipleOf: a multiple of the old step allows a subset of its values.
    if _divides(old, new):
        return "tightened"
    return "loosened" if _divides(new, old) else "changed"


def _divides(step: Any, value: Any) -> bool:
    ratio = Fraction(str(value)) / Fraction(str(step))
    return ratio.denominator == 1


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _show(key: str, value: Any) -> str:
    if key == "uniqueItems":
        return "uniqueItems"
    return f"{key} {_show_value(key, value)}"


def _show_value(key: str, value: Any) -> str:
    if key == "minimum":
        return f"{'>' if value[1] else '>='} {value[0]}"
    if key == "maximum":
        return f"{'<' if value[1] else '<='} {value[0]}"
    return str(value)
