"""Generated models accept every instance their schema accepts, and give back every field they read.

Each case below is a few component schemas and JSON instances the schema accepts (checked here with
``jsonschema`` first, so a case cannot drift into testing an invalid payload). The models are
generated from one spec per OpenAPI dialect, each instance goes through ``model_validate`` and comes
back with ``model_dump(mode="json", by_alias=True, exclude_unset=True)``: the same JSON, every key
kept. The classes of bug this guards against:

- a discriminated union turned into pydantic's tagged union: tags taken from class names instead of
  the ``mapping``, a tag property the schema leaves optional made a required ``Literal`` (on the
  branch used on its own too), an instance without the tag refused;
- a union of overlapping branches where pydantic's choice loses the fields of the other branch;
- keys the schema does not declare (``additionalProperties`` absent, ``true`` or typed) dropped;
- nullable values, odd enum values, ``const``, ``readOnly``/``writeOnly``, recursion.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
import pytest

from generator.generate.naming import class_name
from generator.spec.dialect import oas30_to_2020_12
from tests.generate.packages import generate_and_import, mypy_strict, write_spec
from tests.paths import ROOT


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}

#: Two users told apart by ``user_view_type``, which neither requires (GitHub's users).
USERS = {
    "private-user": obj(["login"], login=STRING, user_view_type=STRING, plan=obj(name=STRING)),
    "public-user": obj(["login"], login=STRING, user_view_type=STRING, bio=STRING),
}

#: A tag that must stay a string in the generated code, whatever its characters.
ODD_TAG = 'b"""\\\n\u2028{{ x }}\'; import os'

