"""Recorded HTTP exchanges, read from HAR 1.2, JSON and JSON Lines files.

JSON Lines files are streamed line by line, so a file of any size is read in constant memory; HAR and
JSON files are read whole (HAR has no streaming form). A line or entry that cannot be read becomes an
:class:`Unreadable` of its own, located by line number or entry index, and reading goes on.

An exchange in JSON or JSON Lines::

    {"request": {"method": "GET", "url": "https://...", "headers": {...}?,
                 "body": <a JSON value, or a string of raw text>?, "encoding": "base64"?},
     "response": {"status": 200, "headers": {...},
                  "body": <a JSON value, or a string of raw text>, "encoding": "base64"?,
                  "skipped": "<why the body was left out>"?},
     "test": "<the id of the test that sent the request>"?}

``headers`` map names to values (or are HAR's list of ``{name, value}``). ``"encoding": "base64"``
says the ``body`` beside it is a base64 string of the raw bytes (binary bodies): decoded, it is
checked as raw text (or, when it is not UTF-8, as bytes only its media type is checked of). A
response with ``skipped`` (written by :mod:`generator.record` for a body too large or streamed) has
an unknown body, which is not checked. ``test`` names the test that made the exchange, for reports.
In HAR,
the request body is ``request.postData`` (``text``, else ``params`` as a form; ``mimeType`` stands for
a missing Content-Type) and ``request.cookies`` count as Cookie headers.

A request without a ``headers`` member has unknown headers, not none: its header and cookie
parameters and its security requirements are not checked (:attr:`Exchange.request_headers_recorded`).

Recordings are untrusted: a record larger than the limit (a JSON Lines line, a ``.json`` file, a HAR
entry's content or post data) is refused on its own, read no further than the limit, so a single huge
line cannot exhaust memory. Request headers are kept for the request checks and so that reports can
mask the credentials they carry; they are never reported.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from generator.errors import LoadError

#: The largest record read by default: a JSON Lines line, a ``.json`` file, a HAR entry's content.
DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)  # not frozen: frozen dataclasses are slower to build, and these are many
class Exchange:
    """One request and its response, as recorded."""

    source: str
    method: str
    url: str
    status: int
    #: Response headers, names lower-cased.
    headers: dict[str, str]
    #: The response body: a JSON value when recorded as one (``body_is_text`` False), else raw text.
    body: Any
    body_is_text: bool
    #: Request headers as (name lower-cased, value) pairs: never reported, read for credentials.
    request_headers: tuple[tuple[str, str], ...] = ()
    #: The request body, as ``body`` is (None: none recorded).
    request_body: Any = None
    request_body_is_text: bool = True
    #: Whether the request's headers were recorded at all: when not, header and cookie parameters
    #: and security requirements are unknown, and not checked.
    request_headers_recorded: bool = False
    #: The JSON text the body was parsed from (within it, e.g. the whole line), when it was: its
    #: punctuation bounds the body's size and nesting without walking it.
    text: bytes | str | None = None
    #: The id of the test that made the exchange (``"test"``), reported beside the source.
    test: str | None = None
    #: False when the recording left the response body out (``"skipped"``): it is not checked.
    body_recorded: bool = True


#: Characters of a record's ``test`` id kept (an id is a label, not a payload).
MAX_TEST_ID = 500


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A line or entry that is not an exchange; it fails on its own and reading goes on."""

    source: str
    message: str


Record = Exchange | Unreadable


