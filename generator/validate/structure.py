"""Is it OpenAPI at all? openapi-spec-validator's verdict, as located findings.

The validator runs in two parts: the document against the OpenAPI metaschema (errors carry absolute
paths, so they map straight to lines), and its semantic checks, which follow ``$ref``s. The second part
only runs when every ``$ref`` resolved, and only through a resolver that serves the documents specgen
already loaded: it must never open a URL or a file on its own.
"""

from __future__ import annotations

from typing import Any, ClassVar

from jsonschema.exceptions import best_match
from openapi_spec_validator import (
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
)
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ExtraParametersError,
    UnresolvableParameterError,
)

from generator.spec import pointer as jp
from generator.spec.findings import Finding, Severity
from generator.spec.refs import LoadedSpec

_VALIDATORS: dict[str, Any] = {
    "3.0": OpenAPIV30SpecValidator,
    "3.1": OpenAPIV31SpecValidator,
    "3.2": OpenAPIV32SpecValidator,
}
#: Semantic errors that specgen's own rules report with a precise location (operation-id, path-params).
_COVERED_BY_LINT = (DuplicateOperationIDError, ExtraParametersError, UnresolvableParameterError)
_MESSAGE_LIMIT = 200


def openapi_version(spec: LoadedSpec) -> str | None:
    """``"3.0"``, ``"3.1"`` or ``"3.2"`` from the spec's ``openapi`` field; None if it has none."""
    version = spec.data.get("openapi")
    if not isinstance(version, str):
        return None
    return version[:3] if version[:3] in _VALIDATORS else None


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

    base = _VALIDATORS[version]

    class JailedValidator(base):  # type: ignore[misc,valid-type]
        # Only the documents already loaded (and jailed) are served; any other URI fails.
        resolver_handlers: ClassVar[dict[str, Any]] = {
            "file": lambda uri: spec.document_for_uri(uri).data
        }

    validator = JailedValidator(root.data, base_uri=spec.uri(root))
    findings = [
        _schema_finding(spec, error) for error in validator.schema_validator.iter_errors(root.data)
    ]
    if findings or spec.problems or not semantics:
        return findings
    try:
        for error in validator.root_validator(validator.schema_path):
            if not isinstance(error, _COVERED_BY_LINT):
                findings.append(_semantic_finding(spec, error))
    except Exception as exc:  # the semantic walk is third-party code on user input
        findings.append(
            spec.finding(
                "openapi-semantics",
                Severity.ERROR,
                f"openapi-spec-validator stopped: {_short(str(exc))}",
                root,
                "",
            )
        )
    return findings


def _schema_finding(spec: LoadedSpec, error: Any) -> Finding:
    deepest = best_match([error, *(error.context or [])]) if error.context else error
    pointer = jp.from_parts(deepest.absolute_path)
    return spec.finding(
        "openapi-schema", Severity.ERROR, _short(deepest.message), spec.root, pointer
    )


def _semantic_finding(spec: LoadedSpec, error: Any) -> Finding:
    # These errors carry paths relative to the object being checked; find where that object lives.
    relative = [str(part) for part in error.path]
    pointer = _locate(spec.root.data, relative, error.instance) if relative else ""
    return spec.finding(
        "openapi-semantics", Severity.ERROR, _short(error.message), spec.root, pointer
    )


def _locate(data: Any, relative: list[str], instance: Any) -> str:
    """The first pointer in ``data`` ending in ``relative`` whose value is ``instance``."""
    suffix = jp.from_parts(relative)
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        pointer, node = stack.pop()
        if pointer.endswith(suffix) and node == instance:
            return pointer
        if isinstance(node, dict):
            stack.extend((jp.join(pointer, k), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in reversed(list(enumerate(node))))
    return ""


def _short(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else message
    return first if len(first) <= _MESSAGE_LIMIT else first[: _MESSAGE_LIMIT - 3] + "..."
