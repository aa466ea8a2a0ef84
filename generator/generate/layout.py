"""The lazy layout of a large package: models and operations in modules loaded on first use.

A package of a small spec is four plain modules (``client.py``, ``models.py``...), easy to read. A
package of GitHub's size is 140,000 lines of models and as many of client: importing it builds
7,000 pydantic classes. Above :attr:`Layout.above` named schemas and operations together, the
rendered modules are split instead, with the same public shape:

- ``models/`` is a package: model classes go in modules of their own (``models/_001.py``...),
  ``models/__init__.py`` maps each name to its module and imports it on first access (a module
  ``__getattr__``, PEP 562), and imports every class under ``TYPE_CHECKING`` for type checkers.
  Classes are grouped so that imports between those modules form no cycle and loading one class
  loads few others: see :func:`model_chunks`.
- ``client.py`` keeps the helpers and the clients' constructors; each operation's methods go in a
  module ``_client_NNN.py`` (:attr:`Layout.operations` operations to a module), as the classes
  ``Operations`` and ``AsyncOperations``, which type checkers see as bases of ``Client`` and
  ``AsyncClient``, and which a class ``__getattr__`` loads on first access at run time.
- ``_lazy.py`` holds the two loaders, the same text in every package (:data:`LAZY_SUPPORT`).

The split works on the rendered, unformatted sources: each statement is moved as written, so
every literal and docstring is still the one :mod:`generator.quoting` wrote. The new modules'
docstrings are quoted by it too. Nothing else of the spec reaches the new text.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from generator.errors import SpecgenError
from generator.generate.client_split import split_client
from generator.generate.ir import Api
from generator.quoting import docstring, pystr


@dataclass(frozen=True)
class Layout:
    """When a package is laid out lazily, and how finely.

    The defaults keep every package under 400 named schemas and operations (all five shipped ones,
    most real-world specs) in the plain layout; tests lower them to lay small specs out lazily.
    """

    #: Lazy above this many named schemas and operations together.
    above: int = 400
    #: Model classes of schemas nothing else uses (bodies of operations, mostly) to a module.
    models: int = 50
    #: Model classes others use, to a module (kept small: loading one loads its whole module).
    shared: int = 10
    #: Operations to a client module.
    operations: int = 40

    def applies(self, api: Api) -> bool:
        """Whether ``api``'s package is laid out lazily."""
        return len(api.schemas) + len(api.operations) > self.above


#: The default layout of ``specgen generate``.
DEFAULT_LAYOUT = Layout()

#: The loaders of the lazy layout. The code gate accepts this module only as this exact text.
LAZY_SUPPORT = '''"""Loaders of this package's modules on first use: the package is laid out lazily by specgen.

Do not edit: specgen writes this same module into every package it lays out lazily.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def _where(modules: Mapping[str, str]) -> dict[str, str]:
    """Each name's module, from the names (separated by spaces) of each module."""
    return {name: module for module, names in modules.items() for name in names.split()}


def module_attributes(index: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of the module ``index``: a name of one of ``modules`` (both relative
    to this package) is imported from it on first access, and kept on ``index``."""
    where = _where(modules)

    def load(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module '{__package__}{index}' has no attribute {name!r}")
        value = getattr(importlib.import_module(module, __package__), name)
        setattr(importlib.import_module(index, __package__), name, value)
        return value

    return load


def operations(modules: Mapping[str, str], holder: str) -> type:
    """A base of a client class whose operations' methods are loaded on first access: each from the
    class ``holder`` of its module in ``modules`` (relative to this package), then kept on the
    client's class. Through the class (``Client.get_job``) or an instance alike."""
    where = _where(modules)

    class Loader(type):
        def __getattr__(cls, name: str) -> Any:
            module = where.get(name)
            if module is None:
                raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")
            method = getattr(getattr(importlib.import_module(module, __package__), holder), name)
            setattr(cls, name, method)
            return method

    class Operations(metaclass=Loader):
        def __getattr__(self, name: str) -> Any:
            if name not in where:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            getattr(type(self), name)
            return getattr(self, name)

    return Operations
'''

