"""What a round trip checks: the value a method returned against the response served (key for key),
and the request that reached the transport against the spec (body and parameters).

Each check raises :class:`Failure`, whose ``kind`` is a short class that groups like failures.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import pydantic

from generator.generate.ir import Operation, ParamLocation
from generator.spec import navigator
from generator.spec.refs import Target
from tests.roundtrip.instances import REQUEST, first_error, where_of

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


# -- checks --------------------------------------------------------------------------------------


def dump(value: Any) -> Any:
    """What a returned value is as JSON: models dumped by alias, unset fields left out."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [dump(item) for item in value]
    if isinstance(value, dict):
        return {key: dump(item) for key, item in value.items()}
    return pydantic.TypeAdapter(Any).dump_python(value, mode="json")


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


def check_request(
    generated: Any,
    operation: Operation,
    found: Any,
    sent: list[httpx.Request],
    call: Call,
    request_where: str | None,
) -> None:
    if len(sent) != 1:
        raise Failure("request: not exactly one request sent", str(len(sent)))
    request = sent[0]
    if request.method != operation.http_method:
        raise Failure("request: wrong method", request.method)
    if call.has_body:
        try:
            body = json.loads(request.content)
        except ValueError:
            raise Failure(
                "request body is not JSON", request.content[:80].decode(errors="replace")
            ) from None
        error = first_error(generated.registry, request_where or "", REQUEST, body)
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
    query = request.url.params
    for parameter in operation.parameters:
        key = (parameter.location.value, parameter.name)
        spec_param = declared[key].value
        passed = key in call.values
        if parameter.location is ParamLocation.PATH:
            texts = [path_values.get(parameter.name, "")]
        elif parameter.location is ParamLocation.QUERY:
            texts = query.get_list(parameter.name)
        elif parameter.location is ParamLocation.HEADER:
            texts = request.headers.get_list(parameter.name)
        else:
            continue
        if not passed:
            if texts and parameter.location is ParamLocation.QUERY:
                raise Failure("request: query parameter sent that was not passed", parameter.name)
            continue
        if not texts:
            raise Failure(f"request: {parameter.location.value} parameter missing", parameter.name)
        _check_wire(
            generated, declared[key], spec_param, parameter.location, texts, call.values[key]
        )
    if call.has_body:
        compare(call.body, json.loads(request.content), call.body_extras, "request")


def _path_values(template: str, path: str) -> dict[str, str] | None:
    names: list[str] = []

    def group(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return "([^/]*)"

    # A template's `?query` or `#fragment` (AWS writes `/#X-Amz-Target=...`) is not path.
    template = re.split(r"[?#]", template, maxsplit=1)[0]
    pattern = re.sub(r"\\\{([^{}]+)\\\}", group, re.escape(template))
    base = "/" + BASE_URL.split("/", 3)[3]
    matched = re.fullmatch(re.escape(base) + pattern, path)
    if matched is None:
        return None
    return {name: unquote(matched.group(i + 1)) for i, name in enumerate(names)}


def _check_wire(
    generated: Any,
    target: Target,
    spec_param: dict[str, Any],
    location: ParamLocation,
    texts: list[str],
    value: Any,
) -> None:
    """The texts sent for a parameter read back as ``value``'s items or value, each fitting its schema."""
    name = spec_param["name"]
    where = where_of(generated.spec.uri(target.document), target.pointer + "/schema")
    if isinstance(value, dict):
        raise Failure(f"request: object {location.value} parameter", name)
    if isinstance(value, list):
        explode = spec_param.get("explode", spec_param.get("style", "form") == "form")
        if location is ParamLocation.QUERY and explode:
            items = texts
        elif len(texts) == 1:
            items = texts[0].split(",") if texts[0] else []
        else:
            raise Failure(
                f"request: array {location.value} parameter sent repeated, not joined", name
            )
        if len(items) != len(value):
            raise Failure(
                f"request: array {location.value} parameter has {len(items)} items, passed {len(value)}",
                name,
            )
        if not _fits(generated, where, [_read(text) for text in items], items):
            raise Failure(
                f"request: {location.value} parameter items do not read back", f"{name}={items}"
            )
        return
    if len(texts) != 1:
        raise Failure(f"request: {location.value} parameter sent {len(texts)} times", name)
    if not _fits(generated, where, _read(texts[0]), texts[0]):
        raise Failure(
            f"request: {location.value} parameter does not read back as a valid value",
            f"{name}={texts[0]!r} (passed {value!r})",
        )


def _read(text: str) -> list[Any]:
    """What a wire text may stand for: itself, a number, a boolean."""
    readings: list[Any] = [text]
    with contextlib.suppress(ValueError):
        readings.append(int(text))
    with contextlib.suppress(ValueError):
        readings.append(float(text))
    if text in ("true", "false"):
        readings.append(text == "true")
    return readings


def _fits(generated: Any, where: str, readings: Any, texts: Any) -> bool:
    if isinstance(texts, list):
        options = (
            list(itertools.product(*readings))
            if len(readings) <= 4
            else [tuple(r[-1] for r in readings)]
        )
        return any(
            first_error(generated.registry, where, REQUEST, list(o)) is None for o in options
        )
    return any(first_error(generated.registry, where, REQUEST, r) is None for r in readings)
