"""The generated clients against Prism, a real HTTP mock server for each shipped spec.

Every operation of every generated package is called through its ``Client`` and its
``AsyncClient`` the way a user would, over real HTTP. Prism checks each request against the spec
(reporting problems in its ``sl-violations`` header, or rejecting the request outright) and answers
with the spec's examples, steered with the ``Prefer`` header; the client must turn the answer into
its models. The clients get an ``http_client`` built here, whose event hook records every response
(and so every request as it was sent, credentials included).

Prism serves operations without the spec's server base path, so the clients get
``base_url=<Prism's URL>``.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

import httpx
import pydantic
import pytest

from generated import alteryx, altostrat, anon, elasticpath, sitehost
from tests.paths import ROOT, SPECS
from tests.prism import serve

Mode = Literal["sync", "async"]
MODES: tuple[Mode, ...] = ("sync", "async")

PACKAGES: dict[str, ModuleType] = {
    "altostrat": altostrat,
    "alteryx": alteryx,
    "anon": anon,
    "sitehost": sitehost,
    "elasticpath": elasticpath,
}

TOKEN = "test-bearer-token-5d1f0e"
API_KEY = "test-sitehost-key-8c2b7a"
CREDENTIALS: dict[str, dict[str, str]] = {
    "altostrat": {"token": TOKEN},
    "alteryx": {"token": TOKEN},
    "anon": {},  # The page shows no authorization, so the spec declares none.
    "sitehost": {"api_key": API_KEY},
    "elasticpath": {"token": TOKEN},
}

SITE_ID = uuid.UUID("7b0f6f8e-2d4c-4a52-9d2e-0c6a3b1f9e41")
JOB_UUID = uuid.UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")
ALTERYX_JOB_ID = "66e7f4a1c2b3d4e5f6a7b8c9"
SITEHOST_JOB_ID = 32563
ELASTICPATH_JOB_ID = "974c9db4-38da-4dbf-90c2-33eed5f3e77c"


# --- What each operation must return ---------------------------------------------------------


def assert_aware(value: object) -> None:
    """``value`` is a timezone-aware datetime."""
    assert isinstance(value, datetime.datetime), f"{value!r} is not a datetime"
    assert value.utcoffset() is not None, f"{value!r} has no timezone"


def check_altostrat_job(job: Any) -> None:
    assert isinstance(job.id, uuid.UUID)
    assert isinstance(job.site_id, uuid.UUID)
    assert isinstance(job.express_execute, bool)
    for moment in (job.started_at, job.completed_at, job.failed_at, job.created_at):
        assert_aware(moment)
    # The page's example is a relative reference although the schema says `format: uri`; the
    # model keeps a uri as text, so it still parses.
    assert isinstance(job.log_url, str)
    assert job.log_url.startswith("logs?")


def check_alteryx_job(job: Any) -> None:
    assert isinstance(job.id, str)
    assert_aware(job.create_date_time)
    assert isinstance(job.run_with_e2, bool)
    assert job.outputs, "the page example has one output"
    for output in job.outputs:
        assert isinstance(output, alteryx.models.JobOutput)
        assert isinstance(output.available_formats, list)
        assert all(isinstance(name, str) for name in output.available_formats)
    assert job.messages, "the page example has one message"
    for message in job.messages:
        assert isinstance(message, alteryx.models.JobMessage)
        assert isinstance(message.tool_id, int)


def check_alteryx_messages(messages: Any) -> None:
    for message in messages:
        assert message.status is None or isinstance(message.status, int)
        assert message.tool_id is None or isinstance(message.tool_id, int)
        assert message.text is None or isinstance(message.text, str)


def check_anon_job(job: Any) -> None:
    assert job.id == JOB_UUID
    assert isinstance(job.id, uuid.UUID)
    assert isinstance(job.organization_id, uuid.UUID)
    assert isinstance(job.created_by_user_id, uuid.UUID)
    assert isinstance(job.updated_by_user_id, uuid.UUID)
    assert_aware(job.created_at)
    assert_aware(job.updated_at)
    assert isinstance(job.job_config_json, anon.models.JobConfigJson)
    order = job.job_config_json.workflow_execution_order
    assert order and all(isinstance(step, uuid.UUID) for step in order)


def check_sitehost_job(response: Any) -> None:
    assert response.status is True
    assert isinstance(response.return_, sitehost.models.Job)
    # SiteHost writes local times as "YYYY-MM-DD HH:MM:SS": kept as text, not parsed.
    assert isinstance(response.return_.created, str)
    assert response.return_.logs
    assert all(isinstance(log, sitehost.models.JobLog) for log in response.return_.logs)
    assert all(isinstance(log.level, str) for log in response.return_.logs)


def check_elasticpath_job(response: Any) -> None:
    job = response.data
    assert isinstance(job, elasticpath.models.Job)
    assert job.id == ELASTICPATH_JOB_ID
    assert isinstance(job.timestamps, elasticpath.models.JobTimestamps)
    assert isinstance(job.timestamps.created_at, str)
    assert isinstance(job.links, elasticpath.models.JobLinks)


@dataclass(frozen=True)
class Operation:
    """One operation of a generated client, called as a user would call it."""

    api: str
    method: str
    call: Callable[[Any], Any]
    """Calls the operation on a client; for an ``AsyncClient`` this returns the coroutine."""
    prefer: str
    """The ``Prefer`` header that picks Prism's answer."""
    returns: type[pydantic.BaseModel]
    check: Callable[[Any], None]
    """Further assertions on the returned value (its key fields and their types)."""
    many: bool = False
    """Whether the operation returns a ``list`` of ``returns`` rather than one."""

    @property
    def name(self) -> str:
        return f"{self.api}.{self.method}"


