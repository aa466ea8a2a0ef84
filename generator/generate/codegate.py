"""The structural gate every generated module passes before it is written.

Spec text is quoted by :mod:`generator.quoting` and names come from :mod:`generator.generate.naming`, so a spec
should never be able to add code. This gate does not trust that: it parses each generated module and
refuses it when it holds anything outside the allowlist below, which is the whole of what specgen's
templates and datamodel-code-generator (fed by :mod:`generator.generate.model_input`) legitimately write.

Every module:
  - only printable characters and newlines (no bidi controls, no line separators, no NUL);
  - imports only of :data:`ALLOWED_IMPORTS`, and only at module level;
  - every name it reads is bound in the module or is one of :data:`SAFE_BUILTINS` (so no
    ``__import__``, ``eval``, ``open``, ``getattr``...), and no dunder attribute but
    :data:`SAFE_DUNDERS`; no ``global``, ``nonlocal``, ``del``;
  - identifiers Python reads as they are written (NFKC-stable), so two names never merge.
The models module, in addition, has only the shapes of a models module: class definitions whose
bodies are docstrings, annotated fields and assignments with literal values, calls only to the
constructors in :data:`MODEL_CONSTRUCTORS`, and no functions but the open-enum hook.
"""

from __future__ import annotations

import ast
import io
import tokenize
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from generator.errors import SpecgenError
from generator.generate.layout import LAZY_MODULE, MODELS_INDEX
from generator.generate.lazygate import (
    check_lazy_module,
    is_models_module,
    relative_import_allowed,
    sibling_classes,
)
from generator.generate.places import Places

#: Modules generated code may import (``None`` in a relative import is the package itself).
ALLOWED_IMPORTS = frozenset(
    {
        "__future__",
        "base64",
        "collections.abc",
        "datetime",
        "decimal",
        "enum",
        "httpx",
        "logging",
        "pydantic",
        "regex",
        "types",
        "typing",
        "urllib.parse",
        "uuid",
        "warnings",
    }
)
ALLOWED_RELATIVE = frozenset({None, "client", "errors", "models"})
#: Builtins generated code may use; anything else (``eval``, ``open``, ``getattr``...) is refused.
SAFE_BUILTINS = frozenset(
    {
        "None",
        "True",
        "False",
        "bool",
        "bytes",
        "classmethod",
        "dict",
        "float",
        "frozenset",
        "int",
        "isinstance",
        "len",
        "list",
        "object",
        "repr",
        "set",
        "str",
        "super",
        "tuple",
        "type",
        "BaseException",
        "Exception",
        "RuntimeWarning",
        "TimeoutError",
        "ValueError",
    }
)
#: Builtin types a models module may import under another name, for when a field name hides them.
BUILTIN_TYPES = frozenset(
    {"bool", "bytes", "dict", "float", "frozenset", "int", "list", "object", "set", "str", "tuple"}
)
#: Dunder attributes generated code may touch (the open-enum hook, error messages).
SAFE_DUNDERS = frozenset({"__name__", "__new__", "__init__"})
#: Calls a models module may make: pydantic's and the standard library's constructors.
MODEL_CONSTRUCTORS = frozenset(
    {"Field", "ConfigDict", "AliasChoices", "AliasPath", "StringConstraints", "Decimal"}
    | {"AfterValidator", "_pattern"}  # bounded pattern checks (generator/generate/patterns.py)
    | {"_discriminated"}  # discriminator hints (generator/generate/discriminators.py)
)
#: Names a models module may use in annotations and bases besides its own classes.
MODEL_TYPE_NAMES = frozenset(
    {
        "Annotated",
        "Any",
        "Literal",
        "Optional",
        "Union",
        "BaseModel",
        "RootModel",
        "StrEnum",
        "IntEnum",
        "Enum",
        "UUID",
        "AwareDatetime",
        "NaiveDatetime",
        "AnyUrl",
        "EmailStr",
        "date",
        "datetime",
        "time",
        "timedelta",
        "Decimal",
        "bool",
        "bytes",
        "dict",
        "float",
        "int",
        "list",
        "set",
        "str",
        "tuple",
        "frozenset",
        "object",
        "None",
    }
)
#: The only functions a models module may define: the open-enum hook of specgen's Enum template, and
#: the bounded pattern check and the discriminator hint of its models template.
MODEL_FUNCTIONS = frozenset({"_missing_", "_pattern", "_discriminated"})
#: The only module-level constants of a models module (the models template's).
MODEL_CONSTANTS = frozenset({"PATTERN_TIMEOUT"})


