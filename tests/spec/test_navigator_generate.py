"""The navigator's answers that client generation asks for: the component schemas it names first."""

from __future__ import annotations

from pathlib import Path

from generator.spec.navigator import component_schemas
from generator.spec.reading import load_spec
from tests.specs import write

SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
paths: {}
components:
  schemas:
    Job: {type: object}
    Task: {$ref: "#/components/schemas/Job"}
    Id: {type: string}
"""


def test_component_schemas_are_listed_by_name_in_file_order(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "api.yaml", SPEC))
    found = component_schemas(spec)
    assert list(found) == ["Job", "Task", "Id"]
    assert found["Id"].value == {"type": "string"}


def test_a_component_that_is_a_ref_is_listed_as_itself(tmp_path: Path) -> None:
    # An alias keeps its own name: the collector makes a class for it that points at the target.
    spec = load_spec(write(tmp_path, "api.yaml", SPEC))
    task = component_schemas(spec)["Task"]
    assert task.pointer == "/components/schemas/Task"
    assert task.value == {"$ref": "#/components/schemas/Job"}


def test_a_spec_without_components_has_no_component_schemas(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "api.yaml", "openapi: 3.1.0\npaths: {}\n"))
    assert component_schemas(spec) == {}
