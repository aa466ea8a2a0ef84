"""How specgen scales to GitHub's REST description and beyond, as ratios to peers in the same run.

Run from the repository root, after `python benchmarks/corpus.py fetch`:

    python benchmarks/bench_scale.py [--peers-python PY] [--scales 1,4,16] [--skip SECTIONS]
                                     [--repeat N] [--github SPEC] [--json FILE]

Every command runs as a fresh subprocess, back to back on this machine; its wall time and the peak
RSS of the largest process of its tree (``os.wait4``: the child or any descendant it waited for,
such as a formatter) are measured. Machines are noisy, so each figure is set against a peer measured
in the same run and only the ratio is judged against its target, never an absolute time. Sections
(``--skip`` takes a comma-separated list of them):

- ``generate``: cold ``specgen generate`` of GitHub (empty output folder, empty cache folder) against
  openapi-python-client's full ``generate`` (with its default ruff post hooks).
- ``cache``: ``specgen generate`` again with the same cache folder, unchanged and after one
  operation's response schema gained a property, against the cold run (``n/a (no cache)`` when
  ``specgen generate`` has no ``--cache-dir``).
- ``validate``: ``specgen validate`` (an empty cache folder, when it takes one) against
  openapi-spec-validator's ``validate()``.
- ``import``: ``import <pkg>; <pkg>.Client`` of the generated package in a fresh interpreter, without
  and with ``.pyc`` files, against importing its models eagerly (every class touched), and the extra
  cost of the first call of ``meta/root`` (served by ``httpx.MockTransport`` with the spec's example).
- ``mypy``: ``mypy --strict`` on the generated package (this environment's mypy); openapi-python-
  client's output through the peers' mypy alongside, when peers run.
- ``synth``: ``specgen generate`` on synthetic specs (``synth_spec.py``) of 1x, 4x, 16x GitHub's
  operation count: time and peak RSS per operation, and how the time per operation grows.

Peers need an interpreter with openapi-python-client 0.29.1, openapi-spec-validator and mypy (see
``bench_corpus.py`` for the venv): ``--peers-python`` or ``$SPECGEN_PEERS_PYTHON``. Without one, the
peer rows say so and the rest runs. Progress goes to stderr, the table to stdout at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import corpus, synth_spec  # noqa: E402

SECTIONS = ("generate", "cache", "validate", "import", "mypy", "synth")
GITHUB_OPERATIONS = 1223
#: The operation the import section calls once: its path, method and Python method name.
FIRST_CALL = ("/", "get", "meta_root")
#: Generous limits for synthetic specs far bigger than any hand-written one.
SYNTH_LIMITS = ["--max-spec-bytes", str(1 << 31), "--max-schemas", str(10**7)]


def log(message: str) -> None:
    print(f"[bench_scale] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Measuring one command


@dataclass
class Measured:
    """One command's wall time, its tree's largest peak RSS (MB), exit code and output's tail."""

    seconds: float
    rss_mb: float
    returncode: int
    tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def measure(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 3600
) -> Measured:
    """Run ``command`` as a fresh process; wall time and the peak RSS of its largest process.

    ``os.wait4`` reports the child's own usage merged with that of every descendant it waited
    for, and Linux merges ``ru_maxrss`` as a maximum: the largest process of the tree counts. The
    command is started by a small launcher, which waits for it and reports that figure: a child
    forked straight from this process would start its high-water mark at this process's size
    (this benchmark holds GitHub's spec to edit it), and every figure would be at least that.
    """
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        report = Path(tempfile.mkstemp(prefix="bench-scale-rss-")[1])
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(report), *command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, _kill_group, (process.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
        try:
            peak = int(report.read_text() or usage.ru_maxrss)
        finally:
            report.unlink()
    tail = "\n".join(text.strip().splitlines()[-5:])
    return Measured(seconds, peak / 1024, process.returncode, tail)


#: Runs argv[2:], waits for it, writes its tree's peak RSS (KiB) to the file argv[1], and exits
#: with its exit code. Small, so the command's peak starts from its own size, not this process's.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, 9)


def median_of(runs: list[Measured]) -> Measured:
    """The median time and RSS of ``runs``; failed if any failed."""
    failed = [run for run in runs if not run.ok]
    return Measured(
        statistics.median(run.seconds for run in runs),
        statistics.median(run.rss_mb for run in runs),
        failed[0].returncode if failed else 0,
        failed[0].tail if failed else "",
    )


# ---------------------------------------------------------------------------------------------
# The table


@dataclass
class Row:
    """One figure of the table; ``ratio`` is ``value / peer`` and meets ``target`` when at most it."""

    section: str
    figure: str
    value: float | None
    unit: str
    peer: float | None = None
    peer_name: str = ""
    target: float | None = None
    aim: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.peer:
            return None
        return self.value / self.peer

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.ratio is None:
            return "n/a"
        return "MET" if self.ratio <= self.target else "NOT MET"


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "MB":
        return f"{value:.0f} MB" if value >= 10 else f"{value:.2f} MB"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "KB":
        return f"{value:.1f} KB"
    return f"{value:.2f}{unit}"


def format_table(rows: list[Row]) -> str:
    header = ("section", "figure", "specgen", "peer", "ratio", "target", "verdict", "note")
    lines = [header]
    for row in rows:
        peer = f"{_amount(row.peer, row.unit)} ({row.peer_name})" if row.peer_name else "-"
        target = "-" if row.target is None else f"<= {row.target:g}x"
        if row.aim is not None:
            target += f" (aim {row.aim:g}x)"
        ratio = "-" if row.ratio is None else f"{row.ratio:.3f}x"
        value = _amount(row.value, row.unit)
        lines.append((row.section, row.figure, value, peer, ratio, target, row.verdict, row.note))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        + "  "
        + line[-1]
        for line in lines
    ).rstrip()


