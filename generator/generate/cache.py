"""specgen's cache: what validating and generating made from a spec, kept by the content of its inputs.

An entry is found by a key over everything its result depends on: the bytes of the spec file, the
options (the spec's path as given and the working folder, which findings show paths from; the
limits; the templates, by content), and specgen itself (the digest of its code and templates, the
names and versions of every installed distribution, the Python version). It then lists every other
file the spec read (:mod:`generator.spec.fingerprint`), and is used only while each is as it was.
So a hit never parses the spec: it reads the spec's bytes and the entry.

Entries are data, never code: JSON files ``<folder>/v1/<key>.json`` holding findings, or a package's
files and the places the gate cites (:mod:`generator.generate.places`). Each is written to a
temporary file, then renamed; one that cannot be read or does not have the expected shape is
removed and rebuilt. The folder is bounded: after a write, the least recently used entries are
removed until the whole is at most ``max_bytes`` (:data:`MAX_BYTES` by default). A result is kept
under the bytes it was made from (the digests loading took), so a file edited during a run never
pairs a result with the wrong version. The cache can never fail a run: a folder that cannot be
written is a cache that keeps nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

import orjson
import platformdirs

import generator
from generator.generate.emit import Package
from generator.generate.ir import Api, Source
from generator.generate.layout import Layout
from generator.generate.places import OperationAt, PackagePlaces, SchemaAt, places_of
from generator.resources import default_templates
from generator.spec.findings import Finding, Severity
from generator.spec.fingerprint import NOT_READ, file_state, read_states, spec_folder
from generator.spec.limits import SpecLimits
from generator.spec.refs import LoadedSpec

#: Bumped whenever the shape of an entry changes; entries of other versions are never read.
FORMAT = 1
#: The most the cache folder holds by default: 256 MiB (GitHub's client package is about 12 MB).
MAX_BYTES = 256 * 1024 * 1024
#: The environment variable naming the cache folder, when ``--cache-dir`` does not.
FOLDER_VARIABLE = "SPECGEN_CACHE_DIR"
#: Marks the folder as a cache for backup tools (https://bford.info/cachedir/).
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# specgen's cache: safe to delete.\n"


def default_folder() -> Path:
    """``$SPECGEN_CACHE_DIR``, else the user's cache folder (``$XDG_CACHE_HOME/specgen``,
    ``~/.cache/specgen`` on Linux; platformdirs decides on other systems)."""
    configured = os.environ.get(FOLDER_VARIABLE)
    if configured:
        return Path(configured)
    return Path(platformdirs.user_cache_dir("specgen", appauthor=False))


@dataclass(frozen=True)
class CachedPackage:
    """A package read back from the cache: its files, and the places its gate cites."""

    package: Package
    places: PackagePlaces


class _Corrupt(Exception):
    """An entry that is not what this version of specgen writes."""


class Cache:
    """The cache folder: findings and packages of specs, each kept by the content of its inputs."""

    def __init__(self, folder: Path, max_bytes: int = MAX_BYTES) -> None:
        self.folder = folder / f"v{FORMAT}"
        self.max_bytes = max_bytes
        self.started = time.time()
        # Each file's state is taken once per run, so every entry a run reads is of one version
        # of the spec, even if a file changes in the meantime.
        self._states: dict[tuple[Path, SpecLimits], str] = {}

    # -- findings ---------------------------------------------------------------------------------

    def findings(self, path: Path, limits: SpecLimits) -> list[Finding] | None:
        """The findings of validating the spec at ``path`` with ``limits``, if kept and current."""
        key = self._key("findings", path, limits)
        entry = self._current(key, path, limits)
        if not entry:
            return None
        try:
            return [_finding(item) for item in _list(entry["findings"])]
        except (_Corrupt, KeyError, TypeError, ValueError):
            self._discard(key)
            return None

    def keep_findings(self, spec: LoadedSpec, findings: Sequence[Finding]) -> None:
        """Keep ``findings``, made from ``spec``."""
        self._keep("findings", spec, {"findings": [_finding_data(f) for f in findings]})

    # -- packages ---------------------------------------------------------------------------------

    def package(
        self, path: Path, limits: SpecLimits, templates: Path | None, layout: Layout
    ) -> CachedPackage | None:
        """The generated package of the spec at ``path``, if kept and current."""
        key = self._key("package", path, limits, _templates_digest(templates), repr(layout))
        entry = self._current(key, path, limits)
        if not entry:
            return None
        try:
            places = PackagePlaces(
                _text(entry["package"]),
                tuple(SchemaAt(_text(c), _source(s)) for c, *s in _list(entry["schemas"])),
                tuple(
                    OperationAt(_text(n), _text(m), _source(s))
                    for n, m, *s in _list(entry["operations"])
                ),
            )
            files = {_text(name): _text(text) for name, text in _dict(entry["files"]).items()}
        except (_Corrupt, KeyError, TypeError, ValueError):
            self._discard(key)
            return None
        return CachedPackage(Package(places.name, path, files), places)

    def keep_package(
        self,
        spec: LoadedSpec,
        templates: Path | None,
        layout: Layout,
        package: Package,
        api: Api,
    ) -> None:
        """Keep ``package``, generated (and gated) from ``spec`` with ``templates`` through its
        IR ``api``."""
        places = places_of(api)
        data = {
            "package": places.name,
            "files": dict(package.files),
            "schemas": [[s.class_name, *astuple(s.source)] for s in places.schemas],
            "operations": [[o.name, o.method_name, *astuple(o.source)] for o in places.operations],
        }
        self._keep("package", spec, data, _templates_digest(templates), repr(layout))

    # -- entries ----------------------------------------------------------------------------------

    def _key(self, kind: str, path: Path, limits: SpecLimits, *more: str) -> str:
        """The key of ``kind`` of result for the spec at ``path`` now; "" when it cannot be read."""
        state = self._state(path, spec_folder(path), limits)
        return "" if state.startswith(NOT_READ) else _digest(kind, path, limits, state, *more)

    def _current(self, key: str, path: Path, limits: SpecLimits) -> dict[str, Any] | None:
        """The entry ``key``, if it exists, reads, and every file it lists is as it was."""
        if not key:
            return None
        entry = self._read(key)
        if entry is None:
            return None
        folder = spec_folder(path)
        try:
            files = [(_text(name), _text(state)) for name, state in _list(entry["read"])]
        except (_Corrupt, KeyError, TypeError, ValueError):
            self._discard(key)
            return None
        if any(self._state(Path(name), folder, limits) != state for name, state in files):
            return None
        return entry

    def read_as_found(self, spec: LoadedSpec) -> bool:
        """Whether ``spec`` was loaded from the files this cache found (a spec loaded after its
        findings came from the cache must be the version they are about)."""
        states = read_states(spec) or {}
        return all(
            self._states.get((name, spec.limits), state) == state for name, state in states.items()
        )

    def _state(self, path: Path, folder: Path, limits: SpecLimits) -> str:
        known = self._states.get((path, limits))
        if known is None:
            known = self._states[path, limits] = file_state(path, folder, limits)
        return known

    def _keep(self, kind: str, spec: LoadedSpec, data: dict[str, Any], *more: str) -> None:
        """Keep ``data`` made from ``spec``, keyed by the bytes it was made from."""
        states = read_states(spec)
        if states is None:
            return
        path = spec.root.path
        key = _digest(kind, path, spec.limits, states.pop(path), *more)
        read = [[str(name), state] for name, state in states.items()]
        self._write(key, {"format": FORMAT, "key": key, "read": read, **data})

    def _entry(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def _read(self, key: str) -> dict[str, Any] | None:
        path = self._entry(key)
        try:
            entry = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, orjson.JSONDecodeError):
            self._discard(key)
            return None
        if not (
            isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("key") == key
        ):
            self._discard(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used: the last to be evicted
        return entry

    def _write(self, key: str, entry: dict[str, Any]) -> None:
        try:
            blob = orjson.dumps(entry)
        except orjson.JSONEncodeError:
            return  # text JSON cannot hold (a file name that is not UTF-8): not kept
        if len(blob) > self.max_bytes:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            tag = self.folder.parent / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text(_TAG, encoding="utf-8")
            descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".part")
            try:
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(blob)
                os.replace(temporary, self._entry(key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            self._evict()
        except OSError:
            return  # a cache that cannot be written keeps nothing; the run goes on

    def _discard(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self._entry(key).unlink()

    def _evict(self) -> None:
        """Remove the least recently used entries until the folder holds at most ``max_bytes``,
        and temporary files an interrupted run left behind."""
        entries = []
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                info = path.stat()
                if path.suffix == ".part":
                    if info.st_mtime < self.started - 3600:
                        path.unlink()
                elif path.suffix == ".json":
                    entries.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


def _digest(kind: str, path: Path, limits: SpecLimits, state: str, *more: str) -> str:
    """The key of ``kind`` of result for the spec at ``path``, whose root file is in ``state``."""
    parts = (_environment(), kind, os.getcwd(), str(path), repr(limits), state, *more)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def _environment() -> str:
    """The digest of specgen as installed: its code and templates, every distribution beside it
    (names and versions), the Python version and the cache's format."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0".encode())
    package = Path(generator.__file__).resolve().parent
    for root, pattern in ((package, "*.py"), (default_templates(), "*")):
        for name, data in _files(root, pattern):
            digest.update(f"{name}\0{len(data)}\0".encode() + data)
    for folder in sys.path:
        with contextlib.suppress(OSError):
            for name in sorted(os.listdir(folder or ".")):
                if name.endswith((".dist-info", ".egg-info")):
                    digest.update(f"{name}\0".encode())
    return digest.hexdigest()


