"""The one way around an OpenAPI document: every question a command asks of a raw spec.

Which operations are there (path items may be ``$ref``s), which parameters are in force for one
(path-level ones merged with its own), which response answers a status (exactly, by range,
``default``), what its request body and content entries are, which content entry serves a media
type and whether it is JSON, what the variables of a path template are, which servers and security
requirements apply, which security schemes and component schemas there are, and which members hold
data rather than structure. They are answered here, once, so that `validate`, `generate`, `check`,
`bundle` and `diff` cannot disagree; ``tests/test_architecture.py`` keeps the questions from being
asked anywhere else. What does not resolve is skipped or left as the reference, as each function
says (``validate`` reports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.refs import LoadedSpec, RefError, Target

#: The methods an OpenAPI Path Item may hold, in the order the specification lists them.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: A ``{variable}`` of a path template or server URL.
TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")
#: The member holding security requirements (also the keyword a missing credential breaks).
SECURITY = "security"
#: Members whose value is JSON data, never spec structure: nothing in them is a ``$ref`` or a schema.
LITERAL_KEYWORDS = frozenset({"example", "default", "const", "enum"})

#: Schema keywords whose value is one schema (``items`` is also a list of them in draft 4 tuples).
SUBSCHEMA_KEYWORDS = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
#: Schema keywords whose value is a list of schemas.
SUBSCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
#: Schema keywords whose value maps names to schemas.
SUBSCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)

_STATUS_RANGE = re.compile(r"^[1-5]XX$")


@dataclass(frozen=True)
class PathOperation:
    """An operation where it is written, whether or not it has an operationId."""

    document: Document
    pointer: str
    #: The path template it is listed under (the key of ``paths``).
    path: str
    method: str
    #: The Operation Object itself.
    value: dict[str, Any]

    @property
    def operation_id(self) -> str | None:
        """The operationId, when it is a non-empty string (anything else names nothing)."""
        found = self.value.get("operationId")
        return found if isinstance(found, str) and found else None


@dataclass(frozen=True)
class Operation:
    """An operation, with or without an operationId: what clients, checks and conformance speak of.

    operationId is optional in OpenAPI: :attr:`name` is the one to show and look an operation up
    by, and :attr:`key` the one to index by (unique within a spec, whatever the operationIds).
    """

    operation_id: str | None
    document: Document
    pointer: str
    path: str
    method: str

    @property
    def label(self) -> str:
        """``GET /jobs/{id}``: the method and path template, which every operation has."""
        return f"{self.method.upper()} {self.path}"

    @property
    def name(self) -> str:
        """The operationId, or :attr:`label` for an operation without one."""
        return self.operation_id if self.operation_id is not None else self.label

    @property
    def key(self) -> tuple[str, str]:
        """(method, path template): unique within a spec, since ``paths`` has each template once."""
        return self.method, self.path


def path_items(spec: LoadedSpec) -> list[tuple[str, Target]]:
    """Every path item of the spec with its path template, in file order, ``$ref``s followed."""
    found: list[tuple[str, Target]] = []
    paths = spec.data.get("paths")
    if not isinstance(paths, dict):
        return found
    for path in paths:
        try:
            item = spec.deref(spec.root, jp.join("/paths", path))
        except RefError:
            continue
        if isinstance(item.value, dict):
            found.append((path, item))
    return found


def path_operations(spec: LoadedSpec) -> list[PathOperation]:
    """Every operation of the spec, in file order (path order, then :data:`HTTP_METHODS` order)."""
    found: list[PathOperation] = []
    for path, item in path_items(spec):
        for method in HTTP_METHODS:
            operation = item.value.get(method)
            if isinstance(operation, dict):
                pointer = jp.join(item.pointer, method)
                found.append(PathOperation(item.document, pointer, path, method, operation))
    return found


def operations(spec: LoadedSpec) -> list[Operation]:
    """Every operation, with or without an operationId, in file order."""
    return [
        Operation(op.operation_id, op.document, op.pointer, op.path, op.method)
        for op in path_operations(spec)
    ]


def operation_parameters(
    spec: LoadedSpec, document: Document, op_pointer: str
) -> dict[tuple[str, str], Target]:
    """The parameters in force for an operation, by (in, name); operation-level ones win."""
    params: dict[tuple[str, str], Target] = {}
    for pointer in (
        jp.join(jp.parent(op_pointer), "parameters"),
        jp.join(op_pointer, "parameters"),
    ):
        try:
            listed = jp.resolve(document.data, pointer)
        except LookupError:
            continue
        if not isinstance(listed, list):
            continue
        for index in range(len(listed)):
            try:
                param = spec.deref(document, f"{pointer}/{index}")
            except RefError:
                continue
            value = param.value
            if isinstance(value, dict) and isinstance(value.get("name"), str):
                params[(str(value.get("in")), value["name"])] = param
    return params


def effective_servers(spec: LoadedSpec) -> list[dict[str, Any]]:
    """The Server Objects requests go to: the root's, or the one OpenAPI implies when none is
    listed (``url: /``); entries that are not objects are left out."""
    if not spec.data.get("servers"):
        return [{"url": "/"}]
    return [at.value for at in servers(spec)]


def response_headers(spec: LoadedSpec, document: Document, response_pointer: str) -> dict[str, Any]:
    """The Header Objects a response declares, by name as written; ``$ref``s are followed and
    those that do not resolve are left out."""
    response = jp.resolve(document.data, response_pointer)
    declared = response.get("headers") if isinstance(response, dict) else None
    found: dict[str, Any] = {}
    for name in declared if isinstance(declared, dict) else ():
        try:
            found[name] = spec.deref(document, jp.join(response_pointer, "headers", name)).value
        except RefError:
            continue
    return found


def response_key(responses: dict[str, Any], status: str) -> str | None:
    """The key of ``responses`` that answers ``status``: exact, then its range (``4XX``), then
    ``default``."""
    if status in responses:
        return status
    if status.isdigit():
        ranged = f"{status[0]}XX"
        for key in responses:
            if key.upper() == ranged and _STATUS_RANGE.match(key.upper()):
                return key
    return "default" if "default" in responses else None


def status_codes(status_key: str) -> tuple[int, int] | None:
    """The HTTP statuses a key of ``responses`` covers, as a half-open range: ``200`` is (200, 201)
    and ``2XX`` (200, 300); None for ``default``, which covers whatever no other key does."""
    if status_key.isdigit():
        return int(status_key), int(status_key) + 1
    if len(status_key) == 3 and status_key[0].isdigit() and status_key[1:].upper() == "XX":
        low = int(status_key[0]) * 100
        return low, low + 100
    return None


class NoResponse(LookupError):
    """An operation declares no response for a status, nor a range or ``default`` covering it."""

    def __init__(self, status: str, declared: tuple[str, ...] | None) -> None:
        super().__init__(status)
        #: The statuses it does declare; None when its ``responses`` is missing or not an object.
        self.declared = declared


def declared_status(document: Document, op_pointer: str, status: str) -> str:
    """The key of an operation's ``responses`` that answers ``status`` (see :func:`response_key`).

    Raises :class:`NoResponse` when none does.
    """
    listed = _value_at(document, jp.join(op_pointer, "responses"))
    if not isinstance(listed, dict):
        raise NoResponse(status, None)
    key = response_key(listed, status)
    if key is None:
        raise NoResponse(status, tuple(listed))
    return key


def response(spec: LoadedSpec, document: Document, op_pointer: str, status_key: str) -> Target:
    """The Response Object an operation declares under ``status_key``, ``$ref`` followed (raises
    :class:`RefError` when it does not resolve)."""
    return spec.deref(document, jp.join(op_pointer, "responses", status_key))


def media_essence(media_type: str) -> str:
    """A media type without parameters, lower-cased: ``application/json; charset=utf-8`` is
    ``application/json``."""
    return media_type.split(";", 1)[0].strip().lower()


def media_type_key(content: dict[str, Any], media_type: str) -> str | None:
    """The key of ``content`` that serves ``media_type``: exact, then ``type/*``, then ``*/*``."""
    wanted = media_essence(media_type)
    by_essence = {media_essence(key): key for key in content}
    for candidate in (wanted, wanted.split("/", 1)[0] + "/*", "*/*"):
        if candidate in by_essence:
            return by_essence[candidate]
    return None


def is_json(media_type: str) -> bool:
    """Whether the media type declares JSON: ``application/json`` or any ``+json`` type."""
    essence = media_essence(media_type)
    return essence == "application/json" or essence.endswith("+json")


def may_be_json(media_type: str) -> bool:
    """Whether a body of this declared type may be JSON: :func:`is_json`, or ``*/*``.

    Reading a body (generating its model, checking a recording) takes ``*/*`` as JSON; asking
    a spec to declare a JSON schema (``validate``) does not, since ``*/*`` is as often a file.
    """
    return is_json(media_type) or media_essence(media_type) == "*/*"


