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


def generate_client(spec_path: Path, folder: Path, *, validate: bool = True) -> Generated:
    """Generate ``spec_path``'s client package into ``folder`` as ``specgen generate`` would, and
    import it under a package name of its own. Raises ValueError when the spec is refused."""
    spec = load_spec(spec_path)
    if validate:
        errors = [f for f in validate_loaded(spec) if f.counts_against(strict=False)]
        if errors:
            raise ValueError(f"{len(errors)} validation error(s), first: {errors[0].rule}")
    api = build_package(spec, models_templates(None))
    files = {
        f"{api.name}/{name}": text for name, text in render_package(api, environment(None)).items()
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
) -> SpecResult:
    """Round-trip every operation of the spec at ``spec_path`` (generated into ``folder``)."""
    result = SpecResult(name or spec_path.stem)
    try:
        generated = generate_client(spec_path, folder, validate=validate)
    except (ValueError, SpecgenError) as error:
        result.refused = str(error).splitlines()[0]
        return result
    try:
        for operation in generated.api.operations:
            result.operations.append(run_operation(generated, operation, variants))
    finally:
        forget(generated)
    return result


def run_operation(
    generated: Generated, operation: Operation, variants: tuple[Variant, ...] = tuple(Variant)
) -> OperationResult:
    spec = generated.spec
    found = {op.key: op for op in navigator.operations(spec)}[
        (operation.http_method.lower(), operation.path)
    ]
    result = OperationResult(
        found.name, operation.method_name, f"{operation.http_method} {operation.path}"
    )
    bodies: dict[str, tuple[str, str] | None] = {}
    for status, response in documented_responses(spec, found):
        if status.startswith("2"):
            located = json_schema_of(response)
            bodies[status] = None if located is None else (located[0], _where(spec, located[1]))
    request = request_body_where(spec, found)
    for status, body in bodies.items():
        for variant in variants:
            result.cases.append(
                _case(generated, operation, found, status, body, request, variant, set(bodies))
            )
            if body is None:
                break  # no body: one call checks the request
    return result


def request_body_where(spec: LoadedSpec, found: Any) -> str | None:
    declared = navigator.request_body(spec, found.document, found.pointer)
    located = None if declared is None else json_schema_of(declared)
    return None if located is None else _where(spec, located[1])


def json_schema_of(at: Target) -> tuple[str, Target] | None:
    """The media type and schema of the body at ``at`` when the client reads or sends it as JSON
    (the media type it chooses), else None."""
    chosen = choose_media(at)
    if chosen is None or chosen.kind is not MediaKind.JSON or chosen.schema is None:
        return None
    return chosen.media_type, chosen.schema


def _where(spec: LoadedSpec, target: Target) -> str:
    return where_of(spec.uri(target.document), target.pointer)


def _status_code(status: str, declared: set[str]) -> int:
    if status.isdigit():
        return int(status)
    return next(code for code in range(200, 300) if str(code) not in declared)


# -- one call ------------------------------------------------------------------------------------


def _case(
    generated: Generated,
    operation: Operation,
    found: Any,
    status: str,
    body: tuple[str, str] | None,
    request_where: str | None,
    variant: Variant,
    declared: set[str],
) -> Case:
    registry = generated.registry
    try:
        response = (
            None
            if body is None
            else Builder(registry, direction=RESPONSE, variant=variant).build(body[1])
        )
        call = _arguments(generated, operation, found, request_where, variant)
    except Unbuildable as error:
        return Case(status, variant, UNBUILDABLE, "unbuildable", str(error))
    except Failure as failure:
        return Case(status, variant, FAILED, failure.kind, failure.detail)
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        code = _status_code(status, declared)
        if response is None:
            return httpx.Response(code)
        media = body[0] if body is not None and "json" in body[0] else "application/json"
        return httpx.Response(code, json=response.value, headers={"content-type": media})

    client = generated.package.Client(base_url=BASE_URL, transport=httpx.MockTransport(handler))
    try:
        with client:
            returned = getattr(client, operation.method_name)(*call.positional, **call.keywords)
        problems: list[Failure] = []
        try:
            check_request(generated, operation, found, sent, call, request_where)
        except Failure as failure:
            problems.append(failure)
        if response is not None:
            try:
                compare(response.value, dump(returned), dict(response.extras))
            except Failure as failure:
                problems.append(failure)
        if problems:
            raise worst(problems)
    except Failure as failure:
        return Case(status, variant, FAILED, failure.kind, failure.detail)
    except Exception as error:
        return Case(status, variant, FAILED, *_classify(error))
    return Case(status, variant, OK)


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
    request_where: str | None,
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
        call.values[(parameter.location.value, parameter.name)] = value
        (
            required_call.append(python)
            if parameter.required
            else call.keywords.__setitem__(parameter.py_name, python)
        )
    call.positional = required_call
    if (
        operation.body is not None
        and request_where is not None
        and (operation.body.required or variant is not Variant.REQUIRED)
    ):
        built = Builder(generated.registry, direction=REQUEST, variant=variant).build(request_where)
        python = _convert(hints.get("body", Any), built.value, "request body")
        call.body, call.has_body = built.value, True
        call.body_extras = dict(built.extras)
        if operation.body.required:
            call.positional.append(python)
        else:
            call.keywords["body"] = python
    return call


def _param_schema(spec: LoadedSpec, target: Target) -> str | None:
    value = target.value
    if isinstance(value.get("schema"), (dict, bool)):
        return where_of(spec.uri(target.document), target.pointer + "/schema")
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
