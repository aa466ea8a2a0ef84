"""The library behind the CLI: one function per command, returning data, never printing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.conform import SchemaValidators
from generator.emit import Outcome, Output, Package
from generator.errors import LoadError, SpecgenError
from generator.findings import Finding
from generator.lint import lint
from generator.parse import build_api
from generator.refs import LoadedSpec, load_spec
from generator.render import default_templates, environment, format_sources, render_package
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


DEFAULT_OUTPUT = Path("generated")


@dataclass
class GenerateResult:
    """The outcome of ``specgen generate``: validation reports, and what changed in the output."""

    reports: list[SpecReport]
    outcome: Outcome | None = None

    @property
    def blocked(self) -> bool:
        """Whether a spec could not be read or has errors, so nothing was generated."""
        return any(report.failed(strict=False) for report in self.reports)


def generate(
    targets: Sequence[Path] = (DEFAULT_SPECS,),
    out: Path = DEFAULT_OUTPUT,
    check: bool = False,
    templates: Path | None = None,
) -> GenerateResult:
    """Generate a client package per spec into ``out`` (or, with ``check``, compare against it).

    Specs are validated first; if any has errors, nothing is written. Otherwise every package is
    rendered and formatted before the first file is touched.
    """
    if templates is not None and not (templates / "python").is_dir():
        raise SpecgenError("templates folder must hold a python/ folder of templates", templates)
    loaded: list[tuple[LoadedSpec, SpecReport]] = []
    reports: list[SpecReport] = []
    for path in expand_targets(targets or (DEFAULT_SPECS,)):
        try:
            spec = load_spec(path)
        except LoadError as exc:
            reports.append(SpecReport(path, load_error=exc))
            continue
        report = SpecReport(path, findings=validate_loaded(spec))
        reports.append(report)
        loaded.append((spec, report))
    result = GenerateResult(reports)
    if result.blocked:
        return result
    env = environment(templates)
    models_templates = (templates or default_templates()) / "python" / "models"
    if not models_templates.is_dir():
        models_templates = default_templates() / "python" / "models"
    names: dict[str, Path] = {}
    rendered: dict[str, str] = {}
    packages: list[tuple[str, Path]] = []
    for spec, _ in loaded:
        api = build_api(spec, models_templates)
        if api.name in names:
            raise SpecgenError(
                f"{spec.root.path} and {names[api.name]} both become package {api.name!r}"
            )
        names[api.name] = spec.root.path
        packages.append((api.name, spec.root.path))
        for name, text in render_package(api, env).items():
            rendered[f"{api.name}/{name}"] = text
    formatted = format_sources(rendered)
    output = Output(out)
    built = [
        Package(
            name,
            spec_path,
            {
                path.split("/", 1)[1]: text
                for path, text in formatted.items()
                if path.startswith(f"{name}/")
            },
        )
        for name, spec_path in packages
    ]
    result.outcome = output.compare(built) if check else output.write(built)
    return result
