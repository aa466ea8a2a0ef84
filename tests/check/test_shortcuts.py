"""The checker's shortcuts give the answers of the long way round.

Speed comes from not doing work: bounding a body from its text instead of walking it, walking a body
for credentials with only its arrays and objects on the stack, remembering where a templated server
matched. Each test here states the long way's answer and checks the shortcut against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check.bodies import nesting_depth, openings, values_at_most
from generator.check.checker import Checker
from generator.check.exchanges import Exchange, exchange_from_json
from generator.check.redaction import Secrets, body_credentials, is_credential_name
from generator.check.routing import Router
from generator.spec.reading import load_spec
from generator.spec.validators import count_values, values_bound

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON, st.booleans())
def test_a_bodys_text_bounds_its_size_and_nesting(value: Any, compact: bool) -> None:
    text = json.dumps(value, separators=(",", ":") if compact else (", ", ": "))
    for form in (text, text.encode()):
        assert values_bound(form) >= count_values(value, 10**6), form
        assert values_at_most(form) >= count_values(value, 10**6), form
        assert openings(form) >= nesting_depth(value, 10**6), form


@settings(max_examples=300, deadline=None)
@given(JSON, st.sampled_from(["token", "api_key", "name", "X-Amz-Signature", "id"]))
def test_the_body_walk_finds_what_a_recursive_search_finds(value: Any, name: str) -> None:
    body = {"outer": [value, {name: value}], name: {"inner": value}}
    found = Secrets()
    body_credentials(body, found)
    expected = Secrets()
    for credential in _under_credentials(body, False):
        expected.add(credential)
    for candidate in _strings(body):
        assert found.mask(f"<{candidate}>") == expected.mask(f"<{candidate}>"), candidate


CREDENTIAL_ELSEWHERE = """\
openapi: 3.1.0
info: {title: t, version: "1"}
servers: [{url: "https://api.example.test"}]
paths:
  /jobs/{id}:
    get:
      operationId: getJob
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  log_url: {type: string, format: uri}
"""


def test_a_credential_anywhere_in_the_body_is_masked_inside_any_quoted_value(
    tmp_path: Path,
) -> None:
    # The message quotes log_url alone; the token it holds is known as one from another member.
    path = tmp_path / "jobs.yaml"
    path.write_text(CREDENTIAL_ELSEWHERE, encoding="utf-8")
    body = {"job_token": "jobTokenSecret1", "log_url": "logs?t=jobTokenSecret1&limit=10"}
    record = exchange_from_json(
        {
            "request": {"method": "GET", "url": "https://api.example.test/jobs/1"},
            "response": {"status": 200, "headers": {}, "body": body},
        },
        "x.jsonl:1",
    )
    assert isinstance(record, Exchange)
    verdict = Checker([path]).check(record)
    (problem,) = verdict.problems
    assert problem.pointer == "/log_url" and problem.keyword == "format"
    assert "jobTokenSecret1" not in problem.message and "REDACTED" in problem.message


SERVERS = """\
openapi: 3.1.0
info: {title: t, version: "1"}
servers:
  - url: "{scheme}://{host}/api"
    variables:
      scheme: {default: https, enum: [http, https]}
      host: {default: example.test}
  - url: "https://{tenant}.example.test"
    variables: {tenant: {default: a}}
paths:
  /jobs/{id}:
    get:
      operationId: getJob
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /api/jobs:
    get:
      operationId: listJobs
      responses: {"200": {description: ok}}
"""

URLS = [
    "https://example.test/api/jobs/1",
    "https://example.test/api/jobs/2",
    "http://example.test/api/jobs/3",
    "https://other.test/x/api/jobs/4",  # a host variable may take in a slash
    "https://example.test/apijobs/5",
    "https://a.example.test/jobs/6",
    "https://b.example.test/jobs/7",
    "https://a.example.test/api/jobs",
    "https://a.example.test/api/jobs/8",
    "HTTPS://EXAMPLE.TEST/api/jobs/9",
    "https://example.test/api",
    "https://example.test/api/",
    "ftp://example.test/api/jobs/10",
]


def test_a_templated_server_matches_the_same_whatever_it_matched_before(tmp_path: Path) -> None:
    path = tmp_path / "servers.yaml"
    path.write_text(SERVERS, encoding="utf-8")
    spec = load_spec(path)

    def route(router: Router, url: str) -> tuple[str, dict[str, str]] | None:
        found = router.match("GET", url)
        return None if found is None else (found.operation.name, found.path_params)

    # Each URL on a fresh router (nothing remembered), then all in turn on one router, twice.
    expected = [route(Router([spec]), url) for url in URLS]
    warm = Router([spec])
    for _ in range(2):
        assert [route(warm, url) for url in URLS] == expected
    assert warm.match("GET", URLS[0]) is not None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return [str(value)] if value is not None and not isinstance(value, bool) else []


def _under_credentials(value: Any, secret: bool) -> list[str]:
    """The long way: every scalar under a credential-like name, by recursion."""
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in _under_credentials(item, secret or is_credential_name(str(key)))
        ]
    if isinstance(value, list):
        return [found for item in value for found in _under_credentials(item, secret)]
    return [str(value)] if secret and value is not None and not isinstance(value, bool) else []