@dataclass(frozen=True)
class Refusal:
    """Why a module was refused: the line, the class or function it is in, and what was found."""

    line: int
    context: str | None
    reason: str

    def __str__(self) -> str:
        where = f" in {self.context}" if self.context else ""
        return f"line {self.line}{where}: {self.reason}"


class GateError(Exception):
    """A generated module that holds something outside the allowlist."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


def check_module(source: str, models: bool = False) -> None:
    """Raise :class:`GateError` unless ``source`` holds only what generated code may hold."""
    for number, line in enumerate(source.split("\n"), 1):
        if not line.isprintable():
            bad = next(char for char in line if not char.isprintable())
            raise GateError(Refusal(number, None, f"raw character U+{ord(bad):04X} in the source"))
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise GateError(Refusal(exc.lineno or 0, None, f"not valid Python ({exc.msg})")) from None
    _check_identifiers(source)
    _check_generic(tree)
    if models:
        _check_models(tree)


def _check_identifiers(source: str) -> None:
    """Refuse names Python normalises (NFKC) on reading: the tree already shows them merged."""
    # In a source NFKC leaves as it is, every name is as written (a substring of normalised text
    # is normalised). Only otherwise is the module tokenized to find the name that changes: that
    # takes seconds on a large API, the check a few milliseconds.
    if unicodedata.is_normalized("NFKC", source):
        return
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if (
            token.type == tokenize.NAME
            and unicodedata.normalize("NFKC", token.string) != token.string
        ):
            raise GateError(
                Refusal(
                    token.start[0],
                    None,
                    f"the identifier {token.string!r}, which Python reads as another name",
                )
            )


def _check_generic(tree: ast.Module) -> None:
    """The rules for every module (see the module docstring), in one walk over the tree.

    The earliest problem in the source is refused, in the class or function that holds it.
    """
    bound = set(SAFE_BUILTINS)
    reads: list[ast.Name] = []
    problems: list[tuple[int, int, ast.AST, str]] = []

    def problem(node: ast.AST, reason: str) -> None:
        problems.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), node, reason))

    # Each node with whether a class or function holds it (imports belong at module level, which
    # includes `if TYPE_CHECKING:` blocks).
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, held = stack.pop()
        inner = held or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                reads.append(node)
            elif isinstance(node.ctx, ast.Store):
                bound.add(node.id)
        elif isinstance(node, ast.Attribute):
            if node.attr.startswith("__") and node.attr not in SAFE_DUNDERS:
                problem(node, f"the attribute {node.attr!r}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if held:
                problem(node, "an import inside a function or class")
            elif not _allowed_import(node):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                problem(node, _import_refusal(node, module))
            for alias in node.names:
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global):
            problem(node, "a global statement")
        elif isinstance(node, ast.Nonlocal):
            problem(node, "a nonlocal statement")
        elif isinstance(node, ast.Delete):
            problem(node, "a del statement")
    for name in reads:
        if name.id not in bound:
            problem(name, f"the name {name.id!r}, which nothing in the module defines")
    if problems:
        line, _, node, reason = min(problems, key=lambda found: found[:2])
        raise GateError(Refusal(line, _context(tree, node), reason))


def _allowed_import(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.Import):
        return all(alias.name in ALLOWED_IMPORTS for alias in node.names)
    if node.level and relative_import_allowed(node):
        return True  # between the modules of the lazy layout (generator/generate/lazygate.py)
    allowed = node.module in ALLOWED_RELATIVE if node.level == 1 else node.module in ALLOWED_IMPORTS
    if node.level == 0 and node.module == "builtins":
        # datamodel-code-generator's aliases for types a field name hides (`str as str_aliased`).
        allowed = all(alias.name in BUILTIN_TYPES for alias in node.names)
    return allowed and node.level <= 1 and all(alias.name != "*" for alias in node.names)


def _import_refusal(node: ast.Import | ast.ImportFrom, module: str | None) -> str:
    if isinstance(node, ast.Import):
        refused = next(alias.name for alias in node.names if alias.name not in ALLOWED_IMPORTS)
        return f"an import of {refused!r}"
    return f"an import from {'.' * node.level}{module or ''!s}"


def _context(tree: ast.Module, node: ast.AST) -> str | None:
    """The dotted names of the classes and functions holding ``node`` (None at module level)."""
    names: list[str] = []
    body: list[ast.stmt] = tree.body
    while True:
        holder = next(
            (
                statement
                for statement in body
                if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and statement is not node
                and any(part is node for part in ast.walk(statement))
            ),
            None,
        )
        if holder is None:
            return ".".join(names) or None
        names.append(holder.name)
        body = holder.body


# -- the shapes of a models module ---------------------------------------------------------------------


def _check_models(tree: ast.Module) -> None:
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    defined = set(classes)
    classes |= sibling_classes(tree)  # the lazy layout's other model modules
    # Names imported from allowed modules may name types, under an alias too: datamodel-code-generator
    # imports a type as `date_aliased` (or `str_aliased`, from builtins) where a field hides it.
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    checker = _ModelShapes(classes, imported)
    for index, statement in enumerate(tree.body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        if index == 0 and _is_text(statement):
            continue
        if isinstance(statement, ast.ClassDef):
            checker.class_def(statement)
        elif _is_rebuild(statement, defined) or _is_text(statement):
            continue
        elif isinstance(statement, ast.FunctionDef) and statement.name in MODEL_FUNCTIONS:
            continue  # the template's own code; the rules for every module apply to it
        elif (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id in MODEL_CONSTANTS
            and isinstance(statement.value, ast.Constant)
        ):
            continue
        else:
            raise checker.refuse(statement, None, f"a {type(statement).__name__} at module level")


def _is_text(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_extra_annotation(node: ast.stmt) -> bool:
    """How datamodel-code-generator types ``additionalProperties``: ``__annotations__`` set to
    ``{"__pydantic_extra__": <type>}`` in the class body."""
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "__annotations__"
        and isinstance(node.value, ast.Dict)
        and all(
            isinstance(key, ast.Constant) and key.value == "__pydantic_extra__"
            for key in node.value.keys
        )
    )


def _is_rebuild(node: ast.stmt, classes: set[str]) -> bool:
    """``Model.model_rebuild()``, which datamodel-code-generator writes for forward references."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    call = node.value
    return (
        not call.args
        and not call.keywords
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "model_rebuild"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id in classes
    )


