"""Patterns are ECMA-262, OpenAPI's dialect: valid ones never block a spec; what a consumer cannot
run is a located warning; only what is no ECMA-262 at all is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.api import validate_spec
from generator.spec.findings import Finding, Severity
from tests.specs import MINIMAL_SPEC, write

OAS30 = MINIMAL_SPEC.replace("openapi: 3.1.0", "openapi: 3.0.3")

#: ECMA-262 patterns from public specs that Python's ``re`` refuses or reads otherwise.
ECMA_VALID = {
    "unicode property": r"^\p{L}+$",
    "unicode properties in a class (AWS)": r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$",
    "unescaped closing brace": r"^a}$",
    "class escape in a range": r"^[\w- ]*$",
    "named group and back-reference": r"^(?<x>a)\k<x>$",
    "control escape": r"^\cJ$",
    "empty negated class": r"^[^]$",
}
#: Not ECMA-262, whatever the flags.
NOT_ECMA = {
    "unbalanced parenthesis": r"^(a$",
    "quantifier range backwards": r"^a{2,1}$",
    "Python-only named group": r"^(?P<n>a)$",
    "Python-only inline flag": r"(?i)^abc$",
}


def spec_with_pattern(tmp_path: Path, base: str, pattern: str, where: str = "pattern") -> Path:
    quoted = pattern.replace("'", "''")
    if where == "pattern":
        prop = f"code: {{type: string, pattern: '{quoted}'}}"
    else:
        prop = f"labels: {{type: object, patternProperties: {{'{quoted}': {{type: string}}}}}}"
    text = base.replace(
        "        id: {type: string, format: uuid}\n",
        f"        id: {{type: string, format: uuid}}\n        {prop}\n",
    )
    return write(tmp_path, "api.yaml", text)


#: Where patterns are written (OpenAPI 3.0 schemas have no ``patternProperties``).
PLACES = [(MINIMAL_SPEC, "pattern"), (OAS30, "pattern"), (MINIMAL_SPEC, "patternProperties")]
#: The line the pattern is written on in :func:`spec_with_pattern`'s spec.
PATTERN_LINE = MINIMAL_SPEC.count("\n") + 1


def pattern_findings(spec: Path) -> list[Finding]:
    report = validate_spec(spec)
    assert report.load_error is None, report.load_error
    return report.findings


@pytest.mark.parametrize(("base", "where"), PLACES, ids=["3.1", "3.0", "3.1-patternProperties"])
@pytest.mark.parametrize("name", sorted(ECMA_VALID))
def test_an_ecma_262_pattern_never_blocks_the_spec(
    tmp_path: Path, name: str, base: str, where: str
) -> None:
    spec = spec_with_pattern(tmp_path, base, ECMA_VALID[name], where)
    report = validate_spec(spec)
    assert not report.failed(strict=False), report.findings
    for finding in report.findings:
        assert (finding.rule, finding.severity) == ("pattern-unenforced", Severity.WARNING)
        assert finding.line == PATTERN_LINE, "at the pattern"


@pytest.mark.parametrize(("base", "where"), PLACES, ids=["3.1", "3.0", "3.1-patternProperties"])
@pytest.mark.parametrize("name", sorted(NOT_ECMA))
def test_a_pattern_that_is_not_ecma_262_is_an_error_at_the_pattern(
    tmp_path: Path, name: str, base: str, where: str
) -> None:
    spec = spec_with_pattern(tmp_path, base, NOT_ECMA[name], where)
    (finding,) = pattern_findings(spec)
    assert (finding.rule, finding.severity) == ("pattern-syntax", Severity.ERROR)
    assert finding.line == PATTERN_LINE
    assert finding.pointer.endswith("/pattern") or "/patternProperties/" in finding.pointer


@pytest.mark.parametrize(
    ("pattern", "left_out"),
    [
        (r"^\cJ$", "generated models"),  # Python's regex module refuses \c
        (r"^[\w-.]$", "recorded payloads"),  # jsonschema-rs refuses a class escape in a range
        (r"^(?<x>a)\k<x>$", "generated models"),
    ],
)
def test_what_a_consumer_cannot_run_is_named_in_a_warning(
    tmp_path: Path, pattern: str, left_out: str
) -> None:
    (finding,) = pattern_findings(spec_with_pattern(tmp_path, MINIMAL_SPEC, pattern))
    assert (finding.rule, finding.severity, finding.line) == (
        "pattern-unenforced",
        Severity.WARNING,
        PATTERN_LINE,
    )
    assert left_out in finding.message


def test_patterns_every_consumer_runs_are_no_finding(tmp_path: Path) -> None:
    for pattern in (r"^[a-z]+$", r"^\p{L}+$", r"^a}$", r"^(?!x)[a-z]+$", r"^\d{3}-\d{4}$"):
        assert pattern_findings(spec_with_pattern(tmp_path, OAS30, pattern)) == [], pattern


def test_an_example_under_a_pattern_the_checker_cannot_compile_is_a_warning(
    tmp_path: Path,
) -> None:
    text = MINIMAL_SPEC.replace(
        "        id: {type: string, format: uuid}\n",
        "        id: {type: string, format: uuid}\n"
        "        code: {type: string, pattern: '^[\\w-.]+$', example: 'a-b'}\n",
    )
    report = validate_spec(write(tmp_path, "api.yaml", text))
    assert not report.failed(strict=False)
    assert {(f.rule, f.severity) for f in report.findings} == {
        ("pattern-unenforced", Severity.WARNING),
        ("example-valid", Severity.WARNING),
    }
