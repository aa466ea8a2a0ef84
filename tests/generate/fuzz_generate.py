"""Random hostile specs through generate, import, a call per operation, and mypy.

A batch is one spec holding many random *units*: a component schema (properties of every kind, names,
descriptions, enum values and defaults drawn from hostile alphabets) and an operation returning it.
One generation serves the whole batch, which is what makes thousands of units affordable.

A finding is: an exception from ``generate`` (a crash, or a refusal of a valid spec), a canary that
fires on import, a call that does not send the path value as one encoded segment, a response that
does not come back with every property (a lost or merged field), or, checked per run, mypy errors.
The CI test (``test_fuzz_generate.py``) and ``benchmarks/fuzz_generate.py`` share this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.generate.packages import mypy_strict, run_in, write_spec

CANARY = "CANARY"
#: Pieces that break out of literals, templates, names and lines, or collide after normalisation.
FRAGMENTS = [
    '"""',
    "'''",
    "'",
    '"',
    "\\",
    "\\n",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x1b[2J",
    "\x0c",
    "\x85",
    "\u2028",
    "\u2029",
    "\x1c",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "${",
    "#",
    ":",
    ")",
    "]",
    "`",
    "__import__",
    f"__import__('pathlib').Path({CANARY!r}).touch()",
    "class",
    "def",
    "import",
    "lambda",
    "self",
    "cls",
    "str",
    "list",
    "None",
    "True",
    "model_config",
    "root",
    "Field",
    "base_url",
    "\ufb01",
    "fi",
    "\u00e9",
    "e\u0301",
    "\u212b",
    "\u00c5",
    "1",
    "_",
    "-",
    " ",
    "\U0001f600",
    "名前",
]

texts = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), min_size=1, max_size=5).map(
    "".join
)
#: Names on the wire: anything but the empty string (OpenAPI requires a name).
names = texts.filter(lambda name: name.strip() != "")


@dataclass
class Batch:
    """One spec of many units, and what a client must return for each unit's operation."""

    spec: dict[str, Any]
    #: Unit number -> the JSON body served for its operation (every property present).
    payloads: dict[int, Any] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return len(self.payloads)


@st.composite
def property_schema(draw: st.DrawFn, earlier: int) -> tuple[dict[str, Any], Any]:
    """A property schema and a valid value for it."""
    kind = draw(
        st.sampled_from(["string", "enum", "integer", "intenum", "array", "object", "ref", "look"])
    )
    description = {"description": draw(texts)} if draw(st.booleans()) else {}
    if kind == "ref" and earlier:
        target = draw(st.integers(0, earlier - 1))
        return {"$ref": f"#/components/schemas/Unit{target}"}, {}
    if kind == "enum":
        values = draw(st.lists(names, min_size=1, max_size=4, unique=True))
        default = {"default": draw(st.sampled_from(values))} if draw(st.booleans()) else {}
        return {"type": "string", "enum": values, **default, **description}, values[0]
    if kind == "integer":
        return {"type": "integer", **description}, draw(st.integers(-(2**40), 2**40))
    if kind == "intenum":
        values = draw(st.lists(st.integers(-5, 5), min_size=1, max_size=3, unique=True))
        default = {"default": draw(st.sampled_from(values))} if draw(st.booleans()) else {}
        return {"type": "integer", "enum": values, **default, **description}, values[0]
    if kind == "array":
        value = draw(st.lists(texts, max_size=3))
        return {"type": "array", "items": {"type": "string", **description}}, value
    if kind == "object":
        inner = draw(names)
        value = draw(texts)
        return {"type": "object", "properties": {inner: {"type": "string", **description}}}, {
            inner: value
        }
    if kind == "look":
        return {"type": "string", "pattern": "^(?!x)", **description}, "a" + draw(texts)
    default = draw(texts)
    return {"type": "string", "default": default, **description}, draw(texts)


