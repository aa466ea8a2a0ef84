"""openapi-spec-validator's semantic checks, each error located at the node it is about.

The validator walks the document with one keyword validator per kind of object (path item,
operation, parameters, schema, ...), following ``$ref``s, and its errors carry no location: a
schema's error has a path relative to that schema, a duplicate parameter none at all. Here every
keyword validator is wrapped so that an error is tagged with the object being checked when it
leaves the innermost validator; that object's path (the logical path from the root, through
``$ref``s) is then followed through the loaded documents, which names the file it lives in.

What specgen changes in the walk, by keyword validator (never by an error's wording):

- ``default``: not checked here. A default that does not fit its schema is suspicious, not an
  unusable spec: ``example-valid`` checks defaults with the examples, as warnings.
- ``schema``: a pattern is not judged as a Python ``re`` (the ``regex`` format): OpenAPI's dialect is
  ECMA-262, which specgen's own rule judges. Visited schemas are remembered in a set (the validator's
  list made a 13 MB spec take a minute).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from typing import Any, ClassVar

import jsonschema_rs
from jsonschema import FormatChecker
from jsonschema.exceptions import best_match
from jsonschema_path import SchemaPath
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import (
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
)
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ExtraParametersError,
    UnresolvableParameterError,
)

from generator.spec import pointer as jp
from generator.spec.findings import Finding, Severity
from generator.spec.refs import LoadedSpec, RefError, Target

_VALIDATORS: dict[str, Any] = {
    "3.0": OpenAPIV30SpecValidator,
    "3.1": OpenAPIV31SpecValidator,
    "3.2": OpenAPIV32SpecValidator,
}
#: Semantic errors that specgen's own rules report with a precise location (operation-id, path-params).
_COVERED_BY_LINT = (DuplicateOperationIDError, ExtraParametersError, UnresolvableParameterError)
_MESSAGE_LIMIT = 200
#: The attribute an error gets: the logical path of the object whose validator raised it.
_AT = "specgen_at"


def semantic_findings(spec: LoadedSpec, version: str) -> list[Finding]:
    """Findings (``openapi-semantics``) of the validator's semantic walk over ``spec``."""
    base = _VALIDATORS[version]
    wrapped = {name: _located(cls) for name, cls in base.keyword_validators.items()}

    class JailedValidator(base):  # type: ignore[misc,valid-type]
        # Only the documents already loaded (and jailed) are served; any other URI fails.
        resolver_handlers: ClassVar[dict[str, Any]] = {
            "file": lambda uri: spec.document_for_uri(uri).data
        }
        keyword_validators: ClassVar[dict[str, Any]] = {**wrapped, "default": _NoDefaults}

    validator = JailedValidator(spec.root.data, base_uri=spec.uri(spec.root))
    findings: list[Finding] = []
    try:
        for error in validator.root_validator(validator.schema_path):
            if not isinstance(error, _COVERED_BY_LINT):
                findings.append(_semantic_finding(spec, error))
    except Exception as exc:  # the semantic walk is third-party code on user input
        findings.append(
            spec.finding(
                "openapi-semantics",
                Severity.ERROR,
                f"openapi-spec-validator stopped: {short(str(exc))}",
                spec.root,
                "",
            )
        )
    return list(dict.fromkeys(findings))


def short(message: str) -> str:
    """The first line of ``message``, cut to a readable length."""
    first = message.strip().splitlines()[0] if message.strip() else message
    return first if len(first) <= _MESSAGE_LIMIT else first[: _MESSAGE_LIMIT - 3] + "..."


def _semantic_finding(spec: LoadedSpec, error: Any) -> Finding:
    at = follow(spec, getattr(error, _AT, ()))
    # A schema's own error carries its path inside that schema (written there, $refs not followed).
    branch = deepest(error)
    pointer = jp.join(at.pointer, *branch.absolute_path)
    return spec.finding(
        "openapi-semantics", Severity.ERROR, short(branch.message), at.document, pointer
    )


def deepest(error: Any) -> Any:
    """The branch error of a ``oneOf``/``anyOf`` (at any depth) that is deepest in the document.

    Errors about a missing ``$ref`` (the Reference Object branch every schema slot offers) say
    nothing; when other branches fail as deep, jsonschema's own choice (often the ``anyOf`` itself,
    at the same node) is kept.
    """
    if not error.context:
        return error
    leaves: list[Any] = []
    stack = list(error.context)
    while stack:
        branch = stack.pop()
        if branch.context:
            stack.extend(branch.context)
        else:
            leaves.append(branch)
    depth = max(len(leaf.absolute_path) for leaf in leaves)
    telling = [
        leaf
        for leaf in leaves
        if len(leaf.absolute_path) == depth and leaf.validator not in ("required", "oneOf", "anyOf")
    ]
    return telling[0] if len(telling) == 1 else best_match([error])


