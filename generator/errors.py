"""Errors that stop specgen from reading its input.

Every error carries the file and, where known, the line and column it is about, so the CLI can print
one line a user can jump to and exit with code 2.
"""

from __future__ import annotations

import functools
from pathlib import Path


class SpecgenError(Exception):
    """Input that specgen cannot read or use at all (exit code 2)."""

    def __init__(
        self, message: str, path: Path | str | None = None, line: int = 0, col: int = 0
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.col = col

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = display_path(self.path)
        if self.line:
            where += f":{self.line}:{self.col}"
        return f"{where}: {self.message}"


class LoadError(SpecgenError):
    """A file that is missing, unreadable, not YAML/JSON, or not safe to expand."""


@functools.lru_cache(maxsize=1024)
def display_path(path: Path) -> str:
    """The path as a user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
