"""Compiled validators for the schemas of a spec, with JSON Schema 2020-12 semantics.

Every spec document is registered once with jsonschema-rs under its ``file:`` URI, so ``$ref``s between
schemas and files resolve without copying anything, and each schema is compiled once, on first use.
A violation names where it is in the payload (a JSON pointer), which keyword it broke, and where that
keyword is written in the spec (file, line and column), so a reader can go straight to both.
A failed ``oneOf`` or ``anyOf`` is explained by the branch meant (see :mod:`generator.spec.unions`):
its violation names the branch, and that branch's own violations follow it.
``validate`` checks a spec's examples with them and ``check`` recorded payloads.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jsonschema_rs
import regex
import regress

from generator.spec import pointer as jp
from generator.spec.dialect import is_openapi_30, oas30_to_2020_12
from generator.spec.directions import HIDING, directed
from generator.spec.document import Document
from generator.spec.refs import LoadedSpec, RefError
from generator.spec.unions import (
    MAX_DEPTH,
    UNION_KINDS,
    UnionSchema,
    choose,
    read_union,
    summary,
    value_at,
)

#: Backtracking steps a ``pattern`` may take on one value before it is reported as not checked.
#: Patterns the regex crate runs (no look-around, no back-reference) are linear whatever this is;
#: the others run on fancy-regex's backtracking engine, whose work per value is bounded by about
#: this many steps times the value's length.
DEFAULT_REGEX_LIMIT = 1000
#: Violations listed per payload; the rest are counted (see :class:`ViolationList`).
DEFAULT_MAX_VIOLATIONS = 100
#: Payloads with more values than this get their first violation only: jsonschema-rs builds every
#: violation before handing over the first, about 2 KB each, so an array of a million failing items
#: would take gigabytes.
LISTED_VALUES = 20_000

#: Characters left as they are in a JSON pointer used as a URI fragment.
_FRAGMENT_SAFE = "/~!$&'()*+,;=:@-._"


class ConformanceError(Exception):
    """The question cannot be asked: unknown operation, undeclared status or media type, bad schema."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        #: The message without the operation and status it is about, for callers that name those
        #: themselves (the checker's reports).
        self.detail = message if detail is None else detail

    def __reduce__(self) -> tuple[type[ConformanceError], tuple[Any, ...]]:
        # Rebuilt from its parts, not its message alone, when it crosses to another process.
        return (type(self), (str(self), self.detail))


@dataclass(frozen=True)
class Violation:
    """One way a payload breaks its schema."""

    #: JSON pointer into the payload ("" is the payload itself).
    instance_pointer: str
    #: The JSON Schema keyword that failed, e.g. ``type``, ``format``, ``required``, ``pattern``.
    keyword: str
    message: str
    #: The spec file holding the keyword, and the keyword's JSON pointer and position there.
    schema_path: Path
    schema_pointer: str
    line: int
    col: int
    #: True when the keyword could not be decided within the limits (a ``pattern`` that needs more
    #: backtracking than the regex limit allows): neither a pass nor a proven violation.
    unchecked: bool = False
    #: For a violation explaining a failed union, the branch it was found in, e.g. ``oneOf/1``
    #: (``oneOf/1 > anyOf/0`` when nested); it follows the union's own violation, and its message
    #: starts with ``in oneOf/1:``. Empty for the payload's own violations.
    within: str = ""
    #: Positions in ``instance_pointer``'s segments of map keys: property names that
    #: ``additionalProperties``, ``patternProperties`` or ``unevaluatedProperties`` describe (a
    #: baseline folds them, as it folds array indices).
    map_keys: tuple[int, ...] = ()

    def __str__(self) -> str:
        where = self.instance_pointer or "(root)"
        return (
            f"{where}: {self.message} [{self.keyword} at {self.schema_path}:{self.line}:{self.col}]"
        )


class ViolationList(list[Violation]):
    """Violations of one payload, at most a limit of them; :attr:`more` counts the rest.

    ``more`` is -1 when the rest could not be counted: the payload was too large to list every
    violation (over :data:`LISTED_VALUES` values), so only the first is listed.
    """

    more: int = 0

    @property
    def truncated(self) -> bool:
        """Whether violations exist beyond those listed."""
        return self.more != 0


