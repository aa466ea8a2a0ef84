"""The quoting and expression helpers every template goes through."""

from __future__ import annotations

import ast

import jinja2
import pytest
from jinja2 import nodes

from generator.generate.ir import AuthKind, ParamLocation, UrlPart
from generator.generate.render import (
    docstring,
    environment,
    join_expr,
    pystr,
    status_condition,
)
from generator.resources import default_templates

HOSTILE = 'ends with a quote" and """triple quotes"""; \\ backslash \\n {braces} \x00 nul'


def test_pystr_round_trips_any_text() -> None:
    assert ast.literal_eval(pystr(HOSTILE)) == HOSTILE
    assert ast.literal_eval(pystr("名前\n")) == "名前\n"


@pytest.mark.parametrize("text", [HOSTILE, "plain", 'quote at the end"', "a\n\nb", ""])
def test_docstring_is_one_string_literal_holding_the_text(text: str) -> None:
    source = f"def f() -> None:\n    {docstring(text)}\n"
    tree = ast.parse(source)
    (function,) = tree.body
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1
    value = ast.get_docstring(function, clean=False) or ""
    assert " ".join(value.split()) == " ".join(text.replace("\x00", "\x00").split())


def test_long_docstrings_wrap() -> None:
    text = "word " * 60
    lines = docstring(text, indent=8).splitlines()
    assert len(lines) > 3
    assert all(len(line) <= 92 for line in lines)


@pytest.mark.parametrize(
    ("status", "code", "matches"),
    [
        ("200", 200, True),
        ("200", 201, False),
        ("2XX", 204, True),
        ("2XX", 300, False),
        ("default", 599, True),
    ],
)
def test_status_condition(status: str, code: int, matches: bool) -> None:
    assert eval(status_condition(status, "code"), {"code": code}) is matches


def test_join_expr_quotes_literals_and_wraps_variables() -> None:
    parts = (UrlPart('/a"b/', False), UrlPart("job_id", True), UrlPart("/x", False))
    expression = join_expr(parts, "q({})")
    assert eval(expression, {"q": lambda v: f"<{v}>", "job_id": 7}) == '/a"b/<7>/x'


def test_templates_branch_on_the_ir_enums() -> None:
    template = environment().from_string(
        "{% if kind == AuthKind.API_KEY_QUERY %}query{% else %}{{ kind.value }}{% endif %}"
        " {{ 'sent' if where in (ParamLocation.QUERY, ParamLocation.HEADER) else 'kept' }}"
    )
    assert template.render(kind=AuthKind.API_KEY_QUERY, where=ParamLocation.HEADER) == "query sent"
    assert template.render(kind=AuthKind.BEARER, where=ParamLocation.PATH) == "bearer kept"


def _string_comparisons(tree: nodes.Template) -> list[str]:
    """Comparisons and ``equalto`` tests in a template that take a string literal."""
    found = []
    for compare in tree.find_all(nodes.Compare):
        operands = [compare.expr, *(operand.expr for operand in compare.ops)]
        for operand in operands:
            items = operand.items if isinstance(operand, nodes.Tuple | nodes.List) else [operand]
            found += [repr(item.value) for item in items if isinstance(item, nodes.Const)]
    for test in tree.find_all(nodes.Test):
        if test.name in EQUALITY_TESTS:
            found += [repr(arg.value) for arg in test.args if isinstance(arg, nodes.Const)]
    for select in tree.find_all(nodes.Filter):
        # `selectattr("attribute", "equalto", value)`: the value follows the test's name.
        values = [arg.value if isinstance(arg, nodes.Const) else None for arg in select.args]
        tests = [i for i, value in enumerate(values) if value in EQUALITY_TESTS]
        if select.name in ("select", "reject", "selectattr", "rejectattr") and tests:
            found += [repr(value) for value in values[tests[0] + 1 :] if value is not None]
    return [value for value in found if value.startswith("'")]


EQUALITY_TESTS = ("equalto", "eq", "==", "sameas", "in")


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (default_templates() / "python").glob("*.jinja"))
)
def test_shipped_templates_never_compare_with_a_string(name: str) -> None:
    source = (default_templates() / "python" / name).read_text(encoding="utf-8")
    tree = jinja2.Environment().parse(source)
    assert _string_comparisons(tree) == []


def test_a_string_comparison_is_found() -> None:
    tree = jinja2.Environment().parse(
        '{% if k == "bearer" %}{% endif %}{{ xs|selectattr("k", "equalto", "cookie")|list }}'
    )
    assert _string_comparisons(tree) == ["'bearer'", "'cookie'"]
