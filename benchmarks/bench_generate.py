"""How long `specgen generate` takes on the shipped specs, and what a generated client costs per call.

Run from the repository root:  python benchmarks/bench_generate.py [--calls N] [--runs N]

1. Generation, in a fresh process each time (what a user waits for):
   cold: into an empty folder (everything rendered, formatted and written);
   warm: into an up-to-date folder (everything rendered and formatted, nothing written).
2. Per-call overhead of a generated client against its peer, a bare httpx call plus
   `model_validate_json` on the same response, both on the same httpx.MockTransport (no network),
   measured in alternating rounds so that machine noise hits both alike. Target: under 1.5x.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generated import anon, elasticpath  # noqa: E402

JOB_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
JOB = {
    "id": JOB_ID,
    "name": "nightly export",
    "createdAt": "2023-11-07T05:31:56Z",
    "updatedAt": "2023-11-07T05:31:56Z",
    "organizationId": JOB_ID,
    "sourceProvider": "postgres",
    "createdByUserId": JOB_ID,
    "updatedByUserId": None,
    "jobConfigJson": {"workflowExecutionOrder": [JOB_ID] * 4},
}
BODY = json.dumps(JOB).encode()
EP_BODY = json.dumps(
    {
        "data": {
            "id": JOB_ID,
            "type": "job",
            "job_type": "order_export",
            "status": "complete",
            "link": {"href": "https://files.example/export.csv"},
            "timestamps": {
                "created_at": "2018-10-04T11:08:49Z",
                "updated_at": "2018-10-04T11:09:02Z",
            },
        }
    }
).encode()


def time_generate(runs: int) -> tuple[list[float], list[float]]:
    cold, warm = [], []
    command = [sys.executable, "-m", "generator", "generate", "specs", "--out"]
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = str(Path(tmp) / "generated")
            for bucket in (cold, warm):
                started = time.perf_counter()
                subprocess.run([*command, out], cwd=ROOT, check=True, capture_output=True)
                bucket.append(time.perf_counter() - started)
    return cold, warm


def per_call(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def time_calls(calls: int, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per-call times of (bare, generated) for an unauthenticated and a bearer-token operation."""
    anon_mock = httpx.MockTransport(lambda request: httpx.Response(200, content=BODY))
    ep_mock = httpx.MockTransport(lambda request: httpx.Response(200, content=EP_BODY))
    anon_http, ep_http = httpx.Client(transport=anon_mock), httpx.Client(transport=ep_mock)
    anon_client = anon.Client(transport=anon_mock)
    ep_client = elasticpath.Client(token="t0ken", transport=ep_mock)
    anon_url = f"https://worker.anon.com/api/v2/jobs/{JOB_ID}"
    ep_url = f"https://api.moltin.com/v2/jobs/{JOB_ID}"
    ep_model = elasticpath.models.GetJobResponse200
    cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "anon getJobById (no auth)": (
            lambda: anon.models.Job.model_validate_json(anon_http.get(anon_url).content),
            lambda: anon_client.get_job_by_id(JOB_ID),
        ),
        "elasticpath getJob (bearer)": (
            lambda: ep_model.model_validate_json(
                ep_http.get(ep_url, headers={"Authorization": "Bearer t0ken"}).content
            ),
            lambda: ep_client.get_job(JOB_ID),
        ),
    }
    results: dict[str, tuple[list[float], list[float]]] = {}
    for name, (bare, generated) in cases.items():
        assert bare() == generated(), f"{name}: both paths must produce the same model"
        per_call(bare, calls // 4), per_call(generated, calls // 4)  # warm-up, not measured
        bare_times: list[float] = []
        generated_times: list[float] = []
        for _ in range(rounds):
            bare_times.append(per_call(bare, calls))
            generated_times.append(per_call(generated, calls))
        results[name] = (bare_times, generated_times)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="generation runs (default 3)")
    parser.add_argument("--calls", type=int, default=2000, help="calls per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds (default 7)")
    args = parser.parse_args()

    cold, warm = time_generate(args.runs)
    print(f"specgen generate specs/ (5 specs, {args.runs} runs, fresh process each)")
    print(
        f"  cold (empty output):      median {statistics.median(cold):6.2f} s   min {min(cold):6.2f} s"
    )
    print(
        f"  warm (output up to date): median {statistics.median(warm):6.2f} s   min {min(warm):6.2f} s"
    )

    print(
        f"\nper call on httpx.MockTransport ({args.rounds} rounds x {args.calls} calls, median us/call)"
    )
    print(f"  {'operation':30} {'bare httpx + validate':>22} {'generated client':>17} {'ratio':>6}")
    for name, (bare, generated) in time_calls(args.calls, args.rounds).items():
        bare_us, generated_us = statistics.median(bare) * 1e6, statistics.median(generated) * 1e6
        ratio = generated_us / bare_us
        verdict = "ok" if ratio < 1.5 else "MISSES 1.5x"
        print(f"  {name:30} {bare_us:22.1f} {generated_us:17.1f} {ratio:5.2f}x {verdict}")


if __name__ == "__main__":
    main()
