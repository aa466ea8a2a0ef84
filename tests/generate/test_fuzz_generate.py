"""Fuzzing generation with random hostile specs (a fixed budget here; benchmarks/ runs thousands)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.generate.fuzz_generate import Batch, batches, mypy_findings, run_batch

#: Units per generated spec, and specs per CI run: 8 x 6 = 48 random schemas and operations.
UNITS = 8
EXAMPLES = 6
_packages: list[Path] = []


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=batches(UNITS))
def test_random_hostile_specs_generate_import_and_round_trip(
    batch: Batch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    package = f"fuzzed{len(_packages)}"
    assert run_batch(batch, folder, package) == []
    _packages.append(folder / "out" / package)


def test_the_fuzzed_packages_pass_mypy_strict() -> None:
    assert _packages, "the fuzzing test above ran first and generated packages"
    assert mypy_findings(_packages) == []
