"""`specgen check --write-baseline FILE` and `--baseline FILE`: known deviations pass, new ones fail.

A vendor's docs can be wrong in ways nobody can fix today (Altostrat's ``log_url`` is a relative
reference under ``format: uri``). Recording a baseline writes such deviations down; checking against
it passes exchanges whose only problems are known, fails on anything new, and warns about entries
that no longer match anything.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.check.test_check_cli import json_report, recordings
from tests.commands import specgen

ALTOSTRAT = ("--spec", "specs/altostrat.yaml", *recordings("altostrat"))
LOG_URL = {
    "spec": "altostrat",
    "operation": "getJobDetails",
    "status": 200,
    "kind": "schema",
    "pointer": "/log_url",
    "keyword": "format",
}


def write_baseline(path: Path, *args: str | Path) -> dict[str, Any]:
    """Record a baseline of ``args`` (recordings and options) into ``path``; its parsed content."""
    result = specgen("check", "--write-baseline", path, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"wrote {path}" in result.stderr
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def identities(baseline: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of a baseline without their counts and example messages."""
    return [
        {k: v for k, v in entry.items() if k not in ("count", "example")}
        for entry in baseline["entries"]
    ]


def keep_only(path: Path, baseline: dict[str, Any], *wanted: dict[str, Any]) -> None:
    """Rewrite the baseline at ``path`` with only the ``wanted`` entries (and any added by hand)."""
    baseline = {**baseline, "entries": list(wanted)}
    path.write_text(json.dumps(baseline, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def altostrat_baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A baseline recorded from the shipped Altostrat recordings."""
    path = tmp_path_factory.mktemp("baseline") / "altostrat.baseline.json"
    return path, write_baseline(path, *ALTOSTRAT)


# -- recording --------------------------------------------------------------------------------------


def test_the_log_url_deviation_becomes_an_entry(
    altostrat_baseline: tuple[Path, dict[str, Any]],
) -> None:
    _, baseline = altostrat_baseline
    assert baseline["specgen-baseline"] == 1
    assert LOG_URL in identities(baseline)
    (log_url,) = [e for e in baseline["entries"] if e.get("pointer") == "/log_url"]
    assert log_url["count"] == 1
    assert "is not a" in log_url["example"]
    # One entry for the two unmatched GETs: an unmatched exchange is keyed by its method alone.
    assert {"kind": "unmatched", "method": "GET"} in identities(baseline)
    assert baseline["counts"] == {
        "entries": len(baseline["entries"]),
        "problems": sum(e["count"] for e in baseline["entries"]),
        "exchanges": 9,
    }


def test_the_file_is_sorted_and_the_same_on_every_run(
    tmp_path: Path, altostrat_baseline: tuple[Path, dict[str, Any]]
) -> None:
    path, baseline = altostrat_baseline
    again = tmp_path / "again.json"
    write_baseline(again, "--jobs", "2", *ALTOSTRAT)
    assert again.read_bytes() == path.read_bytes()
    keys = [
        (
            e.get("spec", ""),
            e.get("operation", ""),
            e.get("method", ""),
            e.get("status", 0),
            e["kind"],
            e.get("pointer", ""),
            e.get("keyword", ""),
        )
        for e in baseline["entries"]
    ]
    assert keys == sorted(keys)
    # One field a line: a reviewer sees each change in a diff.
    assert '\n      "pointer": "/log_url",\n' in path.read_text(encoding="utf-8")


def test_recording_exits_0_whatever_it_found(tmp_path: Path) -> None:
    result = specgen("check", "--write-baseline", tmp_path / "b.json", *ALTOSTRAT)
    assert result.returncode == 0
    # Shared like any file the user writes, and nothing left beside it.
    (tmp_path / "other.txt").write_text("", encoding="utf-8")
    modes = {path.name: path.stat().st_mode for path in tmp_path.iterdir()}
    assert modes == {"b.json": modes["other.txt"], "other.txt": modes["other.txt"]}
    # The report is the usual one: every deviation is still shown as it was found.
    assert "FAIL altostrat.jsonl:3 " in result.stdout
    assert result.stdout.splitlines()[-1] == "4 passed, 9 failed"


# -- checking against it -----------------------------------------------------------------------------


def test_known_deviations_pass_and_are_counted(
    altostrat_baseline: tuple[Path, dict[str, Any]],
) -> None:
    path, _ = altostrat_baseline
    result = specgen("check", "--baseline", path, *ALTOSTRAT)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "4 passed, 0 failed, 9 known"
    (log_url,) = [line for line in lines if " altostrat.jsonl:3 " in line]
    assert log_url.startswith("PASS (known) altostrat.jsonl:3 altostrat.getJobDetails GET ")
    assert "/log_url: " in log_url and "[format at specs/altostrat.yaml:125]" in log_url
    assert "PASS altostrat.json altostrat.getJobDetails " in result.stdout
    assert result.stderr == ""


def test_a_new_deviation_fails_and_is_named_as_new(
    tmp_path: Path, altostrat_baseline: tuple[Path, dict[str, Any]]
) -> None:
    _, baseline = altostrat_baseline
    only_log_url = tmp_path / "log-url.json"
    keep_only(only_log_url, baseline, LOG_URL)
    result = specgen("check", "--format", "json", "--baseline", only_log_url, *ALTOSTRAT)
    assert result.returncode == 1
    report = json_report(result)
    by_source = {exchange["source"]: exchange for exchange in report["exchanges"]}
    known = by_source["altostrat.jsonl:3"]
    assert known["result"] == "passed" and known["problems"] == []
    assert [(p["pointer"], p["keyword"]) for p in known["known"]] == [("/log_url", "format")]
    new = by_source["altostrat.jsonl:9"]
    assert new["result"] == "failed" and "known" not in new
    assert [p["pointer"] for p in new["problems"]] == ["/id", "/should_backup"]
    assert report["summary"] == {
        "passed": 4,
        "failed": 8,
        "skipped": 0,
        "known": 1,
        "known_problems": 1,
        "stale": [],
    }
    assert result.stderr.strip() == "4 passed, 8 failed, 1 known"


def test_an_exchange_with_known_and_new_problems_fails_on_the_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    baseline = write_baseline(path, *ALTOSTRAT)
    id_type = {**LOG_URL, "pointer": "/id", "keyword": "type"}
    assert id_type in identities(baseline)
    keep_only(path, baseline, id_type)
    result = specgen("check", "--baseline", path, *ALTOSTRAT)
    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if " altostrat.jsonl:9 " in line]
    assert line.startswith("FAIL altostrat.jsonl:9 ")
    new, known = line.split(" | known: ")
    assert "/should_backup: " in new and "/id" not in new
    assert known.startswith("/id: ")


def test_a_stale_entry_warns_and_leaves_the_exit_code(
    tmp_path: Path, altostrat_baseline: tuple[Path, dict[str, Any]]
) -> None:
    _, baseline = altostrat_baseline
    path = tmp_path / "stale.json"
    gone = {**LOG_URL, "pointer": "/completed_at"}
    keep_only(path, baseline, *baseline["entries"], gone)
    result = specgen("check", "--baseline", path, *ALTOSTRAT)
    assert result.returncode == 0, result.stdout + result.stderr
    warning = "stale entry matched nothing: altostrat.getJobDetails 200 schema /completed_at format"
    assert result.stderr.splitlines() == [f"specgen: warning: {path}: {warning}"]
    *_, stale, last = result.stdout.splitlines()
    assert stale == (
        "STALE baseline entry matched nothing: altostrat.getJobDetails 200 schema /completed_at"
        " format"
    )
    assert last == "4 passed, 0 failed, 9 known, 1 stale"

    # Failing stays failing: a stale entry changes no exit code either way.
    keep_only(path, baseline, gone)
    result = specgen("check", "--format", "json", "--baseline", path, *ALTOSTRAT)
    assert result.returncode == 1
    stale_entries = json_report(result)["summary"]["stale"]
    assert stale_entries == [{k: v for k, v in gone.items()}]


def test_jobs_2_gives_the_same_report(altostrat_baseline: tuple[Path, dict[str, Any]]) -> None:
    path, _ = altostrat_baseline
    for form in ("text", "json"):
        one = specgen("check", "--format", form, "--baseline", path, *ALTOSTRAT)
        two = specgen("check", "--format", form, "--jobs", "2", "--baseline", path, *ALTOSTRAT)
        assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)


# -- folding: array indices and map keys --------------------------------------------------------------

JOBS = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
servers:
  - url: https://jobs.example.test
paths:
  /jobs:
    get:
      operationId: listJobs
      responses:
        "200":
          description: jobs, as a list and by site
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {$ref: "#/components/schemas/Job"}}
                  by_site: {type: object, additionalProperties: {$ref: "#/components/schemas/Job"}}
components:
  schemas:
    Job:
      type: object
      properties:
        log_url: {type: string, format: uri}
"""
GOOD = {"log_url": "https://jobs.example.test/logs/1"}
RELATIVE = {"log_url": "logs?job=1"}


def write_jobs(folder: Path, *bodies: dict[str, Any]) -> Path:
    """``jobs.yaml`` and ``jobs.jsonl`` in ``folder``: a GET /jobs answering each body in turn."""
    (folder / "jobs.yaml").write_text(JOBS, encoding="utf-8")
    lines = [
        json.dumps(
            {
                "request": {"method": "GET", "url": "https://jobs.example.test/jobs"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": body,
                },
            }
        )
        for body in bodies
    ]
    recording = folder / "jobs.jsonl"
    recording.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return recording


def test_array_indices_and_map_keys_fold_into_one_entry(tmp_path: Path) -> None:
    recording = write_jobs(
        tmp_path,
        {"items": [RELATIVE]},
        {"items": [GOOD] * 5 + [RELATIVE]},
        {"by_site": {"site-7f3a": RELATIVE}},
        {"by_site": {"site-0c21": RELATIVE, "site-99": GOOD}},
    )
    path = tmp_path / "jobs.baseline.json"
    baseline = write_baseline(path, "--spec", tmp_path / "jobs.yaml", recording)
    assert [(e["pointer"], e["count"]) for e in baseline["entries"]] == [
        ("/by_site/*/log_url", 2),
        ("/items/*/log_url", 2),
    ]
    # Another index and another key are the same known deviations; a new keyword is not.
    write_jobs(
        tmp_path,
        {"items": [GOOD, GOOD, RELATIVE]},
        {"by_site": {"site-new": RELATIVE}},
        {"items": [{"log_url": 42}]},
    )
    result = specgen("check", "--spec", tmp_path / "jobs.yaml", "--baseline", path, recording)
    assert result.returncode == 1
    first, second, third, last = result.stdout.splitlines()
    assert first.startswith("PASS (known) jobs.jsonl:1 ") and "/items/2/log_url: " in first
    assert second.startswith("PASS (known) jobs.jsonl:2 ")
    assert "/by_site/site-new/log_url: " in second
    assert third.startswith("FAIL jobs.jsonl:3 ") and "[type at " in third
    assert last == "0 passed, 1 failed, 2 known"


def test_an_entry_written_twice_is_not_stale(
    tmp_path: Path, altostrat_baseline: tuple[Path, dict[str, Any]]
) -> None:
    path = tmp_path / "twice.json"
    keep_only(path, altostrat_baseline[1], *altostrat_baseline[1]["entries"], LOG_URL)
    result = specgen("check", "--baseline", path, *ALTOSTRAT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "4 passed, 0 failed, 9 known"
    assert result.stderr == ""


def test_a_star_written_by_hand_matches_any_segment(tmp_path: Path) -> None:
    recording = write_jobs(tmp_path, {"items": [RELATIVE]})
    path = tmp_path / "b.json"
    baseline = write_baseline(path, "--spec", tmp_path / "jobs.yaml", recording)
    (entry,) = baseline["entries"]
    keep_only(path, baseline, {**entry, "pointer": "/*/*/log_url"})
    result = specgen("check", "--spec", tmp_path / "jobs.yaml", "--baseline", path, recording)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "0 passed, 0 failed, 1 known"


def test_unlisted_violations_and_unreadable_lines_are_never_known(tmp_path: Path) -> None:
    recording = write_jobs(tmp_path, {"items": [RELATIVE, RELATIVE, {"log_url": 7}]})
    with recording.open("a", encoding="utf-8") as stream:
        stream.write("{not json\n")
    args = ("--spec", tmp_path / "jobs.yaml", "--max-errors-per-exchange", "1", recording)
    path = tmp_path / "b.json"
    baseline = write_baseline(path, *args)
    assert identities(baseline) == [
        {
            "spec": "jobs",
            "operation": "listJobs",
            "status": 200,
            "kind": "schema",
            "pointer": "/items/*/log_url",
            "keyword": "format",
        }
    ]
    result = specgen("check", "--format", "json", "--baseline", path, *args)
    assert result.returncode == 1
    first, second = json_report(result)["exchanges"]
    # The listed violation is known; those left unlisted were never seen, so may be new.
    assert [p["pointer"] for p in first["known"]] == ["/items/0/log_url"]
    (unlisted,) = first["problems"]
    assert "--max-errors-per-exchange" in unlisted["message"]
    assert (second["source"], second["result"]) == ("jobs.jsonl:2", "failed")
    assert second["problems"][0]["kind"] == "unreadable"


# -- every report format shows known apart ------------------------------------------------------------


def stale_and_known(tmp_path: Path, baseline: dict[str, Any]) -> Path:
    """A baseline knowing only the log_url deviation, plus one stale entry."""
    path = tmp_path / "b.json"
    keep_only(path, baseline, LOG_URL, {**LOG_URL, "pointer": "/gone"})
    return path


def test_junit_keeps_known_problems_in_a_passing_testcase(
    tmp_path: Path, altostrat_baseline: tuple[Path, dict[str, Any]]
) -> None:
    path = stale_and_known(tmp_path, altostrat_baseline[1])
    result = specgen("check", "--format", "junit", "--baseline", path, *ALTOSTRAT)
    assert result.returncode == 1
    root = ET.fromstring(result.stdout)
    assert (root.get("tests"), root.get("failures")) == ("13", "8")
    cases = {case.get("name", "").split()[0]: case for case in root.iter("testcase")}
    known = cases["altostrat.jsonl:3"]
    assert known.find("failure") is None
    assert "known schema: /log_url: " in (known.findtext("system-out") or "")
    failed = cases["altostrat.jsonl:9"]
    assert failed.find("failure") is not None and failed.find("system-out") is None
    (baseline_suite,) = [s for s in root.iter("testsuite") if s.get("name") == "specgen baseline"]
    assert baseline_suite.get("tests") == "0"
    assert "/gone" in (baseline_suite.findtext("system-err") or "")


def test_html_shows_known_apart(
    tmp_path: Path, altostrat_baseline: tuple[Path, dict[str, Any]]
) -> None:
    path = stale_and_known(tmp_path, altostrat_baseline[1])
    result = specgen("check", "--format", "html", "--baseline", path, *ALTOSTRAT)
    assert result.returncode == 1
    page = result.stdout
    assert "<title>specgen check: 4 passed, 8 failed, 1 known, 1 stale</title>" in page
    assert '<div class="card known"><span class="n">1</span>' in page
    assert '<span class="badge known">1 known</span>' in page
    assert "<h4>Known problems (in the baseline)</h4>" in page
    assert '<code class="pointer">/log_url</code>' in page
    assert "<h2>Stale baseline entries</h2>" in page
    assert "<code>altostrat.getJobDetails 200 schema /gone format</code>" in page


def test_json_summary_lists_stale_entries(
    tmp_path: Path, altostrat_baseline: tuple[Path, dict[str, Any]]
) -> None:
    path = stale_and_known(tmp_path, altostrat_baseline[1])
    result = specgen("check", "--format", "json", "--baseline", path, *ALTOSTRAT)
    summary = json_report(result)["summary"]
    assert summary["stale"] == [{**LOG_URL, "pointer": "/gone"}]
    assert (summary["known"], summary["known_problems"]) == (1, 1)


# -- bad baselines and usage -------------------------------------------------------------------------

VALID_ENTRY = dict(LOG_URL)


@pytest.mark.parametrize(
    ("case", "content", "message"),
    [
        ("not JSON", b"entries:\n  - kind: schema\n", "not JSON"),
        ("binary", b"\x00\xff\xfe garbage", "not JSON"),
        ("a list", b"[]", "not a specgen baseline"),
        ("no version", b'{"entries": []}', "not a specgen baseline"),
        ("another version", b'{"specgen-baseline": 2, "entries": []}', "unsupported"),
        ("entries not a list", b'{"specgen-baseline": 1, "entries": {}}', '"entries"'),
        ("an entry not an object", b'{"specgen-baseline": 1, "entries": [1]}', "entry 1"),
        (
            "a status as text",
            json.dumps({"specgen-baseline": 1, "entries": [{**VALID_ENTRY, "status": "200"}]}),
            "entry 1: 'status' must be an integer",
        ),
        (
            "a pointer as a list",
            json.dumps(
                {"specgen-baseline": 1, "entries": [VALID_ENTRY, {"kind": "x", "pointer": []}]}
            ),
            "entry 2: 'pointer' must be a string",
        ),
        ("no kind", b'{"specgen-baseline": 1, "entries": [{}]}', "entry 1: 'kind'"),
        ("nested deeply", b"[" * 100_000, "not JSON"),
        ("huge", b"", "larger than 16 MiB"),  # written by the test: 17 MiB of spaces, then {}
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_a_hostile_baseline_exits_2_naming_the_file(
    tmp_path: Path, case: str, content: bytes | str, message: str
) -> None:
    path = tmp_path / "hostile.json"
    if case == "huge":
        content = b" " * (17 << 20) + b"{}"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    result = specgen("check", "--baseline", path, *ALTOSTRAT)
    assert result.returncode == 2, (case, result.stderr)
    assert result.stdout == ""  # refused before any exchange is checked
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"specgen: {path}: ") and message in line, (case, line)


def test_a_missing_baseline_or_a_folder_exits_2(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.json", tmp_path):
        result = specgen("check", "--baseline", path, *ALTOSTRAT)
        assert result.returncode == 2
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"specgen: {path}: "), line


def test_writing_into_a_missing_folder_exits_2_before_checking(tmp_path: Path) -> None:
    result = specgen("check", "--write-baseline", tmp_path / "no" / "b.json", *ALTOSTRAT)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no such folder" in result.stderr


def test_baseline_and_write_baseline_together_are_a_usage_error(tmp_path: Path) -> None:
    both = ("--baseline", tmp_path / "a.json", "--write-baseline", tmp_path / "b.json")
    result: subprocess.CompletedProcess[str] = specgen("check", *both, *ALTOSTRAT)
    assert result.returncode == 2
    assert "--write-baseline" in result.stderr
    assert not (tmp_path / "b.json").exists()


def test_a_stale_entry_cannot_forge_lines_or_escapes(
    tmp_path: Path, altostrat_baseline: tuple[Path, dict[str, Any]]
) -> None:
    path = tmp_path / "forged.json"
    forged = {**LOG_URL, "pointer": "/x\n\x1b[31mPASS everything\u202e"}
    keep_only(path, altostrat_baseline[1], forged)
    for form in ("text", "junit", "html", "json"):
        result = specgen("check", "--format", form, "--baseline", path, *ALTOSTRAT)
        assert result.returncode == 1
        for output in (result.stdout, result.stderr):
            assert "\x1b" not in output and "\u202e" not in output, form
        assert not any(line.startswith("PASS everything") for line in result.stdout.splitlines())
    (warning,) = [line for line in result.stderr.splitlines() if "warning" in line]
    assert "/x\\x0a\\x1b[31mPASS everything\\u202e" in warning
