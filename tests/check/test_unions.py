"""A payload that fails a ``oneOf`` or ``anyOf`` is explained by one branch and that branch's errors.

The branch is the one the discriminator selects (``mapping``, then the component schema's name), or
else the closest: fewest ``type`` misses, then misses of a ``const``/``enum`` property, then fewest
errors, first on ties. The union's own violation comes first, naming the branch; the branch's
violations follow it, located where the branch is written (``$ref``s followed into components).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.check.conformance import Conformance
from generator.spec.reading import load_spec
from generator.spec.unions import MAX_BRANCHES, MAX_DEPTH
from generator.spec.validators import Violation
from tests.check.test_check_cli import json_report
from tests.commands import specgen
from tests.specs import write

SERVER = "https://pets.example.test"


def operation(name: str, schema: str) -> str:
    """A ``GET /<name>`` operation whose 200 response is ``schema``."""
    return f"""\
  /{name}:
    get:
      operationId: {name}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {schema}
"""


PETS = (
    f"""\
openapi: 3.1.0
info: {{title: Pets, version: "1"}}
servers: [{{url: "{SERVER}"}}]
paths:
"""
    + operation("pet", '{$ref: "#/components/schemas/Pet"}')
    + operation("animal", '{$ref: "#/components/schemas/Animal"}')
    + operation("shape", '{$ref: "#/components/schemas/Shape"}')
    + operation("idOrName", '{$ref: "#/components/schemas/IdOrName"}')
    + operation("tree", '{$ref: "#/components/schemas/Tree"}')
    + operation("wide", '{$ref: "#/components/schemas/Wide"}')
    + """\
components:
  schemas:
    Pet:
      oneOf:
        - $ref: "#/components/schemas/Dog"
        - $ref: "#/components/schemas/Cat"
      discriminator:
        propertyName: petType
        mapping: {dog: "#/components/schemas/Dog", cat: Cat}
    Animal:
      oneOf:
        - $ref: "#/components/schemas/Dog"
        - $ref: "#/components/schemas/Cat"
      discriminator: {propertyName: petType}
    Dog:
      type: object
      required: [petType, bark]
      properties:
        petType: {enum: [dog, Dog]}
        bark: {type: boolean}
        age: {type: integer, minimum: 0}
    Cat:
      type: object
      required: [petType]
      properties:
        petType: {enum: [cat, Cat]}
        lives: {type: integer, maximum: 9}
        name: {type: string}
    Shape:
      oneOf:
        - {type: string}
        - type: object
          required: [kind, radius]
          properties: {kind: {const: circle}, radius: {type: number}}
        - type: object
          required: [kind, side]
          properties: {kind: {const: square}, side: {type: number}}
        - {type: object, required: [kind]}
    IdOrName:
      anyOf:
        - {type: integer, minimum: 1}
        - {type: string, minLength: 3}
    Tree:
      anyOf:
        - {type: string}
        - {type: array, items: {$ref: "#/components/schemas/Tree"}}
    Wide:
      oneOf:
"""
    + "".join(
        f"        - {{type: object, required: [k{i}], properties: {{k{i}: {{const: {i}}}}}}}\n"
        for i in range(MAX_BRANCHES + 6)
    )
)


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first ``needle`` in ``text`` (after the first ``after``)."""
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(needle, start)) + 1


@pytest.fixture
def pets(tmp_path: Path) -> Conformance:
    return Conformance(load_spec(write(tmp_path, "pets.yaml", PETS)))


def where(violation: Violation) -> tuple[str, str, int, str]:
    """What a reader goes by: the payload pointer, keyword, spec line and the branch it is in."""
    return (violation.instance_pointer, violation.keyword, violation.line, violation.within)


def test_the_discriminator_mapping_selects_the_branch_whose_errors_are_listed(
    pets: Conformance,
) -> None:
    union, *branch = pets.check_response("pet", 200, {"petType": "dog", "bark": "loud", "age": -1})
    assert where(union) == ("", "oneOf", line_of(PETS, "oneOf:", "    Pet:"), "")
    assert "matches none of the 2 oneOf branches" in union.message
    assert 'the discriminator (petType "dog") selects oneOf/0' in union.message
    assert "#/components/schemas/Dog" in union.message
    assert union.message.endswith(": 2 errors")
    # The branch's own violations, located in the component the branch's $ref names.
    assert sorted(where(v) for v in branch) == [
        ("/age", "minimum", line_of(PETS, "minimum: 0"), "oneOf/0"),
        ("/bark", "type", line_of(PETS, "bark: {type: boolean}"), "oneOf/0"),
    ]
    assert all(v.message.startswith("in oneOf/0: ") for v in branch)


