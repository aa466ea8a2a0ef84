"""The stages of `specgen generate` one after the other: collect schemas, model them, build the IR."""

from __future__ import annotations

from generator.generate.build import build_api
from generator.generate.datamodels import generate_models
from generator.generate.ir import AuthKind, ParamLocation
from generator.generate.pipeline import build_package, models_templates
from generator.generate.schemas import collect_schemas
from generator.spec.reading import load_spec
from tests.paths import ROOT


def test_the_ir_is_built_from_the_spec_and_the_models_of_its_schemas() -> None:
    spec = load_spec(ROOT / "specs" / "sitehost.yaml")

    schemas = collect_schemas(spec)
    assert [schema.class_name for schema in schemas.definitions] == ["JobResponse", "Job", "JobLog"]
    assert schemas.bodies[("get", "/job/get.json", "200")] == ("JobResponse", "application/json")

    models = generate_models(schemas.definitions, models_templates(None))
    assert models.classes == {"Job", "JobLog", "JobResponse"}

    api = build_api(spec, schemas, models)
    (scheme,) = api.security_schemes
    assert (scheme.kind, scheme.param_name, scheme.arguments) == (
        AuthKind.API_KEY_QUERY,
        "apikey",
        ("api_key",),
    )
    (operation,) = api.operations
    assert [(p.py_name, p.location) for p in operation.parameters] == [
        ("type", ParamLocation.QUERY),
        ("id", ParamLocation.QUERY),
    ]
    assert operation.return_annotation == "models.JobResponse"
    assert api == build_package(spec, models_templates(None))