# ---------------------------------------------------------------------------------------------
# The run: where things are, what was measured already


@dataclass
class Bench:
    """Settings and the state sections share (the cold run, the generated package)."""

    work: Path
    github: Path | None
    peers: str | None
    repeat: int
    timeout: float
    scales: list[int]
    base_ops: int
    rows: list[Row] = field(default_factory=list)
    #: The specgen commands that take ``--cache-dir`` (none before the cache existed).
    cached: frozenset[str] = frozenset()
    cold: Measured | None = None
    spec_copy: Path | None = None
    out: Path | None = None
    cache: Path | None = None

    def specgen(self, *args: str | Path) -> list[str]:
        return [sys.executable, "-m", "generator", *map(str, args)]

    @property
    def specgen_env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT)}

    @property
    def peers_env(self) -> dict[str, str]:
        # openapi-python-client's post hooks run `ruff` from PATH: the peers' own.
        assert self.peers is not None
        bin_dir = str(Path(self.peers).parent)
        return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}

    def run(self, command: list[str], env: dict[str, str] | None = None) -> Measured:
        measured = measure(command, self.work, env, self.timeout)
        if not measured.ok:
            log(f"exit {measured.returncode}: {' '.join(command[:6])} ...\n{measured.tail}")
        return measured

    def fresh(self, name: str) -> Path:
        """An empty folder under the work folder."""
        folder = self.work / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return folder

    @property
    def has_cache(self) -> bool:
        return "generate" in self.cached

    def cache_args(self, cache: Path, command: str = "generate") -> list[str]:
        return ["--cache-dir", str(cache)] if command in self.cached else []

    def require_github(self) -> Path:
        if self.github is None:
            raise SystemExit("GitHub's spec is needed: fetch the corpus or pass --github")
        if self.spec_copy is None:
            # A copy, so the cache section can edit it in place as a user edits a spec.
            self.spec_copy = self.fresh("spec") / self.github.name
            shutil.copyfile(self.github, self.spec_copy)
        return self.spec_copy

    def generate_github_cold(self) -> Measured:
        """Cold ``specgen generate`` of GitHub (kept: later sections reuse its output)."""
        spec = self.require_github()
        self.out, self.cache = self.fresh("out"), self.fresh("cache")
        measured = self.run(
            self.specgen("generate", spec, "--out", self.out, *self.cache_args(self.cache)),
            self.specgen_env,
        )
        if not measured.ok:
            raise SystemExit("specgen generate failed on GitHub's spec; see above")
        self.cold = measured
        return measured

    def github_package(self) -> Path:
        if self.out is None:
            log("generating GitHub's package (not timed here)")
            self.generate_github_cold()
        assert self.out is not None
        packages = sorted(path.parent for path in self.out.glob("*/__init__.py"))
        if len(packages) != 1:
            raise SystemExit(f"expected one generated package, found {packages}")
        return packages[0]


NO_PEERS = "no peers: pass --peers-python or set SPECGEN_PEERS_PYTHON"


