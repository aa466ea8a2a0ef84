"""specgen's own lint rules: each a named function from a loaded spec to findings.

openapi-spec-validator says whether a document is OpenAPI; these rules say whether it is usable for
generating clients and checking traffic, and they point at the exact line of each problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.examples import Survey, default_of, examples_of, survey
from generator.spec.findings import Finding, Severity
from generator.spec.navigator import (
    all_servers,
    content_entries,
    is_json,
    operation_id_at,
    operation_parameters,
    path_operations,
    responses,
    security_lists,
    security_requirements,
    security_schemes,
    template_variables,
)
from generator.spec.refs import LoadedSpec, Target
from generator.spec.validators import ConformanceError, SchemaValidators, Violation
from generator.validate.client_support import client_support
from generator.validate.regexes import pattern_findings

#: The extension a spec uses to accept a finding it knows about: ``{rule-name: reason}``.
ACKNOWLEDGE = "x-specgen-acknowledge"
#: Rules a spec cannot acknowledge: they keep specgen inside the spec's folder and off the network
#: (the jail), or say the spec is not an OpenAPI document that later stages can follow. A spec
#: accepting them for itself would turn the jail into a suggestion.
UNACKNOWLEDGEABLE = frozenset(
    {"ref-remote", "ref-outside", "ref-resolves", "openapi-version", "openapi-schema"}
)
_MESSAGE_LIMIT = 160


@dataclass
class LintContext:
    """What every rule may look at: the spec and its compiled schema validators."""

    spec: LoadedSpec
    schemas: SchemaValidators
    _survey: Survey | None = None

    def survey(self) -> Survey:
        """The spec's examples, defaults and patterns, found once for the rules that check them."""
        if self._survey is None:
            self._survey = survey(self.spec)
        return self._survey

    def finding(
        self, rule: str, severity: Severity, message: str, doc: Document, pointer: str
    ) -> Finding:
        return self.spec.finding(rule, severity, message, doc, pointer)


Rule = Callable[[LintContext], Iterator[Finding]]


def rule_ref_problems(ctx: LintContext) -> Iterator[Finding]:
    """ref-resolves, ref-remote, ref-outside: every ``$ref`` resolves to a local file in the folder."""
    yield from ctx.spec.problems


def rule_operation_id(ctx: LintContext) -> Iterator[Finding]:
    """operation-id: no two operations share an operationId (an error); an operation without one
    is a warning, since OpenAPI makes it optional and clients then name the method from the HTTP
    method and path template."""
    seen: dict[str, tuple[str, int]] = {}
    for op in path_operations(ctx.spec):
        doc, pointer = op.document, op.pointer
        op_id, written = op.operation_id, operation_id_at(op)
        label = f"{op.method.upper()} {op.path}"
        # One that is not a string (or is empty) names nothing a client or a check can use.
        if op_id is None or written is None:
            yield ctx.finding(
                "operation-id",
                Severity.WARNING,
                f"{label} has no operationId: clients name its method from its method and path",
                doc,
                pointer if written is None else written.pointer,
            )
            continue
        id_pointer = written.pointer
        if op_id in seen:
            other, line = seen[op_id]
            yield ctx.finding(
                "operation-id",
                Severity.ERROR,
                f"operationId {op_id!r} of {label} is already used by {other} (line {line})",
                doc,
                id_pointer,
            )
        else:
            seen[op_id] = (label, doc.position(id_pointer).line)


def rule_path_params(ctx: LintContext) -> Iterator[Finding]:
    """path-params: every ``{name}`` in a path is a declared, required path parameter, and back."""
    for op in path_operations(ctx.spec):
        doc, pointer = op.document, op.pointer
        declared = operation_parameters(ctx.spec, doc, pointer)
        in_template = template_variables(op.path)
        label = f"{op.method.upper()} {op.path}"
        for name in in_template:
            param = declared.get(("path", name))
            if param is None:
                yield ctx.finding(
                    "path-params",
                    Severity.ERROR,
                    f"{label}: path variable {{{name}}} is not declared as a path parameter",
                    doc,
                    pointer,
                )
            elif param.value.get("required") is not True:
                yield ctx.finding(
                    "path-params",
                    Severity.ERROR,
                    f"{label}: path parameter {name!r} must be `required: true`",
                    param.document,
                    param.pointer,
                )
        for (location, name), param in sorted(declared.items()):
            if location == "path" and name not in in_template:
                yield ctx.finding(
                    "path-params",
                    Severity.ERROR,
                    f"{label}: path parameter {name!r} does not appear in the path",
                    param.document,
                    param.pointer,
                )