class _ModelShapes:
    def __init__(self, classes: set[str], imported: set[str]) -> None:
        self.classes = classes
        self.types = MODEL_TYPE_NAMES | classes | imported

    @staticmethod
    def refuse(node: ast.AST, context: str | None, reason: str) -> GateError:
        return GateError(Refusal(getattr(node, "lineno", 0), context, reason))

    def class_def(self, node: ast.ClassDef) -> None:
        if node.decorator_list or node.keywords:
            raise self.refuse(node, node.name, "a class with decorators or keywords")
        for base in node.bases:
            self.type_expr(base, node.name)
        for statement in node.body:
            if _is_text(statement) or isinstance(statement, ast.Pass):
                continue
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                self.type_expr(statement.annotation, node.name)
                if statement.value is not None:
                    self.value(statement.value, node.name)
            elif _is_extra_annotation(statement):
                # `__annotations__ = {"__pydantic_extra__": dict[str, T]}`: typed extra members.
                assert isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Dict)
                for item in statement.value.values:
                    self.type_expr(item, node.name)
            elif (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
            ):
                self.value(statement.value, node.name)
            elif isinstance(statement, ast.FunctionDef) and statement.name in MODEL_FUNCTIONS:
                continue  # the template's own code; the rules for every module apply to it
            else:
                raise self.refuse(statement, node.name, f"a {type(statement).__name__} in a model")

    def type_expr(self, node: ast.expr, context: str) -> None:
        """Annotations and bases: names of types, subscripts, ``|``, literal values, ``Field(...)``."""
        if isinstance(node, ast.Name):
            if node.id not in self.types:
                raise self.refuse(node, context, f"the type name {node.id!r}")
        elif isinstance(node, ast.Constant):
            return
        elif isinstance(node, ast.Subscript):
            self.type_expr(node.value, context)
            self.type_expr(node.slice, context)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.type_expr(element, context)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            self.type_expr(node.left, context)
            self.type_expr(node.right, context)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            self.value(node, context)  # a negative number in a Literal
        elif isinstance(node, ast.Call):
            self.value(node, context)  # Field(...) inside Annotated
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id not in self.classes:  # an enum member in a Literal
                raise self.refuse(node, context, f"the type {ast.unparse(node)!r}")
        else:
            raise self.refuse(node, context, f"a {type(node).__name__} in an annotation")

    def value(self, node: ast.expr, context: str) -> None:
        """Defaults and constructor arguments: literals, model classes and their members."""
        if isinstance(node, ast.Constant):
            return
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                self.value(element, context)
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                if key is not None:
                    self.value(key, context)
            for item in node.values:
                self.value(item, context)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            if not (
                isinstance(node.operand, ast.Constant)
                and isinstance(node.operand.value, (int, float))
            ):
                raise self.refuse(node, context, "a sign on something that is not a number")
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            method = (
                isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in self.classes
                and node.func.attr == "model_validate"
            )
            if name not in MODEL_CONSTRUCTORS and not method:
                raise self.refuse(node, context, f"a call to {ast.unparse(node.func)!r}")
            for argument in node.args:
                self.value(argument, context)
            for keyword in node.keywords:
                if keyword.arg is None:
                    raise self.refuse(node, context, "a ** argument")
                self.value(keyword.value, context)
        elif isinstance(node, ast.Name):
            # Model classes (defaults, factories) and the empty containers of default_factory.
            if node.id not in self.classes | {"list", "dict", "set"}:
                raise self.refuse(node, context, f"the name {node.id!r} as a value")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id not in self.classes:
                raise self.refuse(node, context, f"the value {ast.unparse(node)!r}")
        elif isinstance(node, ast.Lambda) and not node.args.args:
            self.value(node.body, context)  # default_factory=lambda: Model.model_validate(...)
        else:
            raise self.refuse(node, context, f"a {type(node).__name__} as a value")