def _templates_digest(templates: Path | None) -> str:
    """The digest of a user's templates folder ("" for specgen's own, which the environment has)."""
    if templates is None:
        return ""
    digest = hashlib.sha256()
    for name, data in _files(templates.resolve(), "*"):
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _files(root: Path, pattern: str) -> Iterator[tuple[str, bytes]]:
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path.relative_to(root).as_posix(), path.read_bytes()


# -- entries as data -------------------------------------------------------------------------------


def _finding_data(finding: Finding) -> list[Any]:
    return [
        finding.rule,
        finding.severity.value,
        finding.message,
        str(finding.path),
        finding.pointer,
        finding.line,
        finding.col,
        finding.acknowledged,
    ]


def _finding(item: Any) -> Finding:
    rule, severity, message, path, pointer, line, col, acknowledged = _list(item)
    return Finding(
        _text(rule),
        Severity(severity),
        _text(message),
        Path(_text(path)),
        _text(pointer),
        _number(line),
        _number(col),
        None if acknowledged is None else _text(acknowledged),
    )


def _source(item: list[Any]) -> Source:
    file, pointer, line = item
    return Source(_text(file), _text(pointer), _number(line))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Corrupt
    return value


def _number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Corrupt
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Corrupt
    return value


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Corrupt
    return value
