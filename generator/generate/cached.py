"""``specgen generate`` with the cache: unchanged packages are read back, the others rendered.

A package whose inputs are all unchanged (:mod:`generator.generate.cache`) is read back with the
places its gate cites; the others are rendered, formatted and gated as without the cache
(:func:`~generator.generate.pipeline.render_packages`), then kept. The output is the same, byte for
byte. Every file written has passed the gate in this run: a package rendered now was gated as it
was rendered, and a file read back is gated again before anything is written. A file the output
folder already holds byte for byte is not written, so it is not checked again: that is what makes
a run on an unchanged spec cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from generator.errors import SpecgenError
from generator.generate.cache import Cache, CachedPackage
from generator.generate.codegate import check_generated
from generator.generate.emit import Outcome, Output, Package
from generator.generate.ir import Api
from generator.generate.layout import DEFAULT_LAYOUT, Layout
from generator.spec.limits import SpecLimits
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec
from generator.stages import Progress, no_progress


def generate_with_cache(
    specs: Sequence[tuple[Path, LoadedSpec | None]],
    out: Path,
    cache: Cache,
    render: Callable[[Sequence[LoadedSpec]], list[tuple[Package, Api]]],
    *,
    limits: SpecLimits,
    check: bool = False,
    templates: Path | None = None,
    layout: Layout = DEFAULT_LAYOUT,
    progress: Progress = no_progress,
) -> Outcome:
    """Write a client package per spec into ``out`` (or, with ``check``, compare against it).

    ``specs`` are the validated specs, each by its path, loaded unless its findings came from the
    cache (it is loaded here if its package must be rendered). ``render`` makes the packages the
    cache does not hold (:meth:`generator.generate.pipeline.Generation.render`). See
    :func:`generator.generate.pipeline.generate_packages`.
    """
    found: list[CachedPackage | None] = []
    missing: list[LoadedSpec] = []
    for path, spec in specs:
        hit = cache.package(path, limits, templates, layout)
        found.append(hit)
        if hit is None:
            if spec is None:
                spec = load_spec(path, limits)
                if not cache.read_as_found(spec):
                    raise SpecgenError("changed while specgen was running; run it again", path)
            missing.append(spec)
    rendered = render(missing) if missing else []
    fresh = iter(zip(missing, rendered, strict=True))
    packages: list[Package] = []
    reused: list[CachedPackage] = []
    for hit in found:
        if hit is None:
            spec, (package, api) = next(fresh)
            cache.keep_package(spec, templates, layout, package, api)
            packages.append(package)
        else:
            reused.append(hit)
            packages.append(hit.package)
    _distinct(packages)

    def gate(outcome: Outcome) -> None:
        changing = set(outcome.written)
        checked = [
            (hit, module, text)
            for hit in reused
            for module, text in hit.package.files.items()
            if f"{hit.package.name}/{module}" in changing
        ]
        for index, (hit, module, text) in enumerate(checked):
            progress("checking", index, len(checked))
            check_generated(hit.places, module, text, hit.package.spec)

    progress("writing", 0, 1)
    output = Output(out)
    return output.compare(packages) if check else output.write(packages, before=gate)


def _distinct(packages: Sequence[Package]) -> None:
    """Refuse two specs that become one package, as rendering does for specs rendered together."""
    seen: dict[str, Path] = {}
    for package in packages:
        if package.name in seen:
            raise SpecgenError(
                f"{package.spec} and {seen[package.name]} both become package {package.name!r}"
            )
        seen[package.name] = package.spec
