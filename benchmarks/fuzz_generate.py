"""Fuzz `specgen generate` with random hostile specs, at length: the CI test's properties, more examples.

Run from the repository root:  python benchmarks/fuzz_generate.py [--units 10000] [--batch 10]

Each example is a *unit* (a component schema with hostile names, descriptions, enum values and
defaults, and the operation returning it); ``--batch`` units share one spec and one generation.
Every spec is generated, imported with a canary, and every operation is called on a MockTransport;
every ``--mypy-every`` specs, ``mypy --strict`` runs over the packages generated since. Prints how
many units ran and every finding (tests/generate/fuzz_generate.py says what a finding is).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.generate.fuzz_generate import Batch, batches, mypy_findings, run_batch  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000, help="random units to run in all")
    parser.add_argument("--batch", type=int, default=10, help="units per generated spec")
    parser.add_argument("--mypy-every", type=int, default=20, help="specs per mypy run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    specs = max(1, args.units // args.batch)
    work = Path(tempfile.mkdtemp(prefix="specgen-fuzz-generate-"))
    findings: list[str] = []
    pending: list[Path] = []
    ran = {"specs": 0, "units": 0, "mypy": 0}
    started = time.monotonic()

    def check_types() -> None:
        found = mypy_findings(pending)
        findings.extend(f"mypy: {line}" for line in found)
        ran["mypy"] += len(pending)
        for package in pending:
            # Keep the packages mypy rejected (and their specs) for whoever reads the findings.
            if not any(f"/{package.name}/" in line for line in found):
                shutil.rmtree(package.parent.parent, ignore_errors=True)
        pending.clear()

    @settings(
        max_examples=specs,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @seed(args.seed)
    @given(batch=batches(args.batch))
    def run(batch: Batch) -> None:
        index = ran["specs"]
        package = f"fuzzed{index}"
        folder = work / f"spec{index}"
        found = run_batch(batch, folder, package)
        ran["specs"] += 1
        ran["units"] += batch.units
        if found:
            findings.extend(f"spec {index}: {finding}" for finding in found)
            (work / f"finding{index}.json").write_text(str(batch.spec), encoding="utf-8")
        pending.append(folder / "out" / package)
        if len(pending) >= args.mypy_every:
            check_types()
        if ran["specs"] % 10 == 0:
            elapsed = time.monotonic() - started
            print(f"  {ran['units']} units in {ran['specs']} specs, {elapsed:.0f} s", flush=True)

    run()
    check_types()
    elapsed = time.monotonic() - started
    print(
        f"fuzz generate: {ran['units']} units in {ran['specs']} specs"
        f" ({ran['mypy']} type-checked with mypy --strict) in {elapsed:.0f} s:"
        f" {len(findings)} finding(s)"
    )
    for finding in findings:
        print(f"  {finding}")
    if findings:
        print(f"failing specs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
