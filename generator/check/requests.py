"""Does each recorded request ask the way its operation documents?

:class:`RequestChecks` answers for the request half of an exchange, as openapi-core does: path,
query, header and cookie parameters (present when required, fitting their schemas, read back by
their ``style``), the request body (present when required, a declared Content-Type, fitting its
schema with ``readOnly`` properties left out), and the security requirements (a credential where
one is required). What the spec declares for an operation is worked out once, on its first
exchange, into a :class:`RequestPlan`; an operation with nothing to check costs one lookup.

Header and cookie values never reach a report: their problems name the parameter and the keyword
its value breaks. A value the recording already redacted (``REDACTED``, ``***``) is present but
not checked. A request recorded without headers has unknown headers, cookies and credentials: they
are not checked.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import orjson

from generator.check.bodies import nesting_depth
from generator.check.conformance import Conformance
from generator.check.exchanges import Exchange
from generator.check.problems import Problem, unlisted
from generator.check.redaction import Secrets, body_credentials, is_credential_name, is_redacted
from generator.check.routing import Route
from generator.check.security import Credential, credential, security_problem
from generator.check.styles import (
    MISSING,
    UNKNOWN,
    Shape,
    coerce,
    cookies,
    header_map,
    place_in,
    query_value,
    schema_kind,
    simple_value,
)
from generator.errors import display_path
from generator.spec import pointer as jp
from generator.spec.directions import mentions
from generator.spec.document import Document
from generator.spec.navigator import (
    content_entries,
    is_json,
    may_be_json,
    media_essence,
    media_type_key,
    operation_parameters,
    parameter_style,
    request_body,
    security_alternatives,
    security_in_force,
)
from generator.spec.refs import LoadedSpec, RefError
from generator.spec.validators import ConformanceError, SchemaValidators, Violation

#: Headers OpenAPI says a header parameter cannot describe (other fields of the spec do).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
#: A media type as a report may name it; anything else in a Content-Type is not shown.
_MEDIA_TYPE = re.compile(r"^[\w.+-]{1,60}/[\w.+*-]{1,80}$")
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class _Parameter:
    """A declared parameter, with its schema compiled and its serialization worked out."""

    shape: Shape
    required: bool
    document: Document
    pointer: str
    validator: Any
    #: Whether its value is a credential, never to be quoted: headers, cookies, API keys.
    secret: bool
    #: For a parameter declared by ``content``: its value is JSON text.
    json: bool = False

    @property
    def where(self) -> str:
        """Where the parameter is in a request: ``query/ids``, ``header/X-Request-Id``."""
        return f"{self.shape.location}/{self.shape.name}"

    @property
    def key(self) -> str:
        """Its name as looked up: header names are compared lower-cased."""
        return self.shape.name.lower() if self.shape.location == "header" else self.shape.name

    @property
    def plain(self) -> bool:
        """Whether its value is its text as it stands: a path, header or cookie parameter of
        style simple whose schema wants a string (or says nothing of its type)."""
        shape = self.shape
        return (
            not self.json
            and shape.location != "query"
            and shape.style in ("simple", "form", "")
            and shape.kind in ("string", "")
        )


@dataclass(frozen=True)
class _Body:
    """A declared request body: whether it is required, and each media type's schema."""

    required: bool
    content: dict[str, Any]
    #: media key -> (document, schema pointer), for media types that declare a schema.
    schemas: dict[str, tuple[Document, str]]
    #: media key -> (type, item type) of each property, for forms (read back from text).
    form_kinds: dict[str, dict[str, tuple[str, str]]]


