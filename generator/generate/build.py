"""From a validated spec to the intermediate representation the templates render.

All decisions about generated code are made here, in Python: names (through
:mod:`generator.generate.naming`), types of parameters, which model each response parses into, how
credentials are sent. The templates then only lay the result out. Models are not made here: the
models stage (:mod:`generator.generate.datamodels`) runs before, and this module only reads what it
describes (the models module's source, which classes are root models); see
:mod:`generator.generate.pipeline`.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from generator.generate import bodies as wire
from generator.generate.datamodels import ModelsModule
from generator.generate.ir import (
    Api,
    AuthKind,
    Operation,
    Parameter,
    ParamLocation,
    RequestBody,
    Response,
    SecurityScheme,
    Server,
    ServerVariable,
    UrlPart,
)
from generator.generate.naming import ClassNames, Scope, class_name, identifier
from generator.generate.params import ParamTypes
from generator.generate.schemas import BodyKey, ClientSchemas, documented_responses, source
from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.media import choose_media, parameter_style
from generator.spec.navigator import (
    TEMPLATE_VARIABLE,
    effective_servers,
    operation_parameters,
    operations,
    request_body,
    security_in_force,
    security_requirements,
    security_schemes,
)
from generator.spec.navigator import Operation as NavigatedOperation
from generator.spec.refs import LoadedSpec, Target

#: Characters of an HTTP token (RFC 9110) besides letters and digits, which ``quote`` keeps anyway.
_TOKEN_CHARACTERS = "!#$&'*+-.^_`|~"
#: Constructor arguments every client has; server variables and credentials must not take them.
_CLIENT_ARGUMENTS = frozenset(
    {"self", "base_url", "timeout", "transport", "http_client", "headers", "follow_redirects"}
    # What the constructor's body calls: a server variable named `str` would hide it.
    | {"str", "base64", "pair", "httpx"}
)
#: Names a method may not take: what the client classes define, and every builtin, because a
#: method named `list` or `str` hides that type from the annotations of the methods after it.
_RESERVED_METHODS = frozenset(
    {"close", "aclose", "base_url", *(name for name in dir(builtins) if not name.startswith("_"))}
)
#: Header parameters OpenAPI says to ignore: httpx and the auth settings own them.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
#: Class names the errors module defines besides one error class per operation.
_ERRORS_NAMES = frozenset(
    {"ApiError", "ResponseValidationError", *(name for name in dir(builtins) if name[:1].isupper())}
)
#: What a generated package imports besides the standard library, as pip specifiers; the same
#: bounds as specgen's own dependencies (a test keeps them equal). ``regex`` only where a model
#: checks a pattern with it.
RUNTIME_REQUIREMENTS = {
    "httpx": "httpx>=0.27,<1",
    "pydantic": "pydantic>=2.7,<3",
    "regex": "regex>=2024.4",
}
#: A title that already names the API ("Anon API (jobs)", "Payments APIs").
_SAYS_API = re.compile(r"\bAPIs?\b", re.IGNORECASE)


def build_api(spec: LoadedSpec, schemas: ClientSchemas, models: ModelsModule) -> Api:
    """The complete description of one client package for ``spec``.

    ``schemas`` are the spec's collected schemas and ``models`` the module generated from them.
    """
    info = spec.data.get("info", {})
    module_scope = Scope(_CLIENT_ARGUMENTS)
    schemes = _security_schemes(spec, module_scope)
    title = _text(info.get("title")) or spec.name
    return Api(
        name=identifier(spec.name),
        title=title,
        api_name=api_name(title),
        version=_text(info.get("version")),
        description=_text(info.get("description")),
        spec_file=spec.root.path.name,
        user_agent=user_agent(identifier(spec.name), _text(info.get("version"))),
        servers=_servers(spec, module_scope),
        security_schemes=schemes,
        operations=_operations(spec, schemas, models, schemes),
        schemas=schemas.definitions,
        models_imports=models.imports,
        models_body=models.body,
        bounded_patterns=models.bounded_patterns,
        requirements=requirements(models.bounded_patterns),
        discriminated_unions=models.discriminated_unions,
    )


def api_name(title: str) -> str:
    """How docstrings name the API: ``Jobs`` -> ``Jobs API``; ``Anon API (jobs)`` stays as it is."""
    return title if _SAYS_API.search(title) else f"{title} API"


def requirements(bounded_patterns: bool) -> tuple[str, ...]:
    """The pip specifiers a generated package needs: httpx and pydantic, regex for its patterns."""
    needed = ["httpx", "pydantic", *(["regex"] if bounded_patterns else [])]
    return tuple(RUNTIME_REQUIREMENTS[name] for name in needed)


def user_agent(package: str, version: str) -> str:
    """``specgen-<package>/<version>``, the version percent-encoded to an HTTP token.

    httpx sends header values as ASCII, and a space or control character would change the header's
    meaning, so anything but a token character is encoded.
    """
    return f"specgen-{package}/{quote(version, safe=_TOKEN_CHARACTERS) or '0'}"


def _unreserved(name: str, reserved: frozenset[str]) -> str:
    """The identifier for ``name``, with a trailing underscore when it is reserved (``list_``)."""
    result = identifier(name)
    return result + "_" if result in reserved else result


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# -- servers and security ------------------------------------------------------------------------------


def _servers(spec: LoadedSpec, scope: Scope) -> tuple[Server, ...]:
    result = []
    for index, server in enumerate(effective_servers(spec)):
        url = _text(server.get("url")) or "/"
        declared = server.get("variables") or {}
        variables: dict[str, ServerVariable] = {}
        for name, variable in declared.items():
            # Only the first server's variables become constructor arguments.
            py_name = (
                scope.claim(_unreserved(name, _CLIENT_ARGUMENTS))
                if index == 0
                else identifier(name)
            )
            enum = variable.get("enum")
            annotation = (
                "Literal[" + ", ".join(repr(str(v)) for v in enum) + "]"
                if isinstance(enum, list) and enum
                else "str"
            )
            variables[name] = ServerVariable(
                name,
                py_name,
                annotation,
                str(variable.get("default", "")),
                _text(variable.get("description")),
            )
        parts = _url_parts(url, {name: v.py_name for name, v in variables.items()})
        result.append(Server(url, parts, tuple(variables.values())))
    return tuple(result)


def _url_parts(template: str, names: dict[str, str]) -> tuple[UrlPart, ...]:
    """Split a URL or path template into literal text and the Python names of its variables.

    Literal text is kept as written: a ``?`` or ``#`` in a path template is what real specs use to
    tell apart operations on one URL (AWS' ``/#X-Amz-Target=...``, S3's ``/{Bucket}?uploads``), and
    reaches httpx as the query or fragment it means.
    """
    parts: list[UrlPart] = []
    position = 0
    for match in TEMPLATE_VARIABLE.finditer(template):
        if match.start() > position:
            parts.append(UrlPart(template[position : match.start()], False))
        name = names.get(match.group(1))
        parts.append(UrlPart(name, True) if name else UrlPart(match.group(0), False))
        position = match.end()
    if position < len(template):
        parts.append(UrlPart(template[position:], False))
    return tuple(parts)


def _security_schemes(spec: LoadedSpec, scope: Scope) -> tuple[SecurityScheme, ...]:
    schemes: list[SecurityScheme] = []
    kinds_seen: dict[AuthKind, int] = {}
    resolved: list[tuple[str, AuthKind, dict[str, Any]]] = []
    for name, target in security_schemes(spec).items():
        scheme = target.value
        kind = _auth_kind(scheme)
        if kind is not None:
            resolved.append((name, kind, scheme))
            kinds_seen[kind] = kinds_seen.get(kind, 0) + 1
    for name, kind, scheme in resolved:
        # One scheme of a kind gets the plain argument name; several are told apart by their names.
        prefix = identifier(name) + "_" if kinds_seen[kind] > 1 else ""
        arguments: tuple[str, ...]
        if kind is AuthKind.BASIC:
            arguments = (scope.claim(prefix + "username"), scope.claim(prefix + "password"))
        elif kind is AuthKind.BEARER:
            arguments = (scope.claim(prefix + "token"),)
        else:
            arguments = (scope.claim(prefix + "api_key"),)
        schemes.append(
            SecurityScheme(
                name, kind, str(scheme.get("name", "")), arguments, _text(scheme.get("description"))
            )
        )
    return tuple(schemes)


def _auth_kind(scheme: dict[str, Any]) -> AuthKind | None:
    kind = scheme.get("type")
    if kind == "http":
        http_scheme = str(scheme.get("scheme", "")).lower()
        return {"bearer": AuthKind.BEARER, "basic": AuthKind.BASIC}.get(http_scheme)
    if kind == "apiKey":
        return {
            "header": AuthKind.API_KEY_HEADER,
            "query": AuthKind.API_KEY_QUERY,
            "cookie": AuthKind.API_KEY_COOKIE,
        }.get(str(scheme.get("in")))
    if kind in ("oauth2", "openIdConnect"):
        return AuthKind.BEARER  # both end in an access token sent as a bearer token
    return None


# -- operations ------------------------------------------------------------------------------------------


def _operations(
    spec: LoadedSpec,
    schemas: ClientSchemas,
    models: ModelsModule,
    schemes: tuple[SecurityScheme, ...],
) -> tuple[Operation, ...]:
    bodies = schemas.bodies
    error_names = ClassNames(_ERRORS_NAMES)
    param_types = ParamTypes(spec, schemas, models)
    known_schemes = {scheme.name for scheme in schemes}
    found = operations(spec)
    names = method_names(found)
    result = []
    for op in found:
        operation = jp.resolve(op.document.data, op.pointer)
        parameters, body = _signature(
            spec,
            op.document,
            op.pointer,
            bodies.get((*op.key, "request")),
            models,
            param_types,
        )
        answers = documented_responses(spec, op)
        # An operation's own `security` replaces the root's; the client sends every scheme named.
        in_force = security_in_force(spec, op.document, op.pointer)
        requirements = [] if in_force is None else security_requirements(in_force)
        security = sorted(
            {name for requirement in requirements for name in requirement.value} & known_schemes
        )
        method_name = names[op.key]
        responses = _op_responses(answers, op.key, bodies, models)
        declares_errors = any(not r.is_success and r.model is not None for r in responses)
        result.append(
            Operation(
                operation_id=op.operation_id,
                method_name=method_name,
                http_method=op.method.upper(),
                path=op.path,
                path_parts=_url_parts(
                    op.path,
                    {p.name: p.py_name for p in parameters if p.location is ParamLocation.PATH},
                ),
                summary=_text(operation.get("summary")),
                description=_text(operation.get("description")),
                deprecated=operation.get("deprecated") is True,
                parameters=parameters,
                body=body,
                responses=responses,
                security=tuple(security),
                source=source(op.document, op.pointer),
                # `get_job` raises `GetJobError`, an `ApiError` typed by the models it declares.
                error_class=_error_class(error_names, method_name) if declares_errors else None,
                accept=wire.accept({status: choose_media(at) for status, at in answers}),
            )
        )
    return tuple(result)


def method_names(found: list[NavigatedOperation]) -> dict[tuple[str, str], str]:
    """The method name of each operation, by its key.

    An operation with an operationId is named after it (``getJobById``: ``get_job_by_id``); one
    without is named after its HTTP method and the words of its path template, variables included
    (``GET /users/{id}/repos``: ``get_users_id_repos``). Operations with an operationId claim their
    names first, so adding an operation without one never renames another; a name already taken
    gets ``_2``, ``_3``... in file order.
    """
    scope = Scope(_RESERVED_METHODS)
    names: dict[tuple[str, str], str] = {}
    for op in [op for op in found if op.operation_id is not None] + [
        op for op in found if op.operation_id is None
    ]:
        wanted = op.operation_id if op.operation_id is not None else f"{op.method} {op.path}"
        names[op.key] = scope.claim(_unreserved(wanted, _RESERVED_METHODS))
    return names


def _signature(
    spec: LoadedSpec,
    document: Document,
    op_pointer: str,
    body_model: tuple[str, str] | None,
    models: ModelsModule,
    param_types: ParamTypes,
) -> tuple[tuple[Parameter, ...], RequestBody | None]:
    scope = Scope({"self"})
    declared = {
        key: (target.document, target.pointer, target.value)
        for key, target in operation_parameters(spec, document, op_pointer).items()
    }
    # Required parameters first (path ones in template order), then optional ones, each in spec order.
    ordered = sorted(declared.values(), key=lambda item: not item[2].get("required", False))
    parameters = []
    body = None
    # Followed through its `$ref`: a shared body says there whether it is required.
    declared_body = request_body(spec, document, op_pointer)
    if declared_body is not None:
        body_spec = declared_body.value if isinstance(declared_body.value, dict) else {}
        body = wire.request_body(
            declared_body,
            None if body_model is None else body_model[0],
            models,
            body_spec.get("required") is True,
            _text(body_spec.get("description")),
        )
        if body is not None:
            scope.claim("body")
    for param_document, param_pointer, param in ordered:
        location = ParamLocation(param["in"])
        if location is ParamLocation.HEADER and param["name"].lower() in _IGNORED_HEADERS:
            continue
        style, explode = wire.param_style(parameter_style(Target(param_document, param_pointer)))
        parameters.append(
            Parameter(
                name=param["name"],
                py_name=scope.claim(identifier(param["name"])),
                location=location,
                required=param.get("required") is True,
                annotation=param_types.annotation(
                    _param_schema(Target(param_document, param_pointer))
                ),
                description=_text(param.get("description")),
                style=style,
                explode=explode,
            )
        )
    return tuple(parameters), body


def _param_schema(at: Target) -> Target | None:
    """Where the schema of the Parameter Object at ``at`` is written: its ``schema``, or that of
    the media type of its ``content`` (None when it has neither)."""
    if isinstance(at.value, dict) and "schema" in at.value:
        return Target(at.document, jp.join(at.pointer, "schema"))
    chosen = choose_media(at)
    return None if chosen is None else chosen.schema


def _error_class(names: ClassNames, method_name: str) -> str:
    """``GetJobError`` for ``get_job``; ``ImportApiError`` where that hides a builtin."""
    base = class_name(method_name)
    return names.claim(base + "Error", base + "ApiError")


def _op_responses(
    answers: list[tuple[str, Target]],
    key: tuple[str, str],
    bodies: Mapping[BodyKey, tuple[str, str]],
    models: ModelsModule,
) -> tuple[Response, ...]:
    result = []
    for status, at in answers:
        description = _text(at.value.get("description")) if isinstance(at.value, dict) else ""
        named = bodies.get((*key, status))
        result.append(
            wire.response(status, description, at, None if named is None else named[0], models)
        )
    return tuple(result)
