"""Recording real traffic with `generator.record`, then checking the recording with `specgen check`.

A local server on 127.0.0.1 answers a conforming body, a non-conforming one, a binary one, one
larger than the recorder keeps, and an event stream; requests go through httpx clients and a
generated client whose transport records them.
"""

from __future__ import annotations

import asyncio
import gzip
import http.server
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

import generated.anon
from generator.record import AsyncRecordingTransport, RecordingTransport
from tests.commands import specgen
from tests.paths import ROOT

SPEC = """\
openapi: 3.1.0
info: {title: Things, version: "1"}
security: [{bearer: [], key: [], query: []}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: a thing
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
  /things:
    post:
      operationId: makeThing
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
      responses:
        "200":
          description: the thing made
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
  /picture:
    get:
      operationId: getPicture
      responses:
        "200":
          description: bytes
          content: {application/octet-stream: {schema: {type: string, format: binary}}}
  /everything:
    get:
      operationId: getEverything
      responses:
        "200":
          description: many things
          content:
            application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Thing"}}}
  /events:
    get:
      operationId: getEvents
      responses:
        "200":
          description: an endless stream of events
          content: {text/event-stream: {schema: {type: string}}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: header, name: X-Api-Key}
    query: {type: apiKey, in: query, name: api_key}
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties: {id: {type: integer}, name: {type: string}}
"""

GOOD = b'{"id": 1, "name": "one"}'
BAD = b'{"id": "one", "name": "one"}'
PICTURE = bytes(range(256)) * 4
#: More than the recorder keeps (1 MiB by default).
EVERYTHING = json.dumps([{"id": n, "name": "x" * 20} for n in range(60_000)]).encode()
JOB: dict[str, Any] = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "name": "nightly",
    "createdAt": "2023-11-07T05:31:56Z",
    "updatedAt": None,
    "organizationId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "sourceProvider": "git",
    "createdByUserId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "updatedByUserId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "jobConfigJson": {"workflowExecutionOrder": []},
}

#: Credentials the client sends: none may reach the recording.
TOKEN = "tok-4f1b9c2e7a"
API_KEY = "key-8d3a6e0b51"
QUERY_KEY = "qk-72c5e19f0d"
COOKIE = "ck-0b6e2f9a4c"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-Api-Key": API_KEY}
COOKIES = {"session": COOKIE}
PARAMS = {"api_key": QUERY_KEY}