def follow(spec: LoadedSpec, parts: tuple[str | int, ...]) -> Target:
    """Where the logical path ``parts`` from the root leads, ``$ref``s followed at every step.

    Stops at the last place it reached when a step does not resolve (then the error is as close to
    its node as can be said).
    """
    target = Target(spec.root, "")
    try:
        for part in parts:
            target = spec.deref(target.document, target.pointer)
            target = Target(target.document, jp.join(target.pointer, part))
        return spec.deref(target.document, target.pointer)
    except (RefError, LookupError, TypeError):
        return target


def _located(cls: type[Any]) -> type[Any]:
    """``cls`` with its errors tagged with the path of the object it was checking."""
    base = _faster(cls)

    class Located(base):  # type: ignore[misc,valid-type]
        def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
            at = next((arg for arg in args if isinstance(arg, SchemaPath)), None)
            for error in super().__call__(*args, **kwargs):
                if at is not None and not hasattr(error, _AT):
                    setattr(error, _AT, tuple(at.parts))
                yield error

    Located.__name__ = f"Located{cls.__name__}"
    return Located


def _faster(cls: type[Any]) -> type[Any]:
    """The schema validators with ECMA-262 patterns left to specgen and a set of visited schemas."""
    if not issubclass(cls, keywords.SchemaValidator):
        return cls

    class Schema(cls):  # type: ignore[misc]
        schema_validator_format_checker = _without_regex(
            getattr(cls, "schema_validator_format_checker", OAS30Validator.FORMAT_CHECKER)
        )

        def __init__(self, registry: Any) -> None:
            super().__init__(registry)
            self.visited_schema_ids = _IdSet()
            self.meta_checked_schema_ids = _IdSet()
            self.meta_check = _MetaCheck(self.schema_validator_format_checker)

        def _get_schema_checker(self, schema: SchemaPath, schema_value: Any) -> Any:
            if issubclass(cls, keywords.OpenAPIV30SchemaValidator):
                # A bound method, not the callable object: calling an object costs one more level
                # of the recursion limit, and a schema too deep for jsonschema must fail as before.
                return self.meta_check.check
            return super()._get_schema_checker(schema, schema_value)

    return Schema


class _MetaCheck:
    """An OpenAPI 3.0 schema against draft 4's metaschema, as the validator checks it (jsonschema,
    raising its first error), with jsonschema-rs answering first: about half of the semantic walk
    of a large spec went to checking valid schemas in Python.

    jsonschema-rs only ever says "valid" here for what jsonschema would pass too: the same draft,
    the same metaschema, no format checked by either (its one format, ``regex``, is left to
    specgen's ECMA-262 rule), and a schema shallow enough that jsonschema's recursion cannot run
    out of stack on it. Every other schema, and every invalid one, goes to jsonschema, whose error
    is the one reported.
    """

    #: Nesting (in JSON values) up to which a schema is judged by jsonschema-rs first.
    SHALLOW = 32
    #: Stack levels jsonschema may need for such a schema (it takes about six a level), with room to
    #: spare: with less left, jsonschema would stop where jsonschema-rs does not, so it is asked.
    ROOM = 8 * SHALLOW + 100

    def __init__(self, format_checker: FormatChecker) -> None:
        self.format_checker = format_checker
        checked = set(format_checker.checkers) & _metaschema_formats()
        self.fast = None if checked else _draft4()

    def check(self, value: Any) -> None:
        """Raise jsonschema's first error about ``value``, if it has one."""
        if (
            self.fast is not None
            and _shallow(value, self.SHALLOW)
            and _stack_depth() + self.ROOM < sys.getrecursionlimit()
            and self.fast.is_valid(value)
        ):
            return
        OAS30Validator.check_schema(value, format_checker=self.format_checker)


@functools.cache
def _draft4() -> Any:
    return jsonschema_rs.Draft4Validator(OAS30Validator.META_SCHEMA, validate_formats=False)


@functools.cache
def _metaschema_formats() -> frozenset[str]:
    """Every ``format`` the metaschema names."""
    found = set()
    stack = [OAS30Validator.META_SCHEMA]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                found.add(node["format"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(found)


def _stack_depth() -> int:
    """How many frames deep the caller is."""
    depth = 0
    frame: Any = sys._getframe(1)
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def _shallow(value: Any, limit: int) -> bool:
    """Whether ``value`` nests no deeper than ``limit`` levels of objects and arrays."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [
            child
            for node in level
            if isinstance(node, (dict, list))
            for child in (node.values() if isinstance(node, dict) else node)
        ]
        if not level:
            return True
    return not any(isinstance(node, (dict, list)) for node in level)


def _without_regex(checker: Any) -> FormatChecker:
    kept = FormatChecker([])
    kept.checkers = {name: check for name, check in checker.checkers.items() if name != "regex"}
    return kept


class _IdSet(set[int]):
    """A set the validator can ``append`` to, as it does to its list of visited schema ids."""

    def append(self, value: int) -> None:
        self.add(value)


class _NoDefaults(keywords.KeywordValidator):
    """The ``default`` keyword validator, checking nothing: example-valid checks defaults."""

    def __call__(self, schema: SchemaPath, value: Any) -> Iterator[Any]:
        return iter(())
