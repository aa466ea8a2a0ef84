"""Spec text cannot become code: every sink of a spec, every way out of a string, one canary.

Each payload below tries to leave the literal it is written into (quotes, triple quotes, backslashes,
newlines of every kind, NUL, bidi controls, Jinja delimiters) and run code that creates a canary file.
It is put into every place a spec's text reaches generated code. The package must generate, import
without the canary firing, hold only printable characters, and keep each text exactly as data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.api import generate
from generator.generate.codegate import check_module
from tests.generate.packages import run_in, write_spec

CANARY = "CANARY"
CODE = f"__import__('pathlib').Path({CANARY!r}).write_text('fired')"
PAYLOADS = {
    "bare code": CODE,
    "triple quotes": f'"""\n{CODE}\n"""',
    "single quotes": f"'\n{CODE}\n#'",
    "backslash and newline": f"\\\n{CODE}\\",
    "line separators": f"a\u2028{CODE}\u0085b\u001c\u2029c",
    "NUL and terminal escapes": f"\x00\x1b[2J{CODE}\r",
    "bidi controls (Trojan Source)": f"\u202e{CODE}\u2066\u2069",
    "Jinja delimiters": "{{ cycler.__init__.__globals__.os.system('touch CANARY') }}{% raw %}",
    "keywords and builtins": "class import def __import__ lambda self str",
}


def hostile_spec(text: str) -> dict[str, Any]:
    """A valid spec carrying ``text`` in every place spec text reaches generated code."""
    described = {"description": text}
    return {
        "openapi": "3.1.0",
        "info": {"title": text, "version": text, "description": text},
        "servers": [
            {
                "url": "https://{region}.example.test",
                "description": text,
                "variables": {"region": {"default": text, "enum": [text], **described}},
            }
        ],
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": f"get {text}",
                    "summary": text,
                    **described,
                    "security": [{"key": []}],
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            **described,
                        },
                        {
                            "name": text,
                            "in": "query",
                            "schema": {"type": "string", "enum": [text, "b"]},
                            **described,
                        },
                    ],
                    "responses": {
                        "200": {
                            **described,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        },
                        "default": {**described},
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key", **described}
            },
            "schemas": {
                "Thing": {
                    "type": "object",
                    **described,
                    "properties": {
                        text: {"type": "string", "default": text, "examples": [text], **described},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "level": {"$ref": "#/components/schemas/Level"},
                        "choice": {
                            "oneOf": [{"const": text, **described}, {"const": "b", **described}]
                        },
                    },
                },
                "Kind": {
                    "type": "string",
                    "enum": [text, "plain"],
                    "x-enum-descriptions": [text, text],
                    "x-enum-varnames": [text, "PLAIN"],
                    **described,
                },
                "Level": {
                    "type": "integer",
                    "enum": [1, 2],
                    "x-enum-descriptions": [text, text],
                    **described,
                },
            },
        },
    }


def squash(text: str) -> str:
    """Whitespace-insensitive form: docstrings are re-wrapped, so only the words must survive."""
    return " ".join(text.split())


@pytest.fixture(scope="module", params=list(PAYLOADS), ids=list(PAYLOADS))
def hostile_package(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """The payload and the folder its generated package ``hostile`` was written to."""
    text = PAYLOADS[request.param]
    folder = tmp_path_factory.mktemp("hostile")
    spec = write_spec(folder, "hostile", hostile_spec(text))
    result = generate([spec], folder / "out")
    assert not result.blocked, [str(f) for report in result.reports for f in report.findings]
    return text, folder / "out"


PROBE = """
import json, sys
from hostile import models, Client
text = json.loads(sys.stdin.read())
thing = models.Thing.model_validate({text: "v", "kind": text, "level": 1, "choice": text})
print(json.dumps({
    "thing_doc": models.Thing.__doc__,
    "kind_doc": models.Kind.__doc__,
    "kind_values": [member.value for member in models.Kind],
    "dumped": thing.model_dump(mode="json", by_alias=True, exclude_unset=True),
    "default": models.Thing().model_dump(by_alias=True)[text],
    "client_doc": Client.get_.__doc__ if hasattr(Client, "get_") else None,
}))
"""


def test_importing_the_package_runs_no_spec_text(hostile_package: tuple[str, Path]) -> None:
    text, out = hostile_package
    result = run_in(out, PROBE, text)
    assert not (out / CANARY).exists(), "spec text ran as code on import"
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    # The text is data everywhere it went: docstrings, enum values, a property name, a default.
    assert squash(text) in squash(seen["thing_doc"])
    assert squash(text) in squash(seen["kind_doc"])
    assert seen["kind_values"] == [text, "plain"]
    assert seen["dumped"] == {text: "v", "kind": text, "level": 1, "choice": text}
    assert seen["default"] == text


def test_generated_files_hold_only_printable_characters_and_pass_the_gate(
    hostile_package: tuple[str, Path],
) -> None:
    _, out = hostile_package
    for path in sorted((out / "hostile").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for number, line in enumerate(source.split("\n"), 1):
            assert line.isprintable(), (
                f"{path.name}:{number} holds a raw control character: {line!r}"
            )
        check_module(source, models=path.name == "models.py")
