"""``PATH@REV``: a spec, and the files it $refs, read from a git revision of a real repository."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

import generator.api
from generator.diff.revisions import load_version
from generator.errors import LoadError
from tests.diff.builders import JOB_ID, OP, api, obj, returning_ref, summary, write


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=specgen", "-c", "user.email=specgen@example.test"]
    subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with specs/api.yaml (committed), the working directory set to it."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    write(root, "specs/api.yaml", api())
    commit(root, "first spec")
    monkeypatch.chdir(root)
    return root


def test_a_revision_against_the_working_file(repo: Path) -> None:
    write(repo, "specs/api.yaml", api(params=[JOB_ID]))
    report = generator.api.diff("specs/api.yaml@HEAD", "specs/api.yaml")
    assert (report.old, report.new) == ("specs/api.yaml@HEAD", "specs/api.yaml")
    assert summary(report) == [("parameter-removed", True, f"{OP}/parameters/1", None)]


def test_absolute_paths_and_relative_revisions(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "specs/api.yaml", api(operation_id="patchJob"))
    commit(repo, "rename the operation")
    monkeypatch.chdir(tmp_path)  # outside the repository: the repository is found from the file
    report = generator.api.diff(f"{repo}/specs/api.yaml@HEAD~1", f"{repo}/specs/api.yaml@HEAD")
    assert [c.kind for c in report.changes] == ["operation-id-changed"]


def test_referenced_files_are_read_from_the_same_revision(repo: Path) -> None:
    write(repo, "specs/schemas/job.yaml", {"Job": obj(id={"type": "string"})})
    write(repo, "specs/api.yaml", returning_ref("schemas/job.yaml#/Job"))
    commit(repo, "job schema in its own file")
    write(repo, "specs/schemas/job.yaml", {"Job": obj(id={"type": "integer"})})
    commit(repo, "integer ids")
    # The working tree holds yet another version: neither side may read it.
    write(repo, "specs/schemas/job.yaml", {"Job": obj(id={"type": "boolean"})})

    report = generator.api.diff("specs/api.yaml@HEAD~1", "specs/api.yaml@HEAD")
    pointer = "schemas/job.yaml#/Job/properties/id/type"
    assert summary(report) == [("response-property-type-changed", True, pointer, pointer)]
    assert "from string to integer" in report.changes[0].message
    assert (
        "from integer to boolean"
        in generator.api.diff("specs/api.yaml@HEAD", "specs/api.yaml").changes[0].message
    )


def test_a_file_gone_from_the_working_tree_is_read_from_the_revision(repo: Path) -> None:
    git(repo, "rm", "-q", "-r", "specs")
    spec = load_version("specs/api.yaml@HEAD")
    assert spec.data["paths"]["/jobs/{jobId}"]["post"]["operationId"] == "updateJob"


def test_the_temporary_copy_is_removed(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    load_version("specs/api.yaml@HEAD")
    assert list(scratch.iterdir()) == []


def test_an_existing_file_with_an_at_sign_is_a_file(repo: Path) -> None:
    write(repo, "specs/api@v2.yaml", api())
    assert load_version("specs/api@v2.yaml").data["info"]["title"] == "Jobs"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("specs/api.yaml@nope", "specs/api.yaml@nope: unknown revision 'nope'"),
        ("specs/api.yaml@HEAD~5", "specs/api.yaml@HEAD~5: unknown revision 'HEAD~5'"),
        (
            "specs/other.yaml@HEAD",
            "specs/other.yaml@HEAD: no file specs/other.yaml at revision 'HEAD'",
        ),
        ("specs/api.yaml@--output=x", "specs/api.yaml@--output=x: not a revision: '--output=x'"),
        ("specs/missing.yaml", "specs/missing.yaml: no such file"),
    ],
)
def test_unreadable_versions_are_load_errors(repo: Path, ref: str, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        generator.api.diff(ref, "specs/api.yaml")
    assert str(caught.value) == message


def test_malformed_yaml_at_a_revision_names_the_revision(repo: Path) -> None:
    (repo / "specs/api.yaml").write_text("openapi: 3.1.0\npaths: [\n", encoding="utf-8")
    commit(repo, "broken")
    with pytest.raises(LoadError, match=r"^specs/api.yaml@HEAD:3:1: malformed YAML"):
        load_version("specs/api.yaml@HEAD")


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "api.yaml", api())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(LoadError, match=r"^api.yaml@HEAD: \. is not inside a git repository$"):
        load_version("api.yaml@HEAD")


def test_without_git(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    with pytest.raises(LoadError, match=r"^specs/api.yaml@HEAD: git is not available"):
        load_version("specs/api.yaml@HEAD")
