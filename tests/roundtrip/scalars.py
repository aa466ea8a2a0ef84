"""Scalar values for the instance builder: numbers within bounds, strings of a format, a length
and patterns (candidates made from the pattern itself, each checked against it)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import regex


class Unbuildable(Exception):
    """No valid instance could be built; the message says why (a short, groupable reason)."""


_FORMAT_SAMPLES: dict[str, tuple[str, ...]] = {
    "date-time": ("2024-01-02T03:04:05Z", "2024-01-02T03:04:06Z", "2024-01-02T03:04:07Z"),
    "date": ("2024-01-02", "2024-01-03", "2024-01-04"),
    "time": ("03:04:05Z", "03:04:06Z"),
    "uuid": (
        "123e4567-e89b-42d3-a456-426614174000",
        "123e4567-e89b-42d3-a456-426614174001",
        "123e4567-e89b-42d3-a456-426614174002",
    ),
    "email": ("user@example.com", "other@example.com"),
    "idn-email": ("user@example.com",),
    "uri": ("https://example.com/a", "https://example.com/b"),
    "url": ("https://example.com/a", "https://example.com/b"),
    "uri-reference": ("https://example.com/a", "/b"),
    "iri": ("https://example.com/a",),
    "uri-template": ("https://example.com/{id}",),
    "hostname": ("example.com", "example.org"),
    "idn-hostname": ("example.com",),
    "ipv4": ("192.0.2.1", "192.0.2.2"),
    "ipv6": ("2001:db8::1", "2001:db8::2"),
    "byte": ("aGVsbG8=", "d29ybGQ="),
    "binary": ("binary",),
    "duration": ("P1D", "P2D"),
    "json-pointer": ("/a", "/b"),
    "regex": ("^a$",),
    "password": ("secret",),
    # OpenAPI's registry of formats: a decimal number written as a string (Stripe).
    "decimal": ("1.25", "2.5"),
}


def search(expression: str, text: str) -> bool:
    try:
        return regex.search(expression, text, timeout=0.5) is not None
    except (regex.error, TimeoutError):
        return False


def number(schemas: list[dict[str, Any]], salt: int, integer: bool) -> int | float:
    low, high = -math.inf, math.inf
    low_open = high_open = False
    steps: list[float] = []
    for s in schemas:
        for key, is_low, is_open in (
            ("minimum", True, False),
            ("exclusiveMinimum", True, True),
            ("maximum", False, False),
            ("exclusiveMaximum", False, True),
        ):
            bound = s.get(key)
            if isinstance(bound, (int, float)) and not isinstance(bound, bool):
                if is_low and (bound > low or (bound == low and is_open)):
                    low, low_open = bound, is_open
                if not is_low and (bound < high or (bound == high and is_open)):
                    high, high_open = bound, is_open
        step = s.get("multipleOf")
        if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
            steps.append(step)
    step = steps[0] if steps else 1
    if integer and not float(step).is_integer():
        step = math.ceil(step) if step > 1 else 1

    def fits(value: float) -> bool:
        above = value > low if low_open else value >= low
        below = value < high if high_open else value <= high
        return above and below and all(_multiple(value, s) for s in steps)

    starts = [1 + salt if low == -math.inf else low, low + step, high, high - step, 0]
    for start in starts:
        if math.isinf(start):
            continue
        exact = () if steps or integer else (start,)
        for value in (math.ceil(start / step) * step, math.floor(start / step) * step, *exact):
            if fits(value) and (not integer or float(value).is_integer()):
                return int(value) if integer or float(value).is_integer() else float(value)
    raise Unbuildable("number: no value within the bounds")


def _multiple(value: float, step: float) -> bool:
    quotient = value / step
    return math.isfinite(quotient) and abs(quotient - round(quotient)) < 1e-9


def string(schemas: list[dict[str, Any]], salt: int) -> str:
    least = max((s.get("minLength", 0) for s in schemas), default=0)
    most = min((s.get("maxLength", 10**6) for s in schemas), default=10**6)
    patterns = [s["pattern"] for s in schemas if isinstance(s.get("pattern"), str)]
    formats = [s["format"] for s in schemas if isinstance(s.get("format"), str)]
    bases: list[str] = []
    for name in formats:
        samples = _FORMAT_SAMPLES.get(name)
        if samples:
            bases.append(samples[salt % len(samples)])
    for expression in patterns:
        bases += pattern_candidates(expression, least)
    bases.append("string" if salt == 0 else f"string{salt}")
    for base in bases:
        for candidate in _stretched(base, least, most):
            if all(search(p, candidate) for p in patterns):
                return candidate
    raise Unbuildable("pattern: no candidate string matches" if patterns else "string: length")


def _stretched(base: str, least: int, most: int) -> Iterator[str]:
    if least <= len(base) <= most:
        yield base
    if len(base) < least:
        pad = least - len(base)
        yield base + (base[-1:] or "a") * pad
        yield base + "a" * pad
        yield "a" * pad + base
        yield "0" * pad + base
    if len(base) > most:
        yield base[:most]


# -- strings from patterns -----------------------------------------------------------------------


def pattern_candidates(expression: str, least: int = 0) -> list[str]:
    """A few strings made to match ``expression``: shortest repeats, one repeat, longer repeats.

    Made from Python's parse of the pattern (ECMA-262 syntax it does not read gives none); each
    is only a candidate, checked against the pattern by the caller.
    """
    try:
        import re._parser as parser  # type: ignore[import-not-found]

        parsed = parser.parse(_python_pattern(expression))
    except Exception:
        return []
    found: list[str] = []
    for repeats in (_at_least_one, _minimum, _more(least)):
        try:
            text = _emit(parsed, repeats, {})
        except (ValueError, RecursionError, OverflowError):
            continue
        if text not in found:
            found.append(text)
    return found


_PROPERTY_CLASSES = {"Lu": "A-Z", "Ll": "a-z", "L": "A-Za-z", "N": "0-9", "Nd": "0-9", "Z": " "}


def _python_pattern(expression: str) -> str:
    """``expression`` with the Unicode property classes of ECMA-262 (``\\p{L}``), which Python's
    ``re`` does not read, replaced by ASCII ranges of the same class (for candidates only)."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(expression):
        char = expression[i]
        if char == "\\" and expression[i + 1 : i + 3] in ("p{", "P{"):
            end = expression.find("}", i)
            if end != -1:
                name = expression[i + 3 : end].split("=")[-1]
                ranges = _PROPERTY_CLASSES.get(name, _PROPERTY_CLASSES.get(name[:1], "a-z"))
                out.append(ranges if in_class else f"[{ranges}]")
                i = end + 1
                continue
        if char == "\\":
            out.append(expression[i : i + 2])
            i += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _minimum(low: int, high: int) -> int:
    return low