@dataclass(frozen=True)
class RequestPlan:
    """What one operation declares of its requests, worked out once."""

    parameters: tuple[_Parameter, ...]
    #: Whether any parameter or the security needs the headers, the cookies or the query.
    needs_headers: bool
    needs_cookies: bool
    needs_query: bool
    body: _Body | None
    #: The alternatives of the security in force (None: no credential required).
    security: tuple[tuple[Credential, ...], ...] | None
    #: ``file:line`` of the ``security`` list in force.
    security_location: str

    def __post_init__(self) -> None:
        # Asked once per exchange: worked out once.
        empty = not self.parameters and self.body is None and self.security is None
        object.__setattr__(self, "empty", empty)
        plain = tuple(p for p in self.parameters if p.plain and p.shape.location == "path")
        object.__setattr__(
            self, "plain_path", plain if len(plain) == len(self.parameters) else None
        )

    #: Nothing to check.
    empty: bool = field(init=False)
    #: When every parameter is a plain path parameter (see :attr:`_Parameter.plain`) and nothing
    #: else is declared: those parameters, checked on the fast path; else None.
    plain_path: tuple[_Parameter, ...] | None = field(init=False)


class RequestChecks:
    """The request checks for a set of specs; :meth:`problems` is called once per exchange."""

    def __init__(
        self,
        specs: Sequence[LoadedSpec],
        conformance: Sequence[Conformance],
        secret_names: frozenset[str],
        max_errors: int,
        max_depth: int,
        responses_only: bool = False,
    ) -> None:
        self.specs = specs
        self.conformance = conformance
        self.secret_names = secret_names
        self.max_errors = max_errors
        self.max_depth = max_depth
        #: ``--responses-only``: path and query parameters only, as before requests were checked.
        self.responses_only = responses_only
        self._schemas: dict[int, SchemaValidators] = {}
        # By the operation's identity: the router's operations live as long as the checker.
        self._plans: dict[int, RequestPlan] = {}

    def problems(self, route: Route, record: Exchange, secrets: Secrets) -> list[Problem]:
        """The request's problems (at most ``max_errors`` listed, and a count of the rest)."""
        plan = self.plan(route)
        if plan.empty:
            return []
        plain = plan.plain_path
        if (
            plain is not None
            and plan.body is None
            and (plan.security is None or not record.request_headers_recorded)
        ):
            # The common case (``GET /jobs/{id}``): each value is its text, checked as it is.
            values = route.path_params
            for param in plain:
                text = values.get(param.shape.name)
                if text is None:
                    if param.required:
                        break  # missing: the full checks say so
                    continue
                if param.validator is not None and not param.validator.is_valid(text):
                    break  # breaks its schema: the full checks locate it
            else:
                return []
        known = record.request_headers_recorded
        query: dict[str, list[str]] = {}
        if plan.needs_query and route.query:
            for name, value in parse_qsl(route.query, keep_blank_values=True, separator="&"):
                query.setdefault(name, []).append(value)
        headers = header_map(record.request_headers) if known and plan.needs_headers else {}
        jar = cookies(record.request_headers) if known and plan.needs_cookies else {}
        problems: list[Problem] = []
        for param in plan.parameters:
            location = param.shape.location
            if location in ("header", "cookie") and not known:
                continue
            self._check_parameter(route, param, query, headers, jar, problems)
            if len(problems) >= self.max_errors:
                return problems
        if plan.security is not None and known:
            problem = security_problem(plan.security, plan.security_location, query, headers, jar)
            if problem is not None:
                problems.append(problem)
        if plan.body is not None:
            self._check_body(route.spec, plan.body, record, headers, known, secrets, problems)
        return problems

    def plan(self, route: Route) -> RequestPlan:
        """What the route's operation declares of its requests: made on first use, then kept."""
        key = id(route.operation)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._make_plan(route)
        return plan

    # -- parameters ----------------------------------------------------------------------------------

    def _check_parameter(
        self,
        route: Route,
        param: _Parameter,
        query: dict[str, list[str]],
        headers: dict[str, str],
        jar: dict[str, str],
        problems: list[Problem],
    ) -> None:
        shape = param.shape
        location = shape.location
        text: str | None
        if location == "query":
            instance = query_value(shape, query)
            if instance is UNKNOWN:
                return
            raw = query.get(shape.name)
            text = raw[-1] if raw else None
        else:
            if location == "path":
                text = route.path_params.get(shape.name)
            elif location == "header":
                text = headers.get(param.key)
            else:
                text = jar.get(param.key)
            instance = MISSING if text is None else text
        if instance is MISSING:
            if param.required:
                message = f"required {location} parameter {shape.name!r} is missing"
                problems.append(Problem(_kind(location), message, param.where))
            return
        if param.validator is None or (text is not None and is_redacted(text)):
            return
        if param.json:
            try:
                instance = orjson.loads(str(text))
            except orjson.JSONDecodeError:
                message = f"{shape.location} parameter {shape.name!r}: its value is not JSON"
                problems.append(Problem(_kind(location), message, param.where))
                return
        elif location != "query":
            instance = simple_value(shape, str(text))
        try:
            if param.validator.is_valid(instance):
                return
            room = max(self.max_errors - len(problems), 1)
            violations = self._validators(route.spec).violations(
                param.document, param.pointer, instance, room, known_invalid=True
            )
        except ConformanceError as exc:
            problems.append(Problem(_kind(location), f"{param.where}: {exc}", param.where))
            return
        for violation in violations:
            # jsonschema's messages quote the value; a credential's value must not be shown.
            detail = (
                f"its value breaks `{violation.keyword}`" if param.secret else violation.message
            )
            problems.append(
                Problem(
                    "not-checked" if violation.unchecked else _kind(shape.location),
                    f"{shape.location} parameter {shape.name!r}: {detail}",
                    place_in(shape, violation.instance_pointer),
                    violation.keyword,
                    _location(violation),
                )
            )
        problems.extend(unlisted(violations, _kind(shape.location), self.max_errors))

    # -- body ------------------------------------------------------------------------------------------

    def _check_body(
        self,
        spec: int,
        body: _Body,
        record: Exchange,
        headers: dict[str, str],
        known: bool,
        secrets: Secrets,
        problems: list[Problem],
    ) -> None:
        value = record.request_body
        if value is None or value == "" or value == b"":
            if body.required:
                message = "the operation requires a request body, but none was recorded"
                problems.append(Problem("request-body", message, "request"))
            return
        content_type = headers.get("content-type", "") if known else ""
        if not content_type:
            if not record.request_body_is_text:
                content_type = "application/json"  # recorded as a JSON value
            elif not known and len(body.content) == 1:
                content_type = next(iter(body.content))  # unknown: the one declared
            elif not known:
                return
        declared = ", ".join(body.content) or "none"
        media_key = media_type_key(body.content, content_type) if content_type else None
        if media_key is None:
            essence = media_essence(content_type)
            got = (
                "no request Content-Type"
                if not content_type
                else f"request Content-Type {essence}"
                if _MEDIA_TYPE.match(essence)
                else "the request Content-Type"
            )
            problems.append(
                Problem("content-type", f"{got} is not declared (declared: {declared})", "request")
            )
            return
        target = body.schemas.get(media_key)
        if target is None:
            return
        if may_be_json(media_key) and record.request_body_is_text:
            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError as exc:
                problems.append(
                    Problem("request-body", f"request body is not JSON ({exc})", "request")
                )
                return
        elif media_essence(media_key) == _FORM:
            if not isinstance(value, str):
                return
            kinds = body.form_kinds.get(media_key, {})
            fields: dict[str, Any] = {}
            for name, text in parse_qsl(value, keep_blank_values=True):
                kind, item_kind = kinds.get(name, ("", ""))
                if kind == "array":  # repeated fields collect; others keep the last
                    fields.setdefault(name, []).append(coerce(text, item_kind))
                else:
                    fields[name] = coerce(text, kind)
            value = fields
        elif record.request_body_is_text:
            return  # multipart, text, binary: nothing more to check than its media type
        self._check_body_schema(spec, target, value, secrets, problems)

    def _check_body_schema(
        self,
        spec: int,
        target: tuple[Document, str],
        value: Any,
        secrets: Secrets,
        problems: list[Problem],
    ) -> None:
        schemas = self._validators(spec)
        document, pointer = target
        refused: ConformanceError | None = None
        try:
            if schemas.is_valid(document, pointer, value):
                return
        except ConformanceError as exc:
            refused = exc
        if nesting_depth(value, self.max_depth) > self.max_depth:
            message = (
                f"request body nests deeper than {self.max_depth} levels: not checked"
                " (raise --max-depth to check it)"
            )
            problems.append(Problem("request-body", message, "request"))
            return
        try:
            if refused is not None:
                raise refused
            room = max(self.max_errors - len(problems), 1)
            violations = schemas.violations(document, pointer, value, room, known_invalid=True)
        except ConformanceError as exc:
            problems.append(Problem("request-body", f"request body: {exc}", "request"))
            return
        # The messages quote the body's values: its credentials are masked in them.
        body_credentials(value, secrets)
        problems.extend(
            Problem(
                "not-checked" if v.unchecked else "request-body",
                v.message,
                "request" + v.instance_pointer,
                v.keyword,
                _location(v),
            )
            for v in violations
        )
        problems.extend(unlisted(violations, "request-body", self.max_errors))

    # -- plans -------------------------------------------------------------------------------------------

    def _validators(self, spec: int) -> SchemaValidators:
        """The spec's validators as a request sees its schemas (readOnly properties left out)."""
        found = self._schemas.get(spec)
        if found is None:
            loaded = self.specs[spec]
            shared = self.conformance[spec].schemas
            # The response's validators serve when neither readOnly nor writeOnly is used.
            if shared.direction is None or not any(
                mentions(doc.data, word)
                for doc in loaded.documents.values()
                for word in ("readOnly", "writeOnly")
            ):
                found = shared
            else:
                found = SchemaValidators(loaded, shared.regex_limit, direction="request")
                found.map_keys = shared.map_keys
            self._schemas[spec] = found
        return found

    def _make_plan(self, route: Route) -> RequestPlan:
        spec, operation = route.spec, route.operation
        loaded = self.specs[spec]
        parameters = []
        for target in operation_parameters(loaded, operation.document, operation.pointer).values():
            param = self._parameter(spec, target.document, target.pointer, target.value)
            if param is not None:
                parameters.append(param)
        locations = {param.shape.location for param in parameters}
        if self.responses_only:
            return RequestPlan(
                tuple(p for p in parameters if p.shape.location in ("path", "query")),
                False,
                False,
                "query" in locations,
                None,
                None,
                "",
            )
        security, location = self._security(spec, operation.document, operation.pointer)
        wheres = {where for alternative in security or () for _, where, _ in alternative}
        body = self._body(spec, operation.document, operation.pointer)
        return RequestPlan(
            tuple(parameters),
            # A body's Content-Type is a header too.
            "header" in locations or bool(wheres & {"header", "authorization"}) or body is not None,
            "cookie" in locations or "cookie" in wheres,
            "query" in locations or "query" in wheres,
            body,
            security,
            location,
        )

    def _parameter(
        self, spec: int, document: Document, pointer: str, param: dict[str, Any]
    ) -> _Parameter | None:
        location = param.get("in")
        name = str(param["name"])
        if location not in ("path", "query", "header", "cookie"):
            return None
        if location == "header" and name.lower() in _IGNORED_HEADERS:
            return None
        loaded = self.specs[spec]
        style, explode = parameter_style(param)
        schema_pointer, json = jp.join(pointer, "schema"), False
        if "schema" not in param:
            content = content_entries(loaded.deref(document, pointer))
            media_type, media = next(iter(content.items()), ("", None))
            if media is None:
                return None
            schema_pointer, json = jp.join(media.pointer, "schema"), is_json(media_type)
            document = media.document
        validator: Any = None
        kinds: tuple[str, str, dict[str, str]] = ("", "", {})
        try:
            value = loaded.deref(document, schema_pointer)
            validator = self._validators(spec).validator(document, schema_pointer)
            kinds = _kinds(loaded, value.document, value.pointer, value.value)
        except (ConformanceError, RefError, LookupError):
            validator = None
        secret = (
            location in ("header", "cookie")
            or is_credential_name(name)
            or name.lower() in self.secret_names
        )
        shape = Shape(location, name, style, explode, *kinds)
        return _Parameter(
            shape, param.get("required") is True, document, schema_pointer, validator, secret, json
        )

    def _body(self, spec: int, document: Document, op_pointer: str) -> _Body | None:
        loaded = self.specs[spec]
        found = request_body(loaded, document, op_pointer)
        if found is None or not isinstance(found.value, dict):
            return None
        content: dict[str, Any] = {}
        schemas: dict[str, tuple[Document, str]] = {}
        form_kinds: dict[str, dict[str, tuple[str, str]]] = {}
        for media, at in content_entries(found).items():
            entry = jp.resolve(at.document.data, at.pointer)
            content[media] = entry
            if not isinstance(entry, dict) or "schema" not in entry:
                continue
            schema_pointer = jp.join(at.pointer, "schema")
            try:
                self._validators(spec).validator(at.document, schema_pointer)
                value = loaded.deref(at.document, schema_pointer)
            except (ConformanceError, RefError):
                continue  # a broken schema checks nothing (validate reports it)
            schemas[media] = (at.document, schema_pointer)
            if media_essence(media) == _FORM:
                form_kinds[media] = _form_kinds(loaded, value.document, value.pointer, value.value)
        return _Body(found.value.get("required") is True, content, schemas, form_kinds)

    def _security(
        self, spec: int, document: Document, op_pointer: str
    ) -> tuple[tuple[tuple[Credential, ...], ...] | None, str]:
        loaded = self.specs[spec]
        alternatives = security_alternatives(loaded, document, op_pointer)
        if alternatives is None:
            return None, ""
        listed = security_in_force(loaded, document, op_pointer)
        location = ""
        if listed is not None:
            line = listed.document.position(listed.pointer).line
            location = f"{display_path(listed.document.path)}:{line}"
        return tuple(
            tuple(credential(name, scheme) for name, scheme in alternative.items())
            for alternative in alternatives
        ), location


