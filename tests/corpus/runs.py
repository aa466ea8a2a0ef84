"""What a corpus test asks of a specgen run: no crash, and a refusal located in the spec."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

#: An error finding as specgen prints it: ``path:line:col: rule: error: message``.
_FINDING = re.compile(r"^.+?:(?P<line>\d+):(?P<col>\d+): [\w.-]+: error: ", re.MULTILINE)
#: How much of a run's output an assertion message shows.
_SHOWN = 3000


def shown(run: subprocess.CompletedProcess[str]) -> str:
    """The command and what it printed, cut to a readable length, for assertion messages."""
    output = (run.stdout + run.stderr).strip()
    if len(output) > _SHOWN:
        output = output[: _SHOWN // 2] + "\n[...]\n" + output[-_SHOWN // 2 :]
    return f"$ {' '.join(map(str, run.args))}\nexit code {run.returncode}\n{output}"


def assert_no_crash(run: subprocess.CompletedProcess[str]) -> None:
    """No traceback, no "internal error", and an exit code specgen documents (0, 1 or 2)."""
    output = run.stdout + run.stderr
    assert run.returncode in (0, 1, 2), shown(run)
    assert "Traceback (most recent call last)" not in output, shown(run)
    assert "internal error" not in output.lower(), shown(run)
    assert not re.search(r"\binternal: ", output), shown(run)  # specgen's broken invariants


def assert_located_refusal(run: subprocess.CompletedProcess[str]) -> None:
    """A failed run says why with findings at their place in the spec: ``file:line:col``, not ``1:1``."""
    findings = list(_FINDING.finditer(run.stdout + run.stderr))
    assert findings, f"a refusal without a located finding:\n{shown(run)}"
    unlocated = [m[0] for m in findings if (m["line"], m["col"]) == ("1", "1")]
    assert not unlocated, f"findings at 1:1 {unlocated}:\n{shown(run)}"


def import_packages(out: Path) -> subprocess.CompletedProcess[str]:
    """Import every package generated into ``out`` in a fresh interpreter (run from its parent)."""
    packages = sorted(init.parent.name for init in out.glob("*/__init__.py"))
    assert packages, f"nothing was generated into {out}"
    code = "; ".join(f"import {out.name}.{name}" for name in packages)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=out.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
