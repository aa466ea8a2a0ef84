"""The structural gate: what generated modules may hold, tested on its own and in the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.generate.codegate import GateError, check_module
from tests.commands import specgen
from tests.paths import ROOT
from tests.specs import write

MODEL_OK = '''"""Models."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel


class Kind(StrEnum):
    """A kind."""

    A = "a"

    @classmethod
    def _missing_(cls, value: object) -> Kind | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = str(value)
        return member


class Thing(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: Annotated[str | None, Field(alias="Name", pattern="^a", max_length=3)] = None
    kind: Kind = Kind.A
    tags: list[Literal["x", -1]] = ["x"]


class Labels(BaseModel):
    model_config = ConfigDict(extra="allow")
    __annotations__ = {
        "__pydantic_extra__": dict[str, int],
    }


class Things(RootModel[list[Thing]]):
    root: list[Thing]


Thing.model_rebuild()
'''


def test_the_committed_packages_pass() -> None:
    for path in sorted((ROOT / "generated").rglob("*.py")):
        check_module(path.read_text(encoding="utf-8"), models=path.name == "models.py")


def test_an_ordinary_models_module_passes() -> None:
    check_module(MODEL_OK, models=True)


def test_imports_under_type_checking_are_module_level() -> None:
    check_module("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import httpx\n")
    with pytest.raises(GateError, match="inside a function or class"):
        check_module("class A:\n    if True:\n        import httpx\n")


def test_text_outside_ascii_passes_where_names_keep_their_form() -> None:
    # Non-ASCII names Python keeps as written, and text NFKC would change ("\u2026" is "...").
    check_module("caf\u00e9 = 'd\u00e9j\u00e0 vu'\nx = 'and more\u2026'\n# \ufb01n\n")


@pytest.mark.parametrize(
    ("snippet", "why"),
    [
        ("import os\n", "an import of a module generated code does not use"),
        ("from os import system\n", "an import from such a module"),
        ("from .. import x\n", "a relative import leaving the package"),
        ("x = __import__('os')\n", "__import__ is not a name the module defines"),
        ("x = eval('1')\n", "eval is not a safe builtin"),
        ("x = open('f')\n", "open is not a safe builtin"),
        ("x = getattr(str, 'x')\n", "getattr is not a safe builtin"),
        ("x = os.system\n", "os was never imported"),
        ("x = ().__class__.__base__.__subclasses__()\n", "dunder attributes outside the allowlist"),
        ("def f():\n    import os\n", "an import inside a function"),
        ("def f():\n    global x\n", "global statements"),
        ("x = 1\ndel x\n", "del statements"),
        ("x = '\u202e'\n", "a raw bidi control (Trojan Source)"),
        ("x = 'a\u2028b'\n", "a raw line separator"),
        ("x = 1 # \x1b[2J\n", "a raw terminal escape in a comment"),
        ("\ufb01le = 1\n", "an identifier Python reads as another name (NFKC)"),
        (
            "x = 'more\u2026'\n\uff41 = 1\n",
            "a name NFKC changes (fullwidth a), after text NFKC changes too",
        ),
        ("x = (\n", "code that does not parse"),
    ],
)
def test_every_module_refuses(snippet: str, why: str) -> None:
    with pytest.raises(GateError):
        check_module(snippet)
    # The refusal says where: a line number (and the class or function when there is one).
    try:
        check_module(snippet)
    except GateError as error:
        assert error.refusal.line >= 0 and error.refusal.reason, why


@pytest.mark.parametrize(
    ("addition", "why"),
    [
        ("x = 1\n", "a module-level assignment"),
        ("print('x')\n", "a module-level call"),
        ("class Y(BaseModel):\n    x: int = len('ab')\n", "a call that is no model constructor"),
        ("class Y(BaseModel):\n    x: int = Field(default_factory=str)\n", "a builtin as a value"),
        ("class Y(BaseModel):\n    def hello(self) -> None:\n        pass\n", "a method"),
        ("class Y(BaseModel):\n    x: Path\n", "a type name nothing declares"),
        ("@classmethod\nclass Y(BaseModel):\n    pass\n", "a decorated class"),
        ("class Y(BaseModel):\n    for i in []:\n        pass\n", "statements beyond fields"),
        ("class Y(BaseModel):\n    x: int = Field(**{})\n", "a ** argument"),
        (
            "class Y(BaseModel):\n    __annotations__ = {'x': print('hi')}\n",
            "__annotations__ other than the typed extras",
        ),
    ],
)
def test_a_models_module_refuses(addition: str, why: str) -> None:
    with pytest.raises(GateError):
        check_module(MODEL_OK + "\n\n" + addition, models=True)


RAW_ENUM_TEMPLATE = """\
class {{ class_name }}({{ base_class }}):
{%- if description %}
    {{ description }}
{%- endif %}
{%- for field in fields %}
    {{ field.name }} = {{ field.default }}
{%- endfor %}
"""


def test_a_template_that_prints_text_raw_is_stopped_by_the_gate_with_a_located_error(
    tmp_path: Path,
) -> None:
    # Templates are trusted, but the gate does not rely on that: one that forgets to quote a
    # description lets spec text become code, and the run must stop before anything is written.
    templates = tmp_path / "my-templates"
    write(templates, "python/models/Enum.jinja2", RAW_ENUM_TEMPLATE)
    spec = write(
        tmp_path,
        "specs/evil.yaml",
        """\
openapi: 3.1.0
info: {title: Evil, version: "1"}
paths: {}
components:
  schemas:
    Thing:
      type: string
      enum: [a]
      description: "__import__('os').system('true')"
""",
    )
    out = tmp_path / "out"
    result = specgen("generate", spec, "--out", out, "--templates", templates)
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.stderr.strip()
    assert "evil.yaml:" in message and "/components/schemas/Thing" in message, message
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.rglob("*.py")), "a refused run wrote files"