def rule_server_variables(ctx: LintContext) -> Iterator[Finding]:
    """server-variables: every ``{var}`` of a server URL is declared, with a default in its enum."""
    for at in all_servers(ctx.spec):
        doc, pointer, server = at.document, at.pointer, at.value
        url = server.get("url")
        variables = server.get("variables") or {}
        if not isinstance(url, str) or not isinstance(variables, dict):
            continue
        for name in template_variables(url):
            if name not in variables:
                yield ctx.finding(
                    "server-variables",
                    Severity.ERROR,
                    f"server {url!r}: variable {{{name}}} is not declared",
                    doc,
                    jp.join(pointer, "url"),
                )
        for name, variable in variables.items():
            var_pointer = jp.join(pointer, "variables", name)
            if not isinstance(variable, dict) or "default" not in variable:
                yield ctx.finding(
                    "server-variables",
                    Severity.ERROR,
                    f"server {url!r}: variable {name!r} has no default",
                    doc,
                    var_pointer,
                )
                continue
            enum = variable.get("enum")
            if isinstance(enum, list) and variable["default"] not in enum:
                yield ctx.finding(
                    "server-variables",
                    Severity.ERROR,
                    f"server {url!r}: default {variable['default']!r} of {name!r} is not in its enum",
                    doc,
                    jp.join(var_pointer, "default"),
                )


def rule_security_schemes(ctx: LintContext) -> Iterator[Finding]:
    """security-schemes: every security requirement names a scheme in components/securitySchemes."""
    defined = set(security_schemes(ctx.spec))
    for listed in security_lists(ctx.spec):
        for requirement in security_requirements(listed):
            for name in requirement.value:
                if name not in defined:
                    yield ctx.finding(
                        "security-schemes",
                        Severity.ERROR,
                        f"security requirement names {name!r}, which components/securitySchemes"
                        " does not define",
                        requirement.document,
                        jp.join(requirement.pointer, name),
                    )


def rule_json_response_schema(ctx: LintContext) -> Iterator[Finding]:
    """json-response-schema: a JSON response body declares a schema (else nothing can be typed)."""
    for op in path_operations(ctx.spec):
        for status, response in responses(ctx.spec, op.document, op.pointer).items():
            for media_type, media in content_entries(response).items():
                # `*/*` is as often a file as JSON: only a declared JSON type must have a schema.
                if is_json(media_type) and not (
                    isinstance(media.value, dict) and "schema" in media.value
                ):
                    yield ctx.finding(
                        "json-response-schema",
                        Severity.WARNING,
                        f"{op.method.upper()} {op.path} {status} {media_type} has no schema",
                        media.document,
                        media.pointer,
                    )


def rule_example_valid(ctx: LintContext) -> Iterator[Finding]:
    """example-valid: every example (media type, parameter, header, schema) and every schema's
    ``default`` fits its schema."""
    for holder, schema in ctx.survey().examples:
        values = [
            ("example " + _example_name(key), example)
            for key, example in examples_of(ctx.spec, holder)
        ]
        default = default_of(holder, schema)
        if default is not None:
            values.append(("default", default))
        for name, value in values:
            yield from _fits(ctx, name, value, schema)


def _example_name(key: str | int | None) -> str:
    return "'example'" if key is None else f"#{key}" if isinstance(key, int) else repr(key)


def _fits(ctx: LintContext, name: str, value: Target, schema: Target) -> Iterator[Finding]:
    """Warnings for each way the value at ``value`` breaks ``schema``.

    A value that breaks its schema is suspicious, not unusable: a client can still be generated.
    One that cannot be checked at all (a schema jsonschema-rs cannot compile) is said so, also a
    warning: what makes the schema uncompilable is reported by the rule it breaks.
    """
    try:
        instance = value.value
        violations = ctx.schemas.violations(schema.document, schema.pointer, instance)
    except (ConformanceError, LookupError) as exc:
        yield ctx.finding(
            "example-valid",
            Severity.WARNING,
            f"cannot check {name}: {exc}",
            value.document,
            value.pointer,
        )
        return
    for violation in violations:
        yield ctx.finding(
            "example-valid",
            Severity.WARNING,
            f"{name} does not fit its schema: {_describe(violation)}",
            value.document,
            value.pointer + violation.instance_pointer,
        )


def rule_patterns(ctx: LintContext) -> Iterator[Finding]:
    """pattern-syntax, pattern-unenforced: patterns are ECMA-262, and who cannot run them."""
    yield from pattern_findings(ctx.spec, ctx.survey().patterned)


