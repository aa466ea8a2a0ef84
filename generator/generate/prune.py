"""Unused private helpers left out of a rendered module.

The client template carries every helper a client may need (form and multipart bodies, parameter
styles, text responses...); a spec uses a few. Rather than a condition around each helper in the
template, which would have to know what every method body calls, the rendered module is read once
and every module-level private definition (``def _x``, ``class _X``, ``_X = ...``) that nothing
else in the module names is removed, until none is left; ruff then drops the imports only they used.
"""

from __future__ import annotations

import ast
import re

#: A line that may start a module-level private definition; a module without one is not parsed.
_PRIVATE_DEFINITION = re.compile(r"^(?:(?:async )?def |class )?_[A-Za-z]", re.MULTILINE)


def prune_unused(source: str) -> str:
    """``source`` without its module-level private definitions that nothing uses.

    A module that does not parse is returned as it is: the code gate reports it.
    """
    if not _PRIVATE_DEFINITION.search(source):
        return source
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.split("\n")
    # Each statement is walked once; the fixpoint then works on these name sets alone (a client
    # of a large spec is a 150,000-line module).
    defined = {
        index: name
        for index, node in enumerate(tree.body)
        if (name := _private_name(node)) is not None
    }
    # What each statement reads; a helper calling itself does not keep itself.
    reads = [_names(node) - {defined.get(index)} for index, node in enumerate(tree.body)]
    removed: set[int] = set()  # indexes in tree.body
    while True:
        used = set().union(*(names for i, names in enumerate(reads) if i not in removed))
        unused = {i for i, name in defined.items() if i not in removed and name not in used}
        if not unused:
            break
        removed |= unused
    if not removed:
        return source
    drop: set[int] = set()  # 0-based line numbers
    for index in removed:
        node = tree.body[index]
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
        # The `#:` comments right above a definition document it: they go with it.
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        drop.update(range(first, (node.end_lineno or node.lineno)))
    return "\n".join(line for number, line in enumerate(lines) if number not in drop)


def _private_name(node: ast.stmt) -> str | None:
    """The single private name ``node`` defines at module level, if it is such a definition."""
    name: str | None = None
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        name = node.name
    elif isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        name = target.id if isinstance(target, ast.Name) else None
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        name = node.target.id
    if name is None or not name.startswith("_") or name.startswith("__"):
        return None
    return name


def _names(node: ast.AST) -> set[str]:
    """Every name ``node`` reads, in code and in annotations."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