#: Each case: (component schemas, the schema an instance is read as, instances).
#: Cases whose schemas are written the same in both dialects.
COMMON: dict[str, tuple[dict[str, Any], str, list[Any]]] = {
    "discriminator mapping, tag optional in the branches": (
        {
            **USERS,
            "any-user": {
                "oneOf": [ref("private-user"), ref("public-user")],
                "discriminator": {
                    "propertyName": "user_view_type",
                    "mapping": {
                        "private": "#/components/schemas/private-user",
                        "public": "#/components/schemas/public-user",
                    },
                },
            },
        },
        "any-user",
        [
            {"login": "a", "user_view_type": "private", "plan": {"name": "pro"}},
            {"login": "b", "user_view_type": "public", "bio": "hi"},
            {"login": "c", "bio": "no tag at all"},
            {"login": "d", "user_view_type": "public"},
        ],
    ),
    "a branch of a discriminated union read on its own": (
        USERS,
        "private-user",
        [{"login": "a"}, {"login": "b", "user_view_type": "public"}],
    ),
    "discriminator without mapping: the schema names are the tags": (
        {
            "Cat": obj(["kind"], kind=STRING, meow=INTEGER),
            "Dog": obj(["kind"], kind=STRING, bark=INTEGER),
            "Pet": {"oneOf": [ref("Cat"), ref("Dog")], "discriminator": {"propertyName": "kind"}},
            "Owner": obj(
                pet=ref("Pet"),
                pets={"type": "array", "items": ref("Pet")},
                inline={
                    "oneOf": [ref("Cat"), ref("Dog")],
                    "discriminator": {"propertyName": "kind"},
                },
            ),
        },
        "Owner",
        [
            {"pet": {"kind": "Cat", "meow": 1}},
            {"pets": [{"kind": "Dog", "bark": 2}, {"kind": "Cat", "meow": 3}]},
            {"inline": {"kind": "Dog", "bark": 1}},
        ],
    ),
    "discriminator on anyOf with a mapping onto one branch": (
        {
            "Card": obj(["type"], type=STRING, last4=STRING),
            "Bank": obj(["type"], type=STRING, iban=STRING),
            "Source": {
                "anyOf": [ref("Card"), ref("Bank")],
                "discriminator": {
                    "propertyName": "type",
                    "mapping": {
                        "card": "#/components/schemas/Card",
                        ODD_TAG: "#/components/schemas/Bank",
                    },
                },
            },
        },
        "Source",
        [{"type": "card", "last4": "4242"}, {"type": "Bank", "iban": "DE00"}],
    ),
    "overlapping oneOf branches": (
        {
            "Small": obj(["id"], id=INTEGER),
            "Big": obj(["id", "name"], id=INTEGER, name=STRING, extra=obj(deep=STRING)),
            "Either": {"oneOf": [ref("Small"), ref("Big")]},
        },
        "Either",
        [{"id": 1}, {"id": 2, "name": "x", "extra": {"deep": "y"}}, {"id": 3, "other": True}],
    ),
    "anyOf of an object and a string": (
        {"Label": {"anyOf": [STRING, obj(["name"], name=STRING, color=STRING)]}},
        "Label",
        ["bug", {"name": "bug", "color": "red"}, {"name": "x", "unknown": 1}],
    ),
    "allOf keeps every part's fields": (
        {
            "Base": obj(["id"], id=INTEGER),
            "Named": {"allOf": [ref("Base"), obj(["name"], name=STRING)]},
            "Three": {"allOf": [ref("Named"), obj(flag={"type": "boolean"}), ref("Base")]},
        },
        "Three",
        [{"id": 1, "name": "a"}, {"id": 1, "name": "a", "flag": True, "more": [1]}],
    ),
    "allOf of inline parts, no type beside it": (
        {"Task": {"allOf": [obj(["id"], id=STRING), obj(state=STRING)]}},
        "Task",
        [{"id": "t", "state": "done", "more": 1}],
    ),
    "properties beside a union whose branches narrow one of them (GitHub's checks/update)": (
        {
            "CheckUpdate": {
                **obj(
                    name=STRING,
                    status={"type": "string", "enum": ["queued", "in_progress", "completed"]},
                    conclusion={"type": "string", "enum": ["success", "failure"]},
                ),
                "anyOf": [
                    {"properties": {"status": {"enum": ["completed"]}}, "required": ["conclusion"]},
                    {"properties": {"status": {"enum": ["queued", "in_progress"]}}},
                ],
            }
        },
        "CheckUpdate",
        [
            {"status": "completed", "conclusion": "success"},
            {"status": "queued", "name": "lint"},
            {"name": "lint", "more": 1},
        ],
    ),
    "allOf narrowing inherited properties to unrelated types": (
        {
            "Hook": obj(["url"], url=STRING),
            "HookSummary": obj(id=INTEGER),
            "Page": obj(
                items={"type": "array", "items": {"type": "object"}},
                first=ref("HookSummary"),
                state={"type": "string", "enum": ["open", "closed"]},
                total=INTEGER,
            ),
            # A page of hooks (Callfire, NPR), its first a hook (PeerTube), always open (MotaWord).
            "HookPage": {
                "allOf": [
                    ref("Page"),
                    obj(
                        items={"type": "array", "items": ref("Hook")},
                        first=ref("Hook"),
                        state={"type": "string", "enum": ["open"]},
                    ),
                ]
            },
        },
        "HookPage",
        [
            {"items": [{"url": "a"}, {"url": "b", "id": 2}], "total": 2},
            {"first": {"url": "a", "id": 1}, "state": "open", "more": [1]},
        ],
    ),
    "recursive and mutually recursive schemas": (
        {
            "Node": obj(value=INTEGER, children={"type": "array", "items": ref("Node")}),
            "Ping": obj(pong=ref("Pong"), n=INTEGER),
            "Pong": obj(ping=ref("Ping")),
            "Tree": obj(node=ref("Node"), ping=ref("Ping")),
        },
        "Tree",
        [
            {"node": {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}},
            {"ping": {"n": 1, "pong": {"ping": {"n": 2, "pong": {}}}}},
        ],
    ),
    "additionalProperties absent, true, typed, free-form; a bare object": (
        {
            "Open": obj(a=STRING),
            "Loose": {**obj(a=STRING), "additionalProperties": True},
            "Typed": {**obj(a=STRING), "additionalProperties": INTEGER},
            "Map": {"type": "object", "additionalProperties": obj(n=INTEGER)},
            "Bare": {"type": "object"},
            "Maps": obj(
                open=ref("Open"),
                true=ref("Loose"),
                typed=ref("Typed"),
                map=ref("Map"),
                bare=ref("Bare"),
            ),
        },
        "Maps",
        [
            {"open": {"a": "x", "b": 1, "c": {"d": [1, "2"]}}},
            {"true": {"a": "x", "b": None}},
            {"typed": {"a": "x", "b": 1, "c": 2}},
            {"map": {"k": {"n": 1}, "l": {"n": 2, "z": 3}}},
            {"bare": {"anything": [1, {"at": "all"}]}},
        ],
    ),
    "odd enum values": (
        {
            "Odd": {"enum": ["", "a b", "A-B", "a_b", "class", "None", "1st", "ä"]},
            "Numbers": {"enum": [0, 1, -1, 2.5]},
            "Mixed": {"enum": ["x", 1, True, None]},
            "Enums": obj(
                odd=ref("Odd"),
                numbers=ref("Numbers"),
                mixed=ref("Mixed"),
                ints={"type": "integer", "enum": [1, 2, 3]},
            ),
        },
        "Enums",
        [
            {"odd": ""},
            {"odd": "a b"},
            {"odd": "A-B"},
            {"odd": "a_b"},
            {"odd": "class"},
            {"odd": "None"},
            {"odd": "1st"},
            {"odd": "ä"},
            {"numbers": 0},
            {"numbers": -1},
            {"numbers": 2.5},
            {"mixed": "x"},
            {"mixed": 1},
            {"mixed": True},
            {"mixed": None},
            {"ints": 3},
        ],
    ),
    "a described reference: allOf of a $ref and a part that only annotates (AWS)": (
        {
            "Strings": {"type": "array", "items": STRING},
            "SubnetMap": {"type": "object", "additionalProperties": STRING},
            "FilterMap": {"type": "object", "additionalProperties": ref("Strings")},
            "Count": INTEGER,
            "Cluster": obj(
                subnets={"allOf": [ref("SubnetMap"), {"description": "Subnet by zone."}]},
                filters={"allOf": [ref("FilterMap"), {"description": "Filters by name."}]},
                count={"allOf": [ref("Count"), {"description": "How many.", "example": 3}]},
                owner={"allOf": [{"description": "Nothing but a description."}]},
            ),
        },
        "Cluster",
        [
            {"subnets": {"us-east-1a": "subnet-1", "us-east-1b": "subnet-2"}, "count": 2},
            {"filters": {"state": ["active", "degraded"], "none": []}},
            {"subnets": {}, "owner": {"any": ["thing"]}},
        ],
    ),
    "deprecated properties, items and components": (
        {
            "Ratio": {"type": "number"},
            "OldCode": {"type": "string", "deprecated": True},
            "Metrics": obj(
                rmse={"allOf": [ref("Ratio"), {"deprecated": True, "description": "Use errors."}]},
                plain={"type": "number", "deprecated": True},
                code=ref("OldCode"),
                names={"type": "array", "items": {**STRING, "maxLength": 5, "deprecated": True}},
                level={"type": "string", "enum": ["low", "high"], "deprecated": True},
            ),
        },
        "Metrics",
        [{"rmse": 0.5, "plain": 1, "code": "x", "names": ["ab"], "level": "low"}],
    ),
    "keywords of another type than the schema's are ignored": (
        {
            "Qna": obj(
                ["questions"],
                # QnAMaker writes a string's length limits on a list of strings.
                questions={"type": "array", "items": STRING, "minLength": 1, "maxLength": 2},
                name={"type": "string", "minItems": 2, "minimum": 3, "maxProperties": 0},
                count={"type": "integer", "minLength": 5, "pattern": "^x$", "uniqueItems": True},
                flags={"type": "object", "maxItems": 0, "multipleOf": 7, "maxLength": 0},
                code=ref("TextWithProperties"),
                size={"type": "integer", "properties": {"b": STRING}, "required": ["b"]},
            ),
            "TextWithProperties": {
                "type": "string",
                "properties": {"a": STRING},
                "required": ["a"],
            },
        },
        "Qna",
        [
            {"questions": []},
            {"questions": ["a", "b", "c"], "name": "n", "count": 1, "flags": {"a": 1}},
            {"questions": ["a"], "code": "text", "size": 3},
        ],
    ),
    "format password keeps its value": (
        {"Tag": obj(["Value"], Value={"type": "string", "format": "password", "pattern": "^a"})},
        "Tag",
        [{"Value": "abc"}],
    ),
    "a discriminator on a base that subtypes extend by allOf, its tag a base enum (Azure)": (
        {
            "RuleCondition": {
                "type": "object",
                "discriminator": {"propertyName": "ruleConditionType"},
                "properties": {
                    "name": STRING,
                    "ruleConditionType": {
                        "type": "string",
                        "enum": ["ApplicationRuleCondition", "NetworkRuleCondition"],
                    },
                },
                "required": ["ruleConditionType"],
            },
            "NetworkRuleCondition": {
                "allOf": [ref("RuleCondition")],
                "properties": {"ports": {"type": "array", "items": STRING}},
            },
            "ApplicationRuleCondition": {
                "allOf": [ref("RuleCondition")],
                "properties": {"fqdns": {"type": "array", "items": STRING}},
            },
            "RuleCollection": obj(
                conditions={"type": "array", "items": ref("RuleCondition")},
                network=ref("NetworkRuleCondition"),
                application=ref("ApplicationRuleCondition"),
            ),
        },
        "RuleCollection",
        [
            {"network": {"ruleConditionType": "NetworkRuleCondition", "ports": ["80"]}},
            {"application": {"ruleConditionType": "ApplicationRuleCondition", "name": "a"}},
            {
                "conditions": [
                    {"ruleConditionType": "NetworkRuleCondition", "ports": ["1"]},
                    {"ruleConditionType": "ApplicationRuleCondition", "fqdns": ["a.b"]},
                ]
            },
        ],
    ),
    "a discriminator whose property the schema does not list (Azure storagecache)": (
        {
            "StorageTarget": {
                "type": "object",
                "discriminator": {"propertyName": "targetType"},
                "properties": {
                    "name": STRING,
                    "properties": obj(
                        targetType={"type": "string", "enum": ["nfs3", "clfs"]},
                        nfs3=obj(target=STRING),
                    ),
                },
            },
            "StorageTargets": {"type": "array", "items": ref("StorageTarget")},
        },
        "StorageTargets",
        [
            [
                {"targetType": "StorageTarget", "name": "t"},
                {
                    "targetType": "nfs3",
                    "properties": {"targetType": "nfs3", "nfs3": {"target": "h"}},
                },
            ]
        ],
    ),
    "readOnly and writeOnly properties": (
        {
            "Account": obj(
                ["id", "password"],
                id={"type": "integer", "readOnly": True},
                password={"type": "string", "writeOnly": True},
                name=STRING,
            )
        },
        "Account",
        [{"id": 1, "password": "s", "name": "n"}],
    ),
}

