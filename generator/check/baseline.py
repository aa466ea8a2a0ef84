"""Baselines of known deviations: what a vendor's API is known to do against its own docs.

``specgen check --write-baseline FILE`` records every deviation of a run as an :class:`Entry`;
``specgen check --baseline FILE`` then moves the problems an entry knows from a verdict's
``problems`` to its ``known`` (see :class:`Applier`), so an exchange whose only problems are known
passes, and anything new still fails. The baseline is a stage between the checker and the
reporters, applied in the parent process, so ``--jobs N`` gives the same result.

An entry is keyed by (spec, operation, status, kind, pointer, keyword), the pointer *folded*
(:func:`fold`): every array index and every map key (a property name that ``additionalProperties``
or ``patternProperties`` describes, not one of ``properties``) becomes ``*``, so
``/items/3/log_url`` and ``/items/17/log_url`` are one entry. A ``*`` segment written into a
baseline by hand matches any one segment.
An unmatched exchange is keyed by its method alone; an unreadable record, and the notice that more
violations were left unlisted, are never known (they hide what was not checked).

The file is JSON, written sorted and indented so it reviews and diffs well, and replaced atomically.
A baseline is read as untrusted input: bounded in size, its shape checked, every fault one
:class:`~generator.errors.LoadError` naming the file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from generator.check.checker import Problem, Verdict
from generator.errors import LoadError

__all__ = ["Applier", "Baseline", "Entry", "Recorder", "fold", "read_baseline"]

#: The format of the file; a reader refuses another.
VERSION = 1
#: Largest baseline file read (bytes).
MAX_BASELINE_BYTES = 16 << 20
#: Most entries a baseline holds: a run with more distinct deviations is refused rather than written.
MAX_ENTRIES = 100_000
#: Characters of an entry's example message kept in the file.
EXAMPLE_CHARS = 200
#: Kinds that a baseline never knows: nothing was checked, so nothing can be known about it.
NEVER_KNOWN = frozenset({"unreadable"})
#: Fields of an entry in the file, in the order written; each is a string, ``status`` an integer.
_FIELDS = ("spec", "operation", "method", "status", "kind", "pointer", "keyword")


@dataclass(frozen=True, order=True)
class Entry:
    """One known deviation: where it happens and what kind it is (its identity in a baseline)."""

    #: The spec's name and the operation (as reports name it); empty for an unmatched exchange.
    spec: str = ""
    operation: str = ""
    #: The request method, for an unmatched exchange only (an operation implies its method).
    method: str = ""
    #: The response status (0 when there is none, as for an unmatched exchange).
    status: int = 0
    kind: str = ""
    #: The folded pointer: ``*`` for every array index (see :func:`fold`).
    pointer: str = ""
    keyword: str = ""

    def __str__(self) -> str:
        if self.kind == "unmatched":
            return f"unmatched {self.method}".strip()
        parts = [f"{self.spec}.{self.operation}", str(self.status), self.kind]
        return " ".join(parts + [part for part in (self.pointer, self.keyword) if part])

    def as_json(self) -> dict[str, object]:
        """The entry's fields as written to the file (empty ones left out, for reviewing)."""
        values = {name: getattr(self, name) for name in _FIELDS}
        return {name: value for name, value in values.items() if value or name == "kind"}

    def matches(self, key: Entry) -> bool:
        """Whether this entry (perhaps with ``*`` segments written by hand) covers ``key``."""
        if replace(key, pointer=self.pointer) != self:
            return False
        mine, theirs = self.pointer.split("/"), key.pointer.split("/")
        return len(mine) == len(theirs) and all(
            a == b or a == "*" for a, b in zip(mine, theirs, strict=True)
        )


