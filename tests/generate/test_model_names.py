"""Which class a response parses into: always the one generated for its schema, named from the spec.

The bug this guards against: an inline schema named like a component (a property ``customer`` next
to a component ``Customer``) took the component's class name, the component became
``CustomerModel``, and the client went on parsing ``models.Customer``: a valid payload failed, or
parsed into a smaller class and lost its fields. Each case below puts an inline schema of a
component's name somewhere else, generates and imports the client, serves a valid payload through
``httpx.MockTransport`` and dumps what the client returns back to the same keys.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.errors import SpecgenError
from generator.generate.datamodels import check_classes
from generator.generate.ir import NamedSchema, Source
from generator.generate.naming import ClassNames, class_name, nested_class_name
from tests.generate.packages import generate_and_import, write_spec

PULL = {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}}
PULL_PAYLOAD = {"id": 7, "title": "Fix"}
#: A smaller object of the same name: what the component was confused with.
LINK = {"type": "object", "properties": {"url": {"type": "string"}}}


def spec_with(components: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """A spec with ``components`` and one operation ``getThing`` answering ``response`` in 200."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Names", "version": "1"},
        "servers": [{"url": "https://api.example"}],
        "paths": {
            "/thing": {
                "get": {
                    "operationId": "getThing",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": response}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": components},
    }


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


CASES = {
    # A property `pull_request` (inline) declared before the component `PullRequest`.
    "property": (
        {
            "Issue": {"type": "object", "properties": {"pull_request": LINK}},
            "PullRequest": PULL,
        },
        ref("PullRequest"),
        PULL_PAYLOAD,
    ),
    # The response body itself is inline and named like a component its property refers to.
    "response": (
        {"GetThingResponse200": LINK, "PullRequest": PULL},
        {"type": "object", "properties": {"pull": ref("PullRequest"), "url": {"type": "string"}}},
        {"pull": PULL_PAYLOAD, "url": "u"},
    ),
    # Array items named after their property (`customers` -> item) next to `Customer`.
    "array items": (
        {
            "Shop": {
                "type": "object",
                "properties": {"customer": {"type": "array", "items": LINK}},
            },
            "Customer": PULL,
        },
        {"type": "array", "items": ref("Customer")},
        [PULL_PAYLOAD, {"id": 8, "title": "Two"}],
    ),
    # An allOf member's inline property, and a union branch, named like components.
    "allOf and anyOf": (
        {
            "Base": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Pet": {
                "allOf": [
                    ref("Base"),
                    {
                        "type": "object",
                        "properties": {
                            "owner": LINK,
                            "customer": {
                                "anyOf": [{"type": "string", "maxLength": 5}, ref("Customer")]
                            },
                        },
                    },
                ]
            },
            "Owner": PULL,
            "Customer": {"type": "array", "items": {"type": "integer"}},
        },
        ref("Owner"),
        PULL_PAYLOAD,
    ),
    # A language enum inline, and the component of that name an object map.
    "enum": (
        {
            "Repo": {
                "type": "object",
                "properties": {"language": {"type": "string", "enum": ["python", "go"]}},
            },
            "Language": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
        ref("Language"),
        {"Python": 10, "Go": 3},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_response_parses_into_the_class_of_its_schema(tmp_path: Path, case: str) -> None:
    components, response, payload = CASES[case]
    spec = write_spec(tmp_path, "names", spec_with(components, response))
    package: Any = generate_and_import(tmp_path / "out", spec)
    answer = httpx.MockTransport(lambda request: httpx.Response(200, json=payload))
    with package.Client(transport=answer) as client:
        parsed = client.get_thing()
    items = parsed if isinstance(parsed, list) else [parsed]
    dumped = [
        item.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if hasattr(item, "model_dump")
        else item
        for item in items
    ]
    assert (dumped if isinstance(parsed, list) else dumped[0]) == payload


def test_components_keep_their_names_and_inline_schemas_are_named_from_their_place(
    tmp_path: Path,
) -> None:
    components, _, _ = CASES["allOf and anyOf"]
    components = {
        **components,
        "io.k8s.api.core.v1.Pod": {"type": "object", "properties": {"spec": LINK}},
        "Field": {"type": "string", "enum": ["a", "b"]},
        "None": {"type": "object", "properties": {"x": {"type": "integer"}}},
        "tags-list": {
            "type": "array",
            "items": {"type": "object", "properties": LINK["properties"]},
        },
    }
    spec = write_spec(tmp_path, "names", spec_with(components, ref("Pet")))
    package: Any = generate_and_import(tmp_path / "out", spec)
    source = Path(package.models.__file__).read_text(encoding="utf-8")
    classes = {n.name for n in ast.parse(source).body if isinstance(n, ast.ClassDef)}
    assert {"Base", "Pet", "Owner", "Customer", "IoK8sApiCoreV1Pod"} <= classes
    # Names a models module imports or Python reserves take a suffix, never a number.
    assert {"FieldModel", "NoneModel"} <= classes
    # Inline: a property by its owner and name, array items by `Item`, a constrained union branch
    # by its field.
    assert {"PetOwner", "PetCustomer", "IoK8sApiCoreV1PodSpec", "TagsListItem"} <= classes
    assert not [name for name in classes if name[-1].isdigit() and name != "IoK8sApiCoreV1Pod"]
    assert set(package.models.Pet.model_fields) >= {"kind", "owner", "customer"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("io.k8s.api.core.v1.Pod", "IoK8sApiCoreV1Pod"),
        ("nullable-simple-user", "NullableSimpleUser"),
        ("Foo_2", "Foo2"),
        ("None", "NoneModel"),
        ("404_error", "N404Error"),
    ],
)
def test_class_names_are_letters_and_digits_and_stable(name: str, expected: str) -> None:
    assert class_name(name) == expected
    assert class_name(expected) == expected


def test_nested_names_say_where_a_schema_is_without_repeating_words() -> None:
    assert nested_class_name("Owner", "permissions") == "OwnerPermissions"
    assert nested_class_name("Job", "jobConfigJson") == "JobConfigJson"
    assert nested_class_name("Job", "jobs") == "JobJobs"


def test_class_names_take_the_first_free_candidate_then_a_number() -> None:
    names = ClassNames({"Field"})
    claimed = [names.claim("Field", "FieldModel"), names.claim("Pet"), names.claim("Pet")]
    assert claimed == ["FieldModel", "Pet", "Pet2"]


def named(name: str, schema: dict[str, Any]) -> NamedSchema:
    return NamedSchema(name, schema, Source("api.yaml", f"/components/schemas/{name}", 12))


@pytest.mark.parametrize(
    ("module", "schema", "problem"),
    [
        ("class Other(BaseModel):\n    x: int\n", PULL, "missing"),
        ("class Thing(RootModel[str]):\n    root: str\n", PULL, "should be a model"),
        ("class Thing(BaseModel):\n    url: str\n", PULL, "lacks the properties id, title"),
        ("class Thing(BaseModel):\n    a: str\n", {"enum": ["a"]}, "should be an enum"),
        (
            "class Thing(StrEnum):\n    A = 'a'\n",
            {"type": "object", "additionalProperties": {"type": "integer"}},
            "not an enum",
        ),
    ],
)
def test_a_name_that_is_not_the_class_of_its_schema_stops_generation(
    module: str, schema: dict[str, Any], problem: str
) -> None:
    with pytest.raises(SpecgenError) as raised:
        check_classes(ast.parse(module), (named("Thing", schema),))
    assert problem in raised.value.message
    assert (str(raised.value.path), raised.value.line) == ("api.yaml", 12)


def test_the_class_of_its_schema_passes_with_aliases_and_inherited_fields() -> None:
    module = (
        "class Base(BaseModel):\n    id: int\n"
        "class Thing(Base):\n    title_: Annotated[str, Field(alias='title')]\n"
    )
    check_classes(
        ast.parse(module), (named("Thing", PULL), named("Base", PULL["properties"]["id"]))
    )


def test_a_spec_without_schemas_gets_an_empty_models_module(tmp_path: Path) -> None:
    spec = spec_with({}, {"type": "string"})
    del spec["paths"]["/thing"]["get"]["responses"]["200"]["content"]
    package: Any = generate_and_import(tmp_path / "out", write_spec(tmp_path, "bare", spec))
    answer = httpx.MockTransport(lambda request: httpx.Response(200))
    with package.Client(transport=answer) as client:
        assert client.get_thing() is None


def test_an_object_with_a_union_beside_its_properties_may_be_a_root_model() -> None:
    # GitHub's secret-scanning-custom-pattern-to-update: properties, and anyOf which to require.
    schema = {**PULL, "anyOf": [{"required": ["id"]}, {"required": ["title"]}]}
    module = "class Thing(RootModel[Thing1 | Thing2]):\n    root: Thing1 | Thing2\n"
    check_classes(ast.parse(module), (named("Thing", schema),))
