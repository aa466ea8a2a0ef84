"""Reports of `specgen check`: text, JSON, JUnit XML and HTML.

Reporters receive verdicts one at a time and write as they go (or keep only aggregates), so a
recording of any size is reported in constant memory. URLs in verdicts are already redacted.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Generic, Protocol, TextIO, TypeVar

import jinja2
import markupsafe
import orjson

from generator.check.checker import Problem, Verdict
from generator.quoting import escape_unprintable
from generator.resources import default_templates

if TYPE_CHECKING:
    from generator.check.baseline import Entry


@dataclass
class Summary:
    """Counts of a check run."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    #: Whether a baseline was applied; then ``known`` counts the exchanges that passed with known
    #: problems only (apart from ``passed``), ``known_problems`` every known problem, and ``stale``
    #: holds the baseline's entries that matched nothing.
    baseline: bool = False
    known: int = 0
    known_problems: int = 0
    stale: tuple[Entry, ...] = ()

    def add(self, verdict: Verdict) -> None:
        if verdict.known:
            self.known_problems += len(verdict.known)
        if verdict.skipped:
            self.skipped += 1
        elif verdict.passed:
            if verdict.known:
                self.known += 1
            else:
                self.passed += 1
        else:
            self.failed += 1

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped + self.known

    def line(self) -> str:
        """``N passed, M failed`` (with a baseline ``, K known``; then ``, S skipped`` and
        ``, X stale`` when there are some)."""
        text = f"{self.passed} passed, {self.failed} failed"
        if self.baseline:
            text += f", {self.known} known"
        text += f", {self.skipped} skipped" if self.skipped else ""
        return text + (f", {len(self.stale)} stale" if self.stale else "")


class Reporter(Protocol):
    """Receives every verdict, then the summary."""

    def add(self, verdict: Verdict) -> None: ...

    def finish(self, summary: Summary) -> None: ...


def describe(verdict: Verdict) -> str:
    """``spec.operationId METHOD url -> status`` for a verdict (what is known of it)."""
    target = f"{verdict.spec}.{verdict.operation}" if verdict.operation else "-"
    request = f"{verdict.method} {verdict.url}".strip()
    status = f" -> {verdict.status}" if verdict.status is not None else ""
    return f"{target} {request}{status}".strip()


class TextReporter:
    """A line per exchange (PASS, FAIL with every problem, or SKIP), then the counts."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def add(self, verdict: Verdict) -> None:
        if verdict.skipped:
            state = "SKIP"
        elif verdict.passed:
            state = "PASS (known)" if verdict.known else "PASS"
        else:
            state = "FAIL"
        line = f"{state} {verdict.source} {describe(verdict)}"
        if verdict.test is not None:
            line = f"{state} {verdict.source} [test {verdict.test}] {describe(verdict)}"
        if verdict.problems:
            line += ": " + "; ".join(str(problem) for problem in verdict.problems)
        if verdict.known:
            line += " | known: " if verdict.problems else ": "
            line += "; ".join(str(problem) for problem in verdict.known)
        self.stream.write(clean_text(line) + "\n")

    def finish(self, summary: Summary) -> None:
        for entry in summary.stale:
            self.stream.write(clean_text(f"STALE baseline entry matched nothing: {entry}") + "\n")
        self.stream.write(summary.line() + "\n")


def verdict_json(verdict: Verdict) -> dict[str, object]:
    """The JSON form of a verdict, as `--format json` writes it (``known`` only when some are)."""
    form: dict[str, object] = {
        "source": verdict.source,
        "result": "skipped" if verdict.skipped else "passed" if verdict.passed else "failed",
        "spec": verdict.spec,
        "operation": verdict.operation,
        "method": verdict.method,
        "url": verdict.url,
        "status": verdict.status,
        "problems": [problem_json(p) for p in verdict.problems],
    }
    if verdict.known:
        form["known"] = [problem_json(p) for p in verdict.known]
    if verdict.test is not None:
        form["test"] = verdict.test
    return form


def problem_json(problem: Problem) -> dict[str, str]:
    """The JSON form of a problem."""
    return {
        "kind": problem.kind,
        "message": problem.message,
        "pointer": problem.pointer,
        "keyword": problem.keyword,
        "location": problem.location,
    }


class JsonReporter:
    """One JSON document, ``{"exchanges": [...], "summary": {...}}``, streamed as it goes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.first = True
        self.stream.write('{"exchanges": [')

    def add(self, verdict: Verdict) -> None:
        self.stream.write(("\n" if self.first else ",\n") + json_text(verdict_json(verdict)))
        self.first = False

    def finish(self, summary: Summary) -> None:
        counts: dict[str, object] = {
            "passed": summary.passed,
            "failed": summary.failed,
            "skipped": summary.skipped,
        }
        if summary.baseline:
            counts["known"] = summary.known
            counts["known_problems"] = summary.known_problems
            counts["stale"] = [entry.as_json() for entry in summary.stale]
        self.stream.write("\n], " + f'"summary": {json_text(counts)}' + "}\n")


