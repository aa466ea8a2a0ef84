"""Every string, integer and number format, and every kind of default, makes a package that
imports with only a client's own dependencies and passes ``mypy --strict``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from datamodel_code_generator.parser.schema_version import get_data_formats

from generator.api import generate
from tests.generate.packages import models_spec, mypy_strict, run_in, write_spec

#: A JSON value of each type, used as a default whatever the format (it need not fit the format:
#: a default that does not must still make a package that type-checks).
VALUE_OF = {"string": "text", "integer": 7, "number": 2.5, "boolean": True}

#: Imports the generated package in a fresh interpreter that can import the standard library, the
#: package itself and the distributions httpx, pydantic and regex need (without their extras),
#: and nothing else: a module an optional extra would bring (``email_validator``) is missing, as it
#: is where nobody installed it. Prints the defaults of ``Thing`` as JSON.
IMPORT_WITHOUT_EXTRAS = r"""
import importlib.abc, importlib.machinery, importlib.metadata as metadata, json, re, site, sys

def closure(names):
    seen, todo = set(), list(names)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [re.match(r"[A-Za-z0-9._-]+", r).group() for r in requires if "extra ==" not in r]
    return seen

sites = tuple(site.getsitepackages())
wanted = closure(["httpx", "pydantic", "regex"])
allowed = {
    module for module, dists in metadata.packages_distributions().items()
    if any(re.sub(r"[-_.]+", "-", d).lower() in wanted for d in dists)
}

class OnlyDeclared(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if path is not None or fullname in allowed:
            return None  # a submodule of a package already imported, or a declared dependency
        found = importlib.machinery.PathFinder.find_spec(fullname)
        origin = (found and found.origin) or ""
        if origin.startswith(sites):
            raise ModuleNotFoundError(f"No module named {fullname!r} (not a declared dependency)")
        return None

sys.meta_path.insert(0, OnlyDeclared())
from formats import models
print(models.Thing().model_dump_json())
"""


def known_formats() -> list[tuple[str, str]]:
    """Every (type, format) datamodel-code-generator maps to a type of its own."""
    return [
        (kind, fmt)
        for kind, formats in get_data_formats(is_openapi=True).items()
        if kind in VALUE_OF
        for fmt in formats
        if fmt != "default"
    ]


def field(kind: str, fmt: str, suffix: str) -> str:
    return re.sub(r"\W+", "_", f"{kind}_{fmt}_{suffix}")


def test_every_known_format_imports_without_extras_and_type_checks(tmp_path: Path) -> None:
    properties: dict[str, Any] = {}
    for kind, fmt in known_formats():
        properties[field(kind, fmt, "plain")] = {"type": kind, "format": fmt}
        properties[field(kind, fmt, "default")] = {
            "type": kind,
            "format": fmt,
            "default": VALUE_OF[kind],
        }
    spec = models_spec("Formats", {"Thing": {"type": "object", "properties": properties}})
    result = generate([write_spec(tmp_path, "formats", spec)], tmp_path / "out")
    assert not result.blocked, [str(f) for r in result.reports for f in r.findings]

    imported = run_in(tmp_path / "out", IMPORT_WITHOUT_EXTRAS, None)
    assert imported.returncode == 0, imported.stderr
    checked = mypy_strict(tmp_path / "out" / "formats")
    assert checked.returncode == 0, checked.stdout
    defaults = json.loads(imported.stdout)
    # `email` stays text, so its default is kept; a `date` field cannot hold the text "text".
    assert defaults["string_email_default"] == "text"
    assert defaults["string_date_default"] is None
    assert defaults["integer_int64_default"] == 7


def test_defaults_a_field_cannot_hold_are_left_out_and_the_others_kept(tmp_path: Path) -> None:
    schemas: dict[str, Any] = {
        "Colour": {"type": "string", "enum": ["red", "green"]},
        "Count": {"type": "integer"},
        "Thing": {
            "type": "object",
            "required": ["kept_required"],
            "properties": {
                # Left out: not a value of the field's Python type.
                "text_for_integer": {"type": "integer", "default": "100.0"},
                "fraction_for_integer": {"type": "integer", "default": 100.5},
                "float_for_integer": {"type": "integer", "default": 100.0},
                "number_for_string": {"type": "string", "default": 5},
                "null_for_string": {"type": "string", "default": None},
                "not_in_enum": {"type": "string", "enum": ["a", "b"], "default": "c"},
                "wrong_items": {"type": "array", "items": {"type": "integer"}, "default": ["x"]},
                "list_for_object": {"type": "object", "default": []},
                "text_for_date_time": {"type": "string", "format": "date-time", "default": "x"},
                "text_for_a_class": {
                    "allOf": [{"$ref": "#/components/schemas/Count"}],
                    "default": 3,
                },
                "not_in_named_enum": {"$ref": "#/components/schemas/Colour", "default": "blue"},
                # `nullable: false` on an optional field says what its absence says.
                "never_null": {"type": "integer", "nullable": False},
                "kept_required": {"type": "integer", "nullable": False},
                # Kept: each is a value of its field's type.
                "integer_for_number": {"type": "number", "default": 3},
                "in_named_enum": {
                    "allOf": [{"$ref": "#/components/schemas/Colour"}],
                    "default": "green",
                },
                "map": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                    "default": {"a": 1},
                },
                "union": {"oneOf": [{"type": "string"}, {"type": "integer"}], "default": 4},
            },
        },
    }
    spec = models_spec("Defaults", schemas)
    spec["openapi"] = "3.0.3"  # `nullable` is 3.0's
    result = generate([write_spec(tmp_path, "defaults", spec)], tmp_path / "out")
    assert not result.blocked, [str(f) for r in result.reports for f in r.findings]
    checked = mypy_strict(tmp_path / "out" / "defaults")
    assert checked.returncode == 0, checked.stdout

    shown = run_in(
        tmp_path / "out",
        "from defaults import models\n"
        "print(models.Thing(kept_required=1).model_dump_json(exclude={'kept_required'}))",
        None,
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == {
        "text_for_integer": None,
        "fraction_for_integer": None,
        "float_for_integer": None,
        "number_for_string": None,
        "null_for_string": None,
        "not_in_enum": None,
        "wrong_items": None,
        "list_for_object": None,
        "text_for_date_time": None,
        "text_for_a_class": None,
        "not_in_named_enum": None,
        "never_null": None,
        "integer_for_number": 3,
        "in_named_enum": "green",
        "map": {"a": 1},
        "union": 4,
    }
