"""Running the ``specgen`` command line the way a user does, from tests."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

from tests.limits import limit_memory
from tests.paths import ROOT


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