def template_variables(template: str) -> list[str]:
    """The variable names of a path template or server URL, in order (``/a/{b}/{c}``: b, c)."""
    return TEMPLATE_VARIABLE.findall(template)


def template_shape(template: str) -> str:
    """The template with its variables unnamed: ``/jobs/{id}`` and ``/jobs/{jobId}`` are one path."""
    return TEMPLATE_VARIABLE.sub("{}", template)


def is_extension(key: object) -> bool:
    """Whether a member is a specification extension (``x-...``): data for tools, not structure."""
    return str(key).startswith("x-")


def holds_data(pointer: str, key: str, value: Any, *, in_schema: bool = False) -> bool:
    """Whether member ``key`` of the object at ``pointer`` holds JSON data rather than spec structure.

    Data is an ``example``, ``default``, ``const`` or ``enum``; a Schema's ``examples`` (values,
    unlike the named Example Objects ``examples`` maps to elsewhere); and the ``value`` of an
    Example Object. Nothing inside data is a ``$ref``, a schema or an example to check.
    """
    if key in LITERAL_KEYWORDS:
        return True
    if key == "examples":
        return in_schema or not isinstance(value, dict)
    return not in_schema and key == "value" and jp.parent(pointer).endswith("/examples")


# --- Responses, bodies, content, servers, security and components