def test_a_mapping_value_may_be_a_schema_name(pets: Conformance) -> None:
    union, *branch = pets.check_response("pet", 200, {"petType": "cat", "lives": 10})
    assert "selects oneOf/1 (#/components/schemas/Cat): 1 error" in union.message
    assert [where(v) for v in branch] == [
        ("/lives", "maximum", line_of(PETS, "maximum: 9"), "oneOf/1")
    ]


def test_without_a_mapping_the_component_name_selects(pets: Conformance) -> None:
    union, *branch = pets.check_response("animal", 200, {"petType": "Cat", "name": 7})
    assert 'the discriminator (petType "Cat") selects oneOf/1' in union.message
    assert [where(v) for v in branch] == [
        ("/name", "type", line_of(PETS, "name: {type: string}"), "oneOf/1")
    ]


def test_a_value_the_discriminator_does_not_map_falls_back_to_the_closest(
    pets: Conformance,
) -> None:
    # "dog" is only in Pet's explicit mapping: Animal maps by component name alone.
    union, *branch = pets.check_response("animal", 200, {"petType": "dog", "bark": 1})
    assert 'the discriminator (petType "dog") selects no branch' in union.message
    # Dog misses one property type; Cat misses its petType tag.
    assert "closest is oneOf/0 (#/components/schemas/Dog): 1 error" in union.message
    assert [where(v)[:2] for v in branch] == [("/bark", "type")]


def test_the_closest_branch_prefers_matching_type_and_tag(tmp_path: Path) -> None:
    text = PETS.replace("        - {type: object, required: [kind]}\n", "")
    conformance = Conformance(load_spec(write(tmp_path, "shapes.yaml", text)))
    union, *branch = conformance.check_response("shape", 200, {"kind": "square", "side": "big"})
    assert union.message == "matches none of the 3 oneOf branches; closest is oneOf/2: 1 error"
    assert [where(v) for v in branch] == [
        ("/side", "type", line_of(text, "side: {type: number}"), "oneOf/2")
    ]
    # As many errors in the circle branch (its kind tag) as in the square one: the tag decides.
    union, *branch = conformance.check_response(
        "shape", 200, {"kind": "square", "side": "big", "radius": 1}
    )
    assert "closest is oneOf/2: 1 error" in union.message
    # A string misses every object branch's type: the string branch is closest.
    union, *branch = conformance.check_response("shape", 200, 5)
    assert "closest is oneOf/0: 1 error" in union.message
    assert [where(v)[:2] for v in branch] == [("", "type")]


def test_an_anyof_is_explained_the_same_way(pets: Conformance) -> None:
    union, *branch = pets.check_response("idOrName", 200, "ab")
    assert where(union)[:2] == ("", "anyOf")
    assert union.message == "matches none of the 2 anyOf branches; closest is anyOf/1: 1 error"
    assert [where(v) for v in branch] == [
        ("", "minLength", line_of(PETS, "minLength: 3"), "anyOf/1")
    ]


def test_a_oneof_matching_two_branches_names_them(pets: Conformance) -> None:
    (violation,) = pets.check_response("shape", 200, {"kind": "square", "side": 2})
    assert violation.keyword == "oneOf"
    assert violation.message == (
        "matches 2 of the 4 oneOf branches (exactly one must match): oneOf/2, oneOf/3"
    )


def test_nested_unions_are_explained_to_a_bounded_depth(pets: Conformance) -> None:
    body: Any = 1
    for _ in range(MAX_DEPTH + 3):
        body = [body]
    found = pets.check_response("tree", 200, body)
    # Each level's array branch is closest (the string branch misses the type), down to the limit.
    levels = range(MAX_DEPTH + 1)
    assert [v.instance_pointer for v in found] == ["/0" * level for level in levels]
    assert [v.within for v in found] == [" > ".join(["anyOf/1"] * level) for level in levels]
    assert {v.keyword for v in found} == {"anyOf"}
    assert found[1].message.startswith("in anyOf/1: matches none of the 2 anyOf branches")
    # The last level is only summarised: no branch named.
    assert "closest" in found[0].message and "closest" not in found[-1].message


