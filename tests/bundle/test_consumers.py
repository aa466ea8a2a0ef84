"""Real tools consume what ``specgen bundle`` writes; nothing here is mocked.

For each shipped spec, ``python -m generator bundle specs --out DIR`` writes
``DIR/<api>.openapi.json`` and ``DIR/<api>.schema.json`` (once per module), and:

- **openapi-typescript** turns the OpenAPI bundle into TypeScript types (the same types from the
  ``--format yaml`` bundle), and ``tsc --noEmit --strict`` compiles, against them, a usage example
  written by hand (``tests/bundle/typescript/<api>.ts``) and every response example of the spec as a
  value of its response type.
- **OpenAPI Generator** validates the OpenAPI bundle without a single finding, and generates a
  ``typescript-fetch`` client from it, which ``tsc --strict`` compiles.
- **jsonschema-rs**: the JSON Schema bundle fits the 2020-12 metaschema, and every response example
  of the spec fits its body's schema there (``{"$ref": "<api>.schema.json#/$defs/<Name>"}``, with
  format checks), except the page contradictions the README lists, which fail for exactly their
  documented reason.

The tools are installed from the repository's pins (see :mod:`tests.consumers`). The module takes
40 to 60 s on two cores: openapi-typescript (10 runs) and tsc (11) take 1.2 to 2 s a run, OpenAPI
Generator 1.5 to 2.5 s a validation, and 5 to 12 s to generate the five clients in one JVM and
compile them in one tsc run.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from generator.spec import pointer as jp
from tests.commands import specgen
from tests.consumers import Run, openapi_generator, openapi_typescript, typecheck
from tests.paths import SPEC_NAMES
from tests.shipped import shipped_spec

TYPESCRIPT_USAGE = Path(__file__).resolve().parent / "typescript"
"""The hand-written TypeScript usage examples, one per API."""

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# -- the examples of the specs, and where the pages contradict themselves ------------------------


@dataclass(frozen=True)
class Example:
    """A named example of a response body, as ``paths/<path>/<method>/responses/...`` holds it."""

    api: str
    path: str
    method: str
    operation_id: str
    status: str
    media_type: str
    name: str

    def __str__(self) -> str:
        return f"{self.api}-{self.operation_id}-{self.status}-{self.name}"

    @property
    def pointer(self) -> str:
        """Where the example's value is in an OpenAPI document."""
        return jp.join(
            "",
            "paths",
            self.path,
            self.method,
            "responses",
            self.status,
            "content",
            self.media_type,
            "examples",
            self.name,
            "value",
        )

    def value(self, document: Mapping[str, Any]) -> Any:
        """The example's value in ``document`` (a spec or its bundle)."""
        return jp.resolve(document, self.pointer)

    def typescript_type(self) -> str:
        """The TypeScript type openapi-typescript gives this body, indexed from ``paths``."""
        keys = (self.path, self.method, "responses", self.status, "content", self.media_type)
        return "paths" + "".join(f"[{json.dumps(key)}]" for key in keys)


def response_examples(api: str, document: Mapping[str, Any]) -> list[Example]:
    """Every named example of every response body in an OpenAPI ``document``, in file order."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method in _HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                for media_type, media in response.get("content", {}).items():
                    for name in media.get("examples", {}):
                        found.append(
                            Example(
                                api,
                                path,
                                method,
                                operation["operationId"],
                                str(status),
                                media_type,
                                name,
                            )
                        )
    return found


@dataclass(frozen=True)
class Contradiction:
    """A page's example that breaks the same page's schema (README: "When a page contradicts itself")."""

    what: str
    reasons: frozenset[tuple[str, str]]
    """How the example fails its JSON Schema: (JSON pointer into the example, keyword)."""
    typescript_sees_it: bool
    """Whether TypeScript's types can tell (a ``format`` is only a comment to them)."""