@st.composite
def batches(draw: st.DrawFn, size: int) -> Batch:
    """A valid spec of ``size`` units, each a component schema and the operation returning it."""
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    batch = Batch({})
    for unit in range(size):
        properties: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        for name in draw(st.lists(names, min_size=1, max_size=5, unique=True)):
            schema, value = draw(property_schema(unit))
            properties[name] = schema
            payload[name] = value
        schemas[f"Unit{unit}"] = {
            "type": "object",
            "description": draw(texts),
            "properties": properties,
        }
        batch.payloads[unit] = payload
        paths[f"/u{unit}/{{p}}"] = {
            "get": {
                "operationId": f"op{unit}{draw(texts)}",
                "summary": draw(texts),
                "description": draw(texts),
                "parameters": [
                    {
                        "name": "p",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": draw(texts),
                    },
                    {
                        "name": draw(names),
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": draw(texts),
                    },
                ],
                "responses": {
                    "200": {
                        "description": draw(texts),
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/Unit{unit}"}
                            }
                        },
                    }
                },
            }
        }
    batch.spec = {
        "openapi": "3.1.0",
        "info": {"title": draw(texts), "version": draw(texts), "description": draw(texts)},
        "servers": [
            {
                "url": "https://api.example.test/{v}",
                "variables": {"v": {"default": "x", "description": draw(texts)}},
            }
        ],
        "paths": paths,
        "components": {"schemas": schemas},
    }
    return batch


#: Runs in a fresh interpreter inside the output folder: imports the package (the canary must not
#: fire) and calls every operation against a transport serving the batch's payloads.
PROBE = r"""
import inspect, json, sys
from urllib.parse import quote
import httpx
import importlib
given = json.loads(sys.stdin.read())
fuzzed = importlib.import_module(given["package"])
payloads = {int(k): v for k, v in given["payloads"].items()}
VALUE = "v/1?#%"
problems = []
def handler(request):
    unit = int(request.url.raw_path.split(b"/")[2][1:])
    expected = "/u%d/%s" % (unit, quote(VALUE, safe=""))
    if request.url.raw_path.split(b"?")[0].decode() != "/x" + expected:
        problems.append("unit %d: path sent as %r" % (unit, request.url.raw_path))
    return httpx.Response(200, json=payloads[unit])
with fuzzed.Client(transport=httpx.MockTransport(handler)) as client:
    methods = [m for name, m in inspect.getmembers(client, inspect.ismethod) if not name.startswith("_") and name != "close"]
    if len(methods) != len(payloads):
        problems.append("%d methods for %d operations" % (len(methods), len(payloads)))
    for method in methods:
        result = method(VALUE)
        dumped = result.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if dumped not in payloads.values():
            problems.append("%s returned %r" % (method.__name__, dumped))
print(json.dumps(problems))
"""


def run_batch(batch: Batch, folder: Path, package: str = "fuzzed") -> list[str]:
    """Generate ``batch`` as ``folder/out/<package>``, import and call it; the findings, if any."""
    from generator.api import generate
    from generator.errors import SpecgenError

    folder.mkdir(parents=True, exist_ok=True)
    spec = write_spec(folder, package, batch.spec)
    out = folder / "out"
    try:
        result = generate([spec], out)
    except SpecgenError as error:
        return [f"generate refused a valid spec: {error}"]
    if result.blocked:
        findings = [
            str(f) for report in result.reports for f in report.findings if f.severity == "error"
        ]
        return [f"validation blocked a valid spec: {findings[:3]}"]
    probe = run_in(out, PROBE, {"package": package, "payloads": batch.payloads}, timeout=300)
    findings = []
    if (out / CANARY).exists() or (folder / CANARY).exists():
        findings.append("the canary fired: spec text ran as code")
    if probe.returncode != 0:
        findings.append(f"import or call failed: {probe.stderr.strip().splitlines()[-1:]}")
    else:
        findings.extend(json.loads(probe.stdout))
    return findings


def mypy_findings(packages: list[Path]) -> list[str]:
    """``mypy --strict`` over generated packages; one finding per package it rejects."""
    if not packages:
        return []
    result = mypy_strict(*packages)
    if result.returncode == 0:
        return []
    return [line for line in result.stdout.splitlines() if ": error:" in line][:20] or [
        result.stdout[-2000:]
    ]