def read_recording(path: Path, max_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[Record]:
    """Every exchange in ``path``, chosen by its extension: ``.har``, ``.json`` or ``.jsonl``."""
    suffix = path.suffix.lower()
    if suffix not in (".har", ".json", ".jsonl"):
        raise LoadError("not a recording: expected a .har, .json or .jsonl file", path)
    if not path.is_file():
        raise LoadError("no such file" if not path.exists() else "is not a file", path)
    if suffix == ".jsonl":
        return read_jsonl(path, max_bytes)
    if suffix == ".har":
        return read_har(path, max_bytes)
    return read_json(path, max_bytes)


def too_large(max_bytes: int, what: str = "record") -> str:
    """The problem of a record over the size limit (naming the flag that raises it)."""
    return f"{what} larger than {max_bytes:,} bytes: not read (raise --max-record-bytes to read it)"


def jsonl_lines(
    path: Path, max_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[tuple[str, bytes | Unreadable]]:
    """(source, text) of each non-blank line of a JSON Lines file, or an Unreadable for a line
    over ``max_bytes`` (read no further than that: the rest of the line is skipped in chunks)."""
    name = path.name
    with path.open("rb") as stream:
        number = 0
        while True:
            line = stream.readline(max_bytes + 1)
            if not line:
                return
            number += 1
            source = f"{name}:{number}"
            if len(line) > max_bytes and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):
                    line = stream.readline(1 << 20)
                yield source, Unreadable(source, too_large(max_bytes, "line"))
            elif line.strip():
                yield source, line


def read_jsonl(path: Path, max_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[Record]:
    """Exchanges of a JSON Lines file, one a line, streamed; blank lines are skipped."""
    for source, line in jsonl_lines(path, max_bytes):
        yield line if isinstance(line, Unreadable) else parse_line(line, source)


def parse_line(line: bytes | str, source: str) -> Record:
    """One exchange from its JSON text (a line of a JSON Lines file)."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Unreadable(source, f"not JSON: {exc}")
    return exchange_from_json(data, source, line)


def read_json(path: Path, max_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[Record]:
    """The one exchange of a JSON file."""
    if path.stat().st_size > max_bytes:
        yield Unreadable(path.name, too_large(max_bytes, "file"))
        return
    text = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        yield Unreadable(path.name, f"not JSON: {exc}")
        return
    yield exchange_from_json(data, path.name, text)


def exchange_from_json(data: Any, source: str, text: bytes | str | None = None) -> Record:
    """An exchange from its JSON form (see the module docstring); ``text``, the JSON text ``data``
    was parsed from, if at hand."""
    try:
        request, response = data["request"], data["response"]
        method, url, status = request["method"], request["url"], response["status"]
    except (KeyError, TypeError):
        return Unreadable(source, "expected {request: {method, url}, response: {status, ...}}")
    if not (isinstance(method, str) and isinstance(url, str)):
        return Unreadable(source, "request method and url must be strings")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return Unreadable(source, f"response status must be an HTTP status code, not {status!r}")
    headers = response.get("headers") or {}
    if not isinstance(headers, dict):
        return Unreadable(source, "response headers must be an object of name: value")
    body = response.get("body")
    # ``request`` and ``response`` are objects here: a string or list would have failed above.
    request_body = request.get("body")
    request_headers = request.get("headers")
    if "encoding" in response or "encoding" in request:
        try:
            if response.get("encoding") == "base64":
                body = _base64_body(body)
            if request_body is not None and request.get("encoding") == "base64":
                request_body = _base64_body(request_body)
        except ValueError as exc:
            return Unreadable(source, str(exc))
    test = data.get("test")
    return Exchange(
        source,
        method if method.isupper() else method.upper(),
        url,
        status,
        _lowered(headers) if headers else {},
        body,
        body is None or isinstance(body, (str, bytes)),
        _header_pairs(request_headers) if request_headers else (),
        request_body,
        request_body is None or isinstance(request_body, (str, bytes)),
        isinstance(request_headers, (dict, list)),
        text,
        test[:MAX_TEST_ID] if isinstance(test, str) else None,
        "skipped" not in response,
    )


def _lowered(headers: dict[Any, Any]) -> dict[str, str]:
    """Response headers by lower-cased name, values as text (a null value is no header)."""
    return {
        k.lower(): v if isinstance(v, str) else str(v) for k, v in headers.items() if v is not None
    }


def _base64_body(body: Any) -> str | bytes:
    """A body recorded base64-encoded: its text, or its bytes when they are not UTF-8."""
    if not isinstance(body, str):
        raise ValueError("a body with encoding base64 must be a string")
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"body with encoding base64 that does not decode: {exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _header_pairs(headers: Any) -> tuple[tuple[str, str], ...]:
    """Headers written as an object, or as HAR's list of {name, value}, as (name, value) pairs."""
    if isinstance(headers, dict):
        return tuple((str(k).lower(), str(v)) for k, v in headers.items() if v is not None)
    if isinstance(headers, list):
        return tuple(
            (str(h.get("name", "")).lower(), str(h.get("value", "")))
            for h in headers
            if isinstance(h, dict)
        )
    return ()


def read_har(path: Path, max_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[Record]:
    """Exchanges of a HAR 1.2 file, text and base64-encoded content alike.

    A HAR file is read whole (HAR has no streaming form); ``max_bytes`` bounds each entry's content.
    """
    try:
        data = orjson.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
        entries = data["log"]["entries"]
    except orjson.JSONDecodeError as exc:
        yield Unreadable(path.name, f"not JSON: {exc}")
        return
    except (KeyError, TypeError):
        yield Unreadable(path.name, "not a HAR file: expected log.entries")
        return
    if not isinstance(entries, list):
        yield Unreadable(path.name, "not a HAR file: log.entries is not a list")
        return
    for index, entry in enumerate(entries):
        yield _har_entry(entry, f"{path.name}#entry{index}", max_bytes)


def _har_entry(entry: Any, source: str, max_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Record:
    try:
        request, response = entry["request"], entry["response"]
        method, url, status = request["method"], request["url"], response["status"]
        headers = {str(h["name"]).lower(): str(h["value"]) for h in response.get("headers", [])}
        content = response.get("content") or {}
    except (KeyError, TypeError):
        return Unreadable(
            source, "HAR entry without request.method, request.url or response.status"
        )
    if not (isinstance(method, str) and isinstance(url, str)):
        return Unreadable(source, "HAR entry with a malformed method or url")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return Unreadable(source, f"HAR entry status must be an HTTP status code, not {status!r}")
    if not isinstance(content, dict):
        return Unreadable(source, "HAR entry whose response.content is not an object")
    text = content.get("text")
    if text is not None and not isinstance(text, str):
        return Unreadable(source, "HAR entry whose response.content.text is not a string")
    if text is not None and len(text) > max_bytes:
        return Unreadable(source, too_large(max_bytes, "response content"))
    if text is not None and content.get("encoding") == "base64":
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            return Unreadable(source, f"base64 content that does not decode to UTF-8 text: {exc}")
    if "content-type" not in headers and content.get("mimeType"):
        headers["content-type"] = str(content["mimeType"])
    request_headers = _header_pairs(request.get("headers"))
    request_body = _har_post_data(request.get("postData"), max_bytes)
    if isinstance(request_body, Unreadable):
        return Unreadable(source, request_body.message)
    # postData's mimeType stands for a Content-Type header the export left out.
    if request_body is not None and request_body[1] and "content-type" not in dict(request_headers):
        request_headers += (("content-type", request_body[1]),)
    cookies = request.get("cookies")
    if isinstance(cookies, list):
        # HAR lists cookies apart from the Cookie header too; their values are credentials.
        request_headers += tuple(
            ("cookie", f"{c.get('name', '')}={c.get('value', '')}")
            for c in cookies
            if isinstance(c, dict)
        )
    return Exchange(
        source,
        method.upper(),
        url,
        status,
        headers,
        text,
        True,
        request_headers,
        None if request_body is None else request_body[0],
        True,
        isinstance(request.get("headers"), list),
    )


def _har_post_data(post: Any, max_bytes: int) -> tuple[str, str] | Unreadable | None:
    """(text, mimeType) of a HAR request's ``postData``: its ``text``, else its ``params`` written
    as a form; None when it has none."""
    if not isinstance(post, dict):
        return None
    mime = post.get("mimeType")
    mime = mime if isinstance(mime, str) else ""
    text = post.get("text")
    params = post.get("params")
    if text is None and isinstance(params, list):
        text = urlencode(
            [
                (str(p.get("name", "")), str(p.get("value", "")))
                for p in params
                if isinstance(p, dict)
            ]
        )
    if text is None:
        return None
    if not isinstance(text, str):
        return Unreadable("", "HAR entry whose request.postData.text is not a string")
    if len(text) > max_bytes:
        return Unreadable("", too_large(max_bytes, "request post data"))
    if post.get("encoding") == "base64":
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            return Unreadable("", f"base64 post data that does not decode to UTF-8 text: {exc}")
    return text, mime
