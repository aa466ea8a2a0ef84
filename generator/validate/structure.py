"""Is it OpenAPI at all? openapi-spec-validator's verdict, as located findings.

The validator runs in two parts: the document against the OpenAPI metaschema (errors carry absolute
paths, so they map straight to lines), and its semantic checks, which follow ``$ref``s (see
:mod:`generator.validate.semantics`). The second part only runs when every ``$ref`` resolved, and only
through a resolver that serves the documents specgen already loaded: it must never open a URL or a
file on its own.

Two of the validator's checks are specgen's own instead, so that they say what they mean: whether a
``pattern`` is a regular expression (ECMA-262, the dialect OpenAPI names, not Python's ``re``: see
:mod:`generator.validate.regexes`), and whether a ``default`` fits its schema (a suspicious value, not
an unusable spec: ``example-valid`` warnings).
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from openapi_spec_validator.schemas import schema_v30, schema_v31, schema_v32

from generator.spec import pointer as jp
from generator.spec.findings import Finding, Severity
from generator.spec.refs import LoadedSpec
from generator.validate.semantics import deepest, semantic_findings, short

_METASCHEMAS: dict[str, Any] = {"3.0": schema_v30, "3.1": schema_v31, "3.2": schema_v32}


def openapi_version(spec: LoadedSpec) -> str | None:
    """``"3.0"``, ``"3.1"`` or ``"3.2"`` from the spec's ``openapi`` field; None if it has none."""
    version = spec.data.get("openapi")
    if not isinstance(version, str):
        return None
    return version[:3] if version[:3] in _METASCHEMAS else None


def check_structure(spec: LoadedSpec, semantics: bool = True) -> list[Finding]:
    """Findings of openapi-spec-validator (rules ``openapi-version``, ``openapi-schema``,
    ``openapi-semantics``); without ``semantics``, only whether it is OpenAPI at all (the
    metaschema), which is quick where the semantic walk is not."""
    root = spec.root
    if not isinstance(root.data, dict):
        kind = type(root.data).__name__
        return [
            spec.finding(
                "openapi-schema",
                Severity.ERROR,
                f"expected an OpenAPI document (a mapping), found a {kind}",
                root,
                "",
            )
        ]
    version = openapi_version(spec)
    if version is None:
        declared = root.data.get("openapi", root.data.get("swagger"))
        what = f"'openapi: {declared}'" if declared is not None else "no 'openapi' field"
        return [
            spec.finding(
                "openapi-version",
                Severity.ERROR,
                f"not an OpenAPI 3.0, 3.1 or 3.2 document ({what})",
                root,
                "/openapi" if "openapi" in root.data else "",
            )
        ]
    findings = metaschema_findings(spec, dict(_METASCHEMAS[version]))
    if findings or spec.problems or not semantics:
        return findings
    return semantic_findings(spec, version)


def metaschema_findings(spec: LoadedSpec, metaschema: dict[str, Any]) -> list[Finding]:
    """The root document against the OpenAPI metaschema, each error at its deepest node.

    jsonschema-rs answers first (fast on a 13 MB document); only when it finds errors does Python's
    jsonschema run too, for the branch errors of ``oneOf``/``anyOf`` that say which node is wrong
    (jsonschema-rs stops at the ``oneOf`` of the outermost schema, lines away from the mistake).
    """
    data = spec.root.data
    # Patterns are judged as ECMA-262 by specgen's own rule, not as the engine's dialect.
    fast = jsonschema_rs.validator_cls_for(metaschema)(metaschema, formats={"regex": _any})
    quick = list(fast.iter_errors(data))
    if not quick:
        return []
    cls = validator_for(metaschema)
    checker = FormatChecker([name for name in cls.FORMAT_CHECKER.checkers if name != "regex"])
    slow = list(cls(metaschema, format_checker=checker).iter_errors(data))
    findings = [_schema_finding(spec, error) for error in slow]
    if findings:
        return _unique(findings)
    # The engines disagree (a format only jsonschema-rs checks): its errors, at their node.
    return _unique(
        spec.finding(
            "openapi-schema",
            Severity.ERROR,
            short(error.message.strip().splitlines()[-1]),
            spec.root,
            jp.from_parts(error.instance_path),
        )
        for error in quick
    )


def _any(_: str) -> bool:
    return True


def _schema_finding(spec: LoadedSpec, error: Any) -> Finding:
    branch = deepest(error)
    return spec.finding(
        "openapi-schema",
        Severity.ERROR,
        short(branch.message),
        spec.root,
        jp.from_parts(branch.absolute_path),
    )


def _unique(findings: Any) -> list[Finding]:
    return list(dict.fromkeys(findings))
