"""Inputs diff cannot compare (not OpenAPI, $refs that cannot be followed) are refused with the
located errors validate gives and exit 2, as the old version and as the new: never a wrong diff."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

import generator.api
from tests.commands import specgen
from tests.diff.builders import api, write
from tests.specs import UNUSABLE, write_unusable

GOOD = api()


def refused(result: subprocess.CompletedProcess[str], finding: str) -> None:
    """A refusal: exit 2, the finding located first, nothing on stdout."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(finding + ": error: "), result.stderr
    assert "not a usable OpenAPI document" in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("case", sorted(UNUSABLE))
def test_an_unusable_old_or_new_version_is_refused(tmp_path: Path, case: str) -> None:
    unusable = write_unusable(tmp_path, case)
    good = write(tmp_path, "good.yaml", GOOD)
    finding = UNUSABLE[case][2]
    refused(specgen("diff", unusable.relative_to(tmp_path), "good.yaml", cwd=tmp_path), finding)
    refused(specgen("diff", good, unusable.relative_to(tmp_path), cwd=tmp_path), finding)


def test_both_versions_unusable_are_both_reported(tmp_path: Path) -> None:
    write_unusable(tmp_path, "text")
    write_unusable(tmp_path, "json-array")
    result = specgen("diff", "notes.txt", "spec.json", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert [line.split(": ")[0:2] for line in result.stderr.splitlines()[:2]] == [
        ["notes.txt:1:1", "openapi-schema"],
        ["spec.json:1:1", "openapi-schema"],
    ]


def test_a_version_that_breaks_the_openapi_schema_is_refused_where_it_breaks(
    tmp_path: Path,
) -> None:
    # `requestBody: null` is no Request Body Object: the metaschema says so, at its line.
    null = api()
    null["paths"]["/jobs/{jobId}"]["post"]["requestBody"] = None
    write(tmp_path, "null.yaml", null)
    write(tmp_path, "good.yaml", GOOD)
    result = specgen("diff", "good.yaml", "null.yaml", cwd=tmp_path)
    assert result.returncode == 2
    line = yaml.safe_dump(null, sort_keys=False).splitlines().index("      requestBody: null") + 1
    assert result.stderr.startswith(f"null.yaml:{line}:"), result.stderr
    assert ": openapi-schema: error: " in result.stderr.splitlines()[0]


def test_the_library_raises_with_the_findings(tmp_path: Path) -> None:
    unusable = write_unusable(tmp_path, "broken-ref")
    good = write(tmp_path, "good.yaml", GOOD)
    with pytest.raises(generator.api.UnusableSpecError) as raised:
        generator.api.diff(str(good), str(unusable))
    assert [(f.rule, f.path, f.line) for f in raised.value.findings] == [
        ("ref-resolves", unusable, 16)
    ]


def test_a_revision_with_a_broken_ref_is_named_as_the_revision(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    write(tmp_path, "specs/jobs.yaml", GOOD)
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-qm", "good")
    broken = api()
    broken["paths"]["/jobs/{jobId}"]["post"]["responses"]["200"] = {"$ref": "#/nowhere"}
    write(tmp_path, "specs/jobs.yaml", broken)
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-qm", "broken")
    result = specgen("diff", "specs/jobs.yaml@HEAD", "specs/jobs.yaml@HEAD~1", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("specs/jobs.yaml@HEAD:"), result.stderr
    assert "ref-resolves: error" in result.stderr
