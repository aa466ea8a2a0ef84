"""The library behind the CLI: one function per command, returning data, never printing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import LoadError, SpecgenError
from generator.generate.emit import Outcome
from generator.generate.layout import DEFAULT_LAYOUT, Layout
from generator.spec.findings import Finding
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec
from generator.stages import Progress as Progress
from generator.stages import no_progress as no_progress
from generator.validate.outcome import SpecReport as SpecReport
from generator.validate.outcome import validate_loaded as validate_loaded

if TYPE_CHECKING:
    # Each command imports its stages when it runs: `validate` and a cached `generate` start
    # without loading the checker's or the diff's modules.
    from generator.check.baseline import Recorder
    from generator.check.checker import Limits
    from generator.check.reports import Reporter, Summary
    from generator.diff.rules import DiffReport
    from generator.generate.cache import Cache

#: File names taken from a folder given as a target.
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_SPECS = Path("specs")


def expand_targets(targets: Iterable[Path]) -> list[Path]:
    """Spec files named by ``targets``: files as given, folders by their YAML/JSON files (sorted).

    A folder with no spec in it is a usage error; a missing file is left for loading to report. A
    folder's file that is a link to a file outside it is refused, as a ``$ref`` leaving the folder
    is: naming a folder hands over what is in it, nothing else.
    """
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            files = sorted(p for p in target.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file())
            if not files:
                raise SpecgenError("folder holds no .yaml, .yml or .json spec", target)
            folder = target.resolve()
            for file in files:
                if not file.resolve().is_relative_to(folder):
                    # Named as given (the link), not as resolved: the user knows the link.
                    raise SpecgenError(
                        f"{file}: is a link to a file outside the folder; refusing to read it"
                    )
            found.extend(files)
        else:
            found.append(target)
    return found


class UnusableSpecError(SpecgenError):
    """Specs no command can use (exit 2): not OpenAPI documents, or ``$ref``s that cannot be
    followed. ``findings`` say where, as ``specgen validate`` does."""

    def __init__(self, refused: Sequence[tuple[str, list[Finding]]]) -> None:
        self.findings = [finding for _, found in refused for finding in found]
        what = "not a usable OpenAPI document (not OpenAPI, or $refs that cannot be followed)"
        if len(refused) == 1:
            super().__init__(f"{what}; see the error(s) above", refused[0][0])
        else:
            super().__init__(f"{len(refused)} specs: {what}; see the errors above")


def unusable(spec: LoadedSpec) -> list[Finding]:
    """Why no command can use ``spec``: not an OpenAPI document (``openapi-version``, and
    ``openapi-schema``: the OpenAPI metaschema), or ``$ref``s that cannot be followed
    (``ref-resolves``, ``ref-remote``, ``ref-outside``). Empty when it is usable.

    These are the findings of :func:`validate_spec` that no spec can acknowledge, found without its
    slow semantic walk and lint rules, so ``diff`` and ``check`` can afford them on every run;
    ``diff``, ``check`` and ``bundle`` all refuse through here rather than answer wrongly.
    """
    from generator.validate.structure import check_structure

    return sorted(check_structure(spec, semantics=False) + spec.problems, key=Finding.sort_key)


def refuse_unusable(
    specs: Sequence[tuple[str, LoadedSpec]],
    shown: Callable[[str, LoadedSpec, Path], Path] = lambda name, spec, path: path,
) -> None:
    """Raise :class:`UnusableSpecError` for every spec of ``(name, spec)`` that is unusable, its
    files named by ``shown`` (a version read from git names them as the user does)."""
    refused = []
    for name, spec in specs:
        found = [replace(f, path=shown(name, spec, f.path)) for f in unusable(spec)]
        if found:
            refused.append((name, found))
    if refused:
        raise UnusableSpecError(refused)


def validate_spec(path: Path, limits: SpecLimits = DEFAULT_LIMITS) -> SpecReport:
    """Load and validate one spec: openapi-spec-validator, then specgen's lint rules."""
    try:
        spec = load_spec(path, limits)
    except LoadError as exc:
        return SpecReport(path, load_error=exc)
    return SpecReport(path, findings=validate_loaded(spec))