def ratio_rows(
    section: str, figure: str, ours: Measured, theirs: Measured | None, peer_name: str
) -> list[Row]:
    """A wall-time row (target 1x, aim 0.5x) and a peak-RSS row (target 2x) against a peer."""
    notes = [] if ours.ok else [f"specgen exit {ours.returncode}"]
    if theirs is None:
        notes.append(NO_PEERS)
    elif not theirs.ok:
        notes.append(f"peer exit {theirs.returncode}")
    note = "; ".join(notes)
    peer_s = theirs.seconds if theirs else None
    peer_mb = theirs.rss_mb if theirs else None
    return [
        Row(section, f"{figure}: wall", ours.seconds, "s", peer_s, peer_name, 1.0, 0.5, note),
        Row(section, f"{figure}: peak RSS", ours.rss_mb, "MB", peer_mb, peer_name, 2.0, None, note),
    ]


def alternate(
    bench: Bench, ours: Callable[[], Measured], theirs: Callable[[], Measured] | None
) -> tuple[Measured, Measured | None]:
    """``ours`` and ``theirs`` in turn, ``--repeat`` times, so that noise hits both alike."""
    mine: list[Measured] = []
    peers: list[Measured] = []
    for _ in range(bench.repeat):
        mine.append(ours())
        if theirs is not None:
            peers.append(theirs())
    return median_of(mine), median_of(peers) if peers else None


# ---------------------------------------------------------------------------------------------
# Sections


def section_generate(bench: Bench) -> None:
    spec = bench.require_github()
    opc = "openapi-python-client"

    def ours() -> Measured:
        log("specgen generate GitHub, cold")
        return bench.generate_github_cold()

    def theirs() -> Measured:
        log(f"{opc} generate GitHub")
        out = bench.work / "opc"
        command = [str(bench.peers), "-m", "openapi_python_client", "generate", "--path", str(spec)]
        command += ["--output-path", str(out), "--overwrite"]
        return bench.run(command, bench.peers_env)

    mine, peer = alternate(bench, ours, theirs if bench.peers else None)
    bench.rows += ratio_rows("generate", "GitHub cold", mine, peer, opc)


def section_cache(bench: Bench) -> None:
    if not bench.has_cache:
        for figure in ("re-run, spec unchanged", "re-run, one response schema changed"):
            bench.rows.append(Row("cache", figure, None, "s", note="n/a (no cache)"))
        return
    if bench.cold is None:
        log("specgen generate GitHub, cold (the reference for the cache)")
        bench.generate_github_cold()
    assert bench.cold is not None and bench.out is not None and bench.cache is not None
    spec = bench.require_github()
    command = bench.specgen("generate", spec, "--out", bench.out, *bench.cache_args(bench.cache))
    log("specgen generate GitHub again, same cache, spec unchanged")
    unchanged = bench.run(command, bench.specgen_env)
    operation = add_response_property(spec)
    log(f"specgen generate GitHub again after {operation}'s response gained a property")
    changed = bench.run(command, bench.specgen_env)
    cold = bench.cold.seconds
    for figure, measured, target in (
        ("re-run, spec unchanged", unchanged, 0.05),
        (f"re-run, {operation} response changed", changed, 0.3),
    ):
        note = "" if measured.ok else f"exit {measured.returncode}"
        bench.rows.append(
            Row("cache", f"{figure}: wall", measured.seconds, "s", cold, "cold", target, None, note)
        )
        bench.rows.append(Row("cache", f"{figure}: peak RSS", measured.rss_mb, "MB", note=note))


def add_response_property(spec: Path) -> str:
    """Give one operation's inline JSON response schema a new property; return its operationId.

    An inline schema belongs to that operation alone. The file is written back the way GitHub's is
    formatted (two-space indent, non-ASCII kept), so only the new lines differ.
    """
    text = spec.read_text(encoding="utf-8")
    document = json.loads(text)
    for path_item in document["paths"].values():
        for operation in path_item.values():
            schema = _inline_json_response(operation)
            if schema is not None:
                schema["properties"]["bench_added"] = {"type": "string"}
                edited = json.dumps(document, indent=2, ensure_ascii=False)
                spec.write_text(edited + ("\n" if text.endswith("\n") else ""), encoding="utf-8")
                return str(operation.get("operationId", "an operation"))
    raise SystemExit(f"no operation of {spec} has an inline object response schema to change")


def _inline_json_response(operation: Any) -> dict[str, Any] | None:
    if not isinstance(operation, dict):
        return None
    response = operation.get("responses", {}).get("200", {})
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    if isinstance(schema, dict) and "$ref" not in schema and "properties" in schema:
        return schema
    return None


