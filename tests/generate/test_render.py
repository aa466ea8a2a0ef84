"""The quoting and expression helpers every template goes through."""

from __future__ import annotations

import ast

import pytest

from generator.generate.ir import UrlPart
from generator.generate.render import docstring, join_expr, pystr, status_condition

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
