"""`specgen check` as users run it, on recorded exchanges of the five APIs.

Each API has recordings in ``tests/recordings/<api>/``: a HAR file (one entry base64-encoded at
least), a JSON file of one exchange and a JSON Lines file, holding exchanges that pass (every
documented operation and status, the page's examples where they are valid) and exchanges that fail
(an unmatched path, an undeclared status, a wrong content type, a body that is not JSON, a schema
violation, a bad parameter). Next to them, ``expected.yaml`` gives each exchange's verdict by the
source the report names it by (``anon.jsonl:3``, ``anon.har#entry0``, ``anon.json``): PASS or
FAIL, the operation, and for a FAIL every problem's kind, pointer, keyword and spec location.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.commands import specgen
from tests.paths import ROOT, SPEC_NAMES
from tests.specs import UNUSABLE, write_unusable

RECORDINGS = ROOT / "tests" / "recordings"
APIS = sorted(SPEC_NAMES)
#: The fields of a problem that expected.yaml pins exactly (``message`` is matched as a substring).
PINNED = ("kind", "pointer", "keyword", "location")


def recordings(api: str) -> list[Path]:
    """The three recordings of ``api``, in the order the tests pass them."""
    folder = RECORDINGS / api
    return [folder / f"{api}.json", folder / f"{api}.jsonl", folder / f"{api}.har"]


def expected(api: str) -> dict[str, dict[str, Any]]:
    """``tests/recordings/<api>/expected.yaml``: the expected verdict of each source."""
    loaded = yaml.safe_load((RECORDINGS / api / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def all_expected() -> dict[str, dict[str, Any]]:
    """Every API's expected verdicts, in the order `all_recordings` reports them."""
    merged: dict[str, dict[str, Any]] = {}
    for api in APIS:
        merged.update(expected(api))
    return merged


def all_recordings() -> list[Path]:
    """Every recording of every API."""
    return [path for api in APIS for path in recordings(api)]


def json_report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The parsed ``--format json`` report, or a failure that shows what was printed instead."""
    try:
        payload = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"--format json printed no JSON ({exc}):\n{result.stdout}{result.stderr}")
    assert isinstance(payload, dict)
    return payload


def verdict_differences(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """How a reported verdict differs from its expected.yaml entry (empty when it matches)."""
    differences = []
    result = {"PASS": "passed", "FAIL": "failed", "SKIP": "skipped"}[want["verdict"]]
    if got["result"] != result:
        differences.append(f"result {got['result']!r}, expected {result!r}")
    operation = f"{got['spec']}.{got['operation']}" if got["operation"] else None
    if operation != want.get("operation"):
        differences.append(f"operation {operation!r}, expected {want.get('operation')!r}")
    if "status" in want and got["status"] != want["status"]:
        differences.append(f"status {got['status']!r}, expected {want['status']!r}")
    wanted = want.get("problems") or []
    actual = [{k: p[k] for k in PINNED if p[k]} for p in got["problems"]]
    pinned = [{k: p[k] for k in PINNED if k in p} for p in wanted]
    if actual != pinned:
        differences.append(f"problems {actual}, expected {pinned}")
    for problem, reported in zip(wanted, got["problems"], strict=False):
        if "message" in problem and problem["message"] not in reported["message"]:
            differences.append(f"message {reported['message']!r} lacks {problem['message']!r}")
    return differences


def assert_verdicts(exchanges: list[dict[str, Any]], wanted: dict[str, dict[str, Any]]) -> None:
    """Every exchange has exactly its expected verdict, and every expected one was reported."""
    reported = [exchange["source"] for exchange in exchanges]
    assert reported == list(wanted), f"reported sources {reported}, expected {list(wanted)}"
    wrong = []
    for exchange in exchanges:
        want = wanted[exchange["source"]]
        for difference in verdict_differences(want, exchange):
            wrong.append(f"{exchange['source']} ({want['case']}): {difference}")
    assert not wrong, "verdicts differ from expected.yaml:\n" + "\n".join(wrong)


def api_of(source: str) -> str:
    """The API of a source: ``anon`` for ``anon.jsonl:3``, ``anon.har#entry0`` or ``anon.json``."""
    return source.split(":")[0].split("#")[0].rsplit(".", 1)[0]


def counts(wanted: dict[str, dict[str, Any]]) -> tuple[int, int]:
    """(passed, failed) among expected verdicts."""
    passed = sum(1 for want in wanted.values() if want["verdict"] == "PASS")
    return passed, len(wanted) - passed


