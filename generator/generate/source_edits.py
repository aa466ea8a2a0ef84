"""Edits of generated model source by syntax tree: the statements rewritten, the rest kept as written.

The models stage post-processes datamodel-code-generator's module (bounded patterns, discriminator
hints) on its syntax tree; re-unparsing the whole module would lose its layout and comments, so only
the statements that change are replaced, line for line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable


def class_bases(node: ast.ClassDef) -> set[str]:
    """The names of a class's bases, subscripts read as their generic (``RootModel[int]``: RootModel)."""
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Name):
            names.add(base.id)
    return names


def replace_statements(lines: list[str], replacements: Iterable[tuple[ast.stmt, ast.AST]]) -> int:
    """Replace, in ``lines`` (the module's source split on newlines), each original statement by
    the unparsed new one at the same indentation; the number of statements replaced."""
    edits = [
        (old.lineno - 1, old.end_lineno - 1, " " * old.col_offset + ast.unparse(new))
        for old, new in replacements
        if old.end_lineno is not None
    ]
    # From the bottom up, so the line numbers of the edits still to make do not move.
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first : last + 1] = [replacement]
    return len(edits)


def field_text(node: ast.AST, argument: str) -> ast.keyword | None:
    """The keyword ``argument`` of a ``Field(...)`` call when its value is a string constant."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id != "Field":
        return None
    for keyword in node.keywords:
        value = keyword.value
        if (
            keyword.arg == argument
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            return keyword
    return None
