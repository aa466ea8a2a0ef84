"""Property-based fuzzing of `specgen check`: random hostile recordings through every report format.

Recordings are drawn from hostile alphabets (quotes, backslashes, controls, NUL, U+2028, bidi and
zero-width characters, huge numbers, deep nesting) with credentials placed wherever recordings carry
them: credential-like query names in every spelling, fragments, user info, ``Authorization``,
``Cookie`` and API key headers, body properties, and values equal to a header's credential anywhere
else. Every credential starts with :data:`MARK`, so a report that shows one (whole or cut) is caught.

A *finding* is any exception, an "internal error", a credential in a report, a raw non-printable
character or a forged line in the text report, or a JSON, JUnit or HTML report that does not parse.
CI runs a fixed, derandomized budget; ``benchmarks/fuzz_check.py`` runs the same property for as
many examples as asked and counts what it finds.
"""

from __future__ import annotations

import base64
import io
import json
import traceback
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check.checker import Checker, Verdict
from generator.check.exchanges import parse_line
from generator.check.reports import REPORTERS, Summary
from tests.check.credentials import CREDENTIAL_NAMES
from tests.paths import ROOT, SPECS

MARK = "S3CR3T"
HOSTILE_SPEC = ROOT / "tests" / "hostile" / "check" / "hostile.yaml"
SERVERS = [
    "https://xxxxx.hostile.test/fgh",
    "https://AAAAA.Hostile.Test/fgh",
    "https://worker.anon.com/api/v2",
    "https://unknown.test",
    "http://127.0.0.1:80",
    "",
]
PATHS = [
    "/session",
    "/items",
    "/tree",
    "/text",
    "/adjacent/abcdefgh/end",
    "/jobs/3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "/jobs",
]
HOSTILE_CHARS = [
    '"',
    "'",
    "\\",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\xa0",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\U000e0041",
    "%",
    "&",
    "#",
    "?",
    "=",
    ";",
    "/",
    "@",
    "[",
    "]",
    "{",
    "}",
    "+",
    " ",
    "é",
    "東",
    "a",
    "Z",
    "0",
]
ORDINARY_NAMES = ["id", "kind", "note", "user", "name", "q", "limit", "type", "items", "status"]

hostile_text = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE_CHARS), st.characters()), max_size=24
)
#: A credential: MARK and a tail that a URL, a header and a JSON message each write differently.
secret = st.builds(
    lambda tail: MARK + tail,
    st.text(
        alphabet=st.sampled_from([*"abcXYZ0189-_.~+/=\"'\\é東\x1b\x7f\u2028", "\n"]),
        min_size=4,
        max_size=16,
    ),
)


@st.composite
def credential_name(draw: st.DrawFn) -> str:
    """A credential-like name in one of the spellings a recording may use."""
    name = draw(st.sampled_from(CREDENTIAL_NAMES))
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    name = case(name)
    if draw(st.booleans()):
        name = name.replace("_", "%5F")
    return name + draw(st.sampled_from(["", "", "[]", "[0]"]))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=10**20, max_value=10**40),  # unreadable for orjson: refused alone
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(hostile_text, st.sampled_from(ORDINARY_NAMES)), children, max_size=4
        ),
    ),
    max_leaves=16,
)