@pytest.fixture(scope="module")
def json_run() -> subprocess.CompletedProcess[str]:
    """One ``--format json`` run over every recording of every API."""
    return specgen("check", "--format", "json", *all_recordings())


@pytest.fixture(scope="module")
def text_run() -> subprocess.CompletedProcess[str]:
    """One text run over every recording of every API."""
    return specgen("check", *all_recordings())


# -- the recordings and their verdicts -----------------------------------------------------------------


@pytest.mark.parametrize("api", APIS)
def test_recordings_cover_har_json_and_jsonl_with_base64(api: str) -> None:
    for path in recordings(api):
        assert path.is_file(), f"{path} is missing"
    har = json.loads(recordings(api)[2].read_text(encoding="utf-8"))
    encodings = [entry["response"]["content"].get("encoding") for entry in har["log"]["entries"]]
    assert "base64" in encodings, f"{api}.har has no base64-encoded entry"
    wanted = expected(api)
    assert {"PASS", "FAIL"} <= {want["verdict"] for want in wanted.values()}
    kinds = {p["kind"] for want in wanted.values() for p in want.get("problems") or []}
    assert {"unmatched", "status", "content-type", "body", "schema"} <= kinds, kinds
    if api != "elasticpath":  # its one parameter, jobID, is any string: it cannot be bad
        assert "parameter" in kinds, f"{api} has no exchange with a bad parameter"


def documented_responses(api: str) -> set[tuple[str, int]]:
    """(``api.operationId``, status) of every response ``specs/<api>.yaml`` documents."""
    spec = yaml.safe_load((ROOT / "specs" / f"{api}.yaml").read_text(encoding="utf-8"))
    return {
        (f"{api}.{operation['operationId']}", int(status))
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "responses" in operation
        for status in operation["responses"]
    }


@pytest.mark.parametrize("api", APIS)
def test_every_documented_response_has_a_passing_exchange(api: str) -> None:
    passing = {
        (want["operation"], want["status"])
        for want in expected(api).values()
        if want["verdict"] == "PASS"
    }
    missing = documented_responses(api) - passing
    assert not missing, f"no passing exchange in tests/recordings/{api}/ for {sorted(missing)}"


@pytest.mark.parametrize("api", APIS)
def test_each_exchange_gets_its_expected_verdict(
    json_run: subprocess.CompletedProcess[str], api: str
) -> None:
    exchanges = [
        exchange
        for exchange in json_report(json_run)["exchanges"]
        if api_of(exchange["source"]) == api
    ]
    assert_verdicts(exchanges, expected(api))


@pytest.mark.parametrize("api", APIS)
def test_each_api_alone_gives_the_same_verdicts(api: str) -> None:
    """Checked alone, against only its own spec, an API's recordings give the same verdicts."""
    result = specgen("check", "--format", "json", "--spec", f"specs/{api}.yaml", *recordings(api))
    assert result.returncode == 1, result.stderr
    exchanges = json_report(result)["exchanges"]
    for exchange in exchanges:
        for problem in exchange["problems"]:
            if problem["kind"] == "unmatched":  # names the candidate specs: only this one now
                assert f"no operation of {api} matches" in problem["message"]
    assert_verdicts(exchanges, expected(api))


def test_json_report_counts_and_exit_code(json_run: subprocess.CompletedProcess[str]) -> None:
    passed, failed = counts(all_expected())
    assert json_run.returncode == 1, json_run.stderr
    assert json_report(json_run)["summary"] == {"passed": passed, "failed": failed, "skipped": 0}
    # Not text on stdout, so the counts go to stderr.
    assert json_run.stderr.strip() == f"{passed} passed, {failed} failed"


def test_text_report_is_a_line_per_exchange_then_the_counts(
    text_run: subprocess.CompletedProcess[str],
) -> None:
    wanted = all_expected()
    passed, failed = counts(wanted)
    assert text_run.returncode == 1, text_run.stderr
    *lines, last = text_run.stdout.splitlines()
    assert last == f"{passed} passed, {failed} failed"
    assert len(lines) == len(wanted), text_run.stdout
    for line, (source, want) in zip(lines, wanted.items(), strict=True):
        assert line.startswith(f"{want['verdict']} {source} "), (line, want["case"])
        if want["verdict"] == "FAIL":
            # `spec.operation METHOD url -> status: problem; problem`, each located.
            assert ": " in line
            for problem in want.get("problems") or []:
                if "location" in problem:
                    assert f"[{problem['keyword']} at {problem['location']}]" in line, line
                if "pointer" in problem:
                    assert f"{problem['pointer']}: " in line, line


