"""Verdicts on recorded exchanges: does each response answer as the spec documents?

:class:`Checker` is the checking core. It loads the specs once, compiles each validator once per
(operation, status, media type) on first use, and turns a recorded exchange into a :class:`Verdict`
with every problem located: the JSON pointer into the body, the schema keyword, and where that keyword
is written in the spec. It pickles as the list of spec files it was built from, so it can be shipped
to worker processes or a distributed engine (see :mod:`generator.check.dask`) and rebuilt there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator.check.bodies import nesting_depth, openings, values_at_most
from generator.check.conformance import Conformance, DeclaredResponse, UndeclaredStatus
from generator.check.exchanges import (
    DEFAULT_MAX_RECORD_BYTES,
    Exchange,
    Record,
    Unreadable,
    parse_line,
)
from generator.check.problems import Problem, schema_problem, unlisted
from generator.check.redaction import (
    REDACTED,
    Secrets,
    body_credentials,
    header_credentials,
    is_credential_name,
    redact_url,
)
from generator.check.requests import RequestChecks
from generator.check.routing import Route, Router
from generator.spec.document import Document
from generator.spec.navigator import Operation, may_be_json, response_headers, security_schemes
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec
from generator.spec.validators import (
    DEFAULT_MAX_VIOLATIONS,
    DEFAULT_REGEX_LIMIT,
    ConformanceError,
    too_deep,
)

__all__ = ["REDACTED", "Checker", "Limits", "Problem", "Verdict", "shared_checker"]

#: Characters of a problem's message kept in reports (a quoted value can run long).
MESSAGE_CHARS = 200
#: How deeply a recorded body may nest by default. jsonschema-rs gives up past 255 levels, and
#: real payloads stay far below this.
DEFAULT_MAX_DEPTH = 128


@dataclass(frozen=True)
class Limits:
    """Bounds on the work and memory one recorded exchange may cost; each is a `specgen check` flag.

    Recordings are untrusted: a small line must not hang the run or exhaust memory. Reaching a
    limit fails that exchange alone, with a problem naming the flag that raises it.
    """

    #: ``--max-errors-per-exchange``: problems listed per exchange; the rest are counted.
    max_errors: int = DEFAULT_MAX_VIOLATIONS
    #: ``--regex-limit``: backtracking steps a ``pattern`` may take per value (else "not checked").
    regex_limit: int = DEFAULT_REGEX_LIMIT
    #: ``--max-depth``: nesting of a recorded body.
    max_depth: int = DEFAULT_MAX_DEPTH
    #: ``--max-record-bytes``: size of a JSON Lines line, a .json file or a HAR entry's content.
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    #: ``--responses-only``: check responses, path and query parameters, nothing else of requests.
    responses_only: bool = False
    #: Whether problems say which of their pointer's segments are map keys, for a baseline to fold
    #: (see :attr:`~generator.spec.validators.Violation.map_keys`); finding them costs per problem.
    map_keys: bool = False


@dataclass(slots=True)  # not frozen: one is built per exchange, and frozen ones build slower
class Verdict:
    """The outcome for one exchange. ``url`` has its secrets redacted."""

    source: str
    spec: str | None
    #: The operationId, or ``GET /path`` for an operation without one; None when unmatched.
    operation: str | None
    method: str
    url: str
    status: int | None
    problems: tuple[Problem, ...]
    skipped: bool = False
    #: Problems a baseline knows (see :mod:`generator.check.baseline`), moved out of ``problems``.
    known: tuple[Problem, ...] = ()
    #: The id of the test that made the exchange, when the recording names one.
    test: str | None = None

    @property
    def passed(self) -> bool:
        return not self.problems and not self.skipped

    def __reduce__(self) -> tuple[type[Verdict], tuple[Any, ...]]:
        # Verdicts cross from worker processes by the thousand: rebuilt by one call each, not
        # by pickle's attribute-by-attribute default for slotted classes.
        return (
            Verdict,
            (
                self.source,
                self.spec,
                self.operation,
                self.method,
                self.url,
                self.status,
                self.problems,
                self.skipped,
                self.known,
                self.test,
            ),
        )


_UNKNOWN = object()
#: Kinds of problem whose messages may quote values of the response body.
_QUOTING = frozenset({"schema", "not-checked"})


@dataclass(frozen=True)
class _ResponsePlan:
    """What the spec declares for one (operation, status), as :class:`Conformance` finds it, with
    its schemas compiled and the answers the checker asks per exchange kept."""

    response: DeclaredResponse
    #: media key -> (document, schema pointer) of the declared schemas, all compiled.
    schemas: dict[str, tuple[Document, str]]
    #: media key -> the compiled validator of its schema.
    validators: dict[str, Any]
    required_headers: tuple[str, ...]
    #: Content-Type header value -> the declared media key serving it (None: not declared).
    media_keys: dict[str, object] = field(default_factory=dict)

    @property
    def content(self) -> dict[str, Any]:
        return self.response.content

    def media_key(self, content_type: str) -> str | None:
        known = self.media_keys.get(content_type, _UNKNOWN)
        if known is _UNKNOWN:
            known = self.response.media_key(content_type)
            if len(self.media_keys) < 256:  # bounded: a recording may hold any header values
                self.media_keys[content_type] = known
        return known if isinstance(known, str) else None


class Checker:
    """Checks exchanges against a set of specs; build once, call :meth:`check` many times."""

    def __init__(
        self,
        spec_paths: Sequence[Path],
        ignore_unmatched: bool = False,
        limits: Limits = Limits(),  # frozen, so one shared default is safe
        specs: Sequence[LoadedSpec] | None = None,
    ) -> None:
        """``specs``, when given, are those of ``spec_paths`` already loaded (and found usable)."""
        self.spec_paths = tuple(Path(p) for p in spec_paths)
        self.ignore_unmatched = ignore_unmatched
        self.limits = limits
        self.specs: list[LoadedSpec] = (
            list(specs) if specs is not None else [load_spec(path) for path in self.spec_paths]
        )
        self.names = [spec.name for spec in self.specs]
        self.router = Router(self.specs)
        self.conformance = [Conformance(spec, limits.regex_limit) for spec in self.specs]
        for conformance in self.conformance:
            conformance.schemas.map_keys = limits.map_keys
        # The specs' API keys, by name: credentials whatever they are called.
        self.secret_names = _api_key_names(self.specs, "query")
        self.secret_headers = _api_key_names(self.specs, "header")
        # Per operation (by identity: the router's operations live as long as the checker), per
        # status: one lookup per exchange finds all that is compiled for it.
        self._plans: dict[int, dict[int, _ResponsePlan | Problem]] = {}
        self._requests = RequestChecks(
            self.specs,
            self.conformance,
            self.secret_names,
            limits.max_errors,
            limits.max_depth,
            limits.responses_only,
        )

    def __reduce__(
        self,
    ) -> tuple[Callable[..., Checker], tuple[tuple[Path, ...], bool, Limits]]:
        # Compiled validators do not pickle; the spec files do. A process that receives the same
        # checker many times (a Dask worker, one task per partition) builds it only once.
        return (shared_checker, (self.spec_paths, self.ignore_unmatched, self.limits))

    def check_lines(self, lines: Iterable[tuple[str, bytes | str] | Record]) -> list[Verdict]:
        """Verdicts for (source, JSON text) pairs, e.g. a chunk of a JSON Lines file, in order.

        Records already read (a HAR entry, a line refused for its size) may be mixed in: the
        runners send chunks of both to worker processes, where the text is parsed.
        """
        return [
            self.check(parse_line(item[1], item[0]) if isinstance(item, tuple) else item)
            for item in lines
        ]

    def check(self, record: Record) -> Verdict:
        """The verdict on one recorded exchange (or on a line that could not be read)."""
        if isinstance(record, Unreadable):
            return Verdict(
                record.source, None, None, "", "", None, (Problem("unreadable", record.message),)
            )
        secrets = self.request_secrets(record)
        url = redact_url(record.url, self.secret_names, secrets)
        method = record.method
        route = self.router.match(method, record.url)
        if route is None:
            url, method = secrets.mask(url), secrets.mask(method)
            problem = Problem(
                "unmatched", f"no operation of {', '.join(self.names)} matches {method} {url}"
            )
            return Verdict(
                record.source,
                None,
                None,
                method,
                url,
                record.status,
                () if self.ignore_unmatched else (problem,),
                self.ignore_unmatched,
                test=record.test,
            )
        for name, value in route.path_params.items():
            if is_credential_name(name):
                secrets.add(value)
        operation = route.operation
        problems = self._requests.problems(route, record, secrets)
        problems += self._check_response(route, record, self.limits.max_errors - len(problems))
        if problems:
            # Only violations of the body quote its values: it is searched for credentials then,
            # all of it, as a credential's value may stand inside any value a message quotes.
            if not record.body_is_text and any(p.kind in _QUOTING for p in problems):
                body_credentials(record.body, secrets)
            problems = self._finish(problems, secrets)
        if secrets:
            method, url = secrets.mask(method), secrets.mask(url)
        return Verdict(
            record.source,
            self.names[route.spec],
            operation.name,
            method,
            url,
            record.status,
            tuple(problems),
            test=record.test,
        )

    def request_secrets(self, record: Exchange) -> Secrets:
        """The credentials of the exchange's request headers (Authorization, Cookie, API keys)."""
        secrets = Secrets()
        for name, value in record.request_headers:
            for credential in header_credentials(name, value):
                secrets.add(credential)
            if name in self.secret_headers:
                secrets.add(value)
        return secrets

    def _finish(self, problems: list[Problem], secrets: Secrets) -> list[Problem]:
        """Problems as reports show them: credentials masked, then long messages shortened.

        Masking comes first, so that shortening never leaves the start of a credential behind.
        """
        masking = bool(secrets)
        for problem in problems:
            message = secrets.mask(problem.message) if masking else problem.message
            if len(message) > MESSAGE_CHARS:
                message = message[: MESSAGE_CHARS - 3] + "..."
            problem.message = message
            if masking and problem.pointer:
                problem.pointer = secrets.mask(problem.pointer)
        return problems

    # -- response -------------------------------------------------------------------------------------

    def _check_response(self, route: Route, record: Exchange, room: int) -> list[Problem]:
        """The response's problems, at most ``room`` of them (and a count of the rest)."""
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
            if record.method != "HEAD" and record.body_recorded:
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
            if not may_be_json(media_key):
                return problems  # a non-JSON body: nothing more to check than its media type
            text = body
            try:
                body = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                problems.append(Problem("body", f"body is not JSON ({exc})"))
                return problems
            # Parsed once: secrets are read from it.
            record.body, record.body_is_text, record.text = body, False, text
        # A body that fits passes at any depth the validator takes; the depth limit guards listing
        # a failing body's violations, the costly part (and bodies the validator refuses).
        refused: ConformanceError | None = None
        try:
            if plan.validators[media_key].is_valid(body):
                return problems
        except (ValueError, RecursionError) as exc:
            refused = too_deep(exc)
        document, pointer = target
        schemas = self.conformance[route.spec].schemas
        # The body's text bounds its nesting by its brackets, and its size by its punctuation.
        text = record.text
        if (text is None or openings(text) > self.limits.max_depth) and nesting_depth(
            body, self.limits.max_depth
        ) > self.limits.max_depth:
            message = (
                f"body nests deeper than {self.limits.max_depth} levels: not checked"
                " (raise --max-depth to check it)"
            )
            problems.append(Problem("body", message))
            return problems
        try:
            if refused is not None:
                raise refused
            violations = schemas.violations(
                document,
                pointer,
                body,
                max(room - len(problems), 1),
                known_invalid=True,
                values_at_most=None if text is None else values_at_most(text),
            )
        except ConformanceError as exc:
            problems.append(Problem("body", str(exc)))
            return problems
        problems.extend(schema_problem(v) for v in violations)
        problems.extend(unlisted(violations, "schema", self.limits.max_errors))
        return problems

    def _plan(self, spec: int, operation: Operation, status: int) -> _ResponsePlan | Problem:
        statuses = self._plans.get(id(operation))
        if statuses is None:
            statuses = self._plans[id(operation)] = {}
        plan = statuses.get(status)
        if plan is None:
            plan = statuses[status] = self._make_plan(spec, operation, status)
        return plan

    def _make_plan(self, spec: int, operation: Operation, status: int) -> _ResponsePlan | Problem:
        conformance = self.conformance[spec]
        try:
            response = conformance.response(operation, str(status))
        except UndeclaredStatus as exc:
            declared = ", ".join(exc.declared or ())
            return Problem("status", f"status {status} is not declared (declared: {declared})")
        except ConformanceError as exc:
            return Problem("status", exc.detail)
        schemas, validators = {}, {}
        for media in response.content:
            target = response.schema(media)
            if target is not None:
                try:
                    # Compiled now: a schema that cannot be compiled fails the status as a whole.
                    validators[media] = conformance.schemas.validator(*target)
                except ConformanceError as exc:
                    return Problem("status", str(exc))
                schemas[media] = target
        headers = response_headers(self.specs[spec], response.document, response.pointer)
        required = tuple(
            name.lower()
            for name, header in headers.items()
            if isinstance(header, dict) and header.get("required") is True
        )
        return _ResponsePlan(response, schemas, validators, required)


@functools.lru_cache(maxsize=8)
def shared_checker(
    spec_paths: tuple[Path, ...],
    ignore_unmatched: bool = False,
    limits: Limits = Limits(),  # frozen, so one shared default is safe
) -> Checker:
    """The checker for these specs in this process, built on first use."""
    return Checker(spec_paths, ignore_unmatched, limits)


def _api_key_names(specs: Sequence[LoadedSpec], location: str) -> frozenset[str]:
    """Lower-cased names of the specs' ``apiKey`` security schemes sent ``in`` this location."""
    return frozenset(
        str(scheme.get("name", "")).lower()
        for spec in specs
        for scheme in (at.value for at in security_schemes(spec).values())
        if isinstance(scheme, dict)
        and scheme.get("type") == "apiKey"
        and scheme.get("in") == location
    )
