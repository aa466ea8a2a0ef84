"""Real third-party consumers of specgen's bundles, run the way their users run them.

Three tools read what ``specgen bundle`` writes:

- **openapi-typescript** (npm, pinned in ``package.json``) turns ``<name>.openapi.json`` into
  TypeScript types, and **tsc** (npm ``typescript``, pinned too) type-checks code that uses them.
  :func:`ensure_node_tools` installs them with ``npm ci`` when needed, as
  :func:`tests.prism.ensure_prism` does for Prism.
- **OpenAPI Generator** (PyPI ``openapi-generator-cli``, which ships the generator's jar inside
  the wheel: nothing is downloaded when it runs) validates bundles and generates clients. It runs
  on the machine's Java (11 or newer).

Every helper returns a :class:`Run` whose ``str()`` is the command and everything it printed, so
an assertion can show the tool's own words::

    run = openapi_typescript(bundle, out / "anon.openapi.ts")
    assert run.ok, run

Missing tooling (npm, Java, the PyPI package) is an error, not a reason to skip: CI must run
these consumers.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.limits import lift_memory_limit
from tests.prism import PRISM, ROOT, ensure_prism

NODE_BIN = ROOT / "node_modules" / ".bin"
OPENAPI_TYPESCRIPT = NODE_BIN / "openapi-typescript"
TSC = NODE_BIN / "tsc"
NODE_TOOLS = (OPENAPI_TYPESCRIPT, TSC, PRISM)
"""What ``npm ci`` installs from ``package.json``; Prism is :mod:`tests.prism`'s."""

TIMEOUT = 600.0
"""Seconds any one tool run may take before it counts as hung."""

# No colour codes in tools' output (it is shown in assertion messages), no update checks, no
# install-time analytics (see tests/prism.py).
_QUIET_ENV = {
    "NO_COLOR": "1",
    "FORCE_COLOR": "0",
    "NPM_CONFIG_UPDATE_NOTIFIER": "false",
    "DO_NOT_TRACK": "1",
    "SCARF_ANALYTICS": "false",
}

TSC_OPTIONS: dict[str, object] = {
    "strict": True,
    "noEmit": True,
    "target": "es2022",
    "module": "esnext",
    "moduleResolution": "bundler",
    "lib": ["es2022"],
    # Only what the checked files import: no ambient @types packages from node_modules (Prism's
    # dependencies bring some), so the result cannot depend on what else is installed.
    "types": [],
}
"""Compiler options of :func:`typecheck`: ``tsc --noEmit --strict`` for modern ECMAScript."""


@dataclass(frozen=True)
class Run:
    """A finished tool run: its command, exit code and output (stdout and stderr, interleaved)."""

    command: tuple[str, ...]
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        """Whether the tool exited with code 0."""
        return self.returncode == 0

    def __str__(self) -> str:
        command = shlex.join(self.command)
        return f"`{command}` exited with code {self.returncode}; its output:\n{self.output}"


def run(command: Sequence[str | Path], *, cwd: Path = ROOT, timeout: float = TIMEOUT) -> Run:
    """Run ``command`` with no standard input, capturing what it prints.

    Raises:
        RuntimeError: the command did not finish within ``timeout`` seconds.
    """
    argv = tuple(str(part) for part in command)
    try:
        result = subprocess.run(
            argv,
            cwd=cwd,
            env={**os.environ, **_QUIET_ENV},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
            preexec_fn=lift_memory_limit,
        )
    except subprocess.TimeoutExpired as error:
        output = error.output or b""  # Bytes on POSIX, whatever `text` says.
        if isinstance(output, bytes):
            output = output.decode(errors="replace")
        raise RuntimeError(
            f"`{shlex.join(argv)}` timed out after {timeout:g} s; its output:\n{output}"
        ) from error
    return Run(argv, result.returncode, result.stdout)


# -- Node: openapi-typescript and tsc ------------------------------------------------------------


def ensure_node_tools() -> None:
    """Install the pinned Node tools (``npm ci``) unless they are installed and up to date.

    :func:`tests.prism.ensure_prism` installs every devDependency of package.json, these tools
    included; this only checks that the ones the bundle tests run are there.

    Raises:
        RuntimeError: npm is not on ``PATH``, ``npm ci`` failed, or it did not install every tool.
    """
    ensure_prism()
    missing = [tool.name for tool in NODE_TOOLS if not tool.exists()]
    if missing:
        raise RuntimeError(
            f"`npm ci` in {ROOT} did not install {', '.join(missing)}: package.json and "
            "package-lock.json must pin them as devDependencies."
        )


def openapi_typescript(spec: Path, out: Path) -> Run:
    """``openapi-typescript SPEC -o OUT``: TypeScript types (``paths``, ``components``, ...)."""
    ensure_node_tools()
    return run([OPENAPI_TYPESCRIPT, spec, "--output", out], cwd=out.parent)


def typecheck(folder: Path, files: Sequence[str], *, dom: bool = False) -> Run:
    """Type-check ``files`` (relative to ``folder``) with ``tsc --noEmit --strict``.

    The options (:data:`TSC_OPTIONS`) are written to ``folder/tsconfig.json``, so the folder can
    be checked again by hand with ``npx tsc -p <folder>``.

    Args:
        folder: Where the files are; the ``tsconfig.json`` is written there.
        files: The entry points; what they import is checked too.
        dom: Add the browser's ``fetch`` API types (``lib: dom``), which generated HTTP clients use.
    """
    ensure_node_tools()
    options = dict(TSC_OPTIONS)
    if dom:
        options["lib"] = ["es2022", "dom"]
    config = {"compilerOptions": options, "files": list(files)}
    (folder / "tsconfig.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return run([TSC, "--project", folder / "tsconfig.json", "--pretty", "false"], cwd=folder)


# -- Java: OpenAPI Generator ----------------------------------------------------------------------


def openapi_generator_jar() -> Path:
    """The OpenAPI Generator jar that the ``openapi-generator-cli`` wheel ships.

    Raises:
        RuntimeError: the package is not installed, or its jar is missing (a wheel that would
            download the jar at run time, which these tests must not do).
    """
    try:
        package = importlib.resources.files("openapi_generator_cli")
    except ModuleNotFoundError as error:
        raise RuntimeError(
            "The PyPI package openapi-generator-cli is not installed: install the test extra "
            "(`python -m pip install -e '.[test]'`)."
        ) from error
    jar = Path(str(package / "openapi-generator.jar"))
    if not jar.is_file():
        raise RuntimeError(f"openapi-generator-cli ships no jar at {jar}")
    return jar


def java() -> str:
    """The ``java`` executable on ``PATH``.

    Raises:
        RuntimeError: there is none.
    """
    found = shutil.which("java")
    if found is None:
        raise RuntimeError(
            "java is not on PATH: OpenAPI Generator needs a Java 11+ runtime "
            "(e.g. Debian's openjdk-17-jre-headless)."
        )
    return found


JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1",)
"""The JVM's quick compiler only: a run of a few seconds starts about 25% sooner."""


def openapi_generator(*args: str | Path, cwd: Path = ROOT) -> Run:
    """``openapi-generator-cli ARGS...``, with the wheel's jar on the machine's Java.

    The jar is run directly rather than through the package's ``openapi-generator-cli`` script,
    which prints to the terminal instead of returning the output.
    """
    return run([java(), *JAVA_OPTIONS, "-jar", openapi_generator_jar(), *args], cwd=cwd)
