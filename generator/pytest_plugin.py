"""specgen's pytest plugin: record the HTTP traffic of a test session and check it against the specs.

Registered as a ``pytest11`` entry point, so installing specgen makes it available; it does
nothing unless asked:

- ``pytest --specgen-check [--specgen-spec SPEC ...]`` records every exchange sent through any
  ``httpx.Client`` or ``httpx.AsyncClient`` during the session, whatever its transport, and checks
  them at the end (against ``specs/`` when no ``--specgen-spec`` is given). A deviation fails the
  session with the lines ``specgen check`` prints, each naming the test that made the exchange.
- ``pytest --specgen-record DIR`` only writes the recording, ``DIR/specgen-<worker>.jsonl`` (one
  file per pytest-xdist worker, ``main`` without xdist), for ``specgen check`` later.

The ``specgen_transport`` fixture gives a recording transport for explicit use
(``httpx.Client(transport=specgen_transport)``) when either option is on, else a plain one.

Recording goes through :mod:`generator.record`: credentials are redacted, large bodies and
streams are recorded as skipped, and the caller's responses are unchanged.
"""

from __future__ import annotations

import io
import os
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.record import (
    DEFAULT_MAX_BODY_BYTES,
    AsyncRecordingTransport,
    Recording,
    RecordingTransport,
)

#: The session's recording state, on the pytest config object.
_STATE = pytest.StashKey["_Session"]()


class _Session:
    """The recording of one pytest process, and the clients' transports wrapped so far."""

    def __init__(self, path: Path, check: bool, specs: list[Path]) -> None:
        self.path = path
        self.check = check
        self.specs = specs
        self.recording = Recording(path, None, DEFAULT_MAX_BODY_BYTES)
        # Inner transport -> its recording wrapper; weak, so clients come and go as they would.
        self.wrapped: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self._originals: list[tuple[Any, Any]] = []

    def wrap(self, transport: Any) -> Any:
        """``transport`` recording into the session (itself when it already records)."""
        if isinstance(transport, (RecordingTransport, AsyncRecordingTransport)):
            return transport
        wrapper = self.wrapped.get(transport)
        if wrapper is None:
            kind = (
                AsyncRecordingTransport
                if isinstance(transport, httpx.AsyncBaseTransport)
                else RecordingTransport
            )
            wrapper = self.wrapped[transport] = kind(transport, self.recording)
        return wrapper

    def install(self) -> None:
        """Route every client's requests through the session's recording.

        httpx picks a client's transport for each request in ``_transport_for_url`` (its mounts,
        else its own): wrapping that answer records any transport, given or default.
        """
        clients: tuple[Any, ...] = (httpx.Client, httpx.AsyncClient)
        for client in clients:
            original = client._transport_for_url
            self._originals.append((client, original))
            client._transport_for_url = self._recorded(original)

    def _recorded(self, original: Any) -> Any:
        def recorded(client: Any, url: httpx.URL) -> Any:
            return self.wrap(original(client, url))

        return recorded

    def uninstall(self) -> None:
        for client, original in self._originals:
            client._transport_for_url = original
        self._originals.clear()
        self.recording.close_file()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("specgen", "specgen: check HTTP traffic against OpenAPI specs")
    group.addoption(
        "--specgen-check",
        action="store_true",
        help="record every httpx exchange of the session and check it against the specs",
    )
    group.addoption(
        "--specgen-spec",
        action="append",
        default=[],
        type=Path,
        metavar="SPEC",
        help="a spec file or folder to check against (repeatable; default specs/)",
    )
    group.addoption(
        "--specgen-record",
        type=Path,
        metavar="DIR",
        help="write the session's exchanges to DIR/specgen-<worker>.jsonl, for specgen check",
    )


def pytest_configure(config: pytest.Config) -> None:
    check = bool(config.getoption("--specgen-check"))
    folder: Path | None = config.getoption("--specgen-record")
    if not check and folder is None:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if folder is None and (worker != "main" or getattr(config.option, "numprocesses", None)):
        # Each worker would record apart, and the check runs where no request was sent.
        raise pytest.UsageError("--specgen-check under pytest-xdist needs --specgen-record DIR too")
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"specgen-{worker}.jsonl"
        path.write_bytes(b"")  # this session's exchanges only
    else:
        handle, name = tempfile.mkstemp(prefix="specgen-", suffix=".jsonl")
        os.close(handle)
        path = Path(name)
    specs = list(config.getoption("--specgen-spec")) or [Path("specs")]
    session = _Session(path, check, specs)
    session.install()
    config.stash[_STATE] = session


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    session = item.config.stash.get(_STATE, None)
    if session is not None:
        session.recording.test_id = item.nodeid
    try:
        return (yield)
    finally:
        if session is not None:
            session.recording.test_id = None


@pytest.fixture
def specgen_transport(request: pytest.FixtureRequest) -> Iterator[httpx.BaseTransport]:
    """An httpx transport whose exchanges the session records (a plain one when not recording)."""
    session = request.config.stash.get(_STATE, None)
    inner = httpx.HTTPTransport()
    with inner if session is None else RecordingTransport(inner, session.recording) as transport:
        yield transport


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(_STATE, None)
    if state is None:
        return
    state.uninstall()
    if state.check and os.environ.get("PYTEST_XDIST_WORKER") is None:
        _check(session, state)
    if not state.check or session.config.getoption("--specgen-record") is not None:
        return
    state.path.unlink(missing_ok=True)


def _check(session: pytest.Session, state: _Session) -> None:
    """Check the session's recording; a deviation fails the session with its report lines."""
    from generator import api
    from generator.check.reports import TextReporter
    from generator.errors import SpecgenError

    paths = [state.path]
    folder: Path | None = session.config.getoption("--specgen-record")
    if folder is not None:  # under xdist, every worker's file
        paths = sorted(folder.glob("specgen-*.jsonl"))
    report = io.StringIO()
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    try:
        summary = api.check(paths, TextReporter(report), state.specs)
    except SpecgenError as exc:
        _write(terminal, f"specgen: {exc}")
        session.exitstatus = pytest.ExitCode.USAGE_ERROR
        return
    failures = [line for line in report.getvalue().splitlines() if line.startswith("FAIL ")]
    _write(terminal, f"specgen check: {summary.line()}", *failures)
    if summary.failed:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _write(terminal: Any, *lines: str) -> None:
    if terminal is None:
        return
    terminal.write_sep("-", "specgen check")
    for line in lines:
        terminal.write_line(line)