def load_and_validate(
    targets: Sequence[Path],
    limits: SpecLimits = DEFAULT_LIMITS,
    progress: Progress = no_progress,
) -> tuple[list[LoadedSpec], list[SpecReport]]:
    """The specs named by ``targets`` that could be read, and a report for every one of them."""
    specs, reports = _validated(targets, limits, None, progress)
    return [spec for _, spec in specs if spec is not None], reports


def _validated(
    targets: Sequence[Path],
    limits: SpecLimits,
    cache: Cache | None,
    progress: Progress,
    keep: bool = True,
) -> tuple[list[tuple[Path, LoadedSpec | None]], list[SpecReport]]:
    """A report for every spec named by ``targets``, and each spec that could be read, by its path:
    loaded (with ``keep``), or None when its findings came from ``cache``."""
    paths = expand_targets(targets or (DEFAULT_SPECS,))
    specs: list[tuple[Path, LoadedSpec | None]] = []
    reports: list[SpecReport] = []
    for index, path in enumerate(paths):
        progress("loading", index, len(paths))
        read = _read(path, limits, cache)
        if isinstance(read, SpecReport):
            reports.append(read)
            if read.load_error is None:
                specs.append((path, None))
            continue
        progress("validating", index, len(paths))
        reports.append(_validate_read(path, read, cache))
        specs.append((path, read if keep else None))
    return specs, reports


def _read(path: Path, limits: SpecLimits, cache: Cache | None) -> LoadedSpec | SpecReport:
    """The spec at ``path``, loaded; or its report when that is known without validating it: its
    findings kept in ``cache``, or why it could not be loaded."""
    known = cache.findings(path, limits) if cache is not None else None
    if known is not None:
        return SpecReport(path, findings=known)
    try:
        return load_spec(path, limits)
    except LoadError as exc:
        return SpecReport(path, load_error=exc)


def _validate_read(path: Path, spec: LoadedSpec, cache: Cache | None) -> SpecReport:
    """The report of the loaded ``spec``, its findings kept in ``cache``."""
    findings = validate_loaded(spec)
    if cache is not None:
        cache.keep_findings(spec, findings)
    return SpecReport(path, findings=findings)


def validate(
    targets: Sequence[Path] = (DEFAULT_SPECS,),
    limits: SpecLimits = DEFAULT_LIMITS,
    *,
    cache: Path | None = None,
    progress: Progress = no_progress,
) -> list[SpecReport]:
    """Validate every spec named by ``targets`` (files or folders); see :func:`validate_spec`.

    With ``cache`` (a folder), a spec whose files are all as they were when it was last validated
    is not read again: its findings come from the cache (see :mod:`generator.generate.cache`).
    """
    return _validated(targets, limits, _cache(cache), progress, keep=False)[1]


