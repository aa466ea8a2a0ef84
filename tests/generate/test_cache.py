"""The cache: a run on unchanged inputs reads its findings and packages back, byte for byte what a
run without it makes; anything changed, corrupt or tampered with is noticed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import api
from generator.errors import SpecgenError
from generator.generate import cached, pipeline
from generator.generate.cache import Cache, default_folder
from generator.spec.reading import load_spec
from generator.validate.outcome import validate_loaded
from tests.commands import specgen
from tests.paths import SPECS
from tests.specs import MINIMAL_SPEC, write


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


def entry_start(entry: Path) -> bytes:
    return entry.read_bytes()[: entry.stat().st_size // 2]


def refuse_to_read_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, loading or rendering any spec fails the test: a hit must do neither."""

    def nothing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the spec was read or rendered on a cache hit")

    monkeypatch.setattr(api, "load_spec", nothing)
    monkeypatch.setattr(cached, "load_spec", nothing)
    monkeypatch.setattr(pipeline.Generation, "render", nothing)


#: A spec whose Job schema lives in another file.
SPLIT_SPEC = MINIMAL_SPEC.replace('"#/components/schemas/Job"', '"job.yaml#/Job"')
JOB = "Job:\n  type: object\n  required: [id]\n  properties:\n    id: {type: string}\n"


def test_the_shipped_specs_generate_the_same_bytes_with_and_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold = api.generate([SPECS], tmp_path / "cold", cache=cache)
    without = api.generate([SPECS], tmp_path / "without")
    refuse_to_read_specs(monkeypatch)
    # Into a fresh folder: every file comes from the cache, and is written.
    hit = api.generate([SPECS], tmp_path / "hit", cache=cache)

    assert (
        files_of(tmp_path / "hit") == files_of(tmp_path / "cold") == files_of(tmp_path / "without")
    )
    assert hit.reports == cold.reports == without.reports
    assert hit.outcome == cold.outcome == without.outcome
    again = api.generate([SPECS], tmp_path / "hit", cache=cache)
    assert again.outcome is not None and not again.outcome.written
    assert api.generate([SPECS], tmp_path / "hit", check=True, cache=cache).outcome == again.outcome


def test_validate_prints_the_same_findings_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = write(tmp_path, "spec.yaml", MINIMAL_SPEC.replace("      operationId: getJob\n", ""))
    first = api.validate([SPECS, spec], cache=tmp_path / "cache")
    refuse_to_read_specs(monkeypatch)
    again = api.validate([SPECS, spec], cache=tmp_path / "cache")

    assert again == first
    assert any(f.rule == "operation-id" for f in again[-1].findings)
    assert any(f.acknowledged for report in again for f in report.findings)


def test_a_spec_with_errors_is_still_refused_from_the_cache(tmp_path: Path) -> None:
    spec = write(tmp_path, "spec.yaml", MINIMAL_SPEC.replace("/jobs/{jobId}", "/jobs/{id}"))
    for _ in range(2):
        result = api.generate([spec], tmp_path / "out", cache=tmp_path / "cache")
        assert result.blocked and result.outcome is None
    assert not (tmp_path / "out").exists()


def test_a_changed_referenced_file_is_read_again(tmp_path: Path) -> None:
    spec = write(tmp_path / "api", "spec.yaml", SPLIT_SPEC)
    job = write(tmp_path / "api", "job.yaml", JOB)
    cache = tmp_path / "cache"
    api.generate([spec], tmp_path / "out", cache=cache)

    job.write_text(JOB + "    title: {type: string}\n", encoding="utf-8")
    result = api.generate([spec], tmp_path / "out", cache=cache)

    assert result.outcome is not None and result.outcome.written == ["spec/models.py"]
    assert "title: str | None = None" in (tmp_path / "out" / "spec" / "models.py").read_text()
    api.generate([spec], tmp_path / "fresh")
    assert files_of(tmp_path / "out") == files_of(tmp_path / "fresh")