def check_generated(api: Places, module: str, source: str, spec: Path) -> None:
    """:func:`check_module` on one file of ``api``'s package; a refusal becomes a located error.

    The error names the schema (for a model class) or the operation (for a client method) the
    refused code came from, at its line in the spec. ``api`` is the package's IR, or the places
    of one kept by the cache (:mod:`generator.generate.places`).
    """
    if not module.endswith(".py"):
        return
    try:
        lazy_refusal = check_lazy_module(module, source)
        if lazy_refusal is not None:
            raise GateError(Refusal(0, None, lazy_refusal))
        if module not in (LAZY_MODULE, MODELS_INDEX):  # fixed shapes, checked whole above
            check_module(source, models=is_models_module(module))
    except GateError as error:
        refusal = error.refusal
        path, line, what = spec, 0, ""
        parts = (refusal.context or "").split(".")
        schema = next((s for s in api.schemas if s.class_name == parts[0]), None)
        operation = next(
            (op for op in api.operations if len(parts) > 1 and op.method_name == parts[1]), None
        )
        if is_models_module(module) and schema is not None:
            path = spec.with_name(schema.source.file)
            line, what = schema.source.line, f" (schema {schema.source.pointer})"
        elif operation is not None:
            path = spec.with_name(operation.source.file)
            line, what = operation.source.line, f" (operation {operation.name})"
        raise SpecgenError(
            f"refusing to write {api.name}/{module}{what}: generated code at {refusal}",
            path,
            line,
        ) from None
