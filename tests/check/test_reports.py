"""`specgen check --format junit|html`: what CI systems and people get to read.

The verdicts are built by hand, so each test shows exactly what goes in and what comes out: a
JUnit XML document a CI test reporter can parse, and a self-contained HTML page.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.check import reports as check_report
from generator.check.checker import Problem, Verdict
from generator.check.reports import (
    REPORTERS,
    HtmlReporter,
    JunitReporter,
    Reporter,
    Summary,
    TopCounter,
    clean_text,
)
from tests.paths import ROOT

JOB_URL = "https://worker.anon.com/api/v2/jobs/3c90c3cc-0d44-4b50-8888-8dd25736052a"
HOSTILE = "<script>alert(\"x\" & 'y')</script>\x00\x1b"


# -- verdicts, as the checker would produce them ---------------------------------------------------


def passed(source: str = "rec.jsonl:1", spec: str = "anon", op: str = "getJobById") -> Verdict:
    return Verdict(source, spec, op, "GET", JOB_URL, 200, ())


def schema(pointer: str, keyword: str = "type", line: int = 70) -> Problem:
    return Problem("schema", f"{pointer} is wrong", pointer, keyword, f"specs/anon.yaml:{line}")


def failed(
    *problems: Problem, source: str = "rec.jsonl:2", spec: str = "anon", op: str = "getJobById"
) -> Verdict:
    return Verdict(source, spec, op, "GET", JOB_URL, 200, problems)


def skipped(source: str = "rec.jsonl:3") -> Verdict:
    """An unmatched exchange under ``--ignore-unmatched``."""
    return Verdict(source, None, None, "GET", "https://worker.anon.com/nope", 200, (), True)


def unmatched(source: str = "rec.jsonl:4", url: str = "https://worker.anon.com/nope") -> Verdict:
    problem = Problem("unmatched", f"no operation of anon matches GET {url}")
    return Verdict(source, None, None, "GET", url, 200, (problem,))


def unreadable(source: str = "rec.jsonl:5") -> Verdict:
    problem = Problem("unreadable", "not JSON: invalid literal: line 1 column 1 (char 0)")
    return Verdict(source, None, None, "", "", None, (problem,))


def report(make: Callable[[io.StringIO], Reporter], verdicts: Iterable[Verdict]) -> str:
    """Run a reporter over ``verdicts`` the way `api.check` does and return what it wrote."""
    stream = io.StringIO()
    reporter = make(stream)
    summary = Summary()
    for verdict in verdicts:
        summary.add(verdict)
        reporter.add(verdict)
    reporter.finish(summary)
    return stream.getvalue()


MIXED = [
    passed("rec.jsonl:1"),
    failed(schema("/createdAt", "format", 71), schema("/name"), source="rec.jsonl:2"),
    passed("rec.jsonl:3"),
    Verdict(
        "rec.jsonl:4",
        "sitehost",
        "getJob",
        "GET",
        "https://api.sitehost.nz/1.5/job/get.json?apikey=REDACTED",
        418,
        (Problem("status", "status 418 is not declared (declared: 200)"),),
    ),
    passed("rec.jsonl:5", "sitehost", "getJob"),
    skipped("rec.jsonl:6"),
    unmatched("rec.jsonl:7"),
    unreadable("rec.jsonl:8"),
]


def test_both_formats_are_registered() -> None:
    assert REPORTERS["junit"] is JunitReporter
    assert REPORTERS["html"] is HtmlReporter


# -- JUnit XML -------------------------------------------------------------------------------------


def junit(verdicts: Iterable[Verdict]) -> ET.Element:
    return ET.fromstring(report(JunitReporter, verdicts))


def counts(element: ET.Element) -> dict[str, str]:
    return {name: element.get(name, "") for name in ("tests", "failures", "skipped")}


def test_junit_has_a_suite_per_spec_then_unmatched_and_unreadable_with_their_counts() -> None:
    root = junit(MIXED)

    assert root.tag == "testsuites"
    assert counts(root) == {"tests": "8", "failures": "4", "skipped": "1"}
    suites = {suite.get("name"): counts(suite) for suite in root.iter("testsuite")}
    assert list(suites) == ["anon", "sitehost", "unmatched", "unreadable"]
    assert suites["anon"] == {"tests": "3", "failures": "1", "skipped": "0"}
    assert suites["sitehost"] == {"tests": "2", "failures": "1", "skipped": "0"}
    assert suites["unmatched"] == {"tests": "2", "failures": "1", "skipped": "1"}
    assert suites["unreadable"] == {"tests": "1", "failures": "1", "skipped": "0"}
    # Each suite's counts agree with its testcases.
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("skipped", "")) == sum(c.find("skipped") is not None for c in cases)


def test_junit_testcase_is_named_by_operation_and_exchange_and_lists_every_problem() -> None:
    root = junit(MIXED)
    case = root.findall("testsuite/testcase")[1]

    assert case.get("classname") == "anon.getJobById"
    assert case.get("name") == f"rec.jsonl:2 GET {JOB_URL}"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "schema"
    message = failure.get("message", "")
    # Pointer, keyword and spec location of every problem, in the one-line message...
    assert "/createdAt: /createdAt is wrong [format at specs/anon.yaml:71]" in message
    assert "/name: /name is wrong [type at specs/anon.yaml:70]" in message
    # ...and one line per problem, with its kind, in the body.
    assert (failure.text or "").splitlines() == [
        f"anon.getJobById GET {JOB_URL} -> 200",
        "schema: /createdAt: /createdAt is wrong [format at specs/anon.yaml:71]",
        "schema: /name: /name is wrong [type at specs/anon.yaml:70]",
    ]


def test_junit_passes_skips_and_spec_less_exchanges() -> None:
    cases = {case.get("name"): case for case in junit(MIXED).iter("testcase")}

    ok = cases[f"rec.jsonl:1 GET {JOB_URL}"]
    assert list(ok) == []
    skip = cases["rec.jsonl:6 GET https://worker.anon.com/nope"]
    assert skip.get("classname") == "unmatched"
    assert [child.tag for child in skip] == ["skipped"]
    lost = cases["rec.jsonl:7 GET https://worker.anon.com/nope"]
    assert lost.find("failure") is not None
    assert lost.find("failure").get("type") == "unmatched"  # type: ignore[union-attr]
    broken = cases["rec.jsonl:8"]
    assert broken.get("classname") == "unreadable"
    assert broken.find("failure").text == (  # type: ignore[union-attr]
        "unreadable: not JSON: invalid literal: line 1 column 1 (char 0)"
    )


def test_junit_escapes_hostile_text_and_replaces_what_xml_cannot_hold() -> None:
    url = f"https://x.test/a?q={HOSTILE}\udc80"
    problem = Problem("schema", f"bad {HOSTILE}\r\nline", "/a&b", "type", "specs/anon.yaml:1")
    verdict = replace(failed(problem, source=f"rec\t{HOSTILE}"), url=url)
    text = report(JunitReporter, [verdict])

    assert "<script>" not in text
    assert "\x00" not in text and "\x1b" not in text
    case = ET.fromstring(text).find("testsuite/testcase")
    assert case is not None
    # Everything comes back exactly, except controls and what XML 1.0 forbids, shown as escapes:
    # a recorded CR LF cannot start a line of its own in the failure text.
    visible = "<script>alert(\"x\" & 'y')</script>\\x00\\x1b"
    assert case.get("name") == f"rec\\x09{visible} GET https://x.test/a?q={visible}\\udc80"
    failure = case.find("failure")
    assert failure is not None
    assert (
        failure.get("message") == f"/a&b: bad {visible}\\x0d\\x0aline [type at specs/anon.yaml:1]"
    )
    assert f"bad {visible}\\x0d\\x0aline" in (failure.text or "")


def test_junit_output_is_the_same_when_suites_spill_to_disk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    verdicts = MIXED * 50
    in_memory = report(JunitReporter, verdicts)
    monkeypatch.setattr(check_report, "JUNIT_SPOOL_BYTES", 64)

    assert report(JunitReporter, verdicts) == in_memory


# -- HTML ------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """What a reader sees of a report page: its tables (by class) as rows of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.attributes: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("class") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html(verdicts: Iterable[Verdict]) -> str:
    return report(HtmlReporter, verdicts)


