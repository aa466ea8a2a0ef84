"""`specgen check` checks the request half of each exchange too, as openapi-core does.

The spec below (a pet shop) has a POST with a JSON or form body (``id`` readOnly, ``password``
writeOnly), a header and a cookie parameter, a query parameter in every style, and security: an API
key header or a bearer token. Each test writes recordings that conform or that break one rule, and
runs them through the command line.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.check.checker import Checker
from generator.check.exchanges import exchange_from_json
from generator.check.redaction import Secrets
from generator.check.requests import RequestChecks
from tests.commands import specgen
from tests.specs import write

SPEC = """\
openapi: 3.1.0
info: {title: Shop, version: "1"}
servers: [{url: "https://shop.example.test/v1"}]
security:
  - apiKey: []
  - bearer: []
paths:
  /pets:
    post:
      operationId: createPet
      parameters:
        - {name: X-Request-Id, in: header, required: true, schema: {type: string, format: uuid}}
        - {name: session, in: cookie, schema: {type: string, minLength: 8}}
        - {name: tags, in: query, schema: {type: array, items: {type: integer}}}
        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}}}
        - name: filter
          in: query
          style: deepObject
          schema:
            type: object
            properties:
              status: {type: string, enum: [open, closed]}
        - name: page
          in: query
          schema:
            type: object
            properties:
              size: {type: integer, maximum: 50}
        - name: colors
          in: query
          style: spaceDelimited
          explode: false
          schema: {type: array, items: {type: string, enum: [red, green]}}
        - name: sizes
          in: query
          style: pipeDelimited
          explode: false
          schema: {type: array, items: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      operationId: getPet
      security: [{}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
    put:
      operationId: replacePet
      security: []
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "204": {description: replaced}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-Api-Key}
    bearer: {type: http, scheme: bearer}
  schemas:
    Pet:
      type: object
      required: [id, name, password]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string, minLength: 1}
        age: {type: integer}
        password: {type: string, writeOnly: true}