# -- shared: recorded text made safe to show ----------------------------------------------------------


def clean_text(text: str) -> str:
    """``text`` with every non-printable character written as a visible escape (``\\x1b``).

    Non-printable, as :meth:`str.isprintable` says: controls (newline, CR, ESC, C1 such as NEL and
    CSI), line and paragraph separators, format characters (bidi controls, zero-width and tag
    characters: Trojan Source), surrogates, private-use and unassigned code points, and spaces other
    than U+0020. In a terminal they forge lines or run escape sequences; in XML most are forbidden;
    in HTML they are parse errors or reorder what is shown. Replaced rather than dropped: a NUL in a
    recorded URL is itself worth seeing. Every report format writes recorded text through this.
    """
    return escape_unprintable(text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON writes characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(value: object) -> str:
    """``value`` as compact JSON with every non-printable character \\u-escaped (same data).

    JSON allows C1 controls, U+2028/U+2029 and bidi controls raw; escaped, a report that is printed
    to a terminal or pasted into a page shows them as text instead of acting on them.
    """
    try:
        text = orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        # A lone surrogate cannot be encoded as UTF-8: write the visible escape of it instead.
        text = orjson.dumps(_surrogate_free(value)).decode()
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _json_escape(char) for char in text)


def _surrogate_free(value: object) -> object:
    """``value`` (a verdict's JSON form: shallow) with every string passed through clean_text."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _surrogate_free(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_surrogate_free(item) for item in value]
    return value


def _suite_of(verdict: Verdict) -> tuple[bool, str]:
    """(special, name): a spec's suite, or the "unreadable"/"unmatched" one for spec-less verdicts.

    ``special`` keeps a spec that happens to be named "unmatched" apart from the real bucket.
    """
    if verdict.spec is not None and verdict.operation is not None:
        return (False, verdict.spec)
    if any(problem.kind == "unreadable" for problem in verdict.problems):
        return (True, "unreadable")
    return (True, "unmatched")


# -- JUnit XML -------------------------------------------------------------------------------------

#: Bytes of testcases a suite keeps in memory before its spool moves to a temporary file.
JUNIT_SPOOL_BYTES = 1 << 20


def _attr(value: str) -> str:
    """``value`` as a double-quoted XML attribute value."""
    # Tab, LF and CR become character references so attribute-value normalisation (which turns
    # them into spaces) leaves them as they were. Chained str.replace, not saxutils.quoteattr:
    # this runs several times per exchange, and the C-level replaces are a few times faster.
    text = (
        clean_text(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    return f'"{text}"'


def _text(lines: Iterable[str]) -> str:
    """``lines`` as XML character data, one per line."""
    # Cleaned line by line, so the newlines joining them do not send every body down the slow
    # path of clean_text. CR as a reference: parsers would otherwise normalise CR LF to LF.
    text = "\n".join(map(clean_text, lines))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def _spool() -> IO[str]:
    """A text spool for testcases: UTF-8, no newline translation, on disk once it grows."""
    # Not a context manager: the spool lives from a suite's first exchange to finish(), which
    # closes it (the temporary file is deleted on close, or when collected if finish never runs).
    return tempfile.SpooledTemporaryFile(
        max_size=JUNIT_SPOOL_BYTES, mode="w+", encoding="utf-8", newline=""
    )


@dataclass
class _Suite:
    """One ``<testsuite>``: its counts, and its testcases spooled until :meth:`finish`."""

    name: str
    tests: int = 0
    failures: int = 0
    skipped: int = 0
    spool: IO[str] = field(default_factory=_spool)


class JunitReporter:
    """JUnit XML, as CI test reporters read it: a ``<testsuite>`` per spec, a testcase per exchange.

    Suites carry their counts as attributes, which are known only at the end, so each suite's
    testcases go to a temporary spool file as they arrive (in memory up to
    :data:`JUNIT_SPOOL_BYTES`, on disk after that) and are copied out behind the header at
    :meth:`finish`. Memory therefore stays flat whatever the number of exchanges. Exchanges
    without a spec go to a suite named "unmatched" or "unreadable".
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.suites: dict[tuple[bool, str], _Suite] = {}

    def add(self, verdict: Verdict) -> None:
        key = _suite_of(verdict)
        suite = self.suites.get(key)
        if suite is None:
            suite = self.suites[key] = _Suite(key[1])
        suite.tests += 1
        if verdict.operation is not None:
            classname = f"{verdict.spec}.{verdict.operation}"
        else:
            classname = suite.name
        name = " ".join(part for part in (verdict.source, verdict.method, verdict.url) if part)
        head = f"    <testcase classname={_attr(classname)} name={_attr(name)}"
        # One write per testcase: spool writes are the costly part of a large run.
        if verdict.skipped:
            suite.skipped += 1
            # --ignore-unmatched is what skips an exchange; say so where CI shows the reason.
            entry = f'{head}>\n      <skipped message="ignored: no operation matches"/>\n'
            entry += "    </testcase>\n"
        elif verdict.passed and not verdict.known:
            entry = f"{head}/>\n"
        elif verdict.passed:
            # Known problems only: a pass, the problems kept where CI shows a test's output.
            entry = f"{head}>\n{_known_out(verdict)}    </testcase>\n"
        else:
            suite.failures += 1
            problems = verdict.problems
            # Dashboards show ``message`` on one line and ``type`` as a category; the body keeps
            # every problem with its kind, one per line, for the detail view.
            message = "; ".join(str(problem) for problem in problems)
            kinds = ", ".join(dict.fromkeys(problem.kind for problem in problems))
            # What was requested, when known (an unreadable line has no method, URL or status).
            context = [describe(verdict)] if verdict.method else []
            body = _text([*context, *(f"{p.kind}: {p}" for p in problems)])
            entry = (
                f"{head}>\n      <failure message={_attr(message)} type={_attr(kinds)}>"
                f"{body}</failure>\n{_known_out(verdict)}    </testcase>\n"
            )
        suite.spool.write(entry)

    def finish(self, summary: Summary) -> None:
        # Spec suites in order of first appearance, then "unmatched" and "unreadable". (The sort
        # is stable, and spec suites all share the key (False, "").)
        suites = sorted(self.suites.items(), key=lambda item: (item[0][0], item[0][1] * item[0][0]))
        write = self.stream.write
        write('<?xml version="1.0" encoding="UTF-8"?>\n')
        write(
            f'<testsuites name="specgen check" tests="{summary.total}"'
            f' failures="{summary.failed}" errors="0" skipped="{summary.skipped}">\n'
        )
        for _, suite in suites:
            write(
                f'  <testsuite name={_attr(suite.name)} tests="{suite.tests}"'
                f' failures="{suite.failures}" errors="0" skipped="{suite.skipped}">\n'
            )
            suite.spool.seek(0)
            shutil.copyfileobj(suite.spool, self.stream)
            suite.spool.close()
            write("  </testsuite>\n")
        if summary.stale:
            # A suite of no tests: the warning travels with the report without changing its counts.
            write(
                '  <testsuite name="specgen baseline" tests="0" failures="0" errors="0"'
                ' skipped="0">\n    <system-err>'
                + _text(f"stale baseline entry matched nothing: {e}" for e in summary.stale)
                + "</system-err>\n  </testsuite>\n"
            )
        write("</testsuites>\n")
        self.suites.clear()


