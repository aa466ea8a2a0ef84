"""The progress of a long run on a terminal: its stage, its count, the time it has taken (rich).

The library tells a :data:`generator.api.Progress` callback of each stage and step and never
prints; the command line passes a :class:`StageDisplay` when stderr is a terminal (and ``--quiet``
is not given). The display appears only once a run has taken ``delay`` seconds, so a quick run
shows nothing, and it is erased when the run ends, so what the command prints is the same with
or without it.
"""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class StageDisplay:
    """A progress callback that draws ``stage n/N`` on ``console``; use it in a ``with`` block."""

    def __init__(self, console: Console | None = None, delay: float = 1.0) -> None:
        self.delay = delay
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task("starting", total=None)
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._shown = False
        self._closed = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        text = f"{stage} {done + 1}/{total}" if total > 1 else stage
        self.bar.update(self.task, description=text, refresh=self._shown)

    def __enter__(self) -> StageDisplay:
        if self.delay <= 0:
            self._show()
        else:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._shown:
                self.bar.stop()

    def _show(self) -> None:
        with self._lock:
            if not self._closed:
                self._shown = True
                self.bar.start()