def test_text_report_line_reads_as_documented(text_run: subprocess.CompletedProcess[str]) -> None:
    lines = text_run.stdout.splitlines()
    assert (
        "FAIL sitehost.jsonl:10 sitehost.getJob GET https://api.sitehost.nz/1.5/job/get.json"
        "?apikey=REDACTED&type=weekly&id=abc -> 200: query/type: query parameter 'type': "
        '"weekly" is not one of "daemon" or "scheduler" [enum at specs/sitehost.yaml:31]; '
        'query/id: query parameter \'id\': "abc" is not of type "integer" '
        "[type at specs/sitehost.yaml:38]"
    ) in lines
    assert (
        "PASS anon.json anon.getJobById GET https://worker.anon.com/api/v2/jobs/"
        "3c90c3cc-0d44-4b50-8888-8dd25736052a -> 200"
    ) in lines
    assert "SUPERSECRET" not in text_run.stdout


def test_only_passing_exchanges_exit_0() -> None:
    result = specgen("check", *(recordings(api)[0] for api in APIS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == f"{len(APIS)} passed, 0 failed"
    assert all(line.startswith("PASS ") for line in result.stdout.splitlines()[:-1])


def test_report_written_to_a_file(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = specgen("check", "--format", "json", "-o", report, *recordings("anon"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert_verdicts(json.loads(report.read_text(encoding="utf-8"))["exchanges"], expected("anon"))
    passed, failed = counts(expected("anon"))
    assert result.stderr.strip() == f"{passed} passed, {failed} failed"


# -- bad input: exit 2 before anything is checked ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("missing.jsonl", None, "no such file"),
        ("exchanges.txt", "{}\n", "not a recording: expected a .har, .json or .jsonl file"),
        (
            "exchanges.yaml",
            "request: {}\n",
            "not a recording: expected a .har, .json or .jsonl file",
        ),
    ],
)
def test_a_missing_file_or_another_extension_exits_2(
    tmp_path: Path, name: str, text: str | None, message: str
) -> None:
    if text is not None:
        (tmp_path / name).write_text(text, encoding="utf-8")
    good = recordings("anon")[0]
    result = specgen("check", good, tmp_path / name)
    assert result.returncode == 2, result.stdout + result.stderr
    # Refused up front: nothing is reported, the one line says which file and why.
    assert result.stdout == ""
    assert name in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_named_like_a_recording_exits_2(tmp_path: Path) -> None:
    (tmp_path / "folder.jsonl").mkdir()
    result = specgen("check", tmp_path / "folder.jsonl")
    assert result.returncode == 2
    assert "folder.jsonl" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", sorted(UNUSABLE))
@pytest.mark.parametrize("form", ["text", "json"])
def test_an_unusable_spec_is_refused_with_its_located_errors(
    tmp_path: Path, case: str, form: str
) -> None:
    spec = write_unusable(tmp_path, case)
    report = tmp_path / "report.txt"
    args = ("--spec", spec.relative_to(tmp_path), "--format", form, recordings("anon")[0])
    for output in ((), ("-o", report)):
        result = specgen("check", *args, *output, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        # Refused before any exchange is checked: no verdicts, no report file, the finding first.
        assert result.stdout == ""
        assert not report.exists()
        first, *_, last = result.stderr.splitlines()
        assert first.startswith(UNUSABLE[case][2] + ": error: "), result.stderr
        assert "not a usable OpenAPI document" in last


def test_one_unusable_spec_among_good_ones_refuses_the_run(tmp_path: Path) -> None:
    unusable = write_unusable(tmp_path, "yaml-not-openapi")
    result = specgen(
        "check", "--spec", ROOT / "specs" / "anon.yaml", "--spec", unusable, *recordings("anon")
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "openapi-version: error" in result.stderr


def test_usage_errors_exit_2() -> None:
    assert specgen("check").returncode == 2
    assert specgen("check", "--jobs", "0", recordings("anon")[0]).returncode == 2
    assert specgen("check", "--format", "xml", recordings("anon")[0]).returncode == 2


# -- candidate specs and unmatched exchanges -----------------------------------------------------------


def test_spec_option_restricts_the_candidates() -> None:
    anon, elasticpath = recordings("anon")[0], recordings("elasticpath")[0]
    result = specgen("check", "--format", "json", "--spec", "specs/anon.yaml", anon, elasticpath)
    assert result.returncode == 1
    first, second = json_report(result)["exchanges"]
    assert (first["source"], first["result"], first["spec"]) == ("anon.json", "passed", "anon")
    assert (second["source"], second["result"], second["spec"]) == (
        "elasticpath.json",
        "failed",
        None,
    )
    (problem,) = second["problems"]
    assert problem["kind"] == "unmatched"
    assert problem["message"] == (
        "no operation of anon matches GET "
        "https://api.moltin.com/v2/jobs/974c9db4-38da-4dbf-90c2-33eed5f3e77c"
    )


def test_spec_option_is_repeatable() -> None:
    anon, elasticpath = recordings("anon")[0], recordings("elasticpath")[0]
    specs = ("--spec", "specs/anon.yaml", "--spec", "specs/elasticpath.yaml")
    result = specgen("check", *specs, anon, elasticpath)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_ignore_unmatched_skips_them_and_counts_them_as_skipped() -> None:
    anon, elasticpath = recordings("anon")[0], recordings("elasticpath")[0]
    args = ("check", "--ignore-unmatched", "--spec", "specs/anon.yaml", anon, elasticpath)
    result = specgen(*args)
    assert result.returncode == 0, result.stdout
    first, second, last = result.stdout.splitlines()
    assert first.startswith("PASS anon.json anon.getJobById GET ")
    assert second == (
        "SKIP elasticpath.json - GET "
        "https://api.moltin.com/v2/jobs/974c9db4-38da-4dbf-90c2-33eed5f3e77c -> 200"
    )
    assert last == "1 passed, 0 failed, 1 skipped"

    payload = json_report(specgen(*args, "--format", "json"))
    assert payload["summary"] == {"passed": 1, "failed": 0, "skipped": 1}
    skipped = payload["exchanges"][1]
    assert (skipped["result"], skipped["problems"]) == ("skipped", [])


def test_ignore_unmatched_leaves_other_failures_failing() -> None:
    wanted = expected("anon")
    for want in wanted.values():
        if any(p["kind"] == "unmatched" for p in want.get("problems") or []):
            want.update(verdict="SKIP", operation=None, problems=[])
    result = specgen("check", "--format", "json", "--ignore-unmatched", *recordings("anon"))
    assert result.returncode == 1
    payload = json_report(result)
    assert_verdicts(payload["exchanges"], wanted)
    skipped = sum(1 for want in wanted.values() if want["verdict"] == "SKIP")
    passed = sum(1 for want in wanted.values() if want["verdict"] == "PASS")
    assert skipped == 2
    assert payload["summary"] == {
        "passed": passed,
        "failed": len(wanted) - passed - skipped,
        "skipped": skipped,
    }


# -- statuses, content and headers as a spec declares them ---------------------------------------------

ORDERS = """\
openapi: 3.1.0
info: {title: Orders, version: "1"}
servers:
  - url: https://shop.example.test/api
paths:
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: integer, minimum: 1}}
        - name: expand
          in: query
          schema: {type: array, items: {type: string, enum: [lines, customer]}}
      responses:
        "200":
          description: the order
          headers:
            X-Request-Id: {required: true, schema: {type: string}}
            X-Rate-Limit: {schema: {type: integer}}
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer}}}
        "204":
          description: nothing to say
        4XX:
          description: a client error
          content:
            application/problem+json:
              schema: {type: object, required: [title], properties: {title: {type: string}}}
        default:
          description: anything else
          content:
            text/plain:
              schema: {type: string}
"""
ORDER = "https://shop.example.test/api/orders/7"
HEADERS = {"Content-Type": "application/json", "X-Request-Id": "r-1"}
PROBLEM_JSON = {"Content-Type": "application/problem+json"}
ORDER_CASES: list[tuple[str, str, int, dict[str, str], Any, list[dict[str, str]]]] = [
    # (case, url, status, headers, body, expected problems: kind, pointer, keyword, location)
    ("200 exact, with its required header", ORDER, 200, HEADERS, {"id": 7}, []),
    ("header names compare case-insensitively", ORDER, 200, {"x-request-id": "r"}, {"id": 7}, []),
    (
        "an array query parameter",
        ORDER + "?expand=lines&expand=customer",
        200,
        HEADERS,
        {"id": 7},
        [],
    ),
    ("204 with no body", ORDER, 204, {}, None, []),
    ("404 falls in 4XX", ORDER, 404, PROBLEM_JSON, {"title": "Not Found"}, []),
    ("429 falls in 4XX too", ORDER, 429, PROBLEM_JSON, {"title": "Slow down"}, []),
    ("503 falls to default: plain text", ORDER, 503, {"Content-Type": "text/plain"}, "down", []),
    (
        "200 without the required X-Request-Id",
        ORDER,
        200,
        {"Content-Type": "application/json"},
        {"id": 7},
        [{"kind": "header"}],
    ),
    (
        "204 with a body",
        ORDER,
        204,
        {"Content-Type": "application/json"},
        {"id": 7},
        [{"kind": "content-type"}],
    ),
    (
        "4XX body without its required title",
        ORDER,
        400,
        PROBLEM_JSON,
        {"detail": "bad"},
        [{"kind": "schema", "keyword": "required", "location": "orders.yaml:29"}],
    ),
    (
        "4XX as plain JSON, not problem+json",
        ORDER,
        400,
        {"Content-Type": "application/json"},
        {"title": "x"},
        [{"kind": "content-type"}],
    ),
    (
        "default as JSON, not text",
        ORDER,
        500,
        {"Content-Type": "application/json"},
        {"title": "x"},
        [{"kind": "content-type"}],
    ),
    (
        "200 without a body",
        ORDER,
        200,
        {"Content-Type": "application/json", "X-Request-Id": "r"},
        None,
        [{"kind": "body"}],
    ),
    (
        "orderId below its minimum",
        "https://shop.example.test/api/orders/0",
        200,
        HEADERS,
        {"id": 0},
        [
            {
                "kind": "parameter",
                "pointer": "path/orderId",
                "keyword": "minimum",
                "location": "orders.yaml:10",
            }
        ],
    ),
    (
        "orderId not an integer",
        "https://shop.example.test/api/orders/seven",
        200,
        HEADERS,
        {"id": 7},
        [
            {
                "kind": "parameter",
                "pointer": "path/orderId",
                "keyword": "type",
                "location": "orders.yaml:10",
            }
        ],
    ),
    (
        "an expand value outside the enum",
        ORDER + "?expand=lines&expand=invoices",
        200,
        HEADERS,
        {"id": 7},
        [
            {
                "kind": "parameter",
                "pointer": "query/expand/1",
                "keyword": "enum",
                "location": "orders.yaml:13",
            }
        ],
    ),
]


def test_statuses_exact_range_default_headers_and_parameters(tmp_path: Path) -> None:
    (tmp_path / "orders.yaml").write_text(ORDERS, encoding="utf-8")
    lines = []
    for _, url, status, headers, body, _ in ORDER_CASES:
        response: dict[str, Any] = {"status": status, "headers": headers}
        if body is not None:
            response["body"] = body
        lines.append(json.dumps({"request": {"method": "GET", "url": url}, "response": response}))
    (tmp_path / "orders.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = specgen(
        "check", "--format", "json", "--spec", "orders.yaml", "orders.jsonl", cwd=tmp_path
    )
    wanted = {
        f"orders.jsonl:{number}": {
            "case": case,
            "verdict": "FAIL" if problems else "PASS",
            "operation": "orders.getOrder",
            "problems": problems,
        }
        for number, (case, _, _, _, _, problems) in enumerate(ORDER_CASES, 1)
    }
    assert_verdicts(json_report(result)["exchanges"], wanted)


# -- JSON Lines and HAR that cannot be read -----------------------------------------------------------

GOOD_LINE = json.dumps(
    {
        "request": {"method": "GET", "url": "https://api.moltin.com/v2/jobs/1"},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": {}},
    }
)
BAD_LINE = GOOD_LINE.replace("{}", '{"data": []}')


def test_unreadable_jsonl_lines_fail_on_their_own_by_line_number(tmp_path: Path) -> None:
    lines = [
        GOOD_LINE,
        "{not json",
        '{"request": {"method": "GET"}}',
        "[1, 2, 3]",
        "",  # blank lines are skipped, but still counted
        '{"request": {"method": "GET", "url": "https://x.test/"}, "response": {"status": "200"}}',
        BAD_LINE,
    ]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = specgen("check", "--format", "json", tmp_path / "mixed.jsonl")
    assert result.returncode == 1
    got = {
        e["source"]: (e["result"], [(p["kind"], p["message"]) for p in e["problems"]])
        for e in json_report(result)["exchanges"]
    }
    assert list(got) == [f"mixed.jsonl:{n}" for n in (1, 2, 3, 4, 6, 7)]
    assert got["mixed.jsonl:1"] == ("passed", [])
    for source in ("mixed.jsonl:2", "mixed.jsonl:3", "mixed.jsonl:4", "mixed.jsonl:6"):
        result_, problems = got[source]
        assert result_ == "failed" and [kind for kind, _ in problems] == ["unreadable"], source
    assert got["mixed.jsonl:2"][1][0][1].startswith("not JSON: ")
    assert got["mixed.jsonl:3"][1][0][1] == (
        "expected {request: {method, url}, response: {status, ...}}"
    )
    assert got["mixed.jsonl:6"][1][0][1] == "response status must be an HTTP status code, not '200'"
    # The rest is still checked: the last line fails on its body.
    assert got["mixed.jsonl:7"] == (
        "failed",
        [("schema", '[] is not of type "object"')],
    )

    text = specgen("check", tmp_path / "mixed.jsonl")
    assert "FAIL mixed.jsonl:2 -: not JSON: " in text.stdout
    assert text.stdout.splitlines()[-1] == "1 passed, 5 failed"


def har(*entries: Any) -> str:
    """A HAR 1.2 document of these entries."""
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": entries}})


def har_entry(status: Any = 200, text: Any = "{}", **content: Any) -> dict[str, Any]:
    """A HAR entry of GET an Elastic Path job answering ``status`` with ``text``."""
    request_headers = [{"name": "Authorization", "value": "Bearer test-token-1234"}]
    return {
        "request": {
            "method": "GET",
            "url": "https://api.moltin.com/v2/jobs/1",
            "headers": request_headers,
        },
        "response": {
            "status": status,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": text, **content},
        },
    }


def test_malformed_har_entries_are_reported_by_entry_index(tmp_path: Path) -> None:
    entries = [
        har_entry(),
        {"request": {"method": "GET"}, "response": {"status": 200}},
        har_entry(status="200"),
        "not an entry",
        har_entry(text="!!not base64!!", encoding="base64"),
        har_entry(text='{"data": []}'),
    ]
    (tmp_path / "broken.har").write_text(har(*entries), encoding="utf-8")
    result = specgen("check", "--format", "json", tmp_path / "broken.har")
    assert result.returncode == 1
    got = [
        (e["source"], e["result"], [p["kind"] for p in e["problems"]])
        for e in json_report(result)["exchanges"]
    ]
    assert got == [
        ("broken.har#entry0", "passed", []),
        ("broken.har#entry1", "failed", ["unreadable"]),
        ("broken.har#entry2", "failed", ["unreadable"]),
        ("broken.har#entry3", "failed", ["unreadable"]),
        ("broken.har#entry4", "failed", ["unreadable"]),
        ("broken.har#entry5", "failed", ["schema"]),
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("not-json.har", "{log:", "not JSON: "),
        ("no-entries.har", '{"log": {"version": "1.2"}}', "not a HAR file: expected log.entries"),
        ("entries-object.har", '{"log": {"entries": {}}}', "not a HAR file: log.entries is not"),
    ],
)
def test_a_har_file_that_is_not_one_fails_once(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = specgen("check", "--format", "json", tmp_path / name, recordings("anon")[0])
    assert result.returncode == 1
    first, second = json_report(result)["exchanges"]
    assert first["source"] == name
    assert [p["kind"] for p in first["problems"]] == ["unreadable"]
    assert first["problems"][0]["message"].startswith(message), first["problems"]
    assert second["result"] == "passed"


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(
            {
                "request": {"method": "GET", "url": "https://api.moltin.com/v2/jobs/1"},
                "response": {"status": 200, "headers": [], "content": "{}"},
            },
            id="content-not-an-object",
        ),
        pytest.param(
            har_entry(text=123, encoding="base64"),
            id="base64-text-not-a-string",
        ),
        pytest.param(
            har_entry(status=True),
            id="status-true",
        ),
    ],
)
def test_more_malformed_har_entries_are_reported_by_entry_index(
    tmp_path: Path, entry: dict[str, Any]
) -> None:
    (tmp_path / "odd.har").write_text(har(har_entry(), entry, har_entry()), encoding="utf-8")
    result = specgen("check", "--format", "json", tmp_path / "odd.har")
    assert "Traceback" not in result.stderr, result.stderr
    got = [
        (e["source"], [p["kind"] for p in e["problems"]]) for e in json_report(result)["exchanges"]
    ]
    assert got == [
        ("odd.har#entry0", []),
        ("odd.har#entry1", ["unreadable"]),
        ("odd.har#entry2", []),
    ]


def test_a_url_python_cannot_split_fails_on_its_own(tmp_path: Path) -> None:
    bad = GOOD_LINE.replace("https://api.moltin.com/v2/jobs/1", "https://[bad/v2/jobs/1?q=1")
    (tmp_path / "urls.jsonl").write_text(f"{bad}\n{GOOD_LINE}\n", encoding="utf-8")
    result = specgen("check", tmp_path / "urls.jsonl")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    first, second, last = result.stdout.splitlines()
    assert first.startswith("FAIL urls.jsonl:1 ")
    assert second.startswith("PASS urls.jsonl:2 ")
    assert last == "1 passed, 1 failed"


# -- secrets -------------------------------------------------------------------------------------------

SECRET = "SUPERSECRET"
SITEHOST = "https://api.sitehost.nz/1.5/job/get.json"


def secret_recordings(folder: Path) -> list[Path]:
    """A JSONL, a JSON and a HAR recording carrying SECRET in each way a recording can."""
    # Every exchange fails (418 is declared nowhere), so that every report shows every URL.
    ok: dict[str, Any] = {
        "status": 418,
        "headers": {"Content-Type": "application/json"},
        "body": {"status": True},
    }
    credentials = {"Authorization": f"Bearer {SECRET}", "Cookie": f"session={SECRET}"}
    exchanges: list[dict[str, Any]] = [
        {"request": {"method": "GET", "url": f"{SITEHOST}?apikey={SECRET}&type=daemon&id=7"}},
        {"request": {"method": "GET", "url": f"{SITEHOST}?type=weekly&id=x&APIKEY={SECRET}"}},
        {
            "request": {
                "method": "GET",
                "url": "https://api.moltin.com/v2/jobs/1",
                "headers": credentials,
            }
        },
        {"request": {"method": "GET", "url": f"https://user:{SECRET}@api.moltin.com/v2/jobs/1"}},
        {"request": {"method": "GET", "url": f"https://{SECRET}@worker.anon.com/api/v2/x"}},
        {"request": {"method": "GET", "url": f"https://unknown.test/x?token={SECRET}&q=1"}},
    ]
    lines = [json.dumps({**exchange, "response": ok}) for exchange in exchanges]
    (folder / "secrets.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    single = {"request": exchanges[0]["request"], "response": {**ok, "status": 500}}
    (folder / "secrets.json").write_text(json.dumps(single), encoding="utf-8")
    entry = har_entry(text='{"status": true}')
    entry["request"] = {
        "method": "GET",
        "url": f"https://me:{SECRET}@api.sitehost.nz/1.5/job/get.json?apikey={SECRET}&type=x",
        "headers": [{"name": k, "value": v} for k, v in credentials.items()],
        "cookies": [{"name": "session", "value": SECRET}],
        "queryString": [{"name": "apikey", "value": SECRET}],
    }
    entry["response"]["headers"].append({"name": "Set-Cookie", "value": f"session={SECRET}"})
    (folder / "secrets.har").write_text(har(entry), encoding="utf-8")
    return [folder / "secrets.jsonl", folder / "secrets.json", folder / "secrets.har"]


@pytest.mark.parametrize("report_format", ["text", "json", "junit", "html"])
def test_secrets_are_redacted_in_every_format(tmp_path: Path, report_format: str) -> None:
    result = specgen("check", "--format", report_format, *secret_recordings(tmp_path))
    assert result.returncode == 1, result.stderr
    assert SECRET not in result.stdout, f"{SECRET} leaked into the {report_format} report"
    assert SECRET not in result.stderr
    # The URLs are still reported, their secrets replaced.
    assert "apikey=REDACTED" in result.stdout
    assert "REDACTED@api.moltin.com/v2/jobs/1" in result.stdout


TOKEN_SPEC = """\
openapi: 3.1.0
info: {title: Tokens, version: "1"}
servers: [{url: https://tokens.example.test}]
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - name: api_key
          in: query
          required: true
          schema: {type: string, pattern: "^[0-9a-f]{32}$"}
      responses:
        "200": {description: ok}
"""


def test_a_declared_secret_parameter_is_not_quoted_in_its_problem(tmp_path: Path) -> None:
    (tmp_path / "tokens.yaml").write_text(TOKEN_SPEC, encoding="utf-8")
    exchange = {
        "request": {"method": "GET", "url": f"https://tokens.example.test/items?api_key={SECRET}"},
        "response": {"status": 200},
    }
    (tmp_path / "tokens.json").write_text(json.dumps(exchange), encoding="utf-8")
    result = specgen("check", "--spec", "tokens.yaml", "tokens.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "?api_key=REDACTED" in result.stdout
    # The key fails its pattern: that is worth reporting, without the key itself.
    assert "query/api_key: " in result.stdout
    assert SECRET not in result.stdout, result.stdout


# -- many exchanges: --jobs and streaming --------------------------------------------------------------


def test_jobs_2_gives_the_same_verdicts_in_the_same_order(tmp_path: Path) -> None:
    # A few thousand exchanges, cycled from every API's JSON Lines (more than two chunks of work).
    originals: list[tuple[str, str]] = []
    for api in APIS:
        jsonl = recordings(api)[1]
        for number, line in enumerate(jsonl.read_text(encoding="utf-8").splitlines(), 1):
            originals.append((f"{jsonl.name}:{number}", line))
    count = 5000
    lines = [originals[i % len(originals)] for i in range(count)]
    lines.insert(1234, ("unreadable", "{not json"))
    big = tmp_path / "big.jsonl"
    big.write_text("".join(line + "\n" for _, line in lines), encoding="utf-8")
    files = [big, recordings("alteryx")[2], recordings("sitehost")[0]]

    one = specgen("check", "--format", "json", "--jobs", "1", *files)
    two = specgen("check", "--format", "json", "--jobs", "2", *files)
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    serial, parallel = json_report(one), json_report(two)
    assert parallel["summary"] == serial["summary"]
    assert len(parallel["exchanges"]) == len(serial["exchanges"]) == count + 1 + 4 + 1
    for a, b in zip(serial["exchanges"], parallel["exchanges"], strict=True):
        assert a == b, f"--jobs 2 differs at {a['source']}"

    wanted = all_expected()
    sources = [e["source"] for e in serial["exchanges"]]
    assert sources[: count + 1] == [f"big.jsonl:{n}" for n in range(1, count + 2)]
    assert sources[count + 1 :] == [*(f"alteryx.har#entry{i}" for i in range(4)), "sitehost.json"]
    for exchange, (original, _) in zip(serial["exchanges"], lines, strict=False):
        if original == "unreadable":
            assert [p["kind"] for p in exchange["problems"]] == ["unreadable"]
        else:
            assert not verdict_differences(wanted[original], exchange), (original, exchange)


PING_SPEC = """\
openapi: 3.1.0
info: {title: Ping, version: "1"}
servers: [{url: https://ping.example.test}]
paths:
  /ping:
    get:
      operationId: ping
      responses:
        "204": {description: pong}
"""
#: Runs a command and prints its exit code and the peak RSS (KiB) of the child it waited for.
PEAK_RSS = """\
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_kib(tmp_path: Path, lines: int) -> int:
    """Peak RSS of `specgen check` over a JSON Lines file of ``lines`` small exchanges."""
    # Each line carries 400 bytes of request headers the checker reads and drops: a checker that
    # held the file, or every exchange, would grow by ~60 MB between 50k and 200k lines.
    padding = {"X-Padding": "p" * 400}
    line = json.dumps(
        {
            "request": {
                "method": "GET",
                "url": "https://ping.example.test/ping",
                "headers": padding,
            },
            "response": {"status": 204},
        }
    )
    recording = tmp_path / f"ping-{lines}.jsonl"
    recording.write_text((line + "\n") * lines, encoding="utf-8")
    command = [sys.executable, "-m", "generator", "check", "--spec", tmp_path / "ping.yaml"]
    helper = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, *map(str, command), str(recording)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    code, peak = helper.stdout.split()
    assert code == "0", helper.stderr
    recording.unlink()
    return int(peak)


def test_jsonl_is_streamed_in_flat_memory(tmp_path: Path) -> None:
    (tmp_path / "ping.yaml").write_text(PING_SPEC, encoding="utf-8")
    small = peak_rss_kib(tmp_path, 50_000)
    large = peak_rss_kib(tmp_path, 200_000)
    assert large - small < 25 * 1024, (
        f"peak RSS grew from {small} KiB (50k lines) to {large} KiB (200k lines)"
    )
