"""Helpers for tests that generate a package from a spec they build, then run code against it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

#: A spec of hostile names, quotes and every kind of credential, relative to the repository.
HOSTILE_SPEC = Path("tests/hostile/generate/hostile.yaml")


def models_spec(title: str, schemas: dict[str, Any]) -> dict[str, Any]:
    """A spec with no operations, only component ``schemas``: what model generation sees."""
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def write_spec(folder: Path, name: str, spec: dict[str, Any]) -> Path:
    """Write ``spec`` as ``folder/<name>.json`` (JSON keeps any character exactly)."""
    path = folder / f"{name}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def run_in(
    folder: Path, code: str, given: Any, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter inside ``folder``, ``given`` as JSON on standard input.

    A fresh process keeps what the generated code does (a canary firing, a hang) out of pytest's, and
    the timeout turns a hang into a failure.
    """
    return subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(given),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def mypy_strict(*packages: Path) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` on generated packages, without a cache (each run checks afresh)."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *map(str, packages)],
        capture_output=True,
        text=True,
        timeout=1800,
    )


def generate_and_import(out_parent: Path, spec: Path, package: str = "gen") -> object:
    """Generate ``spec`` into ``out_parent/<package>`` and import the client package from there."""
    import importlib
    import sys

    from generator.api import generate

    result = generate([spec], out_parent / package)
    assert not result.blocked, [str(f) for r in result.reports for f in r.findings]
    sys.path.insert(0, str(out_parent))
    try:
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]
        return importlib.import_module(f"{package}.{spec.stem}")
    finally:
        sys.path.remove(str(out_parent))
