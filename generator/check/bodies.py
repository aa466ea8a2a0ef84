"""How large and how deeply nested a recorded body is, found without walking it where possible.

Bodies are untrusted: listing a failing body's violations costs in proportion to its size, and a
deeply nested one could exhaust the stack. The text a body was parsed from bounds both by counting
characters (in C); only a body whose text leaves the question open is walked, iteratively.
"""

from __future__ import annotations

from typing import Any

from generator.spec.validators import LISTED_VALUES, values_bound


def nesting_depth(value: Any, limit: int) -> int:
    """How deeply ``value`` nests (a scalar is 0, ``[1]`` is 1), counting no further than ``limit + 1``.

    Iterative, so a body nested thousands deep cannot exhaust Python's stack.
    """
    if not isinstance(value, (dict, list)):
        return 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def values_at_most(text: bytes | str) -> int:
    """A bound on how many values the JSON ``text`` holds: its length (each takes a character),
    or, for long texts, what its punctuation says (:func:`~generator.spec.validators.values_bound`)."""
    return len(text) if len(text) <= LISTED_VALUES else values_bound(text)


def openings(text: bytes | str) -> int:
    """How many arrays and objects the JSON ``text`` opens: a bound on how deeply it nests."""
    if isinstance(text, str):
        return text.count("{") + text.count("[")
    return text.count(b"{") + text.count(b"[")
