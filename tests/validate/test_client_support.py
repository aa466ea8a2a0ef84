"""client-support: a located warning wherever a generated client handles a body or parameter
otherwise than the spec declares; the method is generated all the same."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import httpx

from generator.spec.findings import Severity
from tests.generate.packages import generate_and_import
from tests.specs import write
from tests.validate.test_lint import findings_of

FALLBACKS_SPEC = """\
openapi: 3.1.0
info: {title: Fallbacks, version: "1"}
servers:
  - url: https://api.example.test
paths:
  /orders:
    post:
      operationId: createOrder
      parameters:
        - {name: sort, in: query, schema: {type: array, items: {type: string}}}
        - name: near
          in: query
          content:
            application/x-protobuf:
              schema: {type: string}
      requestBody:
        required: true
        content:
          application/xml:
            schema:
              type: object
              properties:
                id: {type: integer}
      responses:
        "200":
          description: The order.
          content:
            text/xml:
              schema: {type: object, properties: {id: {type: integer}}}
  /orders/{id}:
    put:
      operationId: replaceOrder
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      requestBody:
        content: {}
      responses:
        "204": {description: Replaced.}
  /uploads:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: array
              items: {type: string}
            encoding:
              file:
                headers:
                  X-Rate: {schema: {type: integer}}
      responses:
        "204": {description: Stored.}
"""


def test_what_a_client_cannot_send_as_declared_is_a_warning_at_its_line(tmp_path: Path) -> None:
    found = findings_of(tmp_path, FALLBACKS_SPEC, "client-support")

    assert all(f.severity is Severity.WARNING for f in found)
    assert [(f.line, f.pointer.split("/")[-1], f.message) for f in found] == [
        (
            11,
            "1",
            "POST /orders: query parameter 'near' is `application/x-protobuf` content; generated"
            " clients send its value as text, and write JSON only",
        ),
        (
            19,
            "application~1xml",
            "POST /orders: generated clients take this `application/xml` body as text (str);"
            " they do not write it from its schema",
        ),
        (
            28,
            "text~1xml",
            "POST /orders 200: generated clients return this `text/xml` body as text (str);"
            " they parse JSON only",
        ),
        (
            35,
            "requestBody",
            "PUT /orders/{id}: the request body lists no media type; generated clients send no"
            " body",
        ),
        (
            45,
            "schema",
            "POST /uploads: a `multipart/form-data` body is sent from an object (a model or a"
            " dict); its schema is 'array'",
        ),
        (
            49,
            "file",
            "POST /uploads: generated clients do not send the headers of the 'file' part",
        ),
    ]


FRAGMENT_SPEC = """\
openapi: 3.1.0
info: {title: Fragments, version: "1"}
paths:
  /:
    get:
      operationId: list
      responses:
        "204": {description: Listed.}
  /#Action=Copy:
    post:
      operationId: copy
      responses:
        "204": {description: Copied.}
  /send/#env/{partner}:
    get:
      operationId: send
      parameters:
        - {name: partner, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: Sent.}
"""


def test_path_variables_in_a_fragment_are_a_warning_a_fragment_alone_is_not(
    tmp_path: Path,
) -> None:
    # A '#' tells apart operations on one URL (AWS' `/#X-Amz-Target=...`): it is fine on its own;
    # a path variable after it never reaches the server.
    found = findings_of(tmp_path, FRAGMENT_SPEC, "client-support")

    assert [(f.line, f.pointer) for f in found] == [(15, "/paths/~1send~1#env~1{partner}/get")]
    assert "{partner}" in found[0].message and "fragment" in found[0].message


def test_every_operation_still_has_its_method(tmp_path: Path) -> None:
    spec = write(tmp_path, "fallbacks.yaml", FALLBACKS_SPEC)
    package: Any = generate_and_import(tmp_path, spec, "fallbacks_out")
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, text="<order><id>1</id></order>")

    client = package.Client(transport=httpx.MockTransport(answer))
    order = client.create_order("<order/>", sort=["a", "b"], near="52.5,13.4")

    assert order == "<order><id>1</id></order>"
    (request,) = seen
    assert request.content == b"<order/>" and request.headers["Content-Type"] == "application/xml"
    assert request.url.params.multi_items() == [("sort", "a"), ("sort", "b"), ("near", "52.5,13.4")]
    assert "body" not in inspect.signature(client.replace_order).parameters
    assert "body" in inspect.signature(client.upload).parameters
