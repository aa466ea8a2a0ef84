"""``specgen generate --watch``: run again whenever a spec, a file it ``$ref``s or a template changes.

Changes come from the operating system's file events through watchfiles (inotify, FSEvents,
ReadDirectoryChangesW), never from a polling loop of specgen's. A burst of saves (an editor's
write-rename-touch, a ``git checkout``) is gathered into one run: the burst ends after
:data:`QUIET_MS` without a change, or :data:`BURST_MS` after it began.

What is watched is planned before each run (:func:`plan`), from the specs as they are then: a spec
that starts to ``$ref`` a new file has it watched from the run that reads it. Folders are watched,
not files, so that a file an editor replaces (written aside, renamed over) is still seen; events
are kept only for the planned files, for new specs in a folder named as a target, and for
anything under the templates folder. The output folder is never watched: writing it would start
the next run.

This module decides what to watch and when to run; it prints nothing (the command line does).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from generator.api import SPEC_SUFFIXES, expand_targets
from generator.spec.fingerprint import spec_folder
from generator.spec.limits import SpecLimits
from generator.spec.reading import load_spec

#: Milliseconds without a change that end a burst of changes.
QUIET_MS = 300
#: The longest a burst is gathered (milliseconds) before it is run anyway.
BURST_MS = 2000
#: How long (milliseconds) the watcher waits before it wakes with nothing: the first wake tells
#: that it is watching, so that a change made during the run that follows is not missed.
WAKE_MS = 500
#: How often a watcher is started again when a folder it was to watch went away meanwhile.
START_ATTEMPTS = 3

Events = Generator[set[tuple[watchfiles.Change, str]], None, None]


@dataclass
class Watched:
    """What one run depends on, every path resolved."""

    #: The specs and every file inside a spec's folder that its ``$ref``s name.
    files: set[Path] = field(default_factory=set)
    #: Folders named as targets: a spec that appears in one is a change.
    folders: set[Path] = field(default_factory=set)
    #: The templates folder, every file under it.
    templates: Path | None = None
    #: The output folder: nothing under it is a change.
    out: Path = Path()

    def dirs(self) -> set[Path]:
        """The folders to watch (each on its own, not what is below it), those that exist."""
        dirs = {file.parent for file in self.files} | self.folders
        if self.templates is not None:
            dirs.add(self.templates)
            for folder, _, _ in os.walk(self.templates):
                dirs.add(Path(folder))
        return {folder for folder in dirs if folder.is_dir() and not self._in_out(folder)}

    def wants(self, change: watchfiles.Change, name: str) -> bool:
        """Whether the event on ``name`` is one a run depends on (a watchfiles filter)."""
        path = Path(name)
        if self._in_out(path):
            return False
        if path in self.files:
            return True
        if path.parent in self.folders and path.suffix in SPEC_SUFFIXES:
            return True
        return self.templates is not None and path.is_relative_to(self.templates)

    def _in_out(self, path: Path) -> bool:
        return path.is_relative_to(self.out)


def plan(targets: Sequence[Path], out: Path, templates: Path | None, limits: SpecLimits) -> Watched:
    """The files a run on ``targets`` reads now: the specs, what their ``$ref``s name, templates.

    A spec that does not load (a broken edit) is watched alone: the run reports why, and the edit
    that fixes it is a change of the spec itself.
    """
    watched = Watched(
        folders={target.resolve() for target in targets if target.is_dir()},
        templates=templates.resolve() if templates is not None else None,
        out=out.resolve(),
    )
    try:
        specs = expand_targets(targets)
    except Exception:  # the run reports it; meanwhile, the named files are watched
        specs = [target for target in targets if not target.is_dir()]
    for spec in specs:
        watched.files.add(spec.resolve())
        try:
            loaded = load_spec(spec, limits)
        except Exception:  # a broken edit: the run says what is wrong, never the planning
            continue
        folder = spec_folder(spec)
        # Only what loading may read: a $ref leaving the spec's folder is refused, not watched.
        watched.files.update(
            real
            for real in (named.resolve() for named in loaded.named_files)
            if real.is_relative_to(folder)
        )
    return watched


def watch(make_plan: Callable[[], Watched], run: Callable[[list[Path]], None]) -> None:
    """Call ``run`` once, then again with the changed paths after every burst of changes.

    Returns never: a KeyboardInterrupt (Ctrl-C) ends it. ``run`` must not raise for a bad spec.
    """
    watched = make_plan()
    changed: list[Path] = []
    while True:
        events, early, started = _start(watched, make_plan)
        changed = sorted({*changed, *early})
        try:
            while True:
                run(changed)
                changed = _next_burst(events)
                _update(watched, make_plan())
                if watched.dirs() != started:
                    break  # a new watcher over the new folders, started before the run
        finally:
            events.close()


def _start(
    watched: Watched, make_plan: Callable[[], Watched]
) -> tuple[Events, list[Path], set[Path]]:
    """A watcher over ``watched``'s folders, already watching when this returns; what changed
    while it started (the run that follows reads it); the folders it watches."""
    for attempt in range(START_ATTEMPTS):
        dirs = watched.dirs()
        events = watchfiles.watch(
            *sorted(dirs),
            watch_filter=watched.wants,
            debounce=BURST_MS,
            step=QUIET_MS,
            rust_timeout=WAKE_MS,
            yield_on_timeout=True,
            recursive=False,
        )
        try:
            # The first answer (a change, or the wake after WAKE_MS) comes once they are watched.
            return events, _paths(next(events)), dirs
        except FileNotFoundError:
            # A folder went away since it was planned (a branch switched): plan again.
            if attempt == START_ATTEMPTS - 1:
                raise
            _update(watched, make_plan())
    raise AssertionError("unreachable")


def _update(watched: Watched, now: Watched) -> None:
    # In place: a running watcher's filter is this object's method.
    watched.files, watched.folders = now.files, now.folders


def _next_burst(events: Events) -> list[Path]:
    """The paths of the next burst of changes, sorted (waking without a change is no change)."""
    for changes in events:
        if changes:
            return _paths(changes)
    raise KeyboardInterrupt  # the watcher stopped: only an interrupt stops it


def _paths(changes: set[tuple[watchfiles.Change, str]]) -> list[Path]:
    return sorted({Path(name) for _, name in changes})
