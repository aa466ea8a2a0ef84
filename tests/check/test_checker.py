"""The checker asks the library's conformance engine which schema a recorded response is checked
against, so a recording and a direct ``Conformance.check_response`` call always agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.check.checker import Checker, Verdict
from generator.check.conformance import Conformance, UndeclaredMediaType, UndeclaredStatus
from generator.check.exchanges import exchange_from_json
from generator.spec.reading import load_spec
from tests.specs import write

SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
servers:
  - url: https://api.example.test/v1
paths:
  /jobs/{jobId}:
    get:
      operationId: getJob
      responses:
        "200":
          description: ok
          headers:
            X-Rate-Limit: {$ref: "#/components/headers/RateLimit"}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Job"}
        "4xx":
          description: client error
          content:
            application/problem+json:
              schema: {type: object, required: [title]}
        default:
          description: anything else
          content:
            "*/*":
              schema: {type: string}
components:
  headers:
    RateLimit: {required: true, schema: {type: integer}}
  schemas:
    Job:
      type: object
      required: [id]
      properties:
        id: {type: string, format: uuid}
"""

JOB_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    return write(tmp_path, "jobs.yaml", SPEC)


def check(
    spec_path: Path,
    status: int,
    body: Any,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> Verdict:
    exchange = exchange_from_json(
        {
            "request": {"method": "GET", "url": f"https://api.example.test/v1/jobs/{JOB_ID}"},
            "response": {
                "status": status,
                "headers": {"content-type": content_type, **(headers or {})},
                "body": body,
            },
        },
        "example",
    )
    return Checker([spec_path]).check(exchange)


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (200, "application/json", {"id": 7}),
        (200, "application/json", {}),
        (404, "application/problem+json", {"detail": "gone"}),
        (418, "application/problem+json; charset=utf-8", {}),
        (503, "text/plain", 12),
        (503, "application/json", ["a"]),
    ],
)
def test_recorded_and_direct_checks_find_the_same_violations(
    spec_path: Path, status: int, content_type: str, body: Any
) -> None:
    direct = Conformance(load_spec(spec_path)).check_response("getJob", status, body, content_type)
    verdict = check(spec_path, status, body, content_type, {"x-rate-limit": "1"})
    recorded = [(p.pointer, p.keyword) for p in verdict.problems]
    assert recorded == [(v.instance_pointer, v.keyword) for v in direct]
    assert recorded, "each case breaks its schema"


def test_a_status_range_is_matched_whatever_its_case(spec_path: Path) -> None:
    verdict = check(spec_path, 409, {"title": "conflict"}, "application/problem+json")
    assert verdict.passed


def test_required_headers_are_read_through_references(spec_path: Path) -> None:
    verdict = check(spec_path, 200, {"id": JOB_ID}, "application/json")
    assert [str(p) for p in verdict.problems] == [
        "required response header 'x-rate-limit' is missing"
    ]


def test_what_the_library_refuses_the_checker_reports(tmp_path: Path) -> None:
    text = SPEC.replace('        "4xx":', '        "4xx-unused":').replace(
        "        default:", "        x-default:"
    )
    spec_path = write(tmp_path, "jobs.yaml", text)
    with pytest.raises(UndeclaredStatus):
        Conformance(load_spec(spec_path)).check_response("getJob", 500, {})
    (status,) = check(spec_path, 500, {}, "application/json").problems
    assert (status.kind, str(status)) == (
        "status",
        "status 500 is not declared (declared: 200, 4xx-unused, x-default)",
    )
    with pytest.raises(UndeclaredMediaType):
        Conformance(load_spec(spec_path)).check_response("getJob", 200, "<p>", "text/html")
    (media,) = check(spec_path, 200, "<p>", "text/html", {"x-rate-limit": "1"}).problems
    assert media.kind == "content-type"
