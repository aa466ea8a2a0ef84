"""Every pinned CLI run prints and writes exactly what it did when it was recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden.cases import CASES, OUTPUTS, Case, run


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_cli_output_is_unchanged(case: Case, tmp_path: Path) -> None:
    golden = OUTPUTS / f"{case.name}.txt"
    assert golden.exists(), f"no golden output for {case.name}: run python -m tests.golden.record"
    expected = golden.read_text(encoding="utf-8")
    actual = run(case, tmp_path / "out")
    assert actual == expected, (
        f"`specgen {' '.join(case.args)}` no longer prints or writes what {golden.name} holds;"
        " if the change is meant, re-record with python -m tests.golden.record and review the diff"
    )


def test_every_golden_output_has_a_case() -> None:
    names = {f"{case.name}.txt" for case in CASES}
    stale = sorted(p.name for p in OUTPUTS.glob("*.txt") if p.name not in names)
    assert not stale, f"golden outputs without a case (re-record): {stale}"
