"""Which spec and operation a recorded request was sent to.

A request URL is matched against each candidate spec's servers (server variables match any text in
their place, or one of their ``enum`` values), then its remaining path against the spec's path
templates for the request's method. Rules, in order:

- among specs, the server written most literally wins (``https://api.example.com/v2`` over ``{url}``);
- literal segments beat templated ones (``/jobs/active`` wins over ``/jobs/{id}``);
- a template variable matches one whole segment, compared percent-encoded and handed on decoded;
- trailing slashes: a spec path without one also accepts the request path with one (``/jobs/1/``
  matches ``/jobs/{id}``); the reverse is not done;
- scheme and host compare case-insensitively, the path case-sensitively.

Matching is linear in the URL's length, whatever the templates: path templates are compared segment
by segment (a segment holding several variables, like ``{name}.{ext}``, is split at its literals with
plain string searches), and templated server URLs are matched by a position-set walk rather than a
backtracking regular expression, so adjacent variables cannot make a small URL take minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from generator.spec.navigator import TEMPLATE_VARIABLE, Operation, effective_servers, operations
from generator.spec.refs import LoadedSpec

#: An explicit default port says nothing: ``https://host:443/x`` is ``https://host/x``.
_DEFAULT_PORT = re.compile(
    r"^((?i:https://[^/?#:]+)):443(?=[/?#]|$)|^((?i:http://[^/?#:]+)):80(?=[/?#]|$)"
)


@dataclass(slots=True)  # not frozen: one is built per exchange, and frozen ones build slower
class Route:
    """Where a request landed: the spec (by index), the operation and the decoded path values."""

    spec: int
    operation: Operation
    path_params: dict[str, str]
    query: str


class Router:
    """Matches request URLs to operations of the given specs."""

    def __init__(self, specs: Sequence[LoadedSpec]) -> None:
        self.specs = list(specs)
        built: list[_Server] = []
        for index, spec in enumerate(self.specs):
            paths = _PathTable(operations(spec))
            for server in effective_servers(spec):
                built.append(_Server.build(index, server, paths))
        built.sort(key=lambda s: -s.literal)
        self._servers = built
        # Servers written without variables are found by the request's origin in one lookup; the
        # others (templated hosts, relative URLs) are tried on every request, in rank order.
        self._by_origin: dict[str, list[_Server]] = {}

    def _candidates(self, origin: str) -> list[_Server]:
        known = self._by_origin.get(origin)
        if known is None:
            known = [s for s in self._servers if s.origin is None or s.origin == origin]
            if len(self._by_origin) < 4096:  # bounded: a log may hold many unknown hosts
                self._by_origin[origin] = known
        return known

    def match(self, method: str, url: str) -> Route | None:
        """The operation ``method url`` was sent to, or None when no spec has one."""
        if "@" in url:
            url = _without_userinfo(url)
        if ":443" in url or ":80" in url:
            url = _DEFAULT_PORT.sub(lambda m: m.group(1) or m.group(2), url, count=1)
        cut = url.find("#")
        if cut < 0:
            cut = len(url)
        question = url.find("?", 0, cut)
        query = ""
        if question >= 0:
            query = url[question + 1 : cut]
            cut = question
        scheme_end = url.find("://")
        host_end = url.find("/", scheme_end + 3, cut) if scheme_end >= 0 else -1
        origin = url[: cut if host_end < 0 else host_end].lower() if scheme_end >= 0 else ""
        for server in self._candidates(origin):
            rest = server.rest(url, cut)
            if rest is None:
                continue
            found = server.paths.match(method, rest or "/")
            if found is not None:
                return Route(server.spec, found[0], found[1], query)
        return None


def _without_userinfo(url: str) -> str:
    """``https://user:pw@host/x`` as ``https://host/x``: credentials are not part of the server."""
    start = url.find("://")
    if start < 0:
        return url
    start += 3
    end = len(url)
    for mark in "/?#":
        position = url.find(mark, start)
        if 0 <= position < end:
            end = position
    at = url.rfind("@", start, end)
    return url if at < 0 else url[:start] + url[at + 1 :]


