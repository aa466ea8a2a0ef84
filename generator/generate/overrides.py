"""Models that redeclare a field of a base class with another type, flattened into models of their own.

datamodel-code-generator turns "this schema and that one" into a subclass: ``allOf: [{$ref: Page},
{properties: {items: ...}}]`` is ``class WebhookPage(Page)``, and an object with properties and a
``oneOf``/``anyOf`` of branches is a subclass of each branch with the object's properties added
(GitHub's ``checks/update`` request: ``status`` is one enum on the object, another in each branch).
A property both declare becomes a field the subclass redeclares, typed by its own schema, and pydantic
validates the subclass's declaration. JSON Schema means both at once, which Python's classes cannot
say: the two types are often unrelated classes (two enums, ``list[Webhook]`` and ``list[dict]``),
and ``mypy --strict`` rightly refuses the subclass as a base class it does not behave like.

:func:`flatten_incompatible_overrides` makes each such class a ``BaseModel`` of its own holding the
fields it inherited, in pydantic's order, its own declarations where it made them: the fields pydantic
validates are the same ones, and the class no longer claims to be a base it is not. A class whose
redeclarations are subtypes of the base's (a ``StrEnum`` of a ``str``, a subclass of the base's
model) keeps its base.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator, Mapping

from generator.generate.source_edits import ParsedModule

#: Built-in types mypy accepts where another is declared (``int`` for ``float``).
_PROMOTIONS = frozenset({("int", "float"), ("bool", "int"), ("bool", "float")})
#: The base of an enum class and the built-in type its members are instances of.
_ENUM_VALUES = {"StrEnum": ("str",), "IntEnum": ("int", "float")}


def flatten_incompatible_overrides(module: ParsedModule) -> bool:
    """Flatten, in place, each model of ``module`` that redeclares an inherited field with a type
    that is not a subtype of the inherited one; whether any was.

    Repeated until nothing changes: flattening a class makes it no longer a subtype of its former
    bases, which a field typed by it elsewhere may have relied on.
    """
    classes = module.class_definitions()
    flattened = False
    while True:
        changed = False
        orders: dict[str, list[ast.ClassDef] | None] = {}
        for node in classes.values():
            mro = _mro(node.name, classes, orders)
            if mro is None or len(mro) == 1 or not _conflicts(mro, classes):
                continue
            body = _flat_body(mro)
            if body is None:
                continue
            node.bases = [ast.Name("BaseModel", ast.Load())]
            node.body = body
            module.mark(node)
            orders[node.name] = [node]
            changed = flattened = True
        if not changed:
            return flattened


def _mro(
    name: str,
    classes: Mapping[str, ast.ClassDef],
    orders: dict[str, list[ast.ClassDef] | None],
) -> list[ast.ClassDef] | None:
    """The models of the module in the method resolution order of ``name`` (C3), the class first;
    ``None`` if it derives from anything but models of the module and ``BaseModel``. ``orders``
    keeps those found: a base is defined before its subclasses, so each is found once."""
    if name in orders:
        return orders[name]
    orders[name] = None  # until found: a cycle of bases (not Python) has no order
    found = _c3(classes[name], classes, orders)
    orders[name] = found
    return found


def _c3(
    node: ast.ClassDef,
    classes: Mapping[str, ast.ClassDef],
    orders: dict[str, list[ast.ClassDef] | None],
) -> list[ast.ClassDef] | None:
    if not node.bases:
        return None
    direct: list[ast.ClassDef] = []
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id == "BaseModel":
            continue
        if not (isinstance(base, ast.Name) and base.id in classes):
            return None
        direct.append(classes[base.id])
    parents = []
    for parent in direct:
        line = _mro(parent.name, classes, orders)
        if line is None:
            return None
        parents.append(line)
    order = [node]
    sequences = [*parents, direct]
    while any(sequences):
        for sequence in sequences:
            if not sequence:
                continue
            head = sequence[0]
            if not any(head in other[1:] for other in sequences):
                break
        else:
            return None  # no consistent order: Python would not create the class either
        order.append(head)
        sequences = [s[1:] if s and s[0] is head else s for s in sequences]
    return order


def _fields(node: ast.ClassDef) -> Iterator[tuple[str, ast.AnnAssign]]:
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            yield statement.target.id, statement


def _conflicts(mro: list[ast.ClassDef], classes: Mapping[str, ast.ClassDef]) -> bool:
    """Whether a field of ``mro[0]`` (its own or inherited first) is not a subtype of a declaration
    of the same field further up ``mro``."""
    declared: dict[str, list[ast.expr]] = {}
    for node in mro:
        for name, statement in _fields(node):
            declared.setdefault(name, []).append(statement.annotation)
    return any(
        not _subtype(annotations[0], other, classes)
        for annotations in declared.values()
        for other in annotations[1:]
    )


def _subtype(sub: ast.expr, base: ast.expr, classes: Mapping[str, ast.ClassDef]) -> bool:
    """Whether the type ``sub`` is certainly a subtype of ``base``, as mypy sees them; ``False``
    where unsure (flattening a class that did not need it costs only its base)."""
    bases = list(_members(_unannotated(base)))
    return all(
        any(_member_subtype(member, other, classes) for other in bases)
        for member in _members(_unannotated(sub))
    )


def _unannotated(node: ast.expr) -> ast.expr:
    """The type of ``Annotated[T, ...]`` (``T``), else ``node``."""
    while (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Annotated"
        and isinstance(node.slice, ast.Tuple)
        and node.slice.elts
    ):
        node = node.slice.elts[0]
    return node


def _members(node: ast.expr) -> Iterator[ast.expr]:
    """The types joined by ``|`` in ``node``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        yield from _members(node.left)
        yield from _members(node.right)
    else:
        yield node


