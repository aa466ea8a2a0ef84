"""The shipped specs hold the vendors' pages to their word: every sample under tests/samples is
checked against its spec, valid ones must pass and invalid ones must fail for exactly the reasons
they list."""

from __future__ import annotations

from collections import defaultdict

import pytest

from generator.spec import pointer as jp
from generator.spec.navigator import operations
from tests.paths import SAMPLES, SPEC_NAMES
from tests.samples import Sample, load_samples
from tests.shipped import shipped_conformance, shipped_spec

SAMPLES_BY_API = load_samples(SAMPLES, {name: shipped_conformance(name) for name in SPEC_NAMES})
VALID = [s for s in SAMPLES_BY_API if s.expected is None]
INVALID = [s for s in SAMPLES_BY_API if s.expected is not None]
#: Keywords that constrain a payload (annotations such as description or examples do not).
CONSTRAINTS = frozenset(
    {
        "type",
        "format",
        "pattern",
        "required",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "multipleOf",
        "additionalProperties",
    }
)


def _check(sample: Sample) -> list:
    return shipped_conformance(sample.api).check_response(
        sample.operation, sample.status, sample.payload, sample.media_type
    )


@pytest.mark.parametrize("sample", VALID, ids=lambda s: s.id)
def test_valid_sample_passes(sample: Sample) -> None:
    violations = _check(sample)
    assert violations == [], f"{sample.file.name}: {sample.name!r} should pass but: " + "; ".join(
        map(str, violations)
    )


@pytest.mark.parametrize("sample", INVALID, ids=lambda s: s.id)
def test_invalid_sample_fails_for_its_reason(sample: Sample) -> None:
    violations = _check(sample)
    reported = {(v.instance_pointer, v.keyword) for v in violations}
    assert reported == sample.expected, (
        f"{sample.file.name}: {sample.name!r} expected {sorted(sample.expected or [])},"
        f" got {sorted(reported)}"
    )
    spec = shipped_spec(sample.api)
    for violation in violations:
        # Each reason points at the keyword as written in the spec, so a reader can find it.
        assert violation.schema_path.resolve() == spec.root.path.resolve()
        assert jp.split(violation.schema_pointer)[-1] == violation.keyword
        jp.resolve(spec.root.data, violation.schema_pointer)
        assert violation.line > 0 and violation.col > 0


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_at_least_eight_negative_samples_per_api(api: str) -> None:
    count = sum(1 for s in INVALID if s.api == api)
    assert count >= 8, f"{api} has only {count} negative samples"


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_every_documented_response_has_samples(api: str) -> None:
    spec = shipped_spec(api)
    sampled = {(s.operation, s.status) for s in SAMPLES_BY_API if s.api == api}
    for operation in operations(spec):
        responses = jp.resolve(operation.document.data, jp.join(operation.pointer, "responses"))
        for status, response in responses.items():
            if "content" in response:
                assert (operation.operation_id, status) in sampled, (
                    f"{api}: no samples for {operation.operation_id} {status}"
                )


@pytest.mark.parametrize("api", SPEC_NAMES)
def test_negative_samples_cover_every_documented_constraint(api: str) -> None:
    """Each constraint keyword of every response schema is broken by at least one negative sample."""
    spec = shipped_spec(api)
    constraints = _response_constraints(api)
    covered: dict[str, list[str]] = defaultdict(list)
    for sample in INVALID:
        if sample.api == api:
            for violation in _check(sample):
                covered[violation.schema_pointer].append(sample.name)
    missing = sorted(set(constraints) - set(covered))
    lines = [f"{spec.root.path.name}:{spec.root.position(p).line}: {p}" for p in missing]
    assert not missing, "constraints no negative sample breaks:\n" + "\n".join(lines)


def _response_constraints(api: str) -> set[str]:
    """Pointers of the constraint keywords reachable from any response schema of the spec."""
    spec = shipped_spec(api)
    found: set[str] = set()
    stack: list[str] = []
    for operation in operations(spec):
        responses = jp.resolve(operation.document.data, jp.join(operation.pointer, "responses"))
        for status, response in responses.items():
            for media in response.get("content", {}):
                stack.append(
                    jp.join(operation.pointer, "responses", status, "content", media, "schema")
                )
    seen: set[str] = set()
    while stack:
        pointer = stack.pop()
        target = spec.deref(spec.root, pointer)
        if target.pointer in seen:
            continue
        seen.add(target.pointer)
        schema = target.value
        for keyword in schema:
            if keyword in CONSTRAINTS:
                found.add(jp.join(target.pointer, keyword))
        for name in schema.get("properties", {}):
            stack.append(jp.join(target.pointer, "properties", name))
        if isinstance(schema.get("items"), dict):
            stack.append(jp.join(target.pointer, "items"))
    return found
