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

from generator.spec.media import MediaKind as MediaKind


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


class ParamStyle(enum.StrEnum):
    """How a parameter's value is written (its ``style``); templates see it as ``ParamStyle``.

    The values are OpenAPI's names, which the generated helpers take as they are. ``JSON`` is a
    parameter declared with ``content`` of a JSON media type: its value is sent as JSON text.
    """

    FORM = "form"
    SIMPLE = "simple"
    LABEL = "label"
    MATRIX = "matrix"
    DEEP_OBJECT = "deepObject"
    SPACE_DELIMITED = "spaceDelimited"
    PIPE_DELIMITED = "pipeDelimited"
    JSON = "json"


@dataclass(frozen=True)
class Parameter:
    """An operation parameter, as a keyword argument of the operation's method.

    A parameter whose schema is a component enum (by ``$ref`` or by being the same enum) is
    annotated with that model enum or its values, so ``models.Status.OPEN`` and ``"open"`` both fit.
    """

    name: str
    py_name: str
    location: ParamLocation
    required: bool
    annotation: str
    description: str
    #: How the value is written; the location's default unless the spec says otherwise.
    style: ParamStyle = ParamStyle.FORM
    explode: bool = True

    @property
    def default_style(self) -> bool:
        """Whether the value is written as its location does by default (then helpers are called
        without a style)."""
        if self.location in (ParamLocation.PATH, ParamLocation.HEADER):
            return self.style is ParamStyle.SIMPLE and not self.explode
        return self.style is ParamStyle.FORM and self.explode


@dataclass(frozen=True)
class FormField:
    """How one property of a form body is written (its ``encoding`` entry)."""

    name: str
    style: ParamStyle
    explode: bool


@dataclass(frozen=True)
class RequestBody:
    """A request body, as the ``body`` argument of the operation's method."""

    annotation: str
    required: bool
    description: str
    #: How the body is written: JSON, a form, a multipart form, text or bytes.
    kind: MediaKind = MediaKind.JSON
    #: The ``Content-Type`` sent.
    content_type: str = "application/json"
    #: Other media types the spec lists for the body, which the client does not send.
    other_media_types: tuple[str, ...] = ()
    #: Form properties written otherwise than ``style: form, explode: true``.
    fields: tuple[FormField, ...] = ()

    @property
    def sets_content_type(self) -> bool:
        """Whether the method sends ``content_type`` itself: httpx writes the header of JSON as
        ``application/json`` and of a multipart form (with its boundary) on its own."""
        if self.kind is MediaKind.MULTIPART:
            return False
        return not (self.kind is MediaKind.JSON and self.content_type == "application/json")


@dataclass(frozen=True)
class Response:
    """A documented response. ``model`` is the class in ``models`` its JSON body parses into."""

    status: str
    description: str
    model: str | None
    #: The Python type a method returns for this response.
    annotation: str
    #: The expression a method returns for this response: the body parsed into ``model``, root
    #: models unwrapped (``.root``), down into lists and maps of them (see ``unwrap.py``).
    returned: str = "None"
    #: How the body is read: JSON (into ``model``, or any JSON value), text, bytes, or not at all.
    kind: MediaKind = MediaKind.NONE
    #: The media type read, and the others the spec lists for the response.
    media_type: str = ""
    other_media_types: tuple[str, ...] = ()

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
    #: The ``Accept`` header sent, when a response lists several media types ("": none sent).
    accept: str = ""
    #: The ``ApiError`` subclass (in ``errors``) the method raises, typed by the error models the
    #: operation declares; None when it declares none (it raises ``ApiError[None]``).
    error_class: str | None = None

    @property
    def error_annotation(self) -> str:
        """The union of the error models, the type of ``parsed`` of :attr:`error_class`."""
        seen: list[str] = []
        for response in self.errors:
            if f"models.{response.model}" not in seen:
                seen.append(f"models.{response.model}")
        return " | ".join(seen) if seen else "None"

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
    #: How docstrings name the API: the title, with " API" after it unless it already says API.
    api_name: str
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
    #: Whether a model holds a discriminated union (specgen's `_discriminated` helper is needed).
    discriminated_unions: bool = False
    #: What the generated package needs installed besides the standard library (pip specifiers).
    requirements: tuple[str, ...] = ()

    @property
    def query_key_names(self) -> tuple[str, ...]:
        """Query parameters that carry an API key: the client keeps their values out of URLs it
        shows (exception messages, httpx's log lines). Empty: no redaction code is generated."""
        query = [s.param_name for s in self.security_schemes if s.kind is AuthKind.API_KEY_QUERY]
        return tuple(dict.fromkeys(query))
