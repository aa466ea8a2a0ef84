"""The pytest plugin, as a user's test suite meets it: a real server on 127.0.0.1, real httpx clients.

Each test runs a small test suite of its own in a pytest subprocess (pytester), with the plugin
loaded the way an installed specgen loads it (the ``pytest11`` entry point).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
paths:
  /jobs/{id}:
    get:
      operationId: getJob
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: a job
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {type: string}
"""

#: The user's suite: a server answering a conforming body for /jobs/1 and a broken one for
#: /jobs/2, and tests calling it through the clients people use.
SUITE = """
import asyncio
import http.server
import json
import threading

import httpx
import pytest

BODIES = {"/jobs/1": {"id": "1"}, "/jobs/2": {"id": 2}}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(BODIES[self.path]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_good(base):
    with httpx.Client() as client:
        assert client.get(f"{base}/jobs/1", headers={"Authorization": "Bearer s3cr3t-tok"}).json()


def test_good_async(base):
    async def call():
        async with httpx.AsyncClient() as client:
            return (await client.get(f"{base}/jobs/1")).json()

    assert asyncio.run(call()) == {"id": "1"}


def test_good_explicit(base, specgen_transport):
    with httpx.Client(transport=specgen_transport) as client:
        assert client.get(f"{base}/jobs/1").status_code == 200


def test_bad(base):
    assert httpx.get(f"{base}/jobs/2").json() == {"id": 2}
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> Path:
    """The user's project: the suite above, and the spec it is checked against."""
    pytester.makepyfile(test_calls=SUITE)
    spec = pytester.path / "jobs.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    return spec


def test_a_deviation_fails_the_session_naming_the_test_that_made_it(
    pytester: pytest.Pytester, suite: Path
) -> None:
    result = pytester.runpytest_subprocess("--specgen-check", "--specgen-spec", str(suite))
    result.assert_outcomes(passed=4)  # every test passed; the traffic did not
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "specgen check: 3 passed, 1 failed" in output, output
    (failure,) = [line for line in output.splitlines() if line.startswith("FAIL ")]
    assert "test_calls.py::test_bad" in failure
    assert "/id: 2 is not of type" in failure and "jobs.yaml:" in failure
    assert "s3cr3t-tok" not in output


def test_conforming_traffic_passes(pytester: pytest.Pytester, suite: Path) -> None:
    result = pytester.runpytest_subprocess(
        "--specgen-check", "--specgen-spec", str(suite), "-k", "good"
    )
    result.assert_outcomes(passed=3, deselected=1)
    assert result.ret == pytest.ExitCode.OK
    assert "specgen check: 3 passed, 0 failed" in result.stdout.str()


def test_record_writes_the_exchanges_for_later_with_their_tests(
    pytester: pytest.Pytester, suite: Path
) -> None:
    folder = pytester.path / "traffic"
    result = pytester.runpytest_subprocess("--specgen-record", str(folder))
    assert result.ret == pytest.ExitCode.OK  # recording only: nothing is judged
    lines = (folder / "specgen-main.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(record["test"].split("::")[1] for record in records) == [
        "test_bad",
        "test_good",
        "test_good_async",
        "test_good_explicit",
    ]
    assert "s3cr3t-tok" not in "".join(lines)


def test_without_its_options_the_plugin_records_nothing(
    pytester: pytest.Pytester, suite: Path
) -> None:
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.OK
    assert "specgen check" not in result.stdout.str()
    assert not list(pytester.path.glob("**/specgen-*.jsonl"))


def test_under_xdist_each_worker_records_apart_and_the_check_reads_them_all(
    pytester: pytest.Pytester, suite: Path
) -> None:
    folder = pytester.path / "traffic"
    result = pytester.runpytest_subprocess(
        "-n", "2", "--specgen-check", "--specgen-spec", str(suite), "--specgen-record", str(folder)
    )
    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "specgen check: 3 passed, 1 failed" in result.stdout.str()
    workers = sorted(path.name for path in folder.glob("specgen-gw*.jsonl"))
    assert workers == ["specgen-gw0.jsonl", "specgen-gw1.jsonl"]
    recorded = [line for name in workers for line in (folder / name).read_text().splitlines()]
    assert len(recorded) == 4


def test_under_xdist_check_alone_is_a_usage_error(pytester: pytest.Pytester, suite: Path) -> None:
    result = pytester.runpytest_subprocess("-n", "2", "--specgen-check")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--specgen-record DIR" in result.stderr.str()
