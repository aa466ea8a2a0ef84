"""The lazy layout of large packages (generator/generate/layout.py), forced on small feature specs.

A package laid out lazily keeps the plain layout's public shape: ``Client().op()``,
``AsyncClient``, ``models.X`` and ``from pkg.models import X``, ``errors.*``; it imports no
model or operation module until one is used, and type checkers see everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.api import generate
from generator.generate.codegate import GateError, check_module
from generator.generate.layout import DEFAULT_LAYOUT, LAZY_SUPPORT, Layout, model_chunks
from generator.generate.lazygate import check_lazy_module
from tests.generate.packages import mypy_strict, run_in
from tests.paths import ROOT, SPECS

FEATURES = ROOT / "tests" / "roundtrip" / "specs" / "features.yaml"
ELASTICPATH = SPECS / "elasticpath.yaml"
#: Every class and every operation in a module of its own.
FINEST = Layout(above=0, models=1, shared=1, operations=1)


@pytest.fixture(scope="module")
def lazy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The features spec's package, laid out lazily, in a folder of its own."""
    out = tmp_path_factory.mktemp("lazy") / "out"
    result = generate([FEATURES, ELASTICPATH], out, layout=FINEST)
    assert not result.blocked
    return out


def test_a_lazy_package_is_a_models_package_and_operation_modules(lazy: Path) -> None:
    package = lazy / "features"
    assert not (package / "models.py").exists()
    assert (package / "models" / "__init__.py").is_file()
    assert (package / "_lazy.py").read_text(encoding="utf-8") == LAZY_SUPPORT
    assert sorted(p.name for p in package.glob("_client_*.py")) == [
        f"_client_{n:03d}.py" for n in range(1, 8)
    ]


def test_the_shipped_specs_keep_the_plain_layout() -> None:
    for spec in sorted(SPECS.glob("*.yaml")):
        assert (ROOT / "generated" / spec.stem / "models.py").is_file()
        assert not (ROOT / "generated" / spec.stem / "models").exists()
    assert DEFAULT_LAYOUT.above >= 100


USE = """
import asyncio, json, sys
import httpx
import features
from features import errors, models

loaded = lambda: sorted(m for m in sys.modules if m.startswith("features."))
at_import = loaded()
pet = models.Pet
from features.models import Counters

def serve(request):
    return httpx.Response(201, json={"name": "n", "totals": {"a": 2}})

client = features.Client(transport=httpx.MockTransport(serve))
counted = client.put_counters(Counters(name="n"))

async def main():
    async with features.AsyncClient(transport=httpx.MockTransport(serve)) as aclient:
        return await aclient.put_counters(Counters(name="n"))

again = asyncio.run(main())
unknown = []
for where, name in ((client, "no_such_operation"), (models, "NoSuchModel")):
    try:
        getattr(where, name)
    except AttributeError:
        unknown.append(name)
print(json.dumps({
    "at_import": at_import,
    "pet": pet.__name__,
    "counted": counted.model_dump(mode="json"),
    "again": again.model_dump(mode="json"),
    "unbound": features.Client.put_counters.__name__,
    "unknown": unknown,
    "error": issubclass(errors.ApiError, Exception),
    "after": loaded(),
    "reading": any(
        "Reading" in names.split() and "features" + module in sys.modules
        for module, names in models._MODULES.items()
    ),
}))
"""


def test_models_and_operations_load_on_first_use_and_round_trip(lazy: Path) -> None:
    result = run_in(lazy, USE, None)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["at_import"] == [
        "features._lazy",
        "features.client",
        "features.errors",
        "features.models",
    ]
    assert seen["pet"] == "Pet"
    assert seen["counted"] == seen["again"] == {"name": "n", "totals": {"a": 2}}
    assert seen["unbound"] == "put_counters"
    assert seen["unknown"] == ["no_such_operation", "NoSuchModel"]
    assert seen["error"]
    # The modules of Pet, of Counters (with the class it uses), of one operation: not the rest.
    assert "features._client_005" in seen["after"]
    assert "features._client_001" not in seen["after"]
    assert not seen["reading"]


ERRORS = """
import json, sys
import httpx
import elasticpath
from elasticpath import errors

at_import = sorted(m for m in sys.modules if m.startswith("elasticpath."))
body = {"errors": [{"status": 404, "title": "Not Found"}]}
client = elasticpath.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404, json=body)))
try:
    client.get_job("974c9db4-38da-4dbf-90c2-33eed5f3e77c")
except errors.GetJobError as error:
    parsed = type(error.parsed).__name__
print(json.dumps({"at_import": at_import, "parsed": parsed}))
"""


def test_errors_typed_with_models_do_not_load_them_on_import(lazy: Path) -> None:
    result = run_in(lazy, ERRORS, None)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert not [m for m in seen["at_import"] if m.startswith("elasticpath.models.")]
    assert seen["parsed"] == "ErrorResponse"


