"""`specgen bundle`: one self-contained OpenAPI file and one JSON Schema per spec, byte-stable."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi

from generator.bundle.documents import json_schema, openapi_bundle
from generator.spec.reading import load_spec
from tests.bounded import bounded_specgen
from tests.commands import specgen
from tests.paths import SPEC_NAMES, SPECS
from tests.specs import INVALID_SPEC, MINIMAL_SPEC, UNUSABLE, write, write_unusable

MULTI_FILE = {
    "api.yaml": """\
openapi: 3.1.0
info: {title: Multi, version: "1"}
paths:
  /jobs/{jobId}:
    get:
      operationId: getJob
      parameters:
        - $ref: "parameters.yaml#/jobId"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "schemas/job.yaml#/Job"}
              examples:
                shared: {$ref: "examples.yaml#/aJob"}
components:
  schemas:
    Local:
      type: object
      properties:
        job: {$ref: "schemas/job.yaml#/Job"}
""",
    "parameters.yaml": "jobId: {name: jobId, in: path, required: true, schema: {type: string}}\n",
    "examples.yaml": "aJob: {summary: a job, value: {id: j1, next: {id: j2}}}\n",
    "schemas/job.yaml": """\
Job:
  type: object
  required: [id]
  properties:
    id: {type: string}
    next: {$ref: "#/Job"}
