"""Run the CLI on hostile input with a deadline and a memory ceiling, so a hang or a bomb fails fast.

A test of a hang or a memory bomb must not itself hang or eat the CI machine when the bug comes
back: the command runs in a subprocess under ``RLIMIT_AS`` and a timeout, and either outcome is a
plain test failure.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.commands import specgen

#: Address space a specgen run may map: its imports take a few hundred MB, a bomb takes gigabytes.
MEMORY_BYTES = 2 * 1024**3


def bounded_specgen(
    *args: str | Path, cwd: Path, seconds: float = 60
) -> subprocess.CompletedProcess[str]:
    """``specgen ARGS`` in ``cwd``; fails the test if it runs past ``seconds``."""
    try:
        return specgen(*args, cwd=cwd, timeout=seconds, memory=MEMORY_BYTES)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"specgen {' '.join(map(str, args))} ran past {seconds}s") from None