def rule_client_support(ctx: LintContext) -> Iterator[Finding]:
    """client-support: what a generated client sends or reads otherwise than the spec says."""
    yield from client_support(ctx.spec)


RULES: tuple[Rule, ...] = (
    rule_ref_problems,
    rule_operation_id,
    rule_path_params,
    rule_server_variables,
    rule_security_schemes,
    rule_json_response_schema,
    rule_example_valid,
    rule_patterns,
    rule_client_support,
)


def lint(spec: LoadedSpec, schemas: SchemaValidators) -> list[Finding]:
    """Run every rule on ``spec``; findings the spec acknowledges are marked, unused acks reported."""
    ctx = LintContext(spec, schemas)
    findings = [finding for rule in RULES for finding in rule(ctx)]
    return apply_acknowledgements(spec, findings)


def apply_acknowledgements(spec: LoadedSpec, findings: list[Finding]) -> list[Finding]:
    """Mark findings acknowledged by an ``x-specgen-acknowledge`` on them or an enclosing object.

    An acknowledgement that matches no finding is itself reported (rule ``acknowledgement-unused``),
    so a note about a contradiction the docs have since fixed does not linger. One that names a rule
    of :data:`UNACKNOWLEDGEABLE` is an error (``acknowledgement-refused``) and accepts nothing.
    """
    acks = _acknowledgements(spec)
    used: set[tuple[str, str, str]] = set()
    result: list[Finding] = []
    for (key, pointer), reasons in acks.items():
        for rule in [rule for rule in reasons if rule in UNACKNOWLEDGEABLE]:
            del reasons[rule]
            doc = next(d for d in spec.documents.values() if str(d.path.resolve()) == key)
            result.append(
                spec.finding(
                    "acknowledgement-refused",
                    Severity.ERROR,
                    f"{rule!r} cannot be acknowledged: it guards what specgen reads (the spec's"
                    " folder, never the network) or whether the spec is OpenAPI at all",
                    doc,
                    jp.join(pointer, ACKNOWLEDGE, rule),
                )
            )
    for finding in findings:
        reason = None
        pointer = finding.pointer
        key = str(finding.path.resolve())
        while reason is None:
            reasons = acks.get((key, pointer), {})
            if finding.rule in reasons:
                reason = reasons[finding.rule]
                used.add((key, pointer, finding.rule))
            elif not pointer:
                break
            else:
                pointer = jp.parent(pointer)
        result.append(finding if reason is None else finding.acknowledge(reason))
    for (key, pointer), reasons in acks.items():
        doc = next(d for d in spec.documents.values() if str(d.path.resolve()) == key)
        for rule in reasons:
            if (key, pointer, rule) not in used:
                result.append(
                    spec.finding(
                        "acknowledgement-unused",
                        Severity.WARNING,
                        f"{ACKNOWLEDGE} names {rule!r}, but nothing here breaks that rule any more",
                        doc,
                        jp.join(pointer, ACKNOWLEDGE, rule),
                    )
                )
    return result


def _acknowledgements(spec: LoadedSpec) -> dict[tuple[str, str], dict[str, str]]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    for doc in spec.documents.values():
        # Each object's path as a chain of (parent's chain, key): a pointer is only spelled out
        # for the few objects that hold an acknowledgement. Scalars hold none: they are skipped.
        stack: list[tuple[Any, Any]] = [(doc.data, None)]
        while stack:
            node, chain = stack.pop()
            if isinstance(node, dict):
                ack = node.get(ACKNOWLEDGE)
                if isinstance(ack, dict):
                    found[(str(doc.path.resolve()), _spelled(chain))] = {
                        str(rule): str(reason) for rule, reason in ack.items()
                    }
                stack.extend(
                    (v, (chain, k))
                    for k, v in node.items()
                    if k != ACKNOWLEDGE and isinstance(v, (dict, list))
                )
            elif isinstance(node, list):
                stack.extend(
                    (v, (chain, i)) for i, v in enumerate(node) if isinstance(v, (dict, list))
                )
    return found


def _spelled(chain: Any) -> str:
    """The pointer of a chain of (parent's chain, key) links."""
    keys: list[str | int] = []
    while chain is not None:
        chain, key = chain
        keys.append(key)
    return jp.from_parts(reversed(keys))


def _describe(violation: Violation) -> str:
    message = violation.message
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 3] + "..."
    where = violation.instance_pointer or "(root)"
    return f"{where}: {message} ({violation.keyword} at line {violation.line})"