class _PathTable:
    """One spec's path templates per method, in precedence order, indexed by segment count."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        by_method: dict[str, list[_PathTemplate]] = {}
        for operation in operations:
            by_method.setdefault(operation.method.upper(), []).append(
                _PathTemplate.build(operation)
            )
        self._methods: dict[str, dict[int, list[tuple[int, _PathTemplate]]]] = {}
        for method, templates in by_method.items():
            # Fewer variables first, then more literal characters; file order breaks ties.
            templates.sort(key=lambda t: (len(t.names), -t.literal))
            table: dict[int, list[tuple[int, _PathTemplate]]] = {}
            for order, template in enumerate(templates):
                table.setdefault(len(template.segments), []).append((order, template))
            self._methods[method] = table

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        table = self._methods.get(method)
        if table is None:
            return None
        segments = path.split("/")
        candidates = table.get(len(segments), ())
        if len(segments) > 2 and segments[-1] == "":
            # A template without a trailing slash also accepts the path with one.
            shorter = [(order, t, True) for order, t in table.get(len(segments) - 1, ())]
            if shorter:
                merged = [(order, t, False) for order, t in candidates] + shorter
                for _, template, strip in sorted(merged, key=lambda entry: entry[0]):
                    if strip and template.trailing_slash:
                        continue
                    values = template.match(segments[:-1] if strip else segments)
                    if values is not None:
                        return template.operation, _decoded(template.names, values, "%" in path)
                return None
        for _, template in candidates:
            values = template.match(segments)
            if values is not None:
                return template.operation, _decoded(template.names, values, "%" in path)
        return None


def _decoded(names: tuple[str, ...], values: list[str], encoded: bool) -> dict[str, str]:
    """The variables' values by name, percent-decoded when the path held a ``%``."""
    if not encoded:
        return dict(zip(names, values, strict=True))
    return {
        name: unquote(value) if "%" in value else value
        for name, value in zip(names, values, strict=True)
    }


@dataclass(frozen=True)
class _PathTemplate:
    """A path template as segments: each a literal string, or pieces of literals and variables."""

    operation: Operation
    #: Per segment: a literal string, or a tuple of pieces (a literal str, or None for a variable).
    segments: tuple[str | tuple[str | None, ...], ...]
    names: tuple[str, ...]
    literal: int
    trailing_slash: bool
    #: When every variable is a whole segment (``/jobs/{id}``, the common case): the literal
    #: segments by index, and the indexes of the variables' segments; None otherwise.
    simple: tuple[tuple[tuple[int, str], ...], tuple[int, ...]] | None = None

    @classmethod
    def build(cls, operation: Operation) -> _PathTemplate:
        path = operation.path
        segments: list[str | tuple[str | None, ...]] = []
        names: list[str] = []
        literal = 0
        for segment in path.split("/"):
            pieces: list[str | None] = []
            position = 0
            for found in TEMPLATE_VARIABLE.finditer(segment):
                if found.start() > position:
                    pieces.append(segment[position : found.start()])
                pieces.append(None)
                names.append(found.group(1))
                position = found.end()
            if position < len(segment):
                pieces.append(segment[position:])
            literal += sum(len(piece) for piece in pieces if piece is not None)
            if not any(piece is None for piece in pieces):
                segments.append(segment)
            else:
                segments.append(tuple(pieces))
        literal += len(segments) - 1  # the slashes
        simple = None
        if all(isinstance(segment, str) or segment == (None,) for segment in segments):
            simple = (
                tuple((i, seg) for i, seg in enumerate(segments) if isinstance(seg, str)),
                tuple(i for i, seg in enumerate(segments) if not isinstance(seg, str)),
            )
        return cls(operation, tuple(segments), tuple(names), literal, path.endswith("/"), simple)

    def match(self, parts: list[str]) -> list[str] | None:
        """The variables' values (still percent-encoded) when ``parts`` fit, else None."""
        if self.simple is not None:
            literals, variables = self.simple
            for index, text in literals:
                if parts[index] != text:
                    return None
            found = [parts[index] for index in variables]
            return found if all(found) else None  # a variable takes at least one character
        values: list[str] = []
        for expected, actual in zip(self.segments, parts, strict=True):
            if isinstance(expected, str):
                if expected != actual:
                    return None
            elif not _split_segment(expected, actual, values):
                return None
        return values


