"""What a round trip checks: the value a method returned against the response served (key for key),
and the request that reached the transport against the spec (body and parameters).

Each check raises :class:`Failure`, whose ``kind`` is a short class that groups like failures.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pydantic
import pydantic_core

from generator.generate.ir import MediaKind, Operation, ParamLocation
from generator.spec import navigator
from tests.roundtrip.instances import REQUEST, first_error
from tests.roundtrip.wire import (
    read_form,
    read_multipart,
    read_styled,
    scalar,
    split,
    unspelled,
)

#: Where the clients under test send their requests.
BASE_URL = "https://api.example.test/base"
#: The failure class of a key lost where ``additionalProperties`` is absent or true.
LOST_UNTYPED_EXTRA = "fields lost: extra key (additionalProperties absent or true)"


class Failure(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


@dataclass
class Call:
    positional: list[Any] = field(default_factory=list)
    keywords: dict[str, Any] = field(default_factory=dict)
    #: The JSON value of each parameter passed, by (location, name); and the request body.
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    body: Any = None
    body_extras: dict[tuple[str | int, ...], str] = field(default_factory=dict)
    has_body: bool = False
    #: How the body is sent, and the style of each form property (exploded form by default).
    body_kind: MediaKind = MediaKind.JSON
    form_styles: dict[str, tuple[str, bool]] = field(default_factory=dict)
    #: Each parameter's schema (absolute URI), by (location, name).
    parameter_schemas: dict[tuple[str, str], str] = field(default_factory=dict)


# -- checks --------------------------------------------------------------------------------------


def dump(value: Any) -> Any:
    """What a returned value is as JSON: models dumped by alias, unset fields left out, secrets
    (``format: password`` is a ``SecretStr``) as the value they hold: a caller reads it with
    ``get_secret_value()``, so a response's secret is kept, only masked in dumps."""
    if isinstance(value, pydantic.BaseModel):
        return _revealed(value.model_dump(mode="python", by_alias=True, exclude_unset=True))
    if isinstance(value, (list, tuple)):
        return [dump(item) for item in value]
    if isinstance(value, dict):
        return {key: dump(item) for key, item in value.items()}
    return pydantic.TypeAdapter(Any).dump_python(value, mode="json")


def _revealed(value: Any) -> Any:
    if isinstance(value, (pydantic.SecretStr, pydantic.SecretBytes)):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {key: _revealed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_revealed(item) for item in value]
    return pydantic_core.to_jsonable_python(value)


def compare(
    sent: Any, back: Any, extras: dict[tuple[str | int, ...], str], what: str = "response"
) -> None:
    """Raise the worst difference between ``sent`` and what came ``back`` as a Failure: a value
    reshaped or turned null, a declared key lost, a key added, then an extra key lost (``extras``
    says which keys the builder added beyond the declared properties, and how)."""
    found: list[Failure] = []
    _differences(sent, back, (), extras, what, found)
    if found:
        raise worst(found)


def worst(failures: list[Failure]) -> Failure:
    """The failure that says most: lost extra keys only when nothing else went wrong."""
    return min(failures, key=lambda f: _SEVERITY.get(f.kind.removeprefix("request "), 0))


_SEVERITY = {
    "fields lost: extra key (typed additionalProperties)": 2,
    LOST_UNTYPED_EXTRA: 3,
}


def _differences(
    sent: Any,
    back: Any,
    path: tuple[str | int, ...],
    extras: dict[tuple[str | int, ...], str],
    what: str,
    found: list[Failure],
) -> None:
    shown = "/" + "/".join(map(str, path))
    prefix = "" if what == "response" else "request "
    if isinstance(sent, dict):
        if not isinstance(back, dict):
            found.append(Failure(f"{what}: object came back as {type(back).__name__}", shown))
            return
        for key in sent:
            if key in back:
                _differences(sent[key], back[key], (*path, key), extras, what, found)
                continue
            kind = {
                "untyped": LOST_UNTYPED_EXTRA,
                "typed": "fields lost: extra key (typed additionalProperties)",
            }.get(extras.get((*path, key), ""), "fields lost: declared property")
            found.append(Failure(prefix + kind, f"{shown}: {key!r}"))
        added = [key for key in back if key not in sent]
        if added:
            found.append(Failure(f"{what}: fields added", f"{shown}: {added[:3]}"))
    elif isinstance(sent, list):
        if not isinstance(back, list) or len(back) != len(sent):
            found.append(Failure(f"{what}: array came back changed", shown))
            return
        for i, (a, b) in enumerate(zip(sent, back, strict=True)):
            _differences(a, b, (*path, i), extras, what, found)
    elif sent is None and back is not None:
        found.append(Failure(f"{what}: null came back as a value", shown))
    elif sent is not None and back is None:
        found.append(Failure(f"{what}: value came back as null", shown))
    elif _json_kind(sent) != _json_kind(back):
        found.append(
            Failure(f"{what}: value came back as another type", f"{shown}: {sent!r} -> {back!r}")
        )
    elif not same_scalar(sent, back):
        found.append(Failure(f"{what}: value changed", f"{shown}: {sent!r} -> {back!r}"[:300]))


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (dict, list)):
        return "structure"
    return type(value).__name__