def test_html_shows_the_summary_then_a_row_per_operation() -> None:
    text = html(MIXED)
    page = Page(text)

    assert "<title>specgen check: 3 passed, 4 failed, 1 skipped</title>" in text
    assert text.index("3 passed, 4 failed, 1 skipped") < text.index("<h2>Operations</h2>")
    # Operations with failures first; counts passed / failed / skipped.
    assert [row[:4] for row in page.tables["overview"][1:]] == [
        ["anon.getJobById", "2", "1", "0"],
        ["sitehost.getJob", "1", "1", "0"],
    ]
    # Each operation's own counts table.
    assert page.tables["counts"][1] == ["3", "2", "1", "0", "66.7%"]


def test_html_lists_the_most_frequent_failing_pointer_first_with_its_count() -> None:
    verdicts = [
        *(failed(schema("/name")) for _ in range(2)),
        *(failed(schema("/createdAt", "format", 71), schema("/name")) for _ in range(5)),
        failed(Problem("status", "status 418 is not declared")),
        passed(),
    ]
    page = Page(html(verdicts))

    rows = page.tables["pointers"]
    assert rows[0] == ["Count", "Pointer", "Keyword", "Spec location", "Kind", "Example"]
    assert rows[1] == ["7", "/name", "type", "specs/anon.yaml:70", "schema", "/name is wrong"]
    assert rows[2][:4] == ["5", "/createdAt", "format", "specs/anon.yaml:71"]
    assert rows[3][:2] == ["1", "(whole response)"]


