"""The navigator's answers that ``validate`` (and ``diff``) need beyond the common ones: where an
operation's operationId is written, whatever it holds."""

from __future__ import annotations

from pathlib import Path

from generator.spec.navigator import operation_id_at, path_operations
from generator.spec.reading import load_spec
from tests.specs import write

SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
paths:
  /jobs:
    get: {operationId: listJobs, responses: {}}
    post: {operationId: 5, responses: {}}
    put: {responses: {}}
"""


def test_the_operation_id_is_found_where_it_is_written_whatever_it_holds(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "api.yaml", SPEC))
    by_method = {op.method: op for op in path_operations(spec)}
    listed = operation_id_at(by_method["get"])
    assert listed is not None and listed.pointer == "/paths/~1jobs/get/operationId"
    assert listed.value == "listJobs"
    # A number is no usable id, but it is written there: validate points at it, diff compares it.
    numbered = operation_id_at(by_method["post"])
    assert by_method["post"].operation_id is None
    assert numbered is not None and numbered.value == 5
    assert operation_id_at(by_method["put"]) is None
