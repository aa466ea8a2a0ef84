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

import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType
from typing import Any

from generator.errors import SpecgenError
from generator.generate.build import build_api
from generator.generate.codegate import check_generated
from generator.generate.datamodels import ModelsModule, generate_models
from generator.generate.emit import Outcome, Output, Package
from generator.generate.ir import Api, NamedSchema
from generator.generate.layout import DEFAULT_LAYOUT, Layout
from generator.generate.render import (
    environment,
    format_sources,
    render_package,
)
from generator.generate.schemas import ClientSchemas, collect_schemas
from generator.resources import default_templates
from generator.spec.refs import LoadedSpec


def models_templates(templates: Path | None) -> Path:
    """The datamodel-code-generator templates: the user's ``python/models/``, else specgen's."""
    chosen = (templates or default_templates()) / "python" / "models"
    return chosen if chosen.is_dir() else default_templates() / "python" / "models"


#: Told of each stage and step of a run: (stage, steps done, steps in all); see generator.api.
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The :data:`Progress` of a run nobody watches."""


#: A spec with at least this many model schemas has its models made in a worker process while the
#: caller validates. Below it, starting an interpreter costs more than the overlap saves.
PARALLEL_SCHEMAS = 300


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
        self._workers: dict[int, _ModelsWorker] = {}

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
                self._workers[index] = _ModelsWorker(schemas.definitions, self._model_templates)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for worker in self._workers.values():
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

        The models of a spec given to the constructor come from its worker when it has one.
        """
        progress = self.progress
        env = environment(self.templates)
        # Per package: its IR and the spec it came from (errors in the generated code cite it).
        built: dict[str, tuple[Api, Path]] = {}
        rendered: dict[str, str] = {}
        for number, spec in enumerate(specs):
            progress("models", number, len(specs))
            schemas = self._schemas.get(id(spec)) or collect_schemas(spec)
            worker = self._workers.get(id(spec))
            if worker is not None:
                models = worker.result()
            else:
                models = generate_models(schemas.definitions, self._model_templates)
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


@dataclass
class _Failed:
    """An error other than :class:`SpecgenError` in a worker, as text (its class may not pickle)."""

    kind: str
    message: str


class _ModelsWorker:
    """:func:`generate_models` in a fresh interpreter ("spawn": nothing of this process's large heap
    is copied into it), its answer sent back over a pipe."""

    def __init__(self, schemas: tuple[NamedSchema, ...], template_dir: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._answer, sending = context.Pipe(duplex=False)
        self._process: BaseProcess = context.Process(
            target=_make_models, args=(sending, schemas, template_dir), daemon=True
        )
        self._process.start()
        sending.close()

    def result(self) -> ModelsModule:
        """The models module, or the worker's error raised here."""
        try:
            answer: Any = self._answer.recv()
        except EOFError:
            code = self._process.exitcode
            raise SpecgenError(
                f"the process generating the models stopped (exit code {code}) before answering"
            ) from None
        finally:
            self.stop()
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, _Failed):
            raise RuntimeError(f"{answer.kind}: {answer.message}")
        assert isinstance(answer, ModelsModule)
        return answer

    def stop(self) -> None:
        """End the worker, finished or not."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._answer.close()


def _make_models(answer: Connection, schemas: tuple[NamedSchema, ...], template_dir: Path) -> None:
    """The worker's body: the models module, or the error, sent back."""
    result: ModelsModule | SpecgenError | _Failed
    try:
        result = generate_models(schemas, template_dir)
    except SpecgenError as error:
        result = error
    except Exception as error:  # reported by the parent, as any crash would be
        result = _Failed(type(error).__name__, str(error))
    answer.send(result)
    answer.close()


def build_package(spec: LoadedSpec, models_template_dir: Path) -> Api:
    """The IR of ``spec``'s package: its schemas collected, modelled, then the client built."""
    schemas = collect_schemas(spec)
    models = generate_models(schemas.definitions, models_template_dir)
    return build_api(spec, schemas, models)
