"""``specgen generate`` after validation, as one line of stages: model, build, render, gate, write.

Data flows one way. For each spec, :func:`build_package` collects its schemas
(:mod:`~generator.generate.schemas`), has datamodel-code-generator make the models from them
(:mod:`~generator.generate.datamodels`), and builds the IR from the spec and that models module
(:mod:`~generator.generate.build`). :func:`generate_packages` then renders every package through the
templates (:mod:`~generator.generate.render`), formats it, refuses code outside the generated shape
(:mod:`~generator.generate.codegate`), and only then touches the output folder
(:mod:`~generator.generate.emit`). Loading and validating come first, in :func:`generator.api.generate`.

A large API's models take most of the time (datamodel-code-generator), and so does its validation:
:class:`Generation` starts the models of each large spec in a worker process of its own before the
caller validates, and :meth:`Generation.finish` builds on them only once validation has passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from generator.errors import SpecgenError
from generator.generate.build import build_api
from generator.generate.chunks import join, make_part, split
from generator.generate.codegate import check_generated
from generator.generate.datamodels import generate_models
from generator.generate.discriminators import implicit_tags
from generator.generate.emit import Outcome, Output, Package
from generator.generate.ir import Api, NamedSchema
from generator.generate.layout import DEFAULT_LAYOUT, Layout
from generator.generate.model_input import prepare
from generator.generate.render import (
    environment,
    format_sources,
    render_package,
)
from generator.generate.schemas import ClientSchemas, collect_schemas
from generator.generate.workers import Worker
from generator.resources import default_templates
from generator.spec.refs import LoadedSpec
from generator.stages import Progress, no_progress


def models_templates(templates: Path | None) -> Path:
    """The datamodel-code-generator templates: the user's ``python/models/``, else specgen's."""
    chosen = (templates or default_templates()) / "python" / "models"
    return chosen if chosen.is_dir() else default_templates() / "python" / "models"


#: A spec with at least this many model schemas has its models made in worker processes while the
#: caller validates. Below it, starting an interpreter costs more than the overlap saves.
PARALLEL_SCHEMAS = 300
#: Parts such a spec's models are made in, side by side (:mod:`~generator.generate.chunks`). A
#: constant, not the number of cores: the generated module must not depend on the machine.
MODEL_PARTS = 2


def generate_packages(
    specs: Sequence[LoadedSpec],
    out: Path,
    *,
    check: bool = False,
    templates: Path | None = None,
    layout: Layout = DEFAULT_LAYOUT,
    progress: Progress = no_progress,
) -> Outcome:
    """Write a client package per spec into ``out`` (or, with ``check``, compare against it).

    The specs must be validated already. Every package is rendered, formatted and gated before the
    first file is touched, so a failure leaves ``out`` as it was. ``layout`` says which packages
    are laid out lazily (:mod:`~generator.generate.layout`).
    """
    with Generation(specs, templates, layout, progress) as generation:
        return generation.finish(out, check=check)


def write_packages(
    packages: Sequence[Package], out: Path, *, check: bool = False, progress: Progress = no_progress
) -> Outcome:
    """Bring ``out`` in line with ``packages`` (already gated), or with ``check`` say how it differs."""
    progress("writing", 0, 1)
    output = Output(out)
    return output.compare(list(packages)) if check else output.write(list(packages))


class Generation:
    """Client packages of ``specs``, their models started early: use it as a context manager,
    validate the specs inside it, and call :meth:`finish` only if they passed. Leaving it stops
    the work still under way."""

    def __init__(
        self,
        specs: Sequence[LoadedSpec],
        templates: Path | None = None,
        layout: Layout = DEFAULT_LAYOUT,
        progress: Progress = no_progress,
    ) -> None:
        self.specs = list(specs)
        self.templates = templates
        self.layout = layout
        self.progress = progress
        self._model_templates = models_templates(templates)
        # By the id of the spec: render() may be given any of them, or a spec loaded later.
        self._schemas: dict[int, ClientSchemas] = {}
        self._workers: dict[int, list[Worker]] = {}
        self._rendered: dict[int, tuple[Package, Api]] = {}

    def __enter__(self) -> Generation:
        for spec in self.specs:
            index = id(spec)
            try:
                schemas = collect_schemas(spec)
            except Exception:
                # A spec validation will refuse; if it passes after all, finish() collects again
                # and meets the error where it always did.
                continue
            self._schemas[index] = schemas
            if len(schemas.definitions) >= PARALLEL_SCHEMAS:
                self._workers[index] = self._start(schemas.definitions)
        return self

    def in_parallel(self, spec: LoadedSpec) -> bool:
        """Whether ``spec`` is large enough that its models are made in worker processes."""
        return id(spec) in self._workers

    def _start(self, schemas: tuple[NamedSchema, ...]) -> list[Worker]:
        """Workers making the models of ``schemas`` in :data:`MODEL_PARTS` parts."""
        given = prepare(schemas)
        implicit = implicit_tags(schemas)
        return [
            Worker(
                make_part,
                part,
                given,
                tuple(schema for schema in schemas if schema.class_name in part.own),
                implicit,
                self._model_templates,
            )
            for part in split(given.schemas, MODEL_PARTS)
        ]

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for workers in self._workers.values():
            for worker in workers:
                worker.stop()

    def finish(self, out: Path, *, check: bool = False) -> Outcome:
        """Write the packages into ``out`` (or, with ``check``, compare against it); see
        :func:`generate_packages`."""
        packages = self.render(self.specs)
        return write_packages(
            [package for package, _ in packages], out, check=check, progress=self.progress
        )

    def render(self, specs: Sequence[LoadedSpec]) -> list[tuple[Package, Api]]:
        """A package per spec, in order, with its IR: rendered, formatted and gated, not written.

        The models of a spec given to the constructor come from its workers when it has them. A
        spec is rendered once: a package rendered by an earlier call is given again.
        """
        todo = [spec for spec in specs if id(spec) not in self._rendered]
        if todo:
            for spec, package in zip(todo, self._render(todo), strict=True):
                self._rendered[id(spec)] = package
        return [self._rendered[id(spec)] for spec in specs]

    def _render(self, specs: Sequence[LoadedSpec]) -> list[tuple[Package, Api]]:
        progress = self.progress
        env = environment(self.templates)
        # Per package: its IR and the spec it came from (errors in the generated code cite it).
        built: dict[str, tuple[Api, Path]] = {}
        rendered: dict[str, str] = {}
        for number, spec in enumerate(specs):
            progress("models", number, len(specs))
            schemas = self._schemas.get(id(spec)) or collect_schemas(spec)
            workers = self._workers.get(id(spec))
            joined = join([worker.result() for worker in workers]) if workers else None
            models = joined or generate_models(schemas.definitions, self._model_templates)
            api = build_api(spec, schemas, models)
            if api.name in built:
                raise SpecgenError(
                    f"{spec.root.path} and {built[api.name][1]} both become package {api.name!r}"
                )
            built[api.name] = (api, spec.root.path)
            progress("clients", number, len(specs))
            for name, text in render_package(api, env, self.layout).items():
                rendered[f"{api.name}/{name}"] = text
        progress("formatting", 0, 1)
        formatted = format_sources(rendered)
        files: dict[str, dict[str, str]] = {name: {} for name in built}
        for number, (path, text) in enumerate(formatted.items()):
            progress("checking", number, len(formatted))
            package, _, module = path.partition("/")
            api, spec_path = built[package]
            check_generated(api, module, text, spec_path)
            files[package][module] = text
        return [(Package(name, path, files[name]), api) for name, (api, path) in built.items()]


def build_package(spec: LoadedSpec, models_template_dir: Path) -> Api:
    """The IR of ``spec``'s package: its schemas collected, modelled, then the client built."""
    schemas = collect_schemas(spec)
    models = generate_models(schemas.definitions, models_template_dir)
    return build_api(spec, schemas, models)
