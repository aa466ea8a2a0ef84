"""How fast `specgen check` checks recorded exchanges, against the floor and its peers, in one run.

Run from the repository root:

    python benchmarks/bench_check.py [--exchanges N] [--invalid-share F] [--jobs N] [--subset N]
        [--repeat N] [--openapi-core-python PYTHON]

What it does, in one run and on the same exchanges:

1. Writes N recorded exchanges (default 60,000) as JSON Lines to a temporary folder, and 4N for the
   slope and the memory runs, deterministic for a seed: GETs of a job from each of the five specs in
   specs/, with job-sized response bodies shaped like the vendors' examples; a share of them (default
   60%) invalid in one way (a wrong type, a bad date-time, a missing required member, an undeclared
   status). See ``_recordings.py``.
2. Measures exchanges per second of:
   - `specgen check` through the CLI (``python -m generator check FILE --format json``, stdout to
     /dev/null), one process (one core): the **slope** between N and 4N lines, so interpreter
     start-up and loading the specs do not count; and with --jobs (wall time on N);
   - `specgen check` in-process (``generator.api.check``, JSON and text reports to /dev/null);
   - **the floor**: ``orjson.loads`` of each line, one jsonschema-rs ``is_valid`` per body with the
     validators specgen compiles, and its ``iter_errors`` where invalid, nothing else (the operation
     of each exchange is given: no routing, no report);
   - openapi-core's ``OpenAPI.validate_response`` (with ``openapi_core.testing`` mock request and
     response; the line's parse and the body's re-serialisation included) on the first --subset
     exchanges, its rate extrapolated;
   - plain ``jsonschema`` (``Draft202012Validator`` with format checking) on the same subset;
   - ``orjson.loads`` alone and jsonschema-rs ``is_valid`` alone, for scale.
   Every tool's verdicts are compared with what the exchanges are.
3. Prints the targets and whether they are met: the CLI's one-core slope at least half the floor,
   at least 50x openapi-core, peak memory flat between N and 4N lines, and every verdict as labelled.
4. Peak memory: the CLI on N and on 4N exchanges, each under a fresh helper process that reports its
   children's peak RSS (``getrusage(RUSAGE_CHILDREN)``).
5. When the floor target is missed, profiles the in-process run (cProfile, first
   --profile-exchanges exchanges) and prints the hotspots.

openapi-core cannot be installed next to specgen (it wants openapi-spec-validator < 0.9, specgen
pins 0.9), so it runs in a child process with the interpreter given by --openapi-core-python (or
$BENCH_OPENAPI_CORE_PYTHON), e.g. a virtualenv made with ``python -m venv .venv-oc &&
.venv-oc/bin/pip install openapi-core orjson``. Without one, its row is left out.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import orjson
from _recordings import (
    INVALID_KINDS,
    SPEC_BY_HOST,
    SPECS,
    VALID,
    Label,
    exchanges,
)

ROOT = Path(__file__).resolve().parent.parent
SPEC_FOLDER = ROOT / "specs"

#: Targets: the CLI's one-core slope against the floor, and against openapi-core.
TARGET_FLOOR_SHARE = 0.5
TARGET_RATIO = 50.0
#: Peak RSS on 4N exchanges may exceed that on N by this share at most to count as flat.
TARGET_MEMORY_GROWTH = 0.10

#: Runs the command in its arguments, then prints its (and its children's) peak RSS in KiB.
_PEAK_RSS_HELPER = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stderr.write(done.stderr.decode())\n"
)


@dataclass
class Row:
    """One line of the throughput table."""

    tool: str
    measured: int
    seconds: float
    #: How many verdicts agree with the labels, or None when not compared.
    agree: int | None = None
    note: str = ""

    @property
    def rate(self) -> float:
        return self.measured / self.seconds


# -- the recordings -------------------------------------------------------------------------------


def write_recordings(
    small: Path, large: Path, count: int, seed: int, invalid_share: float
) -> list[Label]:
    """Write 4 x ``count`` exchanges to ``large`` and the first ``count`` of them to ``small``."""
    labels: list[Label] = []
    with small.open("wb") as first, large.open("wb") as whole:
        for index, (line, label) in enumerate(exchanges(4 * count, seed, invalid_share)):
            whole.write(line)
            if index < count:
                first.write(line)
                labels.append(label)
    return labels


def describe_mix(labels: Sequence[Label]) -> list[str]:
    kinds = Counter(label.kind for label in labels)
    specs = Counter(label.spec for label in labels)
    statuses = Counter(label.status for label in labels)
    total = len(labels)
    lines = [
        "  valid {:,} ({:.1%}); invalid {:,}: {}".format(
            kinds[VALID],
            kinds[VALID] / total,
            total - kinds[VALID],
            ", ".join(f"{kind} {kinds[kind]:,}" for kind in INVALID_KINDS),
        ),
        "  by spec: " + ", ".join(f"{spec} {specs[spec]:,}" for spec in SPECS),
        "  by status: " + ", ".join(f"{s} {n:,}" for s, n in sorted(statuses.items())),
    ]
    return lines


# -- specgen ----------------------------------------------------------------------------------------


def specgen_in_process(path: Path, report: str, jobs: int, labels: Sequence[Label]) -> Row:
    from generator import api
    from generator.check.reports import JsonReporter, Reporter, TextReporter

    with open(os.devnull, "w", encoding="utf-8") as sink:
        reporter: Reporter = JsonReporter(sink) if report == "json" else TextReporter(sink)
        started = time.perf_counter()
        summary = api.check([path], reporter, [SPEC_FOLDER], jobs=jobs)
        seconds = time.perf_counter() - started
    return Row(
        f"specgen check, in-process, {report} report, {_jobs(jobs)}",
        summary.total,
        seconds,
        _agree_counts(summary.passed, summary.failed, labels),
    )


def specgen_cli(path: Path, jobs: int, labels: Sequence[Label]) -> Row:
    """The CLI on ``path``: wall time, start-up and loading the specs included."""
    seconds, passed, failed = _cli_run(path, jobs)
    return Row(
        f"specgen check CLI, --format json, {_jobs(jobs)}",
        len(labels),
        seconds,
        _agree_counts(passed, failed, labels),
        "wall time incl. start-up",
    )


def specgen_cli_slope(small: Path, large: Path, labels: Sequence[Label], repeat: int) -> Row:
    """The CLI's rate between N and 4N lines, one process: (4N - N) / (t(4N) - t(N)).

    Each size runs ``repeat`` times, alternating, and the fastest of each counts: start-up and
    loading the specs cancel out, and so do pauses of a shared machine more than a median would.
    """
    times: dict[Path, list[float]] = {small: [], large: []}
    agree = 0
    for _ in range(repeat):
        for path in (small, large):
            seconds, passed, failed = _cli_run(path, 1)
            times[path].append(seconds)
            if path is small:
                agree = _agree_counts(passed, failed, labels)
    extra = 3 * len(labels)
    return Row(
        "specgen check CLI, --format json, 1 job (slope N to 4N)",
        extra,
        min(times[large]) - min(times[small]),
        round(agree * extra / len(labels)),
        f"best of {repeat} at each size; start-up excluded",
    )


def _cli_run(path: Path, jobs: int) -> tuple[float, int, int]:
    command = [sys.executable, "-m", "generator", "check", str(path), "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--jobs", str(jobs)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seconds = time.perf_counter() - started
    passed, failed = _summary_counts(done.returncode, done.stderr.decode())
    return seconds, passed, failed


def _summary_counts(returncode: int, stderr: str) -> tuple[int, int]:
    """(passed, failed) from the CLI's closing ``N passed, M failed`` line on stderr."""
    if returncode not in (0, 1):
        raise RuntimeError(f"specgen check exited {returncode}:\n{stderr}")
    words = stderr.strip().splitlines()[-1].replace(",", "").split()
    return int(words[0]), int(words[2])