#: How many ``$ref`` hops :func:`_follow_refs` takes before taking them for a loop (as ``refs.py`` does).
_FOLLOW_HOPS = 64


def responses(spec: LoadedSpec, document: Document, op_pointer: str) -> dict[str, Target]:
    """An operation's responses by status as written (``200``, ``4XX``, ``default``), in file order.

    Each is the Response Object, ``$ref``s followed. A ``$ref`` that cannot be followed leaves the
    reference itself: the response is still listed (``validate`` reports the reference).
    """
    pointer = jp.join(op_pointer, "responses")
    return {
        status: _follow_refs(spec, document, jp.join(pointer, status))
        for status in _member_names(document, pointer)
    }


def request_body(spec: LoadedSpec, document: Document, op_pointer: str) -> Target | None:
    """An operation's Request Body Object, ``$ref`` followed (one that cannot be followed leaves
    the reference itself, as :func:`responses` does); None when it declares no body."""
    pointer = jp.join(op_pointer, "requestBody")
    if _value_at(document, pointer) is None:
        return None
    return _follow_refs(spec, document, pointer)


def content_entries(at: Target) -> dict[str, Target]:
    """The ``content`` of a request body, response, parameter or header at ``at``, by media type
    as written, in file order: each entry is a Media Type Object (which is never a ``$ref``)."""
    pointer = jp.join(at.pointer, "content")
    return {
        media: Target(at.document, jp.join(pointer, media))
        for media in _member_names(at.document, pointer)
    }


def servers(spec: LoadedSpec, document: Document | None = None, pointer: str = "") -> list[Target]:
    """The Server Objects the root (by default), a Path Item or an operation lists, in order.

    Only objects are listed; none at all is an empty list (for the root, OpenAPI then means a
    single server ``/``, which is the caller's to assume).
    """
    document = spec.root if document is None else document
    listed = _value_at(document, jp.join(pointer, "servers"))
    if not isinstance(listed, list):
        return []
    return [
        Target(document, jp.join(pointer, "servers", index))
        for index, server in enumerate(listed)
        if isinstance(server, dict)
    ]


def all_servers(spec: LoadedSpec) -> list[Target]:
    """Every Server Object of the spec, in the places OpenAPI allows them: the root's, then each
    Path Item's (``$ref``s followed), then each operation's."""
    found = servers(spec)
    for _, item in path_items(spec):
        found += servers(spec, item.document, item.pointer)
    for operation in path_operations(spec):
        found += servers(spec, operation.document, operation.pointer)
    return found


def security(
    spec: LoadedSpec, document: Document | None = None, pointer: str = ""
) -> Target | None:
    """The ``security`` list the root (by default) or an operation declares; None when it declares
    none (an operation then inherits the root's: see :func:`security_in_force`)."""
    document = spec.root if document is None else document
    at = Target(document, jp.join(pointer, SECURITY))
    return at if isinstance(_value_at(document, at.pointer), list) else None


def security_in_force(spec: LoadedSpec, document: Document, op_pointer: str) -> Target | None:
    """The ``security`` list that applies to an operation: its own, else the root's; None when
    neither declares one (anyone may call it)."""
    own = security(spec, document, op_pointer)
    return own if own is not None else security(spec)