def test_a_referenced_file_that_appears_is_noticed(tmp_path: Path) -> None:
    spec = write(tmp_path, "spec.yaml", SPLIT_SPEC)
    cache = tmp_path / "cache"
    (missing,) = api.validate([spec], cache=cache)
    assert [f.rule for f in missing.findings] == ["ref-resolves"]

    write(tmp_path, "job.yaml", JOB)
    (found,) = api.validate([spec], cache=cache)
    assert found.findings == []


def test_a_result_is_kept_under_the_bytes_it_was_made_from(tmp_path: Path) -> None:
    """A spec edited while it was being validated: the findings are of the version read."""
    spec_path = write(
        tmp_path, "spec.yaml", MINIMAL_SPEC.replace("      operationId: getJob\n", "")
    )
    spec = load_spec(spec_path)
    findings = validate_loaded(spec)
    read = spec_path.read_bytes()
    spec_path.write_text(MINIMAL_SPEC, encoding="utf-8")
    Cache(tmp_path / "cache").keep_findings(spec, findings)

    # Each run is a Cache of its own.
    assert Cache(tmp_path / "cache").findings(spec_path, spec.limits) is None
    spec_path.write_bytes(read)
    assert Cache(tmp_path / "cache").findings(spec_path, spec.limits) == findings


def test_a_run_reads_one_version_of_a_spec(tmp_path: Path) -> None:
    """Findings from the cache, then the spec loaded to render it: both must be of one version."""
    spec_path = write(tmp_path, "spec.yaml", MINIMAL_SPEC)
    spec = load_spec(spec_path)
    Cache(tmp_path / "cache").keep_findings(spec, validate_loaded(spec))
    run = Cache(tmp_path / "cache")
    assert run.findings(spec_path, spec.limits) == []

    spec_path.write_text(MINIMAL_SPEC.replace("/jobs/{jobId}", "/jobs/{id}"), encoding="utf-8")
    assert run.findings(spec_path, spec.limits) == []  # what this run found first
    assert not run.read_as_found(load_spec(spec_path))
    assert Cache(tmp_path / "cache").findings(spec_path, spec.limits) is None


def test_corrupt_entries_are_ignored_and_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    api.generate([SPECS / "anon.yaml"], tmp_path / "first", cache=cache)
    kept = entries(cache)
    assert len(kept) == 2  # the findings, and the package
    # An empty file, and one cut short (as a full disk or a crash could leave them).
    for entry, text in zip(kept, [b"", entry_start(kept[1])], strict=True):
        entry.write_bytes(text)

    api.generate([SPECS / "anon.yaml"], tmp_path / "second", cache=cache)
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")
    assert all(json.loads(entry.read_bytes())["format"] == 1 for entry in entries(cache))
    assert len(entries(cache)) == 2


