"""`specgen generate` as a whole: deterministic, atomic, checkable, overridable, lint- and type-clean."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.api import generate
from generator.generate.emit import MANIFEST, ROOT_INIT_KEY
from tests.commands import specgen
from tests.paths import ROOT, SPEC_NAMES
from tests.specs import INVALID_SPEC, MINIMAL_SPEC, write

GENERATED = ROOT / "generated"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped specs generated into a new folder, as `specgen generate` would."""
    out = tmp_path_factory.mktemp("fresh") / "generated"
    result = generate([ROOT / "specs"], out)
    assert not result.blocked
    return out


def test_committed_output_matches_the_specs() -> None:
    result = specgen("generate", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "generated: up to date" in result.stdout


def test_output_is_byte_identical_across_runs_and_matches_the_committed_tree(fresh: Path) -> None:
    committed = tree(GENERATED)
    again = tree(fresh)
    committed.pop(MANIFEST), again.pop(MANIFEST)
    assert again == committed
    for name in SPEC_NAMES:
        assert {
            f"{name}/{f}"
            for f in ("__init__.py", "client.py", "errors.py", "models.py", "py.typed")
        } <= set(again)


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "--no-cache", "generated"],
        ["ruff", "format", "--check", "--no-cache", "generated"],
        ["mypy", "--strict", "--no-incremental", "generated"],
    ],
    ids=["ruff check", "ruff format", "mypy --strict"],
)
def test_generated_code_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_names_stale_files_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    shutil.copytree(GENERATED, out)
    (out / "anon" / "client.py").write_text("# edited by hand\n")
    (out / "sitehost" / "models.py").unlink()
    result = specgen("generate", "--check", "--out", out)
    assert result.returncode == 1
    assert (
        f"{out}/anon/client.py: is stale" in result.stdout
        or "anon/client.py: is stale" in result.stdout
    )
    assert "sitehost/models.py: is stale" in result.stdout
    assert "2 file(s) differ from the specs" in result.stdout
    assert (out / "anon" / "client.py").read_text() == "# edited by hand\n", (
        "--check must not write"
    )


