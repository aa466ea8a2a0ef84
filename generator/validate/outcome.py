"""What validating a spec comes to: every finding about it, or why it could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import SpecgenError
from generator.spec.findings import Finding
from generator.spec.refs import LoadedSpec


@dataclass
class SpecReport:
    """The outcome of validating one spec file."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    #: Set when the file could not be read at all; then there are no findings.
    load_error: SpecgenError | None = None

    def failed(self, strict: bool = False) -> bool:
        """Whether this spec makes validation fail (unreadable, or findings that count)."""
        return self.load_error is not None or any(f.counts_against(strict) for f in self.findings)


def validate_loaded(spec: LoadedSpec) -> list[Finding]:
    """Every finding for an already loaded spec, sorted by file and position."""
    # Imported here: openapi-spec-validator is slow to import and `check` does not need it.
    from generator.spec.validators import SchemaValidators
    from generator.validate.lint import lint
    from generator.validate.structure import check_structure, openapi_version

    findings = check_structure(spec)
    if openapi_version(spec) is not None:
        findings += lint(spec, SchemaValidators(spec, keep=False))
    return sorted(findings, key=Finding.sort_key)
