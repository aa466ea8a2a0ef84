"""Generated clients on faults a real server cannot be made to produce, through httpx.MockTransport.

The happy paths run against Prism over real HTTP (tests/integration); here: error statuses with and
without error models, timeouts, bodies that are not JSON or do not fit, credentials kept out of
reprs, messages and logs, hostile names, open enums.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from generated import alteryx, anon, elasticpath, sitehost
from generator.generate.render import RUFF_SETTINGS
from tests.generate.packages import HOSTILE_SPEC, generate_and_import
from tests.paths import ROOT

JOB_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
TOKEN = "tok-SECRET-1234"
API_KEY = "key-SECRET-5678"
Handler = Callable[[httpx.Request], httpx.Response]


def anon_job() -> dict[str, Any]:
    page = anon.models.Job.model_json_schema()  # only to prove the models import cleanly
    assert page["title"] == "Job"
    return {
        "id": JOB_ID,
        "name": "n",
        "createdAt": "2024-02-29T00:00:00Z",
        "updatedAt": None,
        "organizationId": JOB_ID,
        "sourceProvider": "s",
        "createdByUserId": JOB_ID,
        "updatedByUserId": None,
        "jobConfigJson": {},
    }


def transport(handler: Handler, seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    def record(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return handler(request)

    return httpx.MockTransport(record)


def test_a_2xx_returns_the_typed_model_and_sends_what_the_spec_says() -> None:
    seen: list[httpx.Request] = []
    client = alteryx.Client(
        token=TOKEN,
        transport=transport(lambda r: httpx.Response(200, json={"id": "j1", "messages": []}), seen),
    )
    with client:
        job = client.get_job("a/b c", include_messages=False)
    assert isinstance(job, alteryx.models.Job) and job.id == "j1" and job.messages == []
    (request,) = seen
    assert str(request.url) == "http://localhost/webapi/v3/jobs/a%2Fb%20c?includeMessages=false"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["User-Agent"] == "specgen-alteryx/3"


def test_server_variables_and_base_url() -> None:
    assert (
        alteryx.Client(scheme="https", host="gallery.example:8443").base_url
        == "https://gallery.example:8443/webapi"
    )
    assert alteryx.Client(base_url="http://127.0.0.1:1/").base_url == "http://127.0.0.1:1"
    assert sitehost.Client().base_url == "https://api.sitehost.nz/1.5"


def test_error_status_raises_api_error_with_the_declared_error_model() -> None:
    body = {"errors": [{"status": 500, "title": "Internal Server Error", "request_id": "r1"}]}
    client = elasticpath.Client(
        token=TOKEN, transport=transport(lambda r: httpx.Response(500, json=body))
    )
    with pytest.raises(elasticpath.ApiError) as caught:
        client.get_job("j1")
    error = caught.value
    assert error.status_code == 500
    assert isinstance(error.parsed, elasticpath.models.ErrorResponse)
    assert error.parsed.errors is not None and error.parsed.errors[0].request_id == "r1"
    assert str(error) == "GET https://api.moltin.com/v2/jobs/j1 returned 500 Internal Server Error"
    assert json.loads(error.content) == body


def test_an_error_body_that_does_not_fit_keeps_parsed_none_and_the_raw_body() -> None:
    client = elasticpath.Client(
        transport=transport(lambda r: httpx.Response(404, text="<html>gone</html>"))
    )
    with pytest.raises(elasticpath.ApiError) as caught:
        client.get_job("j1")
    assert caught.value.parsed is None
    assert caught.value.content == b"<html>gone</html>"


def test_undocumented_status_raises_api_error() -> None:
    client = anon.Client(transport=transport(lambda r: httpx.Response(418)))
    with pytest.raises(anon.ApiError, match="returned 418 I'm a teapot"):
        client.get_job_by_id(JOB_ID)


@pytest.mark.parametrize(
    ("body", "first_problem"),
    [
        (b"<html>not json</html>", "(body): Invalid JSON"),
        (json.dumps({**anon_job(), "createdAt": "2023-02-29T00:00:00Z"}).encode(), "createdAt"),
        (b"", "(body): Invalid JSON"),
    ],
    ids=["not json", "does not fit", "empty"],
)
def test_a_2xx_body_that_does_not_fit_raises_a_clear_error_keeping_the_raw_body(
    body: bytes, first_problem: str
) -> None:
    client = anon.Client(transport=transport(lambda r: httpx.Response(200, content=body)))
    with pytest.raises(anon.ResponseValidationError) as caught:
        client.get_job_by_id(JOB_ID)
    error = caught.value
    assert error.content == body
    assert error.status_code == 200
    assert "does not fit models.Job" in str(error) and first_problem in str(error)
    assert error.errors


def test_timeouts_surface_as_httpx_timeouts_sync_and_async() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(httpx.TimeoutException):
        anon.Client(transport=transport(slow)).get_job_by_id(JOB_ID)

    async def call() -> None:
        async with anon.AsyncClient(transport=httpx.MockTransport(slow)) as client:
            await client.get_job_by_id(JOB_ID)

    with pytest.raises(httpx.TimeoutException):
        asyncio.run(call())


def test_default_timeout_is_set_and_overridable() -> None:
    assert anon.Client()._http.timeout == httpx.Timeout(anon.client.DEFAULT_TIMEOUT)
    assert anon.Client(timeout=2.5)._http.timeout == httpx.Timeout(2.5)


def test_a_caller_supplied_http_client_is_used_and_not_closed() -> None:
    http = httpx.Client(transport=transport(lambda r: httpx.Response(200, json=anon_job())))
    with anon.Client(http_client=http) as client:
        assert client.get_job_by_id(JOB_ID).name == "n"
    assert not http.is_closed
    http.close()


def test_async_client_returns_typed_models() -> None:
    async def call() -> list[alteryx.models.JobMessage]:
        handler = transport(
            lambda r: httpx.Response(200, json=[{"status": 1, "text": "t", "toolId": 2}])
        )
        async with alteryx.AsyncClient(token=TOKEN, transport=handler) as client:
            return await client.get_job_messages("j1")

    messages = asyncio.run(call())
    assert [m.tool_id for m in messages] == [2]


def test_secrets_stay_out_of_reprs_messages_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[httpx.Request] = []
    caplog.set_level(logging.DEBUG)
    client = sitehost.Client(
        api_key=API_KEY, transport=transport(lambda r: httpx.Response(500, text="boom"), seen)
    )
    with pytest.raises(sitehost.ApiError) as caught:
        client.get_job("scheduler", 32563)
    assert seen[0].url.params["apikey"] == API_KEY, "the key must reach the server"
    shown = [
        repr(client),
        str(client),
        str(caught.value),
        repr(caught.value),
        repr(client._secrets),
        caplog.text,
    ]
    assert caplog.text, "httpx logged nothing: the log check would be vacuous"
    for text in shown:
        assert API_KEY not in text
    assert "apikey=%5BREDACTED%5D" in str(caught.value) or "apikey=[REDACTED]" in str(caught.value)

    bearer = elasticpath.Client(token=TOKEN, transport=transport(lambda r: httpx.Response(401)))
    with pytest.raises(elasticpath.ApiError) as denied:
        bearer.get_job("j1")
    assert TOKEN not in repr(bearer) + str(denied.value) + repr(vars(bearer)) + caplog.text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A client generated from a spec with hostile names, quotes and every kind of credential."""
    return generate_and_import(tmp_path_factory.mktemp("hostile"), ROOT / HOSTILE_SPEC)


