"""What datamodel-code-generator may be told by a spec (nothing that imports, fetches or merges)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from generator.api import generate
from generator.generate.ir import NamedSchema, Source
from generator.generate.model_input import SCHEMA_KEYWORDS, prepare
from tests.generate.packages import (
    generate_and_import,
    models_spec,
    mypy_strict,
    run_in,
    write_spec,
)
from tests.servers import counting_server

#: Keys datamodel-code-generator acts on that a spec must not be able to use.
DANGEROUS = {
    "x-python-type": "venv.__main__.X",
    "x-python-import": {"from": "venv.__main__", "import": "X"},
    "customTypePath": "venv.__main__.X",
    "customBasePath": "venv.__main__.Base",
    "x-enum-varnames": ["__import__"],
    "$id": "http://127.0.0.1:9/x.json",
    "$anchor": "x",
    "title": "Title",
}


def keys_in(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {key for value in node.values() for key in keys_in(value)}
    if isinstance(node, list):
        return {key for item in node for key in keys_in(item)}
    return set()


def named(name: str, schema: Any) -> NamedSchema:
    return NamedSchema(name, schema, Source("api.yaml", f"/components/schemas/{name}", 1))


def test_only_allowlisted_keywords_reach_the_model_generator() -> None:
    schema = {
        "type": "object",
        **DANGEROUS,
        "properties": {
            "a": {"type": "string", **DANGEROUS},
            "b": {"$dynamicRef": "http://127.0.0.1:9/x.json", **DANGEROUS},
            "c": {
                "oneOf": [{"$ref": "#/components/schemas/Other"}],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {
                        "x": "http://127.0.0.1:9/x.json",
                        "y": "#/components/schemas/Other",
                    },
                },
            },
        },
    }
    given = prepare([named("Thing", schema), named("Other", {"type": "object"})])
    seen = keys_in(list(given.schemas.values()))
    # Property names are keys too; the rest must be allowlisted. A discriminator never gets there
    # (specgen reads it itself, see generator/generate/discriminators.py), nor its mapping's URLs.
    assert seen - {"a", "b", "c"} <= SCHEMA_KEYWORDS
    assert "discriminator" not in seen
    assert "127.0.0.1" not in json.dumps(given.schemas)


def test_a_spec_cannot_make_the_package_import_or_fetch_anything(tmp_path: Path) -> None:
    with counting_server(b'{"type": "string"}') as (url, requests):
        spec = models_spec(
            "Imports",
            {
                "Thing": {
                    "type": "object",
                    **DANGEROUS,
                    "properties": {
                        "a": {"type": "string", **DANGEROUS},
                        "b": {"$dynamicRef": f"{url}/dynamic.json"},
                        "c": {"$recursiveRef": f"{url}/recursive.json"},
                    },
                }
            },
        )
        path = write_spec(tmp_path, "imports", spec)
        result = generate([path], tmp_path / "out")
        assert requests == [], "generation reached out to the network"
    if result.blocked:
        return  # refusing the spec is fine too; reaching the network or importing is not
    models = (tmp_path / "out" / "imports" / "models.py").read_text(encoding="utf-8")
    assert "venv" not in models and "__main__" not in models
    probe = run_in(
        tmp_path / "out",
        "import sys, imports; print(sorted(m for m in sys.modules if 'venv' in m))",
        None,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[]"


def test_descriptions_that_look_like_internal_tokens_stay_as_written(tmp_path: Path) -> None:
    text = "specgentext000000z and specgentextx000001z"
    spec = models_spec(
        "Tokens",
        {
            "Thing": {"type": "string", "enum": [text], "description": text},
            "Other": {
                "type": "object",
                "description": "plain",
                "properties": {text: {"type": "string"}},
            },
        },
    )
    path = write_spec(tmp_path, "tokens", spec)
    package: Any = generate_and_import(tmp_path, path, "tokens_out")
    assert package.models.Thing.__doc__ == text
    assert [member.value for member in package.models.Thing] == [text]
    assert package.models.Other.model_validate({text: "v"}).model_dump(by_alias=True) == {text: "v"}


#: Property names that Python identifiers would merge (NFKC): ligature, compatibility and
#: decomposed forms beside their plain spellings.
MERGING_NAMES = [
    "\ufb01le",
    "file",
    "\u00e9t\u00e9",
    "e\u0301te\u0301",
    "\u212bngstr\u00f6m",
    "\u00c5ngstr\u00f6m",
]


def test_property_names_python_would_merge_stay_separate_fields(tmp_path: Path) -> None:
    spec = models_spec(
        "Merging",
        {
            "Thing": {
                "type": "object",
                "properties": {name: {"type": "string"} for name in MERGING_NAMES},
            }
        },
    )
    path = write_spec(tmp_path, "merging", spec)
    package: Any = generate_and_import(tmp_path, path, "merging_out")
    payload = {name: f"value {index}" for index, name in enumerate(MERGING_NAMES)}
    thing = package.models.Thing.model_validate(payload)
    assert len(package.models.Thing.model_fields) == len(MERGING_NAMES)
    assert thing.model_dump(by_alias=True) == payload, "a property was lost or merged"


SHADOWING_SPEC = """\
openapi: 3.1.0
info: {title: Shadows, version: "2.0 \u00e9dition \u2603"}
servers:
  - url: "https://{str}.{base64}.example.test/{httpx}/{pair}"
    variables:
      str: {default: a}
      base64: {default: b}
      httpx: {default: c}
      pair: {default: d}
