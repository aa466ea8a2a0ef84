"""Fuzz reading specs: random hostile YAML/JSON through the loader, random hostile specs through
``specgen validate``, ``bundle`` and ``diff`` (every report format).

A *finding* is any exception other than specgen's own :class:`LoadError` from the loader, and from
the CLI: an exit code other than 0, 1 or 2, a traceback or "internal error", a file opened outside
the spec's folder, or a character that is not printable in what it prints (a forged line or a
terminal escape). CI runs a fixed, derandomized budget; ``benchmarks/fuzz_spec.py`` runs thousands.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.errors import LoadError
from generator.spec.loading import parse_document

#: Pieces of text that have broken parsers, reports and path handling somewhere.
FRAGMENTS = [
    '"',
    "'",
    '"""',
    "\\",
    "\\u",
    "\\ud800",
    "\\ud83d\\ude00",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "\x1b[31m",
    "\x07",
    "\u202e",
    "\u2066",
    "\u200f",
    "\ufeff",
    "\U0001f600",
    "é",
    "ﬁ",
    ":",
    ": ",
    "- ",
    "? ",
    "#",
    "&a ",
    "*a",
    "<<",
    "!!python/object:os.system",
    "!x",
    "[",
    "]",
    "{",
    "}",
    ",",
    "|",
    ">",
    "`",
    "``",
    "%",
    "%00",
    "%0A",
    "%2F",
    "%ZZ",
    "../",
    "/",
    "~1",
    "#/",
    "http://127.0.0.1:1/x.json",
    "//host/x",
    "file:///etc/passwd",
    "$ref",
    "1e400",
    "-0",
    "0x1F",
    ".nan",
    "~",
    "null",
    "yes",
    "2023-11-07",
    "@user",
    "[l](http://x)",
    "<img>",
    "## ",
    "{{",
    "{%",
    "__import__('os')",
    "x",
    "ab",
    " ",
]
hostile_text = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)


@st.composite
def raw_documents(draw: st.DrawFn) -> tuple[str, str]:
    """(file name, text): random YAML-ish or JSON-ish text, anchors and deep nesting included."""
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from(FRAGMENTS),
                st.integers(0, 400).map(lambda n: "[" * n + "]" * n),
                st.integers(0, 400).map(lambda n: "{a: " * n + "1" + "}" * n),
                st.just("a: &x [1, 2]\nb: *x\nc: {<<: {k: 1}}\n"),
                st.just('{"a": [1, {"b": "\\ud83d\\ude00"}], "c": 1e5}'),
            ),
            max_size=12,
        )
    )
    name = draw(st.sampled_from(["spec.yaml", "spec.json", "spec.yml"]))
    return name, "".join(pieces)


_VALID_REFS = st.sampled_from(
    ["#/components/schemas/Job", "#/components/schemas/Other", "other.yaml#/Other", "other.yaml"]
)
_REFS = st.one_of(
    _VALID_REFS,
    _VALID_REFS,
    _VALID_REFS,
    st.sampled_from(
        [
            "#/components/schemas/Job",
            "#/components/schemas/Other",
            "other.yaml#/Other",
            "other.yaml",
            "../secret.yaml#/Secret",
            "%2e%2e/secret.yaml",
            "%00",
            "job%00.yaml",
            "%0A.yaml",
            "http://127.0.0.1:1/x.json",
            "//127.0.0.1:1/x",
            "file:///etc/passwd",
            "pipe.yaml",
            ".",
            "#",
            "#/",
            "#/components/schemas/%00",
        ]
    ),
    hostile_text,
)


@dataclass
class Example:
    """One random spec: the document, its sibling file, and the format each is written in."""

    spec: dict[str, Any]
    other: dict[str, Any]
    form: str