#: Cases written in OpenAPI 3.0's own words.
OAS30: dict[str, tuple[dict[str, Any], str, list[Any]]] = {
    "nullable: true": (
        {
            "Thing": obj(
                ["name"],
                name={"type": "string", "nullable": True},
                count={"type": "integer", "nullable": True},
                tags={"type": "array", "items": STRING, "nullable": True},
                child=ref("NullableChild"),
                level={"type": "string", "enum": ["low", "high"], "nullable": True},
            ),
            "NullableChild": {**obj(x=INTEGER), "nullable": True},
        },
        "Thing",
        [
            {"name": None},
            {"name": "a", "count": None, "tags": None, "child": None, "level": None},
            {"name": "a", "count": 1, "tags": ["t"], "child": {"x": 1}, "level": "low"},
        ],
    ),
}

#: Cases written in OpenAPI 3.1's own words.
OAS31: dict[str, tuple[dict[str, Any], str, list[Any]]] = {
    "null in type arrays and in oneOf": (
        {
            "Thing": obj(
                ["name"],
                name={"type": ["string", "null"]},
                count={"type": ["integer", "null"]},
                child={"oneOf": [ref("Child"), {"type": "null"}]},
                either={"type": ["string", "integer", "null"]},
            ),
            "Child": obj(x=INTEGER),
        },
        "Thing",
        [
            {"name": None},
            {"name": "a", "count": None, "child": None, "either": None},
            {"name": "a", "count": 1, "child": {"x": 1}, "either": 3},
            {"name": "a", "either": "s"},
        ],
    ),
    "const values": (
        {
            "Event": obj(
                ["type"],
                type={"const": "ping"},
                version={"const": 2},
                zero={"const": ""},
            ),
            "Events": {"type": "array", "items": ref("Event")},
        },
        "Events",
        [[{"type": "ping"}, {"type": "ping", "version": 2, "zero": "", "more": {}}]],
    ),
    "discriminator over const tags": (
        {
            "Circle": obj(["shape"], shape={"const": "circle"}, r=INTEGER),
            "Square": obj(["shape"], shape={"const": "square"}, side=INTEGER),
            "Shape": {
                "oneOf": [ref("Circle"), ref("Square")],
                "discriminator": {
                    "propertyName": "shape",
                    "mapping": {
                        "circle": "#/components/schemas/Circle",
                        "square": "#/components/schemas/Square",
                    },
                },
            },
        },
        "Shape",
        [{"shape": "circle", "r": 1}, {"shape": "square", "side": 2, "color": "red"}],
    ),
}