#: Module names of the lazy layout, relative to the package.
LAZY_MODULE = "_lazy.py"
MODELS_INDEX = "models/__init__.py"
MODELS_SUPPORT = "models/_support.py"
#: The ``models.py`` statements that are the template's helpers, not models.
_SUPPORT_FUNCTIONS = frozenset({"_pattern", "_discriminated"})
_SUPPORT_CONSTANTS = frozenset({"PATTERN_TIMEOUT"})


def lay_out(api: Api, files: dict[str, str], layout: Layout = DEFAULT_LAYOUT) -> dict[str, str]:
    """``files`` (rendered, by name) in the lazy layout when it applies to ``api``, else as given."""
    if not layout.applies(api):
        return files
    out = {name: text for name, text in files.items() if name not in ("models.py", "client.py")}
    out["errors.py"] = quote_error_models(files["errors.py"])
    out.update(split_models(api, files["models.py"], layout))
    groups = [
        tuple(op.method_name for op in api.operations[start : start + layout.operations])
        for start in range(0, len(api.operations), max(layout.operations, 1))
    ]
    out.update(split_client(files["client.py"], groups, _part_doc(api, "Operations")))
    out[LAZY_MODULE] = LAZY_SUPPORT
    return out


def _part_doc(api: Api, what: str) -> str:
    text = (
        f"{what} of the {api.api_name}, one part of the package's lazy layout (loaded on first"
        f" use), generated by specgen from {api.spec_file}. Do not edit: change the spec and run"
        " `specgen generate`."
    )
    return docstring(text, 0)


def quote_error_models(source: str) -> str:
    """``errors.py`` with the error models its classes are typed with written as strings
    (``ApiError["models.BasicError"]``), which type checkers read as the types they name: a base
    class is evaluated on import, and would load the error models' modules with ``errors``."""
    lines = source.split("\n")
    for node in ast.parse(source).body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 1
            and [alias.name for alias in node.names] == ["models"]
        ):
            # ruff would drop an import named in strings only; type checkers need it.
            lines[node.lineno - 1] += "  # noqa: F401"
        if not (isinstance(node, ast.ClassDef) and len(node.bases) == 1):
            continue
        base = node.bases[0]
        if not (
            isinstance(base, ast.Subscript)
            and isinstance(base.value, ast.Name)
            and base.value.id == "ApiError"
            and base.slice.lineno == base.slice.end_lineno
        ):
            continue
        # Columns count UTF-8 bytes.
        line = lines[base.slice.lineno - 1].encode("utf-8")
        start, end = base.slice.col_offset, base.slice.end_col_offset or 0
        quoted = pystr(ast.unparse(base.slice)).encode("utf-8")
        lines[base.slice.lineno - 1] = (line[:start] + quoted + line[end:]).decode("utf-8")
    return "\n".join(lines)


# -- models --------------------------------------------------------------------------------------


@dataclass
class _Statements:
    """A models module in pieces: its docstring, imports, helpers and classes, as written."""

    doc: str
    imports: list[str]
    support: list[tuple[str, str]]  # (name, text)
    classes: dict[str, str]  # class name -> its text and the docstrings that follow it
    uses: dict[str, set[str]]  # class name -> other classes it names
    #: ``Model.model_rebuild()`` statements by class: they go at the end of the class's module,
    #: after every class of the module is defined.
    rebuilds: dict[str, list[str]]