@st.composite
def exchange_line(draw: st.DrawFn) -> tuple[str, list[str]]:
    """One JSON Lines exchange, and the credentials it carries."""
    secrets: list[str] = []

    def new_secret() -> str:
        value = draw(secret)
        secrets.append(value)
        return value

    # Request headers first: their credentials may reappear anywhere else.
    headers: dict[str, str] = {}
    kinds = st.lists(st.sampled_from(["authorization", "cookie", "key"]), max_size=3, unique=True)
    for kind in draw(kinds):
        value = new_secret()
        if kind == "authorization" and draw(st.booleans()):
            headers["Authorization"] = f"Bearer {value}"
        elif kind == "authorization":
            encoded = base64.b64encode(f"user:{value}".encode()).decode()
            headers["Authorization"] = f"Basic {encoded}"
        elif kind == "cookie":
            headers["Cookie"] = f"theme=dark; sid={value}"
        else:
            headers["X-Api-Key"] = value
    header_secrets = list(secrets)

    server = draw(st.sampled_from(SERVERS))
    if server and draw(st.integers(0, 9)) == 0:
        server = server.replace("://", f"://user:{quote(new_secret(), safe='')}@", 1)
    path = draw(st.one_of(st.sampled_from(PATHS), hostile_text.map(lambda t: "/" + t)))
    if header_secrets and draw(st.booleans()):
        path += "/" + quote(draw(st.sampled_from(header_secrets)), safe="")
    query = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            query.append(f"{draw(credential_name())}={quote(new_secret(), safe='')}")
        else:
            name = draw(st.sampled_from(ORDINARY_NAMES))
            query.append(f"{name}={quote(draw(hostile_text), safe='', errors='surrogatepass')}")
    url = server + path + ("?" + "&".join(query) if query else "")
    if draw(st.booleans()):
        url += "#" + draw(st.sampled_from(["access_token=", "id_token=", "", "x&code="]))
        url += quote(new_secret(), safe="=&")

    body: Any = draw(json_values)
    if draw(st.booleans()):
        # Credentials under credential-like names, at some depth, next to ordinary values.
        body = {
            "kind": draw(st.sampled_from(["session", "other"])),
            draw(credential_name()).replace("%5F", "_"): new_secret(),
            "note": draw(st.sampled_from(header_secrets)) if header_secrets else draw(hostile_text),
            "user": {draw(credential_name()).replace("%5F", "_"): [new_secret()]},
            "data": body,
        }
    depth = draw(st.sampled_from([0, 0, 0, 5, 127, 129, 300, 900]))
    for _ in range(depth):
        body = [body]
    as_text = draw(st.booleans())
    response = {
        "status": draw(st.sampled_from([200, 200, 201, 404, 500, 418, 99, "200", None])),
        "headers": {"content-type": draw(st.sampled_from(["application/json", "text/plain"]))},
        "body": json.dumps(body) if as_text else body,
    }
    method = draw(st.sampled_from(["GET", "get", "POST", "HEAD"]) | hostile_text)
    record = {"request": {"method": method, "url": url, "headers": headers}, "response": response}
    if draw(st.integers(0, 19)) == 0:
        return draw(hostile_text), secrets  # not an exchange at all
    return json.dumps(record), secrets


recordings = st.lists(exchange_line(), min_size=1, max_size=4)

_checker: Checker | None = None


def checker() -> Checker:
    """The checker the fuzzer uses: the hostile spec and a shipped one (built once)."""
    global _checker
    if _checker is None:
        _checker = Checker([HOSTILE_SPEC, SPECS / "anon.yaml"])
    return _checker


def findings(lines: list[tuple[str, list[str]]]) -> list[str]:
    """What is wrong when ``lines`` are checked and reported in every format (empty: nothing)."""
    found: list[str] = []
    try:
        verdicts: list[Verdict] = [
            checker().check(parse_line(line, f"fuzz.jsonl:{number}"))
            for number, (line, _) in enumerate(lines, 1)
        ]
    except Exception as exc:
        return [f"crash in check: {type(exc).__name__}: {_where(exc)}"]
    for report_format, reporter_class in REPORTERS.items():
        stream = io.StringIO()
        try:
            reporter = reporter_class(stream)
            summary = Summary()
            for verdict in verdicts:
                summary.add(verdict)
                reporter.add(verdict)
            reporter.finish(summary)
        except Exception as exc:
            found.append(f"crash in {report_format}: {type(exc).__name__}: {_where(exc)}")
            continue
        found += _report_findings(report_format, stream.getvalue(), len(verdicts))
    return found


def _report_findings(report_format: str, text: str, count: int) -> list[str]:
    found = []
    if MARK in text:
        found.append(f"credential in the {report_format} report")
    if "internal error" in text:
        found.append(f"internal error in the {report_format} report")
    if report_format == "text":
        lines = text.split("\n")
        if len(lines) != count + 2 or lines[-1]:
            found.append("a forged line in the text report")
        if any(not line.isprintable() for line in lines):
            found.append("a raw non-printable character in the text report")
    elif report_format == "json":
        try:
            if len(json.loads(text)["exchanges"]) != count:
                found.append("exchanges missing from the json report")
        except ValueError as exc:
            found.append(f"the json report does not parse: {exc}")
    elif report_format == "junit":
        try:
            if len(ET.fromstring(text).findall(".//testcase")) != count:
                found.append("testcases missing from the junit report")
        except ET.ParseError as exc:
            found.append(f"the junit report does not parse: {exc}")
    elif not text.rstrip().endswith("</html>"):
        found.append("the html report is cut short")
    return found


def _where(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{exc} at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(recordings)
def test_random_hostile_recordings_find_nothing(lines: list[tuple[str, list[str]]]) -> None:
    assert findings(lines) == []