_DURATION = pydantic.TypeAdapter(datetime.timedelta)
#: Readers of the strings of a format that a model may write back in another spelling.
_SPELLINGS = (
    datetime.datetime.fromisoformat,
    datetime.date.fromisoformat,
    datetime.time.fromisoformat,
    uuid.UUID,
    lambda text: _DURATION.validate_python(text) if text.lstrip("-").startswith("P") else None,
)


def same_scalar(sent: Any, back: Any) -> bool:
    """Whether two JSON scalars are the same value: numbers by value (5 is 5.0), strings equal or
    two spellings of one date-time, date, time, UUID or duration (``+00:00`` for ``Z``)."""
    if sent == back:
        return True
    if not (isinstance(sent, str) and isinstance(back, str)):
        return False
    for read in _SPELLINGS:
        try:
            value = read(sent)
            if value is not None and value == read(back):
                return True
        except (pydantic.ValidationError, TypeError, ValueError):
            continue
    return False


def check_request(
    generated: Any,
    operation: Operation,
    found: Any,
    sent: list[httpx.Request],
    call: Call,
    request_where: str | None,
) -> None:
    """The one request sent: its method, its body read back as its kind says (and checked by
    ``jsonschema`` where the spec gives a schema), and every parameter passed read back in its
    style as the value passed (and checked against its schema)."""
    if len(sent) != 1:
        raise Failure("request: not exactly one request sent", str(len(sent)))
    request = sent[0]
    if request.method != operation.http_method:
        raise Failure("request: wrong method", request.method)
    body = _read_body(request, call) if call.has_body else None
    if call.has_body and request_where is not None:
        error = first_error(generated.registry, request_where, REQUEST, body)
        if error is not None:
            raise Failure(
                f"request body rejected by jsonschema: {error.split(':')[1].strip()}", error
            )
    declared = navigator.operation_parameters(generated.spec, found.document, found.pointer)
    path_values = _path_values(operation.path, request.url.raw_path.decode().partition("?")[0])
    if path_values is None:
        raise Failure(
            "request: path does not match the template", request.url.raw_path.decode()[:200]
        )
    query = list(request.url.params.multi_items())
    for parameter in operation.parameters:
        key = (parameter.location.value, parameter.name)
        if parameter.location is ParamLocation.COOKIE:
            continue
        if key not in call.values:
            if parameter.location is ParamLocation.QUERY and any(
                k == parameter.name or k.startswith(parameter.name + "[") for k, _ in query
            ):
                raise Failure("request: query parameter sent that was not passed", parameter.name)
            continue
        value = call.values[key]
        try:
            read = _read_parameter(declared[key].value, request, query, path_values, value)
        except KeyError:
            raise Failure(
                f"request: {parameter.location.value} parameter missing", parameter.name
            ) from None
        where = call.parameter_schemas.get(key)
        error = None if where is None else first_error(generated.registry, where, REQUEST, read)
        if error is not None:
            raise Failure(
                f"request: {parameter.location.value} parameter does not read back as a valid"
                " value",
                f"{parameter.name}: {error}"[:300],
            )
        compare(value, read, {}, f"request {parameter.location.value} parameter")
    if call.has_body and call.body_kind in (MediaKind.JSON, MediaKind.FORM, MediaKind.MULTIPART):
        compare(call.body, body, call.body_extras, "request")


