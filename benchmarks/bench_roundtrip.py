"""Round trips through generated clients on real specs: how many operations come back whole.

Run from the repository root, after `python benchmarks/corpus.py fetch`:

    python benchmarks/bench_roundtrip.py [--sample] [--github] [--stripe] [--limit N] [SPEC ...]
                                         [--async] [--json FILE] [--timeout SECONDS]

For every spec (each in a fresh process, generated into a fresh temporary folder) it runs
``tests/roundtrip/runner.py``: per operation, per 2xx JSON response and per variant (required
properties only, all properties plus an extra key where ``additionalProperties`` allows one, nulls
wherever allowed), a valid response is served to the generated client through
``httpx.MockTransport`` and the method is called with valid arguments and body (``--async``: on the
``AsyncClient`` too). Bodies of every kind the clients handle are served and sent: JSON, forms and
multipart forms (read back off the wire and checked against their schema), text and bytes. An
operation round-trips when every call returns, gives back every key and value it was served, and
sends a request whose body and parameters read back as what was passed and fit the spec.

It prints, per spec and in total: operations that round-trip (of those an instance could be built
for), operations that would round-trip but for extra keys where ``additionalProperties`` is absent
or true (generated models drop them), operations no valid instance could be built for (listed, with
the reason), and failures grouped by class with one example operation each.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402


def run_one(path: Path, name: str, clients: tuple[str, ...]) -> dict[str, object]:
    """Round-trip one spec in this process; the result as JSON data."""
    from tests.roundtrip.runner import run_spec

    with tempfile.TemporaryDirectory(prefix="specgen-roundtrip-") as folder:
        started = time.monotonic()
        result = run_spec(path, Path(folder), name=name, clients=clients)
        data = asdict(result)
        data["seconds"] = round(time.monotonic() - started, 1)
        return data


def run_isolated(path: Path, name: str, timeout: float, aio: bool) -> dict[str, object]:
    """:func:`run_one` in a fresh interpreter (memory returned, a crash or hang contained)."""
    command = [sys.executable, __file__, "--one", str(path), "--name", name]
    command += ["--async"] if aio else []
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"name": name, "refused": f"timeout after {timeout:.0f} s", "operations": []}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"name": name, "refused": f"crash: {tail[:200]}", "operations": []}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def as_result(data: dict[str, object]) -> object:
    from tests.roundtrip.runner import Case, OperationResult, SpecResult

    operations = []
    for op in data.get("operations", []):  # type: ignore[union-attr]
        cases = [Case(**case) for case in op["cases"]]
        operations.append(OperationResult(op["operation_id"], op["method"], op["where"], cases))
    return SpecResult(str(data["name"]), str(data.get("refused", "")), operations)


def report(results: list[object], seconds: dict[str, float]) -> str:
    from tests.roundtrip.runner import FAILED, NO_SUCCESS, OK, UNBUILDABLE, percent

    lines = []
    totals: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    examples: dict[str, str] = {}
    unbuildable: list[str] = []
    refused = []
    for result in results:
        ok, failed = result.count(OK), result.count(FAILED)  # type: ignore[attr-defined]
        tested = ok + failed
        extras = sum(op.ok_but_extras() for op in result.operations)  # type: ignore[attr-defined]
        none = result.count(UNBUILDABLE)  # type: ignore[attr-defined]
        no_success = result.count(NO_SUCCESS)  # type: ignore[attr-defined]
        totals.update(
            ok=ok,
            tested=tested,
            extras=extras,
            unbuildable=none,
            none=no_success,
            operations=len(result.operations),  # type: ignore[attr-defined]
        )
        if result.refused:  # type: ignore[attr-defined]
            refused.append(f"{result.name}: {result.refused}")  # type: ignore[attr-defined]
            continue
        lines.append(
            f"{result.name}: {ok}/{tested} round-trip ({percent(ok, tested)});"  # type: ignore[attr-defined]
            f" but for untyped extra keys {extras}/{tested} ({percent(extras, tested)});"
            f" {none} unbuildable; {no_success} without 2xx; {seconds.get(result.name, 0):.0f} s"  # type: ignore[attr-defined]
        )
        classes.update(result.failure_classes())  # type: ignore[attr-defined]
        for kind, example in result.examples().items():  # type: ignore[attr-defined]
            examples.setdefault(kind, f"{result.name}: {example}")  # type: ignore[attr-defined]
        for operation, reason in result.unbuildable().items():  # type: ignore[attr-defined]
            unbuildable.append(f"{result.name}: {operation}: {reason}")  # type: ignore[attr-defined]
    lines.append("")
    lines.append(
        f"total: {totals['ok']}/{totals['tested']} operations round-trip"
        f" ({percent(totals['ok'], totals['tested'])}); but for untyped extra keys"
        f" {totals['extras']}/{totals['tested']} ({percent(totals['extras'], totals['tested'])});"
        f" {totals['unbuildable']} unbuildable; {totals['none']} without a 2xx response;"
        f" {totals['operations']} operations in {len(results) - len(refused)} specs"
        f" ({len(refused)} refused)"
    )
    lines.append("\nfailure classes (operations failing with each, one example):")
    for kind, count in classes.most_common():
        lines.append(f"  {count:6d}  {kind}\n          e.g. {examples[kind][:260]}")
    lines.append(f"\nunbuildable operations ({len(unbuildable)}):")
    lines.extend(f"  {line[:240]}" for line in unbuildable)
    if refused:
        lines.append(f"\nspecs not generated ({len(refused)}):")
        lines.extend(f"  {line[:200]}" for line in refused)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="*", type=Path, help="spec files to run besides the corpus")
    parser.add_argument("--sample", action="store_true", help="the corpus sample (102 specs)")
    parser.add_argument("--github", action="store_true", help="GitHub's REST description")
    parser.add_argument("--stripe", action="store_true", help="Stripe's API")
    parser.add_argument("--limit", type=int, default=0, help="only the first N sample specs")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per spec")
    parser.add_argument("--async", dest="aio", action="store_true", help="call AsyncClient too")
    parser.add_argument("--json", type=Path, help="write every result to this file")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--name", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        clients = ("Client", "AsyncClient") if args.aio else ("Client",)
        print(json.dumps(run_one(args.one, args.name or args.one.stem, clients)))
        return 0
    targets: list[tuple[str, Path]] = [(path.stem, path) for path in args.specs]
    if args.github:
        targets.append(("github", corpus.github_spec()))
    if args.stripe:
        targets.append(("stripe", corpus.stripe_spec()))
    if args.sample:
        sample = corpus.sample_specs()
        targets += [(corpus.spec_name(p), p) for p in sample[: args.limit or len(sample)]]
    if not targets:
        parser.error("name specs, or --sample, --github, --stripe")
    raw: list[dict[str, object]] = []
    seconds: dict[str, float] = {}
    for name, path in targets:
        print(f"... {name}", file=sys.stderr, flush=True)
        data = run_isolated(path, name, args.timeout, args.aio)
        raw.append(data)
        seconds[name] = float(data.get("seconds", 0.0))  # type: ignore[arg-type]
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    print(report([as_result(data) for data in raw], seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
