"""The intermediate representation: what templates see of a spec, and nothing else.

Everything here is already decided: Python names are valid and unique, type annotations are written
out, and every choice a template makes is an enum member or a boolean, never a string to compare.
Templates only lay these values out; they never look at the raw spec. A field no template and no
renderer reads does not belong here. Operations and schemas keep where they came from (file, JSON
pointer, line) so that a refusal of the generated code can cite the spec.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    """Where an element is written in the spec."""

    file: str
    pointer: str
    line: int


@dataclass(frozen=True)
class ServerVariable:
    """A ``{variable}`` of the server URL, exposed as a keyword argument of the clients."""

    name: str
    py_name: str
    annotation: str
    default: str
    description: str


@dataclass(frozen=True)
class UrlPart:
    """A piece of the server URL: literal text, or the Python name of a server variable."""

    text: str
    is_variable: bool


@dataclass(frozen=True)
class Server:
    """A server of the spec; the first is the clients' default base URL."""

    url: str
    parts: tuple[UrlPart, ...]
    variables: tuple[ServerVariable, ...]


class AuthKind(enum.StrEnum):
    """How a security scheme's credential is sent; templates see it as ``AuthKind`` (Jinja global).

    OAuth 2 and OpenID Connect schemes are ``BEARER``: both end in an access token.
    """

    BEARER = "bearer"
    BASIC = "basic"
    API_KEY_HEADER = "header"
    API_KEY_QUERY = "query"
    API_KEY_COOKIE = "cookie"


@dataclass(frozen=True)
class SecurityScheme:
    """A way to authenticate, exposed as keyword arguments of the clients (``token``, ``api_key``)."""

    name: str
    kind: AuthKind
    #: Header, query or cookie parameter name for API keys; unused otherwise.
    param_name: str
    #: Constructor arguments: one (token or key) or two (username, password for basic).
    arguments: tuple[str, ...]
    description: str


class ParamLocation(enum.StrEnum):
    """Where a parameter goes (its ``in``); templates see it as ``ParamLocation`` (Jinja global)."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


@dataclass(frozen=True)
class Parameter:
    """An operation parameter, as a keyword argument of the operation's method."""

    name: str
    py_name: str
    location: ParamLocation
    required: bool
    annotation: str
    description: str


@dataclass(frozen=True)
class RequestBody:
    """A JSON request body, as the ``body`` argument of the operation's method."""

    annotation: str
    required: bool
    is_model: bool
    description: str


@dataclass(frozen=True)
class Response:
    """A documented response. ``model`` is the class in ``models`` its JSON body parses into."""

    status: str
    description: str
    model: str | None
    #: The model is a ``RootModel``: methods return its ``.root`` (e.g. a list of messages).
    root_model: bool
    #: The Python type a method returns for this response.
    annotation: str

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")


@dataclass(frozen=True)
class Operation:
    #: None when the spec gives none (the method is then named from its HTTP method and path).
    operation_id: str | None
    method_name: str
    http_method: str
    path: str
    #: The path template in pieces: literal text, and Python names of path parameters.
    path_parts: tuple[UrlPart, ...]
    summary: str
    description: str
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    responses: tuple[Response, ...]
    #: Names of the security schemes whose credentials this operation sends.
    security: tuple[str, ...]
    source: Source

    @property
    def name(self) -> str:
        """The operationId, or ``GET /path`` for an operation without one."""
        return self.operation_id or f"{self.http_method} {self.path}"

    @property
    def successes(self) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if r.is_success)

    @property
    def errors(self) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if not r.is_success and r.model is not None)

    @property
    def return_annotation(self) -> str:
        """The union of what the 2xx responses return, in declaration order, without repeats."""
        seen: list[str] = []
        for response in self.successes:
            if response.annotation not in seen:
                seen.append(response.annotation)
        return " | ".join(seen) if seen else "None"


@dataclass(frozen=True)
class NamedSchema:
    """A schema that becomes a model class: a component, or an inline body schema given a name."""

    class_name: str
    schema: Any
    source: Source


@dataclass(frozen=True)
class Api:
    """Everything the templates need to write one client package."""

    name: str
    title: str
    version: str
    description: str
    spec_file: str
    #: The User-Agent header: ASCII token characters only, whatever the spec's version holds.
    user_agent: str
    servers: tuple[Server, ...]
    security_schemes: tuple[SecurityScheme, ...]
    operations: tuple[Operation, ...]
    schemas: tuple[NamedSchema, ...]
    #: The pydantic models module as datamodel-code-generator wrote it (before formatting), in two
    #: parts: its imports, and its classes; specgen's pattern helper goes between them when needed.
    models_imports: str
    models_body: str
    bounded_patterns: bool
