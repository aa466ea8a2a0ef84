"""Specs that tests write for themselves: a minimal valid one, and a way to write any text."""

from __future__ import annotations

from pathlib import Path

MINIMAL_SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
servers:
  - url: https://api.example.test/v1
paths:
  /jobs/{jobId}:
    get:
      operationId: getJob
      parameters:
        - {name: jobId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Job"}
components:
  schemas:
    Job:
      type: object
      required: [id]
      properties:
        id: {type: string, format: uuid}
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name`` (creating sub-folders) and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
