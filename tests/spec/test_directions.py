"""Schemas as a request or a response reads them: readOnly and writeOnly properties."""

from __future__ import annotations

from generator.spec.directions import directed

PET = {
    "components": {
        "schemas": {
            "Id": {"type": "integer", "readOnly": True},
            "Pet": {
                "type": "object",
                "required": ["id", "name", "password"],
                "properties": {
                    "id": {"$ref": "#/components/schemas/Id"},
                    "name": {"type": "string", "example": {"readOnly": True}},
                    "password": {"allOf": [{"type": "string"}, {"writeOnly": True}]},
                },
            },
        }
    }
}


def test_a_request_leaves_readonly_properties_out_and_forbids_them() -> None:
    copy, hidden = directed(PET, "request")
    pet = copy["components"]["schemas"]["Pet"]
    assert pet["properties"]["id"] is False  # found through its $ref
    assert pet["required"] == ["name", "password"]
    assert hidden == {"/components/schemas/Pet/properties/id": "/components/schemas/Id/readOnly"}
    # The original is untouched, and data (an example) is not read as a schema.
    assert PET["components"]["schemas"]["Pet"]["properties"]["id"] == {
        "$ref": "#/components/schemas/Id"
    }
    assert pet["properties"]["name"]["example"] == {"readOnly": True}


def test_a_response_leaves_writeonly_properties_out() -> None:
    copy, hidden = directed(PET, "response")
    pet = copy["components"]["schemas"]["Pet"]
    assert pet["properties"]["password"] is False  # found in an allOf member
    assert pet["required"] == ["id", "name"]
    assert list(hidden.values()) == [
        "/components/schemas/Pet/properties/password/allOf/1/writeOnly"
    ]


def test_a_document_without_the_keyword_is_used_as_it_is() -> None:
    plain = {"components": {"schemas": {"Pet": {"properties": {"id": {"type": "integer"}}}}}}
    assert directed(plain, "request") == (plain, {})
    assert directed(plain, "request")[0] is plain