class SchemaValidators:
    """Compiled validators for the schemas of one spec; each schema is compiled on first use, once.

    Without ``keep``, none is kept: for a caller that asks about each schema about once (``validate``
    checks each example), since thousands of compiled validators, each holding every schema it
    references, cost more memory than the spec itself.

    With a ``direction`` ("request" or "response"), schemas are read as that side of an exchange
    sees them (see :mod:`generator.spec.directions`): a ``readOnly`` property is neither required
    in a request nor allowed in one, a ``writeOnly`` one likewise in a response. Without one they
    are read as written (an example may show every property).
    """

    def __init__(
        self,
        spec: LoadedSpec,
        regex_limit: int = DEFAULT_REGEX_LIMIT,
        *,
        keep: bool = True,
        direction: str | None = None,
    ) -> None:
        self.spec = spec
        self.regex_limit = regex_limit
        self.direction = direction
        #: Whether violations say which pointer segments are map keys (see Violation.map_keys):
        #: off unless asked, as finding them walks each violation's evaluation path.
        self.map_keys = False
        self._keep = keep
        self._pattern_options = jsonschema_rs.FancyRegexOptions(backtrack_limit=regex_limit)
        convert = is_openapi_30(spec.root.data)
        resources = []
        #: (document URI, property pointer) -> pointer of the keyword that hid the property.
        self._hidden: dict[tuple[str, str], str] = {}
        for doc in spec.documents.values():
            data = oas30_to_2020_12(doc.data) if convert else doc.data
            if direction is not None:
                data, hidden = directed(data, direction)
                self._hidden.update(
                    ((spec.uri(doc), pointer), mark) for pointer, mark in hidden.items()
                )
            resources.append((spec.uri(doc), data))
        self._registry = jsonschema_rs.Registry(resources)
        self._compiled: dict[tuple[str, str], Any] = {}
        # (file, pointer) of a oneOf/anyOf keyword -> the union as written there.
        self._unions: dict[tuple[Path, str], UnionSchema] = {}
        # Where each keyword that failed is written: the same few are looked up for every
        # failing payload, and finding one parses a URI and a pointer.
        self._located: dict[str, _Located] = {}

    def validator(self, document: Document, pointer: str) -> Any:
        """The compiled validator of the schema at ``pointer`` in ``document``.

        Raises :class:`ConformanceError` when the schema itself is broken (e.g. a bad regex).
        """
        key = (self.spec.uri(document), pointer)
        compiled = self._compiled.get(key)
        if compiled is None:
            ref = f"{key[0]}#{quote(pointer, safe=_FRAGMENT_SAFE)}"
            try:
                compiled = jsonschema_rs.validator_for(
                    {"$ref": ref},
                    registry=self._registry,
                    validate_formats=True,
                    pattern_options=self._pattern_options,
                )
            except (
                jsonschema_rs.ValidationError,
                jsonschema_rs.ReferencingError,
                ValueError,
            ) as exc:
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                raise ConformanceError(
                    f"schema at {pointer} cannot be compiled: {first_line}"
                ) from None
            if self._keep:
                self._compiled[key] = compiled
        return compiled

    def is_valid(self, document: Document, pointer: str, instance: Any) -> bool:
        """Whether ``instance`` fits the schema; the fast path when reasons are not needed.

        Raises :class:`ConformanceError` when the instance nests too deeply to be checked.
        """
        validator = self.validator(document, pointer)
        try:
            return bool(validator.is_valid(instance))
        except (ValueError, RecursionError) as exc:
            raise too_deep(exc) from None

    def violations(
        self,
        document: Document,
        pointer: str,
        instance: Any,
        limit: int = DEFAULT_MAX_VIOLATIONS,
        *,
        known_invalid: bool = False,
        values_at_most: int | None = None,
    ) -> ViolationList:
        """The ways ``instance`` breaks the schema at ``pointer`` in ``document`` (empty if none).

        At most ``limit`` are listed (see :class:`ViolationList` for the rest); a ``pattern`` that
        exceeds the regex limit is a violation with ``unchecked`` set. A failed ``oneOf``/``anyOf``
        is followed by the violations of the branch that explains it (see :class:`Violation`'s
        ``within``), counted against ``limit`` like any other. ``known_invalid`` skips the
        validity pre-check when the caller has just made it; ``values_at_most``, a bound the caller
        knows on how many values the instance holds (see :func:`values_bound`), spares counting
        them. Raises :class:`ConformanceError` when the instance nests too deeply to be checked.
        """
        validator = self.validator(document, pointer)
        found = ViolationList()
        try:
            if not known_invalid and validator.is_valid(instance):
                return found
            if (values_at_most is None or values_at_most > LISTED_VALUES) and count_values(
                instance, LISTED_VALUES + 1
            ) > LISTED_VALUES:
                try:
                    validator.validate(instance)
                except jsonschema_rs.ValidationError as error:
                    self._add(found, 1, error, document, instance)
                found.more = -1
                return found
            for item in validator.iter_errors(instance):
                if len(found) < limit:
                    self._add(found, limit, item, document, instance)
                else:
                    found.more += 1
        except (ValueError, RecursionError) as exc:
            raise too_deep(exc) from None
        return found

    def _add(
        self,
        found: ViolationList,
        limit: int,
        error: Any,
        fallback: Document,
        instance: Any,
        depth: int = 0,
        within: str = "",
    ) -> None:
        """Add ``error`` to ``found`` (which has room for it), explained if it is a failed union."""
        kind = error.kind
        if not isinstance(kind, UNION_KINDS):
            found.append(self._violation(error, fallback, kind, within=within))
            return
        location = self._keyword_location(error, fallback)
        key = (location[0].path, location[1])
        union = self._unions.get(key)
        if union is None:
            union = self._unions[key] = read_union(self.spec, *location)
        context = kind.context or []
        if depth >= MAX_DEPTH or not context:
            message = summary(union.keyword, kind, len(context))
            found.append(self._violation(error, fallback, kind, message, within, location))
            return
        path = error.instance_path
        choice = choose(union, kind, value_at(instance, path), len(path), context)
        found.append(self._violation(error, fallback, kind, choice.message, within, location))
        if choice.index is None:
            return
        branch = f"{union.keyword}/{choice.index}"
        inner = f"{within} > {branch}" if within else branch
        errors = context[choice.index]
        for listed, sub in enumerate(errors):
            if len(found) >= limit:
                found.more += len(errors) - listed
                return
            self._add(found, limit, sub, fallback, instance, depth + 1, inner)

    def _located_at(self, document: Document, pointer: str) -> _Located:
        """Where the keyword at ``pointer`` is shown: its file, pointer, name, line and column."""
        tokens = jp.split(pointer)
        keyword = tokens[-1] if tokens else "$ref"
        shown, hidden = pointer, None
        mark = self._hidden.get((self.spec.uri(document), pointer)) if self._hidden else None
        if mark is not None and self.direction is not None:
            # A property the direction hides: the ``false`` schema it became is not what the spec
            # says; its readOnly/writeOnly keyword is.
            keyword = HIDING[self.direction]
            shown = mark
            hidden = f"{tokens[-1]!r} is {keyword}: a {self.direction} must not send it"
        position = document.position(shown)
        return (document.path, shown, keyword, position.line, position.col, hidden)

    def _keyword_location(self, error: Any, fallback: Document) -> tuple[Document, str]:
        """The document and JSON pointer of the keyword ``error`` broke, ``$ref``s followed."""
        keyword_doc, keyword_pointer = fallback, jp.from_parts(error.schema_path)
        location = error.absolute_keyword_location
        if location:
            parts = urlsplit(location)
            try:
                keyword_doc = self.spec.document_for_uri(location.split("#", 1)[0])
                keyword_pointer = jp.from_fragment(parts.fragment)
            except RefError:
                pass
        return keyword_doc, keyword_pointer

    def _violation(
        self,
        error: Any,
        fallback: Document,
        kind: Any,
        message: str | None = None,
        within: str = "",
        location: tuple[Document, str] | None = None,
    ) -> Violation:
        if location is not None:
            located = self._located_at(*location)
        else:
            key = error.absolute_keyword_location
            known = self._located.get(key) if key else None
            if known is None:
                known = self._located_at(*self._keyword_location(error, fallback))
                if key and len(self._located) < _LOCATED_KEPT:
                    self._located[key] = known
            located = known
        schema_path, keyword_pointer, keyword, line, col, hidden = located
        unchecked = isinstance(
            kind,
            (
                jsonschema_rs.ValidationErrorKind.BacktrackLimitExceeded,
                jsonschema_rs.ValidationErrorKind.RegexEngineFailure,
            ),
        )
        if unchecked:
            message = (
                f"not checked: the pattern needs more than {self.regex_limit:,} backtracking"
                " steps on this value (the regex limit)"
            )
        elif hidden is not None:
            message = hidden
        elif message is None:
            message = error.message
        if within:
            message = f"in {within}: {message}"
        path = error.instance_path
        return Violation(
            instance_pointer=jp.from_parts(path) if path else "",
            map_keys=map_keys(error.evaluation_path, len(path)) if path and self.map_keys else (),
            keyword=keyword,
            message=message,
            schema_path=schema_path,
            schema_pointer=keyword_pointer,
            line=line,
            col=col,
            unchecked=unchecked,
            within=within,
        )


