"""Patterns in generated models: enforced, and with bounded work on hostile strings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.generate.model_input import write_literal
from generator.generate.patterns import bound_patterns, linear
from generator.generate.source_edits import ParsedModule
from tests.generate.packages import models_spec, run_in, write_spec

#: Patterns pydantic's Rust engine cannot run, each with a value it accepts and one it refuses.
BACKTRACKING = {
    "look-ahead": ("^(?!x)[a-z]+$", "abc", "xyz"),
    "look-behind": ("^[a-z]+(?<!q)$", "abc", "abq"),
    "back-reference": (r"^(a|b)\1$", "aa", "ab"),
}
#: A pattern whose backtracking work explodes on ``a``s followed by something else. Overlapping
#: alternatives, because the regex module learnt (2026) to cut short the nested ``(a+)+``.
CATASTROPHIC = "^(?=(a|aa)+$)a+$"
#: ECMA-262 that no Python engine runs (``\\c`` is a control-character escape): left unchecked.
UNRUNNABLE = r"^\cJ(?!x)$"


def test_linear_tells_which_patterns_the_rust_engine_runs() -> None:
    assert linear("^[a-z]+$") and linear(r"\p{L}+")
    assert not any(linear(pattern) for pattern, _, _ in BACKTRACKING.values())


def test_only_backtracking_patterns_move_to_the_bounded_helper() -> None:
    source = (
        "from pydantic import BaseModel, ConfigDict, Field\n"
        "class A(BaseModel):\n"
        '    model_config = ConfigDict(populate_by_name=True, regex_engine="python-re")\n'
        '    x: Annotated[str, Field(pattern="^(?!x)a$")]\n'
        '    y: Annotated[str, Field(pattern="^a$")]\n'
    )
    module = ParsedModule(source)
    assert bound_patterns(module), "the module needs the bounded helper"
    text = module.text(write_literal)
    assert "python-re" not in text
    assert "AfterValidator(_pattern('^(?!x)a$'))" in text
    assert "Field(pattern='^a$')" in text, "a linear pattern stays with pydantic"
    assert text.startswith("from pydantic"), "statements without patterns are kept as written"


def test_a_pattern_no_python_engine_runs_is_left_out_of_the_model() -> None:
    # Valid ECMA-262 (OpenAPI's dialect) that neither pydantic nor the regex module compiles.
    source = (
        "from pydantic import BaseModel, Field\n"
        "class A(BaseModel):\n"
        '    x: Annotated[str, Field(pattern="^\\\\cJ$", max_length=3)]\n'
        '    y: Annotated[str, Field(pattern="^a$")]\n'
    )
    module = ParsedModule(source)
    assert not bound_patterns(module)
    text = module.text(write_literal)
    assert "Field(max_length=3)" in text
    assert "Field(pattern='^a$')" in text


SPEC = models_spec(
    "Patterns",
    {
        "Thing": {
            "type": "object",
            "properties": {
                **{
                    name.replace("-", "_"): {"type": "string", "pattern": p}
                    for name, (p, _, _) in BACKTRACKING.items()
                },
                "slow": {"type": "string", "pattern": CATASTROPHIC},
                "control": {"type": "string", "pattern": UNRUNNABLE},
                "tags": {"type": "array", "items": {"type": "string", "pattern": CATASTROPHIC}},
            },
        }
    },
)

PROBE = """
import json, sys, warnings
import pydantic
from patterns import models
cases = json.loads(sys.stdin.read())
verdicts = {}
for field, value in cases:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            models.Thing.model_validate({field: value})
            verdict = "accepted"
        except pydantic.ValidationError:
            verdict = "refused"
    if any(issubclass(w.category, RuntimeWarning) for w in caught):
        verdict += ", not checked"
    verdicts[field + ":" + value[:8]] = verdict
print(json.dumps(verdicts))
"""


@pytest.fixture(scope="module")
def patterns_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.api import generate

    folder = tmp_path_factory.mktemp("patterns")
    spec = write_spec(folder, "patterns", SPEC)
    assert not generate([spec], folder / "out").blocked
    return folder / "out"


def probe(out: Path, cases: list[tuple[str, str]]) -> dict[str, str]:
    # A subprocess with a timeout: an unbounded pattern check would hang here, not in pytest.
    result = run_in(out, PROBE, cases, timeout=60)
    assert result.returncode == 0, result.stderr
    verdicts: dict[str, str] = json.loads(result.stdout)
    return verdicts


def test_backtracking_patterns_are_still_enforced(patterns_package: Path) -> None:
    cases = [
        (name.replace("-", "_"), value)
        for name, (_, good, bad) in BACKTRACKING.items()
        for value in (good, bad)
    ]
    verdicts = probe(patterns_package, cases)
    for name, (_, good, bad) in BACKTRACKING.items():
        field = name.replace("-", "_")
        assert verdicts[f"{field}:{good[:8]}"] == "accepted", name
        assert verdicts[f"{field}:{bad[:8]}"] == "refused", name


def test_a_hostile_string_is_reported_unchecked_instead_of_hanging(patterns_package: Path) -> None:
    hostile = "a" * 5000 + "!"
    verdicts = probe(patterns_package, [("slow", hostile), ("slow", "aaaa")])
    assert verdicts["slow:aaaaaaaa"] == "accepted, not checked"
    assert verdicts["slow:aaaa"] == "accepted"


def test_a_pattern_python_cannot_run_leaves_the_field_unchecked(patterns_package: Path) -> None:
    verdicts = probe(patterns_package, [("control", "anything")])
    assert verdicts["control:anything"] == "accepted"