def fold(pointer: str, map_keys: Collection[int] = ()) -> str:
    """``pointer`` with every array index and map key written ``*``.

    An array index is an all-digit segment; a map key is a segment at one of the ``map_keys``
    positions (1 is the first segment: the checker knows them from the schema keyword each step
    went through, ``additionalProperties`` or ``patternProperties``). A parameter's pointer starts
    with its location and name (``query/expand/1``), which are kept as they are: a query parameter
    may well be named ``2``.
    """
    if not pointer:
        return pointer
    segments = pointer.split("/")
    keep = 1 if pointer.startswith("/") else 2
    return "/".join(
        "*" if index >= keep and (segment.isdigit() or index in map_keys) else segment
        for index, segment in enumerate(segments)
    )


def is_truncation(problem: Problem) -> bool:
    """Whether ``problem`` is the checker's notice that more violations were left unlisted.

    Those are the only schema or parameter problems with neither a pointer nor a keyword. They are
    never known: the violations they count were not seen, and may be new.
    """
    return problem.kind in ("schema", "parameter") and not problem.pointer and not problem.keyword


def entry_of(verdict: Verdict, problem: Problem) -> Entry | None:
    """The baseline entry a problem of ``verdict`` falls under; None when it can never be known."""
    if problem.kind in NEVER_KNOWN or is_truncation(problem):
        return None
    if problem.kind == "unmatched" or verdict.operation is None:
        return Entry(method=verdict.method, kind=problem.kind)
    return Entry(
        verdict.spec or "",
        verdict.operation,
        "",
        verdict.status or 0,
        problem.kind,
        fold(problem.pointer, problem.map_keys),
        problem.keyword,
    )


# -- recording ----------------------------------------------------------------------------------------


@dataclass
class _Seen:
    count: int
    example: str


class Recorder:
    """Collects the deviations of a run, verdict by verdict, for :meth:`write` to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[Entry, _Seen] = {}
        self.exchanges = 0
        self.problems = 0
        #: Problems left out: unreadable records and unlisted-violation notices (never known).
        self.left_out = 0

    def add(self, verdict: Verdict) -> None:
        """Record the problems of ``verdict``."""
        recorded = False
        for problem in verdict.problems:
            entry = entry_of(verdict, problem)
            if entry is None:
                self.left_out += 1
                continue
            seen = self.entries.get(entry)
            if seen is None:
                if len(self.entries) >= MAX_ENTRIES:
                    raise LoadError(
                        f"more than {MAX_ENTRIES:,} distinct deviations: too many for a baseline"
                        " (is a map keyed by ids? see the folding rule in README)",
                        self.path,
                    )
                seen = self.entries[entry] = _Seen(0, problem.message[:EXAMPLE_CHARS])
            seen.count += 1
            self.problems += 1
            recorded = True
        self.exchanges += recorded

    def text(self) -> str:
        """The baseline file's text: JSON, entries sorted, one field a line."""
        entries = [
            {**entry.as_json(), "count": seen.count, "example": seen.example}
            for entry, seen in sorted(self.entries.items())
        ]
        document = {
            "specgen-baseline": VERSION,
            "counts": {
                "entries": len(entries),
                "problems": self.problems,
                "exchanges": self.exchanges,
            },
            "entries": entries,
        }
        return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"

    def write(self) -> None:
        """Write the baseline in one step: a temporary file beside it, renamed over it."""
        path = self.path
        text = self.text().encode("utf-8")
        folder = path.parent
        try:
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=folder
            )
        except OSError as exc:
            raise LoadError(f"cannot write the baseline: {exc.strerror}", path) from None
        try:
            with os.fdopen(descriptor, "wb") as stream:
                # As any file the user writes (mkstemp's are private): a baseline is shared.
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(stream.fileno(), 0o666 & ~umask)
                stream.write(text)
            os.replace(temporary, path)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise LoadError(f"cannot write the baseline: {exc.strerror}", path) from None


# -- reading ------------------------------------------------------------------------------------------