#: A failed keyword's spec file, pointer, name, line and column, and the message that replaces the
#: engine's when the keyword is a property a direction hides (see ``SchemaValidators._located_at``).
_Located = tuple[Path, str, str, int, int, str | None]
#: Keyword locations remembered per spec: a spec has finitely many, but a huge one is not kept whole.
_LOCATED_KEPT = 65_536


def values_bound(text: bytes | str) -> int:
    """An upper bound on how many JSON values the JSON ``text`` holds, from its punctuation alone.

    Every value but the first follows a ``,``, a ``:`` or a ``[``; string contents only raise the
    bound. Counting characters runs in C, where walking the parsed value runs in Python.
    """
    if isinstance(text, str):
        return 1 + text.count(",") + text.count(":") + text.count("[")
    return 1 + text.count(b",") + text.count(b":") + text.count(b"[")


#: Keywords whose subschema applies to one member of the instance: the member is named by the
#: keyword's argument in the path (``properties/<name>``) or is any member (``additionalProperties``).
_MEMBER_BY_NAME = frozenset({"properties", "patternProperties", "prefixItems"})
_ANY_MEMBER = frozenset(
    {"additionalProperties", "unevaluatedProperties", "items", "additionalItems"}
    | {"unevaluatedItems", "contains"}
)
#: Members applying to those of a map: the instance segment they consume is a map key.
_MAP_KEYWORDS = frozenset({"patternProperties", "additionalProperties", "unevaluatedProperties"})
#: Keywords whose subschemas apply to the instance itself, named by an argument (``allOf/0``).
_IN_PLACE_BY_NAME = frozenset({"allOf", "anyOf", "oneOf", "dependentSchemas", "$defs"})