OPERATIONS = (
    Operation(
        "altostrat",
        "get_job_details",
        lambda client: client.get_job_details(SITE_ID, JOB_UUID),
        prefer="example=page",
        returns=altostrat.models.Job,
        check=check_altostrat_job,
    ),
    Operation(
        "alteryx",
        "get_job",
        lambda client: client.get_job(ALTERYX_JOB_ID, include_messages=False),
        prefer="example=page",
        returns=alteryx.models.Job,
        check=check_alteryx_job,
    ),
    Operation(
        "alteryx",
        "get_job_messages",
        lambda client: client.get_job_messages(ALTERYX_JOB_ID),
        # The page's example is one message object, not the documented array: see
        # test_alteryx_messages_page_example_is_not_a_list.
        prefer="dynamic=true",
        returns=alteryx.models.JobMessage,
        check=check_alteryx_messages,
        many=True,
    ),
    Operation(
        "anon",
        "get_job_by_id",
        lambda client: client.get_job_by_id(JOB_UUID),
        prefer="example=page",
        returns=anon.models.Job,
        check=check_anon_job,
    ),
    Operation(
        "sitehost",
        "get_job",
        lambda client: client.get_job("scheduler", SITEHOST_JOB_ID),
        prefer="example=page",
        returns=sitehost.models.JobResponse,
        check=check_sitehost_job,
    ),
    Operation(
        "elasticpath",
        "get_job",
        lambda client: client.get_job(ELASTICPATH_JOB_ID),
        prefer="example=default",
        returns=elasticpath.models.GetJobResponse200,
        check=check_elasticpath_job,
    ),
)
OPERATION = {operation.name: operation for operation in OPERATIONS}


def each(operations: tuple[Operation, ...], modes: tuple[Mode, ...] = MODES) -> list[Any]:
    """``(operation, mode)`` pairs as pytest params with ids like ``anon.get_job_by_id-async``."""
    return [
        pytest.param(operation, mode, id=f"{operation.name}-{mode}")
        for operation in operations
        for mode in modes
    ]


# --- Prism and the clients -------------------------------------------------------------------


@pytest.fixture(scope="session")
def prism() -> Iterator[dict[str, str]]:
    """Prism's base URL for each spec (``errors=False``), all started at once for the session.

    Each Prism takes seconds to start, so they start in parallel. If one fails, the pool still
    waits for the others, and the exit stack then stops every one that did start.
    """
    with ExitStack() as stack, ThreadPoolExecutor(len(PACKAGES)) as pool:
        started = {
            api: pool.submit(stack.enter_context, serve(SPECS / f"{api}.yaml", errors=False))
            for api in PACKAGES
        }
        urls = {api: future.result() for api, future in started.items()}
        pool.shutdown()
        yield urls


class Recorder:
    """httpx ``response`` event hooks that keep every response a client received."""

    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []

    def record(self, response: httpx.Response) -> None:
        self.responses.append(response)

    async def arecord(self, response: httpx.Response) -> None:
        self.responses.append(response)

    @property
    def response(self) -> httpx.Response:
        """The one response of the one request the client was expected to send."""
        sent = [f"{r.request.method} {r.request.url} -> {r.status_code}" for r in self.responses]
        assert len(self.responses) == 1, f"expected exactly one request, got {sent}"
        return self.responses[0]


