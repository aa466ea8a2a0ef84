"""The library behind the CLI: one function per command, returning data, never printing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.conform import SchemaValidators
from generator.errors import LoadError, SpecgenError
from generator.findings import Finding
from generator.lint import lint
from generator.refs import LoadedSpec, load_spec
from generator.structure import check_structure, openapi_version

#: File names taken from a folder given as a target.
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_SPECS = Path("specs")


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


def expand_targets(targets: Iterable[Path]) -> list[Path]:
    """Spec files named by ``targets``: files as given, folders by their YAML/JSON files (sorted).

    A folder with no spec in it is a usage error; a missing file is left for loading to report.
    """
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            files = sorted(p for p in target.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file())
            if not files:
                raise SpecgenError("folder holds no .yaml, .yml or .json spec", target)
            found.extend(files)
        else:
            found.append(target)
    return found


def validate_spec(path: Path) -> SpecReport:
    """Load and validate one spec: openapi-spec-validator, then specgen's lint rules."""
    try:
        spec = load_spec(path)
    except LoadError as exc:
        return SpecReport(path, load_error=exc)
    return SpecReport(path, findings=validate_loaded(spec))


def validate_loaded(spec: LoadedSpec) -> list[Finding]:
    """Every finding for an already loaded spec, sorted by file and position."""
    findings = check_structure(spec)
    if openapi_version(spec) is not None:
        findings += lint(spec, SchemaValidators(spec))
    return sorted(findings, key=Finding.sort_key)


def validate(targets: Sequence[Path] = (DEFAULT_SPECS,)) -> list[SpecReport]:
    """Validate every spec named by ``targets`` (files or folders); see :func:`validate_spec`."""
    return [validate_spec(path) for path in expand_targets(targets or (DEFAULT_SPECS,))]
