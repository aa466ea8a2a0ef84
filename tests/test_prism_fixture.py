"""Prism, started by :func:`tests.prism.serve`, mocks the shipped specs on 127.0.0.1."""

from __future__ import annotations

import httpx
import yaml

from tests.paths import SPECS
from tests.prism import serve

JOB_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def test_anon_job_is_the_page_example() -> None:
    spec = SPECS / "anon.yaml"
    operation = yaml.safe_load(spec.read_text())["paths"]["/jobs/{jobId}"]["get"]
    page = operation["responses"]["200"]["content"]["application/json"]["examples"]["page"]

    with serve(spec) as base_url:
        # The operation's own path: Prism serves it without the server's base path (/api/v2).
        response = httpx.get(f"{base_url}/jobs/{JOB_ID}", headers={"Prefer": "example=page"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == page["value"]


def test_missing_bearer_token_is_unauthorized() -> None:
    with serve(SPECS / "elasticpath.yaml") as base_url, httpx.Client(base_url=base_url) as client:
        authorized = client.get("/jobs/abc", headers={"Authorization": "Bearer token"})
        anonymous = client.get("/jobs/abc")

    assert authorized.status_code == 200
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"


def test_query_parameter_outside_the_spec_is_rejected() -> None:
    valid = {"apikey": "key", "type": "scheduler", "id": "32563"}
    spec = SPECS / "sitehost.yaml"
    with serve(spec, errors=True) as base_url, httpx.Client(base_url=base_url) as client:
        ok = client.get("/job/get.json", params=valid)
        bad_type = client.get("/job/get.json", params={**valid, "type": "foo"})
        bad_id = client.get("/job/get.json", params={**valid, "id": "abc"})

    assert ok.status_code == 200
    for response, parameter in ((bad_type, "type"), (bad_id, "id")):
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        locations = [violation["location"] for violation in response.json()["validation"]]
        assert locations == [["query", parameter]]