@dataclass
class Baseline:
    """The entries of a baseline file, indexed for matching."""

    path: Path
    entries: list[Entry]
    #: Entries without a hand-written ``*`` beyond the folding, by themselves: the fast lookup.
    exact: dict[Entry, int] = field(default_factory=dict)
    #: Entries with ``*`` segments, by their pointer-less key: the ones matched segment by segment.
    patterns: dict[Entry, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, entry in enumerate(self.entries):
            self.exact.setdefault(entry, index)
            if "*" in entry.pointer.split("/"):
                self.patterns.setdefault(replace(entry, pointer=""), []).append(index)

    def find(self, key: Entry) -> int | None:
        """The index of the entry covering ``key``, or None when the deviation is new."""
        index = self.exact.get(key)
        if index is not None:
            return index
        for candidate in self.patterns.get(replace(key, pointer=""), ()):
            if self.entries[candidate].matches(key):
                return candidate
        return None


def read_baseline(path: Path) -> Baseline:
    """The baseline in ``path``; a :class:`LoadError` naming the file says why it cannot be used."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BASELINE_BYTES + 1)
    except FileNotFoundError:
        raise LoadError("no such baseline file", path) from None
    except OSError as exc:
        raise LoadError(f"cannot read the baseline: {exc.strerror or exc}", path) from None
    if len(data) > MAX_BASELINE_BYTES:
        raise LoadError(f"baseline is larger than {MAX_BASELINE_BYTES >> 20} MiB", path)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise LoadError("baseline is not JSON (write one with --write-baseline)", path) from None
    return Baseline(path, list(_entries(document, path)))


def _entries(document: Any, path: Path) -> Iterator[Entry]:
    """The entries of a parsed baseline, each field checked; LoadError for the first fault."""
    if not isinstance(document, dict) or "specgen-baseline" not in document:
        raise LoadError('not a specgen baseline: no "specgen-baseline" version field', path)
    if document["specgen-baseline"] != VERSION:
        raise LoadError(f"unsupported baseline version (this specgen reads {VERSION})", path)
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise LoadError('baseline has no "entries" list', path)
    if len(entries) > MAX_ENTRIES:
        raise LoadError(f"baseline has more than {MAX_ENTRIES:,} entries", path)
    for number, item in enumerate(entries, 1):
        if not isinstance(item, dict):
            raise LoadError(f"entry {number} is not an object", path)
        values: dict[str, Any] = {}
        for name in _FIELDS:
            value = item.get(name, 0 if name == "status" else "")
            wanted = int if name == "status" else str
            if type(value) is not wanted:
                kind = "an integer" if wanted is int else "a string"
                raise LoadError(f"entry {number}: {name!r} must be {kind}", path)
            values[name] = value
        if not values["kind"]:
            raise LoadError(f"entry {number}: 'kind' is missing", path)
        yield Entry(**values)


# -- applying -----------------------------------------------------------------------------------------


class Applier:
    """Applies a baseline to a stream of verdicts: known problems move to ``known``."""

    def __init__(self, baseline: Baseline) -> None:
        self.baseline = baseline
        self.used = [False] * len(baseline.entries)

    def apply(self, verdicts: Iterable[Verdict]) -> Iterator[Verdict]:
        """``verdicts``, each with the problems the baseline knows moved to ``known``."""
        for verdict in verdicts:
            yield self.split(verdict)

    def split(self, verdict: Verdict) -> Verdict:
        """``verdict`` with the problems the baseline knows moved from ``problems`` to ``known``."""
        if not verdict.problems:
            return verdict
        new: list[Problem] = []
        known: list[Problem] = []
        for problem in verdict.problems:
            entry = entry_of(verdict, problem)
            index = None if entry is None else self.baseline.find(entry)
            if index is None:
                new.append(problem)
            else:
                self.used[index] = True
                known.append(problem)
        if known:
            verdict.problems, verdict.known = tuple(new), tuple(known)
        return verdict

    def stale(self) -> tuple[Entry, ...]:
        """The entries that matched no problem of the run, in file order (an entry written twice
        is matched through its first copy)."""
        exact = self.baseline.exact
        return tuple(entry for entry in self.baseline.entries if not self.used[exact[entry]])
