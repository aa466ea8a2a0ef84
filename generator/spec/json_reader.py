"""JSON into data and the line and column of every value, under specgen's limits.

JSON is not quite a subset of YAML (surrogate-pair escapes, a raw U+2028), so JSON specs are not
read by the YAML parser. The json module's C decoder reads them first: it knows no positions, so
they are indexed compactly beside the data (see :mod:`generator.spec.json_index`). Whatever it
would read otherwise than specgen does (a duplicate key, a lone surrogate, ``NaN``, a number out of
range, nesting past the limit) or refuses, the located parser here reads again, and its data and
errors are the answer: it keeps every value's position as it goes and its nesting never touches
Python's stack.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import math
import re
from json.decoder import JSONDecodeError
from pathlib import Path
from typing import Any

from generator.errors import LoadError
from generator.spec import pointer as jp
from generator.spec.document import Document, Position, PositionTable
from generator.spec.json_index import JSONPositions, TooDeep
from generator.spec.limits import SpecLimits, too_deep
from generator.spec.values import LONE_SURROGATE, json_number, out_of_range, text_value


def parse_json(text: str, path: Path, limits: SpecLimits) -> Document:
    """Parse JSON ``text`` that came from ``path`` (used in messages); raises :class:`LoadError`."""
    fast = _decoded(text, limits)
    if fast is not None:
        return Document(path=path, data=fast[0], positions=fast[1])
    return _JSONParser(text, path, limits).parse()


#: ``\uD800``-``\uDFFF`` (or an escaped backslash and such text): a string may hold a surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _Doubtful(Exception):
    """The C decoder read something the located parser must judge."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _Doubtful
    return members


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Doubtful
    return value


def _constant(text: str) -> Any:
    raise _Doubtful


def _decoded(text: str, limits: SpecLimits) -> tuple[Any, JSONPositions] | None:
    """``text`` read by the C decoder and indexed, or None when the located parser must read it.

    Both read a document specgen accepts into equal data: the decoder joins escaped surrogate pairs
    and converts numbers as :func:`json_number` does; anything that could differ is left to the
    located parser (which also words every refusal).
    """
    try:
        data = json.loads(
            text, object_pairs_hook=_unique, parse_float=_finite, parse_constant=_constant
        )
    except (ValueError, RecursionError, _Doubtful):
        return None
    if _SURROGATE_ESCAPE.search(text) and _surrogates_left(data):
        return None
    try:
        return data, JSONPositions(data, text, limits.max_depth)
    except TooDeep:
        return None


