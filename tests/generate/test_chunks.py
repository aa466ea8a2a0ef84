"""Models made in parts: what each part holds, and the parts joined into a module that imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import api
from generator.generate import pipeline
from generator.generate.chunks import join, split
from generator.generate.datamodels import ModelsModule
from tests.generate.test_parallel_models import check_imports, classes_of

REF = "#/components/schemas/"


#: In document order: a subclass before its base, an enum default before the enum, and a plain
#: reference across the cut.
SCHEMAS: dict[str, Any] = {
    "Pet": {
        "allOf": [
            {"$ref": REF + "Animal"},
            {"type": "object", "properties": {"name": {"type": "string"}}},
        ]
    },
    "Owner": {
        "type": "object",
        "properties": {
            "status": {"$ref": REF + "Status", "default": "active"},
            "pet": {"$ref": REF + "Pet"},
            "home": {"$ref": REF + "Home"},
        },
    },
    "Home": {"type": ["object", "null"], "properties": {"street": {"type": "string"}}},
    "Animal": {"type": "object", "properties": {"legs": {"type": "integer"}}},
    "Status": {"type": "string", "enum": ["active", "gone"]},
    "Choice": {
        "oneOf": [{"$ref": REF + "Animal"}, {"$ref": REF + "Home"}],
        "discriminator": {"propertyName": "kind"},
    },
}


def test_a_part_owns_what_its_classes_need_when_defined_and_stands_in_for_the_rest() -> None:
    # Three cuts of two: (Pet, Owner), (Home, Animal), (Status, Choice).
    first, second, third = split(SCHEMAS, 3)
    assert third.own == {"Choice"}
    # Pet's base and Owner's enum are needed when the classes are defined: they join the part.
    assert first.own == {"Pet", "Owner", "Animal", "Status"}
    assert second.own == {"Home"}
    assert first.schemas["Animal"] == SCHEMAS["Animal"]
    # Home is only referenced: a stand-in without its properties, its type kept.
    assert first.schemas["Home"] == {"type": ["object", "null"]}
    assert set(second.schemas) == {"Home"}, "Status was taken already"


def test_every_schema_is_owned_by_exactly_one_part() -> None:
    parts = split(SCHEMAS, 3)
    owned = [name for part in parts for name in part.own]
    assert sorted(owned) == sorted(SCHEMAS)


def test_models_made_in_parts_import_whatever_the_order_of_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Parts", "version": "1"},
        "paths": {
            "/owners": {
                "get": {
                    "operationId": "getOwner",
                    "responses": {
                        "200": {
                            "description": "An owner.",
                            "content": {"application/json": {"schema": {"$ref": REF + "Choice"}}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": SCHEMAS},
    }
    path = tmp_path / "parts.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setattr(pipeline, "PARALLEL_SCHEMAS", 1)
    result = api.generate([path], tmp_path / "out")
    assert result.outcome is not None, [r.findings for r in result.reports]
    check_imports(tmp_path / "out", "parts")
    monkeypatch.setattr(pipeline, "PARALLEL_SCHEMAS", 10**9)
    api.generate([path], tmp_path / "whole")
    parts = classes_of(tmp_path / "out" / "parts" / "models.py")
    assert parts == classes_of(tmp_path / "whole" / "parts" / "models.py")
    # The union's branches are the other part's: their schema names still tag them.
    assert "'Animal': Animal" in parts["Choice"].replace('"', "'")


def test_parts_that_both_made_a_class_of_one_name_are_not_joined() -> None:
    def module(*classes: str) -> ModelsModule:
        body = "".join(f"class {name}(BaseModel):\n    pass\n" for name in classes)
        return ModelsModule("from pydantic import BaseModel", body, False, frozenset(classes), {})

    assert join([module("A", "StateEnum"), module("B", "StateEnum")]) is None
    joined = join([module("A"), module("B")])
    assert joined is not None and joined.classes == {"A", "B"}
    assert joined.imports == "from pydantic import BaseModel", "imports appear once"
