"""The progress display: the stages of a run on a terminal, nothing when output is piped."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from generator import api
from generator.progress import StageDisplay
from tests.commands import specgen
from tests.specs import MINIMAL_SPEC, write


def test_a_terminal_sees_each_stage_of_generate(tmp_path: Path) -> None:
    screen = io.StringIO()
    spec = write(tmp_path, "jobs.yaml", MINIMAL_SPEC)
    with StageDisplay(Console(file=screen, force_terminal=True, width=100), delay=0) as display:
        api.generate(
            [spec, write(tmp_path, "more.yaml", MINIMAL_SPEC)], tmp_path / "out", progress=display
        )

    shown = screen.getvalue()
    for stage in (
        "loading 1/2",
        "validating 2/2",
        "models 1/2",
        "clients 2/2",
        "formatting",
        "checking",
        "writing",
    ):
        assert stage in shown


def test_a_quick_run_shows_nothing(tmp_path: Path) -> None:
    screen = io.StringIO()
    with StageDisplay(Console(file=screen, force_terminal=True), delay=60) as display:
        api.validate([write(tmp_path, "jobs.yaml", MINIMAL_SPEC)], progress=display)
    assert screen.getvalue() == ""


def test_piped_and_quiet_runs_print_only_their_results(tmp_path: Path) -> None:
    spec = write(tmp_path, "jobs.yaml", MINIMAL_SPEC)
    for quiet in ([], ["--quiet"]):
        result = specgen("generate", spec, "--out", tmp_path / "out", *quiet)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
