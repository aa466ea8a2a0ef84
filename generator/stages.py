"""How a run tells of its stages: the one callback the library reports progress through."""

from __future__ import annotations

from collections.abc import Callable

#: Told of each stage and step of a run: (stage, steps done, steps in all). Stages: ``loading``,
#: ``validating``, then for ``generate`` ``models``, ``clients``, ``formatting``, ``checking``,
#: ``writing``. The command line draws it on a terminal; the library never prints.
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The :data:`Progress` of a run nobody watches."""
