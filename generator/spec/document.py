"""A parsed spec file: its JSON data and the line and column of every value, by JSON pointer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.spec import pointer as jp


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    col: int


class Positions(Mapping[str, Position]):
    """Where each value of a file starts, by JSON pointer: a member at its key, an item at itself."""

    def nearest(self, pointer: str) -> Position:
        """Where the value at ``pointer`` starts, or the nearest enclosing value that has a position."""
        while True:
            found = self.get(pointer)
            if found is not None:
                return found
            if not pointer.startswith("/"):
                return Position(1, 1)
            pointer = jp.parent(pointer)


class PositionTable(dict[str, Position], Positions):
    """Positions recorded one by one as a file is read (the YAML reader's)."""


@dataclass(frozen=True)
class Document:
    """One parsed file: its data and the position of every value, keyed by JSON pointer."""

    path: Path
    data: Any
    positions: Positions = field(repr=False)

    def position(self, pointer: str) -> Position:
        """Where the value at ``pointer`` starts, or the nearest enclosing value that has a position."""
        return self.positions.nearest(pointer)
