"""The checking core runs on Dask's local scheduler, in worker processes, with the same verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.check.checker import Checker
from generator.check.dask import check_bag, summarize
from generator.check.exchanges import parse_line
from tests.paths import SPECS

db = pytest.importorskip("dask.bag", reason="the dask extra is part of the test install")

JOB_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
JOB = {
    "id": JOB_ID,
    "name": "n",
    "createdAt": "2023-11-07T05:31:56Z",
    "updatedAt": None,
    "organizationId": JOB_ID,
    "sourceProvider": "s",
    "createdByUserId": JOB_ID,
    "updatedByUserId": None,
    "jobConfigJson": {},
}


def line(body: object, path: str = f"/jobs/{JOB_ID}") -> str:
    return json.dumps(
        {
            "request": {"method": "GET", "url": f"https://worker.anon.com/api/v2{path}"},
            "response": {
                "status": 200,
                "headers": {"content-type": "application/json"},
                "body": body,
            },
        }
    )


def test_verdicts_on_dask_processes_match_the_local_checker() -> None:
    lines = [(f"log:{i}", line(JOB if i % 3 else {**JOB, "name": i})) for i in range(60)]
    lines.append(("log:60", line(JOB, "/nope")))
    specs = [SPECS / "anon.yaml"]
    bag = db.from_sequence(lines, npartitions=4)
    verdicts = check_bag(bag, specs)
    remote = verdicts.compute(scheduler="processes", num_workers=2)
    local = [Checker(specs).check(parse_line(text, source)) for source, text in lines]
    assert remote == local
    summary = summarize(verdicts)
    assert (summary.passed, summary.failed, summary.skipped) == (40, 21, 0)
    assert remote[0].problems[0].pointer == "/name" and remote[0].problems[0].keyword == "type"


def test_plain_text_lines_and_ignore_unmatched(tmp_path: Path) -> None:
    log = tmp_path / "traffic.jsonl"
    log.write_text("\n".join([line(JOB), line(JOB, "/nope"), "not json"]) + "\n")
    verdicts = check_bag(db.read_text(str(log)), [SPECS / "anon.yaml"], ignore_unmatched=True)
    results = verdicts.compute(scheduler="sync")
    assert [(v.passed, v.skipped) for v in results] == [
        (True, False),
        (False, True),
        (False, False),
    ]
    assert results[2].problems[0].kind == "unreadable"
