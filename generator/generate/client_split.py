"""The client module of the lazy layout: operations' methods moved to modules loaded on first use.

``client.py`` as the template rendered it holds the helpers and the classes ``Client`` and
``AsyncClient``, each with its constructor and a method per operation. Here the methods of each
group of operations move, as written, to ``_client_NNN.py``, as the classes ``Operations`` and
``AsyncOperations`` (bases of nothing at run time). What stays becomes ``_ClientCore`` and
``_AsyncClientCore``; ``Client`` and ``AsyncClient`` derive from them and from a class that, for type
checkers, derives from every group's class, and at run time loads a method on first access (see
:data:`generator.generate.layout.LAZY_SUPPORT`). See :mod:`generator.generate.layout`.
"""

from __future__ import annotations

import ast

from generator.errors import SpecgenError
from generator.quoting import pystr

#: The classes of the client template, and what their core and their operations are called.
CLIENTS = {
    "Client": ("_ClientCore", "Operations", "_Operations"),
    "AsyncClient": ("_AsyncClientCore", "AsyncOperations", "_AsyncOperations"),
}


def client_module(index: int) -> str:
    """The name of the ``index``-th (from 1) operations module."""
    return f"_client_{index:03d}"


def split_client(source: str, groups: list[tuple[str, ...]], doc: str) -> dict[str, str]:
    """``client.py`` and the ``_client_NNN.py`` modules for the rendered client ``source``, the
    method names of each module in ``groups``; ``doc`` is the docstring of those modules."""
    lines = source.split("\n")
    tree = ast.parse(source)
    classes = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name in CLIENTS
    }
    if set(classes) != set(CLIENTS):
        raise SpecgenError("the lazy layout needs the classes Client and AsyncClient in client.py")
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    wanted = {name for group in groups for name in group}
    methods: dict[tuple[str, str], str] = {}
    drop: set[int] = set()
    docs: dict[str, str] = {}
    for class_name, node in classes.items():
        for statement in node.body:
            if (
                isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                and statement.name in wanted
            ):
                first = min([statement.lineno, *(d.lineno for d in statement.decorator_list)])
                last = statement.end_lineno or statement.lineno
                methods[class_name, statement.name] = "\n".join(lines[first - 1 : last])
                drop.update(range(first - 1, last))
        first_statement = node.body[0]
        if isinstance(first_statement, ast.Expr) and isinstance(
            first_statement.value, ast.Constant
        ):
            end = first_statement.end_lineno or first_statement.lineno
            docs[class_name] = "\n".join(lines[first_statement.lineno - 1 : end])
        header = lines[node.lineno - 1]
        core = CLIENTS[class_name][0]
        if not header.startswith(f"class {class_name}:"):
            raise SpecgenError(f"the lazy layout needs `class {class_name}:` in client.py")
        lines[node.lineno - 1] = header.replace(f"class {class_name}", f"class {core}", 1)
    missing = sorted(name for name in wanted if (next(iter(CLIENTS)), name) not in methods)
    if missing:
        raise SpecgenError(f"the lazy layout finds no method {missing[0]} in client.py's Client")
    defined = sorted(_bound(tree) - set(CLIENTS))
    files: dict[str, str] = {}
    import_text = "\n".join(
        "\n".join(lines[node.lineno - 1 : node.end_lineno or node.lineno]) for node in imports
    )
    cores = [core for core, _, _ in CLIENTS.values()]
    for index, group in enumerate(groups, 1):
        parts = [
            doc
            + "\n"
            + import_text
            + f"\nfrom .client import {', '.join(sorted({*cores, *defined}))}"
        ]
        for class_name, (core, holder, _) in CLIENTS.items():
            body = "\n\n".join(methods[class_name, name] for name in group)
            parts.append(
                f"class {holder}({core}):\n"
                f'    """Operations of `{class_name}` (see `client.py`), loaded on first use."""\n\n'
                + body
            )
        files[f"{client_module(index)}.py"] = "\n\n\n".join(parts) + "\n"
    last_import = max(node.end_lineno or node.lineno for node in imports)
    lines[last_import:last_import] = ["from typing import TYPE_CHECKING", "", "from . import _lazy"]
    # Dropped lines shift by the three inserted above them.
    shifted = {n + 3 if n >= last_import else n for n in drop}
    core_text = "\n".join(line for number, line in enumerate(lines) if number not in shifted)
    files["client.py"] = core_text.rstrip("\n") + "\n\n\n" + _tail(groups, docs) + "\n"
    return files


def _tail(groups: list[tuple[str, ...]], docs: dict[str, str]) -> str:
    """The operations table, the bases that load operations, and the public clients."""
    modules = [client_module(index) for index in range(1, len(groups) + 1)]
    out = ["_OPERATIONS = {"]
    out += [
        f"    {pystr('.' + module)}: {pystr(' '.join(group))},"
        for module, group in zip(modules, groups, strict=True)
    ]
    out += ['}\n"""The operations of each module (relative to the package) by method."""', ""]
    out.append("if TYPE_CHECKING:")
    for index, module in enumerate(modules, 1):
        for _, holder, _ in CLIENTS.values():
            out.append(f"    from .{module} import {holder} as _{holder}{index:03d}")
    for _, holder, base in CLIENTS.values():
        bases = ", ".join(f"_{holder}{index:03d}" for index in range(1, len(modules) + 1))
        out += [
            "",
            f"    class {base}({bases}):",
            '        """Every operation, for type checkers."""',
        ]
    out += ["", "else:"]
    for _, holder, base in CLIENTS.values():
        out += [
            "",
            f"    class {base}(_lazy.operations(_OPERATIONS, {pystr(holder)})):",
            '        """Loads the methods of operations on first access."""',
        ]
    for class_name, (core, _, base) in CLIENTS.items():
        out += ["", "", f"class {class_name}({base}, {core}):"]
        out.append(docs.get(class_name, '    """A client."""'))
    return "\n".join(out)


def _bound(tree: ast.Module) -> set[str]:
    """The names ``tree`` defines at module level (not its imports)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names