def _split_segment(pieces: tuple[str | None, ...], segment: str, values: list[str]) -> bool:
    """Match one segment against literal pieces and variables (None); append the variables' values.

    Each variable takes at least one character. Literals are placed from the right, each at its
    last possible occurrence, so earlier variables take the most (``{name}.{ext}`` splits
    ``a.tar.gz`` into ``a.tar`` and ``gz``, as a greedy regex would). Placing a literal as far right
    as it goes leaves the most room to its left, so no split is missed; each placement is one
    string search, so the cost is linear in the segment's length.
    """
    if len(pieces) == 1:  # the common case: the whole segment is one variable
        if not segment:
            return False
        values.append(segment)
        return True
    start, end = 0, len(segment)
    first, last = pieces[0], pieces[-1]
    if last is not None:
        if not segment.endswith(last):
            return False
        end -= len(last)
        pieces = pieces[:-1]
    if first is not None:
        if not segment.startswith(first) or len(first) > end:
            return False
        start = len(first)
        pieces = pieces[1:]
    # Now: variables and literals alternate, starting and ending with variables.
    found: list[str] = []
    run = 0  # adjacent variables waiting for their text, right of ``end``
    for piece in reversed(pieces):
        if piece is None:
            run += 1
            continue
        place = segment.rfind(piece, start, end - run)
        if place < 0:
            return False
        found[:0] = _shares(segment[place + len(piece) : end], run)
        end, run = place, 0
    if end - start < run:
        return False
    found[:0] = _shares(segment[start:end], run)
    values.extend(found)
    return True


def _shares(text: str, count: int) -> list[str]:
    """``text`` split among ``count`` adjacent variables: one character each, the first the rest."""
    extra = len(text) - count + 1
    return [text[:extra], *text[extra:]]


@dataclass(frozen=True)
class _Server:
    """A server URL: a literal prefix compared as text, or a template when it has variables."""

    spec: int
    paths: _PathTable
    literal: int
    #: For a server URL without variables: its scheme and host (lower case) and its base path.
    origin: str | None
    base_path: str
    template: _ServerTemplate | None
    #: For a templated server URL: the texts it matched in earlier requests (see :meth:`rest`).
    prefixes: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, spec: int, server: dict[str, object], paths: _PathTable) -> _Server:
        url = str(server.get("url") or "/").rstrip("/")
        split = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/]*)(.*)$", url)
        if "{" not in url and split is not None:
            return cls(spec, paths, len(url), split.group(1).lower(), split.group(2), None)
        template = _ServerTemplate.build(server)
        return cls(spec, paths, template.literal, None, "", template)

    def rest(self, url: str, cut: int) -> str | None:
        """The request path after this server's URL, or None if the URL is not on this server."""
        if self.origin is not None:
            size = len(self.origin)
            if url[:size].lower() != self.origin or not url.startswith(self.base_path, size):
                return None
            end = size + len(self.base_path)
            if cut > end and url[end] != "/":
                return None
            return url[end:cut]
        if self.template is None:
            return None
        # A server URL matched before ends where it did then in any URL that starts with the same
        # text and has a "/" (or the end) there: every earlier position reads the same text, so
        # none of them can end it in the new URL either.
        for prefix in self.prefixes:
            size = len(prefix)
            if size <= cut and url.startswith(prefix) and (size == cut or url[size] == "/"):
                return url[size:cut]
        for piece in self.template.path_literals:
            if url.find(piece, 0, cut) < 0:
                return None  # the server's path is not in this URL: spare the walk
        stop = self.template.end(url, cut)
        if stop is None:
            return None
        if len(self.prefixes) < _PREFIXES_KEPT:
            self.prefixes.append(url[:stop])
        return url[stop:cut]


#: Matched texts remembered per templated server URL: a log reaches a server through few hosts, and
#: a log of many hosts must not grow the list without bound.
_PREFIXES_KEPT = 16