def test_a_lazy_package_passes_ruff_and_mypy_strict(lazy: Path) -> None:
    config = ("--config", str(ROOT / "pyproject.toml"), "--no-cache")
    for command in (("check", *config), ("format", "--check", *config)):
        ruff = subprocess.run(
            [sys.executable, "-m", "ruff", *command, str(lazy)], capture_output=True, text=True
        )
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    checked = mypy_strict(lazy / "features", lazy / "elasticpath")
    assert checked.returncode == 0, checked.stdout


TYPED_CALLER = """
from features import AsyncClient, Client, models

def use(client: Client, aclient: AsyncClient) -> models.Counters:
    counters: models.Counters = client.put_counters(models.Counters(name="n"))
    return counters

def wrong(client: Client) -> None:
    client.put_counters(1)
    client.no_such_operation()
    models.NoSuchModel
"""


def test_type_checkers_see_every_operation_and_model(lazy: Path) -> None:
    (lazy / "caller.py").write_text(TYPED_CALLER, encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "caller.py"],
        cwd=lazy,
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["9", "10", "11"], checked.stdout


def test_switching_layouts_removes_the_other_layouts_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert not generate([FEATURES], out, layout=FINEST).blocked
    plain = generate([FEATURES], out)
    assert plain.outcome is not None
    assert "features/models/__init__.py" in plain.outcome.removed
    assert sorted(p.name for p in (out / "features").iterdir()) == [
        "__init__.py",
        "client.py",
        "errors.py",
        "models.py",
        "py.typed",
    ]
    lazy = generate([FEATURES], out, layout=FINEST)
    assert lazy.outcome is not None
    assert "features/models.py" in lazy.outcome.removed
    assert not (out / "features" / "models.py").exists()


def test_model_modules_keep_cycles_together_and_import_only_earlier_modules() -> None:
    uses = {
        "Leaf": set(),
        "Tree": {"Node"},
        "Node": {"Tree", "Leaf"},  # a cycle with Tree
        "Owner": {"Leaf"},
        "BodyA": {"Tree", "Owner"},
        "BodyB": {"Leaf"},
    }
    chunks = model_chunks(uses, Layout(models=1, shared=1))
    module = {name: index for index, chunk in enumerate(chunks) for name in chunk}
    assert module["Tree"] == module["Node"]
    # Owner is used by BodyA alone: it goes with it.
    assert module["Owner"] == module["BodyA"]
    for name, used in uses.items():
        assert all(module[other] <= module[name] for other in used)
    assert sorted(name for chunk in chunks for name in chunk) == sorted(uses)


def test_the_gate_takes_the_loaders_only_as_specgen_writes_them() -> None:
    assert check_lazy_module("_lazy.py", LAZY_SUPPORT) is None
    tampered = LAZY_SUPPORT.replace("importlib.import_module(module", "__import__(module")
    assert check_lazy_module("_lazy.py", tampered) is not None


INDEX = '''"""Models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from ._001 import *

_MODULES = {".models._001": "Pet Cat"}

if not TYPE_CHECKING:
    __getattr__ = _lazy.module_attributes(".models", _MODULES)
'''


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('".models._001": "Pet Cat"', '"os": "Pet Cat"'),
        ('"Pet Cat"', '"Pet; Cat"'),
        ('".models", _MODULES', '".models", {}'),
        ("    from ._001 import *", "    from ._001 import *\n    x = 1"),
        ("from ._001 import *", "from os import *"),
        ("_MODULES = {", "PATH = 1\n_MODULES = {"),
    ],
    ids=[
        "a module outside the package",
        "not names",
        "another hook",
        "code for type checkers",
        "another star",
        "a constant",
    ],
)
def test_the_gate_refuses_a_models_index_of_another_shape(before: str, after: str) -> None:
    assert check_lazy_module("models/__init__.py", INDEX) is None
    assert check_lazy_module("models/__init__.py", INDEX.replace(before, after)) is not None


@pytest.mark.parametrize(
    "statement",
    [
        "from .. import os",
        "from ..models import Pet",
        "from ._x import Pet",
        "from ...a import b",
        "from ._001 import *",
    ],
)
def test_relative_imports_stay_among_the_lazy_layouts_modules(statement: str) -> None:
    check_module("from ._001 import Pet\nfrom .. import _lazy\n\nPet, _lazy\n")
    with pytest.raises(GateError):
        check_module(f"{statement}\n")


GENERATE = """
import sys
from pathlib import Path
from generator.api import generate
from generator.generate.layout import Layout
layout = Layout(above=0, models=2, shared=2, operations=2)
generate([Path(sys.argv[1])], Path(sys.argv[2]), layout=layout)
"""


def test_the_lazy_layout_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run(
            [sys.executable, "-c", GENERATE, str(FEATURES), str(out)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
            check=True,
            timeout=600,
        )
        trees.append(
            {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*.py"))}
        )
    assert trees[0] == trees[1]
    assert any(name.startswith("features/models/_") for name in trees[0])
