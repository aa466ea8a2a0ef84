"""The package itself stays lint-clean, formatted and strictly typed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.paths import ROOT

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "generator", "tests"],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "generator", "tests"],
    "mypy --strict": [sys.executable, "-m", "mypy", "--strict", "generator"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_tool_is_clean(name: str) -> None:
    result = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{name} found problems:\n{result.stdout}{result.stderr}"
