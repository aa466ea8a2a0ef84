"""Generated clients round-trip valid traffic: the shipped specs and specs written for one feature each.

For every operation, every 2xx JSON response and every variant (required properties only; all
properties plus an extra key where ``additionalProperties`` allows one; nulls wherever allowed), a
response built from the schema and checked by ``jsonschema`` is served to the generated client,
the method is called with valid arguments, and the call must return what it was served, key for
key, after sending a request that fits the spec (see ``tests/roundtrip/runner.py``).

:data:`FAILING` lists, per spec, each operation that fails today and the failure classes it fails
with. It is exact: an operation that starts passing, or a new failure, fails the test until the
table is updated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
import pytest

from generator.generate.layout import Layout
from tests.paths import SPECS
from tests.roundtrip import runner
from tests.roundtrip.checks import LOST_UNTYPED_EXTRA, Failure, compare, dump
from tests.roundtrip.instances import EXTRA_KEY, Variant
from tests.roundtrip.runner import run_spec

HERE = Path(__file__).parent / "specs"
REQUEST_EXTRA = "request " + LOST_UNTYPED_EXTRA

#: Operations that fail today, by spec: operation -> the failure classes seen. Empty: every
#: operation of these specs round-trips. A bug found here gets its entry (with why) until fixed.
FAILING: dict[str, dict[str, set[str]]] = {}

SHIPPED = sorted(path for path in SPECS.glob("*.yaml"))
WRITTEN = sorted(HERE.glob("*.yaml"))


def failing(result: runner.SpecResult) -> dict[str, set[str]]:
    return {
        op.operation_id: {c.kind for c in op.failures()}
        for op in result.operations
        if op.failures()
    }


@pytest.mark.parametrize("spec", SHIPPED + WRITTEN, ids=lambda path: path.stem)
def test_every_operation_round_trips_or_fails_as_listed(spec: Path, tmp_path: Path) -> None:
    result = run_spec(spec, tmp_path, clients=("Client", "AsyncClient"))

    assert not result.refused, result.summary()
    assert result.operations, "no operation was tried"
    assert result.unbuildable() == {}, result.summary()
    assert failing(result) == FAILING.get(spec.stem, {}), result.summary()


@pytest.mark.parametrize("spec", WRITTEN, ids=lambda path: path.stem)
def test_every_operation_round_trips_through_the_lazy_layout_too(
    spec: Path, tmp_path: Path
) -> None:
    # Every class and every operation in a module of its own: each reference between models,
    # discriminator and default crosses modules.
    finest = Layout(above=0, models=1, shared=1, operations=1)
    result = run_spec(spec, tmp_path, clients=("Client", "AsyncClient"), layout=finest)

    assert not result.refused, result.summary()
    assert result.operations, "no operation was tried"
    assert failing(result) == FAILING.get(spec.stem, {}), result.summary()


def test_each_operation_is_tried_with_every_variant_and_2xx_response(tmp_path: Path) -> None:
    result = run_spec(HERE / "features.yaml", tmp_path)

    tried = {op.operation_id: [(c.status, c.variant) for c in op.cases] for op in result.operations}
    assert tried["getPet"] == [("200", variant) for variant in Variant]
    assert tried["putCounters"] == [("201", variant) for variant in Variant]
    # No response body and nothing optional: one call, which checks the request.
    assert tried["deletePet"] == [("204", Variant.REQUIRED)]


def test_each_call_is_made_through_each_client_asked_for(tmp_path: Path) -> None:
    result = run_spec(HERE / "bodies.yaml", tmp_path, clients=("Client", "AsyncClient"))

    clients = {op.operation_id: frozenset(c.client for c in op.cases) for op in result.operations}
    assert set(clients.values()) == {frozenset({"Client", "AsyncClient"})}


def test_a_client_that_drops_a_query_parameter_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generated = runner.generate_client(HERE / "features.yaml", tmp_path)
    operation = next(op for op in generated.api.operations if op.operation_id == "getPet")
    client_module = generated.package.client
    add = client_module._add
    monkeypatch.setattr(
        client_module,
        "_add",
        lambda pairs, name, value: None if name == "since" else add(pairs, name, value),
    )
    try:
        result = runner.run_operation(generated, operation)
    finally:
        runner.forget(generated)

    kinds = {case.variant: case.kind for case in result.cases}
    assert kinds[Variant.ALL] == "request: query parameter missing"
    assert kinds[Variant.REQUIRED] == ""  # the parameter is optional: not passed, not missed


def test_a_client_whose_model_loses_a_field_is_caught(tmp_path: Path) -> None:
    generated = runner.generate_client(HERE / "features.yaml", tmp_path)
    operation = next(op for op in generated.api.operations if op.operation_id == "getReading")
    original = generated.package.models.Reading.model_dump

    def lossy(self: Any, **options: Any) -> Any:
        dumped = original(self, **options)
        dumped.pop("unit", None)
        return dumped

    generated.package.models.Reading.model_dump = lossy
    try:
        result = runner.run_operation(generated, operation)
    finally:
        generated.package.models.Reading.model_dump = original
        runner.forget(generated)

    assert {c.variant: c.kind for c in result.cases} == {
        Variant.REQUIRED: "",
        Variant.ALL: "fields lost: declared property",
        Variant.NULLS: "fields lost: declared property",
    }


def test_a_client_that_drops_a_form_field_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generated = runner.generate_client(HERE / "bodies.yaml", tmp_path)
    operation = next(op for op in generated.api.operations if op.operation_id == "createToken")
    client_module = generated.package.client
    form_body = client_module._form_body

    def lossy(body: Any, fields: Any) -> Any:
        return form_body({k: v for k, v in dict(body).items() if k != "amount"}, fields)

    monkeypatch.setattr(client_module, "_form_body", lossy)
    try:
        result = runner.run_operation(generated, operation)
    finally:
        runner.forget(generated)

    kinds = {case.variant: case.kind for case in result.cases}
    assert kinds[Variant.ALL] == "request fields lost: declared property"
    assert kinds[Variant.REQUIRED] == ""  # `amount` is optional: not passed, not missed


def test_a_client_that_changes_a_binary_response_is_caught(tmp_path: Path) -> None:
    generated = runner.generate_client(HERE / "bodies.yaml", tmp_path)
    operation = next(op for op in generated.api.operations if op.operation_id == "downloadFile")
    original = generated.package.Client.download_file

    def stripped(self: Any, *args: Any, **kwargs: Any) -> Any:
        return original(self, *args, **kwargs).strip(b"\xff")

    generated.package.Client.download_file = stripped
    try:
        result = runner.run_operation(generated, operation)
    finally:
        generated.package.Client.download_file = original
        runner.forget(generated)

    assert [case.kind for case in result.cases] == ["response: binary body came back changed"]


@pytest.mark.parametrize(
    ("sent", "back"),
    [
        ({"n": 5}, {"n": 5.0}),
        ({"at": "2024-01-02T03:04:05Z"}, {"at": "2024-01-02T03:04:05+00:00"}),
        (
            {"id": "123E4567-E89B-42D3-A456-426614174000"},
            {"id": "123e4567-e89b-42d3-a456-426614174000"},
        ),
    ],
)
def test_comparison_accepts_another_spelling_of_the_same_value(sent: Any, back: Any) -> None:
    compare(sent, back, {})


@pytest.mark.parametrize(
    ("sent", "back", "kind"),
    [
        ({"a": 1, "b": {"c": 2}}, {"a": 1, "b": {}}, "fields lost: declared property"),
        ({"a": 1, EXTRA_KEY: 1}, {"a": 1}, LOST_UNTYPED_EXTRA),
        ({"a": [1, 2]}, {"a": [1]}, "response: array came back changed"),
        ({"a": None}, {"a": 0}, "response: null came back as a value"),
        ({"a": 1}, {"a": 1, "z": None}, "response: fields added"),
        ({"a": "5"}, {"a": 5}, "response: value came back as another type"),
        ({"a": "secret"}, {"a": "**********"}, "response: value changed"),
        ({"a": 1.5}, {"a": 1}, "response: value changed"),
    ],
)
def test_comparison_names_what_was_lost(sent: Any, back: Any, kind: str) -> None:
    extras = {(EXTRA_KEY,): "untyped"}

    with pytest.raises(Failure) as failure:
        compare(sent, back, extras)

    assert failure.value.kind == kind


def test_a_lost_declared_field_outweighs_a_lost_extra_key() -> None:
    with pytest.raises(Failure) as failure:
        compare({EXTRA_KEY: 1, "a": 1}, {}, {(EXTRA_KEY,): "untyped"})

    assert failure.value.kind == "fields lost: declared property"


def test_a_secret_a_model_holds_is_compared_as_its_value() -> None:
    class Login(pydantic.BaseModel):
        password: pydantic.SecretStr

    # The model keeps the value (`get_secret_value()`); only its dumps mask it.
    assert dump(Login(password=pydantic.SecretStr("hunter2"))) == {"password": "hunter2"}
