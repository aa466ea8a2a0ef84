"""A generated method's ``body`` argument follows the Request Body Object, wherever it is written."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from tests.generate.packages import generate_and_import
from tests.specs import write

#: A body shared through ``components/requestBodies``: whether it is required, and what it is, are
#: said there, not beside the ``$ref``.
SHARED_BODY_SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
servers:
  - url: https://api.example.test/v1
paths:
  /jobs:
    post:
      operationId: createJob
      requestBody: {$ref: "#/components/requestBodies/NewJob"}
      responses:
        "201": {description: created}
components:
  requestBodies:
    NewJob:
      required: true
      description: The job to run, with its command line.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Job"}
  schemas:
    Job:
      type: object
      required: [command]
      properties:
        command: {type: string}
"""


def test_a_referenced_required_body_is_a_positional_argument_and_documented(
    tmp_path: Path,
) -> None:
    spec = write(tmp_path, "jobs.yaml", SHARED_BODY_SPEC)
    package: Any = generate_and_import(tmp_path, spec, "shared_body_out")

    for client in (package.Client, package.AsyncClient):
        body = inspect.signature(client.create_job).parameters["body"]
        assert body.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        assert body.default is inspect.Parameter.empty
        documented = " ".join(str(inspect.getdoc(client.create_job)).split())
        assert "body: The job to run, with its command line." in documented
    assert package.models.Job(command="make").command == "make"