def _agree_counts(passed: int, failed: int, labels: Sequence[Label]) -> int:
    """How many verdicts can agree with the labels, given only the counts of a run."""
    valid = sum(label.valid for label in labels)
    return min(passed, valid) + min(failed, len(labels) - valid)


def _jobs(jobs: int) -> str:
    return "1 job" if jobs == 1 else f"--jobs {jobs}"


def median_row(run: Callable[[], Row], repeat: int) -> Row:
    """The run of median duration among ``repeat`` runs."""
    rows = sorted((run() for _ in range(repeat)), key=lambda row: row.seconds)
    row = rows[len(rows) // 2]
    if repeat > 1:
        row.note = ", ".join(filter(None, [row.note, f"median of {repeat}"]))
    return row


# -- openapi-core (in a child process, possibly another environment) ----------------------------------


def openapi_core_row(python: str, path: Path, subset: int, labels: Sequence[Label]) -> Row | str:
    """openapi-core's row, or why there is none."""
    done = subprocess.run(
        [python, str(Path(__file__).resolve()), "--openapi-core-worker", str(path), str(subset)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"openapi-core not measured ({python}: {last}; see --openapi-core-python)"
    result = json.loads(done.stdout)
    verdicts = result["verdicts"]
    agree = sum((v == "1") == label.valid for v, label in zip(verdicts, labels, strict=False))
    return Row(
        f"openapi-core {result['version']} validate_response",
        len(verdicts),
        result["seconds"],
        agree,
        "subset, rate extrapolated",
    )


def openapi_core_worker(path: Path, subset: int) -> None:
    """Validate the first ``subset`` exchanges with openapi-core; print times and verdicts as JSON."""
    from openapi_core import OpenAPI, __version__  # type: ignore[import-not-found]
    from openapi_core.exceptions import OpenAPIError  # type: ignore[import-not-found]
    from openapi_core.testing import MockRequest, MockResponse  # type: ignore[import-not-found]

    apps = {name: OpenAPI.from_file_path(str(SPEC_FOLDER / f"{name}.yaml")) for name in SPECS}
    verdicts: list[str] = []
    started = time.perf_counter()
    with path.open("rb") as stream:
        for line in islice(stream, subset):
            record = orjson.loads(line)
            request, response = record["request"], record["response"]
            url = urlsplit(request["url"])
            app = apps[SPEC_BY_HOST[url.netloc]]
            try:
                app.validate_response(
                    MockRequest(
                        f"{url.scheme}://{url.netloc}",
                        request["method"],
                        url.path,
                        args=dict(parse_qsl(url.query)),
                    ),
                    MockResponse(
                        orjson.dumps(response["body"]), response["status"], response["headers"]
                    ),
                )
            except OpenAPIError:
                verdicts.append("0")
            else:
                verdicts.append("1")
    seconds = time.perf_counter() - started
    print(json.dumps({"version": __version__, "seconds": seconds, "verdicts": "".join(verdicts)}))


# -- jsonschema, jsonschema-rs, orjson ------------------------------------------------------------------


def _response_schemas() -> Iterator[tuple[str, str, int, Path, str]]:
    """(spec, operationId, status, spec file, JSON pointer) of every declared JSON response schema."""
    import yaml

    for name in SPECS:
        file = SPEC_FOLDER / f"{name}.yaml"
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for template, item in data["paths"].items():
            for method, operation in item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                for status, response in operation["responses"].items():
                    if "schema" in response.get("content", {}).get("application/json", {}):
                        tokens = ["paths", template, method, "responses", status, "content"]
                        tokens += ["application/json", "schema"]
                        pointer = "".join(
                            "/" + t.replace("~", "~0").replace("/", "~1") for t in tokens
                        )
                        yield name, operation["operationId"], int(status), file, pointer


def jsonschema_row(path: Path, subset: int, labels: Sequence[Label]) -> tuple[Row, str]:
    """Plain jsonschema on the first ``subset`` exchanges; also which formats it checks."""
    from importlib.metadata import version

    import yaml
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry: Registry[Any] = Registry()
    for name in SPECS:
        file = SPEC_FOLDER / f"{name}.yaml"
        contents = yaml.safe_load(file.read_text(encoding="utf-8"))
        registry = registry.with_resource(file.as_uri(), DRAFT202012.create_resource(contents))
    validators = {
        (spec, operation, status): Draft202012Validator(
            {"$ref": f"{file.as_uri()}#{quote(pointer, safe='/~')}"},
            registry=registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        for spec, operation, status, file, pointer in _response_schemas()
    }
    agree = 0
    started = time.perf_counter()
    with path.open("rb") as stream:
        for line, label in zip(islice(stream, subset), labels, strict=False):
            body = orjson.loads(line)["response"]["body"]
            validator = validators.get((label.spec, label.operation, label.status))
            agree += (validator is not None and validator.is_valid(body)) == label.valid
    seconds = time.perf_counter() - started
    checked = Draft202012Validator.FORMAT_CHECKER.checkers
    formats = ", ".join(
        f"{name} {'checked' if name in checked else 'NOT checked'}"
        for name in ("date-time", "uuid", "uri")
    )
    row = Row(
        f"jsonschema {version('jsonschema')} Draft202012 + orjson.loads",
        min(subset, len(labels)),
        seconds,
        agree,
        "subset, rate extrapolated",
    )
    return row, formats


def _validators() -> dict[tuple[str, str, int], Any]:
    """specgen's compiled validator of every declared JSON response schema, by (spec, operation,
    status)."""
    from generator.check.conformance import Conformance
    from generator.spec.reading import load_spec

    conformances = {name: Conformance(load_spec(SPEC_FOLDER / f"{name}.yaml")) for name in SPECS}
    validators = {}
    for spec, operation_id, status, _, pointer in _response_schemas():
        conformance = conformances[spec]
        document = conformance.operations[operation_id].document
        validators[(spec, operation_id, status)] = conformance.schemas.validator(document, pointer)
    return validators


def floor_row(path: Path, labels: Sequence[Label]) -> Row:
    """The floor: ``orjson.loads`` of each line, ``is_valid`` of its body, ``iter_errors`` where
    invalid; each exchange's validator is given (no routing), and nothing is reported."""
    from importlib.metadata import version

    validators = _validators()
    chosen = [validators.get((label.spec, label.operation, label.status)) for label in labels]
    agree = 0
    errors = 0
    started = time.perf_counter()
    with path.open("rb") as stream:
        for line, validator, label in zip(stream, chosen, labels, strict=True):
            body = orjson.loads(line)["response"]["body"]
            valid = validator is not None and validator.is_valid(body)
            if not valid and validator is not None:
                errors += len(list(validator.iter_errors(body)))
            agree += valid == label.valid
    seconds = time.perf_counter() - started
    return Row(
        f"floor: orjson.loads + jsonschema-rs {version('jsonschema_rs')} is_valid, iter_errors",
        len(labels),
        seconds,
        agree,
        f"the operation given; {errors:,} errors listed",
    )


def jsonschema_rs_row(path: Path, labels: Sequence[Label]) -> Row:
    """jsonschema-rs ``is_valid`` alone, with specgen's validators, on bodies parsed beforehand."""
    from importlib.metadata import version

    validators = _validators()
    seconds = 0.0
    agree = 0
    with path.open("rb") as stream:
        chunk_labels = iter(labels)
        while chunk := list(islice(stream, 10_000)):
            work = [
                (validators.get((label.spec, label.operation, label.status)), body, label.valid)
                # The bodies first: zip stops on them without taking a label too many.
                for body, label in zip(
                    (orjson.loads(line)["response"]["body"] for line in chunk),
                    chunk_labels,
                    strict=False,
                )
            ]
            started = time.perf_counter()
            verdicts = [v is not None and v.is_valid(body) for v, body, _ in work]
            seconds += time.perf_counter() - started
            agree += sum(got == want for got, (_, _, want) in zip(verdicts, work, strict=True))
    return Row(
        f"jsonschema-rs {version('jsonschema_rs')} is_valid alone",
        len(labels),
        seconds,
        agree,
        "bodies parsed beforehand",
    )


def orjson_row(path: Path) -> Row:
    """``orjson.loads`` of every line, read from the file."""
    count = 0
    started = time.perf_counter()
    with path.open("rb") as stream:
        for line in stream:
            orjson.loads(line)
            count += 1
    seconds = time.perf_counter() - started
    return Row(
        f"orjson {orjson.__version__} loads alone", count, seconds, note="file read included"
    )


# -- memory -----------------------------------------------------------------------------------------


def peak_rss(path: Path, jobs: int) -> tuple[int, float]:
    """Peak RSS (bytes) of the CLI checking ``path``, measured by a fresh helper; and the wall time."""
    command = [sys.executable, "-m", "generator", "check", str(path), "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS_HELPER, *command, "--jobs", str(jobs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    returncode, kib = (int(word) for word in done.stdout.split())
    _summary_counts(returncode, done.stderr)
    return kib * 1024, seconds


# -- profile ----------------------------------------------------------------------------------------


def profile(path: Path, count: int) -> list[str]:
    """The hotspots of an in-process, one-job run over the first ``count`` exchanges."""
    from generator import api
    from generator.check.reports import JsonReporter

    head = path.with_name(f"profile-{count}.jsonl")
    with path.open("rb") as source, head.open("wb") as target:
        target.writelines(islice(source, count))
    profiler = cProfile.Profile()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        profiler.enable()
        api.check([head], JsonReporter(sink), [SPEC_FOLDER])
        profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(cumulative for _, _, _, cumulative, _ in entries.values())
    lines: list[str] = []
    views: list[tuple[str, int, str]] = [
        ("by cumulative time (generator/ only)", 3, "/generator/"),
        ("by own time (any function)", 2, ""),
    ]
    for title, column, within in views:
        ranked = sorted(
            ((key, value) for key, value in entries.items() if within in key[0]),
            key=lambda item: -item[1][column],
        )[:15]
        lines.append(f"  {title}:")
        lines.append(f"    {'function':<44} {'where':<44} {'calls':>9} {'own s':>7} {'cum s':>7}")
        for (file, line, function), (_, calls, own, cumulative, _) in ranked:
            where = f"{_short(file)}:{line}"
            lines.append(
                f"    {function[:44]:<44} {where[-44:]:<44} {calls:>9,} {own:>7.2f} "
                f"{cumulative:>7.2f} ({cumulative / total:.0%})"
            )
    return lines


def _short(file: str) -> str:
    if file == "~":
        return "(built-in)"
    for marker in ("/generator/", "/lib/python"):
        if marker in file:
            return file[file.index(marker) + 1 :]
    return file


# -- report -----------------------------------------------------------------------------------------


def print_table(rows: Sequence[Row], reference: Row | None) -> None:
    header = f"  {'tool':<58} {'exchanges':>10} {'exch./s':>10} {'vs openapi-core':>16}  agree"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for row in rows:
        ratio = f"{row.rate / reference.rate:,.1f}x" if reference else "-"
        agree = f"{row.agree / row.measured:.1%}" if row.agree is not None else "-"
        print(
            f"  {row.tool:<58} {row.measured:>10,} {row.rate:>10,.0f} {ratio:>16}  {agree:<7}"
            + (f" ({row.note})" if row.note else "")
        )


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exchanges", type=int, default=60_000, metavar="N")
    parser.add_argument(
        "--invalid-share", type=float, default=0.6, metavar="F", help="share made invalid"
    )
    parser.add_argument("--jobs", type=int, default=2, metavar="N", help="for the parallel runs")
    parser.add_argument("--subset", type=int, default=3_000, metavar="N", help="for the slow peers")
    parser.add_argument(
        "--repeat", type=int, default=3, metavar="N", help="runs of each specgen row"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--openapi-core-python",
        default=os.environ.get("BENCH_OPENAPI_CORE_PYTHON", sys.executable),
        metavar="PYTHON",
        help="an interpreter with openapi-core installed (default: $BENCH_OPENAPI_CORE_PYTHON)",
    )
    parser.add_argument("--profile-exchanges", type=int, default=20_000, metavar="N")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak memory runs")
    parser.add_argument("--openapi-core-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.openapi_core_worker:
        openapi_core_worker(Path(args.openapi_core_worker[0]), int(args.openapi_core_worker[1]))
        return 0
    sys.path.insert(0, str(ROOT))
    count, jobs = args.exchanges, args.jobs

    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        small, large = Path(tmp) / "exchanges.jsonl", Path(tmp) / "exchanges-4x.jsonl"
        started = time.perf_counter()
        labels = write_recordings(small, large, count, args.seed, args.invalid_share)
        written = time.perf_counter() - started
        size = small.stat().st_size
        print(
            f"specgen check benchmark: {count:,} exchanges, seed {args.seed}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.2f} at start"
        )
        print(
            f"Recording: {size / 1e6:.1f} MB of JSON Lines, {size / count:.0f} bytes a line "
            f"(and {4 * count:,} for the slope and memory runs; written in {written:.1f} s)"
        )
        print("\n".join(describe_mix(labels)))

        print(f"\nThroughput ({count:,} exchanges; peers on the first {args.subset:,})\n")
        subset = labels[: args.subset]
        reference = openapi_core_row(args.openapi_core_python, small, args.subset, subset)
        schema_row, formats = jsonschema_row(small, args.subset, subset)
        # The floor and specgen's slope alternate, so that both see the same machine.
        floors, slopes = [], []
        for _ in range(args.repeat):
            floors.append(floor_row(small, labels))
            slopes.append(specgen_cli_slope(small, large, labels, 1))
        floor = max(floors, key=lambda row: row.rate)
        slope = max(slopes, key=lambda row: row.rate)
        floor.note += f", best of {args.repeat}"
        slope.note = f"best of {args.repeat} runs at each size, alternating with the floor"
        rows = [
            slope,
            median_row(lambda: specgen_cli(small, 1, labels), args.repeat),
            median_row(lambda: specgen_in_process(small, "json", 1, labels), args.repeat),
            median_row(lambda: specgen_in_process(small, "text", 1, labels), args.repeat),
            median_row(lambda: specgen_cli(small, jobs, labels), args.repeat),
            floor,
            *([reference] if isinstance(reference, Row) else []),
            schema_row,
            median_row(lambda: jsonschema_rs_row(small, labels), args.repeat),
            median_row(lambda: orjson_row(small), args.repeat),
        ]
        core = reference if isinstance(reference, Row) else None
        print_table(rows, core)
        if not core:
            print(f"  {reference}")
        print(f"  jsonschema formats: {formats}")
        print(
            "  agree: share of pass/fail verdicts that match what each exchange is (for specgen,"
            " from its passed/failed counts)"
        )

        print("\nTargets (the CLI, one process, its slope between N and 4N lines)")
        share = slope.rate / floor.rate
        met = share >= TARGET_FLOOR_SHARE
        print(
            f"  >= {TARGET_FLOOR_SHARE}x the floor: {slope.rate:,.0f}/s against "
            f"{floor.rate:,.0f}/s = {share:.2f}x -> {verdict(met)}"
        )
        if core:
            ratio = slope.rate / core.rate
            print(
                f"  >= {TARGET_RATIO:.0f}x openapi-core: {slope.rate:,.0f}/s against "
                f"{core.rate:,.0f}/s = {ratio:,.1f}x -> {verdict(ratio >= TARGET_RATIO)}"
            )
        else:
            print(f"  >= {TARGET_RATIO:.0f}x openapi-core: not measured")
        agreed = all(row.agree in (None, row.measured) for row in rows if "specgen" in row.tool)
        print(f"  every specgen verdict as labelled -> {verdict(agreed)}")

        if not args.no_memory:
            print(
                "\nPeak memory (CLI, --format json to /dev/null; peak RSS of the largest process)\n"
            )
            print(
                f"  {'exchanges':>10} {'file MB':>8} {'jobs':>5} {'peak RSS MB':>12} {'wall s':>7}"
            )
            peaks: dict[int, list[int]] = {}
            for runs in (1, jobs):
                for path, n in ((small, count), (large, 4 * count)):
                    rss, seconds = peak_rss(path, runs)
                    peaks.setdefault(runs, []).append(rss)
                    print(
                        f"  {n:>10,} {path.stat().st_size / 1e6:>8.1f} {runs:>5} "
                        f"{rss / 2**20:>12.1f} {seconds:>7.1f}"
                    )
            for runs, (at_n, at_4n) in peaks.items():
                growth = at_4n / at_n - 1
                print(
                    f"  {_jobs(runs)}: 4N vs N {growth:+.1%} (flat: within "
                    f"+{TARGET_MEMORY_GROWTH:.0%}) -> {verdict(growth <= TARGET_MEMORY_GROWTH)}"
                )

        if not met:
            n = min(args.profile_exchanges, count)
            print(f"\nProfile of the in-process run (cProfile, 1 job, first {n:,} exchanges)\n")
            print("\n".join(profile(small, n)))
    load = os.getloadavg()[0]
    print(f"\nLoad average at the end: {load:.2f} on {os.cpu_count()} CPUs", end="")
    print(" (other processes ran alongside: rates are noisy, --jobs most)" if load > 1 else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