def _cases(dialect: str) -> dict[str, tuple[dict[str, Any], str, list[Any]]]:
    return {**COMMON, **(OAS30 if dialect == "3.0.3" else OAS31)}


def _spec(dialect: str) -> dict[str, Any]:
    """One spec of every case of ``dialect`` (a component name means one schema in all cases)."""
    schemas: dict[str, Any] = {}
    for components, _, _ in _cases(dialect).values():
        for name, schema in components.items():
            assert schemas.setdefault(name, schema) == schema, f"two cases define {name}"
    return {
        "openapi": dialect,
        "info": {"title": "Fidelity", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Any]:
    """The package generated from the spec of a dialect, generated once."""
    packages: dict[str, Any] = {}

    def get(dialect: str) -> Any:
        if dialect not in packages:
            folder = tmp_path_factory.mktemp("fidelity")
            path = write_spec(folder, "fidelity", _spec(dialect))
            packages[dialect] = generate_and_import(folder, path, f"gen{dialect[2]}")
        return packages[dialect]

    return get


def _instances() -> list[Any]:
    params = []
    for dialect in ("3.0.3", "3.1.0"):
        for case, (_, model, instances) in _cases(dialect).items():
            for index, instance in enumerate(instances):
                params.append(
                    pytest.param(dialect, model, instance, id=f"{dialect}-{case}-{index}")
                )
    return params


@pytest.mark.parametrize(("dialect", "model", "instance"), _instances())
def test_an_instance_the_schema_accepts_round_trips_with_every_key(
    generated: Callable[[str], Any], dialect: str, model: str, instance: Any
) -> None:
    spec = _spec(dialect)
    package = generated(dialect)
    as_json_schema = oas30_to_2020_12(spec) if dialect == "3.0.3" else copy.deepcopy(spec)
    target = {
        "$ref": f"#/components/schemas/{model}",
        "components": _one_of_as_any_of(as_json_schema["components"]),
    }
    jsonschema.Draft202012Validator(target).validate(instance)  # the premise: the schema accepts it
    cls = getattr(package.models, class_name(model))
    parsed = cls.model_validate(instance)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == instance


def _one_of_as_any_of(node: Any) -> Any:
    """``node`` with every ``oneOf`` read as ``anyOf``: real specs' branches overlap (GitHub's users,
    Stripe's expandable objects), servers send what several branches accept, and a client must read
    it; with a discriminator, OpenAPI takes the branch the tag names."""
    if isinstance(node, list):
        return [_one_of_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {("anyOf" if k == "oneOf" else k): _one_of_as_any_of(v) for k, v in node.items()}


#: (union, instance, the class its tag names): instances several branches accept, so only the tag
#: tells which one the server meant.
TAGGED = [
    ("any-user", {"login": "a", "user_view_type": "public"}, "public-user"),
    ("any-user", {"login": "a", "user_view_type": "private"}, "private-user"),
    ("any-user", {"login": "a", "user_view_type": "public-user"}, "public-user"),
    ("Pet", {"kind": "Dog"}, "Dog"),
    ("Pet", {"kind": "Cat", "bark": 1}, "Cat"),
    ("Source", {"type": "card"}, "Card"),
    ("Source", {"type": "Bank"}, "Bank"),
    ("Source", {"type": ODD_TAG}, "Bank"),
]


@pytest.mark.parametrize("dialect", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize(("union", "instance", "branch"), TAGGED)
def test_the_discriminator_picks_the_branch_its_tag_names(
    generated: Callable[[str], Any], dialect: str, union: str, instance: Any, branch: str
) -> None:
    models = generated(dialect).models
    parsed = getattr(models, class_name(union)).model_validate(instance)
    assert type(parsed.root) is getattr(models, class_name(branch))
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == instance


def test_a_discriminated_field_inside_a_model_picks_its_branch_too(
    generated: Callable[[str], Any],
) -> None:
    models = generated("3.1.0").models
    owner = models.Owner.model_validate(
        {"inline": {"kind": "Dog"}, "pets": [{"kind": "Dog"}, {"kind": "Cat"}]}
    )
    assert type(owner.inline) is models.Dog
    assert [type(pet.root) for pet in owner.pets] == [models.Dog, models.Cat]


@pytest.mark.parametrize("dialect", ["3.0.3", "3.1.0"])
def test_the_models_pass_ruff_and_mypy_strict(
    generated: Callable[[str], Any], dialect: str
) -> None:
    package = Path(generated(dialect).__file__).parent
    ruff = subprocess.run(
        # The repository's rules, as for the committed generated/ packages.
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--config",
            str(ROOT / "pyproject.toml"),
            str(package),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    result = mypy_strict(package)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dialect", ["3.0.3", "3.1.0"])
def test_a_map_behind_a_described_reference_is_a_map_of_typed_values(
    generated: Callable[[str], Any], dialect: str
) -> None:
    models = generated(dialect).models
    cluster = models.Cluster.model_validate({"subnets": {"a": "s"}, "filters": {"k": ["x"]}})
    assert cluster.subnets.root == {"a": "s"}
    assert cluster.filters.root["k"].root == ["x"]
    with pytest.raises(pydantic.ValidationError):
        models.Cluster.model_validate({"subnets": {"a": {"not": "text"}}})


@pytest.mark.parametrize("dialect", ["3.0.3", "3.1.0"])
def test_a_schema_narrowing_what_it_extends_reads_its_own_types(
    generated: Callable[[str], Any], dialect: str
) -> None:
    models = generated(dialect).models
    page = models.HookPage.model_validate({"items": [{"url": "a"}], "first": {"url": "b"}})
    assert isinstance(page.items[0], models.Hook) and isinstance(page.first, models.Hook)
    update = models.CheckUpdate.model_validate({"status": "completed", "conclusion": "success"})
    assert update.root.status is models.CheckUpdateStatus.COMPLETED
