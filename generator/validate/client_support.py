"""client-support: what a generated client cannot send or read the way the spec says.

Every operation still gets its method; these warnings say, at the spec's line, where the method
falls back to something simpler than what the spec declares (a body taken as text, a parameter
of another content sent as text) or sends nothing (a body without a media type). A style a location
does not define is the metaschema's error (``openapi-schema``), not one of these.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.spec import pointer as jp
from generator.spec.findings import Finding, Severity
from generator.spec.media import (
    ChosenMedia,
    MediaKind,
    choose_media,
    parameter_style,
)
from generator.spec.navigator import (
    TEMPLATE_VARIABLE,
    content_entries,
    operation_parameters,
    path_operations,
    request_body,
    responses,
)
from generator.spec.refs import LoadedSpec, RefError, Target

RULE = "client-support"
_STRUCTURED = frozenset({"object", "array"})


def client_support(spec: LoadedSpec) -> Iterator[Finding]:
    """Warnings for each body, response or parameter a generated client handles otherwise than
    the spec declares."""
    for op in path_operations(spec):
        label = f"{op.method.upper()} {op.path}"
        _, hash_sign, fragment = op.path.partition("#")
        lost = [match.group(0) for match in TEMPLATE_VARIABLE.finditer(fragment)]
        if hash_sign and lost:
            yield _warning(
                spec,
                f"{label}: {', '.join(lost)} come after '#', in the URL's fragment, which HTTP never"
                " sends: the generated method takes them, but they do not reach the server",
                Target(op.document, op.pointer),
            )
        body = request_body(spec, op.document, op.pointer)
        if body is not None:
            yield from _request_body(spec, label, body)
        for status, answer in responses(spec, op.document, op.pointer).items():
            chosen = choose_media(answer)
            if chosen is not None and chosen.kind is MediaKind.TEXT and _structured(spec, chosen):
                yield _warning(
                    spec,
                    f"{label} {status}: generated clients return this `{chosen.media_type}`"
                    " body as text (str); they parse JSON only",
                    chosen.media,
                )
        for (location, name), param in operation_parameters(spec, op.document, op.pointer).items():
            yield from _parameter(spec, label, location, name, param)


def _request_body(spec: LoadedSpec, label: str, body: Target) -> Iterator[Finding]:
    chosen = choose_media(body)
    if chosen is None:
        yield _warning(
            spec,
            f"{label}: the request body lists no media type; generated clients send no body",
            body,
        )
        return
    if chosen.kind is MediaKind.TEXT and _structured(spec, chosen):
        yield _warning(
            spec,
            f"{label}: generated clients take this `{chosen.media_type}` body as text (str);"
            " they do not write it from its schema",
            chosen.media,
        )
    if chosen.kind in (MediaKind.FORM, MediaKind.MULTIPART):
        kind = _schema_type(spec, chosen)
        if kind is not None and kind != "object":
            yield _warning(
                spec,
                f"{label}: a `{chosen.media_type}` body is sent from an object (a model or a"
                f" dict); its schema is {kind!r}",
                chosen.schema or chosen.media,
            )
        encoding = _member(chosen.media.value, "encoding")
        for name, entry in encoding.items() if isinstance(encoding, dict) else ():
            if isinstance(entry, dict) and entry.get("headers"):
                yield _warning(
                    spec,
                    f"{label}: generated clients do not send the headers of the {name!r} part",
                    Target(chosen.media.document, jp.join(chosen.media.pointer, "encoding", name)),
                )


def _parameter(
    spec: LoadedSpec, label: str, location: str, name: str, param: Target
) -> Iterator[Finding]:
    if parameter_style(param).style != "json" and content_entries(param):
        chosen = choose_media(param)
        media = chosen.media_type if chosen else ""
        yield _warning(
            spec,
            f"{label}: {location} parameter {name!r} is `{media}` content; generated clients"
            " send its value as text, and write JSON only",
            param,
        )


def _structured(spec: LoadedSpec, chosen: ChosenMedia) -> bool:
    return _schema_type(spec, chosen) in _STRUCTURED


def _schema_type(spec: LoadedSpec, chosen: ChosenMedia) -> str | None:
    """The type of the chosen media type's schema (``object`` when it has properties), if any."""
    if chosen.schema is None:
        return None
    try:
        schema = spec.deref(chosen.schema.document, chosen.schema.pointer).value
    except RefError:
        return None
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and isinstance(schema.get("properties"), dict):
        return "object"
    return kind if isinstance(kind, str) else None


def _member(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _warning(spec: LoadedSpec, message: str, at: Target) -> Finding:
    return spec.finding(RULE, Severity.WARNING, message, at.document, at.pointer)
