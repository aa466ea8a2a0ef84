"""Stoplight Prism as a local HTTP mock server for the test suite.

Prism (the npm package ``@stoplight/prism-cli``, pinned in ``package.json`` and
``package-lock.json`` at the repository root) serves an OpenAPI document as a mock API: it
validates each request against the spec and answers with the spec's examples.

:func:`ensure_prism` installs it with ``npm ci`` when needed, and :func:`serve` runs it for one
spec on ``127.0.0.1``::

    with serve(SPECS / "anon.yaml") as base_url:
        httpx.get(f"{base_url}/jobs/{job_id}")

Prism serves each operation at its path *without* the server's base path: ``/jobs/{jobId}``, not
``/api/v2/jobs/{jobId}``. Responses can be steered with the ``Prefer`` request header:
``Prefer: example=<name>``, ``Prefer: code=404`` or ``Prefer: dynamic=true``. A request that
violates the spec gets ``401`` (missing credential) or ``422`` (invalid parameter); see
:func:`serve` for what ``--errors`` adds. Prism takes about 1.5 s to start.

Missing Node.js tooling is an error, not a reason to skip: CI must exercise Prism. This module
is POSIX-only (it uses ``fcntl`` and process groups).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.limits import lift_memory_limit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_LOCK = ROOT / "package-lock.json"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
# npm writes this copy of the lock file at the end of every successful install.
INSTALL_MARKER = ROOT / "node_modules" / ".package-lock.json"

START_TIMEOUT = 60.0
"""Seconds to wait for Prism to report that it is listening."""

_LISTENING = re.compile(rb"Prism is listening on (http://127\.0\.0\.1:\d+)")

# Turns off Scarf's install-time analytics (a dependency of prism-cli), npm's update check and
# colour codes in Prism's log. Prism itself has no telemetry or update check to turn off.
_QUIET_ENV = {
    "DO_NOT_TRACK": "1",
    "SCARF_ANALYTICS": "false",
    "NPM_CONFIG_UPDATE_NOTIFIER": "false",
    "NO_COLOR": "1",
    "FORCE_COLOR": "0",
}


def _environment() -> dict[str, str]:
    return {**os.environ, **_QUIET_ENV}


def _installed() -> bool:
    """Whether ``node_modules`` holds every pinned tool, installed since the lock file changed."""
    if not (PRISM.exists() and INSTALL_MARKER.exists()):
        return False
    # `npm install --package-lock-only` refreshes the marker without installing: check the tools too.
    wanted = json.loads((ROOT / "package.json").read_text(encoding="utf-8")).get(
        "devDependencies", {}
    )
    if any(not (ROOT / "node_modules" / name / "package.json").exists() for name in wanted):
        return False
    return INSTALL_MARKER.stat().st_mtime >= PACKAGE_LOCK.stat().st_mtime


def ensure_prism() -> Path:
    """Return the path of the ``prism`` executable, installing it with ``npm ci`` if needed.

    ``npm ci`` runs when Prism is not installed yet or ``package-lock.json`` is newer than the
    last install. Install scripts are not run: Prism needs none, and the only one in its tree
    (Scarf's) reports usage over the network. Concurrent callers (e.g. pytest-xdist workers)
    wait on a lock, so only one of them installs.

    Raises:
        RuntimeError: npm is not on ``PATH``, or ``npm ci`` failed.
    """
    if _installed():
        return PRISM
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is not on PATH: install Node.js and npm to run the Prism mock-server tests "
            f"(they run `npm ci` in {ROOT})."
        )
    with PACKAGE_LOCK.open("rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed():  # Another process installed it while we waited.
            return PRISM
        command = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
        try:
            result = subprocess.run(
                command,
                cwd=ROOT,
                env=_environment(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
                preexec_fn=lift_memory_limit,
            )
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(f"`{' '.join(command)}` timed out after 600 s in {ROOT}") from error
        if result.returncode != 0 or not PRISM.exists():
            raise RuntimeError(
                f"`{' '.join(command)}` failed in {ROOT} (exit code {result.returncode}):\n"
                f"{result.stdout}{result.stderr}"
            )
    return PRISM


@contextmanager
def serve(spec: Path, *, errors: bool = True) -> Iterator[str]:
    """Run ``prism mock`` for ``spec`` on 127.0.0.1 and yield its base URL.

    The server listens on a free port chosen by the operating system and is stopped, with any
    child processes, when the ``with`` block exits.

    Args:
        spec: The OpenAPI document to serve.
        errors: Pass ``--errors``: a response that violates the spec (an example or generated
            body not matching its schema) becomes a ``500`` problem+json listing the violations,
            instead of being sent as it is with the violations in an ``sl-violations`` header.
            Requests that violate the spec are rejected either way: ``401`` for a missing
            credential, ``422`` for a parameter outside its schema (unless the spec defines
            such a response, which Prism then sends).

    Yields:
        The base URL, such as ``"http://127.0.0.1:41234"``. Operations are served at their paths
        without the spec's server base path.

    Raises:
        RuntimeError: Prism could not be installed, exited, or did not report that it is
            listening within :data:`START_TIMEOUT` seconds. The message includes its output.
    """
    prism = ensure_prism()
    command = [str(prism), "mock", str(Path(spec).resolve()), "--host", "127.0.0.1", "--port", "0"]
    if errors:
        command.append("--errors")
    # Prism's log goes to a file rather than a pipe, so it can never fill up and block Prism.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Its own process group, stopped as a whole below.
            preexec_fn=lift_memory_limit,
        )
        try:
            yield _wait_until_listening(process, log.fileno(), spec)
        finally:
            _stop(process)


def _output(log_fd: int) -> bytes:
    """Everything Prism has logged so far (read without moving the shared file offset)."""
    return os.pread(log_fd, os.fstat(log_fd).st_size, 0)


def _wait_until_listening(process: subprocess.Popen[bytes], log_fd: int, spec: Path) -> str:
    """Wait for Prism's "Prism is listening on <url>" line and return the URL."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        output = _output(log_fd)
        if match := _LISTENING.search(output):
            return match.group(1).decode()
        if process.poll() is not None:
            problem = f"exited with code {process.returncode}"
        elif time.monotonic() > deadline:
            problem = f"did not start listening within {START_TIMEOUT:g} s"
        else:
            time.sleep(0.05)
            continue
        raise RuntimeError(
            f"Prism {problem} for {spec}. Its output:\n{output.decode(errors='replace')}"
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop Prism's process group: SIGTERM, then SIGKILL if Prism has not exited after 10 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):  # Already gone.
            os.killpg(process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10.0)
            return
