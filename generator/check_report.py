"""Reports of `specgen check`: text, JSON, JUnit XML and HTML.

Reporters receive verdicts one at a time and write as they go (or keep only aggregates), so a
recording of any size is reported in constant memory. URLs in verdicts are already redacted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TextIO

import orjson

from generator.check import Verdict


@dataclass
class Summary:
    """Counts of a check run."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, verdict: Verdict) -> None:
        if verdict.skipped:
            self.skipped += 1
        elif verdict.passed:
            self.passed += 1
        else:
            self.failed += 1

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped

    def line(self) -> str:
        """``N passed, M failed`` (and ``, K skipped`` when some were)."""
        text = f"{self.passed} passed, {self.failed} failed"
        return text + (f", {self.skipped} skipped" if self.skipped else "")


class Reporter(Protocol):
    """Receives every verdict, then the summary."""

    def add(self, verdict: Verdict) -> None: ...

    def finish(self, summary: Summary) -> None: ...


def describe(verdict: Verdict) -> str:
    """``spec.operationId METHOD url -> status`` for a verdict (what is known of it)."""
    target = f"{verdict.spec}.{verdict.operation}" if verdict.operation else "-"
    request = f"{verdict.method} {verdict.url}".strip()
    status = f" -> {verdict.status}" if verdict.status is not None else ""
    return f"{target} {request}{status}".strip()


class TextReporter:
    """A line per exchange (PASS, FAIL with every problem, or SKIP), then the counts."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def add(self, verdict: Verdict) -> None:
        if verdict.skipped:
            state = "SKIP"
        elif verdict.passed:
            state = "PASS"
        else:
            state = "FAIL"
        line = f"{state} {verdict.source} {describe(verdict)}"
        if verdict.problems:
            line += ": " + "; ".join(str(problem) for problem in verdict.problems)
        self.stream.write(line + "\n")

    def finish(self, summary: Summary) -> None:
        self.stream.write(summary.line() + "\n")


def verdict_json(verdict: Verdict) -> dict[str, object]:
    """The JSON form of a verdict, as `--format json` writes it."""
    return {
        "source": verdict.source,
        "result": "skipped" if verdict.skipped else "passed" if verdict.passed else "failed",
        "spec": verdict.spec,
        "operation": verdict.operation,
        "method": verdict.method,
        "url": verdict.url,
        "status": verdict.status,
        "problems": [
            {
                "kind": p.kind,
                "message": p.message,
                "pointer": p.pointer,
                "keyword": p.keyword,
                "location": p.location,
            }
            for p in verdict.problems
        ],
    }


class JsonReporter:
    """One JSON document, ``{"exchanges": [...], "summary": {...}}``, streamed as it goes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.first = True
        self.stream.write('{"exchanges": [')

    def add(self, verdict: Verdict) -> None:
        self.stream.write(
            ("\n" if self.first else ",\n") + orjson.dumps(verdict_json(verdict)).decode()
        )
        self.first = False

    def finish(self, summary: Summary) -> None:
        counts = {"passed": summary.passed, "failed": summary.failed, "skipped": summary.skipped}
        self.stream.write("\n], " + f'"summary": {orjson.dumps(counts).decode()}' + "}\n")


#: Reporter classes by ``--format``.
REPORTERS: dict[str, Callable[[TextIO], Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
}
