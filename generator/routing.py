"""Which spec and operation a recorded request was sent to.

A request URL is matched against each candidate spec's servers (server variables match any text in
their place, or one of their ``enum`` values), then its remaining path against the spec's path
templates for the request's method. Rules, in order:

- literal segments beat templated ones (``/jobs/active`` wins over ``/jobs/{id}``);
- a template variable matches one whole segment, compared percent-encoded and handed on decoded;
- trailing slashes: ``/jobs/1/`` is first matched as written, then without its trailing slash, so a
  spec path with no trailing slash accepts one (the reverse is not tried);
- among specs, the server written most literally wins (``https://api.example.com/v2`` over ``{url}``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from generator.conform import Operation, iter_operations
from generator.refs import LoadedSpec

_VARIABLE = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request landed: the spec (by index), the operation and the decoded path values."""

    spec: int
    operation: Operation
    path_params: dict[str, str]
    query: str


@dataclass(frozen=True)
class _Server:
    spec: int
    pattern: re.Pattern[str]
    literal_length: int


@dataclass(frozen=True)
class _Path:
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    operation: Operation
    #: Sort key: fewer variables first, then longer literal text first.
    rank: tuple[int, int]


class Router:
    """Matches request URLs to operations of the given specs."""

    def __init__(self, specs: Sequence[LoadedSpec]) -> None:
        self.specs = list(specs)
        servers: list[_Server] = []
        self._paths: list[dict[str, list[_Path]]] = []
        for index, spec in enumerate(self.specs):
            for server in spec.data.get("servers") or [{"url": "/"}]:
                servers.append(_server(index, server))
            by_method: dict[str, list[_Path]] = {}
            for operation in iter_operations(spec):
                by_method.setdefault(operation.method.upper(), []).append(_path(operation))
            for candidates in by_method.values():
                candidates.sort(key=lambda p: p.rank)
            self._paths.append(by_method)
        servers.sort(key=lambda s: -s.literal_length)
        self._servers = servers

    def match(self, method: str, url: str) -> Route | None:
        """The operation ``method url`` was sent to, or None when no spec has one."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}" if parts.netloc else ""
        origin_and_path = origin + parts.path
        for server in self._servers:
            found = server.pattern.match(origin_and_path)
            if found is None:
                continue
            rest = origin_and_path[found.end() :] or "/"
            route = self._match_path(server.spec, method, rest, parts.query)
            if route is None and len(rest) > 1 and rest.endswith("/"):
                route = self._match_path(server.spec, method, rest[:-1], parts.query)
            if route is not None:
                return route
        return None

    def _match_path(self, spec: int, method: str, path: str, query: str) -> Route | None:
        for candidate in self._paths[spec].get(method, ()):
            found = candidate.pattern.fullmatch(path)
            if found is not None:
                values = {
                    name: unquote(value)
                    for name, value in zip(candidate.names, found.groups(), strict=True)
                }
                return Route(spec, candidate.operation, values, query)
        return None


def _server(spec: int, server: dict[str, object]) -> _Server:
    url = str(server.get("url") or "/").rstrip("/")
    variables = server.get("variables")
    declared = variables if isinstance(variables, dict) else {}
    pattern: list[str] = []
    position = 0
    literal = 0
    for found in _VARIABLE.finditer(url):
        pattern.append(re.escape(url[position : found.start()]))
        literal += found.start() - position
        enum = (
            declared.get(found.group(1), {}).get("enum")
            if isinstance(declared.get(found.group(1)), dict)
            else None
        )
        if isinstance(enum, list) and enum:
            pattern.append("(?:" + "|".join(re.escape(str(v)) for v in enum) + ")")
        else:
            pattern.append(".*?")
        position = found.end()
    pattern.append(re.escape(url[position:]))
    literal += len(url) - position
    if url.startswith("/") or not url:
        # A relative server URL: any origin, then the path.
        prefix = r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*)?"
        return _Server(spec, re.compile(prefix + "".join(pattern) + r"(?=/|$)"), literal)
    return _Server(spec, re.compile("".join(pattern) + r"(?=/|$)"), literal)


def _path(operation: Operation) -> _Path:
    pattern: list[str] = []
    names: list[str] = []
    position = 0
    literal = 0
    for found in _VARIABLE.finditer(operation.path):
        pattern.append(re.escape(operation.path[position : found.start()]))
        literal += found.start() - position
        pattern.append("([^/]+)")
        names.append(found.group(1))
        position = found.end()
    pattern.append(re.escape(operation.path[position:]))
    literal += len(operation.path) - position
    return _Path(re.compile("".join(pattern)), tuple(names), operation, (len(names), -literal))
