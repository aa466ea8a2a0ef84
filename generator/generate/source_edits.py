"""Edits of generated model source by syntax tree: the statements rewritten, the rest kept as written.

The models stage post-processes datamodel-code-generator's module (spec text put back, bounded
patterns, discriminator hints) on its syntax tree. The module is parsed once (:class:`ParsedModule`):
each pass changes statements of the one tree in place and marks them, and the text is written back
once at the end. Re-unparsing the whole module would lose its layout and comments, so only the marked
statements are replaced, line for line; every string literal is written by the caller's quoting.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from generator.errors import SpecgenError

#: Writes a string literal's value as code: ``(value, None)`` for an expression, ``(value, column)``
#: for a docstring starting at that column.
Literal = Callable[[str, "int | None"], str]


class ParsedModule:
    """A generated module parsed once, changed in place, and written back with :meth:`text`."""

    def __init__(self, source: str, producer: str = "datamodel-code-generator") -> None:
        self.source = source
        try:
            self.tree = ast.parse(source)
        except SyntaxError as exc:
            raise SpecgenError(f"{producer} wrote invalid Python: {exc.msg}") from None
        self._marked: dict[int, ast.stmt] = {}
        self._removed: set[int] = set()

    def mark(self, statement: ast.stmt) -> None:
        """Record that ``statement`` (a node of :attr:`tree`) was changed and must be rewritten."""
        self._marked[id(statement)] = statement

    def remove(self, statement: ast.stmt) -> None:
        """Leave ``statement`` (a node of :attr:`tree`) out of :meth:`text`, lines and all."""
        self._removed.add(id(statement))

    @property
    def changed(self) -> bool:
        """Whether any statement was marked."""
        return bool(self._marked)

    def strings(self) -> Iterator[ast.Constant]:
        """Every string literal of the tree, docstrings included."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node

    def class_definitions(self) -> dict[str, ast.ClassDef]:
        """The module's top-level classes by name."""
        return {node.name: node for node in self.tree.body if isinstance(node, ast.ClassDef)}

    def imports_end(self) -> int:
        """The number of lines up to the end of the module's last top-level import."""
        return max(
            (
                node.end_lineno or 0
                for node in self.tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom))
            ),
            default=0,
        )

    def text(self, literal: Literal) -> str:
        """The module's source with marked statements unparsed and every string literal written by
        ``literal``; the rest (layout, comments) as it was."""
        encoded = [line.encode("utf-8") for line in self.source.split("\n")]
        edits: list[tuple[int, int, int, int, str]] = []
        self._collect(self.tree, literal, encoded, edits)
        # From the end, so earlier positions stay valid (offsets are in UTF-8 bytes, as ast gives).
        for start_line, start_col, end_line, end_col, replacement in sorted(edits, reverse=True):
            head = encoded[start_line][:start_col]
            tail = encoded[end_line][end_col:]
            encoded[start_line : end_line + 1] = [head + replacement.encode("utf-8") + tail]
        return "\n".join(line.decode("utf-8") for line in encoded)

    def _collect(
        self,
        node: ast.AST,
        literal: Literal,
        encoded: list[bytes],
        edits: list[tuple[int, int, int, int, str]],
    ) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.stmt) and id(current) in self._removed:
                assert current.end_lineno is not None
                last = current.end_lineno - 1
                edits.append((current.lineno - 1, 0, last, len(encoded[last]), ""))
                continue
            if isinstance(current, ast.stmt) and id(current) in self._marked:
                assert current.end_lineno is not None
                last = current.end_lineno - 1
                # The whole lines of the statement, at its indentation.
                new = " " * current.col_offset + _requote(current, literal)
                edits.append((current.lineno - 1, 0, last, len(encoded[last]), new))
                continue
            if isinstance(current, ast.Expr) and _is_text(current.value):
                value = current.value
                assert isinstance(value, ast.Constant) and isinstance(value.value, str)
                edits.append(_edit(value, literal(value.value, value.col_offset)))
                continue
            if isinstance(current, ast.Constant) and isinstance(current.value, str):
                edits.append(_edit(current, literal(current.value, None)))
                continue
            stack.extend(ast.iter_child_nodes(current))


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _edit(node: ast.Constant, replacement: str) -> tuple[int, int, int, int, str]:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return (node.lineno - 1, node.col_offset, node.end_lineno - 1, node.end_col_offset, replacement)


def _requote(statement: ast.stmt, literal: Literal) -> str:
    """``statement`` unparsed, its string literals written by ``literal`` (unparse would use repr)."""
    return ParsedModule(ast.unparse(statement)).text(literal)


def class_bases(node: ast.ClassDef) -> set[str]:
    """The names of a class's bases, subscripts read as their generic (``RootModel[int]``: RootModel)."""
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Name):
            names.add(base.id)
    return names


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
