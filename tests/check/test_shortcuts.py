"""The checker's shortcuts give the answers of the long way round.

Speed comes from not doing work: bounding a body from its text instead of walking it, searching for
credentials only in the values a message quotes, remembering where a templated server matched. Each
test here states the long way's answer and checks the shortcut against it, on generated inputs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check.bodies import nesting_depth, openings, values_at_most
from generator.check.redaction import Secrets, body_credentials, quoted_credentials
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
@given(JSON, st.text(max_size=12))
def test_quoted_values_yield_the_credentials_a_whole_body_search_would_for_them(
    value: Any, secret: str
) -> None:
    # A body holding the generated value under a credential-like name, and again under a plain one.
    body = {"session": {"token": secret, "inner": value}, "plain": value}
    whole = Secrets()
    body_credentials(body, whole)
    # The message of a violation at /session quotes that object: everything under it is found.
    found = Secrets()
    quoted_credentials(body, [("/session", '{"token": ...} is not of type "string"')], found)
    for candidate in (secret, *_strings(value)):
        assert found.mask(f"<{candidate}>") == whole.mask(f"<{candidate}>"), candidate


def test_a_message_that_quotes_no_object_spares_the_search() -> None:
    body = {"session": {"token": "s3cr3t-token"}}
    found = Secrets()
    quoted_credentials(body, [("/session", '"id" is a required property')], found)
    assert not found
    quoted_credentials(body, [("/session/token", '"s3cr3t-token" is too short')], found)
    assert found.mask("s3cr3t-token") == "REDACTED"


def test_a_parameter_pointer_is_passed_over_and_an_unresolved_one_searched_where_it_stops() -> None:
    body = {"token": "abcdef"}
    found = Secrets()
    quoted_credentials(body, [("query/token", "{...}")], found)
    assert not found
    # Safe side: a pointer the body does not hold searches the value it got to (here, the body).
    quoted_credentials(body, [("/missing/1", "[1]")], found)
    assert found.mask("abcdef") == "REDACTED"


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