def test_html_keeps_the_first_twenty_failures_of_an_operation_with_their_problems() -> None:
    verdicts = [failed(schema(f"/items/{i}"), source=f"rec.jsonl:{i}") for i in range(50)]
    text = html(verdicts)
    page = Page(text)

    assert "Failing exchanges: the first 20 of 50" in text
    samples = page.tables["samples"][1:]
    assert [row[0] for row in samples] == [f"rec.jsonl:{i}" for i in range(20)]
    assert samples[0][1:] == [
        f"GET {JOB_URL}",
        "200",
        "schema /items/0 /items/0 is wrong type at specs/anon.yaml:70",
    ]


def test_html_has_a_section_for_unmatched_and_unreadable_exchanges() -> None:
    text = html(MIXED)
    page = Page(text)

    section = text[text.index("<h2>Unmatched / unreadable</h2>") :]
    assert "Unmatched exchanges (1)" in section and "Unreadable records (1)" in section
    unmatched_row, unreadable_row = page.tables["counts"][-2:]
    assert unmatched_row[:3] == ["unmatched", "1", "1"]
    assert unreadable_row[:3] == ["unreadable", "1", "0"]
    assert ["rec.jsonl:7", "GET https://worker.anon.com/nope", "200"] in [
        row[:3] for row in page.tables["samples"]
    ]


def test_html_escapes_hostile_text() -> None:
    problem = Problem("schema", f"bad {HOSTILE}", f"/{HOSTILE}", "type", "specs/anon.yaml:1")
    text = html([failed(problem, source=HOSTILE), unmatched(url=f"https://x.test/{HOSTILE}")])

    assert "<script" not in text
    assert "\x00" not in text and "\x1b" not in text
    assert "&lt;script&gt;alert(&#34;x&#34; &amp; &#39;y&#39;)&lt;/script&gt;\\x00\\x1b" in text
    page = Page(text)
    assert "script" not in page.tags
    visible = "<script>alert(\"x\" & 'y')</script>\\x00\\x1b"
    assert page.tables["pointers"][1][1] == f"/{visible}"


def test_html_is_self_contained_with_no_scripts_or_external_references() -> None:
    text = html([*MIXED, unmatched(url='https://cdn.test/x.js" src="https://cdn.test/y.js')])
    page = Page(text)

    assert not page.tags & {"script", "link", "img", "iframe", "object", "embed"}
    for tag, name, value in page.attributes:
        assert name not in ("src", "srcset", "action"), (tag, name)
        assert not name.startswith("on"), (tag, name)  # no inline event handlers either
        if name == "href":
            assert value.startswith("#"), value  # in-page anchors only
        assert "http" not in value.lower(), (tag, name, value)
    assert "@import" not in text and "url(" not in text
    # The exchanges' URLs are there, as text.
    assert "https://cdn.test/x.js&#34; src=&#34;https://cdn.test/y.js" in text


def test_pointer_counts_stay_bounded_and_say_so_when_approximate() -> None:
    counter: TopCounter[str] = TopCounter(capacity=100)
    for i in range(10_000):
        counter.add(f"/items/{i}", "once")
        counter.add("/name", "always")

    assert len(counter.counts) <= 100
    assert counter.top(1) == [("/name", 10_000, "always")]
    assert counter.approximate
    verdicts = (failed(schema(f"/items/{i}")) for i in range(2_000))
    assert "counts may be slightly low" in html(verdicts)


# -- memory ----------------------------------------------------------------------------------------


class Sink(io.StringIO):
    """A stream that counts what it is given and keeps none of it."""

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def many(n: int) -> Iterator[Verdict]:
    """``n`` verdicts, a quarter failing at a pointer of their own, made one at a time."""
    for i in range(n):
        if i % 4:
            yield Verdict(
                f"big.jsonl:{i}", "anon", "getJobById", "GET", f"{JOB_URL}?i={i}", 200, ()
            )
        else:
            yield failed(schema(f"/items/{i}/name"), schema("/createdAt"), source=f"big.jsonl:{i}")


