"""``specgen generate`` after validation, as one line of stages: model, build, render, gate, write.

Data flows one way. For each spec, :func:`build_package` collects its schemas
(:mod:`~generator.generate.schemas`), has datamodel-code-generator make the models from them
(:mod:`~generator.generate.datamodels`), and builds the IR from the spec and that models module
(:mod:`~generator.generate.build`). :func:`generate_packages` then renders every package through the
templates (:mod:`~generator.generate.render`), formats it, refuses code outside the generated shape
(:mod:`~generator.generate.codegate`), and only then touches the output folder
(:mod:`~generator.generate.emit`). Loading and validating come first, in :func:`generator.api.generate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from generator.errors import SpecgenError
from generator.generate.build import build_api
from generator.generate.codegate import check_generated
from generator.generate.datamodels import generate_models
from generator.generate.emit import Outcome, Output, Package
from generator.generate.ir import Api
from generator.generate.render import (
    environment,
    format_sources,
    render_package,
)
from generator.generate.schemas import collect_schemas
from generator.resources import default_templates
from generator.spec.refs import LoadedSpec


def models_templates(templates: Path | None) -> Path:
    """The datamodel-code-generator templates: the user's ``python/models/``, else specgen's."""
    chosen = (templates or default_templates()) / "python" / "models"
    return chosen if chosen.is_dir() else default_templates() / "python" / "models"


def build_package(spec: LoadedSpec, models_template_dir: Path) -> Api:
    """The IR of ``spec``'s package: its schemas collected, modelled, then the client built."""
    schemas = collect_schemas(spec)
    models = generate_models(schemas.definitions, models_template_dir)
    return build_api(spec, schemas, models)


#: Told of each stage and step of a run: (stage, steps done, steps in all); see generator.api.
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The :data:`Progress` of a run nobody watches."""


def generate_packages(
    specs: Sequence[LoadedSpec],
    out: Path,
    *,
    check: bool = False,
    templates: Path | None = None,
    progress: Progress = no_progress,
) -> Outcome:
    """Write a client package per spec into ``out`` (or, with ``check``, compare against it).

    The specs must be validated already. Every package is rendered, formatted and gated before the
    first file is touched, so a failure leaves ``out`` as it was.
    """
    packages = render_packages(specs, templates=templates, progress=progress)
    return write_packages([package for package, _ in packages], out, check=check, progress=progress)


def write_packages(
    packages: Sequence[Package], out: Path, *, check: bool = False, progress: Progress = no_progress
) -> Outcome:
    """Bring ``out`` in line with ``packages`` (already gated), or with ``check`` say how it differs."""
    progress("writing", 0, 1)
    output = Output(out)
    return output.compare(list(packages)) if check else output.write(list(packages))


def render_packages(
    specs: Sequence[LoadedSpec], *, templates: Path | None = None, progress: Progress = no_progress
) -> list[tuple[Package, Api]]:
    """A package per spec, in order, with its IR: rendered, formatted and gated, not written."""
    env = environment(templates)
    model_templates = models_templates(templates)
    # Per package: its IR and the spec it came from (errors in the generated code cite it).
    built: dict[str, tuple[Api, Path]] = {}
    rendered: dict[str, str] = {}
    for index, spec in enumerate(specs):
        progress("models", index, len(specs))
        api = build_package(spec, model_templates)
        if api.name in built:
            raise SpecgenError(
                f"{spec.root.path} and {built[api.name][1]} both become package {api.name!r}"
            )
        built[api.name] = (api, spec.root.path)
        progress("clients", index, len(specs))
        for name, text in render_package(api, env).items():
            rendered[f"{api.name}/{name}"] = text
    progress("formatting", 0, 1)
    formatted = format_sources(rendered)
    files: dict[str, dict[str, str]] = {name: {} for name in built}
    for index, (path, text) in enumerate(formatted.items()):
        progress("checking", index, len(formatted))
        package, _, module = path.partition("/")
        api, spec_path = built[package]
        check_generated(api, module, text, spec_path)
        files[package][module] = text
    return [(Package(name, path, files[name]), api) for name, (api, path) in built.items()]
