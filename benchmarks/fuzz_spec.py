"""Fuzz reading specs at length: the CI test's properties (tests/spec/test_fuzz_spec.py), more examples.

Run from the repository root:  python benchmarks/fuzz_spec.py [--examples 10000] [--loader-share 0.5]

Each example is either a random hostile YAML/JSON text for the loader or a random hostile spec run
through ``validate`` (text and JSON), ``bundle`` and ``diff`` (text, JSON, Markdown). Prints how many
of each ran and every finding (the test module's docstring says what a finding is); exit code 1 if
there was one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.spec.test_fuzz_spec import (  # noqa: E402
    Example,
    load_finding,
    raw_documents,
    spec_findings,
    specs,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="random examples in all")
    parser.add_argument(
        "--loader-share", type=float, default=0.5, help="share of examples for the loader alone"
    )
    args = parser.parse_args()
    loader_examples = int(args.examples * args.loader_share)
    spec_examples = args.examples - loader_examples
    work = Path(tempfile.mkdtemp(prefix="specgen-fuzz-spec-"))
    findings: list[str] = []
    ran = {"documents": 0, "specs": 0}
    started = time.monotonic()
    common = settings(
        deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck)
    )

    @settings(common, max_examples=max(loader_examples, 1))
    @given(document=raw_documents())
    def documents(document: tuple[str, str]) -> None:
        ran["documents"] += 1
        found = load_finding(*document)
        if found is not None:
            findings.append(f"loader on {document!r}: {found}")

    @settings(common, max_examples=max(spec_examples, 1))
    @given(example=specs())
    def spec_runs(example: Example) -> None:
        ran["specs"] += 1
        found = spec_findings(example, work / "spec")
        if found:
            findings.extend(f"spec {example!r}: {finding}" for finding in found)
        if ran["specs"] % 500 == 0:
            print(f"  {ran['specs']} specs, {time.monotonic() - started:.0f} s", flush=True)

    if loader_examples:
        documents()
    if spec_examples:
        spec_runs()
    shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    print(
        f"{ran['documents'] + ran['specs']} examples ran ({ran['documents']} documents through the"
        f" loader, {ran['specs']} specs through validate, bundle and diff) in {elapsed:.0f} s:"
        f" {len(findings)} finding(s)"
    )
    for finding in findings:
        print(f"  {finding[:2000]}")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