class Handler(http.server.BaseHTTPRequestHandler):
    """The answers of the things API, and of anon's ``GET /jobs/{jobId}``."""

    def do_GET(self) -> None:
        path = self.path.partition("?")[0]
        if path == "/things/good":
            self.answer(GOOD, "application/json")
        elif path == "/things/bad":
            self.answer(BAD, "application/json")
        elif path == "/things/zipped":
            zipped = gzip.compress(GOOD)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(zipped)))
            self.end_headers()
            self.wfile.write(zipped)
        elif path == "/picture":
            self.answer(PICTURE, "application/octet-stream")
        elif path == "/everything":
            self.answer(EVERYTHING, "application/json")
        elif path.startswith("/api/v2/jobs/"):
            self.answer(json.dumps(JOB).encode(), "application/json")
        elif path == "/events":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Set-Cookie", f"session={COOKIE}; Path=/")
            self.end_headers()  # no Content-Length: the body runs until the connection closes
            try:
                for n in range(1000):
                    self.wfile.write(f"data: {n}\n\n".encode())
                    self.wfile.flush()
            except OSError:
                pass  # the client stopped listening, as clients of streams do
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.answer(body, "application/json")

    def answer(self, body: bytes, media_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "things.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def client(transport: httpx.BaseTransport, base_url: str) -> httpx.Client:
    """An httpx client sending every credential the spec's security asks for."""
    return httpx.Client(
        transport=transport, base_url=base_url, headers=HEADERS, cookies=COOKIES, params=PARAMS
    )


def records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def check_json(spec: Path, recording: Path) -> tuple[int, list[dict[str, Any]]]:
    result = specgen("check", "--format", "json", "--spec", spec, recording)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["exchanges"]


def test_a_recording_of_httpx_traffic_is_checked(base_url: str, spec: Path, tmp_path: Path) -> None:
    recording = tmp_path / "traffic.jsonl"
    transport = RecordingTransport(httpx.HTTPTransport(), recording, test_id="test_things")
    with client(transport, base_url) as http:
        good = http.get("/things/good")
        bad = http.get("/things/bad")
        made = http.post("/things", json={"id": 2, "name": "two", "password": "pw-5e8c1d"})
        picture = http.get("/picture")
        everything = http.get("/everything")

    # The caller's responses are the server's, whole.
    assert (good.content, bad.content, picture.content) == (GOOD, BAD, PICTURE)
    assert everything.content == EVERYTHING
    assert made.json()["password"] == "pw-5e8c1d"

    text = recording.read_text(encoding="utf-8")
    for secret in (TOKEN, API_KEY, QUERY_KEY, COOKIE, "pw-5e8c1d"):
        assert secret not in text
    by_path = {
        r["request"]["url"].split("?")[0].removeprefix(base_url): r for r in records(recording)
    }
    assert by_path["/things/good"]["response"]["body"] == {"id": 1, "name": "one"}
    assert by_path["/things/good"]["request"]["headers"]["authorization"] == "Bearer REDACTED"
    assert by_path["/picture"]["response"]["encoding"] == "base64"
    assert "body" not in by_path["/everything"]["response"]
    assert by_path["/everything"]["response"]["skipped"].startswith("body larger than")

    code, verdicts = check_json(spec, recording)
    assert code == 1
    results = {v["url"].split("?")[0].removeprefix(base_url): v for v in verdicts}
    assert results["/things/bad"]["result"] == "failed"
    [problem] = results["/things/bad"]["problems"]
    assert problem["pointer"] == "/id" and problem["location"]
    # Redacted credentials still meet the security requirements.
    for path in ("/things/good", "/things", "/picture", "/everything"):
        assert results[path]["result"] == "passed", results[path]
    assert {v["test"] for v in verdicts} == {"test_things"}


def test_the_test_id_is_in_the_text_report(base_url: str, spec: Path, tmp_path: Path) -> None:
    recording = tmp_path / "traffic.jsonl"
    transport = RecordingTransport(httpx.HTTPTransport(), recording)
    with client(transport, base_url) as http:
        http.get("/things/good")
        transport.test_id = "tests/test_api.py::test_bad_thing"
        http.get("/things/bad")

    assert "test" not in records(recording)[0]
    result = specgen("check", "--spec", spec, recording)
    assert result.returncode == 1
    fail = next(line for line in result.stdout.splitlines() if line.startswith("FAIL"))
    assert "tests/test_api.py::test_bad_thing" in fail
    assert "test_bad_thing" not in next(
        line for line in result.stdout.splitlines() if line.startswith("PASS")
    )


def test_a_stream_stays_the_callers_and_is_recorded_without_its_body(
    base_url: str, spec: Path, tmp_path: Path
) -> None:
    recording = tmp_path / "traffic.jsonl"
    transport = RecordingTransport(httpx.HTTPTransport(), recording)
    with client(transport, base_url) as http, http.stream("GET", "/events") as response:
        events = []
        for line in response.iter_lines():
            if line:
                events.append(line)
            if len(events) == 3:
                break

    assert events == ["data: 0", "data: 1", "data: 2"]
    [record] = records(recording)
    response_part = record["response"]
    assert isinstance(response_part, dict)
    assert response_part["skipped"] == "streamed" and "body" not in response_part
    assert response_part["headers"]["set-cookie"] == "session=REDACTED; Path=/"
    code, [verdict] = check_json(spec, recording)
    assert (code, verdict["result"]) == (0, "passed")


def test_concurrent_requests_give_whole_lines(base_url: str, tmp_path: Path) -> None:
    recording = tmp_path / "traffic.jsonl"
    transport = RecordingTransport(httpx.HTTPTransport(), recording)
    with client(transport, base_url) as http:

        def fetch(_: int) -> None:
            for _ in range(10):
                assert http.get("/picture").content == PICTURE
                assert http.get("/things/good").content == GOOD

        threads = [threading.Thread(target=fetch, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(records(recording)) == 8 * 10 * 2


def test_async_clients_are_recorded(base_url: str, spec: Path, tmp_path: Path) -> None:
    recording = tmp_path / "traffic.jsonl"

    async def main() -> list[bytes]:
        transport = AsyncRecordingTransport(httpx.AsyncHTTPTransport(), recording, test_id="a")
        async with httpx.AsyncClient(
            transport=transport, base_url=base_url, headers=HEADERS, cookies=COOKIES, params=PARAMS
        ) as client:
            responses = await asyncio.gather(
                *(client.get(f"/things/{name}") for name in ("good", "bad", "good", "bad"))
            )
            async with client.stream("GET", "/events") as stream:
                async for _ in stream.aiter_lines():
                    break
            return [response.content for response in responses]

    assert asyncio.run(main()) == [GOOD, BAD, GOOD, BAD]
    text = recording.read_text(encoding="utf-8")
    assert all(secret not in text for secret in (TOKEN, API_KEY, QUERY_KEY, COOKIE))
    code, verdicts = check_json(spec, recording)
    assert code == 1
    assert sorted(str(v["result"]) for v in verdicts) == ["failed"] * 2 + ["passed"] * 3


def test_a_generated_client_records_through_its_transport(base_url: str, tmp_path: Path) -> None:
    recording = tmp_path / "traffic.jsonl"
    transport = RecordingTransport(httpx.HTTPTransport(), recording)
    with generated.anon.Client(base_url=f"{base_url}/api/v2", transport=transport) as client:
        job = client.get_job_by_id(uuid.UUID(JOB["id"]))
    assert job.name == "nightly"
    transport.close()

    # The spec's server is the vendor's; served from 127.0.0.1, its path is what identifies it.
    spec = tmp_path / "anon.yaml"
    text = (ROOT / "specs" / "anon.yaml").read_text(encoding="utf-8")
    spec.write_text(text.replace("https://worker.anon.com/api/v2", "/api/v2"), encoding="utf-8")
    result = specgen("check", "--spec", spec, recording)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("PASS")


def test_a_compressed_body_is_recorded_as_the_caller_reads_it(
    base_url: str, tmp_path: Path
) -> None:
    recording = tmp_path / "traffic.jsonl"
    with client(RecordingTransport(httpx.HTTPTransport(), recording), base_url) as http:
        assert http.get("/things/zipped").content == GOOD
    [record] = records(recording)
    assert record["response"]["body"] == {"id": 1, "name": "one"}


def test_a_body_the_caller_did_not_read_is_left_out(base_url: str, tmp_path: Path) -> None:
    recording = tmp_path / "traffic.jsonl"
    transport = RecordingTransport(httpx.HTTPTransport(), recording)
    with client(transport, base_url) as http, http.stream("GET", "/things/good") as response:
        assert response.status_code == 200
    [record] = records(recording)
    assert "body" not in record["response"]
    assert record["response"]["skipped"].startswith("streamed")