def _read_body(request: httpx.Request, call: Call) -> Any:
    """The body that reached the transport, read back as a value of its kind."""
    content = request.content
    media = request.headers.get("content-type", "")
    if call.body_kind is MediaKind.TEXT:
        if content != call.body.encode("utf-8"):
            raise Failure("request: text body changed", repr(content[:80]))
        return call.body
    if call.body_kind is MediaKind.BINARY:
        if content != call.body:
            raise Failure("request: binary body changed", repr(content[:80]))
        return call.body
    if call.body_kind is MediaKind.FORM:
        if not media.startswith("application/x-www-form-urlencoded"):
            raise Failure("request: form body sent as another media type", media)
        return read_form(content, call.body, call.form_styles)
    if call.body_kind is MediaKind.MULTIPART:
        if not content and unspelled(call.body):
            return call.body  # a form with no part to send: httpx sends no body at all
        if not media.startswith("multipart/form-data"):
            raise Failure("request: multipart body sent as another media type", media)
        return read_multipart(content, media, call.body)
    try:
        return json.loads(content)
    except ValueError:
        raise Failure("request body is not JSON", content[:80].decode(errors="replace")) from None


def parameter_style(spec_param: dict[str, Any]) -> tuple[str, bool]:
    """A parameter's style and explode as the spec writes them (``json`` for a ``content``)."""
    if "schema" not in spec_param and isinstance(spec_param.get("content"), dict):
        return "json", False
    location = spec_param.get("in")
    default = "simple" if location in ("path", "header") else "form"
    style = spec_param.get("style", default)
    explode = spec_param.get("explode", style == "form")
    return str(style), bool(explode)


def _read_parameter(
    spec_param: dict[str, Any],
    request: httpx.Request,
    query: list[tuple[str, str]],
    path_values: dict[str, str],
    like: Any,
) -> Any:
    """A parameter's value read back from the request in its style; KeyError when not sent."""
    name = spec_param["name"]
    style, explode = parameter_style(spec_param)
    location = spec_param.get("in")
    if location == "query":
        return read_styled(query, name, style, explode, like)
    if location == "header":
        texts = request.headers.get_list(name)
        if not texts:
            raise KeyError(name)
        if len(texts) != 1:
            raise Failure("request: header parameter sent more than once", name)
        return json.loads(texts[0]) if style == "json" else split(texts[0], style, explode, like)
    raw = path_values[name]
    if style == "json":
        return json.loads(unquote(raw))
    if style == "label":
        if not raw.startswith("."):
            raise Failure("request: label path parameter without its dot", f"{name}={raw}")
        raw = raw[1:].replace(".", ",") if explode else raw[1:]
    elif style == "matrix":
        return _matrix(raw, name, explode, like)
    return _unquoted(split(raw, "simple", explode, _quoted_like(like)))


def _matrix(raw: str, name: str, explode: bool, like: Any) -> Any:
    parts = raw.split(";")[1:]
    if not explode or not isinstance(like, (list, dict)):
        if len(parts) != 1 or not parts[0].startswith(name + "="):
            raise Failure("request: matrix path parameter not written ;name=value", raw)
        return _unquoted(split(parts[0].partition("=")[2], "simple", False, _quoted_like(like)))
    if isinstance(like, list):
        return _unquoted(
            [scalar(p.partition("=")[2], "") for p in parts]
            if all(p.startswith(name + "=") for p in parts)
            else parts
        )
    return _unquoted(split(",".join(parts), "simple", True, _quoted_like(like)))


def _quoted_like(like: Any) -> Any:
    """``like`` with object keys percent-encoded as the wire writes them in a path."""
    if isinstance(like, dict):
        return {quote(str(key), safe=""): item for key, item in like.items()}
    return like


def _unquoted(value: Any) -> Any:
    """A value read from a path segment, each key and text percent-decoded."""
    if isinstance(value, dict):
        return {unquote(key): _unquoted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unquoted(item) for item in value]
    return unquote(value) if isinstance(value, str) else value


def _path_values(template: str, path: str) -> dict[str, str] | None:
    """The raw (still percent-encoded) text of each path parameter, or None: no match."""
    # A template's `?query` or `#fragment` (AWS writes `/#X-Amz-Target=...`) is not path.
    template = re.split(r"[?#]", template, maxsplit=1)[0]
    pieces = re.split(r"\{([^{}]+)\}", template)
    names = pieces[1::2]
    pattern = "".join(
        re.escape(piece) if i % 2 == 0 else "([^/]*)" for i, piece in enumerate(pieces)
    )
    base = "/" + BASE_URL.split("/", 3)[3]
    matched = re.fullmatch(re.escape(base) + pattern, path)
    if matched is None:
        return None
    return {name: matched.group(i + 1) for i, name in enumerate(names)}
