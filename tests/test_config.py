"""``[tool.specgen]`` in ``pyproject.toml``: one project's settings, from any folder inside it.

Each test builds a throwaway project (the shipped specs under ``api/``, a ``pyproject.toml`` at its
root) and runs the command line from a folder nested inside it, as a user working in ``src/app``
would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.check.test_check_cli import recordings
from tests.commands import specgen
from tests.paths import SPECS
from tests.specs import MINIMAL_SPEC

NO_CACHE = ("--no-cache", "--quiet")


def project(root: Path, config: str) -> Path:
    """A project at ``root``: specs in ``api/``, ``config`` as its pyproject.toml; the nested
    folder ``src/app`` to run from."""
    shutil.copytree(SPECS, root / "api")
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    nested = root / "src" / "app"
    nested.mkdir(parents=True)
    return nested


CONFIG = """\
[project]
name = "example"

[tool.specgen]
specs = ["api"]
out = "build/clients"
"""


def test_generate_from_a_subfolder_reads_specs_and_writes_where_the_file_says(
    tmp_path: Path,
) -> None:
    nested = project(tmp_path, CONFIG)
    result = specgen("generate", *NO_CACHE, cwd=nested)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "build" / "clients" / "anon" / "client.py").is_file()
    # Nothing lands where the command ran, nor in the default folders of the root.
    assert list(nested.iterdir()) == []
    assert not (tmp_path / "generated").exists()
    # And the output is up to date when checked from anywhere else in the project.
    again = specgen("generate", "--check", *NO_CACHE, cwd=tmp_path / "src")
    assert again.returncode == 0, again.stdout + again.stderr


def test_flags_override_the_file(tmp_path: Path) -> None:
    nested = project(tmp_path, CONFIG)
    result = specgen("generate", "../../api/anon.yaml", "--out", "here", *NO_CACHE, cwd=nested)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in (nested / "here").iterdir() if p.is_dir()) == ["anon"]
    assert not (tmp_path / "build").exists()


def test_defaults_resolve_against_the_project_root(tmp_path: Path) -> None:
    nested = project(tmp_path, "[tool.specgen]\nstrict = true\n")
    shutil.copytree(tmp_path / "api", tmp_path / "specs")
    result = specgen("generate", *NO_CACHE, cwd=nested)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "generated" / "anon").is_dir()


def test_strict_makes_validate_fail_on_warnings(tmp_path: Path) -> None:
    nested = project(tmp_path, CONFIG)
    # An example that does not fit its schema is a warning: it fails only a strict run.
    warning = MINIMAL_SPEC.replace("format: uuid}", "format: uuid, examples: [x]}")
    (tmp_path / "api" / "warn.yaml").write_text(warning, encoding="utf-8")
    assert specgen("validate", *NO_CACHE, cwd=nested).returncode == 0
    (tmp_path / "pyproject.toml").write_text(CONFIG + "strict = true\n", encoding="utf-8")
    strict = specgen("validate", *NO_CACHE, cwd=nested)
    assert strict.returncode == 1
    assert "warn.yaml: invalid" in strict.stdout


def test_check_takes_its_table_from_a_subfolder(tmp_path: Path) -> None:
    only_altostrat = CONFIG.replace('["api"]', '["api/altostrat.yaml"]')
    nested = project(tmp_path, only_altostrat)
    # A baseline recorded from the subfolder: the deviations of Altostrat's docs are known.
    baseline = tmp_path / "checks" / "known.json"
    baseline.parent.mkdir()
    recorded = specgen("check", "--write-baseline", baseline, *recordings("altostrat"), cwd=nested)
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    # An exchange with Anon matches no configured spec: it is reported until the table says to
    # skip exchanges nothing matches.
    runs = [*recordings("altostrat"), recordings("anon")[0]]
    unmatched = specgen("check", "--baseline", baseline, *runs, cwd=nested)
    assert " anon.json " in unmatched.stdout
    assert "SKIP anon.json " not in unmatched.stdout

    table = """
