"""Where the checking runs: in this process, or in worker processes (the Dask runner is
:mod:`generator.check.dask`).

Every runner streams verdicts in the order of the recordings, and reads JSON Lines files line by
line, so memory stays flat whatever their size. The work of a process is
:meth:`~generator.check.checker.Checker.check_lines` on a chunk of lines; the checker travels to
each process as its spec files and is built there once (see
:func:`~generator.check.checker.shared_checker`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from multiprocessing.pool import AsyncResult
from pathlib import Path

from generator.check.checker import Checker, Verdict
from generator.check.exchanges import Record, Unreadable, jsonl_lines, read_recording

#: Exchanges sent to a worker process at a time.
CHUNK = 2000

#: A unit of work: a JSON Lines line as (source, text), parsed by the worker, or a record read here.
Item = tuple[str, bytes] | Record


def verdicts(checker: Checker, recordings: Sequence[Path], jobs: int = 1) -> Iterator[Verdict]:
    """The verdict on every exchange of ``recordings``, in order, checked in ``jobs`` processes
    (this one alone when ``jobs`` is 1)."""
    if jobs <= 1:
        return local_verdicts(checker, recordings)
    return parallel_verdicts(checker, recordings, jobs)


def local_verdicts(checker: Checker, recordings: Sequence[Path]) -> Iterator[Verdict]:
    """The verdicts of ``recordings`` checked in this process, one exchange at a time."""
    for recording in recordings:
        for record in read_recording(recording, checker.limits.max_record_bytes):
            yield checker.check(record)


def parallel_verdicts(checker: Checker, recordings: Sequence[Path], jobs: int) -> Iterator[Verdict]:
    """The verdicts of ``recordings`` checked in ``jobs`` worker processes, in order.

    At most two chunks per worker are in flight, so memory stays flat however long the recordings.
    """
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pending: deque[AsyncResult[list[Verdict]]] = deque()
        for chunk in chunks(recordings, checker.limits.max_record_bytes):
            # The bound method pickles as the checker's spec files: each worker builds the
            # checker on its first chunk and reuses it for the rest.
            pending.append(pool.apply_async(checker.check_lines, (chunk,)))
            while len(pending) >= 2 * jobs:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def chunks(recordings: Sequence[Path], max_bytes: int, size: int = CHUNK) -> Iterator[list[Item]]:
    """The work for worker processes, ``size`` items at a time, in order."""
    chunk: list[Item] = []
    for recording in recordings:
        for item in _items(recording, max_bytes):
            chunk.append(item)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _items(recording: Path, max_bytes: int) -> Iterator[Item]:
    """A JSON Lines file's raw lines (parsing them is most of the reading, so the workers do it);
    the records of other files."""
    if recording.suffix.lower() != ".jsonl":
        yield from read_recording(recording, max_bytes)
        return
    for source, line in jsonl_lines(recording, max_bytes):
        yield line if isinstance(line, Unreadable) else (source, line)
