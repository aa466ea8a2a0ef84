"""Errors that stop specgen from reading its input.

Every error carries the file and, where known, the line and column it is about, so the CLI can print
one line a user can jump to and exit with code 2.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

#: Characters never printed as they are (the set ``check``'s reports use too): controls (newline
#: and ESC included), line and paragraph separators, bidi and other format characters, surrogates
#: and noncharacters. Printed raw they forge lines, run terminal escapes or reorder what is shown.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\ufffe\uffff]"
)


def shown(text: str) -> str:
    """``text`` as it may be printed: every unsafe character as a visible ``\\xNN``/``\\uNNNN``."""
    if text.isprintable():
        return text
    return _UNSAFE.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_shown(text: str) -> str:
    """JSON ``text`` with every unsafe character ``\\u``-escaped: the same data, safe to print.

    Outside strings JSON text is ASCII and its only control is the newline of indentation (inside
    strings the json module escapes every control already), so only string contents change, and
    only in spelling.
    """
    if text.isprintable():
        return text
    return _UNSAFE.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return char if char == "\n" else f"\\u{ord(char):04x}"


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

    def __reduce__(self) -> tuple[type[SpecgenError], tuple[str, Path | None, int, int]]:
        # Raised in a worker process, it crosses back with its location (see generate.pipeline).
        return (type(self), (self.message, self.path, self.line, self.col))

    def __str__(self) -> str:
        # Messages quote the spec and name its files: neither may forge a line or a terminal escape.
        if self.path is None:
            return shown(self.message)
        where = shown(display_path(self.path))
        if self.line:
            where += f":{self.line}:{self.col}"
        return f"{where}: {shown(self.message)}"


class LoadError(SpecgenError):
    """A file that is missing, unreadable, not YAML/JSON, or not safe to expand."""


@functools.lru_cache(maxsize=1024)
def display_path(path: Path) -> str:
    """The path as a user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
