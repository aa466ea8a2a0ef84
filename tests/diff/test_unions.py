"""Inside ``oneOf``/``anyOf``: branches paired by $ref name, discriminator value or position, and
the pairing said in each message; branches added or removed, by direction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.diff.builders import REQ, RESP, api, diff_of, json_body, obj, request_schema

NOT_FOUND = {"404": {"description": "no such job"}}
WHERE = "POST /jobs/{jobId}: in the 200 response (application/json),"


def returning(schema: Any, **schemas: Any) -> dict[str, Any]:
    """The default spec whose 200 response body is ``schema``, with these component schemas."""
    body = json_body(schema, description="the job")
    return api(responses={"200": body, **NOT_FOUND}, components={"schemas": schemas})


def taking(schema: Any, **schemas: Any) -> dict[str, Any]:
    """The default spec whose request body is ``schema``, with these component schemas."""
    body = json_body(schema, required=True)
    return api(request=body, components={"schemas": schemas})


def pet(kind: str, *required: str, **properties: Any) -> dict[str, Any]:
    """A pet object tagged ``kind: <kind>``."""
    return obj("kind", *required, kind={"type": "string", "const": kind}, **properties)


CAT = pet("cat", "name", name={"type": "string"})
CAT_WITHOUT_NAME = pet("cat")
DOG = pet("dog", bark={"type": "boolean"})
BY_REF = {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]}


def changes(report: Any) -> list[tuple[str, bool, str]]:
    return [(c.kind, c.breaking, c.message) for c in report.changes]


def test_a_required_property_removed_inside_a_ref_branch_is_found(tmp_path: Path) -> None:
    report = diff_of(
        tmp_path,
        returning(BY_REF, Cat=CAT, Dog=DOG),
        returning(BY_REF, Cat=CAT_WITHOUT_NAME, Dog=DOG),
    )
    assert changes(report) == [
        (
            "response-property-removed",
            True,
            f"{WHERE} property 'name' of oneOf branch 'Cat' (by $ref) was removed",
        )
    ]
    assert report.changes[0].old_pointer == "/components/schemas/Cat/properties/name"


def test_ref_branches_are_paired_by_name_whatever_their_order(tmp_path: Path) -> None:
    swapped = {"oneOf": BY_REF["oneOf"][::-1]}
    old = returning(BY_REF, Cat=CAT, Dog=DOG)
    assert diff_of(tmp_path, old, returning(swapped, Cat=CAT, Dog=DOG)).changes == []


def test_a_renamed_schema_is_paired_by_its_discriminator_mapping(tmp_path: Path) -> None:
    def union(cat: str) -> dict[str, Any]:
        return {
            "oneOf": [
                {"$ref": f"#/components/schemas/{cat}"},
                {"$ref": "#/components/schemas/Dog"},
            ],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {
                    "cat": f"#/components/schemas/{cat}",
                    "dog": "#/components/schemas/Dog",
                },
            },
        }

    old = returning(union("Cat"), Cat=CAT, Dog=DOG)
    new = returning(union("Feline"), Feline=CAT_WITHOUT_NAME, Dog=DOG)
    assert changes(diff_of(tmp_path, old, new)) == [
        (
            "response-property-removed",
            True,
            f"{WHERE} property 'name' of oneOf branch 'cat' (by discriminator) was removed",
        )
    ]


def test_inline_branches_are_paired_by_their_tag_const_before_their_position(
    tmp_path: Path,
) -> None:
    old = returning({"oneOf": [CAT, DOG], "discriminator": {"propertyName": "kind"}})
    new = returning({"oneOf": [DOG, CAT_WITHOUT_NAME], "discriminator": {"propertyName": "kind"}})
    report = diff_of(tmp_path, old, new)
    assert changes(report) == [
        (
            "response-property-removed",
            True,
            f"{WHERE} property 'name' of oneOf branch 'cat' (by discriminator) was removed",
        )
    ]
    assert report.changes[0].old_pointer == f"{RESP}/oneOf/0/properties/name"


def test_inline_branches_without_a_tag_are_paired_by_position(tmp_path: Path) -> None:
    old = taking({"anyOf": [obj("id", id={"type": "string"}), obj("ids", ids={"type": "array"})]})
    new = taking(
        {
            "anyOf": [
                obj("id", id={"type": "string"}),
                obj("ids", ids={"type": "array"}, at={"type": "string"}),
            ]
        }
    )
    new["paths"]["/jobs/{jobId}"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "anyOf"
    ][1]["required"] = ["ids", "at"]
    assert changes(diff_of(tmp_path, old, new)) == [
        (
            "request-property-added-required",
            True,
            "POST /jobs/{jobId}: in the request body (application/json), property 'at' of anyOf"
            " branch 1 (by position) was added (required)",
        )
    ]


def test_a_branch_added_breaks_responses_not_requests(tmp_path: Path) -> None:
    one = {"oneOf": [{"$ref": "#/components/schemas/Cat"}]}
    response = diff_of(
        tmp_path, returning(one, Cat=CAT, Dog=DOG), returning(BY_REF, Cat=CAT, Dog=DOG)
    )
    assert changes(response) == [
        ("response-property-branch-added", True, f"{WHERE} the body gained a oneOf branch 'Dog'")
    ]
    assert response.changes[0].new_pointer == f"{RESP}/oneOf/1"
    request = diff_of(tmp_path, taking(one, Cat=CAT, Dog=DOG), taking(BY_REF, Cat=CAT, Dog=DOG))
    assert [(c.kind, c.breaking) for c in request.changes] == [
        ("request-property-branch-added", False)
    ]


def test_a_branch_removed_breaks_requests_not_responses(tmp_path: Path) -> None:
    one = {"oneOf": [{"$ref": "#/components/schemas/Dog"}]}
    request = diff_of(tmp_path, taking(BY_REF, Cat=CAT, Dog=DOG), taking(one, Cat=CAT, Dog=DOG))
    assert changes(request) == [
        (
            "request-property-branch-removed",
            True,
            "POST /jobs/{jobId}: in the request body (application/json), the body lost its oneOf"
            " branch 'Cat'",
        )
    ]
    assert request.changes[0].old_pointer == f"{REQ}/oneOf/0"
    response = diff_of(
        tmp_path, returning(BY_REF, Cat=CAT, Dog=DOG), returning(one, Cat=CAT, Dog=DOG)
    )
    assert [(c.kind, c.breaking) for c in response.changes] == [
        ("response-property-branch-removed", False)
    ]


def test_a_union_inside_a_property_inside_a_branch_names_the_whole_way(tmp_path: Path) -> None:
    def owner(cat: dict[str, Any]) -> dict[str, Any]:
        return request_schema(pet={"anyOf": [{"oneOf": [cat, DOG]}, {"type": "string"}]})

    report = diff_of(tmp_path, taking(owner(CAT)), taking(owner(CAT_WITHOUT_NAME)))
    assert changes(report) == [
        (
            "request-property-removed",
            True,
            "POST /jobs/{jobId}: in the request body (application/json), property 'name' of oneOf"
            " branch 0 (by position) of anyOf branch 0 (by position) of property 'pet' was removed",
        )
    ]


def test_a_null_branch_makes_the_union_nullable(tmp_path: Path) -> None:
    old = returning({"oneOf": [CAT, DOG]})
    new = returning({"oneOf": [CAT, DOG, {"type": "null"}]})
    assert [(c.kind, c.new_pointer) for c in diff_of(tmp_path, old, new).changes] == [
        ("response-property-made-nullable", f"{RESP}/oneOf/2")
    ]


def test_a_union_in_a_parameter_is_compared_branch_by_branch(tmp_path: Path) -> None:
    def with_id(second: dict[str, Any]) -> dict[str, Any]:
        param = {"name": "id", "in": "query", "schema": {"oneOf": [{"type": "integer"}, second]}}
        return api(params=[api()["paths"]["/jobs/{jobId}"]["post"]["parameters"][0], param])

    report = diff_of(
        tmp_path, with_id({"type": "string"}), with_id({"type": "string", "maxLength": 8})
    )
    assert changes(report) == [
        (
            "parameter-constraint-tightened",
            True,
            "POST /jobs/{jobId}: oneOf branch 1 (by position) of query parameter 'id' gained"
            " maxLength 8",
        )
    ]
