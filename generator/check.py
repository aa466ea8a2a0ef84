"""Verdicts on recorded exchanges: does each response answer as the spec documents?

:class:`Checker` is the checking core. It loads the specs once, compiles each validator once per
(operation, status, media type) on first use, and turns a recorded exchange into a :class:`Verdict`
with every problem located: the JSON pointer into the body, the schema keyword, and where that keyword
is written in the spec. It pickles as the list of spec files it was built from, so it can be shipped
to worker processes or a distributed engine (see :mod:`generator.dask`) and rebuilt there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from generator import pointer as jp
from generator.conform import Conformance, ConformanceError, Operation, Violation, media_type_key
from generator.errors import display_path
from generator.exchanges import Exchange, Record, Unreadable, parse_line
from generator.loading import Document
from generator.refs import LoadedSpec, RefError, load_spec
from generator.routing import Route, Router

#: Query parameters redacted in every report, whatever the specs say (plus the specs' API keys).
SECRET_QUERY_NAMES = frozenset(
    {
        "api_key",
        "apikey",
        "key",
        "token",
        "access_token",
        "auth",
        "sig",
        "signature",
        "password",
        "secret",
    }
)
REDACTED = "REDACTED"


@dataclass(frozen=True, slots=True)
class Problem:
    """One way an exchange differs from its spec."""

    #: unreadable, unmatched, status, content-type, body, schema, header or parameter.
    kind: str
    message: str
    #: For schema problems, the JSON pointer into the body; for parameters, ``query/<name>``.
    pointer: str = ""
    keyword: str = ""
    #: ``file:line`` of the violated keyword in the spec.
    location: str = ""

    def __str__(self) -> str:
        where = f"{self.pointer}: " if self.pointer else ""
        at = f" [{self.keyword} at {self.location}]" if self.location else ""
        return f"{where}{self.message}{at}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome for one exchange. ``url`` has its secrets redacted."""

    source: str
    spec: str | None
    operation: str | None
    method: str
    url: str
    status: int | None
    problems: tuple[Problem, ...]
    skipped: bool = False

    @property
    def passed(self) -> bool:
        return not self.problems and not self.skipped


@dataclass(frozen=True)
class _ResponsePlan:
    """What the spec declares for one (operation, status): contents and required headers."""

    status_key: str
    content: dict[str, Any]
    #: media key -> (document, schema pointer) of declared schemas.
    schemas: dict[str, tuple[Document, str]]
    required_headers: tuple[str, ...]