paths:
  /{self}/{params}:
    get:
      operationId: base_url
      parameters:
        - {name: self, in: path, required: true, schema: {type: string}}
        - {name: params, in: path, required: true, schema: {type: string}}
        - {name: headers, in: query, schema: {type: string}}
        - {name: response, in: query, schema: {type: string}}
        - {name: models, in: query, schema: {type: string}}
      responses:
        "204": {description: done}
  /list:
    get:
      operationId: list
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
  /str:
    get:
      operationId: str
      parameters:
        - {name: str, in: query, schema: {type: string}}
        - {name: int, in: query, schema: {type: integer}}
      responses:
        "204": {description: done}
  /close:
    post:
      operationId: close
      responses:
        "204": {description: done}
"""


def test_spec_names_never_shadow_what_the_client_uses(tmp_path: Path) -> None:
    spec = tmp_path / "shadows.yaml"
    spec.write_text(SHADOWING_SPEC, encoding="utf-8")
    package: Any = generate_and_import(tmp_path, spec, "shadows_out")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/list"):
            return httpx.Response(200, json=["x"])
        return httpx.Response(204)

    with package.Client(transport=httpx.MockTransport(handler)) as client:
        # Every operation is still callable, whatever its name, and the constructor still works.
        methods = sorted(name for name in vars(package.Client) if not name.startswith("_"))
        assert {"close", "base_url_", "list_", "str_"} <= set(methods), methods
        client.base_url_("s", "p", headers_="h", response_="r", models_="m")
        assert client.list_() == ["x"]
        client.str_(str="x", int=1)
        client.close_()
    assert str(seen[0].url) == "https://a.b.example.test/c/d/s/p?headers=h&response=r&models=m"
    # A version that is not ASCII still makes a valid header.
    assert all(request.headers["User-Agent"].isascii() for request in seen)
    result = mypy_strict(tmp_path / "shadows_out")
    assert result.returncode == 0, result.stdout + result.stderr


def test_enum_values_that_normalise_alike_keep_distinct_members(tmp_path: Path) -> None:
    # Member names derived from these would merge or be read as other names by Python (NFKC).
    values = [
        "\u00bae\u00ed",
        "oei",
        "\ufb01",
        "fi",
        "\u2163",
        "\uff46\uff55\uff4c\uff4c",
        "",
        "名前",
    ]
    spec = models_spec("Members", {"Kind": {"type": "string", "enum": values}})
    path = write_spec(tmp_path, "members", spec)
    package: Any = generate_and_import(tmp_path, path, "members_out")
    assert [member.value for member in package.models.Kind] == values
    assert all(member.name.isascii() for member in package.models.Kind)


def test_fields_named_like_builtin_types_keep_their_types(tmp_path: Path) -> None:
    spec = models_spec(
        "Builtins",
        {
            "Thing": {
                "type": "object",
                "properties": {
                    "str": {"type": "string"},
                    "int": {"type": "integer"},
                    "list": {"type": "array", "items": {"type": "string"}},
                    "later": {"type": "string"},
                    "count": {"type": "integer"},
                },
            }
        },
    )
    path = write_spec(tmp_path, "builtins_spec", spec)
    package: Any = generate_and_import(tmp_path, path, "builtins_out")
    payload = {"str": "a", "int": 1, "list": ["x"], "later": "b", "count": 2}
    assert package.models.Thing.model_validate(payload).model_dump(by_alias=True) == payload


def test_enum_defaults_and_members_named_like_their_class_type_check(tmp_path: Path) -> None:
    # An enum `C` with a member `C`, enum defaults, enums named `Self` and `Typing`: each once made
    # the generated models fail mypy --strict (found by the generation fuzzer). Inline enums are
    # named after their field (`JobStatus`); components keep their names.
    spec = models_spec(
        "Enums",
        {
            "Job": {
                "type": "object",
                "properties": {
                    "status": {"type": "string", "enum": ["queued", "done"], "default": "queued"},
                    "level": {"type": "integer", "enum": [1, 2], "default": 2},
                    "c": {"$ref": "#/components/schemas/C", "default": "C"},
                    "C": {"type": "string", "enum": ["C"]},
                    "self": {"$ref": "#/components/schemas/Self", "default": 2},
                    "typing": {"$ref": "#/components/schemas/Typing"},
                },
            },
            "C": {"type": "string", "enum": ["C"]},
            "Self": {"type": "integer", "enum": [1, 2]},
            "Typing": {"type": "string", "enum": ["a"]},
        },
    )
    package: Any = generate_and_import(tmp_path, write_spec(tmp_path, "enums", spec), "enums_out")
    job = package.models.Job()
    assert job.status == "queued" and isinstance(job.status, package.models.JobStatus)
    assert job.level == 2
    result = mypy_strict(tmp_path / "enums_out")
    assert result.returncode == 0, result.stdout + result.stderr


ROOT_TYPES_SPEC = """\
openapi: 3.1.0
info: {title: Roots, version: "1"}
paths:
  /days:
    get:
      operationId: listDays
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string, format: date}}
  /amounts:
    get:
      operationId: listAmounts
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: number, format: decimal}}
components:
  schemas:
    Event:
      type: object
      properties:
        # A field named like a type: datamodel-code-generator then imports the type under an alias.
        date: {type: string, format: date}
        later: {type: string, format: date}
"""


def test_list_responses_of_imported_types_read_right_in_the_client(tmp_path: Path) -> None:
    spec = tmp_path / "roots.yaml"
    spec.write_text(ROOT_TYPES_SPEC, encoding="utf-8")
    package: Any = generate_and_import(tmp_path, spec, "roots_out")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=["2024-02-29"] if "days" in request.url.path else [1.5])

    with package.Client(
        base_url="https://x.test", transport=httpx.MockTransport(handler)
    ) as client:
        assert [day.isoformat() for day in client.list_days()] == ["2024-02-29"]
        assert [str(amount) for amount in client.list_amounts()] == ["1.5"]
    result = mypy_strict(tmp_path / "roots_out")
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_additional_properties_keep_their_type(tmp_path: Path) -> None:
    spec = models_spec(
        "Extras",
        {
            "Labels": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "additionalProperties": {"type": "integer"},
            }
        },
    )
    package: Any = generate_and_import(tmp_path, write_spec(tmp_path, "extras", spec), "extras_out")
    labels = package.models.Labels.model_validate({"name": "x", "a": 1, "b": 2})
    assert labels.model_dump() == {"name": "x", "a": 1, "b": 2}
    assert mypy_strict(tmp_path / "extras_out").returncode == 0
