"""specgen's checking core on Dask, for logs that outgrow one machine (optional: ``specgen[dask]``).

The core is a plain function of picklable values: a :class:`~generator.check.checker.Checker` travels to the
workers as the list of its spec files and is built there once per process. Lines may be JSON text
(``dask.bag.read_text("s3://logs/*.jsonl")``) or ``(source, text)`` pairs that name where each came
from::

    import dask.bag as db
    from generator.check.dask import check_bag, summarize

    verdicts = check_bag(db.read_text("traffic/*.jsonl"), ["specs/anon.yaml"])
    print(summarize(verdicts).line())
    failures = verdicts.filter(lambda v: not v.passed and not v.skipped).take(20)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from generator.check.checker import Checker, Limits, Verdict
from generator.check.reports import Summary


def check_partition(lines: Iterable[Any], checker: Checker) -> list[Verdict]:
    """Verdicts for one partition of JSON lines (text, or ``(source, text)`` pairs); blank text
    lines are skipped. The work is :meth:`Checker.check_lines`, as in the process runner."""
    return checker.check_lines(_sourced(lines))


def _sourced(lines: Iterable[Any]) -> Iterator[tuple[str, bytes | str]]:
    """The lines as (source, text) pairs; a bare line is named by its place in the partition."""
    for index, item in enumerate(lines):
        source, text = item if isinstance(item, tuple) else (f"line {index + 1} of partition", item)
        if isinstance(text, str) and not text.strip():
            continue
        yield str(source), text


def check_bag(
    lines: Any,
    specs: Sequence[Path | str],
    ignore_unmatched: bool = False,
    limits: Limits | None = None,
) -> Any:
    """A ``dask.bag.Bag`` of :class:`~generator.check.checker.Verdict` for a bag of JSON lines."""
    checker = Checker([Path(p) for p in specs], ignore_unmatched, limits or Limits())
    return lines.map_partitions(check_partition, checker)


def _count(verdicts: Iterable[Verdict]) -> list[tuple[int, int, int]]:
    summary = Summary()
    for verdict in verdicts:
        summary.add(verdict)
    return [(summary.passed, summary.failed, summary.skipped)]


def summarize(verdicts: Any) -> Summary:
    """The counts of a bag of verdicts (computed with the bag's scheduler)."""
    parts = verdicts.map_partitions(_count).compute()
    return Summary(
        passed=sum(p[0] for p in parts),
        failed=sum(p[1] for p in parts),
        skipped=sum(p[2] for p in parts),
    )