def test_a_spec_with_errors_generates_nothing(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write(tmp_path, "specs/good.yaml", MINIMAL_SPEC)
    write(tmp_path, "specs/bad.yaml", INVALID_SPEC)
    result = specgen("generate", "specs", "--out", out, cwd=tmp_path)
    assert result.returncode == 1
    assert "bad.yaml:4:5: server-variables: error" in result.stderr
    assert "nothing was generated" in result.stderr
    assert not out.exists()


def test_a_failing_run_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    spec = write(tmp_path, "specs/jobs.yaml", MINIMAL_SPEC)
    assert specgen("generate", spec, "--out", out).returncode == 0
    before = tree(out)
    broken = tmp_path / "broken"
    write(broken, "python/client.py.jinja", "{{ api.no_such_field }}\n")
    write(
        spec.parent, "jobs.yaml", MINIMAL_SPEC.replace("Job:", "Job:\n      description: changed")
    )
    result = specgen("generate", spec, "--out", out, "--templates", broken)
    assert result.returncode == 2
    assert "template client.py.jinja" in result.stderr and "no_such_field" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(out) == before


def test_files_specgen_did_not_write_are_kept_and_its_own_stale_files_removed(
    tmp_path: Path,
) -> None:
    out = tmp_path / "generated"
    spec = write(tmp_path, "specs/jobs.yaml", MINIMAL_SPEC)
    assert specgen("generate", spec, "--out", out).returncode == 0
    write(out, "jobs/custom_helpers.py", "# mine\n")
    write(out, "README.md", "mine too\n")
    spec.unlink()
    other = write(tmp_path, "specs/other.yaml", MINIMAL_SPEC)
    result = specgen("generate", other, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "removed" in result.stdout
    assert not (out / "jobs" / "client.py").exists(), "the package of a deleted spec is stale"
    assert (out / "jobs" / "custom_helpers.py").read_text() == "# mine\n"
    assert (out / "README.md").exists()
    assert (out / "other" / "client.py").exists()


def test_user_templates_override_by_name(tmp_path: Path) -> None:
    custom = tmp_path / "mine"
    original = (ROOT / "templates" / "python" / "errors.py.jinja").read_text()
    write(custom, "python/errors.py.jinja", original + "\n\nCUSTOMISED = True\n")
    spec = write(tmp_path, "specs/jobs.yaml", MINIMAL_SPEC)
    out = tmp_path / "generated"
    assert specgen("generate", spec, "--out", out, "--templates", custom).returncode == 0
    assert "CUSTOMISED = True" in (out / "jobs" / "errors.py").read_text()
    assert "class Client" in (out / "jobs" / "client.py").read_text()


def test_missing_spec_and_bad_templates_folder_are_usage_errors(tmp_path: Path) -> None:
    result = specgen("generate", tmp_path / "nope.yaml", "--out", tmp_path / "out")
    assert result.returncode == 2 and "nope.yaml: no such file" in result.stderr
    result = specgen("generate", "--templates", tmp_path, "--out", tmp_path / "out")
    assert result.returncode == 2 and "must hold a python/ folder" in result.stderr


# -- generating into a package of the user's project ---------------------------------------------------

USER_INIT = '"""My app\'s clients, with a helper of my own."""\n\nDEFAULT_TIMEOUT = 5.0\n'


def test_a_users_package_keeps_its_init_and_its_clients_import_from_anywhere(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    spec = write(project, "specs/jobs.yaml", MINIMAL_SPEC)
    clients = project / "src" / "myapp" / "clients"
    write(project, "src/myapp/__init__.py", "")
    init = write(clients, "__init__.py", USER_INIT)

    for _ in range(2):  # the second run finds everything in place
        result = specgen("generate", spec, "--out", "src/myapp/clients", cwd=project)
        assert result.returncode == 0, result.stderr
        assert init.read_text(encoding="utf-8") == USER_INIT, "the user's __init__.py was rewritten"
    # specgen does not claim the folder's __init__.py: it is the user's.
    assert ROOT_INIT_KEY not in json.loads((clients / MANIFEST).read_text(encoding="utf-8"))
    check = specgen("generate", spec, "--out", clients, "--check")
    assert check.returncode == 0 and "up to date" in check.stdout, check.stdout + check.stderr

    # Imported as a nested package, from a working directory outside the project.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "from myapp import clients\n"
        "from myapp.clients import jobs\n"
        "print(clients.DEFAULT_TIMEOUT, jobs.Client.__module__, jobs.models.__name__)\n"
    )
    imported = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=elsewhere,
        env={"PATH": "", "PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == [
        "5.0",
        "myapp.clients.jobs.client",
        "myapp.clients.jobs.models",
    ]


def test_specgen_keeps_its_own_init_and_leaves_one_the_user_replaced_it_with(
    tmp_path: Path,
) -> None:
    spec = write(tmp_path, "specs/jobs.yaml", MINIMAL_SPEC)
    out = tmp_path / "out"
    assert specgen("generate", spec, "--out", out).returncode == 0
    ours = (out / "__init__.py").read_text(encoding="utf-8")
    assert "generated by specgen" in ours
    assert specgen("generate", spec, "--out", out, "--check").returncode == 0

    (out / "__init__.py").write_text(USER_INIT, encoding="utf-8")
    result = specgen("generate", spec, "--out", out)
    assert result.returncode == 0, result.stderr
    assert (out / "__init__.py").read_text(encoding="utf-8") == USER_INIT

    (out / "__init__.py").unlink()  # gone: specgen's to write again
    assert specgen("generate", spec, "--out", out).returncode == 0
    assert (out / "__init__.py").read_text(encoding="utf-8") == ours
