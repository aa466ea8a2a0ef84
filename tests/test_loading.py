"""Loading YAML/JSON files: JSON values only, every value located, hostile files refused early."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from generator.errors import LoadError
from generator.loading import DEFAULT_LIMITS, Position, load_document, parse_document
from tests.conftest import ROOT, specgen, write


def parse(text: str) -> object:
    return parse_document(text, Path("spec.yaml")).data


def test_every_value_keeps_its_line_and_column() -> None:
    doc = parse_document(
        "openapi: 3.1.0\npaths:\n  /jobs:\n    get:\n      operationId: x\n", Path("s.yaml")
    )
    # Members are placed at their key, where a reader looks for them.
    assert doc.positions["/openapi"] == Position(1, 1)
    assert doc.positions["/paths/~1jobs/get/operationId"] == Position(5, 7)
    # A pointer with no value of its own is placed at its nearest enclosing member.
    assert doc.position("/paths/~1jobs/get/missing") == Position(4, 5)


def test_scalars_follow_yaml_1_2_core_schema_not_1_1() -> None:
    data = parse("a: yes\nb: 2023-11-07\nc: on\nd: 0x1F\ne: 1.5\nf: ~\ng: true\nh: 012\n")
    assert data == {
        "a": "yes",
        "b": "2023-11-07",
        "c": "on",
        "d": 31,
        "e": 1.5,
        "f": None,
        "g": True,
        "h": 12,
    }


def test_numeric_keys_keep_the_text_the_author_wrote() -> None:
    assert parse("responses:\n  200: {description: ok}\n") == {
        "responses": {"200": {"description": "ok"}}
    }


def test_aliases_and_merge_keys_expand_with_explicit_keys_winning() -> None:
    data = parse("base: &b {x: 1, y: 2}\nuse: {<<: *b, y: 3}\nagain: *b\n")
    assert data == {"base": {"x": 1, "y": 2}, "use": {"x": 1, "y": 3}, "again": {"x": 1, "y": 2}}


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("a: 1\na: 2\n", 2, 1, "duplicate key 'a'"),
        ("a: [1, 2\n", 2, 1, "malformed YAML"),
        ("a: !!python/object:os.system x\n", 1, 4, "unsupported tag"),
        ("a: .nan\n", 1, 4, "no JSON representation"),
        ("a: &x [*x]\n", 1, 4, "recursive alias"),
        ("? [1, 2]\n: x\n", 1, 3, "mapping keys must be strings"),
        ("", 1, 1, "empty file"),
        ("a: 1\n---\nb: 2\n", 2, 1, "malformed YAML"),
    ],
)
def test_bad_yaml_names_file_line_and_column(text: str, line: int, col: int, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.col) == (line, col)
    assert message in caught.value.message
    assert str(caught.value).startswith(f"spec.yaml:{line}:{col}: ")


def test_billion_laughs_fails_fast_before_expanding() -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.perf_counter()
    with pytest.raises(LoadError, match="YAML bomb") as caught:
        parse("\n".join(levels) + "\n")
    assert time.perf_counter() - started < 2.0
    assert caught.value.line > 1
    assert str(DEFAULT_LIMITS.max_alias_values) in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 2000 + "]" * 2000 + "\n",
        "a: " + "{k: " * 2000 + "v" + "}" * 2000 + "\n",
        "".join(" " * i + "k:\n" for i in range(2000)),
        "".join(" " * i + "- \n" for i in range(0, 4000, 2)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-mappings", "block-sequences"],
)
@pytest.mark.parametrize("events", ["libyaml", "pure-python"])
def test_deep_nesting_is_refused_by_specgen_at_its_place(
    text: str, events: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import loading

    if events == "pure-python":
        monkeypatch.setattr(loading, "_Events", loading._PyEvents)
    # specgen counts nesting itself, before any parser limit or Python's stack: the error is its
    # own, located where the limit is crossed, whatever the YAML library would have said.
    with pytest.raises(LoadError) as caught:
        parse(text)
    assert str(DEFAULT_LIMITS.max_depth) in caught.value.message
    assert caught.value.line > 0 and caught.value.col > 0
    assert str(caught.value).startswith(f"spec.yaml:{caught.value.line}:{caught.value.col}: ")


def test_deep_nesting_is_a_usage_error_naming_file_and_place(tmp_path: Path) -> None:
    spec = write(tmp_path, "deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")
    result = specgen("validate", spec, cwd=tmp_path)
    assert result.returncode == 2
    assert re.search(r"^deep\.yaml:1:\d+: ", result.stdout + result.stderr, re.MULTILINE)
    assert "Traceback" not in result.stderr


def test_missing_file_folder_and_binary_are_load_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load_document(tmp_path / "absent.yaml")
    with pytest.raises(LoadError, match="is a folder"):
        load_document(tmp_path)
    binary = tmp_path / "blob.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(LoadError, match="not UTF-8"):
        load_document(binary)


def test_json_files_load_too(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}}')
    doc = load_document(spec)
    assert doc.data["info"] == {"title": "t", "version": "1"}
    assert doc.positions["/info/title"].line == 1


def test_pure_python_and_libyaml_composers_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import loading

    text = (ROOT / "specs" / "anon.yaml").read_text()
    fast = parse_document(text, Path("anon.yaml"))
    monkeypatch.setattr(loading, "_Events", loading._PyEvents)
    slow = parse_document(text, Path("anon.yaml"))
    assert slow.data == fast.data
    assert slow.positions == fast.positions