def section_validate(bench: Bench) -> None:
    spec = bench.require_github()

    def ours() -> Measured:
        log("specgen validate GitHub")
        # Cold, as the peer is: an empty cache folder, so no earlier run's result is read back.
        cache = bench.cache_args(bench.fresh("validate-cache"), "validate")
        return bench.run(bench.specgen("validate", spec, *cache), bench.specgen_env)

    def theirs() -> Measured:
        log("openapi-spec-validator validate() on GitHub")
        script = (
            "import json, sys\n"
            "from openapi_spec_validator import validate\n"
            "with open(sys.argv[1], encoding='utf-8') as file:\n"
            "    validate(json.load(file))\n"
        )
        return bench.run([str(bench.peers), "-c", script, str(spec)])

    mine, peer = alternate(bench, ours, theirs if bench.peers else None)
    bench.rows += ratio_rows("validate", "GitHub", mine, peer, "openapi-spec-validator")


#: Run in a fresh interpreter: import the package lazily (``Client`` only) or eagerly (every
#: model class touched), then optionally call one operation; prints the figures as JSON. Eagerly,
#: the models are every public name ``models`` lists and, if it is a package (a lazy layout may
#: list nothing until asked), every class of each of its modules.
IMPORT_PROBE = """
import importlib, json, pkgutil, resource, sys, time

def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

def model_classes(package):
    models = package.models
    found = {}
    modules = [models]
    for info in pkgutil.iter_modules(getattr(models, "__path__", [])):
        modules.append(importlib.import_module(f"{models.__name__}.{info.name}"))
    for module in modules:
        names = set(dir(module)) | set(getattr(module, "__all__", ()))
        for attribute in sorted(n for n in names if not n.startswith("_")):
            value = getattr(module, attribute)
            if isinstance(value, type) and value.__module__.startswith(package.__name__):
                found[id(value)] = value
    return list(found.values())

mode, name, method, body_file = sys.argv[1:5]
figures = {}
started = time.perf_counter()
package = importlib.import_module(name)
if mode == "eager":
    classes = model_classes(package)
    for value in classes:
        if getattr(value, "__pydantic_complete__", True) is False:
            value.model_rebuild()
    figures["classes"] = len(classes)
else:
    package.Client
figures["import_s"] = time.perf_counter() - started
figures["import_kb"] = peak_kb()
if method != "-":
    import httpx
    with open(body_file, "rb") as file:
        body = file.read()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=body, headers={"content-type": "application/json"}
        )
    )
    started = time.perf_counter()
    with package.Client(transport=transport) as client:
        result = getattr(client, method)()
    figures["call_s"] = time.perf_counter() - started
    figures["call_kb"] = peak_kb()
    figures["result"] = type(result).__name__
print(json.dumps(figures))
"""