[tool.specgen.check]
baseline = "checks/known.json"
ignore-unmatched = true
jobs = 2
"""
    (tmp_path / "pyproject.toml").write_text(only_altostrat + table, encoding="utf-8")
    result = specgen("check", *runs, cwd=nested)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SKIP anon.json " in result.stdout
    # Two of Altostrat's exchanges match no operation either: skipped too, their entry stale.
    assert result.stdout.splitlines()[-1] == "4 passed, 0 failed, 7 known, 3 skipped, 1 stale"

    # A flag still wins: with --spec naming Anon's spec its exchange is checked and passes.
    anon = tmp_path / "api" / "anon.yaml"
    flagged = specgen("check", "--spec", anon, recordings("anon")[0], cwd=nested)
    assert flagged.returncode == 0, flagged.stdout + flagged.stderr
    assert "PASS anon.json" in flagged.stdout


def test_config_names_where_each_value_comes_from(tmp_path: Path) -> None:
    table = "\n[tool.specgen.check]\njobs = 3\n"
    nested = project(tmp_path, CONFIG + table)
    result = specgen("config", "--ignore-unmatched", cwd=nested)
    assert result.returncode == 0, result.stderr
    lines = {line.split(" = ")[0]: line for line in result.stdout.splitlines()}
    source = f"({tmp_path / 'pyproject.toml'})"
    assert lines["specs"] == f'specs = ["{tmp_path / "api"}"]  {source}'
    assert lines["out"] == f'out = "{tmp_path / "build" / "clients"}"  {source}'
    assert lines["check.jobs"] == f"check.jobs = 3  {source}"
    assert lines["check.ignore-unmatched"] == "check.ignore-unmatched = true  (command line)"
    assert lines["strict"] == "strict = false  (default)"
    assert lines["templates"] == "templates = (none)  (default)"
    assert lines["check.baseline"] == "check.baseline = (none)  (default)"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    nested = project(tmp_path, CONFIG)
    # A sub-package's own pyproject.toml, for other tools: the project's settings still apply.
    (nested / "pyproject.toml").write_text('[project]\nname = "app"\n', encoding="utf-8")
    result = specgen("config", cwd=nested)
    assert f"({tmp_path / 'pyproject.toml'})" in result.stdout


def test_without_configuration_paths_are_relative_to_the_working_folder(tmp_path: Path) -> None:
    shutil.copytree(SPECS, tmp_path / "specs")
    shown = specgen("config", cwd=tmp_path)
    assert 'specs = ["specs"]  (default)' in shown.stdout
    assert 'out = "generated"  (default)' in shown.stdout
    result = specgen("generate", *NO_CACHE, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote generated/anon/client.py" in result.stdout
    # From a subfolder without a configuration there is no project root to find specs in.
    (tmp_path / "sub").mkdir()
    missing = specgen("validate", *NO_CACHE, cwd=tmp_path / "sub")
    assert missing.returncode == 2


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('[tool.specgen]\nspec = ["api"]\n', "spec"),
        ("[tool.specgen]\nout = 3\n", "out"),
        ('[tool.specgen]\nspecs = "api"\n', "specs"),
        ("[tool.specgen]\nspecs = []\n", "specs"),
        ('[tool.specgen]\nstrict = "yes"\n', "strict"),
        ("[tool.specgen.check]\njobs = 0\n", "check.jobs"),
        ("[tool.specgen.check]\njobs = true\n", "check.jobs"),
        ("[tool.specgen.check]\nignore_unmatched = true\n", "check.ignore_unmatched"),
        ("[tool.specgen]\ncheck = 1\n", "check"),
    ],
)
def test_an_unknown_key_or_a_wrong_type_is_a_usage_error(
    tmp_path: Path, table: str, key: str
) -> None:
    nested = project(tmp_path, table)
    for command in (("config",), ("validate", *NO_CACHE), ("check", "x.json")):
        result = specgen(*command, cwd=nested)
        assert result.returncode == 2
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"specgen: {tmp_path / 'pyproject.toml'}: ")
        assert f"'{key}'" in line


def test_a_pyproject_that_is_not_toml_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    nested = project(tmp_path, '[tool.specgen]\nspecs = ["api"\n')
    result = specgen("generate", *NO_CACHE, cwd=nested)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"specgen: {tmp_path / 'pyproject.toml'}:")
    assert "Traceback" not in result.stderr


def test_a_huge_pyproject_is_not_read(tmp_path: Path) -> None:
    nested = project(tmp_path, "[tool.specgen]\n" + "#" * (2 << 20) + "\n")
    result = specgen("config", cwd=nested)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"specgen: {tmp_path / 'pyproject.toml'}: ")
