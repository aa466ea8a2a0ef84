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

#: :data:`MINIMAL_SPEC` with one error: its server URL names a variable it does not declare
#: (``server-variables``, at 4:5).
INVALID_SPEC = MINIMAL_SPEC.replace(
    "https://api.example.test/v1", "https://{region}.example.test/v1"
)


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name`` (creating sub-folders) and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


#: Inputs no command can use, each as (files to write, the spec among them, the finding validate
#: gives for it as ``file:line:col: rule``): not OpenAPI at all, or ``$ref``s that cannot be followed.
UNUSABLE: dict[str, tuple[dict[str, str], str, str]] = {
    "text": (
        {"notes.txt": "just notes\nabout the API\n"},
        "notes.txt",
        "notes.txt:1:1: openapi-schema",
    ),
    "json-array": ({"spec.json": "[1, 2]\n"}, "spec.json", "spec.json:1:1: openapi-schema"),
    "yaml-not-openapi": (
        {"config.yaml": "name: jobs\nversion: 2\n"},
        "config.yaml",
        "config.yaml:1:1: openapi-version",
    ),
    "broken-ref": (
        {"api/spec.yaml": MINIMAL_SPEC.replace('schemas/Job"}', 'schemas/Gone"}')},
        "api/spec.yaml",
        "api/spec.yaml:16:24: ref-resolves",
    ),
    "ref-outside": (
        {
            "api/spec.yaml": MINIMAL_SPEC.replace(
                '"#/components/schemas/Job"', '"../job.yaml#/Job"'
            ),
            "job.yaml": "Job: {type: object}\n",
        },
        "api/spec.yaml",
        "api/spec.yaml:16:24: ref-outside",
    ),
}


def write_unusable(folder: Path, case: str) -> Path:
    """Write the files of ``UNUSABLE[case]`` into ``folder``; the path of its spec."""
    files, spec, _ = UNUSABLE[case]
    for name, text in files.items():
        write(folder, name, text)
    return folder / spec