"""

URL = "https://shop.example.test/v1/pets"
REQUEST_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
#: Header and cookie values that must never reach a report.
API_KEY = "KEY-4d1a9c0e77f2"
TOKEN = "TOKEN-9b8e2f6a11c3"
BAD_REQUEST_ID = "HEADERVALUE-77f2c9"
BAD_COOKIE = "COOK1E"
HEADER_SECRETS = (API_KEY, TOKEN, BAD_REQUEST_ID, BAD_COOKIE)
CONFORMING_QUERY = "tags=1&tags=2&ids=3,4&filter[status]=open&size=10&colors=red%20green&sizes=1|2"


def line_of(text: str) -> int:
    """The line of SPEC that first holds ``text`` (where a report must point)."""
    return next(n for n, line in enumerate(SPEC.splitlines(), 1) if text in line)


def headers(**extra: str) -> dict[str, str]:
    """Request headers that satisfy the spec, with ``extra`` added (or replacing them)."""
    return {
        "X-Request-Id": REQUEST_ID,
        "X-Api-Key": API_KEY,
        "Content-Type": "application/json",
        **extra,
    }


def exchange(
    request_headers: dict[str, str] | None = None,
    body: Any = None,
    query: str = "",
    method: str = "POST",
    url: str = URL,
    response_body: Any = None,
    **request: Any,
) -> dict[str, Any]:
    """One exchange of the JSON form: POST /pets answered 201 with a pet, unless told otherwise."""
    sent: dict[str, Any] = {"method": method, "url": f"{url}?{query}" if query else url}
    if request_headers is not None:
        sent["headers"] = request_headers
    if body is not None:
        sent["body"] = body
    sent.update(request)
    status = 201 if method == "POST" else 200
    answer = {"id": 1, "name": "Rex"} if response_body is None else response_body
    return {
        "request": sent,
        "response": {
            "status": status,
            "headers": {"content-type": "application/json"},
            "body": answer,
        },
    }


def jsonl(folder: Path, exchanges: list[dict[str, Any]], name: str = "shop.jsonl") -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(e) + "\n" for e in exchanges), encoding="utf-8")
    return path


def check(folder: Path, recording: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return specgen("check", "--spec", folder / "shop.yaml", *flags, recording, cwd=folder)


def problems_by_source(
    result: subprocess.CompletedProcess[str],
) -> dict[str, list[tuple[str, str]]]:
    """(kind, pointer) of every problem, by exchange."""
    report = json.loads(result.stdout)
    return {
        e["source"]: [(p["kind"], p["pointer"]) for p in e["problems"]] for e in report["exchanges"]
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "shop.yaml", SPEC)
    return tmp_path


PET = {"name": "Rex", "password": "hunter22"}

#: Requests that each break one rule: (what, exchange, the (kind, pointer) problems expected).
BROKEN: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    (
        "body missing",
        exchange(headers()),
        [("request-body", "request")],
    ),
    (
        "readOnly id sent, name too short",
        exchange(headers(), {"id": 5, "name": "", "password": "pw"}),
        [("request-body", "request/id"), ("request-body", "request/name")],
    ),
    (
        "body breaks its schema in a form",
        exchange(
            headers(**{"Content-Type": "application/x-www-form-urlencoded"}),
            "name=Rex&password=pw&age=old",
        ),
        [("request-body", "request/age")],
    ),
    (
        "Content-Type not declared",
        exchange(headers(**{"Content-Type": "text/xml"}), "<pet/>"),
        [("content-type", "request")],
    ),
    (
        "required header missing",
        exchange({"X-Api-Key": API_KEY, "Content-Type": "application/json"}, PET),
        [("header", "header/X-Request-Id")],
    ),
    (
        "header value breaks its format",
        exchange(headers(**{"X-Request-Id": BAD_REQUEST_ID}), PET),
        [("header", "header/X-Request-Id")],
    ),
    (
        "cookie too short",
        exchange(headers(Cookie=f"session={BAD_COOKIE}"), PET),
        [("cookie", "cookie/session")],
    ),
    (
        "no credential",
        exchange({"X-Request-Id": REQUEST_ID, "Content-Type": "application/json"}, PET),
        [("security", "")],
    ),
    (
        "a Basic credential where bearer is asked",
        exchange(
            {
                "X-Request-Id": REQUEST_ID,
                "Content-Type": "application/json",
                "Authorization": "Basic dXNlcjpwYXNz",
            },
            PET,
        ),
        [("security", "")],
    ),
    (
        "query styles: form exploded and not, deepObject, exploded object, space, pipe",
        exchange(
            headers(),
            PET,
            "tags=x&ids=3,y&filter[status]=lost&size=99&colors=red%20blue&sizes=1|z",
        ),
        [
            ("parameter", "query/tags/0"),
            ("parameter", "query/ids/1"),
            ("parameter", "query/filter[status]"),
            ("parameter", "query/size"),
            ("parameter", "query/colors/1"),
            ("parameter", "query/sizes/1"),
        ],
    ),
    (
        "path parameter",
        exchange({}, method="GET", url="https://shop.example.test/v1/pets/seven"),
        [("parameter", "path/id")],
    ),
    (
        "writeOnly password in a response",
        exchange(headers(), PET, response_body={"id": 1, "name": "Rex", "password": "pw"}),
        [("schema", "/password")],
    ),
]


@pytest.fixture
def broken_run(folder: Path) -> subprocess.CompletedProcess[str]:
    return check(folder, jsonl(folder, [e for _, e, _ in BROKEN]), "--format", "json")


def test_conforming_requests_pass(folder: Path) -> None:
    conforming = [
        exchange(headers(), PET, CONFORMING_QUERY),
        # a bearer token instead of the API key; a form body; a cookie long enough
        exchange(
            {
                "X-Request-Id": REQUEST_ID,
                "Authorization": f"Bearer {TOKEN}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "session=abcdefghij",
            },
            "name=Rex&password=pw&age=3",
        ),
        # getPet's security is optional ({}); the response need not send writeOnly password
        exchange({}, method="GET", url="https://shop.example.test/v1/pets/7"),
        # replacePet needs no credential, and declares no header: its body's Content-Type counts
        replaced(PET),
    ]
    result = check(folder, jsonl(folder, conforming))
    assert result.returncode == 0, result.stdout
    assert "4 passed, 0 failed" in result.stdout


def replaced(body: Any, content_type: str = "application/json") -> dict[str, Any]:
    """PUT /pets/7 with ``body``, answered 204."""
    sent = exchange({"Content-Type": content_type}, body, url=f"{URL}/7", method="PUT")
    sent["response"] = {"status": 204}
    return sent


def test_an_operation_without_header_parameters_still_has_its_content_type_checked(
    folder: Path,
) -> None:
    result = check(folder, jsonl(folder, [replaced("<pet/>", "text/xml")]), "--format", "json")
    assert problems_by_source(result)["shop.jsonl:1"] == [("content-type", "request")]


@pytest.mark.parametrize(("case", "index"), [(case, i) for i, (case, _, _) in enumerate(BROKEN)])
def test_each_broken_rule_is_located(
    broken_run: subprocess.CompletedProcess[str], case: str, index: int
) -> None:
    assert broken_run.returncode == 1
    got = problems_by_source(broken_run)[f"shop.jsonl:{index + 1}"]
    assert got == BROKEN[index][2], case


def test_request_problems_name_the_keyword_and_its_line(
    broken_run: subprocess.CompletedProcess[str],
) -> None:
    report = json.loads(broken_run.stdout)
    located = {
        (p["pointer"], p["keyword"], p["location"])
        for e in report["exchanges"]
        for p in e["problems"]
    }
    assert ("request/id", "readOnly", f"shop.yaml:{line_of('readOnly: true')}") in located
    assert ("request/name", "minLength", f"shop.yaml:{line_of('minLength: 1')}") in located
    assert ("/password", "writeOnly", f"shop.yaml:{line_of('writeOnly: true')}") in located
    assert ("", "security", f"shop.yaml:{line_of('security:')}") in located
    assert ("header/X-Request-Id", "format", f"shop.yaml:{line_of('format: uuid')}") in located
    security = [p for e in report["exchanges"] for p in e["problems"] if p["kind"] == "security"]
    assert all("apiKey" in p["message"] and "bearer" in p["message"] for p in security)


@pytest.mark.parametrize("report_format", ["text", "json", "junit", "html"])
def test_header_and_cookie_values_never_reach_a_report(folder: Path, report_format: str) -> None:
    recording = jsonl(folder, [e for _, e, _ in BROKEN])
    result = check(folder, recording, "--format", report_format)
    assert result.returncode == 1
    for secret in HEADER_SECRETS:
        assert secret not in result.stdout, f"{secret} leaked into the {report_format} report"
        assert secret not in result.stderr
    # The problems are still there, by name.
    assert "X-Request-Id" in result.stdout
    assert "session" in result.stdout


def test_responses_only_checks_what_it_did_before(folder: Path) -> None:
    recording = jsonl(folder, [e for _, e, _ in BROKEN])
    result = check(folder, recording, "--format", "json", "--responses-only")
    got = problems_by_source(result)
    # Only path and query parameters, and responses, are checked.
    kinds = {kind for problems in got.values() for kind, _ in problems}
    assert kinds == {"parameter", "schema"}
    assert got["shop.jsonl:10"] == BROKEN[9][2]
    assert got["shop.jsonl:1"] == []


def test_a_request_without_headers_has_its_headers_and_security_unchecked(folder: Path) -> None:
    # No "headers" member: unknown, not absent. The body is still checked.
    unknown = exchange(None, PET)
    readonly = exchange(None, {"id": 1, **PET})
    empty = exchange({}, PET)  # recorded, and empty: the header and the credential are missing
    result = check(folder, jsonl(folder, [unknown, readonly, empty]), "--format", "json")
    got = problems_by_source(result)
    assert got["shop.jsonl:1"] == []
    assert got["shop.jsonl:2"] == [("request-body", "request/id")]
    assert ("header", "header/X-Request-Id") in got["shop.jsonl:3"]
    assert ("security", "") in got["shop.jsonl:3"]


def test_a_value_already_redacted_is_present_but_not_checked(folder: Path) -> None:
    redacted = exchange(headers(**{"X-Request-Id": "REDACTED", "X-Api-Key": "***"}), PET)
    result = check(folder, jsonl(folder, [redacted]))
    assert result.returncode == 0, result.stdout


def test_base64_bodies_are_decoded(folder: Path) -> None:
    def encoded(value: Any) -> str:
        return base64.b64encode(json.dumps(value).encode()).decode()

    good = exchange(headers(), encoded(PET), encoding="base64")
    good["response"] |= {"body": encoded({"id": 1, "name": "Rex"}), "encoding": "base64"}
    bad = exchange(headers(), encoded({"id": 1, **PET}), encoding="base64")
    broken = exchange(headers(), "not base64!", encoding="base64")
    result = check(folder, jsonl(folder, [good, bad, broken]), "--format", "json")
    got = problems_by_source(result)
    assert got["shop.jsonl:1"] == []
    assert got["shop.jsonl:2"] == [("request-body", "request/id")]
    assert got["shop.jsonl:3"] == [("unreadable", "")]


def har_entry(request: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"id": 1, "name": "Rex"})
    return {
        "request": {"method": "POST", "url": URL, "httpVersion": "HTTP/1.1", **request},
        "response": {
            "status": 201,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": body},
        },
    }


def test_har_post_data_and_cookies_are_checked(folder: Path) -> None:
    sent = [
        {"name": "X-Request-Id", "value": REQUEST_ID},
        {"name": "Authorization", "value": f"Bearer {TOKEN}"},
    ]
    entries = [
        # postData.text, its mimeType standing for the Content-Type header
        har_entry(
            {"headers": sent, "postData": {"mimeType": "application/json", "text": '{"name": "a"}'}}
        ),
        # postData.params as a form, and a cookie from request.cookies
        har_entry(
            {
                "headers": sent,
                "cookies": [{"name": "session", "value": BAD_COOKIE}],
                "postData": {
                    "mimeType": "application/x-www-form-urlencoded",
                    "params": [{"name": "name", "value": "Rex"}, {"name": "age", "value": "x"}],
                },
            }
        ),
        har_entry({"headers": [], "postData": {"mimeType": "application/json", "text": "{}"}}),
    ]
    (folder / "shop.har").write_text(json.dumps({"log": {"entries": entries}}), encoding="utf-8")
    result = check(folder, folder / "shop.har", "--format", "json")
    got = problems_by_source(result)
    assert got["shop.har#entry0"] == [("request-body", "request")]  # password is required
    assert got["shop.har#entry1"] == [
        ("cookie", "cookie/session"),
        ("request-body", "request"),
        ("request-body", "request/age"),
    ]
    # headers: [] is recorded, and empty; {} lacks both name and password
    assert [kind for kind, _ in got["shop.har#entry2"]] == [
        "header",
        "security",
        "request-body",
        "request-body",
    ]
    assert BAD_COOKIE not in result.stdout


# -- the plan, worked out once per operation ------------------------------------------------------------


def test_the_plan_is_made_once_and_an_operation_without_requests_to_check_is_empty(
    folder: Path,
) -> None:
    checker = Checker([folder / "shop.yaml"])
    checks = RequestChecks(checker.specs, checker.conformance, frozenset(), 100, 128)
    get = checker.router.match("GET", "https://shop.example.test/v1/pets/7")
    post = checker.router.match("POST", URL)
    assert get is not None and post is not None
    plan = checks.plan(get)
    assert checks.plan(get) is plan
    assert [p.shape.location for p in plan.parameters] == ["path"]
    assert plan.security is None and plan.body is None  # security: [{}] is optional
    create = checks.plan(post)
    assert create.needs_headers and create.needs_cookies and create.needs_query
    assert create.security == (
        (("apiKey", "header", "x-api-key"),),
        (("bearer", "authorization", "bearer"),),
    )
    record = exchange_from_json(exchange(headers(), PET), "example")
    assert checks.problems(post, record, Secrets()) == []  # type: ignore[arg-type]


def test_responses_only_plans_path_and_query_parameters_alone(folder: Path) -> None:
    checker = Checker([folder / "shop.yaml"])
    checks = RequestChecks(checker.specs, checker.conformance, frozenset(), 100, 128, True)
    post = checker.router.match("POST", URL)
    assert post is not None
    plan = checks.plan(post)
    assert {p.shape.location for p in plan.parameters} == {"query"}
    assert plan.body is None and plan.security is None and not plan.needs_headers


def test_hostile_request_bodies_fail_alone_without_a_traceback(folder: Path) -> None:
    deep: Any = "x"
    for _ in range(500):
        deep = [deep]
    odd_type = "application/" + "x" * 300  # not shown: only a plain media type is
    exchanges = [
        exchange(headers(), {"name": deep, "password": "pw"}),
        exchange(headers(), "[" * 5000 + "]" * 5000),
        exchange(headers(**{"Content-Type": odd_type}), "x"),
        exchange(headers(), PET),
    ]
    result = check(folder, jsonl(folder, exchanges), "--format", "json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    got = problems_by_source(result)
    assert got["shop.jsonl:1"] == [("request-body", "request")]  # deeper than --max-depth
    assert got["shop.jsonl:2"] == [("request-body", "request")]  # not JSON it can read
    assert got["shop.jsonl:3"] == [("content-type", "request")]
    assert got["shop.jsonl:4"] == []
    assert odd_type not in result.stdout
