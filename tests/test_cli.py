"""`specgen validate` as users run it: a line per spec, exit codes 0/1/2, one clear line per bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands import specgen
from tests.paths import SPEC_NAMES
from tests.specs import INVALID_SPEC, MINIMAL_SPEC, write


def test_shipped_specs_validate_strictly_with_a_line_per_spec() -> None:
    result = specgen("validate", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in SPEC_NAMES:
        assert f"specs/{name}.yaml: valid: 0 error(s), 0 warning(s)," in "\n".join(lines)
    # The documented contradictions show, as acknowledged, with their reasons.
    acknowledged = [line for line in lines if ": acknowledged warning: " in line]
    assert {line.split(":")[0] for line in acknowledged} == {
        "specs/altostrat.yaml",
        "specs/alteryx.yaml",
        "specs/elasticpath.yaml",
    }
    assert all("[acknowledged: " in line for line in acknowledged)


def test_json_output_is_machine_readable() -> None:
    result = specgen("validate", "--format", "json", "specs/elasticpath.yaml")
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert payload["valid"] is True
    (spec,) = payload["specs"]
    assert spec["path"] == "specs/elasticpath.yaml"
    (finding,) = spec["findings"]
    assert finding["rule"] == "example-valid"
    assert finding["acknowledged"].startswith("The page's 404 example")
    assert finding["pointer"].endswith(
        "/responses/404/content/application~1json/examples/from-schema/value"
    )


def test_errors_exit_1_and_warnings_only_with_strict(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", INVALID_SPEC)
    result = specgen("validate", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "bad.yaml:4:5: server-variables: error: " in result.stdout
    assert "bad.yaml: invalid: 1 error(s), 0 warning(s), 0 acknowledged" in result.stdout

    write(
        tmp_path, "warn.yaml", MINIMAL_SPEC.replace("format: uuid}", "format: uuid, examples: [x]}")
    )
    assert specgen("validate", "warn.yaml", cwd=tmp_path).returncode == 0
    strict = specgen("validate", "--strict", "warn.yaml", cwd=tmp_path)
    assert strict.returncode == 1
    assert (
        "warn.yaml:23:53: example-valid: warning: example #0 does not fit its schema"
        in strict.stdout
    )


BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
    for i in range(9)
)

BAD_INPUTS = [
    # (name, file text or None for a missing file, exit code, the one line expected)
    ("missing", None, 2, "spec.yaml: no such file"),
    ("empty", "", 2, "spec.yaml:1:1: empty file, expected a YAML or JSON document"),
    (
        "malformed",
        "openapi: 3.1.0\ninfo: [title\n",
        2,
        "spec.yaml:3:1: malformed YAML: did not find expected ',' or ']'",
    ),
    (
        "not-openapi",
        "name: my shopping list\nitems: [milk]\n",
        1,
        "spec.yaml:1:1: openapi-version: error: not an OpenAPI",
    ),
    ("yaml-bomb", BOMB, 2, "aliases expand to more than 500000 extra values (a YAML bomb?)"),
    (
        "broken-ref",
        MINIMAL_SPEC.replace("#/components/schemas/Job", "#/components/schemas/Jbo"),
        1,
        "spec.yaml:16:24: ref-resolves: error: $ref '#/components/schemas/Jbo' does not resolve",
    ),
    (
        "remote-ref",
        MINIMAL_SPEC.replace("#/components/schemas/Job", "https://example.test/job.yaml#/Job"),
        1,
        "spec.yaml:16:24: ref-remote: error: remote $ref 'https://example.test/job.yaml#/Job' is refused",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "code", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_gets_one_clear_located_line(
    tmp_path: Path, name: str, text: str | None, code: int, expected: str
) -> None:
    if text is not None:
        write(tmp_path, "spec.yaml", text)
    result = specgen("validate", "spec.yaml", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output
    assert expected in output, output
    assert output.count(expected) == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert specgen("validate", "--format", "xml").returncode == 2
    assert specgen("frobnicate").returncode == 2
    (tmp_path / "empty").mkdir()
    result = specgen("validate", "empty", cwd=tmp_path)
    assert result.returncode == 2
    assert "empty: folder holds no .yaml, .yml or .json spec" in result.stderr


def test_a_folder_validates_every_spec_in_it(tmp_path: Path) -> None:
    write(tmp_path, "specs/a.yaml", MINIMAL_SPEC)
    write(tmp_path, "specs/b.yml", MINIMAL_SPEC)
    write(tmp_path, "specs/notes.txt", "not a spec")
    result = specgen("validate", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "specs/a.yaml: valid: 0 error(s), 0 warning(s), 0 acknowledged",
        "specs/b.yml: valid: 0 error(s), 0 warning(s), 0 acknowledged",
    ]
