"""Load one YAML or JSON file into a :class:`~generator.spec.document.Document`.

Specs are untrusted input: only a regular file is read, never more than
:attr:`~generator.spec.limits.SpecLimits.max_spec_bytes` of it, and only UTF-8 text. JSON files (a
``.json`` name, or text that starts with ``{``) go to the located JSON parser, everything else to the
YAML reader; both keep every value's line and column, and every refusal names the file and, where
there is one, the line and column.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from generator.errors import LoadError
from generator.spec.document import Document
from generator.spec.json_reader import parse_json
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.yaml_reader import parse_yaml


def load_document(
    path: Path, limits: SpecLimits = DEFAULT_LIMITS, digests: dict[Path, str] | None = None
) -> Document:
    """Read ``path`` as YAML (or JSON) into a :class:`Document`; raises :class:`LoadError`.

    Only a regular file is read: a FIFO, a device or a socket could block forever or never end, so
    the file is opened without blocking and checked before a byte is read. ``digests`` is told the
    SHA-256 of the bytes read, under the file's real path, even when they do not parse.
    """
    raw = read_bytes(path, limits)
    if digests is not None:
        digests[Path(os.path.realpath(path))] = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(f"not UTF-8 text (byte {exc.start})", path, line, col) from None
    return parse_document(text, path, limits)


def read_bytes(path: Path, limits: SpecLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes of the regular file ``path``, at most ``limits.max_spec_bytes`` of them; raises
    :class:`LoadError` for anything else (see :func:`load_document`)."""
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
    return raw


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
            return parse_json(text, path, limits)
        except LoadError:
            if path.suffix.lower() == ".json":
                raise
            # Not JSON after all: YAML flow style starts with `{` too.
    return parse_yaml(text, path, limits)
