"""The package keeps its shape: one layer reads specs, a folder per stage, small modules, no cycles.

These are the rules README.md's "How it is built" describes. Each test names the module that broke
a rule and the rule, so the fix is to move the code to where the rule says it lives.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import ROOT

PACKAGE = ROOT / "generator"
#: No module is longer than this many lines: past it, a module is doing more than one job.
MAX_LINES = 600
#: The stages: each may use the spec layer and the shared modules, never another stage.
STAGES = ("validate", "generate", "check", "bundle", "diff")
#: The one stage built on another: a bundle's ``$defs`` carry the names the generated models have,
#: because both come from generate's schema collector.
STAGE_USES = {"bundle": {"generate"}}
#: Modules every layer may use: errors, the quoting of text, where specgen's files are, and the
#: progress callback runs report their stages through.
SHARED = ("generator.errors", "generator.quoting", "generator.resources", "generator.stages")
#: Strings that only code walking a raw OpenAPI document needs: HTTP methods as Path Item keys,
#: the members that hold operations, parameters, responses, bodies, servers, security and components,
#: status ranges and JSON media types.
#: Outside the spec layer these questions are asked of ``generator.spec.navigator``.
SPEC_WALKING = frozenset(
    {
        "paths",
        "/paths",
        "trace",
        "options",
        "parameters",
        "responses",
        "requestBody",
        "operationId",
        "servers",
        "security",
        "securitySchemes",
        "components",
        "/components/schemas",
        "/components/securitySchemes",
        "+json",
        "*/*",
        "XX",
    }
)


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


MODULES = dict(_modules())


def _imports(name: str, path: Path) -> set[str]:
    """The ``generator`` modules ``name`` imports, anywhere in it, resolved to module names."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from generator.spec import pointer` imports a module; `from x import Name`, x.
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def _may_use(stage: str, imported: str) -> bool:
    return (
        _stage(imported) in {stage, *STAGE_USES.get(stage, ())}
        or imported.startswith("generator.spec")
        or imported in SHARED
        or imported == "generator"
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES}): split it by job"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (module -> modules it imports), or None."""
    # Depth-first search; a module met again while still on the stack closes a cycle.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == 1:
                return [*stack[stack.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_imports_have_no_cycle() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_is_found_however_long() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _stage(m)))
def test_stage_uses_only_the_spec_layer_and_shared_modules(module: str) -> None:
    stage = _stage(module)
    assert stage is not None
    crossing = sorted(imported for imported in GRAPH[module] if not _may_use(stage, imported))
    assert not crossing, (
        f"{module} (stage {stage}) imports {crossing}: a stage uses generator.spec and "
        f"{', '.join(SHARED)} only (and the stages STAGE_USES names); move what two stages "
        "share into one of them"
    )


def test_spec_layer_depends_on_nothing_above_it() -> None:
    for module, imported in GRAPH.items():
        if module.startswith("generator.spec"):
            above = sorted(i for i in imported if not i.startswith("generator.spec"))
            assert set(above) <= set(SHARED), f"{module} imports {above} from above the spec layer"


def _strings(source: str) -> Iterator[tuple[int, str]]:
    """The string constants of ``source`` that read something: not docstrings, not keys written."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    # Keys that build a document (a dict display's, a stored subscript's, a setdefault's, as the
    # model input and the bundle do) walk nothing.
    built = {id(key) for node in ast.walk(tree) if isinstance(node, ast.Dict) for key in node.keys}
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            built.add(id(node.slice))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault"
            and node.args
        ):
            built.add(id(node.args[0]))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings | built
        ):
            yield node.lineno, node.value


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.startswith("generator.spec")))
def test_only_the_spec_layer_walks_a_raw_spec(module: str) -> None:
    source = MODULES[module].read_text(encoding="utf-8")
    walking = [f"line {line}: {text!r}" for line, text in _strings(source) if text in SPEC_WALKING]
    assert not walking, (
        f"{module} walks a raw spec ({', '.join(walking)}): ask generator.spec.navigator instead"
    )


def test_reading_a_member_counts_as_walking_and_writing_one_does_not() -> None:
    source = '''
"""A docstring may speak of "paths"."""
def f(spec, out):
    """And "responses"."""
    for path in spec["paths"]:
        out["paths"] = {"responses": {}}
        out.setdefault("components", {})
    return spec.get("servers")
'''
    assert [text for _, text in _strings(source) if text in SPEC_WALKING] == ["paths", "servers"]