def call_api(
    api: str,
    call: Callable[[Any], Any],
    mode: Mode,
    base_url: str,
    recorder: Recorder,
    *,
    prefer: str,
    credentials: Mapping[str, str],
) -> Any:
    """Make ``call`` on the API's ``Client`` (or ``AsyncClient``) and return what it returns.

    The client sends through an httpx client with the ``Prefer`` header and ``recorder``'s hook;
    that httpx client must still be open once the API client is closed.
    """
    package = PACKAGES[api]
    headers = {"Prefer": prefer}
    if mode == "sync":
        with httpx.Client(headers=headers, event_hooks={"response": [recorder.record]}) as http:
            with package.Client(base_url=base_url, http_client=http, **credentials) as client:
                result = call(client)
            assert not http.is_closed, f"{api}.Client closed the http_client it was given"
        return result

    async def run() -> Any:
        hooks = {"response": [recorder.arecord]}
        async with httpx.AsyncClient(headers=headers, event_hooks=hooks) as http:
            async with package.AsyncClient(
                base_url=base_url, http_client=http, **credentials
            ) as client:
                result = await call(client)
            assert not http.is_closed, f"{api}.AsyncClient closed the http_client it was given"
        return result

    return asyncio.run(run())


def violations(response: httpx.Response, where: Literal["request", "response"]) -> list[Any]:
    """What Prism's ``sl-violations`` header reports about the request or the response."""
    reported = json.loads(response.headers.get("sl-violations", "[]"))
    return [item for item in reported if item["location"][:1] == [where]]


def described(response: httpx.Response) -> str:
    """A response and its request, for failure messages."""
    request = response.request
    return (
        f"{request.method} {request.url} -> {response.status_code}\n"
        f"sl-violations: {response.headers.get('sl-violations', '(none)')}\n"
        f"body: {response.text[:2000]}"
    )


def assert_credential_sent(api: str, request: httpx.Request) -> None:
    """The API's credential went where its security scheme says, and nothing else was added."""
    if api == "sitehost":
        assert request.url.params.get_list("apikey") == [API_KEY], request.url
        assert "authorization" not in request.headers
    elif api == "anon":
        assert "authorization" not in request.headers
        assert "apikey" not in request.url.params
    else:
        assert request.headers.get("authorization") == f"Bearer {TOKEN}", request.headers
        assert "apikey" not in request.url.params


def assert_returns(operation: Operation, result: object, where: str) -> None:
    """``result`` is the operation's model, or a list of it."""
    expected = operation.returns.__name__
    if operation.many:
        assert isinstance(result, list), f"{where}: returned {result!r}, not a list of {expected}"
        wrong = [item for item in result if not isinstance(item, operation.returns)]
        assert not wrong, f"{where}: list items {wrong!r} are not {expected}"
    else:
        assert isinstance(result, operation.returns), (
            f"{where}: returned {result!r}, not {expected}"
        )


# --- Every operation, sync and async --------------------------------------------------------


@pytest.mark.parametrize(("operation", "mode"), each(OPERATIONS))
def test_operation_sends_a_valid_request_and_returns_its_model(
    prism: dict[str, str], operation: Operation, mode: Mode
) -> None:
    """The client's request passes Prism's checks, carries the credential, and parses."""
    package = PACKAGES[operation.api]
    where = f"{operation.name} ({mode}, {(SPECS / f'{operation.api}.yaml').relative_to(ROOT)})"
    recorder = Recorder()
    try:
        result = call_api(
            operation.api,
            operation.call,
            mode,
            prism[operation.api],
            recorder,
            prefer=operation.prefer,
            credentials=CREDENTIALS[operation.api],
        )
    except (package.ApiError, package.ResponseValidationError) as error:
        pytest.fail(f"{where}: {error}\nPrism answered {described(error.response)}")
    response = recorder.response

    problems = violations(response, "request")
    assert not problems, f"{where}: Prism found the request invalid: {described(response)}"
    assert_credential_sent(operation.api, response.request)
    assert_returns(operation, result, where)
    operation.check(result)


# Data generated from each response schema must fit the models too. Not for anon: its date-time
# pattern defeats Prism's generator. Operations already answered with generated data are left out.
GENERATED = tuple(
    operation
    for operation in OPERATIONS
    if operation.api != "anon" and operation.prefer != "dynamic=true"
)


@pytest.mark.parametrize(("operation", "mode"), each(GENERATED, modes=("sync",)))
def test_generated_response_fits_the_model(
    prism: dict[str, str], operation: Operation, mode: Mode
) -> None:
    """A response Prism generates from the schema (``Prefer: dynamic=true``) parses."""
    package = PACKAGES[operation.api]
    recorder = Recorder()
    try:
        result = call_api(
            operation.api,
            operation.call,
            mode,
            prism[operation.api],
            recorder,
            prefer="dynamic=true",
            credentials=CREDENTIALS[operation.api],
        )
    except (package.ApiError, package.ResponseValidationError) as error:
        pytest.fail(f"{operation.name}: {error}\nPrism answered {described(error.response)}")
    response = recorder.response
    assert not violations(response, "response"), f"Prism broke its schema: {described(response)}"
    assert_returns(operation, result, operation.name)


# --- Errors over real HTTP --------------------------------------------------------------------

