"""Where the values of a JSON text start, kept compact and turned into lines only when asked.

A 13 MB spec holds a quarter of a million values; a line and column object and a pointer string for
each cost several times the data itself. Here each value is two integers in arrays, in document
order (which is also the order of the parsed data: members in the order written, duplicates
refused): where it starts (a member at its key, an item at itself, as the other readers locate
them) and the index just past its last descendant. A pointer is followed through the data and the
arrays side by side, and the line is found by bisecting the offsets of the text's line starts.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from generator.spec import pointer as jp
from generator.spec.document import Position, Positions

#: Everything up to the next ``,``, ``{``, ``[``, ``}`` or ``]`` outside a string, that character,
#: and the spaces after it (so where the next value or key starts). Possessive, so a long run of
#: text never backtracks. Only ever run on text the json module has accepted.
_STRUCTURE = re.compile(
    r'(?:[^"{}\[\],]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+(?:(,)|([{\[])|([}\]]))[ \t\n\r]*+'
)
_SPACE = re.compile(r"[ \t\n\r]*")
#: Containers with more children than this keep an index of them once a pointer passes through.
_INDEXED = 16


class TooDeep(Exception):
    """The text nests deeper than allowed (the located parser says where)."""


class JSONPositions(Positions):
    """The positions of every value of a JSON text, by pointer, found on demand."""

    def __init__(self, data: Any, text: str, max_depth: int) -> None:
        """Index ``text``, which parsed to ``data``; raises :class:`TooDeep` past ``max_depth``."""
        self._data = data
        self._starts, self._ends = _scan(text, max_depth)
        self._lines = array("I", [0])
        self._lines.extend(match.end() for match in re.finditer("\n", text))
        #: Per container met on the way to a pointer: its children's indexes, by key or position.
        self._children: dict[int, dict[str, int] | list[int]] = {}

    def get(self, pointer: str, default: Any = None) -> Any:
        index, exact = self._find(pointer)
        return self._position(index) if exact else default

    def __getitem__(self, pointer: str) -> Position:
        index, exact = self._find(pointer)
        if not exact:
            raise KeyError(pointer)
        return self._position(index)

    def __contains__(self, pointer: object) -> bool:
        return isinstance(pointer, str) and self._find(pointer)[1]

    def __iter__(self) -> Iterator[str]:
        stack: list[tuple[str, Any]] = [("", self._data)]
        while stack:
            pointer, node = stack.pop()
            yield pointer
            if isinstance(node, dict):
                items = [(jp.join(pointer, key), value) for key, value in node.items()]
            elif isinstance(node, list):
                items = [(f"{pointer}/{i}", value) for i, value in enumerate(node)]
            else:
                continue
            stack.extend(reversed(items))

    def __len__(self) -> int:
        return len(self._starts)

    def nearest(self, pointer: str) -> Position:
        if pointer and not pointer.startswith("/"):
            return Position(1, 1)  # not a pointer: nothing encloses it but the file
        return self._position(self._find(pointer)[0])

    def _position(self, index: int) -> Position:
        offset = self._starts[index]
        line = bisect_right(self._lines, offset)
        return Position(line, offset - self._lines[line - 1] + 1)

    def _find(self, pointer: str) -> tuple[int, bool]:
        """The index of the deepest value on the way to ``pointer``, and whether it is that value.

        A token is only taken as written the way pointers to it are built (``~0``, ``~1``; an item's
        index in decimal), as a table of built pointers would.
        """
        if not pointer.startswith("/"):
            return 0, pointer == ""
        node, index = self._data, 0
        for token in pointer[1:].split("/"):
            if isinstance(node, dict):
                key = jp.unescape(token)
                if key not in node or jp.escape(key) != token:
                    return index, False
                child = self._child(index, node, key)
                node = node[key]
            elif isinstance(node, list):
                if not (token.isascii() and token.isdigit()) or token != str(int(token)):
                    return index, False
                if int(token) >= len(node):
                    return index, False
                child = self._child(index, node, int(token))
                node = node[int(token)]
            else:
                return index, False
            if child < 0:
                return index, False
            index = child
        return index, True

    def _child(self, index: int, node: dict[str, Any] | list[Any], which: str | int) -> int:
        """The index of member (or item) ``which`` of the container at ``index``; -1 when the data
        no longer matches the text."""
        ends = self._ends
        known = self._children.get(index)
        if known is None and len(node) > _INDEXED:
            children = []
            child = index + 1
            for _ in range(len(node)):
                children.append(child)
                child = ends[child]
            if child != ends[index]:
                return -1
            known = self._children[index] = (
                dict(zip(node, children, strict=True)) if isinstance(node, dict) else children
            )
        if known is not None:
            return known[which]  # type: ignore[index]
        ordinal = which if isinstance(which, int) else list(node).index(which)
        child = index + 1
        for _ in range(ordinal):
            child = ends[child]
        return child


def _scan(text: str, max_depth: int) -> tuple[array[int], array[int]]:
    """Where each value starts, and the index past its descendants, in document order."""
    root = _SPACE.match(text).end()  # type: ignore[union-attr]
    starts = array("I", [root])
    ends = array("I", [1])
    start, end = starts.append, ends.append
    stack: list[int] = []
    for match in _STRUCTURE.finditer(text, root):
        kind = match.lastindex
        if kind == 1:  # a comma: the next member's key, or the next item
            start(match.end())
            end(len(starts))
        elif kind == 2:  # an opening: its first member or item, unless it is empty
            if len(stack) >= max_depth:
                raise TooDeep
            stack.append(len(starts) - 1)
            after = match.end()
            if text[after] not in "}]":
                start(after)
                end(len(starts))
        else:
            ends[stack.pop()] = len(starts)
    return starts, ends
