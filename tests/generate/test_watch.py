"""`specgen generate --watch`, end to end: a real process, real edits, Ctrl-C.

Each step edits a file, then waits (with a generous deadline) for what the process prints or
writes; the process is idle between steps (it has said it is watching again), so that no step
depends on how fast the machine is.
"""

from __future__ import annotations

import _thread
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from watchfiles import Change

from generator.spec.limits import SpecLimits
from generator.watch import QUIET_MS, plan, watch
from tests.commands import specgen
from tests.paths import ROOT
from tests.specs import MINIMAL_SPEC

#: How long one step may take on a loaded machine.
DEADLINE = 60.0
WATCHING = "watching for changes"

#: MINIMAL_SPEC with its schema in a file of its own (a spec split over two files).
SPLIT_SPEC = MINIMAL_SPEC[: MINIMAL_SPEC.index("components:")] + (
    "components:\n  schemas:\n    Job: {$ref: 'parts/job.yaml'}\n"
)
JOB = "type: object\nrequired: [id]\nproperties:\n  id: {type: string, format: uuid}\n"


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Watching:
    """A running ``specgen generate --watch`` and everything it has printed so far."""

    def __init__(self, *args: str | Path, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "generate", *map(str, args), "--watch"],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # As a terminal starts it: a shell starting a job in the background has it ignore
            # SIGINT (and Python then keeps ignoring it), which is not what Ctrl-C meets.
            preexec_fn=_default_sigint,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        self.readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.stdout)),
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr)),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str], lines: list[str]) -> None:
        lines.extend(stream)  # list.extend of a stream appends line by line, as they come

    def runs(self) -> int:
        """How many runs have finished (each ends by saying it watches again)."""
        return sum(WATCHING in line for line in list(self.stdout))

    def wait_for(self, what: str, done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + DEADLINE
        while not done():
            assert self.process.poll() is None, f"exited while waiting for {what}:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {what} in {DEADLINE}s:\n{self.text()}"
            time.sleep(0.1)

    def next_run(self, runs: int) -> None:
        """Wait until run number ``runs + 1`` is over."""
        self.wait_for(f"run {runs + 1}", lambda: self.runs() > runs)

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=DEADLINE)
        for reader in self.readers:
            reader.join(timeout=DEADLINE)
        return code

    def text(self) -> str:
        return "".join(self.stdout) + "--- stderr ---\n" + "".join(self.stderr)


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Watching]:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "job.yaml").write_text(JOB)
    (tmp_path / "jobs.yaml").write_text(SPLIT_SPEC)
    process = Watching("jobs.yaml", "--out", "out", "--no-cache", cwd=tmp_path)
    yield process
    if process.process.poll() is None:
        process.process.kill()
        process.process.wait()


def test_watch_regenerates_on_every_edit_survives_bad_ones_and_stops_on_ctrl_c(
    tmp_path: Path, watching: Watching
) -> None:
    spec, part = tmp_path / "jobs.yaml", tmp_path / "parts" / "job.yaml"
    client, models = tmp_path / "out/jobs/client.py", tmp_path / "out/jobs/models.py"
    watching.next_run(0)
    assert client.is_file() and models.is_file(), watching.text()

    # An edit of the spec: the client says what the operation now says.
    spec.write_text(
        SPLIT_SPEC.replace(
            "operationId: getJob", "operationId: getJob\n      description: Fetch one job."
        )
    )
    watching.wait_for("the new description", lambda: "Fetch one job." in client.read_text())
    watching.next_run(1)
    assert "changed: jobs.yaml\n" in watching.stdout

    # A broken edit: reported, nothing half-written, still watching.
    errors = len(watching.stderr)
    spec.write_text("openapi: [\n")
    watching.next_run(2)
    assert any(line.startswith("jobs.yaml:") for line in watching.stderr[errors:]), watching.text()
    assert "Fetch one job." in client.read_text()

    # Fixed: generated again.
    spec.write_text(
        SPLIT_SPEC.replace(
            "operationId: getJob", "operationId: getJob\n      description: Fetch it again."
        )
    )
    watching.wait_for("the fixed spec's output", lambda: "Fetch it again." in client.read_text())
    watching.next_run(3)

    # An edit of the file the spec $refs: the model gains the field.
    part.write_text(JOB + "  title: {type: string}\n")
    watching.wait_for("the new field", lambda: "title" in models.read_text())
    watching.next_run(4)
    assert f"changed: {Path('parts/job.yaml')}\n" in watching.stdout

    assert watching.interrupt() == 130
    assert "Traceback" not in "".join(watching.stderr), watching.text()
    assert watching.stderr[-1].startswith("specgen: "), watching.text()


def test_watch_and_check_together_are_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "jobs.yaml").write_text(MINIMAL_SPEC)
    result = specgen("generate", "jobs.yaml", "--watch", "--check", cwd=tmp_path)
    assert result.returncode == 2
    assert not (tmp_path / "generated").exists()


def test_what_is_watched_is_what_a_run_reads(tmp_path: Path) -> None:
    specs, templates = tmp_path / "specs", tmp_path / "templates"
    (specs / "parts").mkdir(parents=True)
    (templates / "python").mkdir(parents=True)
    (specs / "parts" / "job.yaml").write_text(JOB)
    (tmp_path / "outside.yaml").write_text(JOB)
    spec = specs / "jobs.yaml"
    spec.write_text(SPLIT_SPEC + "    Other: {$ref: '../outside.yaml'}\n")
    out = specs / "out"

    watched = plan([spec], out, templates, SpecLimits())

    # The spec and the file it $refs; not the file outside its folder, which loading refuses.
    assert watched.files == {spec.resolve(), (specs / "parts" / "job.yaml").resolve()}
    assert watched.dirs() == {
        specs.resolve(),
        (specs / "parts").resolve(),
        templates.resolve(),
        (templates / "python").resolve(),
    }
    wanted = {
        "specs/parts/job.yaml": True,
        "templates/python/client.py.jinja": True,
        "specs/notes.txt": False,
        "specs/other.yaml": False,  # a spec that was not named
        "specs/out/jobs/client.py": False,
        "outside.yaml": False,
    }
    for name, wants in wanted.items():
        path = str(tmp_path.resolve() / name)
        assert watched.wants(Change.modified, path) is wants, name

    # A folder named as a target: a spec that appears in it is a change.
    assert plan([specs], out, None, SpecLimits()).wants(
        Change.added, str(specs.resolve() / "new.yaml")
    )

    # A broken edit: the spec alone is watched, until it loads again.
    spec.write_text("openapi: [\n")
    assert plan([spec], out, None, SpecLimits()).files == {spec.resolve()}


def test_a_burst_of_saves_is_one_run(tmp_path: Path) -> None:
    spec = tmp_path / "jobs.yaml"
    spec.write_text(MINIMAL_SPEC)
    runs: list[list[Path]] = []

    def run(changed: list[Path]) -> None:
        runs.append(changed)
        if len(runs) == 1:
            for save in range(5):  # an editor saving over and over, well inside the quiet time
                spec.write_text(f"{MINIMAL_SPEC}# save {save}\n")
                time.sleep(QUIET_MS / 1000 / 15)
        else:
            # Ctrl-C a while after the run: time enough for a second run, if the burst made one.
            threading.Timer(2 * QUIET_MS / 1000, _thread.interrupt_main).start()

    # Ctrl-C raises KeyboardInterrupt even where this test was started with SIGINT ignored.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            watch(lambda: plan([spec], tmp_path / "out", None, SpecLimits()), run)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert runs == [[], [spec.resolve()]]