CONTRADICTIONS = {
    "altostrat-getJobDetails-200-page": Contradiction(
        "log_url is documented as string<uri>, but the example is a relative reference with { }",
        frozenset({("/log_url", "format")}),
        typescript_sees_it=False,
    ),
    "alteryx-getJobMessages-200-page": Contradiction(
        "the endpoint returns all messages of a job, but the example is one message object",
        frozenset({("", "type")}),
        typescript_sees_it=True,
    ),
    "elasticpath-getJob-404-from-schema": Contradiction(
        "the 404 example lacks the `errors` array its schema requires",
        frozenset({("", "required")}),
        typescript_sees_it=True,
    ),
}

EXAMPLES = [
    example for api in SPEC_NAMES for example in response_examples(api, shipped_spec(api).data)
]
"""The response examples of the shipped specs (the examples shown on the vendors' pages)."""


def test_every_listed_contradiction_is_an_example_of_a_shipped_spec() -> None:
    assert set(CONTRADICTIONS) <= {str(example) for example in EXAMPLES}


# -- the bundles -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder ``specgen bundle specs --out DIR`` wrote: ``<api>.openapi.json``, ``.schema.json``."""
    out = tmp_path_factory.mktemp("bundles")
    result = specgen("bundle", "specs", "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def yaml_bundles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, written with ``--format yaml``: ``<api>.openapi.yaml``, ``<api>.schema.yaml``."""
    out = tmp_path_factory.mktemp("yaml-bundles")
    result = specgen("bundle", "specs", "--out", out, "--format", "yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def load(path: Path) -> dict[str, Any]:
    """A bundle file, JSON or YAML."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text)
    assert isinstance(data, dict), f"{path} is not a mapping"
    return data


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_the_bundle_keeps_every_response_example_of_the_spec(api: str, bundles: Path) -> None:
    bundle = load(bundles / f"{api}.openapi.json")
    spec = shipped_spec(api).data
    examples = response_examples(api, spec)
    # The bundle's keys are sorted; the spec's are in the order they were written.
    assert sorted(response_examples(api, bundle), key=str) == sorted(examples, key=str)
    for example in examples:
        assert example.value(bundle) == example.value(spec), example


# -- openapi-typescript and tsc --------------------------------------------------------------------


class TypeScriptTypes:
    """openapi-typescript's output for each bundle, generated on first use, once per module."""

    def __init__(self, bundles: Path, folder: Path) -> None:
        self.bundles = bundles
        self.folder = folder

    def of(self, bundle_name: str) -> Path:
        """``openapi-typescript <bundle> -o <stem>.ts``: the types module of one bundle file."""
        out = self.folder / f"{bundle_name}.ts"
        if not out.exists():
            generated = openapi_typescript(self.bundles / bundle_name, out)
            assert generated.ok, generated
            assert out.exists(), generated
        return out

    def workspace(self, api: str, folder: Path) -> Path:
        """``folder`` holding ``<api>.openapi.ts``, the types of the JSON bundle, to import."""
        shutil.copy(self.of(f"{api}.openapi.json"), folder / f"{api}.openapi.ts")
        return folder


@pytest.fixture(scope="module")
def typescript(bundles: Path, tmp_path_factory: pytest.TempPathFactory) -> TypeScriptTypes:
    """The types openapi-typescript writes for each bundle (see :class:`TypeScriptTypes`)."""
    return TypeScriptTypes(bundles, tmp_path_factory.mktemp("openapi-typescript"))


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_openapi_typescript_types_every_operation_of_the_bundle(
    api: str, bundles: Path, typescript: TypeScriptTypes
) -> None:
    types = typescript.of(f"{api}.openapi.json").read_text(encoding="utf-8")
    bundle = load(bundles / f"{api}.openapi.json")
    assert "export interface paths {" in types
    for path in bundle["paths"]:
        assert f"    {json.dumps(path)}: {{" in types, f"{path} is not typed"
    for schema in bundle.get("components", {}).get("schemas", {}):
        assert f"        {schema}: " in types, f"components.schemas.{schema} is not typed"


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_the_yaml_bundle_gives_the_same_types(
    api: str, yaml_bundles: Path, typescript: TypeScriptTypes, tmp_path: Path
) -> None:
    from_yaml = tmp_path / f"{api}.openapi.ts"

    generated = openapi_typescript(yaml_bundles / f"{api}.openapi.yaml", from_yaml)

    assert generated.ok, generated
    from_json = typescript.of(f"{api}.openapi.json")
    assert from_yaml.read_text(encoding="utf-8") == from_json.read_text(encoding="utf-8")


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_typescript_usage_example_compiles_in_strict_mode(
    api: str, typescript: TypeScriptTypes, tmp_path: Path
) -> None:
    workspace = typescript.workspace(api, tmp_path)
    shutil.copy(TYPESCRIPT_USAGE / f"{api}.ts", workspace / f"{api}.ts")

    compiled = typecheck(workspace, [f"{api}.ts"])

    assert compiled.ok, compiled


def examples_module(api: str, bundle: Mapping[str, Any]) -> str:
    """TypeScript declaring each response example of ``bundle`` as a value of its body's type.

    An example that contradicts its schema in a way TypeScript can see is marked
    ``// @ts-expect-error``, so tsc fails if it ever fits (the directive is then unused).
    """
    lines = [f'import type {{ paths }} from "./{api}.openapi";']
    for index, example in enumerate(response_examples(api, bundle)):
        lines += [
            "",
            f"// {example.method.upper()} {example.path}: {example.status} {example.media_type}, "
            f"example {example.name!r}",
        ]
        value = example.value(bundle)
        contradiction = CONTRADICTIONS.get(str(example))
        if contradiction is not None and contradiction.typescript_sees_it:
            # The directive covers the next line only, and tsc may report the error at any
            # member of the value: the whole declaration goes on that line.
            lines.append(f"// @ts-expect-error {contradiction.what}")
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False)
        lines.append(f"export const example{index}: {example.typescript_type()} = {text};")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_every_response_example_has_its_typescript_response_type(
    api: str, bundles: Path, typescript: TypeScriptTypes, tmp_path: Path
) -> None:
    workspace = typescript.workspace(api, tmp_path)
    source = examples_module(api, load(bundles / f"{api}.openapi.json"))
    (workspace / "examples.ts").write_text(source, encoding="utf-8")

    compiled = typecheck(workspace, ["examples.ts"])

    assert compiled.ok, f"{compiled}\nexamples.ts:\n{source}"


# -- OpenAPI Generator ---------------------------------------------------------------------------


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_openapi_generator_finds_nothing_to_report(api: str, bundles: Path) -> None:
    validated = openapi_generator(
        "validate", "--recommend", "--input-spec", bundles / f"{api}.openapi.json"
    )

    assert validated.ok, validated
    assert "No validation issues detected." in validated.output, validated


@dataclass(frozen=True)
class Clients:
    """``typescript-fetch`` clients generated from the bundles, and tsc's verdict on them."""

    out: Path
    """Each API's client is in ``out/<api>/``."""
    generated: Run
    """OpenAPI Generator's ``batch`` run, which generated them all."""
    compiled: Run | None
    """``tsc --strict`` on every client's ``index.ts`` at once (None if generation failed)."""

    def diagnostics(self, api: str) -> list[str]:
        """tsc's error lines about one API's client."""
        assert self.compiled is not None
        return [line for line in self.compiled.output.splitlines() if line.startswith(f"{api}/")]


@pytest.fixture(scope="module")
def typescript_fetch_clients(bundles: Path, tmp_path_factory: pytest.TempPathFactory) -> Clients:
    """A ``typescript-fetch`` client per bundle, generated in one JVM and compiled in one tsc run.

    ``openapi-generator-cli batch`` takes one configuration file per client; it validates each
    spec before generating, as ``generate`` does (no ``--skip-validate-spec``).
    """
    out = tmp_path_factory.mktemp("typescript-fetch")
    configs = []
    for api in SPEC_NAMES:
        config = out / f"{api}.yaml"
        settings = {
            "generatorName": "typescript-fetch",
            "inputSpec": str(bundles / f"{api}.openapi.json"),
            "outputDir": str(out / api),
        }
        config.write_text(yaml.safe_dump(settings), encoding="utf-8")
        configs.append(config)
    generated = openapi_generator("batch", "--", *configs, cwd=out)
    if not generated.ok:
        return Clients(out, generated, None)
    # One program for the five clients: each has its own folder, so nothing clashes.
    compiled = typecheck(out, [f"{api}/index.ts" for api in SPEC_NAMES], dom=True)
    return Clients(out, generated, compiled)


# OpenAPI Generator renames models whose names TypeScript already uses.
_TYPESCRIPT_FETCH_MODEL_NAMES = {"Error": "ModelError"}


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_openapi_generator_generates_a_typescript_client_that_compiles(
    api: str, bundles: Path, typescript_fetch_clients: Clients
) -> None:
    clients = typescript_fetch_clients
    assert clients.generated.ok, clients.generated
    client = clients.out / api
    generated = (client / ".openapi-generator" / "FILES").read_text(encoding="utf-8").split()
    assert "apis/index.ts" in generated and "runtime.ts" in generated, generated
    assert [name for name in generated if not (client / name).is_file()] == []
    # The bundle keeps `#/components/schemas` refs, so each component schema is a named model.
    schemas = load(bundles / f"{api}.openapi.json")["components"]["schemas"]
    models = {path.stem for path in (client / "models").glob("*.ts")}
    assert {_TYPESCRIPT_FETCH_MODEL_NAMES.get(name, name) for name in schemas} <= models

    assert clients.diagnostics(api) == [], clients.compiled
    # Any failure must be some client's: a tsc that fails without naming a file fails them all.
    assert clients.compiled is not None
    assert clients.compiled.ok or any(clients.diagnostics(other) for other in SPEC_NAMES), (
        clients.compiled
    )


# -- JSON Schema (jsonschema-rs) -----------------------------------------------------------------


def refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` value in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def validator(schema_file: Path, definition: str) -> Any:
    """A validator for ``{"$ref": "<file URI><definition>"}``, with format checks.

    The schema document is registered under its file URI, as a consumer's own schema would refer
    to it. Compiling resolves every ``$ref`` the definition reaches.
    """
    uri = schema_file.as_uri()
    return jsonschema_rs.validator_for(
        {"$ref": f"{uri}{definition}"},
        registry=jsonschema_rs.Registry([(uri, load(schema_file))]),
        validate_formats=True,
    )


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_json_schema_fits_the_2020_12_metaschema(api: str, bundles: Path) -> None:
    schema_file = bundles / f"{api}.schema.json"
    schema = load(schema_file)

    jsonschema_rs.meta.validate(schema)

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    outside = {ref for ref in refs(schema) if not ref.startswith("#/$defs/")}
    assert outside == set(), "every $ref points into $defs"
    for name in schema["$defs"]:
        validator(schema_file, f"#/$defs/{name}")  # Raises if a $ref does not resolve.


def body_validator(schema_file: Path, operation_id: str, status: str) -> Any:
    """The validator of one operation's response body for ``status``.

    The schema document's ``x-specgen-bodies`` names the ``$defs`` entry of each operation's
    bodies (of the response's first JSON media type).
    """
    bodies = load(schema_file)["x-specgen-bodies"]
    return validator(schema_file, bodies[operation_id][status])


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_response_example_fits_its_json_schema(example: Example, bundles: Path) -> None:
    value = example.value(load(bundles / f"{example.api}.openapi.json"))
    validator = body_validator(
        bundles / f"{example.api}.schema.json", example.operation_id, example.status
    )

    errors = list(validator.iter_errors(value))

    reasons = {(jp.from_parts(error.instance_path), error.schema_path[-1]) for error in errors}
    messages = "\n".join(
        f"{jp.from_parts(e.instance_path) or '(root)'}: {e.message}" for e in errors
    )
    contradiction = CONTRADICTIONS.get(str(example))
    if contradiction is None:
        assert errors == [], messages
    else:
        assert reasons == contradiction.reasons, f"{contradiction.what}, yet:\n{messages}"