def _form_kinds(
    loaded: LoadedSpec, document: Document, pointer: str, schema: Any
) -> dict[str, tuple[str, str]]:
    """(type, item type) of each property of a form's schema, ``$ref``s followed."""
    found: dict[str, tuple[str, str]] = {}
    declared = schema.get("properties") if isinstance(schema, dict) else None
    for name in declared if isinstance(declared, dict) else ():
        try:
            value = loaded.deref(document, jp.join(pointer, "properties", str(name)))
        except RefError:
            continue
        kind, item_kind, _ = _kinds(loaded, value.document, value.pointer, value.value)
        found[str(name)] = (kind, item_kind)
    return found


def _kinds(
    loaded: LoadedSpec, document: Document, pointer: str, schema: Any
) -> tuple[str, str, dict[str, str]]:
    """(type, item type, property types) of a schema, ``$ref``s of its items and properties
    followed: what reading a serialized value back needs, worked out once."""
    kind = schema_kind(schema)
    item_kind = ""
    properties: dict[str, str] = {}
    if not isinstance(schema, dict):
        return kind, item_kind, properties
    if kind == "array" and isinstance(schema.get("items"), dict):
        with contextlib.suppress(RefError):
            item_kind = schema_kind(loaded.deref(document, jp.join(pointer, "items")).value)
    declared = schema.get("properties")
    if isinstance(declared, dict):
        for name in declared:
            try:
                value = loaded.deref(document, jp.join(pointer, "properties", str(name))).value
            except RefError:
                continue
            properties[str(name)] = schema_kind(value)
    if not kind and properties:
        kind = "object"
    return kind, item_kind, properties


def _kind(location: str) -> str:
    """The kind of a parameter's problems: ``parameter`` for path and query, as before."""
    return location if location in ("header", "cookie") else "parameter"


def _location(violation: Violation) -> str:
    return f"{display_path(violation.schema_path)}:{violation.line}"