def security_lists(spec: LoadedSpec) -> list[Target]:
    """Every ``security`` list the spec declares: the root's, then each operation's own."""
    found = [security(spec)]
    found += [security(spec, op.document, op.pointer) for op in path_operations(spec)]
    return [listed for listed in found if listed is not None]


def security_requirements(listed: Target) -> list[Target]:
    """The Security Requirement Objects of a ``security`` list, in order: each maps the names of
    schemes to use together to the scopes they need. An empty one (``{}``) allows anonymous calls."""
    requirements = _value_at(listed.document, listed.pointer)
    if not isinstance(requirements, list):
        return []
    return [
        Target(listed.document, jp.join(listed.pointer, index))
        for index, requirement in enumerate(requirements)
        if isinstance(requirement, dict)
    ]


def security_alternatives(
    spec: LoadedSpec, document: Document, op_pointer: str
) -> list[dict[str, Any]] | None:
    """The ways an operation accepts credentials: each alternative maps the names of the schemes
    to send together to their Security Scheme Objects (``$ref`` followed; None for a name the spec
    does not declare, or one that does not resolve).

    None when a call needs none: no ``security`` is in force, it is an empty list, or one
    alternative is empty (``{}`` makes credentials optional).
    """
    listed = security_in_force(spec, document, op_pointer)
    if listed is None:
        return None
    schemes = security_schemes(spec)
    alternatives: list[dict[str, Any]] = []
    for requirement in security_requirements(listed):
        names = _value_at(requirement.document, requirement.pointer)
        if not names:
            return None
        alternatives.append({str(name): _scheme_value(schemes.get(str(name))) for name in names})
    return alternatives or None


def _scheme_value(at: Target | None) -> dict[str, Any] | None:
    if at is None:
        return None
    value = _value_at(at.document, at.pointer)
    return value if isinstance(value, dict) and "$ref" not in value else None


def parameter_style(parameter: dict[str, Any]) -> tuple[str, bool]:
    """(style, explode) of a Parameter Object, with OpenAPI's defaults: ``form`` for query and
    cookie parameters, ``simple`` for path and header ones; explode is true for ``form`` only."""
    where = parameter.get("in")
    default = "form" if where in ("query", "cookie") else "simple"
    style = parameter.get("style")
    style = style if isinstance(style, str) else default
    explode = parameter.get("explode")
    return style, explode if isinstance(explode, bool) else style == "form"


def security_schemes(spec: LoadedSpec) -> dict[str, Target]:
    """The security schemes of ``components`` by name, in file order, ``$ref``s followed (one that
    cannot be followed leaves the reference itself)."""
    pointer = "/components/securitySchemes"
    return {
        name: _follow_refs(spec, spec.root, jp.join(pointer, name))
        for name in _member_names(spec.root, pointer)
    }


def component_schemas(spec: LoadedSpec) -> dict[str, Target]:
    """The schemas of the root's ``components`` by name, in file order, as written: a component
    that is a ``$ref`` is listed as itself, not its target, so that it keeps its own name."""
    pointer = "/components/schemas"
    return {
        name: Target(spec.root, jp.join(pointer, name))
        for name in _member_names(spec.root, pointer)
    }


def operation_id_at(operation: PathOperation) -> Target | None:
    """Where an operation's operationId is written, whatever its value; None when it has none.

    :attr:`PathOperation.operation_id` is the id to use; this is the place to point at, and its
    value as written, for the commands that report a wrong one (``validate``) or a changed one
    (``diff``, which tells ``5`` from ``"5"``).
    """
    if "operationId" not in operation.value:
        return None
    return Target(operation.document, jp.join(operation.pointer, "operationId"))


# --- Reading places leniently (for the functions above)


def _value_at(document: Document, pointer: str) -> Any:
    """The value at ``pointer``, or None when there is none."""
    try:
        return jp.resolve(document.data, pointer)
    except LookupError:
        return None


def _member_names(document: Document, pointer: str) -> list[str]:
    """The member names of the object at ``pointer``; none when it is missing or not an object."""
    found = _value_at(document, pointer)
    return [str(name) for name in found] if isinstance(found, dict) else []


def _follow_refs(spec: LoadedSpec, document: Document, pointer: str) -> Target:
    """Follow ``$ref``s from ``pointer`` as far as they go: a ``$ref`` that cannot be followed, or a
    loop, stops at the last place reached instead of failing."""
    at = Target(document, pointer)
    for _ in range(_FOLLOW_HOPS):
        value = _value_at(at.document, at.pointer)
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            break
        try:
            at = spec.resolve(at.document, value["$ref"])
        except RefError:
            break
    return at
