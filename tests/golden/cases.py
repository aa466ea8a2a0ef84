"""The CLI runs whose every byte of output is pinned under ``tests/golden/outputs/``.

Each case is one ``specgen`` command over the shipped specs, recordings and hostile inputs. What it
prints, its exit code and every file it writes are kept, so a refactoring that changes any of it
fails ``test_golden.py``. After a change of output that is meant, re-record with
``python -m tests.golden.record`` and review the diff of ``tests/golden/outputs/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = Path(__file__).resolve().parent / "outputs"
#: Stands for the case's own output folder in the arguments and in what is recorded.
OUT = "<OUT>"

APIS = ("altostrat", "alteryx", "anon", "sitehost", "elasticpath")
HOSTILE_SPECS = (
    "tests/hostile/spec/callback-cycle/spec.yaml",
    "tests/hostile/spec/callback-fanout/spec.yaml",
    "tests/hostile/check/hostile.yaml",
    "tests/hostile/generate/hostile.yaml",
)


@dataclass(frozen=True)
class Case:
    """One command: its name (the golden file's stem) and its arguments after ``specgen``."""

    name: str
    args: tuple[str, ...]


def _cases() -> list[Case]:
    cases = [
        Case("validate-specs-text", ("validate",)),
        Case("validate-specs-json", ("validate", "--format", "json")),
        Case("validate-specs-strict", ("validate", "--strict")),
        Case("generate-specs", ("generate", "specs", "--out", f"{OUT}/gen")),
        Case("bundle-specs-json", ("bundle", "specs", "--out", f"{OUT}/bundle")),
        Case(
            "bundle-specs-yaml", ("bundle", "specs", "--out", f"{OUT}/bundle", "--format", "yaml")
        ),
    ]
    for spec in HOSTILE_SPECS:
        stem = spec.replace("/", "-").removesuffix(".yaml")
        cases += [
            Case(f"validate-{stem}", ("validate", spec, "--format", "json")),
            Case(f"generate-{stem}", ("generate", spec, "--out", f"{OUT}/gen")),
            Case(f"bundle-{stem}", ("bundle", spec, "--out", f"{OUT}/bundle")),
        ]
    for api in APIS:
        for kind in ("har", "json", "jsonl"):
            recording = f"tests/recordings/{api}/{api}.{kind}"
            for fmt in ("text", "json", "junit", "html"):
                args = ("check", recording, "--spec", f"specs/{api}.yaml", "--format", fmt)
                cases.append(Case(f"check-{api}-{kind}-{fmt}", args))
        cases.append(Case(f"check-{api}-all-specs", ("check", f"tests/recordings/{api}")))
    for old, new in zip(APIS, APIS[1:] + APIS[:1], strict=True):
        for fmt in ("text", "json", "markdown"):
            args = ("diff", f"specs/{old}.yaml", f"specs/{new}.yaml", "--format", fmt)
            cases.append(Case(f"diff-{old}-{new}-{fmt}", args))
    cases.append(
        Case(
            "diff-fail-on",
            ("diff", "specs/anon.yaml", "specs/sitehost.yaml", "--fail-on", "breaking"),
        )
    )
    cases.append(Case("diff-self", ("diff", "specs/anon.yaml", "specs/anon.yaml")))
    return cases


CASES = _cases()


def run(case: Case, out: Path) -> str:
    """Run ``case`` with its output folder at ``out``; everything it printed and wrote, as text."""
    args = [arg.replace(OUT, str(out)) for arg in case.args]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    parts = [
        f"$ specgen {' '.join(case.args)}",
        f"exit {done.returncode}",
        "--- stdout",
        done.stdout,
        "--- stderr",
        done.stderr,
    ]
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        if path.name == ".specgen-manifest.json":
            text = _rooted_manifest(path, text)
        parts += [f"--- file {path.relative_to(out).as_posix()}", text]
    return "\n".join(parts).replace(str(out), OUT)


def _rooted_manifest(path: Path, text: str) -> str:
    # The manifest names each spec relative to the output folder, which sits somewhere different in
    # every run; name it relative to the repository instead, keeping the rest byte for byte.
    manifest = json.loads(text)
    for package in manifest.get("packages", {}).values():
        spec = (path.parent / package["spec"]).resolve()
        package["spec"] = spec.relative_to(ROOT).as_posix()
    return json.dumps(manifest, indent=2, sort_keys=True)