def probe(
    bench: Bench, package: Path, mode: str, call: bool, body: Path, pyc: bool
) -> dict[str, Any]:
    """The probe's figures, medians of ``--repeat`` fresh interpreters."""
    env = {**os.environ, "PYTHONPATH": str(package.parent)}
    if not pyc:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    method = FIRST_CALL[2] if call else "-"
    # Through the small launcher (see measure): forked from this process, the probe's own peak
    # would start at this process's size.
    probe_command = [sys.executable, "-c", IMPORT_PROBE, mode, package.name, method, str(body)]
    command = [sys.executable, "-c", _LAUNCHER, os.devnull, *probe_command]
    runs = []
    for _ in range(bench.repeat):
        done = subprocess.run(
            command, cwd=bench.work, env=env, capture_output=True, text=True, timeout=bench.timeout
        )
        if done.returncode != 0:
            raise SystemExit(f"import probe ({mode}) failed:\n{done.stderr[-2000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    numbers = {key for key, value in runs[0].items() if isinstance(value, (int, float))}
    figures = {key: statistics.median(run[key] for run in runs) for key in numbers}
    return {**runs[0], **figures}


def example_body(spec: Path, path: str, method: str) -> bytes:
    """The JSON example of the operation's 200 response, ``$ref``s to examples followed."""
    document = json.loads(spec.read_text(encoding="utf-8"))
    media = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    examples = media.get("examples", {})
    example = next(iter(examples.values())) if examples else {"value": media.get("example")}
    while "$ref" in example:
        target: Any = document
        for part in example["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        example = target
    return json.dumps(example["value"]).encode()


def _clear_bytecode(folder: Path) -> None:
    for cache in folder.rglob("__pycache__"):
        shutil.rmtree(cache)


def section_import(bench: Bench) -> None:
    package = bench.github_package()
    spec = bench.require_github()
    body = bench.work / "first_call.json"
    body.write_bytes(example_body(spec, FIRST_CALL[0], FIRST_CALL[1]))
    for pyc in (False, True):
        label = ".pyc warm" if pyc else "no .pyc"
        if pyc:
            log("compiling the package's .pyc files")
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
        else:
            _clear_bytecode(package)
        log(f"import probes ({label})")
        eager = probe(bench, package, "eager", False, body, pyc)
        lazy = probe(bench, package, "lazy", True, body, pyc)
        bench.rows += import_rows(label, eager, lazy)


def import_rows(label: str, eager: dict[str, Any], lazy: dict[str, Any]) -> list[Row]:
    """Import and first call of the package against the eager import of its models."""
    eager_s, eager_mb = eager["import_s"], eager["import_kb"] / 1024
    import_mb = lazy["import_kb"] / 1024
    call_mb = lazy["call_kb"] / 1024 - import_mb
    call = f"first call {FIRST_CALL[2]} ({label})"
    eager_name = "eager models"
    return [
        Row("import", f"import + .Client ({label}): time", lazy["import_s"], "s", eager_s,
            eager_name, 0.1, note=f"eager: {eager['classes']} model classes touched"),
        Row("import", f"import + .Client ({label}): peak RSS", import_mb, "MB", eager_mb,
            eager_name, 0.1),
        Row("import", f"{call}: extra time", lazy["call_s"], "s", eager_s, eager_name, 0.2,
            note=f"returned {lazy['result']}"),
        Row("import", f"{call}: extra RSS", call_mb, "MB", eager_mb, eager_name, 0.2),
    ]  # fmt: skip


def section_mypy(bench: Bench) -> None:
    package = bench.github_package()
    log("mypy --strict on the generated GitHub package")
    ours = mypy(bench, sys.executable, package, "mypy-specgen")
    peer: Measured | None = None
    opc = bench.work / "opc"
    opc_packages = sorted(path.parent for path in opc.glob("*/__init__.py"))
    if bench.peers and opc_packages:
        log("mypy --strict on openapi-python-client's GitHub package (the peers' mypy)")
        peer = mypy(bench, bench.peers, opc_packages[0], "mypy-opc")
    elif bench.peers:
        log("no openapi-python-client output (the generate section was skipped): no peer mypy")
    note = f"specgen: {_verdict(ours)}"
    if peer is not None:
        note += f"; openapi-python-client: {_verdict(peer)}"
    peer_name = "openapi-python-client" if peer else ""
    bench.rows.append(
        Row("mypy", "mypy --strict GitHub: wall", ours.seconds, "s", note=note,
            peer=peer.seconds if peer else None, peer_name=peer_name)
    )  # fmt: skip
    bench.rows.append(
        Row("mypy", "mypy --strict GitHub: peak RSS", ours.rss_mb, "MB",
            peer=peer.rss_mb if peer else None, peer_name=peer_name)
    )  # fmt: skip


def mypy(bench: Bench, python: str, package: Path, cache: str) -> Measured:
    command = [python, "-m", "mypy", "--strict", "--no-incremental"]
    command += ["--cache-dir", str(bench.fresh(cache)), str(package)]
    return bench.run(command)


def _verdict(measured: Measured) -> str:
    if measured.ok:
        return "pass"
    errors = [line for line in measured.tail.splitlines() if line.startswith("Found ")]
    return "FAIL" + (f" ({errors[0]})" if errors else f" (exit {measured.returncode})")


def section_synth(bench: Bench) -> None:
    measured: dict[int, Measured] = {}
    for scale in bench.scales:
        measured[scale] = generate_synthetic(bench, scale)
    operations = {scale: scale * bench.base_ops for scale in measured}
    seconds = {scale: run.seconds / operations[scale] * 1000 for scale, run in measured.items()}
    kilobytes = {scale: run.rss_mb / operations[scale] * 1024 for scale, run in measured.items()}
    for scale, run in measured.items():
        note = f"{operations[scale]} ops: {_amount(run.seconds, 's')}, {run.rss_mb:.0f} MB"
        note += "" if run.ok else f", exit {run.returncode}"
        bench.rows.append(
            Row("synth", f"{scale}x: time per operation", seconds[scale], "ms", note=note)
        )
        bench.rows.append(Row("synth", f"{scale}x: peak RSS per operation", kilobytes[scale], "KB"))
    if len(measured) > 1:
        low, high = min(measured), max(measured)
        growth = f"growth {high}x / {low}x"
        bench.rows.append(
            Row("synth", f"{growth}: time per op", seconds[high], "ms", peer=seconds[low],
                peer_name=f"{low}x", target=1.25, aim=1.0, note="linear is 1.0")
        )  # fmt: skip
        bench.rows.append(
            Row("synth", f"{growth}: peak RSS per op", kilobytes[high], "KB", peer=kilobytes[low],
                peer_name=f"{low}x", target=1.25, aim=1.0, note="linear is 1.0")
        )  # fmt: skip


def generate_synthetic(bench: Bench, scale: int) -> Measured:
    """Cold ``specgen generate`` of a synthetic spec of ``scale`` times the 1x operations."""
    operations = scale * bench.base_ops
    folder = bench.fresh(f"synth-{scale}x")
    spec = synth_spec.write(operations, folder / "synthetic.json")
    out, cache = folder / "out", folder / "cache"
    cache.mkdir()
    log(f"specgen generate synthetic {scale}x ({operations} operations)")
    command = bench.specgen("generate", spec, "--out", out, *bench.cache_args(cache))
    measured = bench.run([*command, *SYNTH_LIMITS], bench.specgen_env)
    shutil.rmtree(folder)
    return measured


RUNNERS: dict[str, Callable[[Bench], None]] = {
    "generate": section_generate,
    "cache": section_cache,
    "validate": section_validate,
    "import": section_import,
    "mypy": section_mypy,
    "synth": section_synth,
}


# ---------------------------------------------------------------------------------------------
# Command line


def commands_with_cache() -> frozenset[str]:
    """Which of this checkout's ``specgen generate`` and ``validate`` take ``--cache-dir``."""
    found = set()
    for command in ("generate", "validate"):
        done = subprocess.run(
            [sys.executable, "-m", "generator", command, "--help"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        )
        if "--cache-dir" in done.stdout:
            found.add(command)
    return frozenset(found)


def _sections(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(SECTIONS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown section(s) {unknown}; known: {SECTIONS}")
    return names


def _scales(text: str) -> list[int]:
    try:
        scales = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("scales are integers, e.g. 1,4,16") from None
    if not scales or min(scales) < 1:
        raise argparse.ArgumentTypeError("scales are positive integers, e.g. 1,4,16")
    return scales


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--github", type=Path, help="GitHub's spec (default: the corpus's)")
    parser.add_argument(
        "--peers-python",
        default=os.environ.get("SPECGEN_PEERS_PYTHON"),
        help="interpreter with the peers (default: $SPECGEN_PEERS_PYTHON; none: no peer rows)",
    )
    parser.add_argument("--skip", type=_sections, default=[], help=f"sections to skip: {SECTIONS}")
    parser.add_argument("--scales", type=_scales, default=[1, 4, 16], help="default 1,4,16")
    parser.add_argument("--base-ops", type=int, default=GITHUB_OPERATIONS, help="1x operations")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (median)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per command")
    parser.add_argument("--json", type=Path, help="also save the figures to this file")
    return parser.parse_args(argv)


def github_path(args: argparse.Namespace, sections: list[str]) -> Path | None:
    if args.github is not None:
        given: Path = args.github
        return given.resolve()
    if sections == ["synth"]:
        return None
    try:
        return corpus.github_spec()
    except FileNotFoundError as error:
        raise SystemExit(f"bench_scale: {error}") from None


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sections = [name for name in SECTIONS if name not in args.skip]
    if not args.peers_python:
        log("no --peers-python (or $SPECGEN_PEERS_PYTHON): peer rows are skipped")
    with tempfile.TemporaryDirectory(prefix="specgen-scale-") as folder:
        bench = Bench(
            work=Path(folder),
            github=github_path(args, sections),
            peers=args.peers_python,
            repeat=max(1, args.repeat),
            timeout=args.timeout,
            scales=args.scales,
            base_ops=args.base_ops,
            cached=commands_with_cache(),
        )
        if not bench.has_cache:
            log("specgen generate has no --cache-dir: the cache rows are n/a")
        for name in sections:
            started = time.perf_counter()
            RUNNERS[name](bench)
            log(f"{name} done in {time.perf_counter() - started:.0f} s")
    print(format_table(bench.rows))
    if args.json:
        rows = [{**asdict(row), "ratio": row.ratio, "verdict": row.verdict} for row in bench.rows]
        figures = {"python": sys.version.split()[0], "sections": sections, "rows": rows}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
