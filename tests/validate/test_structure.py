"""openapi-spec-validator's verdict as specgen reports it: unusable specs are errors at their node,
suspicious values (a default that breaks its own schema) are warnings that do not block generation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.api import validate_spec
from generator.spec.findings import Finding, Severity
from tests.paths import ROOT
from tests.specs import MINIMAL_SPEC, write

OAS30 = MINIMAL_SPEC.replace("openapi: 3.1.0", "openapi: 3.0.3")


def findings_of(spec: Path) -> list[Finding]:
    report = validate_spec(spec)
    assert report.load_error is None, report.load_error
    return report.findings


def line_of(spec: Path, text: str) -> int:
    """The 1-based line of ``spec`` that holds ``text`` (once)."""
    (line,) = [n for n, row in enumerate(spec.read_text().splitlines(), 1) if text in row]
    return line


def with_job_property(text: str, prop: str) -> str:
    return text.replace(
        "        id: {type: string, format: uuid}\n",
        f"        id: {{type: string, format: uuid}}\n        {prop}\n",
    )


@pytest.mark.parametrize("base", [MINIMAL_SPEC, OAS30], ids=["3.1", "3.0"])
@pytest.mark.parametrize(
    "prop",
    [
        'link: {type: string, format: uri, default: ""}',
        'when: {type: string, format: date-time, default: "<function now>"}',
        'amount: {type: number, default: "101.22"}',
        "tags: {type: array, items: {type: string}, default: [1]}",
    ],
)
def test_a_default_that_breaks_its_schema_is_a_warning_at_the_default(
    tmp_path: Path, base: str, prop: str
) -> None:
    spec = write(tmp_path, "api.yaml", with_job_property(base, prop))
    report = validate_spec(spec)
    assert not report.failed(strict=False), "a spec with a bad default can still be generated"
    (finding,) = report.findings
    assert (finding.rule, finding.severity) == ("example-valid", Severity.WARNING)
    assert finding.message.startswith("default does not fit its schema")
    assert finding.line == line_of(spec, prop.split(":")[0] + ":")
    assert finding.pointer.startswith("/components/schemas/Job/properties/")
    assert "/default" in finding.pointer


def test_a_default_that_fits_is_no_finding(tmp_path: Path) -> None:
    text = with_job_property(OAS30, "note: {type: string, nullable: true, default: null}")
    text = with_job_property(text, "size: {type: integer, minimum: 1, default: 3}")
    assert findings_of(write(tmp_path, "api.yaml", text)) == []


#: Broken specs, each with the line (a text on it) where its one structural error must be reported.
BROKEN = {
    "bad type in a nested parameter (3.1)": (
        MINIMAL_SPEC.replace(
            "        - {name: jobId, in: path, required: true, schema: {type: string}}\n",
            "        - {name: jobId, in: path, required: true, schema: {type: string}}\n"
            "        - name: filter\n"
            "          in: query\n"
            "          schema:\n"
            "            type: object\n"
            "            properties:\n"
            "              deep: {type: strin}\n",
        ),
        "deep: {type: strin}",
    ),
    "bad type in a nested parameter (3.0)": (
        OAS30.replace(
            "        - {name: jobId, in: path, required: true, schema: {type: string}}\n",
            "        - {name: jobId, in: path, required: true, schema: {type: string}}\n"
            "        - name: filter\n"
            "          in: query\n"
            "          schema:\n"
            "            type: object\n"
            "            properties:\n"
            "              deep: {type: strin}\n",
        ),
        "deep: {type: strin}",
    ),
    "unknown keyword at depth (3.0)": (
        with_job_property(
            OAS30,
            "owner:\n          type: object\n          properties:\n"
            "            name: {type: string, colour: red}",
        ),
        "name: {type: string, colour: red}",
    ),
    "a parameter listed twice": (
        MINIMAL_SPEC.replace(
            "        - {name: jobId, in: path, required: true, schema: {type: string}}\n",
            "        - {name: jobId, in: path, required: true, schema: {type: string}}\n"
            "        - {name: jobId, in: path, required: true, schema: {type: string}}\n",
        ),
        "parameters:",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_every_structural_error_is_at_its_node(tmp_path: Path, case: str) -> None:
    text, where = BROKEN[case]
    spec = write(tmp_path, "api.yaml", text)
    report = validate_spec(spec)
    assert report.failed(strict=False), "structural errors stay errors"
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    assert errors
    assert all(f.line > 1 for f in report.findings), report.findings
    assert {f.line for f in errors} == {line_of(spec, where)}


@pytest.mark.parametrize("version", ["3.1.0", "3.0.3"])
def test_an_error_in_a_schema_of_another_file_names_that_file(tmp_path: Path, version: str) -> None:
    text = MINIMAL_SPEC.replace("openapi: 3.1.0", f"openapi: {version}").replace(
        '{$ref: "#/components/schemas/Job"}', '{$ref: "schemas/job.yaml#/Job"}'
    )
    spec = write(tmp_path, "api.yaml", text)
    other = write(
        tmp_path,
        "schemas/job.yaml",
        "Job:\n  type: object\n  properties:\n    size:\n      type: integer\n"
        "      minimum: zero\n",
    )
    report = validate_spec(spec)
    (error,) = [f for f in report.findings if f.severity is Severity.ERROR]
    assert error.rule == "openapi-semantics"
    assert error.path.resolve() == other.resolve()
    assert (error.line, error.pointer) == (6, "/Job/properties/size/minimum")


def _corpus_github() -> Path | None:
    """GitHub's REST description where benchmarks/corpus.py caches it, if it is there."""
    configured = os.environ.get("SPECGEN_CORPUS")
    root = Path(configured) if configured else ROOT / ".corpus"
    path = root / "octokit-openapi-23.0.2" / "generated" / "api.github.com.json"
    return path if path.is_file() else None


@pytest.mark.slow
def test_githubs_description_is_usable_and_every_finding_is_located() -> None:
    github = _corpus_github()
    if github is None:
        pytest.skip("the corpus is not fetched (python benchmarks/corpus.py fetch)")
    report = validate_spec(github)
    assert report.load_error is None
    assert not report.failed(strict=False), [f for f in report.findings if f.counts_against(False)]
    assert all(f.line > 1 for f in report.findings)
    assert any(f.rule == "example-valid" and "default" in f.pointer for f in report.findings)
