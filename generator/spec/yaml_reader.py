"""Read YAML into plain JSON data, keeping the line and column of every value.

Specs are data, so YAML is read the way JSON reads: YAML 1.2 core scalars (no timestamps, no
``yes``/``no`` booleans, no sexagesimal numbers), string keys only, no duplicate keys, and no tags that
would build anything but JSON values. Aliases are allowed, but the size they expand to is computed
before anything is built, so a "billion laughs" file fails at once instead of eating memory. Only the
parser's events are used: nodes are composed here, so specgen's limits apply before any parser's.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import LoadError
from generator.spec import pointer as jp
from generator.spec.document import Document, Position, PositionTable
from generator.spec.limits import SpecLimits, too_deep
from generator.spec.values import LONE_SURROGATE, json_number, out_of_range, text_value

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


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
                    raise _located(path, too_deep(limits), event.start_mark)
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


class _Builder:
    """Turns a composed node graph into JSON data, recording positions as it goes."""

    def __init__(self, path: Path, limits: SpecLimits) -> None:
        self.path = path
        self.limits = limits
        self.positions = PositionTable()

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
                raise self.error(too_deep(limits), node)
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
        key = text_value(str(node.value))
        if key is None:
            raise self.error(LONE_SURROGATE, node)
        return key

    def scalar(self, node: ScalarNode) -> Any:
        text = node.value
        tag = node.tag
        if tag == _STR:
            value = text_value(text)
            if value is None:
                raise self.error(LONE_SURROGATE, node)
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
                raise self.error(out_of_range(text), node) from None
        if tag == _FLOAT:
            if text.lower().lstrip("+-") in (".inf", ".nan"):
                raise self.error(f"{text!r} has no JSON representation", node)
            number = json_number(text if any(c in text for c in ".eE") else text + ".0")
            if number is None:
                raise self.error(out_of_range(text), node)
            return number
        raise self.error(f"unsupported tag {tag!r}: specs hold JSON values only", node)


def parse_yaml(text: str, path: Path, limits: SpecLimits) -> Document:
    """Parse YAML ``text`` that came from ``path`` (used in messages); raises :class:`LoadError`."""
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
