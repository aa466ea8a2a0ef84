"""`specgen check` on hostile recordings: no credential in any report, no hang, no memory bomb.

The spec is ``tests/hostile/check/hostile.yaml``: adjacent server and path variables, a backtracking
``pattern``, an array of objects, a recursive ``anyOf`` and a token response. Recordings are built in
each test. Every run that could hang or balloon runs in a subprocess under a timeout and an
address-space limit, so a regression fails fast instead of eating CI.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.paths import ROOT

HOSTILE = ROOT / "tests" / "hostile" / "check" / "hostile.yaml"
SERVER = "https://xxxxx.hostile.test/fgh"
FORMATS = ["text", "json", "junit", "html"]
#: Address space for a bounded run: enough for Python, the specs and the report, far below what
#: the memory bombs used to take (2 GB and more).
MEMORY_LIMIT = 1 << 30


def exchange(
    url: str,
    body: Any = None,
    status: int = 200,
    request_headers: dict[str, str] | None = None,
    response_headers: dict[str, str] | None = None,
    method: str = "GET",
) -> str:
    """One JSON Lines exchange."""
    return json.dumps(
        {
            "request": {"method": method, "url": url, "headers": request_headers or {}},
            "response": {
                "status": status,
                "headers": response_headers or {"content-type": "application/json"},
                "body": body,
            },
        }
    )


def bounded_check(
    folder: Path, lines: list[str], *flags: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`specgen check --spec hostile.yaml` on ``lines``, under a timeout and a memory limit."""
    recording = folder / "hostile.jsonl"
    recording.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    command = [sys.executable, "-m", "generator", "check", "--spec", str(HOSTILE), *flags]
    try:
        return subprocess.run(
            [*command, str(recording)],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"specgen check did not finish within {timeout} s")


def verdicts(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    """The exchanges of a ``--format json`` report."""
    assert "internal error" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    exchanges = report["exchanges"]
    assert isinstance(exchanges, list)
    return exchanges


# -- credentials ---------------------------------------------------------------------------------------

SECRETS_IN_URLS = [
    f"{SERVER}/session?kind=1#access_token=FRAGMENT-SECRET-1&token_type=bearer",
    f"{SERVER}/session?api_key[]=ARRAY-SECRET-1&token[0]=ARRAY-SECRET-2",
    f"{SERVER}/session?X-Amz-Credential=AMZ-SECRET-1&X-Amz-Signature=AMZ-SECRET-2"
    "&X-Amz-Security-Token=AMZ-SECRET-3",
    f"{SERVER}/session?CLIENT_SECRET=OAUTH-SECRET-1&refresh_token=OAUTH-SECRET-2"
    "&Id_Token=OAUTH-SECRET-3&x-api-key=OAUTH-SECRET-4",
    # Unmatched URLs are quoted twice (the URL and the problem): both are redacted.
    "https://unknown.test/x?access%5Ftoken=ENCODED-SECRET-1#id_token=FRAGMENT-SECRET-2",
    "https://user:USERINFO-SECRET-1@unknown.test/x",
]


def credential_lines() -> list[str]:
    """Exchanges carrying credentials in URLs, request headers and bodies; each one fails."""
    lines = [exchange(url, {"kind": "other"}) for url in SECRETS_IN_URLS]
    basic = "Basic dXNlcjpCQVNJQy1QQVNTV09SRC0x"  # user:BASIC-PASSWORD-1
    lines += [
        # Body values under credential-like names, quoted by the violations they cause.
        exchange(
            f"{SERVER}/session",
            {
                "kind": "x",
                "access_token": "BODY-SECRET-1",
                "refresh_token": ["BODY-SECRET-2"],
                "client_secret": {"value": "BODY-SECRET-3"},
            },
        ),
        # Values equal to a request header's credential, wherever the body puts them.
        exchange(
            f"{SERVER}/session?id=HEADER-SECRET-1",
            {"kind": "x", "note": "HEADER-SECRET-1", "user": "COOKIE-SECRET-1"},
            request_headers={
                "Authorization": "Bearer HEADER-SECRET-1",
                "Cookie": "theme=dark; sid=COOKIE-SECRET-1",
            },
        ),
        exchange(
            f"{SERVER}/session",
            {"kind": "x", "note": "BASIC-PASSWORD-1", "user": "APIKEY-HEADER-SECRET-1"},
            request_headers={"Authorization": basic, "X-Api-Key": "APIKEY-HEADER-SECRET-1"},
        ),
        # A credential long enough to be cut when a message is shortened: masked before.
        exchange(f"{SERVER}/session", {"kind": "x", "access_token": "LONG-SECRET-" + "9" * 400}),
    ]
    return lines


@pytest.mark.parametrize("report_format", FORMATS)
def test_no_credential_reaches_any_report_format(tmp_path: Path, report_format: str) -> None:
    result = bounded_check(tmp_path, credential_lines(), "--format", report_format)
    assert result.returncode == 1, result.stderr
    report = result.stdout + result.stderr
    leaked = [word for word in report.replace("&quot;", '"').split() if "SECRET-" in word]
    leaked += [word for word in report.split() if "PASSWORD-1" in word]
    assert not leaked, f"credentials in the {report_format} report: {leaked[:5]}"
    # What is not a credential is still reported.
    assert "REDACTED" in report
    assert "theme=dark" not in report  # request headers are never reported at all


def test_values_that_are_not_credentials_are_still_quoted(tmp_path: Path) -> None:
    line = exchange(f"{SERVER}/session", {"kind": "other", "note": "just-a-note"})
    problems = verdicts(bounded_check(tmp_path, [line], "--format", "json"))[0]["problems"]
    messages = " ".join(problem["message"] for problem in problems)
    assert '"other"' in messages
    assert '"just-a-note"' in messages


# -- hangs and memory bombs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        # Adjacent server variables, a host that almost matches: the old regex took minutes.
        "https://" + "a" * 60 + ".hostile.tes/x",
        "https://" + "a" * 5000 + ".hostile.test" + "/b" * 2000,
        # Adjacent path variables in one segment, a tail that almost matches.
        f"{SERVER}/adjacent/" + "c" * 5000 + "/en",
        f"{SERVER}/adjacent/" + "c/" * 3000,
    ],
    ids=["70-byte-host", "long-host-many-segments", "long-segment", "many-segments"],
)
def test_routing_is_linear_in_the_url(tmp_path: Path, url: str) -> None:
    started = time.perf_counter()
    result = bounded_check(tmp_path, [exchange(url, None)] * 20, "--format", "json", timeout=60)
    assert all(v["result"] == "failed" for v in verdicts(result))
    # Twenty such URLs, each a few KB: linear routing takes milliseconds; allow for a slow CI box.
    assert time.perf_counter() - started < 30