PROTECTED = tuple(operation for operation in OPERATIONS if CREDENTIALS[operation.api])


@pytest.mark.parametrize(("operation", "mode"), each(PROTECTED))
def test_call_without_credentials_is_unauthorized(
    prism: dict[str, str], operation: Operation, mode: Mode
) -> None:
    """Without ``token=`` / ``api_key=`` nothing is sent, Prism answers 401: an ``ApiError``."""
    package = PACKAGES[operation.api]
    recorder = Recorder()
    with pytest.raises(package.ApiError) as caught:
        call_api(
            operation.api,
            operation.call,
            mode,
            prism[operation.api],
            recorder,
            prefer=operation.prefer,
            credentials={},
        )

    error = caught.value
    assert error.status_code == 401, f"{operation.name} ({mode}): {described(error.response)}"
    assert error.response is recorder.response
    request = recorder.response.request
    assert "authorization" not in request.headers
    assert "apikey" not in request.url.params


@pytest.mark.parametrize("mode", MODES)
def test_elasticpath_server_error_is_parsed_into_its_error_model(
    prism: dict[str, str], mode: Mode
) -> None:
    """A documented 500 raises ``ApiError`` with its body parsed as ``models.ErrorResponse``."""
    recorder = Recorder()
    with pytest.raises(elasticpath.ApiError) as caught:
        call_api(
            "elasticpath",
            lambda client: client.get_job(ELASTICPATH_JOB_ID),
            mode,
            prism["elasticpath"],
            recorder,
            prefer="code=500, example=internal-server-error",
            credentials={"token": TOKEN},
        )

    error = caught.value
    assert error.status_code == 500, described(error.response)
    assert isinstance(error.parsed, elasticpath.models.ErrorResponse), described(error.response)
    first = error.parsed.errors[0]
    assert first.status == 500
    assert first.request_id == "635da56d-75a1-43cd-b696-7ab119756b3a"
    assert " 500 " in str(error)
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)
    assert recorder.response.request.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("mode", MODES)
def test_sitehost_api_key_stays_out_of_errors_and_logs(
    prism: dict[str, str], mode: Mode, caplog: pytest.LogCaptureFixture
) -> None:
    """The key travels in the query string, yet neither an ``ApiError`` nor httpx's log shows it.

    SiteHost documents only a 200, so the error is provoked with a job type outside the spec's
    enum: Prism rejects it with a 422.
    """
    recorder = Recorder()
    caplog.set_level(logging.INFO, logger="httpx")
    with pytest.raises(sitehost.ApiError) as caught:
        call_api(
            "sitehost",
            lambda client: client.get_job("weekly", SITEHOST_JOB_ID),
            mode,
            prism["sitehost"],
            recorder,
            prefer="example=page",
            credentials={"api_key": API_KEY},
        )

    error = caught.value
    assert error.status_code == 422, described(error.response)
    assert recorder.response.request.url.params["apikey"] == API_KEY  # It was sent...
    for shown in (str(error), repr(error), *map(str, error.args)):  # ...and is never shown.
        assert API_KEY not in shown, shown
    assert "/job/get.json" in str(error)
    assert "HTTP Request: GET" in caplog.text
    assert API_KEY not in caplog.text, caplog.text


def test_sitehost_api_key_stays_out_of_client_reprs(prism: dict[str, str]) -> None:
    """Neither client shows its API key in its repr."""
    base_url = prism["sitehost"]
    with sitehost.Client(api_key=API_KEY, base_url=base_url) as client:
        assert API_KEY not in repr(client)
        assert API_KEY not in repr(vars(client))
    async_client = sitehost.AsyncClient(api_key=API_KEY, base_url=base_url)
    assert API_KEY not in repr(async_client)
    assert API_KEY not in repr(vars(async_client))
    asyncio.run(async_client.aclose())


def test_alteryx_messages_page_example_is_not_a_list(prism: dict[str, str]) -> None:
    """The page's example for the messages is one object, so the client refuses it.

    The raw body stays available on the ``ResponseValidationError``; Prism flags the same
    contradiction in its ``sl-violations`` header.
    """
    recorder = Recorder()
    with pytest.raises(alteryx.ResponseValidationError) as caught:
        call_api(
            "alteryx",
            lambda client: client.get_job_messages(ALTERYX_JOB_ID),
            "sync",
            prism["alteryx"],
            recorder,
            prefer="example=page",
            credentials={"token": TOKEN},
        )

    error = caught.value
    assert error.status_code == 200
    assert json.loads(error.content) == {"status": 0, "text": "string", "toolId": 0}
    assert "models.GetJobMessagesResponse200" in str(error)
    reported = violations(recorder.response, "response")
    assert [item["location"] for item in reported] == [["response", "body"]]
    assert not violations(recorder.response, "request")
