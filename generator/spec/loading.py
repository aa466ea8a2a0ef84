"""Load one YAML or JSON file into plain JSON data, keeping the line and column of every value.

Specs are data, so the file is read the way JSON reads: YAML 1.2 core scalars (no timestamps, no
``yes``/``no`` booleans, no sexagesimal numbers), string keys only, no duplicate keys, and no tags that
would build anything but JSON values. Aliases are allowed, but the size they expand to is computed before
anything is built, so a "billion laughs" file fails at once instead of eating memory. JSON files (a
``.json`` name, or text that starts with ``{``) are read by a JSON parser, with the same positions and
limits: JSON is not quite a subset of YAML (surrogate-pair escapes, a raw U+2028).

Specs are untrusted input. Every limit on what a file may cost is in :class:`SpecLimits`, checked before the
work it bounds, and every refusal names the file and, where there is one, the line and column.
"""

from __future__ import annotations

import bisect
import contextlib
import json.decoder
import math
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from json.decoder import JSONDecodeError
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import LoadError
from generator.spec import pointer as jp


@dataclass(frozen=True)
class SpecLimits:
    """What one spec may cost to read; each has a ``--max-...`` flag on the commands that read specs.

    The defaults are far above any hand-written or published spec (GitHub's REST description, one of
    the largest, is 13 MB with about 900 component schemas) and far below what hurts a CI machine.
    """

    #: Largest file read, in bytes (checked before reading).
    max_spec_bytes: int = field(
        default=50 * 1024 * 1024, metadata={"help": "largest spec file read, in bytes"}
    )
    #: Bytes of scalar text that YAML aliases may add when expanded (checked before building).
    max_alias_bytes: int = field(
        default=32 * 1024 * 1024,
        metadata={"help": "bytes of text YAML aliases may add when expanded"},
    )
    #: Values that YAML aliases may add when expanded: real specs share a few blocks.
    max_alias_values: int = field(
        default=500_000, metadata={"help": "values YAML aliases may add when expanded"}
    )
    #: How deep collections may nest (checked while parsing, before any parser's own limit).
    max_depth: int = field(default=256, metadata={"help": "how deep collections may nest"})
    #: Named schemas (``components/schemas``, ``$defs``, ``definitions``) over all of a spec's files.
    max_schemas: int = field(
        default=20_000, metadata={"help": "named schemas over all of a spec's files"}
    )

    #: Values ``bundle`` may copy by inlining references into other files (which can fan out).
    max_inlined_values: int = field(
        default=1_000_000,
        metadata={"help": "values bundle may copy by inlining references to other files"},
    )

    @staticmethod
    def flags() -> Iterator[tuple[str, str, int, str]]:
        """(flag, field name, default, help) for each limit: ``--max-spec-bytes`` and so on."""
        for limit in fields(SpecLimits):
            flag = "--" + limit.name.replace("_", "-")
            yield flag, limit.name, limit.default, str(limit.metadata["help"])  # type: ignore[misc]


DEFAULT_LIMITS = SpecLimits()

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    col: int


@dataclass(frozen=True)
class Document:
    """One parsed file: its data and the position of every value, keyed by JSON pointer."""

    path: Path
    data: Any
    positions: Mapping[str, Position] = field(repr=False)

    def position(self, pointer: str) -> Position:
        """Where the value at ``pointer`` starts, or the nearest enclosing value that has a position."""
        while True:
            found = self.positions.get(pointer)
            if found is not None:
                return found
            if not pointer:
                return Position(1, 1)
            pointer = jp.parent(pointer)


class _CoreResolver(yaml.resolver.Resolver):
    """Implicit scalar types of YAML 1.2's core schema, which is what JSON-minded authors expect."""


