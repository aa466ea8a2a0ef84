"""Models of a large spec made in a worker process while the spec is validated.

The threshold is lowered here so that the shipped specs take the worker's path; GitHub's spec takes
it for real in the corpus tests and the scale benchmark.
"""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import pytest

from generator import api
from generator.errors import LoadError, SpecgenError
from generator.generate import pipeline
from tests.paths import ROOT


def files_of(folder: Path) -> dict[str, bytes]:
    # The manifest names the spec relative to the output folder: only the code is compared.
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.py"))}


def test_models_made_in_a_worker_are_the_models_made_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = [ROOT / "specs"]
    monkeypatch.setattr(pipeline, "PARALLEL_SCHEMAS", 1)
    in_workers = api.generate(specs, tmp_path / "workers")
    monkeypatch.setattr(pipeline, "PARALLEL_SCHEMAS", 10**9)
    in_process = api.generate(specs, tmp_path / "here")
    assert in_workers.outcome is not None and in_process.outcome is not None
    assert files_of(tmp_path / "workers") == files_of(tmp_path / "here")
    assert files_of(tmp_path / "here") == files_of(ROOT / "generated"), "differs from generated/"
    assert multiprocessing.active_children() == [], "a worker outlived its run"


def test_a_spec_that_fails_validation_stops_its_worker_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_SCHEMAS", 1)
    spec = tmp_path / "broken.yaml"
    spec.write_text(
        (ROOT / "specs" / "anon.yaml")
        .read_text(encoding="utf-8")
        .replace("openapi: 3.1.0", "openapi: 3.1.0\nservers: not-a-list", 1),
        encoding="utf-8",
    )
    result = api.generate([spec], tmp_path / "out")
    assert result.blocked and result.outcome is None
    assert not (tmp_path / "out").exists(), "a blocked run wrote files"
    assert multiprocessing.active_children() == [], "the worker was left running"


def test_an_error_in_the_worker_reaches_the_user_as_an_error_of_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_SCHEMAS", 1)
    templates = tmp_path / "templates"
    (templates / "python" / "models").mkdir(parents=True)
    (templates / "python" / "models" / "BaseModel.jinja2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(SpecgenError, match="datamodel-code-generator failed"):
        api.generate([ROOT / "specs" / "anon.yaml"], tmp_path / "out", templates=templates)
    assert not (tmp_path / "out").exists()


def test_an_error_keeps_its_location_across_processes() -> None:
    error = pickle.loads(pickle.dumps(LoadError("not YAML", "specs/a.yaml", 3, 7)))
    assert isinstance(error, LoadError)
    assert (str(error.path), error.line, error.col, error.message) == (
        "specs/a.yaml",
        3,
        7,
        "not YAML",
    )