def test_adjacent_path_variables_still_route(tmp_path: Path) -> None:
    line = exchange(f"{SERVER}/adjacent/abcdefgh/end", None)
    [verdict] = verdicts(bounded_check(tmp_path, [line], "--format", "json"))
    assert verdict["operation"] == "getAdjacent"


@pytest.mark.parametrize("sink", ["body", "query"])
def test_a_backtracking_pattern_is_not_checked_rather_than_hanging(
    tmp_path: Path, sink: str
) -> None:
    value = "a" * 300_000  # quadratic: minutes without a bound
    if sink == "body":
        line = exchange(f"{SERVER}/text", json.dumps(value))
    else:
        line = exchange(f"{SERVER}/text?q={value}", '"ab"')
    [verdict] = verdicts(bounded_check(tmp_path, [line], "--format", "json"))
    kinds = {problem["kind"]: problem for problem in verdict["problems"]}
    assert verdict["result"] == "failed"
    assert kinds["not-checked"]["keyword"] == "pattern"
    assert "regex limit" in kinds["not-checked"]["message"]


def test_the_regex_limit_is_a_flag_and_small_values_are_checked(tmp_path: Path) -> None:
    lines = [
        exchange(f"{SERVER}/text", '"aaaab"'),  # matches
        exchange(f"{SERVER}/text", '"zzz"'),  # does not: an ordinary violation
        exchange(f"{SERVER}/text", json.dumps("a" * 3000)),  # needs more than a 10-step budget
    ]
    result = verdicts(bounded_check(tmp_path, lines, "--format", "json", "--regex-limit", "10"))
    assert [v["result"] for v in result] == ["passed", "failed", "failed"]
    assert [p["kind"] for p in result[1]["problems"]] == ["schema"]
    assert [p["kind"] for p in result[2]["problems"]] == ["not-checked"]
    assert "10 backtracking steps" in result[2]["problems"][0]["message"]


def test_errors_per_exchange_are_bounded_and_counted(tmp_path: Path) -> None:
    lines = [exchange(f"{SERVER}/items", [{"x": 1}] * 500)]  # 1,000 violations
    result = bounded_check(tmp_path, lines, "--format", "json", "--max-errors-per-exchange", "7")
    [verdict] = verdicts(result)
    problems = verdict["problems"]
    assert len(problems) == 8
    assert problems[-1]["message"].startswith("993 more violation(s) not listed")
    assert "--max-errors-per-exchange" in problems[-1]["message"]


def test_a_line_whose_every_item_breaks_the_schema_stays_small(tmp_path: Path) -> None:
    # 2 MB of failing items: every violation built at once took over 2 GB.
    body = [{"x": 1}] * 250_000
    lines = [
        exchange(f"{SERVER}/items", body),
        exchange(f"{SERVER}/items", [{"id": 1, "name": "a"}]),
    ]
    result = bounded_check(tmp_path, lines, "--format", "json", timeout=120)
    first, second = verdicts(result)
    assert first["result"] == "failed"
    assert "only the first violation is listed" in first["problems"][-1]["message"]
    assert second["result"] == "passed"


def nested(depth: int, leaf: Any = "leaf") -> Any:
    """``depth`` arrays around ``leaf``: ``[[["leaf"]]]`` for 3."""
    value: Any = leaf
    for _ in range(depth):
        value = [value]
    return value