class Checker:
    """Checks exchanges against a set of specs; build once, call :meth:`check` many times."""

    def __init__(self, spec_paths: Sequence[Path], ignore_unmatched: bool = False) -> None:
        self.spec_paths = tuple(Path(p) for p in spec_paths)
        self.ignore_unmatched = ignore_unmatched
        self.specs: list[LoadedSpec] = [load_spec(path) for path in self.spec_paths]
        self.names = [spec.name for spec in self.specs]
        self.router = Router(self.specs)
        self.conformance = [Conformance(spec) for spec in self.specs]
        self.secret_names = SECRET_QUERY_NAMES | _query_api_keys(self.specs)
        self._plans: dict[tuple[int, str, int], _ResponsePlan | Problem] = {}
        self._parameters: dict[
            tuple[int, str], list[tuple[str, str, bool, Document, str | None]]
        ] = {}

    def __reduce__(self) -> tuple[Callable[..., Checker], tuple[tuple[Path, ...], bool]]:
        # Compiled validators do not pickle; the spec files do. A process that receives the same
        # checker many times (a Dask worker, one task per partition) builds it only once.
        return (shared_checker, (self.spec_paths, self.ignore_unmatched))

    def check_lines(self, lines: Iterable[tuple[str, bytes | str]]) -> list[Verdict]:
        """Verdicts for (source, JSON text) pairs, e.g. a chunk of a JSON Lines file."""
        return [self.check(parse_line(line, source)) for source, line in lines]

    def check(self, record: Record) -> Verdict:
        """The verdict on one recorded exchange (or on a line that could not be read)."""
        if isinstance(record, Unreadable):
            return Verdict(
                record.source, None, None, "", "", None, (Problem("unreadable", record.message),)
            )
        url = self.redact(record.url)
        route = self.router.match(record.method, record.url)
        if route is None:
            problem = Problem(
                "unmatched",
                f"no operation of {', '.join(self.names)} matches {record.method} {url}",
            )
            return Verdict(
                record.source,
                None,
                None,
                record.method,
                url,
                record.status,
                () if self.ignore_unmatched else (problem,),
                self.ignore_unmatched,
            )
        operation = route.operation
        problems = self._check_response(route, record)
        parameter_problems = self._check_parameters(route)
        if parameter_problems:
            problems = parameter_problems + problems
        return Verdict(
            record.source,
            self.names[route.spec],
            operation.operation_id,
            record.method,
            url,
            record.status,
            tuple(problems),
        )

    def redact(self, url: str) -> str:
        """``url`` with credentials in its query string and user info replaced."""
        if "?" not in url and "@" not in url:
            return url
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode(
            [(k, REDACTED if k.lower() in self.secret_names else v) for k, v in pairs]
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

    # -- response -------------------------------------------------------------------------------------

    def _check_response(self, route: Route, record: Exchange) -> list[Problem]:
        plan = self._plan(route.spec, route.operation, record.status)
        if isinstance(plan, Problem):
            return [plan]
        problems: list[Problem] = []
        headers = record.headers
        for name in plan.required_headers:
            if name not in headers:
                problems.append(Problem("header", f"required response header {name!r} is missing"))
        body = record.body
        has_body = body is not None and body != ""
        if not plan.content:
            if has_body:
                problems.append(
                    Problem(
                        "content-type",
                        f"status {record.status} declares no body, but one was recorded",
                    )
                )
            return problems
        content_type = headers.get("content-type") or (
            "application/json" if not record.body_is_text else ""
        )
        media_key = media_type_key(plan.content, content_type) if content_type else None
        if media_key is None:
            declared = ", ".join(plan.content)
            got = content_type or "no Content-Type"
            problems.append(
                Problem(
                    "content-type",
                    f"{got} is not declared for status {record.status} (declared: {declared})",
                )
            )
            return problems
        if not has_body:
            if record.method != "HEAD":
                problems.append(
                    Problem(
                        "body",
                        f"status {record.status} declares a {media_key} body, but none was recorded",
                    )
                )
            return problems
        target = plan.schemas.get(media_key)
        if target is None:
            return problems
        if record.body_is_text:
            if not _is_json(media_key):
                return problems  # a non-JSON body: nothing more to check than its media type
            try:
                body = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                problems.append(Problem("body", f"body is not JSON ({exc})"))
                return problems
        conformance = self.conformance[route.spec]
        document, pointer = target
        if conformance.schemas.is_valid(document, pointer, body):
            return problems
        problems.extend(
            _schema_problem(v) for v in conformance.schemas.violations(document, pointer, body)
        )
        return problems

    def _plan(self, spec: int, operation: Operation, status: int) -> _ResponsePlan | Problem:
        key = (spec, operation.operation_id, status)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._make_plan(spec, operation, status)
        return plan

    def _make_plan(self, spec: int, operation: Operation, status: int) -> _ResponsePlan | Problem:
        loaded = self.specs[spec]
        responses = jp.resolve(operation.document.data, operation.pointer).get("responses", {})
        text = str(status)
        status_key = next(
            (k for k in (text, f"{text[0]}XX", f"{text[0]}xx", "default") if k in responses), None
        )
        if status_key is None:
            return Problem(
                "status", f"status {status} is not declared (declared: {', '.join(responses)})"
            )
        try:
            response = loaded.deref(
                operation.document, jp.join(operation.pointer, "responses", status_key)
            )
        except RefError as exc:
            return Problem("status", exc.message)
        value = response.value if isinstance(response.value, dict) else {}
        content = value.get("content")
        content = content if isinstance(content, dict) else {}
        schemas = {
            media: (response.document, jp.join(response.pointer, "content", media, "schema"))
            for media, declared in content.items()
            if isinstance(declared, dict) and "schema" in declared
        }
        headers = value.get("headers")
        headers = headers if isinstance(headers, dict) else {}
        required = []
        for name in headers:
            try:
                header = loaded.deref(
                    response.document, jp.join(response.pointer, "headers", name)
                ).value
            except RefError:
                continue
            if isinstance(header, dict) and header.get("required") is True:
                required.append(name.lower())
        return _ResponsePlan(status_key, content, schemas, tuple(required))

    # -- request parameters -----------------------------------------------------------------------------

    def _check_parameters(self, route: Route) -> list[Problem]:
        declared = self._declared_parameters(route.spec, route.operation)
        if not declared:
            return []
        query: dict[str, list[str]] = {}
        if route.query:
            for name, value in parse_qsl(route.query, keep_blank_values=True):
                query.setdefault(name, []).append(value)
        problems: list[Problem] = []
        schemas = self.conformance[route.spec].schemas
        for location, name, required, document, schema_pointer in declared:
            if location == "path":
                values: list[str] | None = (
                    [route.path_params[name]] if name in route.path_params else None
                )
            else:
                values = query.get(name)
            if values is None:
                if required:
                    problems.append(
                        Problem(
                            "parameter",
                            f"required {location} parameter {name!r} is missing",
                            f"{location}/{name}",
                        )
                    )
                continue
            if schema_pointer is None:
                continue
            schema = jp.resolve(document.data, schema_pointer)
            instance = _coerce(values, schema if isinstance(schema, dict) else {})
            try:
                if schemas.is_valid(document, schema_pointer, instance):
                    continue
                violations = schemas.violations(document, schema_pointer, instance)
            except ConformanceError as exc:
                problems.append(Problem("parameter", str(exc), f"{location}/{name}"))
                continue
            for violation in violations:
                problem = _schema_problem(violation)
                problems.append(
                    Problem(
                        "parameter",
                        f"{location} parameter {name!r}: {problem.message}",
                        f"{location}/{name}{violation.instance_pointer}",
                        problem.keyword,
                        problem.location,
                    )
                )
        return problems

    def _declared_parameters(
        self, spec: int, operation: Operation
    ) -> list[tuple[str, str, bool, Document, str | None]]:
        key = (spec, operation.operation_id)
        known = self._parameters.get(key)
        if known is not None:
            return known
        loaded = self.specs[spec]
        found: dict[tuple[str, str], tuple[str, str, bool, Document, str | None]] = {}
        for pointer in (
            jp.join(jp.parent(operation.pointer), "parameters"),
            jp.join(operation.pointer, "parameters"),
        ):
            try:
                listed = jp.resolve(operation.document.data, pointer)
            except LookupError:
                continue
            for index in range(len(listed) if isinstance(listed, list) else 0):
                try:
                    target = loaded.deref(operation.document, f"{pointer}/{index}")
                except RefError:
                    continue
                param = target.value
                if not isinstance(param, dict) or param.get("in") not in ("path", "query"):
                    continue
                schema_pointer = jp.join(target.pointer, "schema") if "schema" in param else None
                found[(param["in"], param["name"])] = (
                    param["in"],
                    param["name"],
                    param.get("required") is True,
                    target.document,
                    schema_pointer,
                )
        self._parameters[key] = result = list(found.values())
        return result


@functools.lru_cache(maxsize=8)
def shared_checker(spec_paths: tuple[Path, ...], ignore_unmatched: bool = False) -> Checker:
    """The checker for these specs in this process, built on first use."""
    return Checker(spec_paths, ignore_unmatched)


def _schema_problem(violation: Violation) -> Problem:
    return Problem(
        "schema",
        violation.message if len(violation.message) <= 200 else violation.message[:197] + "...",
        violation.instance_pointer or "/",
        violation.keyword,
        f"{display_path(violation.schema_path)}:{violation.line}",
    )


def _is_json(media_type: str) -> bool:
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json") or essence == "*/*"


def _coerce(values: list[str], schema: dict[str, Any]) -> Any:
    """Query or path text as the JSON value the schema describes (left as text when it is not)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        items = schema.get("items")
        return [_coerce([v], items if isinstance(items, dict) else {}) for v in values]
    value = values[-1]
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def _query_api_keys(specs: Sequence[LoadedSpec]) -> frozenset[str]:
    names = set()
    for spec in specs:
        schemes = spec.data.get("components", {}).get("securitySchemes", {})
        for scheme in schemes.values() if isinstance(schemes, dict) else []:
            if (
                isinstance(scheme, dict)
                and scheme.get("type") == "apiKey"
                and scheme.get("in") == "query"
            ):
                names.add(str(scheme.get("name", "")).lower())
    return frozenset(names)
