"""Credentials in recorded exchanges, and how every report keeps them out.

Recordings come from production, so they carry credentials: API keys and tokens in query strings,
URL fragments (``#access_token=``) and user info, ``Authorization`` and ``Cookie`` headers, tokens in
response bodies. Reports quote URLs and, through schema violation messages, body values. Two rules
keep credentials out of every report format:

- **by name**: a query or fragment parameter, request header or body property whose name is
  *credential-like* (:func:`is_credential_name`) has its value replaced by ``REDACTED``;
- **by value**: every value found that way, and every credential of the exchange's request headers
  (``Authorization``, ``Cookie``, ``X-Api-Key``, ...), is collected in :class:`Secrets`, which masks
  it wherever it appears in any text of the report (raw, JSON-escaped or percent-encoded).

Written without ``urllib.parse`` where URLs are concerned: a recorded URL may be malformed, and a
report must still never show its secrets.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote_plus

REDACTED = "REDACTED"

#: Names that are credentials wherever they appear, compared with case and punctuation removed
#: (``X-Amz-Signature`` is ``xamzsignature``, ``api_key[]`` is ``apikey``).
_EXACT = frozenset(
    {
        "key",
        "sig",
        "pass",
        "pin",
        "otp",
        "jwt",
        "sid",
        "auth",
        "nonce",
        "hmac",
        "saml",
        "samlresponse",
        "assertion",
    }
)
#: Pieces that make a name credential-like wherever they occur in it.
_PIECES = (
    "token",
    "secret",
    "passw",
    "passwd",
    "pwd",
    "apikey",
    "accesskey",
    "privatekey",
    "signingkey",
    "sessionkey",
    "signature",
    "credential",
    "session",
    "cookie",
    "bearer",
    "oauth",
    "authorization",
    "authkey",
    "authtoken",
    "xamz",
    "googaccess",
    "clientassertion",
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")
#: ``api_key[]``, ``token[0]``, ``user[password]``: the array and map forms of query names.
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
#: Shorter secrets are masked only where they stand as a whole value: as substrings they would
#: blank out unrelated text (a one-letter cookie would hide every "a" of a message).
MIN_SUBSTRING = 4
#: More secrets than this in one exchange (a hostile body full of ``token`` keys): every quoted
#: value of every message is masked instead of building an ever larger pattern.
MAX_SECRETS = 512


#: Values a recording's own redaction leaves in place of a credential.
_REDACTED_FORMS = frozenset({REDACTED, f"[{REDACTED}]", f"<{REDACTED}>", "***", "[FILTERED]"})


def is_redacted(value: str) -> bool:
    """Whether a recorded value was already redacted (``REDACTED``, ``[REDACTED]``, ``***``, or an
    ``Authorization`` scheme followed by one): what it stood for is unknown, so it is not checked.

    A value holding none of those forms' pieces (``*``, ``edacted``, ``iltered`` in either case) is
    decided at once."""
    if not (
        "*" in value
        or "EDACTED" in value
        or "edacted" in value
        or "ILTERED" in value
        or "iltered" in value
    ):
        return False  # the common case, decided without copying the value
    value = value.strip()
    if value.upper() in _REDACTED_FORMS:
        return True
    _, space, rest = value.partition(" ")
    return bool(space) and rest.strip().upper() in _REDACTED_FORMS


@functools.lru_cache(maxsize=4096)  # the same few names come back in every exchange
def is_credential_name(name: str) -> bool:
    """Whether a parameter, header or property called ``name`` holds a credential.

    Case, punctuation, percent-encoding and array or map suffixes do not matter:
    ``access_token``, ``Access-Token``, ``access%5Ftoken``, ``access_token[]``, ``X-Amz-Signature``,
    ``client_secret`` and ``user[password]`` all are.
    """
    if "%" in name or "+" in name:
        name = unquote_plus(name)
    lowered = name.lower()
    parts = [lowered]
    if "[" in lowered:
        parts = [_BRACKETS.sub("", lowered), *_BRACKETS.findall(lowered)]
    for part in parts:
        compact = _NOT_WORD.sub("", part)
        if not compact:
            continue
        if compact in _EXACT or compact.endswith("key"):
            return True
        if any(piece in compact for piece in _PIECES):
            return True
    return False


def header_credentials(name: str, value: str) -> list[str]:
    """The credentials a request header carries (none for an ordinary header).

    ``Authorization: Bearer t`` gives the whole value and ``t``; ``Basic`` also its decoded
    ``user:password`` and password; ``Cookie`` every cookie's value; a header with a credential-like
    name (``X-Api-Key``, ``X-Amz-Security-Token``) its value.
    """
    lowered = name.strip().lower()
    value = value.strip()
    if not value:
        return []
    if lowered == "cookie":
        found = [value]
        for pair in value.split(";"):
            _, equals, cookie = pair.partition("=")
            if equals and cookie.strip():
                found.append(cookie.strip().strip('"'))
        return found
    if not is_credential_name(lowered):
        return []
    found = [value]
    scheme, space, token = value.partition(" ")
    if space and token.strip():
        token = token.strip()
        found.append(token)
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(token, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                decoded = ""
            if decoded:
                found.append(decoded)
                _, colon, password = decoded.partition(":")
                if colon and password:
                    found.append(password)
    return found


class Secrets:
    """The credential values of one exchange; :meth:`mask` hides them in any text."""

    __slots__ = ("_pattern", "_values", "overflow")

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        #: Set when more than :data:`MAX_SECRETS` were seen: then every quoted value is masked.
        self.overflow = False
        if values:
            for value in values:
                self.add(value)

    def __bool__(self) -> bool:
        return bool(self._values) or self.overflow

    def add(self, value: str) -> None:
        """Remember ``value`` (and the forms a report may write it in) as a credential."""
        if not value or self.overflow:
            return
        size = len(self._values)
        self._values.update(_forms(value))
        if len(self._values) != size:
            self._pattern = None
        if len(self._values) > MAX_SECRETS:
            self.overflow = True
            self._values.clear()

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._values:
            self._pattern = _pattern(frozenset(self._values))
        return self._pattern

    def mask(self, text: str) -> str:
        """``text`` with every known credential replaced by ``REDACTED``."""
        if self.overflow:
            return _QUOTED.sub(f'"{REDACTED}"', text)
        # Most texts hold none of an exchange's credentials, and every exchange has its own:
        # a substring scan answers that without compiling the exchange's pattern.
        if not any(value in text for value in self._values):
            return text
        pattern = self._compiled()
        return text if pattern is None else pattern.sub(REDACTED, text)


@functools.lru_cache(maxsize=1024)  # an exchange's credentials often recur in the next ones
def _forms(value: str) -> frozenset[str]:
    """``value`` as reports may write it: raw, JSON-escaped, percent-encoded, decoded."""
    if _PLAIN.fullmatch(value):  # every form of a token of letters, digits and -._~ is itself
        return frozenset((value,))
    forms = {value, json.dumps(value, ensure_ascii=False)[1:-1]}
    if len(value) >= MIN_SUBSTRING:
        forms |= {quote(value, safe=""), quote_plus(value, safe=""), quote(value)}
        if "%" in value or "+" in value:
            forms.add(unquote_plus(value))
    forms.discard("")
    return frozenset(forms)


@functools.lru_cache(maxsize=256)
def _pattern(values: frozenset[str]) -> re.Pattern[str]:
    """One regex finding any of ``values``: longest first; short ones only as whole values."""
    long = sorted((v for v in values if len(v) >= MIN_SUBSTRING), key=len, reverse=True)
    short = sorted((v for v in values if len(v) < MIN_SUBSTRING), key=len, reverse=True)
    alternatives = [re.escape(v) for v in long]
    # A short secret is masked only as a whole value: quoted, or a whole parameter value.
    alternatives += [rf'(?<=")({re.escape(v)})(?=")' for v in short]
    alternatives += [rf"(?<=[=:])({re.escape(v)})(?=$|[&;#\s])" for v in short]
    return re.compile("|".join(alternatives))


#: Characters that JSON escaping and percent-encoding leave as they are.
_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")
#: A JSON string as a violation message quotes it.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_SEPARATORS = re.compile(r"([&;])")
_NESTED_SEPARATORS = re.compile(r"[?&;#]")


def redact_url(
    url: str, names: frozenset[str] = frozenset(), secrets: Secrets | None = None
) -> str:
    """``url`` with its credentials replaced by ``REDACTED``.

    User info goes; so does the whole fragment (never sent to a server, it is where OAuth's implicit
    flow puts ``#access_token=``); a query parameter keeps its name and loses its value when the name
    is credential-like or one of ``names`` (a spec's API key parameters). Values in ``secrets`` are
    masked wherever they remain. A value of a redacted parameter is added to ``secrets``, so the same
    value elsewhere (a violation message quoting it) is masked too.
    """
    if "#" not in url and "?" not in url and "@" not in url:  # nothing to redact but secrets
        return secrets.mask(url) if secrets else url
    head, hash_mark, fragment = url.partition("#")
    if hash_mark and fragment:
        fragment = REDACTED
    path, question, query = head.partition("?")
    if "@" in path:
        path = _redact_userinfo(path, secrets)
    if question and query:
        query = redact_query(query, names, secrets)
    text = path + question + query + hash_mark + fragment
    return secrets.mask(text) if secrets else text


def redact_query(
    query: str, names: frozenset[str] = frozenset(), secrets: Secrets | None = None
) -> str:
    """A query string with the values of credential-like parameters replaced by ``REDACTED``."""
    pieces = _SEPARATORS.split(query)
    for index in range(0, len(pieces), 2):
        name, equals, value = pieces[index].partition("=")
        if equals and value and (is_secret_parameter(name, names) or _holds_credentials(value)):
            pieces[index] = f"{name}={REDACTED}"
            if secrets is not None:
                secrets.add(value)
                secrets.add(unquote_plus(value))
    return "".join(pieces)


def _holds_credentials(value: str) -> bool:
    """Whether a parameter's value embeds credential parameters of its own.

    A redirect target (``next=https://app/cb?access_token=...``, encoded or not) or a stray ``?``
    (``a=?token=...``) carries a credential inside an ordinary parameter's value.
    """
    if "=" not in value and "%3d" not in value.lower():
        return False
    decoded = unquote_plus(value) if "%" in value or "+" in value else value
    for piece in _NESTED_SEPARATORS.split(decoded):
        name, equals, inner = piece.partition("=")
        if equals and inner and is_credential_name(name):
            return True
    return False


def is_secret_parameter(name: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether the query parameter ``name`` (as written in a URL) carries a credential."""
    if is_credential_name(name):
        return True
    if "?" in name:
        # A stray "?" earlier in the URL (``/a?b?token=...``): the name after it is what counts.
        return is_secret_parameter(name.rsplit("?", 1)[1], names)
    if not names:
        return False
    decoded = unquote_plus(name).lower() if "%" in name or "+" in name else name.lower()
    return decoded in names or _BRACKETS.sub("", decoded) in names


def _redact_userinfo(head: str, secrets: Secrets | None) -> str:
    start = head.find("://")
    start = start + 3 if start >= 0 else 0
    end = head.find("/", start)
    end = len(head) if end < 0 else end
    at = head.rfind("@", start, end)
    if at < 0:
        return head
    if secrets is not None:
        userinfo = head[start:at]
        secrets.add(userinfo)
        _, colon, password = userinfo.partition(":")
        if colon and password:
            secrets.add(password)
    return f"{head[:start]}{REDACTED}@{head[at + 1 :]}"


def body_credentials(body: object, secrets: Secrets, limit: int = 1_000_000) -> None:
    """Add every value under a credential-like property name in ``body`` to ``secrets``.

    Walks at most ``limit`` values, without recursion (bodies may nest deeply). Only arrays and
    objects go on the stack: a scalar is decided where it is met.
    """
    stack: list[tuple[object, bool]] = [(body, False)]
    seen = 0
    while stack and seen < limit:
        value, under_secret = stack.pop()
        if isinstance(value, dict):
            seen += len(value)
            for key, item in value.items():
                secret = under_secret or is_credential_name(key if type(key) is str else str(key))
                if isinstance(item, (dict, list)):
                    stack.append((item, secret))
                elif secret and item is not None and not isinstance(item, bool):
                    secrets.add(str(item))
        elif isinstance(value, list):
            seen += len(value)
            for item in value:
                if isinstance(item, (dict, list)):
                    stack.append((item, under_secret))
                elif under_secret and item is not None and not isinstance(item, bool):
                    secrets.add(str(item))
        elif under_secret and value is not None and not isinstance(value, bool):
            secrets.add(str(value))
