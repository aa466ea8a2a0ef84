"""The runners give the same verdicts in the same order, in this process or in worker processes."""

from __future__ import annotations

from pathlib import Path

from generator.check import runners
from generator.check.checker import Checker
from generator.check.exchanges import Exchange, Unreadable
from tests.paths import ROOT, SPECS

ANON = ROOT / "tests" / "recordings" / "anon"


def recordings() -> list[Path]:
    return [ANON / "anon.jsonl", ANON / "anon.har", ANON / "anon.json"]


def test_chunks_carry_raw_lines_of_json_lines_and_records_of_other_files(tmp_path: Path) -> None:
    lines = tmp_path / "small.jsonl"
    lines.write_text('{"not": "an exchange"}\n\n' + "x" * 20_000 + "\n", encoding="utf-8")
    (items,) = runners.chunks([lines, ANON / "anon.json"], max_bytes=10_000)
    assert items[0] == ("small.jsonl:1", b'{"not": "an exchange"}\n')
    assert isinstance(items[1], Unreadable) and items[1].source == "small.jsonl:3"
    assert isinstance(items[2], Exchange) and items[2].source == "anon.json"


def test_chunks_checked_as_lines_give_the_local_verdicts_in_order() -> None:
    checker = Checker([SPECS / "anon.yaml"])
    local = list(runners.local_verdicts(checker, recordings()))
    chunked = [
        verdict
        for chunk in runners.chunks(recordings(), checker.limits.max_record_bytes, size=3)
        for verdict in checker.check_lines(chunk)
    ]
    assert chunked == local
    assert len({v.source for v in local}) == len(local) > 3


def test_two_worker_processes_give_the_local_verdicts_in_order(tmp_path: Path) -> None:
    # More lines than one chunk, so that several chunks are in flight at once.
    source = (ANON / "anon.jsonl").read_bytes().splitlines()
    many = tmp_path / "many.jsonl"
    many.write_bytes(b"\n".join(source * (runners.CHUNK // len(source) + 2)) + b"\n")
    checker = Checker([SPECS / "anon.yaml"])
    parallel = list(runners.verdicts(checker, [many, ANON / "anon.har"], jobs=2))
    assert parallel == list(runners.verdicts(checker, [many, ANON / "anon.har"], jobs=1))
    assert len(parallel) > runners.CHUNK
