"""Models that redeclare an inherited field with another type become models of their own."""

from __future__ import annotations

import ast
import sys
import types
from typing import Any

import pydantic

from generator.generate.model_input import write_literal
from generator.generate.overrides import flatten_incompatible_overrides
from generator.generate.source_edits import ParsedModule

#: Models as datamodel-code-generator writes them: ``Hooks`` narrows the items of a page to a model
#: (``list[Hook]`` is no ``list[dict[str, Any]]``), ``Done`` a status to another enum of its own.
MODELS = '''
from __future__ import annotations

from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    QUEUED = "queued"
    DONE = "done"


class DoneStatus(Enum):
    DONE = "done"


class Hook(BaseModel):
    url: str


class Page(BaseModel):
    """A page of anything."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        regex_engine="python-re",
    )
    __annotations__ = {
        "__pydantic_extra__": dict[str, int],
    }
    items: list[dict[str, Any]] | None = None
    """What the page holds."""
    total: int | None = Field(None, alias="Total")


class Hooks(Page):
    """A page of hooks."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
    )
    next: str | None = None
    items: list[Hook] | None = None
    """The hooks."""


class Done(BaseModel):
    status: DoneStatus | None = None
    """Done, in this branch."""


class Update(Done):
    status: Status | None = None
    """The status of the update."""
    name: str
'''


def flattened(source: str) -> tuple[bool, str]:
    module = ParsedModule(source)
    changed = flatten_incompatible_overrides(module)
    return changed, module.text(write_literal)


def unchanged(source: str) -> bool:
    changed, text = flattened(source)
    return not changed and ast.dump(ast.parse(text)) == ast.dump(ast.parse(source))


def load(source: str) -> dict[str, Any]:
    """The namespace of ``source`` run as a module (pydantic resolves annotations in it)."""
    module = types.ModuleType("flattened_models")
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, "<models>", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.__dict__


def bases(source: str) -> dict[str, list[str]]:
    return {
        node.name: [ast.unparse(base) for base in node.bases]
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef)
    }


def fields(source: str) -> dict[str, Any]:
    """What pydantic validates: each model's fields in order, as their types, defaults and aliases
    read, and its configuration."""
    shapes: dict[str, Any] = {}
    for name, value in load(source).items():
        if (
            isinstance(value, type)
            and issubclass(value, pydantic.BaseModel)
            and name != "BaseModel"
        ):
            shapes[name] = (
                [
                    (key, repr(field.annotation), field.default, field.alias)
                    for key, field in value.model_fields.items()
                ],
                dict(value.model_config),
            )
    return shapes


def test_a_model_that_redeclares_a_field_with_an_unrelated_type_is_a_model_of_its_own() -> None:
    changed, text = flattened(MODELS)
    assert changed
    assert bases(text) == {**bases(MODELS), "Hooks": ["BaseModel"], "Update": ["BaseModel"]}
    hooks = text[text.index("\nclass Hooks(") : text.index("\nclass Done(")]
    assert '"""A page of hooks."""' in hooks and '"""The hooks."""' in hooks
    assert '"""What the page holds."""' not in hooks, "its own declaration, with its own text"
    assert "__pydantic_extra__" in hooks, "the type of extra members is inherited too"


def test_a_flattened_model_validates_the_fields_it_did() -> None:
    _, text = flattened(MODELS)
    assert fields(text) == fields(MODELS)
    page = load(text)["Hooks"].model_validate({"items": [{"url": "u"}], "Total": 2, "more": 3})
    assert page.items[0].url == "u" and page.total == 2 and page.more == 3


def test_a_redeclaration_the_base_type_accepts_keeps_the_base() -> None:
    source = """
from enum import StrEnum, IntEnum
from typing import Any, Literal
from pydantic import BaseModel


class Kind(StrEnum):
    A = "a"


class Level(IntEnum):
    ONE = 1


class Pet(BaseModel):
    name: str | None = None


class Dog(Pet):
    bark: bool | None = None


class Base(BaseModel):
    kind: str | None = None
    level: float
    size: float
    tag: str
    pet: Pet | None = None
    anything: Any = None
    many: list[Pet]


class Narrow(Base):
    kind: Kind | None = None
    level: Level
    size: int
    tag: Literal["x", "y"]
    pet: Dog
    anything: list[int] = []
    many: list[Pet]
"""
    assert unchanged(source)


def test_a_model_is_flattened_once_a_type_it_narrows_to_no_longer_derives_from_the_base() -> None:
    # `Narrow.pet: Dog` is a `Pet` until `Dog` is flattened (its `name` is no `str`); then `Narrow`
    # must be flattened too, though it comes before `Dog`.
    source = """
from pydantic import BaseModel


class Pet(BaseModel):
    name: str | None = None


class Base(BaseModel):
    pet: Pet | None = None


class Narrow(Base):
    pet: Dog | None = None


class Dog(Pet):
    name: int | None = None
"""
    changed, text = flattened(source)
    assert changed
    assert bases(text) == {name: ["BaseModel"] for name in ("Pet", "Base", "Narrow", "Dog")}


def test_a_class_with_statements_models_do_not_have_is_left_as_it_is() -> None:
    source = """
from pydantic import BaseModel


class Base(BaseModel):
    x: str

    def describe(self) -> str:
        return self.x


class Sub(Base):
    x: int
"""
    assert unchanged(source)


def test_bases_that_declare_a_field_differently_make_a_model_of_its_own() -> None:
    source = """
from pydantic import BaseModel


class Named(BaseModel):
    id: str | None = None


class Numbered(BaseModel):
    id: int | None = None
    n: int


class Both(Named, Numbered):
    pass
"""
    changed, text = flattened(source)
    assert changed
    assert bases(text)["Both"] == ["BaseModel"]
    assert fields(text) == fields(source)