def _known_out(verdict: Verdict) -> str:
    """A testcase's ``<system-out>`` listing the problems a baseline knows (empty when none)."""
    if not verdict.known:
        return ""
    lines = _text(f"known {p.kind}: {p}" for p in verdict.known)
    return f"      <system-out>{lines}</system-out>\n"


# -- HTML ------------------------------------------------------------------------------------------

#: Failing exchanges kept, with their problems, per operation and per spec-less bucket.
HTML_SAMPLES = 20
#: Problems kept per sampled exchange (the rest are counted).
HTML_SAMPLE_PROBLEMS = 20
#: Rows of the most frequent failing pointers per operation.
HTML_TOP_POINTERS = 10
#: Distinct (kind, pointer, keyword, location) keys counted per operation before pruning.
HTML_TRACKED_POINTERS = 1000
#: Characters of the example message kept per tracked key (an enum's values can run long).
HTML_EXAMPLE_CHARS = 300


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


K = TypeVar("K", bound=Hashable)


class TopCounter(Generic[K]):
    """Counts keys in bounded memory, for "most frequent" lists over unbounded streams.

    Pointers into arrays (``/items/17/name``) or maps keyed by ids can be distinct for every
    exchange, so an exact ``Counter`` would grow with the recording. Once ``capacity`` keys are
    held, the least frequent half is dropped; frequent keys survive, and :attr:`approximate`
    says the counts may be low for keys that were dropped and came back.
    """

    def __init__(self, capacity: int = HTML_TRACKED_POINTERS) -> None:
        self.capacity = capacity
        self.counts: Counter[K] = Counter()
        #: The first message seen for each key, shown next to it.
        self.examples: dict[K, str] = {}
        self.approximate = False

    def add(self, key: K, example: str) -> None:
        counts = self.counts
        if key not in counts:
            if len(counts) >= self.capacity:
                self._prune()
            self.examples[key] = example
        counts[key] += 1

    def _prune(self) -> None:
        keep = self.counts.most_common(self.capacity // 2)
        self.counts = Counter(dict(keep))
        self.examples = {key: self.examples[key] for key, _ in keep}
        self.approximate = True

    def top(self, n: int) -> list[tuple[K, int, str]]:
        """The ``n`` most frequent keys with their counts and example messages."""
        return [(key, count, self.examples[key]) for key, count in self.counts.most_common(n)]


@dataclass(frozen=True, slots=True)
class SampleView:
    """A failing exchange as the HTML report shows it (its problems capped)."""

    source: str
    method: str
    url: str
    status: int | None
    problems: tuple[Problem, ...]
    more_problems: int

    @classmethod
    def of(cls, verdict: Verdict) -> SampleView:
        problems = verdict.problems[:HTML_SAMPLE_PROBLEMS]
        more = len(verdict.problems) - len(problems)
        return cls(verdict.source, verdict.method, verdict.url, verdict.status, problems, more)


@dataclass(frozen=True, slots=True)
class PointerRow:
    """One row of an operation's most frequent failing pointers."""

    count: int
    kind: str
    pointer: str
    keyword: str
    location: str
    example: str


@dataclass
class OperationStats:
    """What the HTML report keeps of one operation (or spec-less bucket): bounded aggregates."""

    title: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    pointers: TopCounter[tuple[str, str, str, str]] = field(default_factory=TopCounter)
    samples: list[SampleView] = field(default_factory=list)
    #: Exchanges that passed with known problems only, and every known problem by where it is.
    known: int = 0
    known_pointers: TopCounter[tuple[str, str, str, str]] = field(default_factory=TopCounter)

    def add(self, verdict: Verdict) -> None:
        if verdict.skipped:
            self.skipped += 1
            return
        for problem in verdict.known:
            key = (problem.kind, problem.pointer, problem.keyword, problem.location)
            self.known_pointers.add(key, _shorten(problem.message, HTML_EXAMPLE_CHARS))
        if verdict.passed:
            if verdict.known:
                self.known += 1
            else:
                self.passed += 1
            return
        self.failed += 1
        for problem in verdict.problems:
            self.kinds[problem.kind] += 1
            key = (problem.kind, problem.pointer, problem.keyword, problem.location)
            self.pointers.add(key, _shorten(problem.message, HTML_EXAMPLE_CHARS))
        if len(self.samples) < HTML_SAMPLES:
            self.samples.append(SampleView.of(verdict))

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped + self.known

    @property
    def pass_percent(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 0.0

    def top_pointers(self, n: int = HTML_TOP_POINTERS) -> list[PointerRow]:
        """The most frequent failing (kind, pointer, keyword, location), most frequent first."""
        return [PointerRow(count, *key, example) for key, count, example in self.pointers.top(n)]

    def top_known(self, n: int = HTML_TOP_POINTERS) -> list[PointerRow]:
        """The most frequent known problems, as :meth:`top_pointers` lists failing ones."""
        top = self.known_pointers.top(n)
        return [PointerRow(count, *key, example) for key, count, example in top]


def _finalize(value: object) -> object:
    # Applied to every ``{{ ... }}`` before autoescaping: no template expression can emit a
    # control character, whichever field it shows. Markup (a macro's output) is left alone: it was
    # finalized expression by expression when rendered, and re-cleaning would strip its safe flag.
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return clean_text(value)
    return value


@functools.lru_cache(maxsize=4)
def _page_template(folder: Path) -> jinja2.Template:
    """The report page's template, compiled once per process (compiling costs ~0.1 s)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("check.html.jinja")


class HtmlReporter:
    """One self-contained HTML page: summary, a section per operation, spec-less exchanges.

    Rendered at :meth:`finish` through ``templates/report/check.html.jinja`` with autoescaping on.
    Until then only bounded aggregates are kept (counts, capped pointer counters, the first
    :data:`HTML_SAMPLES` failures per operation), so memory stays flat whatever the number of
    exchanges. The page has inline CSS only: no scripts, no external assets.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        # Loaded now, so a missing template fails before any exchange is checked.
        self.template = _page_template(default_templates() / "report")
        self.operations: dict[tuple[str, str], OperationStats] = {}
        self.unmatched = OperationStats("unmatched")
        self.unreadable = OperationStats("unreadable")

    def add(self, verdict: Verdict) -> None:
        if verdict.spec is not None and verdict.operation is not None:
            key = (verdict.spec, verdict.operation)
            stats = self.operations.get(key)
            if stats is None:
                stats = self.operations[key] = OperationStats(f"{key[0]}.{key[1]}")
        elif _suite_of(verdict)[1] == "unreadable":
            stats = self.unreadable
        else:
            stats = self.unmatched
        stats.add(verdict)

    def finish(self, summary: Summary) -> None:
        # Worst first: the operations a reader should look at head the page.
        operations = sorted(self.operations.values(), key=lambda op: (-op.failed, op.title))
        pass_percent = 100.0 * summary.passed / summary.total if summary.total else 0.0
        for chunk in self.template.generate(
            summary=summary,
            pass_percent=pass_percent,
            operations=operations,
            unmatched=self.unmatched,
            unreadable=self.unreadable,
        ):
            self.stream.write(chunk)


#: Reporter classes by ``--format``.
REPORTERS: dict[str, Callable[[TextIO], Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "junit": JunitReporter,
    "html": HtmlReporter,
}