def _surrogates_left(data: Any) -> bool:
    """Whether a key or string of ``data`` holds a surrogate (a lone one: the decoder joins pairs)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(text_value(key) != key for key in node):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and text_value(node) != node:
            return True
    return False


#: The json module's string decoder (its C version when built), not in its public API's type stubs.
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_JSON_WORDS = {"true": True, "false": False, "null": None}


class _JSONParser:
    """RFC 8259 JSON into data and positions, iteratively, under the same limits as YAML.

    Strings are decoded by the json module's own (C) scanner; everything else is a small loop over
    the text, so every value's line and column is known and nesting never touches Python's stack.
    """

    def __init__(self, text: str, path: Path, limits: SpecLimits) -> None:
        self.text = text
        self.path = path
        self.limits = limits
        self.positions = PositionTable()
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._pending_key = ""

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self._line_starts, index)
        return Position(line, index - self._line_starts[line - 1] + 1)

    def error(self, message: str, index: int) -> LoadError:
        where = self.position(min(index, len(self.text)))
        return LoadError(f"malformed JSON: {message}", self.path, where.line, where.col)

    def parse(self) -> Document:
        text = self.text
        index = _JSON_SPACE.match(text, 0).end()  # type: ignore[union-attr]
        if index == len(text):
            raise LoadError("empty file, expected a YAML or JSON document", self.path, 1, 1)
        # Open containers: (container, its pointer, the keys seen, or None for an array).
        stack: list[tuple[Any, str, set[str] | None]] = []
        root: Any = None
        pointer, located_at = "", index
        expect_value = True
        while True:
            index = _JSON_SPACE.match(text, index).end()  # type: ignore[union-attr]
            if expect_value:
                self.positions[pointer] = self.position(located_at)
                char = text[index : index + 1]
                value: Any
                if char in ("{", "["):
                    if len(stack) >= self.limits.max_depth:
                        where = self.position(index)
                        raise LoadError(too_deep(self.limits), self.path, where.line, where.col)
                    value = {} if char == "{" else []
                    self._attach(stack, value)
                    if not stack:
                        root = value
                    stack.append((value, pointer, set() if char == "{" else None))
                    index = _JSON_SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
                    closing = "}" if char == "{" else "]"
                    if text[index : index + 1] == closing:
                        stack.pop()
                        index += 1
                        expect_value = False
                        continue
                    if char == "{":
                        pointer, located_at, index = self._key(stack, index)
                    else:
                        pointer, located_at = f"{pointer}/0", index
                    continue
                if char == '"':
                    value, index = self._string(index)
                elif (number := _JSON_NUMBER.match(text, index)) is not None:
                    value = json_number(number.group())
                    if value is None:
                        where = self.position(index)
                        raise LoadError(
                            out_of_range(number.group()), self.path, where.line, where.col
                        )
                    index = number.end()
                else:
                    word = next((w for w in _JSON_WORDS if text.startswith(w, index)), None)
                    if word is None:
                        raise self.error("expected a value", index)
                    value, index = _JSON_WORDS[word], index + len(word)
                if not stack:
                    root = value
                self._attach(stack, value)
                expect_value = False
                continue
            if not stack:
                if index != len(text):
                    raise self.error("extra data after the document", index)
                return Document(path=self.path, data=root, positions=self.positions)
            container, container_pointer, keys = stack[-1]
            char = text[index : index + 1]
            if char == ",":
                index = _JSON_SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
                if keys is not None:
                    pointer, located_at, index = self._key(stack, index)
                else:
                    pointer, located_at = f"{container_pointer}/{len(container)}", index
                expect_value = True
            elif char == ("}" if keys is not None else "]"):
                stack.pop()
                index += 1
            else:
                raise self.error(
                    "expected ',' or '}'" if keys is not None else "expected ',' or ']'", index
                )

    def _key(
        self, stack: list[tuple[Any, str, set[str] | None]], index: int
    ) -> tuple[str, int, int]:
        """Read ``"key":`` at ``index``: (the member's pointer, where it is located, the index after)."""
        if self.text[index : index + 1] != '"':
            raise self.error("expected a string key in double quotes", index)
        key, after = self._string(index)
        _, container_pointer, keys = stack[-1]
        assert keys is not None
        if key in keys:
            where = self.position(index)
            raise LoadError(f"duplicate key {key!r}", self.path, where.line, where.col)
        keys.add(key)
        after = _JSON_SPACE.match(self.text, after).end()  # type: ignore[union-attr]
        if self.text[after : after + 1] != ":":
            raise self.error("expected ':' after a key", after)
        # The value's place is only known once it is attached: remember the key for it.
        self._pending_key = key
        return jp.join(container_pointer, key), index, after + 1

    def _string(self, index: int) -> tuple[str, int]:
        try:
            value, end = _scanstring(self.text, index + 1, True)
        except JSONDecodeError as exc:
            # The json module's messages end "... at" or "starting at", for a position it appends.
            reason = exc.msg.removesuffix(" at").removesuffix(" starting").lower()
            raise self.error(reason, exc.pos) from None
        joined = text_value(value)
        if joined is None:
            where = self.position(index)
            raise LoadError(LONE_SURROGATE, self.path, where.line, where.col)
        return joined, end

    def _attach(self, stack: list[tuple[Any, str, set[str] | None]], value: Any) -> None:
        if not stack:
            return
        container, _, keys = stack[-1]
        if keys is None:
            container.append(value)
        else:
            container[self._pending_key] = value