def _read_models(source: str) -> _Statements:
    lines = source.split("\n")
    tree = ast.parse(source)

    def text(node: ast.stmt) -> str:
        return "\n".join(lines[node.lineno - 1 : node.end_lineno])

    parts = _Statements("", [], [], {}, {}, defaultdict(list))
    names = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    last: tuple[str, str] | None = None  # where a docstring or model_rebuild() that follows goes
    for index, node in enumerate(tree.body):
        if index == 0 and _is_text(node):
            parts.doc = text(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            parts.imports.append(text(node))
        elif isinstance(node, ast.ClassDef):
            parts.classes[node.name] = text(node)
            parts.uses[node.name] = {
                n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in names
            } - {node.name}
            last = ("class", node.name)
        elif isinstance(node, ast.FunctionDef) and node.name in _SUPPORT_FUNCTIONS:
            parts.support.append((node.name, text(node)))
            last = ("support", node.name)
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in _SUPPORT_CONSTANTS
        ):
            parts.support.append((node.targets[0].id, text(node)))
            last = ("support", node.targets[0].id)
        elif (rebuilt := _rebuilt(node)) in parts.classes:
            parts.rebuilds[rebuilt].append(text(node))
        elif last is not None and _is_text(node):
            kind, name = last
            if kind == "class":
                parts.classes[name] += "\n\n" + text(node)
            else:
                parts.support.append(("", text(node)))
        else:
            raise SpecgenError(
                f"the lazy layout cannot place a {type(node).__name__} of the models module"
                f" (line {node.lineno})"
            )
    return parts


