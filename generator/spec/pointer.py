"""JSON Pointer (RFC 6901) helpers: building, splitting and following pointers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote


def escape(token: str | int) -> str:
    """Escape one reference token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Undo :func:`escape` on one reference token."""
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    """Append tokens to a pointer: ``join("/paths", "/jobs")`` is ``"/paths/~1jobs"``."""
    return pointer + "".join("/" + escape(t) for t in tokens)


def from_parts(parts: Iterable[str | int]) -> str:
    """Build a pointer from its unescaped tokens."""
    tokens = [str(token) for token in parts]
    if not tokens:
        return ""
    joined = "/".join(tokens)
    # Escaping changes nothing unless a token holds "~" or "/": the common case costs one join.
    if "~" in joined or joined.count("/") != len(tokens) - 1:
        return join("", *tokens)
    return "/" + joined


def split(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer; ``""`` (the whole document) has none."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


def from_fragment(fragment: str) -> str:
    """The pointer held by a URI fragment such as ``/components/schemas/Job%20Item``."""
    return unquote(fragment)


def parent(pointer: str) -> str:
    """The pointer one level up; the root is its own parent."""
    return pointer.rsplit("/", 1)[0] if pointer else ""


def resolve(document: Any, pointer: str) -> Any:
    """Follow a pointer into parsed JSON; raises ``LookupError`` naming the missing token."""
    node = document
    for token in split(pointer):
        if isinstance(node, dict):
            if token not in node:
                raise LookupError(f"no member {token!r}")
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                raise LookupError(f"no item {token!r} (array has {len(node)})")
            node = node[int(token)]
        else:
            raise LookupError(f"cannot step into a {type(node).__name__} with {token!r}")
    return node