EXCHANGES = 100_000


@pytest.mark.parametrize("make", [JunitReporter, HtmlReporter], ids=["junit", "html"])
def test_memory_stays_flat_whatever_the_number_of_exchanges(
    make: Callable[[io.StringIO], Reporter],
) -> None:
    # 8,000 distinct verdicts (2,000 failing pointers, more than the HTML report tracks), made
    # before tracing starts and cycled: tracemalloc then measures the reporter, not the test's own
    # allocations. The reporters peak at 1-2 MB; keeping the JUnit output (26 MB for 100,000
    # exchanges) or every verdict in memory instead would break the 10 MB bound.
    pool = list(many(8_000))
    sink = Sink()
    tracemalloc.start()
    try:
        reporter = make(sink)
        summary = Summary()
        for verdict in itertools.islice(itertools.cycle(pool), EXCHANGES):
            summary.add(verdict)
            reporter.add(verdict)
        reporter.finish(summary)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert summary.failed == EXCHANGES // 4
    assert sink.chars > 0
    assert peak < 10 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for {EXCHANGES:,} exchanges"


# -- end to end ------------------------------------------------------------------------------------

JOB = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "name": "n",
    "createdAt": "2023-11-07T05:31:56Z",
    "updatedAt": None,
    "organizationId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "sourceProvider": "s",
    "createdByUserId": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "updatedByUserId": None,
    "jobConfigJson": {},
}


def exchange(url: str, body: object) -> str:
    response = {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body}
    return json.dumps({"request": {"method": "GET", "url": url}, "response": response})


def specgen_check(recording: Path, *args: str) -> subprocess.CompletedProcess[str]:
    spec = str(ROOT / "specs" / "anon.yaml")
    return subprocess.run(
        [sys.executable, "-m", "generator", "check", str(recording), "--spec", spec, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """One valid job, one with a date-time that is not one, one URL no operation serves."""
    lines = [
        exchange(JOB_URL, JOB),
        exchange(JOB_URL, {**JOB, "createdAt": "yesterday"}),
        exchange("https://worker.anon.com/api/v2/nope", {}),
    ]
    path = tmp_path / "recording.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_writes_junit_and_exits_1_when_an_exchange_fails(recording: Path) -> None:
    result = specgen_check(recording, "--format", "junit")

    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == "1 passed, 2 failed"
    root = ET.fromstring(result.stdout)
    suites = {suite.get("name"): counts(suite) for suite in root.iter("testsuite")}
    assert suites == {
        "anon": {"tests": "2", "failures": "1", "skipped": "0"},
        "unmatched": {"tests": "1", "failures": "1", "skipped": "0"},
    }
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("type") == "schema"
    assert "/createdAt" in failure.get("message", "")
    assert "specs/anon.yaml:" in failure.get("message", "")


def test_cli_writes_html_to_a_file(recording: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = specgen_check(recording, "--format", "html", "-o", str(out))

    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    page = Page(out.read_text(encoding="utf-8"))
    assert page.tables["overview"][1][:4] == ["anon.getJobById", "1", "1", "0"]
    assert page.tables["pointers"][1][1] == "/createdAt"
    assert page.tables["counts"][-2][:2] == ["unmatched", "1"]


def test_cli_exits_0_when_every_exchange_passes(tmp_path: Path) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text(exchange(JOB_URL, JOB) + "\n", encoding="utf-8")

    result = specgen_check(path, "--format", "junit")

    assert result.returncode == 0, result.stderr
    assert counts(ET.fromstring(result.stdout)) == {"tests": "1", "failures": "0", "skipped": "0"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\tb\nc\rd", "a\\x09b\\x0ac\\x0dd"),  # no recorded text starts a line of its own
        ("\x00\x08\x0b\x7f\ufffe\udc80", "\\x00\\x08\\x0b\\x7f\\ufffe\\udc80"),
        ("\x1b[2J\x9b31m", "\\x1b[2J\\x9b31m"),  # ESC and C1 CSI: no terminal escape runs
        ("a\u2028b\u2029c\x85d", "a\\u2028b\\u2029c\\x85d"),  # Unicode line breaks
        ("admin\u202e\u2066txt", "admin\\u202e\\u2066txt"),  # bidi controls (Trojan Source)
        ("a\u200bb\U000e0041c", "a\\u200bb\\U000e0041c"),  # zero-width and tag characters
        ("café 東京 ünïcode", "café 東京 ünïcode"),  # printable text is left alone
    ],
)
def test_clean_text_shows_every_control_as_an_escape(text: str, shown: str) -> None:
    assert clean_text(text) == shown
