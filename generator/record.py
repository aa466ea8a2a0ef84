"""Recording HTTP traffic as it happens, in the JSON Lines format `specgen check` reads.

:class:`RecordingTransport` (and :class:`AsyncRecordingTransport`) wrap any httpx transport::

    transport = RecordingTransport(httpx.HTTPTransport(), "traffic.jsonl")
    with httpx.Client(transport=transport) as client:  # or a generated client's ``transport=``
        client.get("https://api.example.com/jobs/1")

Each exchange becomes one line, ``{"request": {...}, "response": {...}, "test": ...?}``, as
:mod:`generator.check.exchanges` describes it. A body is a JSON value when its Content-Type is JSON
and it parses, else text, else base64 (``"encoding": "base64"``).

What the transport guarantees:

- **credentials are redacted** as reports redact them (:mod:`generator.check.redaction`): the
  values of ``Authorization`` (its scheme kept), ``Cookie`` and ``Set-Cookie`` (their names kept),
  credential-like headers (``X-Api-Key``), credential-like query and form parameters and JSON
  properties become ``REDACTED``, and so does any other occurrence of those values in the URL or a
  body's strings. The checker takes ``REDACTED`` for present-but-unknown, so security requirements
  are still met by such records;
- **the caller sees the same exchange**: the request is sent as it is, and the response's body is
  handed to the caller chunk by chunk as the inner transport gives it, copied on the way (never read
  ahead for the caller);
- **bounded memory**: a body is kept only up to ``max_body_bytes``; a larger one, an event stream
  and a body the caller stopped reading before its end are recorded without it, with
  ``"skipped": "<why>"`` (the checker then checks the rest of the exchange);
- **whole lines**: a record is written in one write under a lock, when the caller closes the
  response (httpx does so once the body is read, or when a ``stream()`` block ends), so concurrent
  requests never interleave. A response the caller never closes is never recorded.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self

import httpx
import orjson

from generator.check.redaction import (
    REDACTED,
    Secrets,
    header_credentials,
    is_credential_name,
    redact_query,
    redact_url,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "AsyncRecordingTransport",
    "Recording",
    "RecordingTransport",
]

#: Bodies larger than this (bytes, as sent or as decoded) are recorded without their content.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
#: Slices fed to a content decoder, so that a compressed body cannot expand all at once.
_DECODE_SLICE = 8192
#: Why a body is left out of its record.
STREAMED = "streamed"
NOT_READ = "streamed: the caller did not read the whole body"


def too_large(limit: int) -> str:
    """The ``skipped`` marker of a body over ``limit`` bytes."""
    return f"body larger than {limit} bytes"


class Recording:
    """One JSON Lines file that many transports may record into (see the transports' ``path``).

    It belongs to whoever made it: closing a transport that was given one leaves it open.
    """

    def __init__(self, path: str | Path, test_id: str | None, max_body_bytes: int) -> None:
        #: Written into each record made from now on as ``"test"`` (e.g. a pytest node id).
        self.test_id = test_id
        self.max_body_bytes = max_body_bytes
        self._lock = threading.Lock()
        # Unbuffered append: each record is one write call, so lines stay whole even when two
        # recorders share the file.
        self._file: BinaryIO = open(path, "ab", buffering=0)  # noqa: SIM115 (closed by close())

    def start(self, request: httpx.Request) -> _Exchange:
        """The record of ``request``, redacted, awaiting its response."""
        return _Exchange(self, request)

    def write(self, record: dict[str, Any]) -> None:
        try:
            line = orjson.dumps(record)
        except orjson.JSONEncodeError:
            # A body nested deeper than orjson writes: the exchange is recorded without bodies.
            for part in ("request", "response"):
                if "body" in record[part]:
                    record[part].pop("body")
                    record[part].pop("encoding", None)
                    record[part]["skipped"] = "body nested too deeply to record"
            line = orjson.dumps(record)
        with self._lock:
            if not self._file.closed:
                self._file.write(line + b"\n")

    def close_file(self) -> None:
        with self._lock:
            self._file.close()


class _Exchange:
    """One exchange being recorded: its redacted request, then the response's body as it is read."""

    def __init__(self, recorder: Recording, request: httpx.Request) -> None:
        self.recorder = recorder
        self.test_id = recorder.test_id  # the test that sent the request, not the one now running
        self.secrets = Secrets()
        headers = _redacted_headers(request.headers, self.secrets)
        self.request: dict[str, Any] = {
            "method": request.method,
            "url": redact_url(str(request.url), secrets=self.secrets),
            "headers": headers,
        }
        try:
            content = request.content
        except httpx.RequestNotRead:  # a streamed upload: read only by the inner transport
            self.request["skipped"] = STREAMED
        else:
            if len(content) > recorder.max_body_bytes:
                self.request["skipped"] = too_large(recorder.max_body_bytes)
            elif content:
                self.request.update(_body(content, request.headers, self.secrets))
        self.parts: list[bytes] = []
        self.size = 0
        self.skipped: str | None = None
        self.complete = False
        self.written = False

    def respond(self, response: httpx.Response) -> None:
        """Decide from the response's headers whether its body will be kept."""
        limit = self.recorder.max_body_bytes
        media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
        length = response.headers.get("content-length", "")
        if media == "text/event-stream":
            self.skipped = STREAMED  # endless by design: never copied
        elif length.isdigit() and int(length) > limit:
            self.skipped = too_large(limit)
        self.response = response

    def add(self, chunk: bytes) -> None:
        """A chunk of the response body, as the caller reads it."""
        if self.skipped is None:
            self.size += len(chunk)
            if self.size > self.recorder.max_body_bytes:
                self.skipped = too_large(self.recorder.max_body_bytes)
                self.parts.clear()
            else:
                self.parts.append(chunk)

    def finish(self) -> None:
        """Write the record (once): the response was closed."""
        if self.written:
            return
        self.written = True
        response = self.response
        part: dict[str, Any] = {
            "status": response.status_code,
            "headers": _redacted_headers(response.headers, self.secrets),
        }
        skipped = self.skipped
        if skipped is None and not self.complete:
            skipped = NOT_READ
        if skipped is None:
            content = _decoded(b"".join(self.parts), response.headers, self.recorder.max_body_bytes)
            if isinstance(content, str):
                skipped = content
            elif content:
                part.update(_body(content, response.headers, self.secrets))
        self.parts.clear()
        if skipped is not None:
            part["skipped"] = skipped
        record: dict[str, Any] = {"request": self.request, "response": part}
        if self.test_id is not None:
            record["test"] = self.test_id
        self.recorder.write(record)


class _RecordedStream(httpx.SyncByteStream):
    """The response body as the inner transport streams it, copied into the record on the way."""

    def __init__(self, inner: httpx.SyncByteStream, exchange: _Exchange) -> None:
        self._inner = inner
        self._exchange = exchange

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._exchange.add(chunk)
            yield chunk
        self._exchange.complete = True

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            self._exchange.finish()


class _AsyncRecordedStream(httpx.AsyncByteStream):
    """:class:`_RecordedStream` for async transports."""

    def __init__(self, inner: httpx.AsyncByteStream, exchange: _Exchange) -> None:
        self._inner = inner
        self._exchange = exchange

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._exchange.add(chunk)
            yield chunk
        self._exchange.complete = True

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            # One short append under a lock: not worth a thread hop.
            self._exchange.finish()


class _Records:
    """What both transports share: the recording they append to, and the test id it writes."""

    def __init__(self, path: str | Path | Recording, test_id: str | None, max_bytes: int) -> None:
        # A Recording given is shared (e.g. by every client of a test session) and stays open.
        self._owned = not isinstance(path, Recording)
        self._recorder = (
            path if isinstance(path, Recording) else Recording(path, test_id, max_bytes)
        )

    @property
    def test_id(self) -> str | None:
        """The id written into the records of requests sent from now on (None: no ``"test"``)."""
        return self._recorder.test_id

    @test_id.setter
    def test_id(self, value: str | None) -> None:
        self._recorder.test_id = value


class RecordingTransport(_Records, httpx.BaseTransport):
    """An httpx transport that sends through ``inner`` and appends each exchange to ``path``.

    ``test_id`` (also a settable attribute) is written as each record's ``"test"``, so a report
    says which test sent a failing request. Closing the transport closes ``inner`` and the file.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        path: str | Path | Recording,
        *,
        test_id: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.inner = inner
        _Records.__init__(self, path, test_id, max_body_bytes)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the inner transport; the record is written on close."""
        exchange = self._recorder.start(request)
        response = self.inner.handle_request(request)
        if not isinstance(response.stream, httpx.SyncByteStream):  # pragma: no cover - misuse
            raise TypeError("the inner transport returned an async stream")
        exchange.respond(response)
        response.stream = _RecordedStream(response.stream, exchange)
        return response

    def close(self) -> None:
        """Close the inner transport and the recording."""
        try:
            self.inner.close()
        finally:
            if self._owned:
                self._recorder.close_file()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self.close()


class AsyncRecordingTransport(_Records, httpx.AsyncBaseTransport):
    """:class:`RecordingTransport` for ``httpx.AsyncClient`` and async generated clients."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        path: str | Path | Recording,
        *,
        test_id: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.inner = inner
        _Records.__init__(self, path, test_id, max_body_bytes)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the inner transport; the record is written on close."""
        exchange = self._recorder.start(request)
        response = await self.inner.handle_async_request(request)
        if not isinstance(response.stream, httpx.AsyncByteStream):  # pragma: no cover - misuse
            raise TypeError("the inner transport returned a sync stream")
        exchange.respond(response)
        response.stream = _AsyncRecordedStream(response.stream, exchange)
        return response

    async def aclose(self) -> None:
        """Close the inner transport and the recording."""
        try:
            await self.inner.aclose()
        finally:
            if self._owned:
                self._recorder.close_file()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()


def _redacted_headers(headers: httpx.Headers, secrets: Secrets) -> dict[str, str]:
    """Headers by lower-cased name (repeated ones joined), credentials replaced by ``REDACTED``
    and remembered in ``secrets``."""
    out: dict[str, str] = {}
    for name, value in headers.multi_items():
        name = name.lower()
        separator = ", "
        if name == "cookie":
            separator = "; "
            for credential in header_credentials(name, value):
                secrets.add(credential)
            value = "; ".join(
                f"{pair.partition('=')[0].strip()}={REDACTED}"
                for pair in value.split(";")
                if pair.strip()
            )
        elif name == "set-cookie":
            cookie, _, attributes = value.partition(";")
            cookie_name, _, cookie_value = cookie.partition("=")
            secrets.add(cookie_value.strip().strip('"'))
            value = f"{cookie_name.strip()}={REDACTED}" + (f";{attributes}" if attributes else "")
        elif credentials := header_credentials(name, value):
            for credential in credentials:
                secrets.add(credential)
            # The scheme stays: a check of an http security scheme reads it.
            scheme, space, token = value.strip().partition(" ")
            value = f"{scheme} {REDACTED}" if space and token.strip() else REDACTED
        out[name] = f"{out[name]}{separator}{value}" if name in out else value
    return out


def _body(content: bytes, headers: httpx.Headers, secrets: Secrets) -> dict[str, Any]:
    """``{"body": ...}`` of a message: a JSON value when its Content-Type is JSON and it parses,
    else text, else base64 with ``"encoding": "base64"``; credentials redacted."""
    media = headers.get("content-type", "").partition(";")[0].strip().lower()
    if media.endswith("json"):  # application/json, application/problem+json, text/json
        try:
            value = orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
        else:
            # A JSON string would read back as raw text: it is written as its text instead.
            if isinstance(value, (dict, list)):
                _redact_json(value, secrets)
                return {"body": value}
            if not isinstance(value, str):
                return {"body": value}
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return {"body": base64.b64encode(content).decode("ascii"), "encoding": "base64"}
    if media == "application/x-www-form-urlencoded":
        text = redact_query(text, secrets=secrets)
    return {"body": secrets.mask(text) if secrets else text}


def _redact_json(value: dict[str, Any] | list[Any], secrets: Secrets) -> None:
    """Replace, in place, string values under credential-like names, and known credentials inside
    other strings, by ``REDACTED`` (only strings: every value keeps its JSON type)."""
    stack: list[dict[str, Any] | list[Any]] = [value]  # no recursion: bodies may nest deeply
    while stack:
        node: Any = stack.pop()
        items: Any = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in list(items):
            if isinstance(item, str):
                if isinstance(key, str) and is_credential_name(key):
                    node[key] = REDACTED
                elif secrets:
                    node[key] = secrets.mask(item)
            elif isinstance(item, (dict, list)):
                stack.append(item)


class _Slices(httpx.SyncByteStream):
    """Bytes in small slices, for a decoder to expand a little at a time."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self._raw), _DECODE_SLICE):
            yield self._raw[start : start + _DECODE_SLICE]


def _decoded(raw: bytes, headers: httpx.Headers, limit: int) -> bytes | str:
    """The body as the caller reads it (Content-Encoding undone), or why it is left out."""
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return raw
    decoding = httpx.Response(200, headers={"content-encoding": encoding}, stream=_Slices(raw))
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in decoding.iter_bytes():
            size += len(chunk)
            if size > limit:
                return too_large(limit)
            parts.append(chunk)
    except httpx.DecodingError:
        return f"body that does not decode as {encoding}"
    return b"".join(parts)