def test_an_entry_of_the_wrong_shape_is_a_miss(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    api.generate([SPECS / "anon.yaml"], tmp_path / "first", cache=cache)
    for entry in entries(cache):
        data = json.loads(entry.read_bytes())
        if "findings" in data:
            data["findings"] = [["example-valid", "fatal", "no such severity"]]
        else:
            data["files"] = {"models.py": 42}
        entry.write_text(json.dumps(data), encoding="utf-8")

    result = api.generate([SPECS / "anon.yaml"], tmp_path / "second", cache=cache)
    assert result.reports[0].findings == []
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")


def test_code_read_back_from_the_cache_passes_the_gate_before_it_is_written(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    api.generate([SPECS / "anon.yaml"], tmp_path / "first", cache=cache)
    (package,) = [e for e in entries(cache) if "files" in json.loads(e.read_bytes())]
    data = json.loads(package.read_bytes())
    data["files"]["models.py"] = data["files"]["models.py"].replace(
        "class Job(BaseModel):\n", "class Job(BaseModel):\n    secret = open('/etc/passwd')\n"
    )
    package.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(SpecgenError) as refused:
        api.generate([SPECS / "anon.yaml"], tmp_path / "second", cache=cache)
    # Located at the schema the class came from, as for code rendered in the run.
    assert "refusing to write anon/models.py (schema /components/schemas/Job)" in str(refused.value)
    assert refused.value.path == SPECS / "anon.yaml"
    assert not (tmp_path / "second").exists()


def test_two_specs_that_become_one_package_are_refused_from_the_cache(tmp_path: Path) -> None:
    first = write(tmp_path / "a", "jobs.yaml", MINIMAL_SPEC)
    second = write(tmp_path / "b", "jobs.yaml", MINIMAL_SPEC)
    cache = tmp_path / "cache"
    api.generate([first], tmp_path / "one", cache=cache)
    api.generate([second], tmp_path / "two", cache=cache)

    with pytest.raises(SpecgenError, match=r"b/jobs.yaml and .*a/jobs.yaml both become package"):
        api.generate([first, second], tmp_path / "both", cache=cache)


def test_other_templates_are_other_entries(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    write(templates, "python/errors.py.jinja", '"""Errors of {{ api.api_name }}."""\n')
    spec = write(tmp_path, "jobs.yaml", MINIMAL_SPEC)
    cache = tmp_path / "cache"
    api.generate([spec], tmp_path / "plain", cache=cache)
    api.generate([spec], tmp_path / "custom", templates=templates, cache=cache)

    custom = (tmp_path / "custom" / "jobs" / "errors.py").read_text()
    assert custom.startswith('"""Errors of Jobs API."""')
    assert (tmp_path / "plain" / "jobs" / "errors.py").read_text() != custom


def test_the_least_recently_used_entries_go_beyond_the_size_limit(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    specs = [load_spec(SPECS / f"{name}.yaml") for name in ("anon", "sitehost")]
    old, new = (validate_loaded(spec) for spec in specs)
    Cache(folder).keep_findings(specs[0], old)
    (first,) = entries(folder)
    os.utime(first, (1, 1))
    Cache(folder).keep_findings(specs[1], new)
    size = max(entry.stat().st_size for entry in entries(folder))

    small = Cache(folder, max_bytes=size + 1)
    small.keep_findings(specs[1], new)

    assert small.findings(SPECS / "anon.yaml", specs[0].limits) is None
    assert small.findings(SPECS / "sitehost.yaml", specs[1].limits) == new
    assert sum(entry.stat().st_size for entry in entries(folder)) <= size + 1


def test_the_cache_folder_is_specgens_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path / "chosen"))
    assert default_folder() == tmp_path / "chosen"
    monkeypatch.delenv("SPECGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if os.name == "posix" and os.uname().sysname == "Linux":
        assert default_folder() == tmp_path / "xdg" / "specgen"


def test_a_cache_folder_that_cannot_be_written_keeps_nothing_and_fails_nothing(
    tmp_path: Path,
) -> None:
    blocked = write(tmp_path, "cache", "a file where the folder would be\n")
    result = api.generate([SPECS / "anon.yaml"], tmp_path / "out", cache=blocked)
    assert result.outcome is not None and "anon/models.py" in result.outcome.written


def test_the_command_line_keeps_its_cache_where_it_is_told(tmp_path: Path) -> None:
    spec = write(tmp_path, "jobs.yaml", MINIMAL_SPEC)
    default = Path(os.environ["SPECGEN_CACHE_DIR"])  # tests/conftest.py: this test's own

    assert specgen("validate", spec, "--no-cache").returncode == 0
    assert not entries(default)
    assert specgen("generate", spec, "--out", tmp_path / "out").returncode == 0
    assert len(entries(default)) == 2
    assert specgen("validate", spec, "--cache-dir", tmp_path / "mine").returncode == 0
    assert len(entries(tmp_path / "mine")) == 1

    both = specgen("generate", spec, "--cache-dir", tmp_path / "mine", "--no-cache")
    assert both.returncode == 2