_CoreResolver.yaml_implicit_resolvers = {}
_CoreResolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreResolver.add_implicit_resolver(
    _NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_CoreResolver.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_CoreResolver.add_implicit_resolver(_MERGE, re.compile(r"^<<$"), ["<"])
_CoreResolver.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


class _PyEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python event parser: no composer and no constructor, so nothing is built."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]

    #: libyaml's parser, several times faster on large specs. Only its events are used: specgen
    #: composes the nodes itself, so its own limits apply before any of the parser's.
    _Events: Any = _CParser
else:  # pragma: no cover - PyYAML built without libyaml
    _Events = _PyEvents

_RESOLVER: Any = _CoreResolver()


def load_document(path: Path, limits: SpecLimits = DEFAULT_LIMITS) -> Document:
    """Read ``path`` as YAML (or JSON) into a :class:`Document`; raises :class:`LoadError`.

    Only a regular file is read: a FIFO, a device or a socket could block forever or never end, so
    the file is opened without blocking and checked before a byte is read.
    """
    try:
        # Checked before opening (a socket cannot even be opened) and again on what was opened.
        _refuse_special(os.stat(path).st_mode, path)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise LoadError("no such file", path) from None
    except IsADirectoryError:
        raise LoadError("is a folder, expected a YAML or JSON file", path) from None
    except (OSError, ValueError) as exc:
        raise LoadError(f"cannot read: {_reason(exc)}", path) from None
    try:
        _refuse_special(os.fstat(descriptor).st_mode, path)
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            # Read one byte more than allowed rather than trust the size, which may change meanwhile.
            raw = stream.read(limits.max_spec_bytes + 1)
    except OSError as exc:
        raise LoadError(f"cannot read: {_reason(exc)}", path) from None
    finally:
        os.close(descriptor)
    if len(raw) > limits.max_spec_bytes:
        raise LoadError(
            f"file is larger than {limits.max_spec_bytes} bytes, the most specgen reads"
            " (--max-spec-bytes)",
            path,
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(f"not UTF-8 text (byte {exc.start})", path, line, col) from None
    return parse_document(text, path, limits)


def _refuse_special(mode: int, path: Path) -> None:
    if stat.S_ISDIR(mode):
        raise LoadError("is a folder, expected a YAML or JSON file", path)
    if not stat.S_ISREG(mode):
        raise LoadError(f"is a {_file_kind(mode)}, not a regular file: refusing to read it", path)


def _reason(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def is_json_text(text: str, path: Path) -> bool:
    """Whether ``text`` is read as JSON: a ``.json`` file, or text that starts with ``{``."""
    return path.suffix.lower() == ".json" or text.lstrip(" \t\r\n").startswith("{")


def parse_document(text: str, path: Path, limits: SpecLimits = DEFAULT_LIMITS) -> Document:
    """Parse YAML/JSON ``text`` that came from ``path`` (used in messages)."""
    if len(text) * 4 > limits.max_spec_bytes and (
        len(text.encode("utf-8", "surrogatepass")) > limits.max_spec_bytes
    ):
        raise LoadError(
            f"text is larger than {limits.max_spec_bytes} bytes, the most specgen reads"
            " (--max-spec-bytes)",
            path,
        )
    if is_json_text(text, path):
        try:
            return _JSONParser(text, path, limits).parse()
        except LoadError:
            if path.suffix.lower() == ".json":
                raise
            # Not JSON after all: YAML flow style starts with `{` too.
    events: Any = None
    try:
        events = _events(text, limits)
        root = _compose(events, path, limits)
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (NUL, most controls): located by its offset in the text.
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise LoadError(
            f"malformed YAML: character U+{exc.character:04X} is not allowed", path, line, col
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise LoadError(f"malformed YAML: {problem}", path, line, col) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"malformed YAML: {exc}", path) from None
    finally:
        if events is not None:
            events.dispose()
    if root is None:
        raise LoadError("empty file, expected a YAML or JSON document", path, 1, 1)
    builder = _Builder(path, limits)
    with _stack_for(limits.max_depth):
        builder.check_expansion(root)
        data = builder.build(root, "", 0)
    return Document(path=path, data=data, positions=builder.positions)


@contextlib.contextmanager
def _stack_for(depth: int) -> Iterator[None]:
    """Room on Python's stack for walking ``depth`` levels (a few frames each), whatever the limit.

    Python 3.11 does not use the C stack for calls between Python functions, so raising the limit
    for this walk is safe; nesting itself is bounded by :attr:`SpecLimits.max_depth` before it starts.
    """
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 4 * depth + 200))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _compose(events: Any, path: Path, limits: SpecLimits) -> Node | None:
    """The single document of ``events`` as a node graph, composed without recursion.

    Nesting is counted here, at each collection's start, so a deep file fails with specgen's error
    (located where the limit is crossed) long before any parser or Python's stack has a limit to hit.
    """
    events.get_event()  # StreamStartEvent
    if events.check_event(yaml.StreamEndEvent):
        return None
    events.get_event()  # DocumentStartEvent
    anchors: dict[str, Node] = {}
    # Each open collection with the items read so far (a mapping's are flat: key, value, ...).
    stack: list[tuple[Node, list[Node]]] = []
    root: Node | None = None
    while root is None:
        event: Any = events.get_event()
        node: Node | None = None
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node, items = stack.pop()
            if isinstance(node, MappingNode):
                node.value = list(zip(items[::2], items[1::2], strict=True))
            else:
                node.value = items
            node.end_mark = event.end_mark
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _located(path, f"found undefined alias {event.anchor!r}", event.start_mark)
            node = anchors[event.anchor]
        else:
            if event.anchor is not None and event.anchor in anchors:
                raise _located(path, f"found duplicate anchor {event.anchor!r}", event.start_mark)
            if isinstance(event, yaml.ScalarEvent):
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
                # libyaml's events carry marks of its own type, which nodes accept all the same.
                start: Any = event.start_mark
                end: Any = event.end_mark
                node = ScalarNode(tag, event.value, start, end, event.style)
            else:
                if len(stack) >= limits.max_depth:
                    raise _located(path, _too_deep(limits), event.start_mark)
                kind = SequenceNode if isinstance(event, yaml.SequenceStartEvent) else MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _RESOLVER.resolve(kind, None, event.implicit)
                collection = kind(tag, [], event.start_mark, None, event.flow_style)
                if event.anchor is not None:
                    anchors[event.anchor] = collection
                stack.append((collection, []))
                continue
            if event.anchor is not None:
                anchors[event.anchor] = node
        if stack:
            stack[-1][1].append(node)
        else:
            root = node
    events.get_event()  # DocumentEndEvent
    if not events.check_event(yaml.StreamEndEvent):
        raise _located(
            path, "malformed YAML: expected a single document", events.get_event().start_mark
        )
    return root


def _too_deep(limits: SpecLimits) -> str:
    return f"nesting deeper than {limits.max_depth} levels (--max-depth)"


def _events(text: str, limits: SpecLimits) -> Any:
    """An event parser for ``text``: libyaml's, unless a line nests flow collections too deep.

    Before libyaml hands over an event it may scan up to 1024 characters of the line ahead (a
    possible implicit key), and it refuses flow nesting past its own limit while doing so. Such a
    line goes to the pure-Python parser, which has no limit of its own, so that specgen's applies.
    """
    if _Events is not _PyEvents and ("[" in text or "{" in text):
        most = limits.max_depth
        for line in text.splitlines():
            if line.count("[") + line.count("{") > most and _flow_depth(line) > most:
                return _PyEvents(text)
    return _Events(text)


def _flow_depth(line: str) -> int:
    """How deep brackets nest on ``line`` (quotes ignored: an over-estimate is harmless here)."""
    depth = deepest = 0
    for char in line:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _located(path: Path, message: str, mark: Any) -> LoadError:
    return LoadError(message, path, mark.line + 1, mark.column + 1)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: str) -> str | None:
    """``value`` with escaped surrogate pairs joined into characters; None if a lone one is left.

    ``"\\ud83d\\ude00"`` is how JSON (and PyYAML's pure-Python reader) spells one emoji; a lone
    surrogate is no character at all, and could not be written out as UTF-8.
    """
    if value.isascii() or _SURROGATE.search(value) is None:
        return value
    joined = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if "\ufffd" in joined and "\ufffd" not in value:
        return None
    return joined