def _is_text(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _rebuilt(node: ast.stmt) -> str | None:
    """The class of a ``Model.model_rebuild()`` statement."""
    if (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "model_rebuild"
        and isinstance(node.value.func.value, ast.Name)
    ):
        return node.value.func.value.id
    return None


def split_models(api: Api, source: str, layout: Layout = DEFAULT_LAYOUT) -> dict[str, str]:
    """The files of the ``models`` package for the models module ``source`` (by name)."""
    parts = _read_models(source)
    chunks = model_chunks(parts.uses, layout)
    module_of = {name: f"_{index:03d}" for index, chunk in enumerate(chunks, 1) for name in chunk}
    files: dict[str, str] = {}
    head = "\n".join(parts.imports)
    support_names = sorted({name for name, _ in parts.support if name})
    if parts.support:
        files[MODELS_SUPPORT] = (
            "\n\n\n".join(
                [_part_doc(api, "Helpers of the models") + "\n" + head]
                + [text for _, text in parts.support]
            )
            + "\n"
        )
    for index, chunk in enumerate(chunks, 1):
        imports = [head]
        if support_names:
            imports.append(f"from ._support import {', '.join(support_names)}")
        needed: dict[str, list[str]] = defaultdict(list)
        used = {other for name in chunk for other in parts.uses[name]} - set(chunk)
        for other in sorted(used):
            needed[module_of[other]].append(other)
        imports += [f"from .{module} import {', '.join(names)}" for module, names in needed.items()]
        body = "\n\n\n".join(parts.classes[name] for name in chunk)
        rebuilds = [line for name in chunk for line in parts.rebuilds.get(name, [])]
        if rebuilds:
            body += "\n\n\n" + "\n".join(rebuilds)
        files[f"models/_{index:03d}.py"] = (
            _part_doc(api, "Models") + "\n" + "\n".join(imports) + "\n\n\n" + body + "\n"
        )
    files[MODELS_INDEX] = _models_index(parts.doc, module_of, support_names)
    return files


def _models_index(doc: str, module_of: dict[str, str], support: Iterable[str]) -> str:
    names: dict[str, list[str]] = defaultdict(list)
    for name, module in module_of.items():
        names[module].append(name)
    # The helpers stay private to the model modules; PATTERN_TIMEOUT is public, as in models.py.
    public = [name for name in support if not name.startswith("_")]
    if public:
        names["_support"] += public
    modules = sorted(names)
    lines = [
        doc,
        "",
        "from __future__ import annotations",
        "",
        "from typing import TYPE_CHECKING",
        "",
        "from .. import _lazy",
        "",
        "if TYPE_CHECKING:",
        # One statement a module: a module of 7,000 import statements takes 0.2 s to compile.
        *(f"    from .{module} import *  # noqa: F403" for module in modules),
        "",
        "_MODULES = {",
        *(
            f"    {pystr('.models.' + module)}: {pystr(' '.join(sorted(names[module])))},"
            for module in modules
        ),
        "}",
        "",
        "if not TYPE_CHECKING:",
        f"    __getattr__ = _lazy.module_attributes({pystr('.models')}, _MODULES)",
        "",
    ]
    return "\n".join(lines)


def model_chunks(uses: dict[str, set[str]], layout: Layout = DEFAULT_LAYOUT) -> list[list[str]]:
    """Model classes (in module order, each with the classes it names) grouped into modules.

    Cycles of references (strongly connected components) stay in one module, so pydantic resolves
    them there, and a class that only one other uses goes with it: such a group is loaded together
    anyway. Groups nothing uses (the bodies of operations, mostly) are packed
    :attr:`Layout.models` classes to a module, in order; groups others use are packed
    :attr:`Layout.shared` to a module, by depth (groups using nothing first, then those using only
    them...), so a module imports only modules of lower depth: no cycle, and loading one class
    loads little besides the classes it needs. The modules come in dependency order.
    """
    order = list(uses)
    component = _components(order, uses)
    referrers: dict[str, set[str]] = defaultdict(set)
    for name in order:
        for used in uses[name]:
            if component[used] != component[name]:
                referrers[component[used]].add(component[name])

    def head(node: str) -> str:
        while len(referrers[node]) == 1:
            node = next(iter(referrers[node]))
        return node

    group = {name: head(component[name]) for name in order}
    members: dict[str, list[str]] = defaultdict(list)
    for name in order:
        members[group[name]].append(name)
    needs = {
        key: {group[used] for name in names for used in uses[name]} - {key}
        for key, names in members.items()
    }
    depth: dict[str, int] = {}
    for key in _topological(list(members), needs):
        depth[key] = 1 + max((depth[d] for d in needs[key]), default=-1)
    shared = [key for key in members if referrers[key]]
    unused = [key for key in members if not referrers[key]]
    chunks: list[list[str]] = []
    for level in sorted({depth[key] for key in shared}):
        chunks += _pack([members[k] for k in shared if depth[k] == level], layout.shared)
    chunks += _pack([members[k] for k in unused], layout.models)
    return chunks


def _pack(groups: list[list[str]], size: int) -> list[list[str]]:
    chunks: list[list[str]] = []
    for names in groups:
        if chunks and len(chunks[-1]) + len(names) <= size:
            chunks[-1].extend(names)
        else:
            chunks.append(list(names))
    return chunks


def _topological(keys: list[str], needs: dict[str, set[str]]) -> list[str]:
    """``keys`` with every key after those it needs (the graph has no cycle)."""
    done: set[str] = set()
    out: list[str] = []
    for start in keys:
        stack = [(start, iter(sorted(needs[start])))]
        if start in done:
            continue
        done.add(start)
        while stack:
            key, pending = stack[-1]
            following = next((n for n in pending if n not in done), None)
            if following is None:
                stack.pop()
                out.append(key)
            else:
                done.add(following)
                stack.append((following, iter(sorted(needs[following]))))
    return out


def _components(order: list[str], uses: dict[str, set[str]]) -> dict[str, str]:
    """Each class's strongly connected component, named by its first class in ``order``
    (Tarjan's algorithm, without recursion: a chain of references may be thousands long)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    component: dict[str, str] = {}
    position = {name: i for i, name in enumerate(order)}
    for root in order:
        if root in index:
            continue
        work = [(root, iter(sorted(uses[root], key=position.__getitem__)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            advanced = False
            for used in pending:
                if used not in index:
                    index[used] = low[used] = len(index)
                    stack.append(used)
                    on_stack.add(used)
                    work.append((used, iter(sorted(uses[used], key=position.__getitem__))))
                    advanced = True
                    break
                if used in on_stack:
                    low[node] = min(low[node], index[used])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                first = min(members, key=position.__getitem__)
                for member in members:
                    component[member] = first
    return component
