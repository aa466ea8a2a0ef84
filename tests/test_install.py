"""specgen laid out as an installed wheel (templates inside the package) finds them and works.

pyproject.toml installs the repository's templates/ as ``generator/templates``; this test builds
that layout by hand (no build backend or network needed) and runs the CLI from it, far from any
checkout, so a lookup that only works in a checkout fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT, SPECS


def test_an_installed_layout_generates_and_reports(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(
        ROOT / "generator", site / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "templates", site / "generator" / "templates")
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = [sys.executable, "-m", "generator"]
    generated = subprocess.run(
        [*run, "generate", str(SPECS / "anon.yaml"), "--out", "out"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stderr
    assert (work / "out" / "anon" / "client.py").is_file()
    recording = ROOT / "tests" / "recordings" / "anon" / "anon.jsonl"
    report = subprocess.run(
        [
            *run,
            "check",
            str(recording),
            "--spec",
            str(SPECS / "anon.yaml"),
            "--format",
            "html",
            "-o",
            "report.html",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.returncode == 1, report.stderr
    assert "Traceback" not in report.stderr
    assert "<html" in (work / "report.html").read_text()