def _number(text: str) -> int | float | None:
    """The JSON number ``text`` spells; None when no 64-bit float (or Python int) holds it."""
    try:
        if "." in text or "e" in text or "E" in text:
            value = float(text)
            return value if math.isfinite(value) else None
        return int(text)
    except ValueError:  # an integer of more than 4300 digits
        return None


def _out_of_range(text: str) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"number {shown} is out of range: no JSON number specgen writes could hold it"


class _Builder:
    """Turns a composed node graph into JSON data, recording positions as it goes."""

    def __init__(self, path: Path, limits: SpecLimits) -> None:
        self.path = path
        self.limits = limits
        self.positions: dict[str, Position] = {}

    def error(self, message: str, node: Node) -> LoadError:
        return _located(self.path, message, node.start_mark)

    def check_expansion(self, root: Node) -> None:
        """Fail before building when aliases would expand the file beyond reason.

        Each node's expanded size (values, and bytes of scalar text) is computed once; what aliases
        add is the expanded total minus what is written once in the file.
        """
        limits = self.limits
        sizes: dict[int, tuple[int, int]] = {}
        written_values = written_bytes = 0
        on_stack: set[int] = set()

        def size(node: Node, depth: int) -> tuple[int, int]:
            nonlocal written_values, written_bytes
            key = id(node)
            if key in sizes:
                return sizes[key]
            if key in on_stack:
                raise self.error("recursive alias: a node contains itself", node)
            if depth > limits.max_depth:
                raise self.error(_too_deep(limits), node)
            values, size_bytes = 1, 0
            if isinstance(node, ScalarNode):
                text = node.value
                size_bytes = len(text) if text.isascii() else len(text.encode("utf-8", "replace"))
            written_values += 1
            written_bytes += size_bytes
            if isinstance(node, (SequenceNode, MappingNode)):
                on_stack.add(key)
                children = (
                    node.value
                    if isinstance(node, SequenceNode)
                    else [v for _, v in node.value] + [k for k, _ in node.value]
                )
                for child in children:
                    child_values, child_bytes = size(child, depth + 1)
                    values += child_values
                    size_bytes += child_bytes
                    if values - written_values > limits.max_alias_values:
                        raise self.error(
                            f"aliases expand to more than {limits.max_alias_values} extra values"
                            " (a YAML bomb?); refusing to load (--max-alias-values)",
                            child,
                        )
                    if size_bytes - written_bytes > limits.max_alias_bytes:
                        raise self.error(
                            f"aliases expand to more than {limits.max_alias_bytes} extra bytes"
                            " of text (a YAML bomb?); refusing to load (--max-alias-bytes)",
                            child,
                        )
                on_stack.discard(key)
            sizes[key] = (values, size_bytes)
            return values, size_bytes

        size(root, 0)

    def build(self, node: Node, pointer: str, depth: int, key: Node | None = None) -> Any:
        # A member is located at its key: that is where a reader looks for `pattern:` or `id:`, and
        # an aliased value would otherwise point back at its anchor, somewhere else in the file.
        mark = (key or node).start_mark
        self.positions[pointer] = Position(mark.line + 1, mark.column + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                raise self.error(f"unsupported tag {node.tag!r}", node)
            return [
                self.build(item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(node.value)
            ]
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                raise self.error(f"unsupported tag {node.tag!r}", node)
            return self.mapping(node, pointer, depth)
        raise self.error(f"unsupported YAML node {type(node).__name__}", node)

    def mapping(self, node: MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        # Merged mappings go in first so that explicit keys (and their positions) override them,
        # as YAML's merge-key rules say.
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise self.error(
                            "a merge key '<<' takes a mapping or list of mappings", source
                        )
                    for key, value in self.mapping(source, pointer, depth + 1).items():
                        result.setdefault(key, value)
        explicit: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.key(key_node)
            if key in explicit:
                raise self.error(f"duplicate key {key!r}", key_node)
            explicit.add(key)
            result[key] = self.build(value_node, jp.join(pointer, key), depth + 1, key_node)
        return result

    def key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise self.error("mapping keys must be strings, not collections", node)
        # Unquoted `200:` keys are common in specs: keep the text the author wrote.
        key = _text(str(node.value))
        if key is None:
            raise self.error("a lone surrogate escape (\\ud800-\\udfff) is not a character", node)
        return key

    def scalar(self, node: ScalarNode) -> Any:
        text = node.value
        tag = node.tag
        if tag == _STR:
            value = _text(text)
            if value is None:
                raise self.error(
                    "a lone surrogate escape (\\ud800-\\udfff) is not a character", node
                )
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag == _INT:
            try:
                if text.startswith("0o"):
                    return int(text[2:], 8)
                if text.startswith("0x"):
                    return int(text[2:], 16)
                return int(text)
            except ValueError:
                raise self.error(_out_of_range(text), node) from None
        if tag == _FLOAT:
            if text.lower().lstrip("+-") in (".inf", ".nan"):
                raise self.error(f"{text!r} has no JSON representation", node)
            number = _number(text if any(c in text for c in ".eE") else text + ".0")
            if number is None:
                raise self.error(_out_of_range(text), node)
            return number
        raise self.error(f"unsupported tag {tag!r}: specs hold JSON values only", node)


#: The json module's string decoder (its C version when built), not in its public API's type stubs.
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_JSON_WORDS = {"true": True, "false": False, "null": None}


class _JSONParser:
    """RFC 8259 JSON into data and positions, iteratively, under the same limits as YAML.

    Strings are decoded by the json module's own (C) scanner; everything else is a small loop over
    the text, so every value's line and column is known and nesting never touches Python's stack.
    """

    def __init__(self, text: str, path: Path, limits: SpecLimits) -> None:
        self.text = text
        self.path = path
        self.limits = limits
        self.positions: dict[str, Position] = {}
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._pending_key = ""

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self._line_starts, index)
        return Position(line, index - self._line_starts[line - 1] + 1)

    def error(self, message: str, index: int) -> LoadError:
        where = self.position(min(index, len(self.text)))
        return LoadError(f"malformed JSON: {message}", self.path, where.line, where.col)

    def parse(self) -> Document:
        text = self.text
        index = _JSON_SPACE.match(text, 0).end()  # type: ignore[union-attr]
        if index == len(text):
            raise LoadError("empty file, expected a YAML or JSON document", self.path, 1, 1)
        # Open containers: (container, its pointer, the keys seen, or None for an array).
        stack: list[tuple[Any, str, set[str] | None]] = []
        root: Any = None
        pointer, located_at = "", index
        expect_value = True
        while True:
            index = _JSON_SPACE.match(text, index).end()  # type: ignore[union-attr]
            if expect_value:
                self.positions[pointer] = self.position(located_at)
                char = text[index : index + 1]
                value: Any
                if char in ("{", "["):
                    if len(stack) >= self.limits.max_depth:
                        where = self.position(index)
                        raise LoadError(_too_deep(self.limits), self.path, where.line, where.col)
                    value = {} if char == "{" else []
                    self._attach(stack, value)
                    if not stack:
                        root = value
                    stack.append((value, pointer, set() if char == "{" else None))
                    index = _JSON_SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
                    closing = "}" if char == "{" else "]"
                    if text[index : index + 1] == closing:
                        stack.pop()
                        index += 1
                        expect_value = False
                        continue
                    if char == "{":
                        pointer, located_at, index = self._key(stack, index)
                    else:
                        pointer, located_at = f"{pointer}/0", index
                    continue
                if char == '"':
                    value, index = self._string(index)
                elif (number := _JSON_NUMBER.match(text, index)) is not None:
                    value = _number(number.group())
                    if value is None:
                        where = self.position(index)
                        raise LoadError(
                            _out_of_range(number.group()), self.path, where.line, where.col
                        )
                    index = number.end()
                else:
                    word = next((w for w in _JSON_WORDS if text.startswith(w, index)), None)
                    if word is None:
                        raise self.error("expected a value", index)
                    value, index = _JSON_WORDS[word], index + len(word)
                if not stack:
                    root = value
                self._attach(stack, value)
                expect_value = False
                continue
            if not stack:
                if index != len(text):
                    raise self.error("extra data after the document", index)
                return Document(path=self.path, data=root, positions=self.positions)
            container, container_pointer, keys = stack[-1]
            char = text[index : index + 1]
            if char == ",":
                index = _JSON_SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
                if keys is not None:
                    pointer, located_at, index = self._key(stack, index)
                else:
                    pointer, located_at = f"{container_pointer}/{len(container)}", index
                expect_value = True
            elif char == ("}" if keys is not None else "]"):
                stack.pop()
                index += 1
            else:
                raise self.error(
                    "expected ',' or '}'" if keys is not None else "expected ',' or ']'", index
                )

    def _key(
        self, stack: list[tuple[Any, str, set[str] | None]], index: int
    ) -> tuple[str, int, int]:
        """Read ``"key":`` at ``index``: (the member's pointer, where it is located, the index after)."""
        if self.text[index : index + 1] != '"':
            raise self.error("expected a string key in double quotes", index)
        key, after = self._string(index)
        _, container_pointer, keys = stack[-1]
        assert keys is not None
        if key in keys:
            where = self.position(index)
            raise LoadError(f"duplicate key {key!r}", self.path, where.line, where.col)
        keys.add(key)
        after = _JSON_SPACE.match(self.text, after).end()  # type: ignore[union-attr]
        if self.text[after : after + 1] != ":":
            raise self.error("expected ':' after a key", after)
        # The value's place is only known once it is attached: remember the key for it.
        self._pending_key = key
        return jp.join(container_pointer, key), index, after + 1

    def _string(self, index: int) -> tuple[str, int]:
        try:
            value, end = _scanstring(self.text, index + 1, True)
        except JSONDecodeError as exc:
            # The json module's messages end "... at" or "starting at", for a position it appends.
            reason = exc.msg.removesuffix(" at").removesuffix(" starting").lower()
            raise self.error(reason, exc.pos) from None
        joined = _text(value)
        if joined is None:
            where = self.position(index)
            raise LoadError(
                "a lone surrogate escape (\\ud800-\\udfff) is not a character",
                self.path,
                where.line,
                where.col,
            )
        return joined, end

    def _attach(self, stack: list[tuple[Any, str, set[str] | None]], value: Any) -> None:
        if not stack:
            return
        container, _, keys = stack[-1]
        if keys is None:
            container.append(value)
        else:
            container[self._pending_key] = value
