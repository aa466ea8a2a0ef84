"""Round trips through a generated client: valid responses in, the same fields out, valid requests.

    result = run_spec(Path("specs/anon.yaml"), tmp_path)
    print(result.summary())          # operations that round-trip, failure classes, unbuildable ones

For a spec, :func:`generate_client` generates its package (the pipeline ``specgen generate`` runs,
into a folder of the caller's) and imports it; the IR (``generator/generate/ir.py``) says which
method each operation is and what it takes. Then, per operation, per documented 2xx JSON response
and per variant of :class:`~tests.roundtrip.instances.Variant`, :func:`run_operation`:

1. builds a valid response body, arguments from the parameter schemas and a valid request body
   (passed as the model the method expects), each checked by ``jsonschema``;
2. serves the response through ``httpx.MockTransport`` and calls the method;
3. asserts the call returns, that what it returns dumps back (``model_dump(mode="json",
   by_alias=True, exclude_unset=True)``) with the keys of the response at every level, extra keys
   included, and that the request that reached the transport has a body ``jsonschema`` accepts
   and path, query and header parameters that read back as values of their schemas.

Every failure is a :class:`Case` with a ``kind`` (a short, groupable class) and a detail. An
operation none of whose instances could be built is counted apart, never passed.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import sys
import typing
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pydantic

from generator.errors import SpecgenError
from generator.generate.codegate import check_generated
from generator.generate.ir import Api, Operation
from generator.generate.layout import DEFAULT_LAYOUT, Layout
from generator.generate.pipeline import build_package, models_templates
from generator.generate.render import environment, format_sources, render_package
from generator.generate.schemas import documented_responses
from generator.spec import navigator
from generator.spec.dialect import is_openapi_30, oas30_to_2020_12
from generator.spec.media import MediaKind, choose_media
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec, Target
from generator.validate.outcome import validate_loaded
from tests.roundtrip.checks import (
    BASE_URL,
    LOST_UNTYPED_EXTRA,
    Call,
    Failure,
    check_request,
    compare,
    dump,
    worst,
)
from tests.roundtrip.instances import (
    REQUEST,
    RESPONSE,
    Builder,
    Unbuildable,
    Variant,
    schema_registry,
    where_of,
)

OK, FAILED, UNBUILDABLE, NO_SUCCESS = "ok", "failed", "unbuildable", "no 2xx response"
_counter = itertools.count()


@dataclass(frozen=True)
class Case:
    """One call: a response status and variant; ``kind`` and ``detail`` say what went wrong."""

    status: str
    variant: str
    outcome: str
    kind: str = ""
    detail: str = ""
    #: The client class called: ``Client`` or ``AsyncClient``.
    client: str = "Client"


@dataclass
class OperationResult:
    operation_id: str
    method: str
    where: str
    cases: list[Case] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        built = [case for case in self.cases if case.outcome != UNBUILDABLE]
        if not self.cases:
            return NO_SUCCESS
        if not built:
            return UNBUILDABLE
        return OK if all(case.outcome == OK for case in built) else FAILED

    def ok_but_extras(self) -> bool:
        """Whether every built case passes, or fails only by losing untyped extra keys."""
        return self.verdict in (OK, FAILED) and all(
            case.outcome != FAILED or case.kind.removeprefix("request ") == LOST_UNTYPED_EXTRA
            for case in self.cases
        )

    def failures(self) -> list[Case]:
        return [case for case in self.cases if case.outcome == FAILED]


@dataclass
class SpecResult:
    name: str
    refused: str = ""
    operations: list[OperationResult] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(op.verdict == verdict for op in self.operations)

    def failure_classes(self) -> Counter[str]:
        """Failure class -> operations failing with it (an operation counts once per class)."""
        return Counter(kind for op in self.operations for kind in {c.kind for c in op.failures()})

    def examples(self) -> dict[str, str]:
        """One example per failure class: the operation and the detail."""
        found: dict[str, str] = {}
        for op in self.operations:
            for case in op.failures():
                found.setdefault(
                    case.kind, f"{op.operation_id} [{case.status}, {case.variant}]: {case.detail}"
                )
        return found

    def unbuildable(self) -> dict[str, str]:
        """Operations for which no valid instance could be built, with the first reason."""
        return {
            op.operation_id: op.cases[0].detail
            for op in self.operations
            if op.verdict == UNBUILDABLE
        }

    def summary(self) -> str:
        tested = self.count(OK) + self.count(FAILED)
        lines = [
            f"{self.name}: {self.count(OK)}/{tested} operations round-trip"
            f" ({percent(self.count(OK), tested)}), {self.count(UNBUILDABLE)} unbuildable,"
            f" {self.count(NO_SUCCESS)} without a 2xx response"
            + (f"; refused: {self.refused}" if self.refused else "")
        ]
        for kind, count in self.failure_classes().most_common():
            lines.append(f"  {count:5d}  {kind}\n         e.g. {self.examples()[kind][:300]}")
        for operation, reason in self.unbuildable().items():
            lines.append(f"  unbuildable: {operation}: {reason[:200]}")
        return "\n".join(lines)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


# -- generating and importing --------------------------------------------------------------------


@dataclass
class Generated:
    spec: LoadedSpec
    api: Api
    package: Any
    registry: Any


def generate_client(
    spec_path: Path, folder: Path, *, validate: bool = True, layout: Layout = DEFAULT_LAYOUT
) -> Generated:
    """Generate ``spec_path``'s client package into ``folder`` as ``specgen generate`` would (in
    ``layout``), and import it under a package name of its own. Raises ValueError when the spec is
    refused."""
    spec = load_spec(spec_path)
    if validate:
        errors = [f for f in validate_loaded(spec) if f.counts_against(strict=False)]
        if errors:
            raise ValueError(f"{len(errors)} validation error(s), first: {errors[0].rule}")
    api = build_package(spec, models_templates(None))
    files = {
        f"{api.name}/{name}": text
        for name, text in render_package(api, environment(None), layout).items()
    }
    parent = f"roundtrip_{next(_counter)}"
    root = folder / parent
    for path, text in format_sources(files).items():
        check_generated(api, path.partition("/")[2], text, spec.root.path)
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (root / "__init__.py").write_text("", encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(f"{parent}.{api.name}")
    except Exception as error:
        said = str(error).splitlines()[0][:200] if str(error) else ""
        raise ValueError(
            f"generated package does not import: {type(error).__name__}: {said}"
        ) from None
    finally:
        sys.path.remove(str(folder))
    return Generated(spec, api, package, registry_of(spec))


def forget(generated: Generated) -> None:
    """Drop the imported package from ``sys.modules`` (GitHub's models are large)."""
    prefix = generated.package.__name__.partition(".")[0]
    for name in [n for n in sys.modules if n == prefix or n.startswith(prefix + ".")]:
        del sys.modules[name]


def registry_of(spec: LoadedSpec) -> Any:
    """Every document of ``spec`` as a JSON Schema 2020-12 resource (OpenAPI 3.0 converted)."""
    convert = is_openapi_30(spec.root.data)
    return schema_registry(
        {
            spec.uri(doc): oas30_to_2020_12(doc.data) if convert else doc.data
            for doc in spec.documents.values()
        }
    )


# -- one spec ------------------------------------------------------------------------------------


def run_spec(
    spec_path: Path,
    folder: Path,
    *,
    name: str | None = None,
    variants: tuple[Variant, ...] = tuple(Variant),
    validate: bool = True,
    clients: tuple[str, ...] = ("Client",),
    layout: Layout = DEFAULT_LAYOUT,
) -> SpecResult:
    """Round-trip every operation of the spec at ``spec_path`` (generated into ``folder``, in
    ``layout``) through each of ``clients`` (``Client``, ``AsyncClient``)."""
    result = SpecResult(name or spec_path.stem)
    try:
        generated = generate_client(spec_path, folder, validate=validate, layout=layout)
    except (ValueError, SpecgenError) as error:
        result.refused = str(error).splitlines()[0]
        return result
    try:
        for operation in generated.api.operations:
            result.operations.append(run_operation(generated, operation, variants, clients))
    finally:
        forget(generated)
    return result


@dataclass(frozen=True)
class Body:
    """A body as the client sends or reads it: its kind, media type and schema (absolute URI;
    None where the spec gives none, or the kind is text or bytes)."""

    kind: MediaKind
    media_type: str
    where: str | None
    #: A form's properties written otherwise than exploded form style: (style, explode).
    styles: dict[str, tuple[str, bool]] = field(default_factory=dict)


def run_operation(
    generated: Generated,
    operation: Operation,
    variants: tuple[Variant, ...] = tuple(Variant),
    clients: tuple[str, ...] = ("Client",),
) -> OperationResult:
    spec = generated.spec
    found = {op.key: op for op in navigator.operations(spec)}[
        (operation.http_method.lower(), operation.path)
    ]
    result = OperationResult(
        operation.name, operation.method_name, f"{operation.http_method} {operation.path}"
    )
    read = {response.status: response.kind for response in operation.successes}
    bodies: dict[str, Body | None] = {}
    for status, response in documented_responses(spec, found):
        if status.startswith("2"):
            bodies[status] = body_of(spec, response, read.get(status))
    request = request_body_of(spec, found, operation)
    for client in clients:
        for status, body in bodies.items():
            for variant in variants:
                result.cases.append(
                    _case(
                        generated,
                        operation,
                        found,
                        status,
                        body,
                        request,
                        variant,
                        set(bodies),
                        client,
                    )
                )
                if not _varies(operation, body, request):
                    break  # nothing to vary: one call checks the request and what comes back
    return result


def _varies(operation: Operation, body: Body | None, request: Body | None) -> bool:
    """Whether the variants build different calls: a schema to build a body from, or something
    optional to leave out."""
    return (
        (body is not None and body.where is not None)
        or (request is not None and (request.where is not None or not operation.body.required))  # type: ignore[union-attr]
        or any(not parameter.required for parameter in operation.parameters)
    )


def body_of(spec: LoadedSpec, at: Target, kind: MediaKind | None) -> Body | None:
    """The body the client reads or sends at ``at`` (None: none), as ``kind`` (the method's: a
    form in a response is read as bytes) or, without one, as the media type chosen says."""
    chosen = choose_media(at)
    if chosen is None:
        return None
    kind = chosen.kind if kind is None else kind
    if kind is MediaKind.NONE:
        return None
    where = None
    if chosen.schema is not None and kind in (MediaKind.JSON, MediaKind.FORM, MediaKind.MULTIPART):
        where = _where(spec, chosen.schema)
    styles: dict[str, tuple[str, bool]] = {}
    encoding = chosen.media.value.get("encoding") if isinstance(chosen.media.value, dict) else None
    if kind is MediaKind.FORM and isinstance(encoding, dict):
        for name, entry in encoding.items():
            if not isinstance(entry, dict):
                continue
            if "json" in str(entry.get("contentType", "")):
                styles[str(name)] = ("json", False)
            elif "style" in entry or "explode" in entry:
                style = str(entry.get("style", "form"))
                styles[str(name)] = (style, bool(entry.get("explode", style == "form")))
    return Body(kind, chosen.content_type, where, styles)


def request_body_of(spec: LoadedSpec, found: Any, operation: Operation) -> Body | None:
    if operation.body is None:
        return None
    declared = navigator.request_body(spec, found.document, found.pointer)
    return None if declared is None else body_of(spec, declared, operation.body.kind)


def _where(spec: LoadedSpec, target: Target) -> str:
    return where_of(spec.uri(target.document), target.pointer)


def _status_code(status: str, declared: set[str]) -> int:
    if status.isdigit():
        return int(status)
    return next(code for code in range(200, 300) if str(code) not in declared)


# -- one call ------------------------------------------------------------------------------------


#: What is served where a response has no schema (or is text or bytes), and passed where a
#: request body has none: the method must give back or send exactly this.
FREE_JSON: Any = {"free": [1, "two", None, {"x": True}]}
FREE_FORM: Any = {"name": "value", "count": "2"}
TEXT = "a text body \u2713\nline two"
BINARY = b"\x89binary\x00body\xff"


def _case(
    generated: Generated,
    operation: Operation,
    found: Any,
    status: str,
    body: Body | None,
    request: Body | None,
    variant: Variant,
    declared: set[str],
    client_name: str = "Client",
) -> Case:
    registry = generated.registry
    extras: dict[tuple[str | int, ...], str] = {}
    try:
        served: Any = None
        if body is not None and body.where is not None:
            built = Builder(registry, direction=RESPONSE, variant=variant).build(body.where)
            served, extras = built.value, dict(built.extras)
        elif body is not None:
            served = {MediaKind.TEXT: TEXT, MediaKind.BINARY: BINARY}.get(body.kind, FREE_JSON)
        call = _arguments(generated, operation, found, request, variant)
    except Unbuildable as error:
        return Case(status, variant, UNBUILDABLE, "unbuildable", str(error), client_name)
    except Failure as failure:
        return Case(status, variant, FAILED, failure.kind, failure.detail, client_name)
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        code = _status_code(status, declared)
        if body is None:
            return httpx.Response(code)
        if body.kind is MediaKind.JSON:
            media = body.media_type if "json" in body.media_type else "application/json"
            return httpx.Response(code, json=served, headers={"content-type": media})
        content = served.encode("utf-8") if isinstance(served, str) else served
        return httpx.Response(code, content=content, headers={"content-type": body.media_type})

    try:
        returned = _call(generated, operation, call, client_name, httpx.MockTransport(handler))
        problems: list[Failure] = []
        try:
            check_request(
                generated, operation, found, sent, call, None if request is None else request.where
            )
        except Failure as failure:
            problems.append(failure)
        if body is not None:
            try:
                _check_returned(body, served, returned, extras)
            except Failure as failure:
                problems.append(failure)
        if problems:
            raise worst(problems)
    except Failure as failure:
        return Case(status, variant, FAILED, failure.kind, failure.detail, client_name)
    except Exception as error:
        return Case(status, variant, FAILED, *_classify(error), client_name)
    return Case(status, variant, OK, client=client_name)


def _call(
    generated: Generated,
    operation: Operation,
    call: Call,
    client_name: str,
    transport: httpx.MockTransport,
) -> Any:
    """Call the operation's method on a ``Client`` or an ``AsyncClient`` (in an event loop of its
    own) sending through ``transport``; what it returns."""
    cls = getattr(generated.package, client_name)
    if client_name == "Client":
        with cls(base_url=BASE_URL, transport=transport) as client:
            return getattr(client, operation.method_name)(*call.positional, **call.keywords)

    async def calling() -> Any:
        async with cls(base_url=BASE_URL, transport=transport) as client:
            return await getattr(client, operation.method_name)(*call.positional, **call.keywords)

    return asyncio.run(calling())


def _check_returned(body: Body, served: Any, returned: Any, extras: dict[Any, str]) -> None:
    """What the method returned is what was served: JSON key for key and value for value, text
    and bytes exactly."""
    if body.kind is MediaKind.JSON:
        compare(served, dump(returned), extras)
    elif returned != served or type(returned) is not type(served):
        raise Failure(
            f"response: {'text' if body.kind is MediaKind.TEXT else 'binary'} body came back"
            " changed",
            f"served {served!r}, returned {returned!r}"[:300],
        )


def _classify(error: Exception) -> tuple[str, str]:
    name = type(error).__name__
    if name == "ResponseValidationError":
        first = error.errors[0] if getattr(error, "errors", None) else {}  # type: ignore[attr-defined]
        return (
            f"response model rejects a valid body: {first.get('type', '?')}",
            f"at {'/'.join(map(str, first.get('loc', ())))}: {first.get('msg', '')}"[:300],
        )
    if name == "ApiError":
        return ("2xx response not handled as a success", str(error)[:200])
    return (f"call raised {name}", str(error).splitlines()[0][:200] if str(error) else "")


def _arguments(
    generated: Generated,
    operation: Operation,
    found: Any,
    request: Body | None,
    variant: Variant,
) -> Call:
    spec = generated.spec
    method = getattr(generated.package.Client, operation.method_name)
    try:
        hints = typing.get_type_hints(method)
    except Exception as error:
        raise Failure("method annotations do not resolve", str(error)[:200]) from None
    declared = navigator.operation_parameters(spec, found.document, found.pointer)
    call = Call()
    required_call: list[Any] = []
    for parameter in operation.parameters:
        target = declared.get((parameter.location.value, parameter.name))
        if target is None:
            raise Failure("parameter of the method not in the spec", parameter.name)
        if not parameter.required and variant is Variant.REQUIRED:
            continue
        schema_where = _param_schema(spec, target)
        if schema_where is None:
            if parameter.required:
                raise Unbuildable(f"parameter {parameter.name}: no schema")
            continue
        try:
            value = (
                Builder(generated.registry, direction=REQUEST, variant=variant)
                .build(schema_where)
                .value
            )
        except Unbuildable:
            if parameter.required:
                raise
            continue
        if value is None:
            if parameter.required:
                raise Unbuildable(f"parameter {parameter.name}: only null")
            continue
        python = _convert(hints.get(parameter.py_name, Any), value, f"parameter {parameter.name}")
        key = (parameter.location.value, parameter.name)
        call.values[key] = value
        call.parameter_schemas[key] = schema_where
        (
            required_call.append(python)
            if parameter.required
            else call.keywords.__setitem__(parameter.py_name, python)
        )
    call.positional = required_call
    if (
        operation.body is not None
        and request is not None
        and (operation.body.required or variant is not Variant.REQUIRED)
    ):
        call.body_kind, call.form_styles = request.kind, dict(request.styles)
        if request.where is not None:
            built = Builder(generated.registry, direction=REQUEST, variant=variant).build(
                request.where
            )
            call.body, call.body_extras = built.value, dict(built.extras)
        else:
            call.body = {
                MediaKind.TEXT: TEXT,
                MediaKind.BINARY: BINARY,
                MediaKind.FORM: FREE_FORM,
                MediaKind.MULTIPART: FREE_FORM,
            }.get(request.kind, FREE_JSON)
        if request.kind in (MediaKind.FORM, MediaKind.MULTIPART) and not isinstance(
            call.body, dict
        ):
            raise Unbuildable(f"a {request.kind} body that is not an object")
        python = _convert(hints.get("body", Any), call.body, "request body")
        call.has_body = True
        if operation.body.required:
            call.positional.append(python)
        else:
            call.keywords["body"] = python
    return call


def _param_schema(spec: LoadedSpec, target: Target) -> str | None:
    """The schema of a parameter: its ``schema``, or that of the media type of its ``content``."""
    value = target.value
    if isinstance(value.get("schema"), (dict, bool)):
        return where_of(spec.uri(target.document), target.pointer + "/schema")
    chosen = choose_media(target) if isinstance(value.get("content"), dict) else None
    if chosen is not None and chosen.schema is not None:
        return _where(spec, chosen.schema)
    return None


def _convert(hint: Any, value: Any, what: str) -> Any:
    try:
        return pydantic.TypeAdapter(hint).validate_python(value)
    except pydantic.ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise Failure(
            f"{what.split()[0]} type rejects a valid value: {first['type']}"
            if what != "request body"
            else f"request model rejects a valid body: {first['type']}",
            f"{what} at {'/'.join(map(str, first['loc']))}: {first['msg']}"[:300],
        ) from None
    except Exception as error:
        raise Failure(
            f"{what.split()[0]} type unusable: {type(error).__name__}", str(error)[:200]
        ) from None