def map_keys(evaluation_path: Any, depth: int) -> tuple[int, ...]:
    """The positions (1 is the first) of the instance pointer's segments that are map keys.

    Follows the evaluation path (``properties/items/items/$ref/additionalProperties/...``) keyword
    by keyword, each step into a member of the instance consuming one instance segment. When the
    path does not account for exactly ``depth`` segments (a keyword this does not know), it says
    nothing rather than guess.
    """
    tokens = [str(token) for token in evaluation_path][:-1]  # the last is the failing keyword
    found: list[int] = []
    consumed = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in _MEMBER_BY_NAME or token in _ANY_MEMBER:
            consumed += 1
            if token in _MAP_KEYWORDS:
                found.append(consumed)
            index += 2 if token in _MEMBER_BY_NAME else 1
        else:
            index += 2 if token in _IN_PLACE_BY_NAME else 1
    return tuple(found) if consumed == depth else ()


@functools.lru_cache(maxsize=4096)
def ecma_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not an ECMA-262 regular expression, the dialect OpenAPI names; None if it is.

    Judged by regress (a Rust ECMA-262 engine), with the ``u`` flag or without it, where Annex B's
    web-compatible syntax (an unescaped ``}``, ``\\_``) is also valid.
    """
    try:
        regress.Regex(pattern)
        return None
    except (regress.RegressError, ValueError) as exc:
        plain = str(exc) or type(exc).__name__
    try:
        regress.Regex(pattern, "u")
        return None
    except (regress.RegressError, ValueError):
        return plain


@functools.lru_cache(maxsize=4096)
def python_problem(pattern: str) -> str | None:
    """Why generated models cannot check ``pattern``; None if they can.

    They check it with pydantic's Rust engine, or, for what that refuses (look-arounds,
    back-references), with the ``regex`` module (see ``generator/generate/patterns.py``), which
    still refuses some ECMA-262 (``\\cJ``, ``[^]``, ``\\k<name>``).
    """
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
        return None
    except SchemaError:
        pass
    try:
        regex.compile(pattern)
        return None
    except (regex.error, ValueError, OverflowError) as exc:
        return str(exc) or type(exc).__name__


@functools.lru_cache(maxsize=4096)
def payload_problem(pattern: str) -> str | None:
    """Why jsonschema-rs, which checks examples and recorded payloads, cannot compile ``pattern``."""
    options = jsonschema_rs.FancyRegexOptions(backtrack_limit=DEFAULT_REGEX_LIMIT)
    try:
        jsonschema_rs.validator_for({"pattern": pattern}, pattern_options=options)
        return None
    except (jsonschema_rs.ValidationError, ValueError) as exc:
        text = str(exc).strip()
        return text.splitlines()[0] if text else type(exc).__name__


def count_values(instance: Any, stop: int) -> int:
    """How many JSON values ``instance`` holds (itself included), counting no further than ``stop``."""
    count = 0
    stack = [instance]
    while stack and count < stop:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def too_deep(exc: BaseException) -> ConformanceError:
    """The error for an instance a compiled validator refused to walk for its depth."""
    # jsonschema-rs refuses instances nested past its own recursion limit with a ValueError; say
    # what it means for the payload rather than repeating the engine's words.
    return ConformanceError(f"the payload nests too deeply to be checked ({type(exc).__name__})")
