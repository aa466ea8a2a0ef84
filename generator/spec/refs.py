"""A spec and every local file it references, with ``$ref`` resolution jailed to the spec's folder.

A ``$ref`` may point into the same file (``#/components/schemas/Job``) or into another file beside the
spec (``schemas/job.yaml#/Job``). Anything else, a URL or a path that leaves the spec's folder, is
refused: validating a spec must never read the network or files the user did not hand over.
Problems are collected as findings (rules ``ref-remote``, ``ref-outside``, ``ref-resolves``) so
validation can report every one of them, with its location, in one run.
:func:`generator.spec.reading.load_spec` builds a :class:`LoadedSpec` by following every ``$ref``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from generator.errors import LoadError, display_path
from generator.spec import pointer as jp
from generator.spec.document import Document, Position
from generator.spec.findings import Finding, Severity
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.loading import load_document

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: How many ``$ref`` hops :meth:`LoadedSpec.deref` follows before calling it a loop.
_MAX_HOPS = 64


class RefError(Exception):
    """A ``$ref`` that cannot be followed; ``rule`` names the lint rule it breaks."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


@dataclass(frozen=True)
class Ref:
    """A ``$ref`` as written: the document holding it, the pointer of its object, and its text."""

    document: Document
    pointer: str
    value: str


#: A :class:`Target` whose value is looked up when asked for.
_UNKNOWN: Any = object()


@dataclass(frozen=True)
class Target:
    """Where a ``$ref`` lands: a document and a pointer into it."""

    document: Document
    pointer: str
    #: The value there, when whoever made the target had it at hand: walks that step from a value
    #: to its members need not follow each pointer again from the top of the document.
    known: Any = field(default=_UNKNOWN, compare=False, repr=False)

    @property
    def value(self) -> Any:
        if self.known is not _UNKNOWN:
            return self.known
        return jp.resolve(self.document.data, self.pointer)


class LoadedSpec:
    """The root document of a spec, every document it references, and the problems met on the way."""

    def __init__(self, root: Document, limits: SpecLimits = DEFAULT_LIMITS) -> None:
        self.root = root
        self.limits = limits
        self.folder = root.path.resolve().parent
        self.documents: dict[Path, Document] = {root.path.resolve(): root}
        self.refs: list[Ref] = []
        self.problems: list[Finding] = []
        #: Every file a ``$ref`` has named so far, as named (links not followed), loaded or not.
        self.named_files: set[Path] = set()
        #: The SHA-256 of every file read so far, by real path: what the results were made from.
        self.digests: dict[Path, str] = {}
        self._unloadable: dict[Path, str] = {}
        self._uris: dict[int, str] = {}
        self._by_uri: dict[str, Document] = {}

    @property
    def data(self) -> dict[str, Any]:
        """The root document's data (a mapping once the spec passed structural validation)."""
        data = self.root.data
        return data if isinstance(data, dict) else {}

    @property
    def name(self) -> str:
        """The spec's name: its file name without extension (``specs/anon.yaml`` is ``anon``)."""
        return self.root.path.stem

    def uri(self, document: Document) -> str:
        """The ``file:`` URI that identifies ``document`` to JSON Schema and OpenAPI tooling."""
        uri = self._uris.get(id(document))
        if uri is None:
            uri = self._uris[id(document)] = document.path.resolve().as_uri()
        return uri

    def document_for_uri(self, uri: str) -> Document:
        """The loaded document behind a ``file:`` URI; refuses anything not loaded already."""
        known = self._by_uri.get(uri)
        if known is not None:
            return known
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise RefError("ref-remote", f"refusing to fetch {uri!r}")
        document = self.documents.get(Path(url2pathname(parts.path)).resolve())
        if document is not None:
            self._by_uri[uri] = document
        if document is None:
            raise RefError("ref-resolves", f"{uri!r} is not part of this spec")
        return document

    def resolve(self, document: Document, ref: str) -> Target:
        """Where ``ref``, written in ``document``, points; raises :class:`RefError`."""
        if _SCHEME.match(ref) or ref.startswith("//"):
            raise RefError(
                "ref-remote", f"remote $ref {ref!r} is refused: only local files are read"
            )
        file_part, _, fragment = ref.partition("#")
        target_doc = document
        if file_part:
            name = unquote(file_part)
            if "\x00" in name:
                raise RefError("ref-resolves", f"$ref {ref!r} names no file: it holds a NUL byte")
            try:
                named = document.path.resolve().parent / name
                # Kept before anything is read, so a cache sees every file a result depends on.
                self.named_files.add(named)
                path = named.resolve()
            except (OSError, ValueError) as exc:
                raise RefError("ref-resolves", f"$ref {ref!r} names no file: {exc}") from None
            if not path.is_relative_to(self.folder):
                raise RefError(
                    "ref-outside",
                    f"$ref {ref!r} leaves the spec's folder {display_path(self.folder)}",
                )
            target_doc = self._document(path, ref)
        if fragment and not fragment.startswith("/"):
            raise RefError(
                "ref-resolves", f"$ref {ref!r}: only JSON pointer fragments ('#/...') are supported"
            )
        pointer = jp.from_fragment(fragment)
        try:
            value = jp.resolve(target_doc.data, pointer)
        except LookupError as exc:
            where = display_path(target_doc.path)
            raise RefError(
                "ref-resolves", f"$ref {ref!r} does not resolve in {where}: {exc}"
            ) from None
        return Target(target_doc, pointer, value)

    def deref(self, document: Document, pointer: str) -> Target:
        """Follow ``$ref`` objects starting at ``pointer`` until a value that is not a reference."""
        return self.follow(Target(document, pointer))

    def follow(self, target: Target) -> Target:
        """:meth:`deref` from ``target``; the target returned knows its value."""
        start = target.pointer
        for _ in range(_MAX_HOPS):
            value = target.value
            if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
                return Target(target.document, target.pointer, value)
            target = self.resolve(target.document, value["$ref"])
        raise RefError("ref-resolves", f"more than {_MAX_HOPS} $ref hops from {start!r}: a loop?")

    def location(self, document: Document, pointer: str) -> Position:
        """Line and column of ``pointer`` in ``document``."""
        return document.position(pointer)

    def finding(
        self, rule: str, severity: Severity, message: str, document: Document, pointer: str
    ) -> Finding:
        """A finding located at ``pointer`` in ``document``."""
        pos = document.position(pointer)
        return Finding(rule, severity, message, document.path, pointer, pos.line, pos.col)

    def _document(self, path: Path, ref: str) -> Document:
        known = self.documents.get(path)
        if known is not None:
            return known
        if path in self._unloadable:
            raise RefError("ref-resolves", f"$ref {ref!r}: {self._unloadable[path]}")
        try:
            loaded = load_document(path, self.limits, self.digests)
        except LoadError as exc:
            self._unloadable[path] = str(exc)
            raise RefError("ref-resolves", f"$ref {ref!r}: {exc}") from None
        self.documents[path] = loaded
        return loaded
