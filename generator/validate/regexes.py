"""Patterns as OpenAPI means them: ECMA-262 regular expressions (rules ``pattern-syntax`` and
``pattern-unenforced``).

A ``pattern`` (or a ``patternProperties`` name) that is not ECMA-262 is an error: nothing can check
it. One that is valid ECMA-262 but that a consumer specgen builds cannot run is a warning: the spec
is usable, and the finding says which check is left out (generated models leave the pattern
unchecked; ``check`` cannot compile the schema).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.spec import pointer as jp
from generator.spec.findings import Finding, Severity
from generator.spec.refs import LoadedSpec, Target
from generator.spec.validators import ecma_problem, payload_problem, python_problem

_SHOWN = 80


def pattern_findings(spec: LoadedSpec, schemas: Iterable[Target]) -> Iterator[Finding]:
    """A finding for every pattern of ``schemas`` (schema objects of ``spec``, from
    :func:`~generator.spec.examples.survey`) that is not ECMA-262 or that a consumer cannot run."""
    for pattern, at in _patterns(schemas):
        shown = _show(pattern)
        problem = ecma_problem(pattern)
        if problem is not None:
            yield spec.finding(
                "pattern-syntax",
                Severity.ERROR,
                f"pattern {shown} is not an ECMA-262 regular expression: {problem}",
                at.document,
                at.pointer,
            )
            continue
        left_out = []
        python = python_problem(pattern)
        if python is not None:
            left_out.append(
                f"generated models leave it unchecked (Python's regex module: {python})"
            )
        payload = payload_problem(pattern)
        if payload is not None:
            left_out.append(
                f"examples and recorded payloads of this schema cannot be checked"
                f" (jsonschema-rs: {payload})"
            )
        if left_out:
            yield spec.finding(
                "pattern-unenforced",
                Severity.WARNING,
                f"pattern {shown} is ECMA-262, but " + "; ".join(left_out),
                at.document,
                at.pointer,
            )


def _patterns(schemas: Iterable[Target]) -> Iterator[tuple[str, Target]]:
    for schema in schemas:
        node = schema.value
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            yield pattern, Target(schema.document, jp.join(schema.pointer, "pattern"))
        named = node.get("patternProperties")
        if isinstance(named, dict):
            for name in named:
                yield (
                    name,
                    Target(schema.document, jp.join(schema.pointer, "patternProperties", name)),
                )


def _show(pattern: str) -> str:
    return repr(pattern if len(pattern) <= _SHOWN else pattern[: _SHOWN - 3] + "...")
