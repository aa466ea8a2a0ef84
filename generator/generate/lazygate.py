"""What the code gate accepts of the lazy layout (:mod:`generator.generate.layout`), as strictly as
the rest: the modules it adds have fixed shapes, and only these.

- ``_lazy.py``, the loaders: exactly :data:`~generator.generate.layout.LAZY_SUPPORT`, byte for byte
  (it is the one module that calls ``importlib``, ``getattr`` and ``setattr``).
- ``models/__init__.py``, the index: its docstring, the imports of ``__future__``,
  ``TYPE_CHECKING`` and ``_lazy``, an ``if TYPE_CHECKING:`` block of ``from ._NNN import *``
  (model modules only: type checkers see their classes), ``_MODULES``, a dict from the package's
  model modules to identifiers separated by spaces, and
  ``if not TYPE_CHECKING: __getattr__ = _lazy.module_attributes(".models", _MODULES)``. Nothing
  else, so the rules for every module are not needed there (but printable characters).
- ``models/_NNN.py`` and ``models/_support.py`` are models modules, checked as ``models.py`` is;
  a class one imports from another model module counts as a model class.
- Relative imports besides those of every package: ``from ._NNN``, ``from ._support`` (model
  modules), ``from ._client_NNN`` (operations), and ``from .. import _lazy``, nothing else.
"""

from __future__ import annotations

import ast
import re

from generator.generate.layout import LAZY_MODULE, LAZY_SUPPORT, MODELS_INDEX

_MODEL_MODULE = re.compile(r"_(?:[0-9]{3,}|support)")
_CLIENT_MODULE = re.compile(r"_client_[0-9]{3,}")
_INDEX_KEY = re.compile(r"\.models\._(?:[0-9]{3,}|support)")
_NAMES = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?: [A-Za-z_][A-Za-z0-9_]*)*")
_INDEX_HOOK = ast.dump(
    ast.parse('__getattr__ = _lazy.module_attributes(".models", _MODULES)').body[0]
)


def is_models_module(module: str) -> bool:
    """Whether ``module`` (a path in the package) holds models and is checked as ``models.py``."""
    return module == "models.py" or (module.startswith("models/") and module != MODELS_INDEX)


def relative_import_allowed(node: ast.ImportFrom) -> bool:
    """Whether ``node`` is one of the relative imports between modules of the lazy layout."""
    names = [alias.name for alias in node.names]
    if "*" in names:
        return False
    if node.level == 2:
        return node.module is None and names == ["_lazy"]
    return node.level == 1 and any(
        pattern.fullmatch(node.module or "") for pattern in (_MODEL_MODULE, _CLIENT_MODULE)
    )


def sibling_classes(tree: ast.Module) -> set[str]:
    """The model classes a model module imports from other model modules."""
    return {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and node.level == 1
        and node.module is not None
        and re.fullmatch(r"_[0-9]{3,}", node.module)
        for alias in node.names
    }


def check_lazy_module(module: str, source: str) -> str | None:
    """Why ``module`` of the lazy layout is refused beyond the rules for every module, or None.

    Only ``_lazy.py`` and the models index have rules of their own.
    """
    if module == LAZY_MODULE:
        return None if source == LAZY_SUPPORT else "loaders that are not specgen's own"
    if module == MODELS_INDEX:
        if not all(line.isprintable() for line in source.split("\n")):
            return "a character that is not printable"
        try:
            return _index_refusal(ast.parse(source))
        except SyntaxError:
            return "not valid Python"
    return None


def _index_refusal(tree: ast.Module) -> str | None:
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.ImportFrom) and (
            (node.module == "__future__" and [a.name for a in node.names] == ["annotations"])
            or (node.module == "typing" and [a.name for a in node.names] == ["TYPE_CHECKING"])
            or (node.level == 2 and relative_import_allowed(node))
        ):
            continue
        if _is_condition(node, negated=False):
            assert isinstance(node, ast.If)
            if all(_is_star(statement) for statement in node.body) and not node.orelse:
                continue
            return f"line {node.lineno}: the TYPE_CHECKING block holds more than model imports"
        if _is_condition(node, negated=True):
            assert isinstance(node, ast.If)
            if [ast.dump(s) for s in node.body] == [_INDEX_HOOK] and not node.orelse:
                continue
            return f"line {node.lineno}: a module __getattr__ other than specgen's"
        if _is_table(node):
            continue
        return f"line {node.lineno}: a {type(node).__name__} in the models index"
    return None


def _is_condition(node: ast.stmt, negated: bool) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    if negated:
        if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
            return False
        test = test.operand
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def _is_star(node: ast.stmt) -> bool:
    """``from ._NNN import *``: the classes of a model module, for type checkers."""
    return (
        isinstance(node, ast.ImportFrom)
        and node.level == 1
        and _MODEL_MODULE.fullmatch(node.module or "") is not None
        and [(alias.name, alias.asname) for alias in node.names] == [("*", None)]
    )


def _is_table(node: ast.stmt) -> bool:
    """``_MODULES = {".models._NNN": "X Y", ...}``."""
    return (
        isinstance(node, ast.Assign)
        and [ast.dump(t) for t in node.targets] == [ast.dump(ast.Name("_MODULES", ast.Store()))]
        and isinstance(node.value, ast.Dict)
        and all(
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and _INDEX_KEY.fullmatch(key.value) is not None
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and _NAMES.fullmatch(value.value) is not None
            for key, value in zip(node.value.keys, node.value.values, strict=True)
        )
    )