def test_listing_stops_at_the_limit_and_counts_the_rest(tmp_path: Path) -> None:
    text = PETS.replace(
        "        name: {type: string}\n",
        "".join(f"        p{i}: {{type: string}}\n" for i in range(10)),
    )
    spec = load_spec(write(tmp_path, "pets.yaml", text))
    body = {"petType": "cat", **{f"p{i}": i for i in range(10)}}
    found = Conformance(spec).schemas.violations(
        spec.root, "/components/schemas/Pet", body, limit=4
    )
    assert [v.within for v in found] == ["", "oneOf/1", "oneOf/1", "oneOf/1"]
    assert "10 errors" in found[0].message
    assert found.more == 7


def test_only_the_first_branches_of_a_wide_union_are_compared(pets: Conformance) -> None:
    union, *branch = pets.check_response("wide", 200, {"k": 0})
    assert f"matches none of the {MAX_BRANCHES + 6} oneOf branches" in union.message
    assert f"closest of the first {MAX_BRANCHES} is oneOf/0: 1 error" in union.message
    assert [where(v)[1:] for v in branch] == [
        ("required", line_of(PETS, "required: [k0]"), "oneOf/0")
    ]


def test_a_long_discriminator_value_is_not_quoted(pets: Conformance) -> None:
    union, *_ = pets.check_response("pet", 200, {"petType": "x" * 500})
    assert "x" * 65 not in union.message
    assert "(petType (a 500-character value)) selects no branch" in union.message


def test_violations_outside_unions_are_as_before(pets: Conformance) -> None:
    assert pets.check_response("pet", 200, {"petType": "cat", "lives": 3}) == []
    dog = "/components/schemas/Dog"
    (violation,) = pets.schemas.violations(pets.spec.root, dog, {"petType": "dog", "bark": 1})
    assert where(violation) == ("/bark", "type", line_of(PETS, "bark: {type: boolean}"), "")
    assert not violation.message.startswith("in ")


# -- end to end ---------------------------------------------------------------------------------------


def test_check_reports_name_the_branch_and_its_errors(tmp_path: Path) -> None:
    write(tmp_path, "pets.yaml", PETS)
    exchange = {
        "request": {"method": "GET", "url": f"{SERVER}/pet"},
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": {"petType": "dog", "bark": "loud"},
        },
    }
    (tmp_path / "pet.json").write_text(json.dumps(exchange), encoding="utf-8")
    args = ("check", "--spec", "pets.yaml", "pet.json")
    report = json_report(specgen(*args, "--format", "json", cwd=tmp_path))
    (verdict,) = report["exchanges"]
    assert verdict["result"] == "failed"
    union, bark = verdict["problems"]
    assert (union["kind"], union["pointer"], union["keyword"]) == ("schema", "", "oneOf")
    assert union["location"] == f"pets.yaml:{line_of(PETS, 'oneOf:', '    Pet:')}"
    assert "selects oneOf/0 (#/components/schemas/Dog): 1 error" in union["message"]
    assert (bark["kind"], bark["pointer"], bark["keyword"]) == ("schema", "/bark", "type")
    assert bark["location"] == f"pets.yaml:{line_of(PETS, 'bark: {type: boolean}')}"
    assert bark["message"].startswith("in oneOf/0: ")

    text = specgen(*args, cwd=tmp_path)
    assert text.returncode == 1
    assert 'the discriminator (petType "dog") selects oneOf/0' in text.stdout
    assert f"[type at pets.yaml:{line_of(PETS, 'bark: {type: boolean}')}]" in text.stdout


BIRDS = """\
Bird:
  type: object
  required: [petType, wingspan]
  properties:
    petType: {const: bird}
    wingspan: {type: number}
"""


def test_a_branch_in_another_file_is_selected_and_located_there(tmp_path: Path) -> None:
    text = PETS.replace(
        '        - $ref: "#/components/schemas/Cat"\n      discriminator:\n'
        "        propertyName: petType\n        mapping: {",
        '        - $ref: "#/components/schemas/Cat"\n        - $ref: "birds.yaml#/Bird"\n'
        "      discriminator:\n        propertyName: petType\n"
        '        mapping: {bird: "birds.yaml#/Bird", ',
    )
    birds = write(tmp_path, "birds.yaml", BIRDS)
    conformance = Conformance(load_spec(write(tmp_path, "pets.yaml", text)))
    union, wingspan = conformance.check_response("pet", 200, {"petType": "bird", "wingspan": "x"})
    assert "selects oneOf/2 (birds.yaml#/Bird): 1 error" in union.message
    assert (wingspan.schema_path.resolve(), wingspan.line) == (
        birds.resolve(),
        line_of(BIRDS, "wingspan: {type: number}"),
    )
