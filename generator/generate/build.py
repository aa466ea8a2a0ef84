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
from collections.abc import Callable, Mapping
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
from generator.generate.naming import Scope, identifier
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
from generator.spec.refs import LoadedSpec, RefError, Target

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
_SCALAR_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_FORMAT_TYPES = {"uuid": "uuid.UUID", "date-time": "datetime.datetime", "date": "datetime.date"}
#: How deep a parameter's schema is followed for its type (arrays of unions of arrays...).
_MAX_TYPE_DEPTH = 8


def build_api(spec: LoadedSpec, schemas: ClientSchemas, models: ModelsModule) -> Api:
    """The complete description of one client package for ``spec``.

    ``schemas`` are the spec's collected schemas and ``models`` the module generated from them.
    """
    info = spec.data.get("info", {})
    module_scope = Scope(_CLIENT_ARGUMENTS)
    schemes = _security_schemes(spec, module_scope)
    return Api(
        name=identifier(spec.name),
        title=_text(info.get("title")) or spec.name,
        version=_text(info.get("version")),
        description=_text(info.get("description")),
        spec_file=spec.root.path.name,
        user_agent=user_agent(identifier(spec.name), _text(info.get("version"))),
        servers=_servers(spec, module_scope),
        security_schemes=schemes,
        operations=_operations(spec, schemas.bodies, models, schemes),
        schemas=schemas.definitions,
        models_imports=models.imports,
        models_body=models.body,
        bounded_patterns=models.bounded_patterns,
    )


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
    """Split a URL or path template into literal text and the Python names of its variables."""
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
    bodies: Mapping[BodyKey, tuple[str, str]],
    models: ModelsModule,
    schemes: tuple[SecurityScheme, ...],
) -> tuple[Operation, ...]:
    method_scope = Scope(_RESERVED_METHODS)
    known_schemes = {scheme.name for scheme in schemes}
    result = []
    for op in operations(spec):
        operation = jp.resolve(op.document.data, op.pointer)
        parameters, body = _signature(
            spec, op.document, op.pointer, bodies.get((op.operation_id, "request")), models
        )
        answers = documented_responses(spec, op)
        # An operation's own `security` replaces the root's; the client sends every scheme named.
        in_force = security_in_force(spec, op.document, op.pointer)
        requirements = [] if in_force is None else security_requirements(in_force)
        security = sorted(
            {name for requirement in requirements for name in requirement.value} & known_schemes
        )
        result.append(
            Operation(
                operation_id=op.operation_id,
                method_name=method_scope.claim(_unreserved(op.operation_id, _RESERVED_METHODS)),
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
                responses=_op_responses(answers, op.operation_id, bodies, models),
                security=tuple(security),
                source=source(op.document, op.pointer),
                accept=wire.accept({status: choose_media(at) for status, at in answers}),
            )
        )
    return tuple(result)


def _signature(
    spec: LoadedSpec,
    document: Document,
    op_pointer: str,
    body_model: tuple[str, str] | None,
    models: ModelsModule,
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
        schema = _param_schema(spec, Target(param_document, param_pointer))
        parameters.append(
            Parameter(
                name=param["name"],
                py_name=scope.claim(identifier(param["name"])),
                location=location,
                required=param.get("required") is True,
                annotation=_param_type(schema, _resolver(spec, param_document)),
                description=_text(param.get("description")),
                style=style,
                explode=explode,
            )
        )
    return tuple(parameters), body


def _param_schema(spec: LoadedSpec, at: Target) -> dict[str, Any]:
    """The schema of the Parameter Object at ``at``, ``$ref`` followed: its ``schema``, or that of
    the media type of its ``content`` (``{}`` when it has neither)."""
    param = at.value
    where: Target | None = None
    if isinstance(param, dict) and "schema" in param:
        where = Target(at.document, jp.join(at.pointer, "schema"))
    else:
        chosen = choose_media(at)
        where = None if chosen is None else chosen.schema
    if where is None:
        return {}
    try:
        schema = spec.deref(where.document, where.pointer).value
    except RefError:
        return {}
    return schema if isinstance(schema, dict) else {}


def _resolver(spec: LoadedSpec, document: Document) -> Callable[[Any], dict[str, Any]]:
    """Follows a ``$ref`` schema written in ``document`` to what it names (``{}`` if it cannot)."""

    def resolve(node: Any) -> dict[str, Any]:
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                node = spec.resolve(document, node["$ref"]).value
            except RefError:
                return {}
        return node if isinstance(node, dict) else {}

    return resolve


def _param_type(
    schema: dict[str, Any], resolve: Callable[[Any], dict[str, Any]], depth: int = 0
) -> str:
    """The annotation of a parameter's schema: a scalar, a ``Literal`` of its enum, a list, an
    object (``dict[str, Any]``), or the union of the types of ``oneOf``/``anyOf`` branches or of a
    list of types."""
    schema = resolve(schema)
    if depth > _MAX_TYPE_DEPTH:
        return "Any"
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if len(kinds) > 1:
            return _union([_param_type({**schema, "type": k}, resolve, depth + 1) for k in kinds])
        kind = kinds[0] if kinds else "string"
    enum = schema.get("enum")
    if (
        isinstance(enum, list)
        and enum
        and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in enum)
    ):
        return "Literal[" + ", ".join(repr(v) for v in enum) + "]"
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword)
        if kind is None and isinstance(branches, list) and branches:
            types = [
                _param_type(branch, resolve, depth + 1)
                for branch in branches
                if resolve(branch).get("type") != "null"
            ]
            return _union(types) if types else "str"
    parts = schema.get("allOf")
    if kind is None and isinstance(parts, list) and len(parts) == 1:
        return _param_type(parts[0], resolve, depth + 1)
    if kind == "array":
        items = schema.get("items")
        return f"list[{_param_type(items if isinstance(items, dict) else {}, resolve, depth + 1)}]"
    if kind == "object" or (kind is None and ("properties" in schema or "allOf" in schema)):
        return "dict[str, Any]"
    if kind == "string" and schema.get("format") in _FORMAT_TYPES:
        return _FORMAT_TYPES[schema["format"]]
    return _SCALAR_TYPES.get(str(kind), "str")


def _union(types: list[str]) -> str:
    """``a | b`` of ``types`` in order, without repeats."""
    unique: list[str] = []
    for annotation in types:
        for member in annotation.split(" | "):
            if member not in unique:
                unique.append(member)
    return " | ".join(unique)


def _op_responses(
    answers: list[tuple[str, Target]],
    operation_id: str,
    bodies: Mapping[BodyKey, tuple[str, str]],
    models: ModelsModule,
) -> tuple[Response, ...]:
    result = []
    for status, at in answers:
        description = _text(at.value.get("description")) if isinstance(at.value, dict) else ""
        named = bodies.get((operation_id, status))
        result.append(
            wire.response(status, description, at, None if named is None else named[0], models)
        )
    return tuple(result)