def _member_subtype(sub: ast.expr, base: ast.expr, classes: Mapping[str, ast.ClassDef]) -> bool:
    if ast.dump(sub) == ast.dump(base):
        return True
    if _name(sub) == "Any" or _name(base) == "Any":
        return True
    if isinstance(sub, ast.Subscript) and _name(sub.value) == "Literal":
        return _literal_subtype(sub, base)
    sub_name, base_name = _name(sub), _name(base)
    if sub_name is None or base_name is None:
        return False  # generics are invariant: list[Webhook] is not a list[dict[str, Any]]
    if (sub_name, base_name) in _PROMOTIONS:
        return True
    ancestors = _ancestors(sub_name, classes)
    return base_name in ancestors or any(
        base_name in _ENUM_VALUES.get(ancestor, ()) for ancestor in ancestors
    )


def _literal_subtype(sub: ast.Subscript, base: ast.expr) -> bool:
    """Whether every value of ``Literal[...]`` ``sub`` is of the type ``base`` names."""
    values = sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]
    wanted = _name(base)
    for value in values:
        if not isinstance(value, ast.Constant):
            return False
        kind = type(value.value).__name__
        if not (kind == wanted or (kind, wanted) in _PROMOTIONS):
            return False
    return True


def _ancestors(name: str, classes: Mapping[str, ast.ClassDef]) -> set[str]:
    """The names of the bases of the class ``name``, transitively, as written in the module."""
    found: set[str] = set()
    pending = [name]
    while pending:
        node = classes.get(pending.pop())
        if node is None:
            continue
        for base in node.bases:
            target = base.value if isinstance(base, ast.Subscript) else base
            base_name = _name(target)
            if base_name is not None and base_name not in found:
                found.add(base_name)
                pending.append(base_name)
    return found


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _flat_body(mro: list[ast.ClassDef]) -> list[ast.stmt] | None:
    """The body of ``mro[0]`` as a ``BaseModel`` of its own, or ``None`` if a class of ``mro``
    holds a statement that is not a field, its docstring, ``model_config`` or the type of extra
    members (a class datamodel-code-generator did not write as it does models: left as it is)."""
    own = mro[0]
    config: dict[str, ast.keyword] = {}
    setting: ast.Assign | None = None
    extra: ast.stmt | None = None
    # Pydantic's order: fields by first declaration from the farthest base down, each the
    # nearest declaration (the class's own, where it has one).
    fields: dict[str, list[ast.stmt]] = {}
    for node in reversed(mro):
        statements = node.body
        for index, statement in enumerate(statements):
            if _is_text(statement) or isinstance(statement, ast.Pass):
                continue  # a docstring: of the class (kept below) or of the field before it
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                following = statements[index + 1] if index + 1 < len(statements) else None
                declaration: list[ast.stmt] = [statement]
                if following is not None and _is_text(following):
                    declaration.append(following)
                fields[statement.target.id] = [copy.deepcopy(s) for s in declaration]
            elif isinstance(statement, ast.Assign) and _assigns(statement, "model_config"):
                keywords = _config_keywords(statement)
                if keywords is None:
                    return None
                config.update((keyword.arg, keyword) for keyword in keywords if keyword.arg)
                setting = copy.deepcopy(statement)
            elif _assigns(statement, "__annotations__"):
                extra = copy.deepcopy(statement)
            else:
                return None
    body: list[ast.stmt] = []
    if own.body and _is_text(own.body[0]):
        body.append(own.body[0])
    if setting is not None:
        assert isinstance(setting.value, ast.Call)
        setting.value.keywords = [copy.deepcopy(keyword) for keyword in config.values()]
        body.append(setting)
    if extra is not None:
        body.append(extra)
    for declaration in fields.values():
        body.extend(declaration)
    return body or [ast.Pass()]


def _is_text(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _assigns(statement: ast.stmt, name: str) -> bool:
    return (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and _name(statement.targets[0]) == name
    )


def _config_keywords(statement: ast.Assign) -> list[ast.keyword] | None:
    """The keywords of ``model_config = ConfigDict(...)``; ``None`` if it is written otherwise."""
    value = statement.value
    if not (isinstance(value, ast.Call) and _name(value.func) == "ConfigDict") or value.args:
        return None
    if any(keyword.arg is None for keyword in value.keywords):
        return None
    return value.keywords
