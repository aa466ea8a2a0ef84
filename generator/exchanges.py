"""Recorded HTTP exchanges, read from HAR 1.2, JSON and JSON Lines files.

JSON Lines files are streamed line by line, so a file of any size is read in constant memory; HAR and
JSON files are read whole (HAR has no streaming form). A line or entry that cannot be read becomes an
:class:`Unreadable` of its own, located by line number or entry index, and reading goes on.

An exchange in JSON or JSON Lines::

    {"request": {"method": "GET", "url": "https://...", "headers": {...}?, "body": ...?},
     "response": {"status": 200, "headers": {...}, "body": <a JSON value, or a string of raw text>}}
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from generator.errors import LoadError


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


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A line or entry that is not an exchange; it fails on its own and reading goes on."""

    source: str
    message: str


Record = Exchange | Unreadable


def read_recording(path: Path) -> Iterator[Record]:
    """Every exchange in ``path``, chosen by its extension: ``.har``, ``.json`` or ``.jsonl``."""
    suffix = path.suffix.lower()
    if suffix not in (".har", ".json", ".jsonl"):
        raise LoadError("not a recording: expected a .har, .json or .jsonl file", path)
    if not path.is_file():
        raise LoadError("no such file" if not path.exists() else "is not a file", path)
    if suffix == ".jsonl":
        return read_jsonl(path)
    if suffix == ".har":
        return read_har(path)
    return read_json(path)


def read_jsonl(path: Path) -> Iterator[Record]:
    """Exchanges of a JSON Lines file, one a line, streamed; blank lines are skipped."""
    name = path.name
    with path.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                yield parse_line(line, f"{name}:{number}")


def parse_line(line: bytes | str, source: str) -> Record:
    """One exchange from its JSON text (a line of a JSON Lines file)."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Unreadable(source, f"not JSON: {exc}")
    return exchange_from_json(data, source)


def read_json(path: Path) -> Iterator[Record]:
    """The one exchange of a JSON file."""
    try:
        data = orjson.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as exc:
        yield Unreadable(path.name, f"not JSON: {exc}")
        return
    yield exchange_from_json(data, path.name)


def exchange_from_json(data: Any, source: str) -> Record:
    """An exchange from its JSON form (see the module docstring)."""
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
    return Exchange(
        source,
        method if method.isupper() else method.upper(),
        url,
        status,
        {
            k.lower(): v if isinstance(v, str) else str(v)
            for k, v in headers.items()
            if v is not None
        },
        body,
        body is None or isinstance(body, str),
    )


def read_har(path: Path) -> Iterator[Record]:
    """Exchanges of a HAR 1.2 file, text and base64-encoded content alike."""
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
        yield _har_entry(entry, f"{path.name}#entry{index}")


def _har_entry(entry: Any, source: str) -> Record:
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
    if text is not None and content.get("encoding") == "base64":
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            return Unreadable(source, f"base64 content that does not decode to UTF-8 text: {exc}")
    if "content-type" not in headers and content.get("mimeType"):
        headers["content-type"] = str(content["mimeType"])
    return Exchange(source, method.upper(), url, status, headers, text, True)