def _at_least_one(low: int, high: int) -> int:
    return max(low, min(1, high))


def _more(least: int) -> Callable[[int, int], int]:
    def repeats(low: int, high: int) -> int:
        return max(low, min(high, max(3, least)))

    return repeats


_CATEGORY_CHARACTERS = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
}


def _emit(parsed: Any, repeats: Callable[[int, int], int], groups: dict[int, str]) -> str:
    out: list[str] = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_one_of(arg))
        elif name == "BRANCH":
            out.append(_emit(arg[1][0], repeats, groups))
        elif name == "SUBPATTERN":
            group, _, _, sub = arg
            text = _emit(sub, repeats, groups)
            if group is not None:
                groups[group] = text
            out.append(text)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            high = 10**6 if high == parser_maxrepeat() else high
            count = repeats(low, high)
            if count > 1000:
                raise ValueError("too long")
            out.extend(_emit(sub, repeats, groups) for _ in range(count))
        elif name == "GROUPREF":
            out.append(groups.get(arg, ""))
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
            if name == "ATOMIC_GROUP":
                out.append(_emit(arg, repeats, groups))
        else:
            raise ValueError(name)
    return "".join(out)


def parser_maxrepeat() -> int:
    import re._constants as constants  # type: ignore[import-not-found]

    return int(constants.MAXREPEAT)


def _one_of(items: Any) -> str:
    negate = any(str(op) == "NEGATE" for op, _ in items)
    if negate:
        banned = set()
        for op, arg in items:
            if str(op) == "LITERAL":
                banned.add(chr(arg))
            elif str(op) == "RANGE":
                banned.update(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 500) + 1))
        return next(c for c in "aZ0-_ .x" if c not in banned and re.match(r"[^\n]", c))
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            return _CATEGORY_CHARACTERS.get(str(arg), "a")
    return "a"
