"""Run the CLI on hostile input with a deadline and a memory ceiling, so a hang or a bomb fails fast.

A test of a hang or a memory bomb must not itself hang or eat the CI machine when the bug comes
back: the command runs in a subprocess under ``RLIMIT_AS`` and a timeout, and either outcome is a
plain test failure.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

#: Address space a specgen run may map: its imports take a few hundred MB, a bomb takes gigabytes.
MEMORY_BYTES = 2 * 1024**3


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def bounded_specgen(
    *args: str | Path, cwd: Path, seconds: float = 60
) -> subprocess.CompletedProcess[str]:
    """``specgen ARGS`` in ``cwd``; fails the test if it runs past ``seconds``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        return subprocess.run(
            [sys.executable, "-m", "generator", *map(str, args)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"specgen {' '.join(map(str, args))} ran past {seconds}s") from None