def test_hostile_names_become_valid_distinct_identifiers(hostile: Any) -> None:
    seen: list[httpx.Request] = []
    thing = {"state": "new", "self": "s", "class": 1, "model_config": "m"}
    client = hostile.Client(
        api_key="hk", transport=transport(lambda r: httpx.Response(200, json=thing), seen)
    )
    result = client.import_(
        "a/../b",
        job_id_2=7,
        class_="b c",
        n_1st=[],
        session="s1",
    )
    assert (result.self, result.class_, result.model_config_) == ("s", 1, "m")
    url = seen[0].url
    assert url.path == "/v1/things/a%2F..%2Fb" or url.raw_path.startswith(b"/v1/things/a%2F..%2Fb")
    assert url.host == "eu.example.test"
    assert url.params.multi_items() == [("job_id", "7"), ("class", "b c")]
    assert seen[0].headers["X-Key"] == "hk"
    assert seen[0].headers["Cookie"] == "session=s1"
    assert hostile.Client(base_url_="us", timeout_="v2").base_url == "https://us.example.test/v2"


def test_quotes_in_the_spec_stay_inside_docstrings(hostile: Any) -> None:
    assert 'Ends with a quote"' in (hostile.__doc__ or "")
    assert '"""' in (hostile.Client.import_.__doc__ or "")


def test_open_enums_accept_values_added_later(hostile: Any) -> None:
    thing = hostile.models.Thing.model_validate_json('{"state": "archived"}')
    assert thing.state == "archived" and isinstance(thing.state, hostile.models.State)
    assert (
        hostile.models.Thing.model_validate({"state": "in progress"}).state
        is hostile.models.State.IN_PROGRESS
    )


def test_patterns_pydantic_rust_regex_rejects_still_validate(hostile: Any) -> None:
    assert hostile.models.Thing(state="new", look="abc").look == "abc"
    with pytest.raises(ValueError):
        hostile.models.Thing(state="new", look="xyz")


def test_bodies_basic_auth_cookie_keys_ranges_and_empty_responses(hostile: Any) -> None:
    seen: list[httpx.Request] = []
    replies = iter(
        [
            httpx.Response(201, json=[{"state": "new"}]),
            httpx.Response(204),
            httpx.Response(404, json={"title": "no"}),
        ]
    )
    client = hostile.Client(
        username="u",
        password="p",
        api_key_2="ck",
        transport=transport(lambda r: next(replies), seen),
    )
    created = client.class_(hostile.models.Thing(state="new", class_=3))
    assert [t.state for t in created] == ["new"]
    assert json.loads(seen[0].content) == {"state": "new", "class": 3}
    assert seen[0].headers["Authorization"] == "Basic dTpw"
    assert seen[0].headers["Cookie"] == "key=ck"
    assert client.class_(hostile.models.Thing(state="new")) is None
    with pytest.raises(hostile.ApiError) as caught:
        client.import_("x")
    assert caught.value.parsed.title == "no", "4XX declares the Problem model"


def test_hostile_output_is_lint_and_type_clean(hostile: Any) -> None:
    package = Path(hostile.__file__).parent
    for command in (
        # The settings generation formats with (line length 100), not ruff's defaults.
        ["ruff", "check", *RUFF_SETTINGS, str(package)],
        ["mypy", "--strict", str(package)],
    ):
        result = subprocess.run(
            [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