def _cache(folder: Path | None) -> Cache | None:
    # Imported here: a run without the cache needs none of it.
    from generator.generate.cache import Cache

    return None if folder is None else Cache(folder)


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
    limits: SpecLimits = DEFAULT_LIMITS,
    layout: Layout = DEFAULT_LAYOUT,
    *,
    cache: Path | None = None,
    progress: Progress = no_progress,
) -> GenerateResult:
    """Generate a client package per spec into ``out`` (or, with ``check``, compare against it).

    Specs are validated first; if any has errors, nothing is written. Otherwise every package is
    rendered and formatted before the first file is touched. ``layout`` (tests lower it) says
    which packages are laid out lazily; by default, those of large specs. With ``cache`` (a
    folder), findings and packages of specs whose inputs are unchanged come from it, byte for byte
    what they would be without it (see :mod:`generator.generate.cache`).
    """
    # Imported here: only this command needs the generation stages.
    from generator.generate.pipeline import Generation
    from generator.generate.workers import Worker

    if templates is not None and not (templates / "python").is_dir():
        raise SpecgenError("templates folder must hold a python/ folder of templates", templates)
    store = _cache(cache)
    paths = expand_targets(targets or (DEFAULT_SPECS,))
    read: list[LoadedSpec | SpecReport] = []
    for index, path in enumerate(paths):
        progress("loading", index, len(paths))
        read.append(_read(path, limits, store))
    loaded = [spec for spec in read if isinstance(spec, LoadedSpec)]
    unreadable = any(isinstance(r, SpecReport) and r.load_error is not None for r in read)
    # The models of a large spec are made while it is validated (see Generation); they are used
    # only if every spec passes.
    with Generation([] if unreadable else loaded, templates, layout, progress) as generation:
        # A large spec is validated in a worker process of its own, while this one renders its
        # package; nothing is written unless the validation passes.
        aside = {
            index: Worker(validate_spec, path, limits)
            for index, (path, spec) in enumerate(zip(paths, read, strict=True))
            if isinstance(spec, LoadedSpec) and generation.in_parallel(spec)
        }
        try:
            specs: list[tuple[Path, LoadedSpec | None]] = []
            reports: list[SpecReport] = []
            for index, (path, spec) in enumerate(zip(paths, read, strict=True)):
                if isinstance(spec, SpecReport):
                    reports.append(spec)
                    specs.append((path, None))
                    continue
                if index not in aside:
                    progress("validating", index, len(paths))
                    reports.append(_validate_read(path, spec, store))
                else:
                    reports.append(SpecReport(path))  # replaced below
                specs.append((path, spec))
            early_error = None
            if aside and not GenerateResult(reports).blocked:
                try:
                    generation.render(loaded)  # kept for finish() or the cache's misses
                except SpecgenError as error:
                    early_error = error  # a spec validation may refuse: its findings come first
            for index, worker in aside.items():
                progress("validating", index, len(paths))
                reports[index] = worker.result()
                spec = read[index]
                if store is not None and isinstance(spec, LoadedSpec):
                    store.keep_findings(spec, reports[index].findings)
        finally:
            for worker in aside.values():
                worker.stop()
        if early_error is not None and not GenerateResult(reports).blocked:
            raise early_error
        result = GenerateResult(reports)
        if result.blocked:
            return result
        if store is None:
            result.outcome = generation.finish(out, check=check)
        else:
            # Imported here: a run without the cache needs none of it.
            from generator.generate.cached import generate_with_cache

            result.outcome = generate_with_cache(
                specs,
                out,
                store,
                generation.render,
                limits=limits,
                check=check,
                templates=templates,
                layout=layout,
                progress=progress,
            )
    return result


def check(
    recordings: Sequence[Path],
    reporter: Reporter,
    specs: Sequence[Path] = (DEFAULT_SPECS,),
    ignore_unmatched: bool = False,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    limits: Limits | None = None,
    *,
    baseline: Path | None = None,
) -> Summary:
    """Check every exchange of ``recordings`` against ``specs``, reporting each verdict.

    JSON Lines files are streamed, so memory stays flat whatever their size; with ``jobs > 1`` the
    exchanges are checked in that many worker processes, in order, with a bounded number of chunks
    in flight. Raises :class:`UnusableSpecError`, before any exchange is checked, for specs that
    are not OpenAPI or whose ``$ref``s cannot be followed.

    With ``baseline`` (a file :func:`write_baseline` wrote), the problems it knows are moved to
    each verdict's ``known``: an exchange with known problems only passes, and the summary counts
    it as known and lists the baseline's entries that matched nothing as ``stale``. A baseline that
    cannot be read raises :class:`LoadError` before any exchange is checked.
    """
    return _check(recordings, reporter, specs, ignore_unmatched, jobs, progress, limits, baseline)


def write_baseline(
    recordings: Sequence[Path],
    out: Path,
    reporter: Reporter,
    specs: Sequence[Path] = (DEFAULT_SPECS,),
    ignore_unmatched: bool = False,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    limits: Limits | None = None,
) -> tuple[Summary, Recorder]:
    """Check as :func:`check` does, then write every deviation found to the baseline ``out``.

    Returns the summary and what was recorded (its counts). The file is replaced in one step, and
    only once the whole run is checked; see :mod:`generator.check.baseline` for what it holds.
    """
    from generator.check.baseline import Recorder

    if not out.parent.is_dir():
        raise LoadError("cannot write the baseline: no such folder", out.parent)
    recorder = Recorder(out)
    summary = _check(
        recordings, reporter, specs, ignore_unmatched, jobs, progress, limits, None, recorder
    )
    recorder.write()
    return summary, recorder