#: A piece of a templated server URL: literal text, the values of an enum variable, or None for a
#: free variable (any text).
_Piece = str | tuple[str, ...] | None


@dataclass(frozen=True)
class _ServerTemplate:
    """A server URL with variables, matched as a prefix of request URLs in linear time.

    The match walks the pieces keeping the set of URL positions reachable so far (a free variable
    makes every later position reachable): what a backtracking regex explores one path at a time,
    without ever revisiting a position, so a URL of length n costs O(pieces * n) however the
    variables sit (adjacent free variables made the old regex take minutes on a 70-byte URL).
    """

    pieces: tuple[_Piece, ...]
    relative: bool
    literal: int
    #: The literal texts of the URL's path part, which any URL it matches holds as they are.
    path_literals: tuple[str, ...] = ()

    @classmethod
    def build(cls, server: dict[str, object]) -> _ServerTemplate:
        url = str(server.get("url") or "/").rstrip("/")
        variables = server.get("variables")
        declared = variables if isinstance(variables, dict) else {}
        relative = url.startswith("/") or not url
        slashes = url.find("//")
        if relative:
            host_end = 0
        else:
            host_end = len(url) if slashes < 0 else url.find("/", slashes + 2)
            host_end = len(url) if host_end < 0 else host_end
        pieces: list[_Piece] = []
        position = 0
        literal = 0

        def add_literal(start: int, end: int) -> None:
            # The scheme and host compare case-insensitively: that part is kept in lower case
            # (and so is the request URL's origin when matching).
            if start < host_end < end:
                add_literal(start, host_end)
                add_literal(host_end, end)
            elif start < end:
                text = url[start:end]
                pieces.append(text.lower() if start < host_end else text)

        for found in TEMPLATE_VARIABLE.finditer(url):
            add_literal(position, found.start())
            literal += found.start() - position
            variable = declared.get(found.group(1))
            enum = variable.get("enum") if isinstance(variable, dict) else None
            if isinstance(enum, list) and enum:
                in_host = found.start() < host_end
                pieces.append(
                    tuple(dict.fromkeys(str(v).lower() if in_host else str(v) for v in enum))
                )
            elif not pieces or pieces[-1] is not None:  # adjacent free variables are one
                pieces.append(None)
            position = found.end()
        add_literal(position, len(url))
        literal += len(url) - position
        path_start = max(host_end, 0)
        path_literals = tuple(
            found for found in re.split(TEMPLATE_VARIABLE.pattern, url[path_start:])[::2] if found
        )
        return cls(tuple(pieces), relative, literal, path_literals)

    def end(self, url: str, cut: int) -> int | None:
        """Where this server's URL ends in ``url[:cut]`` (at a ``/`` or at ``cut``), or None.

        The earliest such end wins, as with a lazy regex.
        """
        scheme = url.find("://", 0, cut)
        origin_end = -1
        if scheme >= 0:
            origin_end = url.find("/", scheme + 3, cut)
            origin_end = cut if origin_end < 0 else origin_end
        text = url  # read up to ``cut`` only
        if origin_end >= 0 and not url[:origin_end].islower():
            text = url[:origin_end].lower() + url[origin_end:]
        # A relative server URL: any origin (or none), then its path.
        reached = {0, origin_end} if self.relative and origin_end >= 0 else {0}
        # Reachable positions: the set ``reached``, or, when ``free``, every one from ``floor``.
        free = False
        floor = 0
        for piece in self.pieces:
            if piece is None:
                if not reached:
                    return None
                floor, free = min(reached), True
                continue
            following: set[int] = set()
            for option in (piece,) if isinstance(piece, str) else piece:
                size = len(option)
                if not size:
                    following |= set(range(floor, cut + 1)) if free else reached
                elif free:
                    place = text.find(option, floor, cut)
                    while place >= 0:
                        following.add(place + size)
                        place = text.find(option, place + 1, cut)
                else:
                    following.update(p + size for p in reached if text.startswith(option, p, cut))
            reached, free = following, False
        if free:
            slash = text.find("/", floor, cut)
            return cut if slash < 0 else slash
        ends = [p for p in reached if p == cut or (p < cut and text[p] == "/")]
        return min(ends) if ends else None