def deep_line(depth: int, leaf: str = "1") -> str:
    """An exchange of /tree whose body nests ``depth`` deep, written as text (json.dumps recurses).

    The leaf is a number by default, which breaks the tree's ``anyOf`` at the bottom.
    """
    head = '{"request": {"method": "GET", "url": "%s/tree"}, "response": {"status": 200, "body": '
    return head % SERVER + "[" * depth + leaf + "]" * depth + "}}"


@pytest.mark.parametrize("depth", [129, 300, 1000])
def test_a_deep_failing_body_fails_alone(tmp_path: Path, depth: int) -> None:
    # 300 deep against a recursive anyOf used to abort the whole run ("Recursion limit reached").
    lines = [
        deep_line(depth),
        exchange(f"{SERVER}/tree", nested(3)),
        exchange(f"{SERVER}/tree", nested(100, 1)),  # fails its anyOf, within the limit
    ]
    first, second, third = verdicts(bounded_check(tmp_path, lines, "--format", "json"))
    assert first["result"] == "failed"
    assert [p["kind"] for p in first["problems"]] == ["body"]
    assert "--max-depth" in first["problems"][0]["message"]
    assert second["result"] == "passed"
    assert third["problems"][0]["keyword"] == "anyOf"


def test_the_depth_limit_is_a_flag(tmp_path: Path) -> None:
    lines = [deep_line(5), deep_line(6), deep_line(200, '"leaf"')]
    result = verdicts(bounded_check(tmp_path, lines, "--format", "json", "--max-depth", "5"))
    assert result[0]["problems"][0]["keyword"] == "anyOf"  # listed
    assert "--max-depth" in result[1]["problems"][0]["message"]  # too deep to list
    # A body that fits passes: only listing a failing body's violations needs the bound.
    assert result[2]["result"] == "passed"


def test_a_body_too_deep_for_the_validator_fails_alone(tmp_path: Path) -> None:
    lines = [deep_line(400), exchange(f"{SERVER}/tree", nested(3))]
    first, second = verdicts(
        bounded_check(tmp_path, lines, "--format", "json", "--max-depth", "999")
    )
    assert [p["kind"] for p in first["problems"]] == ["body"]
    assert "nests too deeply" in first["problems"][0]["message"]
    assert second["result"] == "passed"


def test_a_line_over_the_record_limit_fails_alone(tmp_path: Path) -> None:
    lines = [
        exchange(f"{SERVER}/items", [{"id": 1, "name": "n" * 5000}]),
        exchange(f"{SERVER}/items", [{"id": 1, "name": "short"}]),
    ]
    result = bounded_check(tmp_path, lines, "--format", "json", "--max-record-bytes", "4096")
    first, second = verdicts(result)
    assert first["problems"][0]["kind"] == "unreadable"
    assert "--max-record-bytes" in first["problems"][0]["message"]
    assert second["result"] == "passed"


# -- control characters ---------------------------------------------------------------------------------

CONTROLS = [
    "\n",
    "\r",
    "\x1b[2J",
    "\x00",
    "\x9b31m",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
]


def control_lines(control: str) -> list[str]:
    """The same control character in every recorded text a report may show."""
    return [
        exchange(f"{SERVER}/nope{control}FORGED"),  # an unmatched URL
        exchange(f"{SERVER}/session?id=1{control}FORGED", {"kind": "session"}),  # a parameter value
        exchange(f"{SERVER}/session", {"kind": f"x{control}FORGED"}),  # a value in a message
        exchange(f"{SERVER}/session", "{}", response_headers={"content-type": f"a/b{control}"}),
        exchange(f"{SERVER}/session", {"kind": "session"}, method=f"GET{control}FORGED"),
    ]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c[0]):04X}" for c in CONTROLS])
def test_recorded_text_cannot_forge_lines_or_escapes_in_the_text_report(
    tmp_path: Path, control: str
) -> None:
    result = bounded_check(tmp_path, control_lines(control))
    assert result.returncode == 1, result.stderr
    # One line per exchange and the summary, whatever a reader counts as a line break: no
    # recorded text started a line of its own, and none holds a raw control.
    lines = result.stdout.splitlines()
    assert len(lines) == 6, lines
    assert all(line.startswith(("PASS ", "FAIL ")) for line in lines[:-1]), lines
    assert not any(control[0] in line for line in lines)


@pytest.mark.parametrize("report_format", ["json", "junit", "html"])
def test_control_characters_leave_the_other_formats_well_formed(
    tmp_path: Path, report_format: str
) -> None:
    lines = [line for control in CONTROLS for line in control_lines(control)]
    result = bounded_check(tmp_path, lines, "--format", report_format)
    assert result.returncode == 1, result.stderr
    for control in CONTROLS:
        # Newlines lay out these formats; a recorded one is never written as it is.
        assert f"{control}FORGED" not in result.stdout, f"raw U+{ord(control[0]):04X}"
        assert f"a/b{control}" not in result.stdout, f"raw U+{ord(control[0]):04X}"
    if report_format == "json":
        assert len(verdicts(result)) == len(lines)
    elif report_format == "junit":
        assert len(ET.fromstring(result.stdout).findall(".//testcase")) == len(lines)
    else:
        assert result.stdout.rstrip().endswith("</html>")