def _check(
    recordings: Sequence[Path],
    reporter: Reporter,
    specs: Sequence[Path],
    ignore_unmatched: bool,
    jobs: int,
    progress: Callable[[int], None] | None,
    limits: Limits | None,
    baseline: Path | None,
    recorder: Recorder | None = None,
) -> Summary:
    """The run behind :func:`check` and :func:`write_baseline`: checker, baseline, reporter."""
    from generator.check import runners
    from generator.check.baseline import Applier, read_baseline
    from generator.check.checker import Checker, Limits
    from generator.check.reports import Summary

    for recording in recordings:
        if recording.suffix.lower() not in (".har", ".json", ".jsonl"):
            raise LoadError("not a recording: expected a .har, .json or .jsonl file", recording)
        if not recording.is_file():
            raise LoadError("no such file", recording)
    # Read before any exchange is checked: a bad baseline fails the run before the specs are read.
    applier = Applier(read_baseline(baseline)) if baseline is not None else None
    paths = expand_targets(specs or (DEFAULT_SPECS,))
    loaded = [load_spec(path) for path in paths]
    refuse_unusable([(str(path), spec) for path, spec in zip(paths, loaded, strict=True)])
    limits = limits or Limits()
    if applier is not None or recorder is not None:
        # Baselines fold map keys, which the checker finds only when asked (it costs per problem).
        limits = replace(limits, map_keys=True)
    checker = Checker(paths, ignore_unmatched, limits, loaded)
    summary = Summary(baseline=applier is not None)
    for verdict in runners.verdicts(checker, recordings, jobs):
        # In this process, whatever ran the checks: --jobs N gives the same known problems.
        if applier is not None:
            verdict = applier.split(verdict)
        if recorder is not None:
            recorder.add(verdict)
        summary.add(verdict)
        reporter.add(verdict)
        if progress is not None and summary.total % 1000 == 0:
            progress(summary.total)
    if applier is not None:
        summary.stale = applier.stale()
    reporter.finish(summary)
    return summary


@dataclass
class BundleResult:
    """The outcome of ``specgen bundle``: validation reports, and the files written."""

    reports: list[SpecReport]
    written: list[Path] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(report.failed(strict=False) for report in self.reports)


def bundle(
    targets: Sequence[Path], out: Path, form: str = "json", limits: SpecLimits = DEFAULT_LIMITS
) -> BundleResult:
    """Write ``<name>.openapi.<form>`` and ``<name>.schema.<form>`` per spec into ``out``.

    Specs are validated first; if any has errors, nothing is written. Raises
    :class:`UnusableSpecError` for specs that are not OpenAPI or whose ``$ref``s cannot be followed.
    """
    from generator.bundle.documents import dumps, json_schema, openapi_bundle
    from generator.generate.emit import atomic_write

    loaded, reports = load_and_validate(targets, limits)
    result = BundleResult(reports)
    if any(report.load_error is not None for report in reports):
        return result
    refuse_unusable([(str(spec.root.path), spec) for spec in loaded])
    if result.blocked:
        return result
    files: dict[Path, str] = {}
    for spec in loaded:
        files[out / f"{spec.name}.openapi.{form}"] = dumps(openapi_bundle(spec), form)
        files[out / f"{spec.name}.schema.{form}"] = dumps(json_schema(spec), form)
    for path, text in files.items():
        atomic_write(path, text)
        result.written.append(path)
    return result


def diff(old_ref: str, new_ref: str, limits: SpecLimits = DEFAULT_LIMITS) -> DiffReport:
    """Every change from one version of a spec to another, each classified breaking or not.

    Each of ``old_ref`` and ``new_ref`` is a spec file, or ``PATH@REV`` to read it (and the files
    its ``$ref``s reach) from a git revision; the report names the versions as given. Raises
    :class:`LoadError` for a version that cannot be read, :class:`UnusableSpecError` for one that
    is not OpenAPI or whose ``$ref``s cannot be followed (comparing it would answer wrongly).
    """
    from generator.diff.compare import diff_specs
    from generator.diff.revisions import load_version, shown_as

    old, new = load_version(old_ref, limits), load_version(new_ref, limits)
    refuse_unusable([(old_ref, old), (new_ref, new)], shown_as)
    return diff_specs(old, new, old_ref, new_ref)