@st.composite
def specs(draw: st.DrawFn) -> Example:
    """A small OpenAPI spec whose names, texts and references are drawn from hostile pieces."""
    name = draw(hostile_text)
    prop: dict[str, Any] = {
        "type": draw(st.sampled_from(["string", "integer", "object", "array", "x"]))
    }
    if draw(st.booleans()):
        prop["description"] = draw(hostile_text)
    if draw(st.booleans()):
        prop["enum"] = draw(st.lists(hostile_text, min_size=1, max_size=3, unique=True))
    if prop["type"] == "array":
        prop["items"] = {"$ref": draw(_REFS)}
    if draw(st.booleans()):
        prop = {"$ref": draw(_REFS)}
    job: dict[str, Any] = {"type": "object", "properties": {name or "id": prop}}
    if draw(st.booleans()):
        job["required"] = [name or "id"]
    operation: dict[str, Any] = {
        "operationId": draw(st.one_of(st.just("getJob"), hostile_text.filter(bool))),
        "responses": {
            "200": {
                "description": draw(hostile_text) or "ok",
                "content": {"application/json": {"schema": {"$ref": draw(_REFS)}}},
            }
        },
    }
    if draw(st.booleans()):
        operation["callbacks"] = {"cb": {"$ref": "other.yaml#/Callback"}}
    if draw(st.booleans()):
        operation["x-specgen-acknowledge"] = {
            draw(
                st.sampled_from(["ref-remote", "ref-outside", "ref-resolves", "operation-id"])
            ): "ok"
        }
    path = "/jobs/" + draw(hostile_text).replace("{", "(").replace("}", ")")
    spec: dict[str, Any] = {
        "openapi": draw(st.sampled_from(["3.1.0", "3.1.0", "3.0.3", "3.2.0", "2.0"])),
        "info": {"title": draw(hostile_text), "version": draw(hostile_text) or "1"},
        "paths": {path: {"get": operation}},
        "components": {"schemas": {"Job": job, draw(hostile_text) or "Other": {"type": "string"}}},
    }
    other = {
        "Other": {"type": "string", "description": draw(hostile_text)},
        "Callback": {"{$url}": {"post": {"responses": {"200": {"description": "ok"}}}}},
    }
    if draw(st.booleans()):
        other["Callback"]["{$url}"]["post"]["callbacks"] = {"again": {"$ref": "#/Callback"}}
    return Example(spec, other, draw(st.sampled_from(["yaml", "json"])))


def load_finding(name: str, text: str) -> str | None:
    """A finding for the loader on ``text``, or None: it returns data or raises LoadError."""
    try:
        parse_document(text, Path(name))
    except LoadError as exc:
        if not str(exc).isprintable():
            return f"load error with an unprintable character: {str(exc)!r}"
    except Exception as exc:  # any other exception is what the fuzzer looks for
        return f"loader raised {type(exc).__name__}: {exc}"
    return None


class _Opened:
    """Paths opened while a command runs (an audit hook cannot be removed, so it is switched)."""

    active = False
    paths: ClassVar[list[str]] = []

    @classmethod
    def hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.active and event == "open" and isinstance(args[0], (str, bytes, Path)):
            cls.paths.append(str(args[0]))


_HOOKED = False


def _watch_opens() -> None:
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_Opened.hook)
        _HOOKED = True


def _dump(data: Any, form: str) -> str:
    if form == "json":
        return json.dumps(data, ensure_ascii=False)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def run_cli(args: list[str], cwd: Path) -> tuple[int, str]:
    """``specgen ARGS`` in-process in ``cwd``: (exit code, everything printed)."""
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    _Opened.paths = []
    _Opened.active = True
    try:
        import os

        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:  # argparse
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        _Opened.active = False
        os.chdir(previous)
    return code, out.getvalue() + err.getvalue()


def spec_findings(example: Example, folder: Path) -> list[str]:
    """Findings of validate, bundle and diff (every format) on one random spec in ``folder``."""
    _watch_opens()
    specs_dir = folder / "specs"
    if folder.exists():
        shutil.rmtree(folder)
    specs_dir.mkdir(parents=True)
    (folder / "secret.yaml").write_text("Secret: {type: string}\n", encoding="utf-8")
    suffix = example.form
    (specs_dir / f"api.{suffix}").write_text(_dump(example.spec, suffix), encoding="utf-8")
    (specs_dir / "other.yaml").write_text(_dump(example.other, "yaml"), encoding="utf-8")
    spec = f"specs/api.{suffix}"
    commands = [
        ["validate", spec],
        ["validate", "--format", "json", "specs"],
        ["bundle", spec, "--out", "out"],
        ["diff", spec, "specs/other.yaml"],
        *(["diff", "--format", form, spec, spec] for form in ("text", "json", "markdown")),
    ]
    findings = []
    for command in commands:
        code, printed = run_cli(command, folder)
        label = " ".join(command)
        if code not in (0, 1, 2):
            findings.append(f"{label}: exit code {code}")
        if "internal error" in printed or "Traceback" in printed:
            findings.append(f"{label}: {printed.strip()[-300:]}")
        for line in printed.splitlines():
            if not line.isprintable():
                findings.append(f"{label}: unprintable output {line[:200]!r}")
                break
        secret = str((folder / "secret.yaml").resolve())
        if any(Path(path).resolve() == Path(secret) for path in _Opened.paths if "secret" in path):
            findings.append(f"{label}: read a file outside the spec's folder")
    return findings


# -- the CI budget ----------------------------------------------------------------------------------

_CI = settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@_CI
@given(document=raw_documents())
def test_the_loader_returns_data_or_a_located_load_error(document: tuple[str, str]) -> None:
    assert load_finding(*document) is None


@settings(_CI, max_examples=40)
@given(example=specs())
def test_validate_bundle_and_diff_survive_hostile_specs(example: Example) -> None:
    folder = Path(tempfile.mkdtemp(prefix="specgen-fuzz-spec-"))
    try:
        assert spec_findings(example, folder / "work") == []
    finally:
        shutil.rmtree(folder, ignore_errors=True)
