"""Shared fixtures: the repository's paths and the shipped specs, loaded once per session."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.check.conformance import Conformance
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec
from tests.limits import limit_memory

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SAMPLES = Path(__file__).resolve().parent / "samples"
SPEC_NAMES = ("altostrat", "alteryx", "anon", "sitehost", "elasticpath")


def pytest_configure(config: pytest.Config) -> None:
    # A memory bomb must fail its test, not the machine: see tests/limits.py.
    limit_memory()


_loaded: dict[str, LoadedSpec] = {}
_conformance: dict[str, Conformance] = {}


def shipped_spec(name: str) -> LoadedSpec:
    """The shipped spec ``specs/<name>.yaml``, loaded once per test session."""
    if name not in _loaded:
        _loaded[name] = load_spec(SPECS / f"{name}.yaml")
    return _loaded[name]


def shipped_conformance(name: str) -> Conformance:
    """A :class:`Conformance` for a shipped spec, shared so validators compile once."""
    if name not in _conformance:
        _conformance[name] = Conformance(shipped_spec(name))
    return _conformance[name]


@pytest.fixture
def tmp_spec_dir(tmp_path: Path) -> Path:
    """An empty folder to write specs into, with the working directory set to it."""
    return tmp_path


MINIMAL_SPEC = """\
openapi: 3.1.0
info: {title: Jobs, version: "1"}
servers:
  - url: https://api.example.test/v1
paths:
  /jobs/{jobId}:
    get:
      operationId: getJob
      parameters:
        - {name: jobId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Job"}
components:
  schemas:
    Job:
      type: object
      required: [id]
      properties:
        id: {type: string, format: uuid}
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name`` (creating sub-folders) and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


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


def specgen(
    *args: str | Path, cwd: Path = ROOT, timeout: float = 300, memory: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI the way a user does (``python -m generator``) and capture what it prints.

    ``memory`` caps the run's address space (bytes), for tests of memory bombs.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=None if memory is None else functools.partial(limit_memory, memory),
    )
