"""A long run of the `specgen check` fuzzer: the property of tests/check/test_fuzz_check.py, N times.

    python benchmarks/fuzz_check.py [--examples 10000] [--seed 0]

Random hostile recordings (controls, quotes, U+2028, bidi, NUL, huge numbers, deep nesting,
credentials in URLs, fragments, headers and bodies) go through the checker and every report format.
Prints how many examples ran, how long it took and each distinct finding (a crash, an internal
error, a credential in a report, a raw control character or forged line in the text report, a report
that does not parse) with the first recording that showed it. Exit code 1 when anything was found.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests.check.test_fuzz_check import checker, findings, recordings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="examples to run")
    parser.add_argument("--seed", type=int, default=0, help="random seed (the run is repeatable)")
    args = parser.parse_args()

    checker()  # built once, outside the timing of the first example
    ran = 0
    found: dict[str, tuple[int, list[str]]] = {}

    # Findings are collected, not raised, so one finding does not end the run; hence no shrinking.
    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(args.seed)
    @given(recordings)
    def run(lines: list[tuple[str, list[str]]]) -> None:
        nonlocal ran
        ran += 1
        for finding in findings(lines):
            count, example = found.get(finding, (0, [line for line, _ in lines]))
            found[finding] = (count + 1, example)

    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    print(f"{ran:,} examples in {elapsed:.1f} s ({ran / elapsed:,.0f}/s), seed {args.seed}")
    if not found:
        print("findings: none")
        return 0
    print(f"findings: {len(found)} distinct")
    for finding, (count, example) in sorted(found.items(), key=lambda item: -item[1][0]):
        print(f"  {count:>6}x {finding}")
        for line in example:
            print(f"           {line[:2000]!r}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
