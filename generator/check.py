"""Verdicts on recorded exchanges: does each response answer as the spec documents?

:class:`Checker` is the checking core. It loads the specs once, compiles each validator once per
(operation, status, media type) on first use, and turns a recorded exchange into a :class:`Verdict`
with every problem located: the JSON pointer into the body, the schema keyword, and where that keyword
is written in the spec. It pickles as the list of spec files it was built from, so it can be shipped
to worker processes or a distributed engine (see :mod:`generator.dask`) and rebuilt there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

import orjson

from generator import pointer as jp
from generator.conform import (
    Conformance,
    ConformanceError,
    Operation,
    Violation,
    media_type_key,
    operation_parameters,
)
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


@dataclass(slots=True)
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
        where = f"{self.pointer}: " if self.pointer else "(root): " if self.kind == "schema" else ""
        at = f" [{self.keyword} at {self.location}]" if self.location else ""
        return f"{where}{self.message}{at}"


@dataclass(slots=True)  # not frozen: one is built per exchange, and frozen ones build slower
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
    #: media key -> (compiled validator, document, schema pointer) of declared schemas.
    schemas: dict[str, tuple[Any, Document, str]]
    required_headers: tuple[str, ...]
    #: Content-Type header value -> the declared media key serving it (None: not declared).
    media_keys: dict[str, str | None] = field(default_factory=dict)

    def media_key(self, content_type: str) -> str | None:
        if content_type not in self.media_keys:
            self.media_keys[content_type] = media_type_key(self.content, content_type)
        return self.media_keys[content_type]


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
        # A secret parameter in a query string: its name (any case, maybe percent-encoded) and value.
        names = "|".join(sorted(re.escape(name) for name in self.secret_names))
        self._secret_pattern = re.compile(rf"(?i)([?&;](?:{names}))=[^&;#]*")
        self._plans: dict[tuple[int, str, int], _ResponsePlan | Problem] = {}
        self._parameters: dict[tuple[int, str], list[_Parameter]] = {}

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
        """``url`` with credentials in its query string and user info replaced.

        Written without ``urllib.parse`` on purpose: a recorded URL may be malformed, and a report
        must still never show its secrets.
        """
        if "@" in url:
            head, mark, rest = url.partition("?")
            url = _redact_userinfo(head) + mark + rest
        question = url.find("?")
        if question < 0:
            return url
        if "%" in url[question:]:
            return self._redact_encoded(url)
        return self._secret_pattern.sub(rf"\g<1>={REDACTED}", url)

    def _redact_encoded(self, url: str) -> str:
        # Names may be percent-encoded (api%5Fkey is api_key to the server): decode each to compare.
        head, question, rest = url.partition("?")
        query, hash_mark, fragment = rest.partition("#")
        pieces = _QUERY_SEPARATORS.split(query)
        for index in range(0, len(pieces), 2):
            name, equals, _ = pieces[index].partition("=")
            if equals and unquote_plus(name).lower() in self.secret_names:
                pieces[index] = f"{name}={REDACTED}"
        return head + question + "".join(pieces) + hash_mark + fragment

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
        if not has_body:
            if record.method != "HEAD":
                declared = ", ".join(plan.content)
                message = (
                    f"status {record.status} declares a body ({declared}), but none was recorded"
                )
                problems.append(Problem("body", message))
            return problems
        content_type = headers.get("content-type") or (
            "application/json" if not record.body_is_text else ""
        )
        media_key = plan.media_key(content_type) if content_type else None
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
        compiled, document, pointer = target
        if compiled.is_valid(body):
            return problems
        violations = self.conformance[route.spec].schemas.violations(document, pointer, body)
        problems.extend(_schema_problem(v) for v in violations)
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
        validators = self.conformance[spec].schemas
        schemas = {}
        for media, declared in content.items():
            if isinstance(declared, dict) and "schema" in declared:
                pointer = jp.join(response.pointer, "content", media, "schema")
                try:
                    compiled = validators.validator(response.document, pointer)
                except ConformanceError as exc:
                    return Problem("status", str(exc))
                schemas[media] = (compiled, response.document, pointer)
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
            for name, value in parse_qsl(route.query, keep_blank_values=True, separator="&"):
                query.setdefault(name, []).append(value)
        problems: list[Problem] = []
        for param in declared:
            if param.location == "path":
                values = (
                    [route.path_params[param.name]] if param.name in route.path_params else None
                )
            else:
                values = query.get(param.name)
            where = f"{param.location}/{param.name}"
            if values is None:
                if param.required:
                    message = f"required {param.location} parameter {param.name!r} is missing"
                    problems.append(Problem("parameter", message, where))
                continue
            if param.validator is None:
                continue
            instance = _coerce(values, param.schema)
            if param.validator.is_valid(instance):
                continue
            schemas = self.conformance[route.spec].schemas
            secret = param.name.lower() in self.secret_names
            for violation in schemas.violations(param.document, param.pointer, instance):
                problem = _schema_problem(violation)
                # jsonschema's messages quote the value; a credential's value must not be shown.
                detail = f"its value breaks `{problem.keyword}`" if secret else problem.message
                problems.append(
                    Problem(
                        "parameter",
                        f"{param.location} parameter {param.name!r}: {detail}",
                        where + violation.instance_pointer,
                        problem.keyword,
                        problem.location,
                    )
                )
        return problems

    def _declared_parameters(self, spec: int, operation: Operation) -> list[_Parameter]:
        key = (spec, operation.operation_id)
        known = self._parameters.get(key)
        if known is not None:
            return known
        loaded = self.specs[spec]
        schemas = self.conformance[spec].schemas
        found: dict[tuple[str, str], _Parameter] = {}
        for key_, target in operation_parameters(
            loaded, operation.document, operation.pointer
        ).items():
            param = target.value
            if param.get("in") not in ("path", "query"):
                continue
            schema_pointer = jp.join(target.pointer, "schema")
            schema = param.get("schema")
            validator = None
            if isinstance(schema, dict):
                try:
                    validator = schemas.validator(target.document, schema_pointer)
                    schema = loaded.deref(target.document, schema_pointer).value
                except (ConformanceError, RefError):
                    validator = None
            found[key_] = _Parameter(
                param["in"],
                str(param["name"]),
                param.get("required") is True,
                target.document,
                schema_pointer,
                schema if isinstance(schema, dict) else {},
                validator,
            )
        self._parameters[key] = result = list(found.values())
        return result


@dataclass(frozen=True)
class _Parameter:
    """A declared path or query parameter, with its schema compiled."""

    location: str
    name: str
    required: bool
    document: Document
    pointer: str
    schema: dict[str, Any]
    validator: Any


@functools.lru_cache(maxsize=8)
def shared_checker(spec_paths: tuple[Path, ...], ignore_unmatched: bool = False) -> Checker:
    """The checker for these specs in this process, built on first use."""
    return Checker(spec_paths, ignore_unmatched)


_QUERY_SEPARATORS = re.compile(r"([&;])")


def _redact_userinfo(head: str) -> str:
    start = head.find("://")
    start = start + 3 if start >= 0 else 0
    end = head.find("/", start)
    end = len(head) if end < 0 else end
    at = head.rfind("@", start, end)
    return head if at < 0 else f"{head[:start]}{REDACTED}@{head[at + 1 :]}"


def _schema_problem(violation: Violation) -> Problem:
    return Problem(
        "schema",
        violation.message if len(violation.message) <= 200 else violation.message[:197] + "...",
        violation.instance_pointer,
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
