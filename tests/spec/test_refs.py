"""$ref resolution: local files beside the spec work, cycles are fine, nothing else is ever read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.check.conformance import Conformance
from generator.spec.reading import load_spec
from tests.commands import specgen
from tests.servers import counting_server
from tests.specs import MINIMAL_SPEC, write


def with_job_schema(ref: str) -> str:
    return MINIMAL_SPEC.replace('{$ref: "#/components/schemas/Job"}', f'{{$ref: "{ref}"}}')


def test_refs_into_sibling_files_resolve_and_are_loaded_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        "schemas/job.yaml",
        "Job:\n  type: object\n  properties:\n    next: {$ref: '#/Job'}\n",
    )
    spec = load_spec(write(tmp_path, "api.yaml", with_job_schema("schemas/job.yaml#/Job")))
    assert spec.problems == []
    assert {p.name for p in spec.documents} == {"api.yaml", "job.yaml"}
    target = spec.resolve(spec.root, "schemas/job.yaml#/Job")
    assert target.document.path.name == "job.yaml"
    assert target.value["type"] == "object"


def test_violations_in_another_file_point_into_that_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        "schemas/job.yaml",
        "Job:\n  type: object\n  properties:\n    id:\n      type: integer\n",
    )
    spec = load_spec(write(tmp_path, "api.yaml", with_job_schema("schemas/job.yaml#/Job")))
    (violation,) = Conformance(spec).check_response("getJob", 200, {"id": "x"})
    assert violation.schema_path.name == "job.yaml"
    assert (violation.line, violation.col, violation.keyword) == (5, 7, "type")


@pytest.mark.parametrize(
    ("ref", "rule", "message"),
    [
        ("https://example.test/job.yaml#/Job", "ref-remote", "remote $ref"),
        ("//example.test/job.yaml", "ref-remote", "remote $ref"),
        ("file:///etc/passwd", "ref-remote", "remote $ref"),
        ("../outside.yaml#/Job", "ref-outside", "leaves the spec's folder"),
        ("/etc/hostname", "ref-outside", "leaves the spec's folder"),
        ("missing.yaml#/Job", "ref-resolves", "no such file"),
        ("#/components/schemas/Nope", "ref-resolves", "no member 'Nope'"),
        ("#Job", "ref-resolves", "only JSON pointer fragments"),
    ],
)
def test_bad_refs_become_located_findings(
    tmp_path: Path, ref: str, rule: str, message: str
) -> None:
    write(tmp_path, "outside.yaml", "Job: {type: object}\n")
    spec = load_spec(write(tmp_path, "specs/api.yaml", with_job_schema(ref)))
    (problem,) = spec.problems
    assert problem.rule == rule
    assert message in problem.message
    assert problem.pointer.endswith("/schema/$ref")
    assert (problem.line, problem.col) == (16, 24)


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.yaml", "Job: {type: object}\n")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "link.yaml").symlink_to(secret)
    spec = load_spec(write(tmp_path, "specs/api.yaml", with_job_schema("link.yaml#/Job")))
    assert [p.rule for p in spec.problems] == ["ref-outside"]


def test_remote_refs_are_never_fetched(tmp_path: Path) -> None:
    from generator.api import validate_spec

    with counting_server() as (url, requests):
        report = validate_spec(write(tmp_path, "api.yaml", with_job_schema(f"{url}/job.yaml#/Job")))
    assert [f.rule for f in report.findings if f.rule.startswith("ref-")] == ["ref-remote"]
    assert requests == [], "validation reached out to the network"


@pytest.mark.parametrize(
    "ref",
    [
        "%00",
        "job%00.yaml#/Job",
        "job.yaml%00#/Job",
        "%0Ajob.yaml",
        "%1B%5B31mjob.yaml",
        "%C3%28.yaml",
        "%ZZ.yaml",
        "%",
        "#/components/schemas/%00",
        "#/%E2%80%AE",
        "%2F%2E%2E%2Fetc%2Fpasswd",
        "a" * 5000 + ".yaml",
    ],
)
def test_odd_percent_escapes_are_located_findings_on_one_line(tmp_path: Path, ref: str) -> None:
    write(tmp_path, "api.yaml", with_job_schema(ref))
    result = specgen("validate", "api.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    (finding, verdict) = result.stdout.splitlines()
    assert re.match(r"api\.yaml:16:24: ref-(resolves|outside): error: ", finding)
    assert verdict.startswith("api.yaml: invalid")
    assert finding.isprintable()


def test_a_folder_target_holding_a_link_out_of_it_is_refused_unread(tmp_path: Path) -> None:
    secret = write(tmp_path, "private/secret.yaml", "password: hunter2\n")
    write(tmp_path, "specs/api.yaml", MINIMAL_SPEC)
    (tmp_path / "specs" / "leak.yaml").symlink_to(secret)
    (tmp_path / "specs" / "alias.yaml").symlink_to(tmp_path / "specs" / "api.yaml")
    for command in (["validate", "specs"], ["bundle", "specs", "--out", "out"]):
        result = specgen(*command, cwd=tmp_path)
        assert result.returncode == 2
        assert "specs/leak.yaml: is a link to a file outside the folder" in result.stderr
        assert "hunter2" not in result.stdout + result.stderr
        assert not (tmp_path / "out").exists()
    (tmp_path / "specs" / "leak.yaml").unlink()
    # A link that stays inside the folder is just another name for a spec in it.
    assert specgen("validate", "specs", cwd=tmp_path).returncode == 0