""",
}


@pytest.fixture
def multi_file(tmp_path: Path) -> Path:
    for name, text in MULTI_FILE.items():
        write(tmp_path, name, text)
    return tmp_path / "api.yaml"


def test_external_refs_are_brought_in_and_cycles_kept_as_component_refs(multi_file: Path) -> None:
    bundled = openapi_bundle(load_spec(multi_file))
    validate_openapi(bundled)
    assert "$ref" not in json.dumps(bundled).replace('"$ref": "#/', "")
    operation = bundled["paths"]["/jobs/{jobId}"]["get"]
    assert operation["parameters"] == [
        {"name": "jobId", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    media = operation["responses"]["200"]["content"]["application/json"]
    assert media["schema"] == {"$ref": "#/components/schemas/Job"}
    assert media["examples"]["shared"]["value"] == {"id": "j1", "next": {"id": "j2"}}
    schemas = bundled["components"]["schemas"]
    assert schemas["Job"]["properties"]["next"] == {"$ref": "#/components/schemas/Job"}
    assert schemas["Local"]["properties"]["job"] == {"$ref": "#/components/schemas/Job"}


def test_json_schema_has_every_schema_under_defs_and_fits_the_metaschema(multi_file: Path) -> None:
    schema = json_schema(load_spec(multi_file))
    jsonschema_rs.meta.validate(schema)
    assert set(schema["$defs"]) == {"Local", "Job"}
    assert schema["x-specgen-bodies"] == {"getJob": {"200": "#/$defs/Job"}}
    job = jsonschema_rs.validator_for({**schema, "$ref": "#/$defs/Job"})
    assert job.is_valid({"id": "a", "next": {"id": "b"}})
    assert not job.is_valid({"next": {"id": "b"}})


def test_openapi_30_keywords_become_json_schema(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        "api.yaml",
        MINIMAL_SPEC.replace("openapi: 3.1.0", "openapi: 3.0.3").replace(
            "        id: {type: string, format: uuid}",
            "        id: {type: string, format: uuid, nullable: true, example: 3c90c3cc-0d44-4b50-8888-8dd25736052a}\n"
            "        pet:\n"
            "          oneOf: [{$ref: '#/components/schemas/Cat'}]\n"
            "          discriminator: {propertyName: kind}\n"
            "          xml: {name: pet}\n"
            "    Cat: {type: object, properties: {kind: {type: string}}}",
        ),
    )
    schema = json_schema(load_spec(spec))
    jsonschema_rs.meta.validate(schema)
    job = schema["$defs"]["Job"]["properties"]
    assert job["id"] == {
        "type": ["string", "null"],
        "format": "uuid",
        "examples": ["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
    }
    assert job["pet"] == {"oneOf": [{"$ref": "#/$defs/Cat"}]}
    # The OpenAPI bundle of a 3.0 spec stays 3.0: `nullable` is kept there.
    bundled = openapi_bundle(load_spec(spec))
    assert bundled["components"]["schemas"]["Job"]["properties"]["id"]["nullable"] is True
    validate_openapi(bundled)


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_shipped_bundles_are_valid_openapi_and_json_schema(name: str) -> None:
    spec = load_spec(SPECS / f"{name}.yaml")
    validate_openapi(openapi_bundle(spec))
    jsonschema_rs.meta.validate(json_schema(spec))


def test_cli_writes_both_files_per_spec_deterministically_in_json_and_yaml(tmp_path: Path) -> None:
    first, second, as_yaml = tmp_path / "a", tmp_path / "b", tmp_path / "y"
    assert specgen("bundle", "specs", "--out", first).returncode == 0
    assert specgen("bundle", "specs", "--out", second).returncode == 0
    result = specgen("bundle", "specs/anon.yaml", "--out", as_yaml, "--format", "yaml")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(f"{n}.{kind}.json" for n in SPEC_NAMES for kind in ("openapi", "schema"))
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), f"{path.name} differs"
    from_yaml = yaml.safe_load((as_yaml / "anon.openapi.yaml").read_text())
    assert from_yaml == json.loads((first / "anon.openapi.json").read_text())


def test_a_spec_with_errors_is_not_bundled(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", INVALID_SPEC)
    result = specgen("bundle", tmp_path / "bad.yaml", "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "server-variables: error" in result.stderr
    assert not (tmp_path / "out").exists()
    assert specgen("bundle", "specs").returncode == 2, "--out is required"


@pytest.mark.parametrize("case", sorted(UNUSABLE))
def test_an_unusable_spec_is_refused_with_its_located_errors(tmp_path: Path, case: str) -> None:
    spec = write_unusable(tmp_path, case)
    result = specgen("bundle", spec.relative_to(tmp_path), "--out", "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    first, *_, last = result.stderr.splitlines()
    assert first.startswith(UNUSABLE[case][2] + ": error: "), result.stderr
    assert "not a usable OpenAPI document" in last
    assert not (tmp_path / "out").exists()


def test_one_unusable_spec_among_good_ones_bundles_none(tmp_path: Path) -> None:
    write_unusable(tmp_path / "specs", "json-array")
    write(tmp_path, "specs/good.yaml", MINIMAL_SPEC)
    result = specgen("bundle", "specs", "--out", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("specs/spec.json:1:1: openapi-schema: error: ")
    assert not (tmp_path / "out").exists()


HOSTILE = Path(__file__).resolve().parent.parent / "hostile" / "spec"


@pytest.mark.parametrize(
    ("case", "where", "message"),
    [
        # 3.6 KB whose references double at each of 22 levels: measured, not copied.
        ("callback-fanout", r"callbacks\.yaml:\d+:\d+: ", "--max-inlined-values"),
        # References that come back to where they are: inlining them could never end.
        ("callback-cycle", r"callbacks\.yaml:12:16: ", "leads back to an object it is inside of"),
    ],
)
def test_references_that_fan_out_or_cycle_across_files_are_located_errors_in_bounded_time(
    tmp_path: Path, case: str, where: str, message: str
) -> None:
    started = time.perf_counter()
    result = bounded_specgen(
        "bundle", HOSTILE / case / "spec.yaml", "--out", tmp_path / "out", cwd=tmp_path, seconds=60
    )
    assert result.returncode == 2
    assert re.search(where, result.stderr) and message in result.stderr, result.stderr
    assert time.perf_counter() - started < 30
    assert not (tmp_path / "out").exists()


def test_fan_out_within_the_limit_is_bundled_and_the_limit_is_a_flag(tmp_path: Path) -> None:
    spec = HOSTILE / "callback-fanout" / "spec.yaml"
    out = tmp_path / "out"
    # Bundled from c18 on, the same references copy 2**6 objects: well within the default.
    small = write(tmp_path, "small/spec.yaml", spec.read_text().replace("#/c1", "#/c18"))
    write(tmp_path, "small/callbacks.yaml", (spec.parent / "callbacks.yaml").read_text())
    assert bounded_specgen("bundle", small, "--out", out, cwd=tmp_path).returncode == 0
    bundled = json.loads((out / "spec.openapi.json").read_text())
    assert "$ref" not in json.dumps(bundled["paths"])
    refused = bounded_specgen(
        "bundle", small, "--out", out, "--max-inlined-values=50", cwd=tmp_path
    )
    assert refused.returncode == 2
    assert "--max-inlined-values" in refused.stderr


def test_callbacks_that_reference_each_other_in_the_spec_stay_references(tmp_path: Path) -> None:
    text = MINIMAL_SPEC.replace(
        "      parameters:",
        "      callbacks:\n        ping: {$ref: '#/components/callbacks/ping'}\n      parameters:",
    )
    text += (
        "  callbacks:\n"
        "    ping:\n"
        "      '{$request.body#/url}':\n"
        "        post:\n"
        "          responses: {'200': {description: ok}}\n"
        "          callbacks: {pong: {$ref: '#/components/callbacks/ping'}}\n"
    )
    bundled = openapi_bundle(load_spec(write(tmp_path, "api.yaml", text)))
    ping = bundled["components"]["callbacks"]["ping"]["{$request.body#/url}"]["post"]
    assert ping["callbacks"] == {"pong": {"$ref": "#/components/callbacks/ping"}}
