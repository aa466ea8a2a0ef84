"""Bounded pattern checks in generated models.

pydantic checks ``pattern`` with the Rust regex crate, whose work is linear in the input. Patterns it
cannot run (look-arounds, back-references) need a backtracking engine, and datamodel-code-generator
then switches the whole model to Python's ``re``, whose work on a hostile string (a response from a
server nobody trusts) is unbounded: ``^(?=(a+)+$)`` on 40 ``a``s and a ``b`` never returns.

:func:`bound_patterns` rewrites such fields instead: the pattern leaves ``Field(...)`` and is checked
by ``AfterValidator(_pattern(...))``, the ``regex`` module with a time limit per value
(``PATTERN_TIMEOUT`` in the models module). A value whose check exceeds it is accepted with a
:class:`RuntimeWarning` saying the pattern was not checked: a bound, never a hang.

A pattern neither engine can run (valid ECMA-262, OpenAPI's dialect, that Python's ``regex`` refuses,
such as ``\\cJ`` or ``[^]``) is left out of the model: the field is not checked against it, and
``validate`` says so (``pattern-unenforced``).
"""

from __future__ import annotations

import ast
import functools

from generator.generate.source_edits import ParsedModule, field_text
from generator.spec.validators import python_problem

#: What a models module needs when it bounds patterns; specgen's models template writes it.
HELPER_IMPORTS = ("AfterValidator",)


@functools.lru_cache(maxsize=4096)
def linear(pattern: str) -> bool:
    """Whether pydantic's default (Rust, linear-time) engine runs ``pattern``."""
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError:
        return False
    return True


def bound_patterns(module: ParsedModule) -> bool:
    """Check every pattern of ``module`` that the Rust engine cannot run by the bounded helper, the
    statements changed in place; whether the module needs the helper."""
    needs_helper = False
    for cls in module.tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        for statement in cls.body:
            changed, bounded = _rewrite(statement)
            needs_helper = needs_helper or bounded
            if changed:
                module.mark(statement)
    return needs_helper


def _rewrite(statement: ast.stmt) -> tuple[bool, bool]:
    """Bound the statement's backtracking patterns in place: whether it changed, and whether it
    uses the bounded helper."""
    if isinstance(statement, ast.Assign) and _drops_python_re(statement.value):
        return True, True
    if isinstance(statement, ast.AnnAssign):
        changed = _Patterns()
        changed.visit(statement)
        return changed.found or changed.dropped, changed.found
    return False, False


def _drops_python_re(node: ast.expr) -> bool:
    """Remove ``regex_engine="python-re"`` from ``ConfigDict(...)``; whether it was there."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return False
    if node.func.id != "ConfigDict":
        return False
    kept = [k for k in node.keywords if k.arg != "regex_engine"]
    found = len(kept) != len(node.keywords)
    node.keywords = kept
    return found


class _Patterns(ast.NodeTransformer):
    """Moves backtracking patterns out of ``Field(...)`` inside ``Annotated[...]``."""

    def __init__(self) -> None:
        #: Whether a pattern is now checked by the bounded helper.
        self.found = False
        #: Whether a pattern no engine can run was left out.
        self.dropped = False

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if not (isinstance(node.value, ast.Name) and node.value.id == "Annotated"):
            return node
        if not isinstance(node.slice, ast.Tuple):
            return node
        elements: list[ast.expr] = []
        for element in node.slice.elts:
            elements.append(element)
            pattern = _take_pattern(element)
            if pattern is not None and python_problem(pattern) is not None:
                self.dropped = True
            elif pattern is not None:
                self.found = True
                elements.append(
                    ast.Call(
                        func=ast.Name("AfterValidator", ast.Load()),
                        args=[
                            ast.Call(
                                func=ast.Name("_pattern", ast.Load()),
                                args=[ast.Constant(pattern)],
                                keywords=[],
                            )
                        ],
                        keywords=[],
                    )
                )
        node.slice.elts = elements
        return node


def _take_pattern(node: ast.expr) -> str | None:
    """Remove a backtracking ``pattern=`` from a ``Field(...)`` call and return it."""
    keyword = field_text(node, "pattern")
    if not (isinstance(node, ast.Call) and keyword and isinstance(keyword.value, ast.Constant)):
        return None
    pattern = str(keyword.value.value)
    if linear(pattern):
        return None
    node.keywords.remove(keyword)
    return pattern
    if node.func.id != "Field":
        return None
    for keyword in node.keywords:
        value = keyword.value
        if (
            keyword.arg == "pattern"
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and not linear(value.value)
        ):
            node.keywords.remove(keyword)
            return value.value
    return None
