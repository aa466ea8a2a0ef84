"""benchmarks/synth_spec.py writes specs that specgen accepts without a finding and generates from.

``bench_scale.py`` times ``specgen generate`` on them at GitHub's size and beyond; a synthetic spec
that drifted into findings or refusals would time the wrong thing. These run at a tiny size.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import synth_spec
from tests.commands import specgen
from tests.generate.packages import run_in

METHODS = ("get", "put", "post", "delete", "patch")


def operation_ids(spec: dict[str, object]) -> list[str]:
    paths = spec["paths"]
    assert isinstance(paths, dict)
    return [op["operationId"] for item in paths.values() for m, op in item.items() if m in METHODS]


@pytest.mark.parametrize("size", [1, 7, 20, 101])
def test_the_spec_has_exactly_the_operations_asked_for(size: int) -> None:
    ids = operation_ids(synth_spec.synth_spec(size))
    assert len(ids) == size
    assert len(set(ids)) == size


def test_the_same_size_writes_the_same_bytes(tmp_path: Path) -> None:
    first = synth_spec.write(20, tmp_path / "a" / "synthetic.json").read_bytes()
    second = synth_spec.write(20, tmp_path / "b" / "synthetic.json").read_bytes()
    assert first == second


def test_specgen_validates_it_without_a_finding_and_generates_a_client(tmp_path: Path) -> None:
    spec = synth_spec.write(20, tmp_path / "synthetic.json")

    validated = specgen("validate", spec, "--format", "json")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert json.loads(validated.stdout)["specs"][0]["findings"] == []

    generated = specgen("generate", spec, "--out", tmp_path / "out")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    client = (tmp_path / "out" / "synthetic" / "client.py").read_text(encoding="utf-8")
    lines = [line.strip() for line in client.splitlines()]
    for operation_id in operation_ids(json.loads(spec.read_text(encoding="utf-8"))):
        # DESIGN.md: the docstring names the operationId on one line.
        assert any(line.startswith(f"operationId `{operation_id}`:") for line in lines)

    imported = run_in(
        tmp_path / "out",
        "import synthetic; print(synthetic.Client.invoices_list.__name__)",
        None,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "invoices_list"
