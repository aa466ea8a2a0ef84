"""What validation says about a spec: findings, each tied to a rule, a file and a place in it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from pathlib import Path


class Severity(enum.Enum):
    """How bad a finding is. Errors make a spec unusable; warnings are suspicious but usable."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found in a spec, located by JSON pointer and by line and column."""

    rule: str
    severity: Severity
    message: str
    path: Path
    pointer: str
    line: int
    col: int
    #: The reason the spec gives for accepting this finding (``x-specgen-acknowledge``), if any.
    acknowledged: str | None = None

    def acknowledge(self, reason: str) -> Finding:
        """The same finding, marked as accepted by the spec's author for ``reason``."""
        return replace(self, acknowledged=reason)

    def counts_against(self, strict: bool) -> bool:
        """Whether this finding makes validation fail (exit 1)."""
        if self.acknowledged is not None:
            return False
        return self.severity is Severity.ERROR or strict

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (str(self.path), self.line, self.col, self.rule, self.message)
