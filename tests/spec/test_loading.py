"""Loading YAML/JSON files: JSON values only, every value located, hostile files refused early."""

from __future__ import annotations

import json
import os
import re
import socket
import time
from pathlib import Path

import pytest

from generator.errors import LoadError
from generator.spec.document import Position
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.loading import load_document, parse_document
from tests.bounded import bounded_specgen
from tests.commands import specgen
from tests.paths import ROOT
from tests.specs import MINIMAL_SPEC, write


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
    from generator.spec import yaml_reader

    if events == "pure-python":
        monkeypatch.setattr(yaml_reader, "_Events", yaml_reader._PyEvents)
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
    from generator.spec import yaml_reader

    text = (ROOT / "specs" / "anon.yaml").read_text()
    fast = parse_document(text, Path("anon.yaml"))
    monkeypatch.setattr(yaml_reader, "_Events", yaml_reader._PyEvents)
    slow = parse_document(text, Path("anon.yaml"))
    assert slow.data == fast.data
    assert slow.positions == fast.positions


# -- hostile files: what they cost is bounded before it is paid ---------------------------------------


def test_only_regular_files_are_read_so_a_pipe_or_device_cannot_block(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    listener = socket.socket(socket.AF_UNIX)
    sock = tmp_path / "sock.yaml"
    listener.bind(str(sock))
    try:
        for special, kind in ((fifo, "FIFO"), (sock, "socket"), (Path("/dev/zero"), "device")):
            with pytest.raises(LoadError, match=kind) as caught:
                load_document(special)
            assert caught.value.path == special
    finally:
        listener.close()


def test_a_ref_to_a_pipe_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    spec = MINIMAL_SPEC.replace('{$ref: "#/components/schemas/Job"}', '{$ref: "pipe.yaml#/Job"}')
    write(tmp_path, "api.yaml", spec)
    os.mkfifo(tmp_path / "root.yaml")
    result = bounded_specgen("validate", "api.yaml", cwd=tmp_path, seconds=60)
    assert result.returncode == 1
    assert re.search(r"^api\.yaml:\d+:\d+: ref-resolves: .*FIFO", result.stdout, re.MULTILINE)
    # Named as the spec itself, a pipe is unreadable input (exit 2), not a wait for a writer.
    result = bounded_specgen("validate", "root.yaml", cwd=tmp_path, seconds=60)
    assert result.returncode == 2
    assert "root.yaml: is a named pipe" in result.stdout


@pytest.mark.parametrize(
    "shape",
    [
        # 1,500 aliases of one 2 MB scalar: few values, gigabytes of text.
        "big: &big {scalar}\nmany: [{aliases}]\n",
        # The same through a mapping anchored once and merged everywhere.
        "base: &base {{text: {scalar}}}\nmany: [{merges}]\n",
    ],
    ids=["scalar-aliases", "merged-mappings"],
)
def test_aliases_of_large_text_are_bounded_in_bytes_before_building(
    tmp_path: Path, shape: str
) -> None:
    text = shape.format(
        scalar="x" * 2_000_000,
        aliases=", ".join(["*big"] * 1500),
        merges=", ".join(["{<<: *base}"] * 1500),
    )
    write(tmp_path, "bomb.yaml", text)
    started = time.perf_counter()
    result = bounded_specgen("validate", "bomb.yaml", cwd=tmp_path, seconds=60)
    assert result.returncode == 2
    assert re.search(r"^bomb\.yaml:\d+:\d+: .*--max-alias-bytes", result.stdout, re.MULTILINE)
    assert time.perf_counter() - started < 30
    with pytest.raises(LoadError, match=str(DEFAULT_LIMITS.max_alias_bytes)):
        parse(text)


def test_a_spec_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    spec = write(tmp_path, "api.yaml", MINIMAL_SPEC)
    limits = SpecLimits(max_spec_bytes=100)
    with pytest.raises(LoadError, match="larger than 100 bytes") as caught:
        load_document(spec, limits)
    assert caught.value.path == spec
    assert load_document(spec, SpecLimits(max_spec_bytes=len(MINIMAL_SPEC))).data["openapi"]


# -- JSON is read as JSON -----------------------------------------------------------------------------


def test_valid_json_that_yaml_would_refuse_loads_as_json(tmp_path: Path) -> None:
    text = '{"openapi": "3.1.0", "info": {"title": "\\ud83d\\ude00 jobs\u2028", "version": "1"}}'
    for name in ("spec.json", "spec.yaml"):  # a `.yaml` starting with `{` is tried as JSON first
        doc = load_document(write(tmp_path, name, text))
        assert doc.data["info"]["title"] == "\U0001f600 jobs\u2028"
        assert doc.positions["/info/title"] == Position(1, 31)


def test_yaml_flow_style_starting_with_a_brace_still_loads() -> None:
    assert parse("{openapi: 3.1.0, tags: [a, b]}\n") == {"openapi": "3.1.0", "tags": ["a", "b"]}


def test_json_and_yaml_locate_values_alike(tmp_path: Path) -> None:
    text = (ROOT / "specs" / "anon.yaml").read_text()
    data = parse_document(text, Path("anon.yaml")).data
    as_json = json.dumps(data, indent=2)
    doc = parse_document(as_json, Path("anon.json"))
    assert doc.data == data
    lines = as_json.splitlines()
    for pointer, position in doc.positions.items():
        if pointer:
            key = json.dumps(pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~"))
            at = lines[position.line - 1][position.col - 1 :]
            assert at.startswith(key) or at[0] in '[{"-0123456789tfn', (pointer, at)


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ('{"a": "\\ud800"}', 1, 7, "lone surrogate"),
        ('{"a": 1,\n "a": 2}', 2, 2, "duplicate key 'a'"),
        ('{"a": 1e400}', 1, 7, "out of range"),
        ('{"a": -1E+999}', 1, 7, "out of range"),
        ('{"a": NaN}', 1, 7, "malformed JSON"),
        ('{"a": [1, 2,]}', 1, 13, "malformed JSON"),
        ('{"a": "x\ny"}', 1, 9, "malformed JSON"),
        ('{"a": 1} {}', 1, 10, "malformed JSON"),
        ("[" * 300 + "]" * 300, 1, 257, "--max-depth"),
    ],
)
def test_bad_json_names_file_line_and_column(text: str, line: int, col: int, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        parse_document(text, Path("spec.json"))
    assert (caught.value.line, caught.value.col) == (line, col)
    assert message in caught.value.message


@pytest.mark.parametrize("text", ["a: 1e400\n", "a: -2.5e999\n", "a: [1, 1e309]\n"])
def test_yaml_numbers_beyond_a_double_are_refused_not_infinity(text: str) -> None:
    with pytest.raises(LoadError, match="out of range") as caught:
        parse(text)
    assert caught.value.line == 1


def test_a_lone_surrogate_escape_in_yaml_is_refused_and_a_pair_is_one_character(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator.spec import yaml_reader

    # libyaml refuses surrogate escapes itself; PyYAML's pure-Python reader decodes them.
    monkeypatch.setattr(yaml_reader, "_Events", yaml_reader._PyEvents)
    assert parse('a: "\\ud83d\\ude00"\n') == {"a": "\U0001f600"}
    with pytest.raises(LoadError, match="lone surrogate") as caught:
        parse('a: "x\\udc00"\n')
    assert (caught.value.line, caught.value.col) == (1, 4)


# -- limits: one dataclass, a flag each --------------------------------------------------------------


def _limit_cases() -> list[tuple[str, str, str]]:
    """(flag value, spec text, what the error names) for each limit, low enough to trip."""
    two_schemas = MINIMAL_SPEC + "    Other: {type: string}\n"
    aliased = (
        MINIMAL_SPEC.replace("info: {title: Jobs", "info: &info {title: Jobs") + "x-a: *info\n"
    )
    return [
        ("--max-spec-bytes=200", MINIMAL_SPEC, "api.yaml: "),
        ("--max-depth=4", MINIMAL_SPEC, "api.yaml:10:9:"),
        ("--max-schemas=1", two_schemas, "api.yaml:"),
        ("--max-alias-values=1", aliased, "api.yaml:"),
        ("--max-alias-bytes=3", aliased, "api.yaml:"),
    ]


@pytest.mark.parametrize(("flag", "text", "where"), _limit_cases())
def test_each_limit_is_a_flag_and_its_error_names_it(
    tmp_path: Path, flag: str, text: str, where: str
) -> None:
    write(tmp_path, "api.yaml", text)
    refused = specgen("validate", flag, "api.yaml", cwd=tmp_path)
    assert refused.returncode == 2
    assert where in refused.stdout
    assert flag.split("=")[0] in refused.stdout
    assert specgen("validate", "api.yaml", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("command", ["generate", "bundle", "diff"])
def test_every_command_that_reads_specs_takes_the_limits(tmp_path: Path, command: str) -> None:
    write(tmp_path, "api.yaml", MINIMAL_SPEC)
    args = {
        "generate": ["generate", "api.yaml", "--out", "out"],
        "bundle": ["bundle", "api.yaml", "--out", "out"],
        "diff": ["diff", "api.yaml", "api.yaml"],
    }[command]
    result = specgen(*args, "--max-spec-bytes=200", cwd=tmp_path)
    assert result.returncode == 2
    assert "api.yaml: file is larger than 200 bytes" in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()
