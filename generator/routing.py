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

All candidates of a method are compiled into one regular expression, tried in that order, so
matching costs one regex search whatever the number of specs and operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from generator.conform import Operation, iter_operations
from generator.refs import LoadedSpec

_VARIABLE = re.compile(r"\{([^{}]+)\}")
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
        servers: list[_Server] = []
        for index, spec in enumerate(self.specs):
            paths = _PathTable(iter_operations(spec))
            for server in spec.data.get("servers") or [{"url": "/"}]:
                servers.append(_Server.build(index, server, paths))
        servers.sort(key=lambda s: -s.literal)
        self._servers = servers
        # Servers written without variables are found by the request's origin in one lookup; the
        # others (templated hosts, relative URLs) are tried on every request, in rank order.
        self._patterned = [s for s in servers if s.origin is None]
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
    """One spec's path templates, compiled per method into one ordered alternation."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        by_method: dict[str, list[tuple[tuple[int, int], str, tuple[str, ...], Operation]]] = {}
        for operation in operations:
            pattern, names, literal = _path_pattern(operation.path)
            by_method.setdefault(operation.method.upper(), []).append(
                ((len(names), -literal), pattern, names, operation)
            )
        self._methods: dict[
            str, tuple[re.Pattern[str], dict[int, tuple[Operation, tuple[str, ...]]]]
        ] = {}
        for method, entries in by_method.items():
            entries.sort(key=lambda entry: entry[0])
            groups: dict[int, tuple[Operation, tuple[str, ...]]] = {}
            alternatives = []
            group = 1
            for _, pattern, names, operation in entries:
                groups[group] = (operation, names)
                alternatives.append(f"({pattern})")
                group += 1 + len(names)
            self._methods[method] = (re.compile("|".join(alternatives)), groups)

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        compiled = self._methods.get(method)
        if compiled is None:
            return None
        found = compiled[0].fullmatch(path)
        if found is None:
            return None
        first = found.lastindex or 0
        operation, names = compiled[1][first]
        values = found.groups()[first : first + len(names)]
        return operation, {
            name: unquote(value) if "%" in value else value
            for name, value in zip(names, values, strict=True)
        }


@dataclass(frozen=True)
class _Server:
    """A server URL: a literal prefix compared as text, or a pattern when it has variables."""

    spec: int
    paths: _PathTable
    literal: int
    #: For a server URL without variables: its scheme and host (lower case) and its base path.
    origin: str | None
    base_path: str
    pattern: re.Pattern[str] | None

    @classmethod
    def build(cls, spec: int, server: dict[str, object], paths: _PathTable) -> _Server:
        url = str(server.get("url") or "/").rstrip("/")
        split = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/]*)(.*)$", url)
        if "{" not in url and split is not None:
            return cls(spec, paths, len(url), split.group(1).lower(), split.group(2), None)
        pattern, literal = _server_pattern(server)
        return cls(spec, paths, literal, None, "", re.compile(pattern))

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
        found = self.pattern.match(url, 0, cut) if self.pattern is not None else None
        return None if found is None else url[found.end() : cut]


def _server_pattern(server: dict[str, object]) -> tuple[str, int]:
    """(regex for the server URL, count of its literal characters)."""
    url = str(server.get("url") or "/").rstrip("/")
    variables = server.get("variables")
    declared = variables if isinstance(variables, dict) else {}
    pattern: list[str] = []
    position = 0
    literal = 0
    for found in _VARIABLE.finditer(url):
        pattern.append(re.escape(url[position : found.start()]))
        literal += found.start() - position
        variable = declared.get(found.group(1))
        enum = variable.get("enum") if isinstance(variable, dict) else None
        if isinstance(enum, list) and enum:
            pattern.append("(?:" + "|".join(re.escape(str(v)) for v in enum) + ")")
        else:
            pattern.append("[^?#]*?")
        position = found.end()
    pattern.append(re.escape(url[position:]))
    literal += len(url) - position
    text = "".join(pattern)
    # The server ends where a path segment ends.
    boundary = "(?=/|$)"
    if url.startswith("/") or not url:
        # A relative server URL: any origin, then its path.
        return r"(?:(?i:[a-z][a-z0-9+.-]*://[^/?#]*))?" + text + boundary, literal
    scheme_and_host = re.match(r"^([^/]*//[^/]*)(.*)$", text, re.S)
    if scheme_and_host is None:
        return text + boundary, literal
    return f"(?i:{scheme_and_host.group(1)}){scheme_and_host.group(2)}{boundary}", literal


def _path_pattern(path: str) -> tuple[str, tuple[str, ...], int]:
    """(regex for a path template, its variable names, count of its literal characters)."""
    pattern: list[str] = []
    names: list[str] = []
    position = 0
    literal = 0
    for found in _VARIABLE.finditer(path):
        pattern.append(re.escape(path[position : found.start()]))
        literal += found.start() - position
        pattern.append("([^/]+)")
        names.append(found.group(1))
        position = found.end()
    pattern.append(re.escape(path[position:]))
    literal += len(path) - position
    text = "".join(pattern)
    if not path.endswith("/"):
        text += "/?"
    return text, tuple(names), literal
