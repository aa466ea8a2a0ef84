"""The ``specgen`` command line: parse arguments, call :mod:`generator.api`, map outcomes to exit codes.

Exit codes: 0 all good, 1 findings (an invalid spec), 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from generator import __version__, api, config
from generator.errors import SpecgenError, display_path, shown
from generator.spec.limits import SpecLimits
from generator.validate import report

if TYPE_CHECKING:
    from generator.check.checker import Verdict
    from generator.check.reports import Reporter, Summary

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="specgen", description="Validate hand-written OpenAPI specs and build on them."
    )
    parser.add_argument("--version", action="version", version=f"specgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check specs with openapi-spec-validator and specgen's lint rules"
    )
    validate.add_argument(
        "targets",
        nargs="*",
        type=Path,
        metavar="SPEC|DIR",
        help="spec files or folders (default: specs/)",
    )
    validate.add_argument("--format", choices=("text", "json"), default="text")
    # Flags the configuration can set default to None: only a flag given overrides it.
    validate.add_argument(
        "--strict", action="store_true", default=None, help="fail on warnings too"
    )

    generate = commands.add_parser(
        "generate", help="write a typed httpx client package per spec (pydantic v2 models)"
    )
    generate.add_argument(
        "targets",
        nargs="*",
        type=Path,
        metavar="SPEC|DIR",
        help="spec files or folders (default: specs/)",
    )
    generate.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output folder (default: generated/)",
    )
    # --watch runs until Ctrl-C; --check answers once: one or the other.
    mode = generate.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the output folder is stale"
    )
    mode.add_argument(
        "--watch",
        action="store_true",
        help="generate again whenever a spec, a file it $refs or a template changes (Ctrl-C stops)",
    )
    generate.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="a folder whose python/ templates override specgen's",
    )

    bundle = commands.add_parser(
        "bundle", help="write one self-contained OpenAPI file and one JSON Schema per spec"
    )
    bundle.add_argument(
        "targets",
        nargs="*",
        type=Path,
        metavar="SPEC|DIR",
        help="spec files or folders (default: specs/)",
    )
    bundle.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    bundle.add_argument("--format", choices=("json", "yaml"), default="json")

    diff = commands.add_parser(
        "diff", help="list what changed between two versions of a spec, breaking or not"
    )
    diff.add_argument("old", metavar="OLD", help="a spec file, or PATH@REV for a git revision")
    diff.add_argument("new", metavar="NEW", help="a spec file, or PATH@REV for a git revision")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.add_argument(
        "--fail-on", choices=("breaking",), default=None, help="exit 1 when a change is breaking"
    )

    for reads_specs in (validate, generate, bundle, diff):
        _add_limit_flags(reads_specs)
    for cached in (validate, generate):
        _add_run_flags(cached)

    check = commands.add_parser(
        "check", help="check recorded exchanges (.har, .json, .jsonl) against the specs"
    )
    check.add_argument("recordings", nargs="+", type=Path, metavar="RECORDING")
    check.add_argument(
        "--spec",
        action="append",
        type=Path,
        default=[],
        metavar="SPEC",
        help="a candidate spec (repeatable; default: every spec under specs/)",
    )
    check.add_argument("--format", choices=("text", "json", "junit", "html"), default="text")
    check.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report here")
    check.add_argument(
        "--ignore-unmatched",
        action="store_true",
        default=None,
        help="skip exchanges no operation matches",
    )
    check.add_argument("--jobs", "-j", type=_positive, metavar="N", help="processes (default 1)")
    check.add_argument(
        "--responses-only",
        action="store_true",
        help="check responses and path and query parameters only, not request bodies, headers,"
        " cookies or security",
    )
    # One or the other: a run either records the known deviations or is judged against them.
    baseline = check.add_mutually_exclusive_group()
    baseline.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="known deviations (from --write-baseline) pass; new ones fail",
    )
    baseline.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record every deviation of this run to FILE (exit 0 once written)",
    )
    # Bounds on what one recorded exchange may cost (recordings are untrusted); see README.
    from generator.check.checker import Limits

    defaults = Limits()
    for flag, default, meaning in (
        ("--max-errors-per-exchange", defaults.max_errors, "problems listed per exchange"),
        ("--regex-limit", defaults.regex_limit, "backtracking steps per pattern and value"),
        ("--max-depth", defaults.max_depth, "nesting of a recorded body"),
        ("--max-record-bytes", defaults.max_record_bytes, "bytes of a line, file or HAR content"),
    ):
        check.add_argument(
            flag,
            type=_positive,
            default=default,
            metavar="N",
            help=f"{meaning} (default {default:,})",
        )
    _add_config_command(commands)
    return parser


def _add_config_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``specgen config``: the flags the configuration can set, to show what they would change."""
    shown = commands.add_parser(
        "config", help="print the effective [tool.specgen] settings and where each comes from"
    )
    shown.add_argument("targets", nargs="*", type=Path, metavar="SPEC|DIR")
    for flag in ("--out", "--templates", "--baseline"):
        shown.add_argument(flag, type=Path, metavar="PATH")
    for flag in ("--strict", "--ignore-unmatched"):
        shown.add_argument(flag, action="store_true", default=None)
    shown.add_argument("--jobs", "-j", type=_positive, metavar="N")


def _add_limit_flags(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("limits on what one spec may cost to read")
    for flag, name, default, text in SpecLimits.flags():
        group.add_argument(
            flag,
            dest=name,
            type=_positive,
            default=default,
            metavar="N",
            help=f"{text} ({default})",
        )


def _add_run_flags(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("cache and display")
    where = group.add_mutually_exclusive_group()
    where.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="keep results here (default: $SPECGEN_CACHE_DIR, else the user cache folder,"
        " ~/.cache/specgen on Linux)",
    )
    where.add_argument("--no-cache", action="store_true", help="neither read nor keep results")
    group.add_argument(
        "--quiet", "-q", action="store_true", help="no progress display on the terminal"
    )


def _cache_dir(args: argparse.Namespace) -> Path | None:
    from generator.generate.cache import default_folder

    if args.no_cache:
        return None
    return args.cache_dir or default_folder()


@contextlib.contextmanager
def _progress(args: argparse.Namespace) -> Iterator[api.Progress]:
    """What draws the run's stages: a display on a terminal, nothing when piped or ``--quiet``."""
    if args.quiet or not sys.stderr.isatty():
        yield api.no_progress
        return
    from generator.progress import StageDisplay

    with StageDisplay() as display:
        yield display


def _limits(args: argparse.Namespace) -> SpecLimits:
    return SpecLimits(**{name: getattr(args, name) for _, name, _, _ in SpecLimits.flags()})


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run_bundle(args: argparse.Namespace) -> int:
    result = api.bundle(args.targets or [api.DEFAULT_SPECS], args.out, args.format, _limits(args))
    if _print_news(result.reports):
        return EXIT_USAGE
    if result.blocked:
        print("specgen: specs have errors; nothing was bundled", file=sys.stderr)
        return EXIT_FINDINGS
    for path in result.written:
        print(f"wrote {display_path(path)}")
    return EXIT_OK


def _print_news(reports: list[api.SpecReport]) -> bool:
    """Print unreadable specs and unacknowledged findings; True when a spec could not be read."""
    for spec_report in reports:
        # Acknowledged findings are known and accepted: only news is printed here.
        if spec_report.load_error is not None:
            print(str(spec_report.load_error), file=sys.stderr)
        for finding in spec_report.findings:
            if finding.acknowledged is None:
                print(report.finding_line(finding), file=sys.stderr)
    return any(r.load_error is not None for r in reports)


def run_diff(args: argparse.Namespace) -> int:
    from generator.diff import render

    result = api.diff(args.old, args.new, _limits(args))
    write = {"text": render.as_text, "json": render.as_json, "markdown": render.as_markdown}
    print(write[args.format](result))
    # The exit-code policy is the command line's: the report only says which changes break.
    return EXIT_FINDINGS if args.fail_on == "breaking" and result.breaking else EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    from generator.check.checker import Limits
    from generator.check.reports import REPORTERS

    limits = Limits(
        args.max_errors_per_exchange,
        args.regex_limit,
        args.max_depth,
        args.max_record_bytes,
        args.responses_only,
    )
    opened: list[TextIO] = []

    def reporter() -> Reporter:
        stream = sys.stdout
        if args.output:
            stream = args.output.open("w", encoding="utf-8")
            opened.append(stream)
        return REPORTERS[args.format](stream)

    progress = _Progress() if sys.stderr.isatty() else None
    run = {
        "ignore_unmatched": args.ignore_unmatched,
        "jobs": args.jobs,
        "progress": progress,
        "limits": limits,
    }
    specs = args.spec or [api.DEFAULT_SPECS]
    recorder = None
    try:
        if args.write_baseline is not None:
            summary, recorder = api.write_baseline(
                args.recordings, args.write_baseline, _Deferred(reporter), specs, **run
            )
        else:
            summary = api.check(
                args.recordings, _Deferred(reporter), specs, **run, baseline=args.baseline
            )
    finally:
        if progress is not None:
            progress.done()
        for stream in opened:
            stream.close()
    if args.output or args.format != "text":
        print(summary.line(), file=sys.stderr)
    _warn_stale(args.baseline, summary)
    if recorder is not None:
        # Recording is a step of its own: the deviations it wrote down are not failures of it.
        print(
            f"specgen: wrote {shown(display_path(args.write_baseline))}:"
            f" {len(recorder.entries)} entries ({recorder.problems} problems"
            f" in {recorder.exchanges} exchanges)",
            file=sys.stderr,
        )
        if recorder.left_out:
            print(
                f"specgen: {recorder.left_out} problems not recorded: unreadable records and"
                " unlisted violations are never known",
                file=sys.stderr,
            )
        return EXIT_OK
    return EXIT_FINDINGS if summary.failed else EXIT_OK


#: Stale baseline entries named one by one on stderr; the rest are counted.
STALE_SHOWN = 20


def _warn_stale(baseline: Path | None, summary: Summary) -> None:
    """A warning on stderr for each baseline entry that matched nothing (the exit code stays)."""
    if baseline is None or not summary.stale:
        return
    where = shown(display_path(baseline))
    for entry in summary.stale[:STALE_SHOWN]:
        print(
            f"specgen: warning: {where}: stale entry matched nothing: {shown(str(entry))}",
            file=sys.stderr,
        )
    if len(summary.stale) > STALE_SHOWN:
        more = len(summary.stale) - STALE_SHOWN
        print(f"specgen: warning: {where}: and {more} more stale entries", file=sys.stderr)


class _Deferred:
    """A reporter made on its first use: until the specs are read and found usable, nothing is
    written (a JSON report's opening bracket, an ``--output`` file)."""

    def __init__(self, make: Callable[[], Reporter]) -> None:
        self.make = make
        self.made: Reporter | None = None

    def _reporter(self) -> Reporter:
        if self.made is None:
            self.made = self.make()
        return self.made

    def add(self, verdict: Verdict) -> None:
        self._reporter().add(verdict)

    def finish(self, summary: Summary) -> None:
        self._reporter().finish(summary)


class _Progress:
    """A one-line counter on the terminal for long runs."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, count: int) -> None:
        rate = count / max(time.perf_counter() - self.started, 1e-9)
        print(f"\r{count:,} exchanges checked ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def run_validate(args: argparse.Namespace) -> int:
    with _progress(args) as progress:
        reports = api.validate(
            args.targets or [api.DEFAULT_SPECS],
            _limits(args),
            cache=_cache_dir(args),
            progress=progress,
        )
    render = report.as_json if args.format == "json" else report.as_text
    print(render(reports, args.strict))
    if any(r.load_error is not None for r in reports):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(r.failed(args.strict) for r in reports) else EXIT_OK


def run_generate(args: argparse.Namespace) -> int:
    with _progress(args) as progress:
        result = api.generate(
            args.targets or [api.DEFAULT_SPECS],
            args.out,
            args.check,
            args.templates,
            _limits(args),
            cache=_cache_dir(args),
            progress=progress,
        )
    if _print_news(result.reports):
        return EXIT_USAGE
    if result.blocked or result.outcome is None:
        print("specgen: specs have errors; nothing was generated", file=sys.stderr)
        return EXIT_FINDINGS
    outcome = result.outcome
    out = display_path(args.out)
    if args.check:
        for path in outcome.drift:
            state = "would be removed" if path in outcome.removed else "is stale"
            print(f"{out}/{path}: {state}")
        if outcome.drift:
            print(f"{len(outcome.drift)} file(s) differ from the specs; run `specgen generate`")
            return EXIT_FINDINGS
        print(f"{out}: up to date ({len(outcome.unchanged)} files)")
        return EXIT_OK
    for path in outcome.written:
        print(f"wrote {out}/{path}")
    for path in outcome.removed:
        print(f"removed {out}/{path}")
    print(
        f"{out}: {len(outcome.written)} written, {len(outcome.removed)} removed,"
        f" {len(outcome.unchanged)} unchanged"
    )
    return EXIT_OK


def run_watch(args: argparse.Namespace) -> int:
    """``generate --watch``: generate, print, wait for a change, again, until Ctrl-C (exit 130)."""
    from generator import watch

    targets = args.targets or [api.DEFAULT_SPECS]

    def run(changed: list[Path]) -> None:
        if changed:
            print("changed: " + ", ".join(display_path(path) for path in changed))
        try:
            run_generate(args)
        except Exception as exc:  # a bad edit is reported like a run of its own, then watched
            _print_error(exc)
        print("watching for changes (Ctrl-C stops)")
        sys.stdout.flush()
        sys.stderr.flush()

    try:
        watch.watch(lambda: watch.plan(targets, args.out, args.templates, _limits(args)), run)
    except KeyboardInterrupt:
        # On a terminal the ^C the terminal echoed ends the line: the message starts a new one.
        print("\n" * sys.stderr.isatty() + "specgen: stopped watching", file=sys.stderr)
    return 130


def _print_error(exc: Exception) -> int:
    """Print why a command stopped, in one line or its located findings; the exit code."""
    if isinstance(exc, api.UnusableSpecError):
        # Located as validate locates them, then what was refused: never a wrong answer.
        for finding in exc.findings:
            print(report.finding_line(finding), file=sys.stderr)
        print(f"specgen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, SpecgenError):
        print(f"specgen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, RecursionError):
        print("specgen: input nested too deeply to process", file=sys.stderr)
        return EXIT_USAGE
    # A bug of specgen's: still one line, never a traceback.
    print(
        f"specgen: internal error: {type(exc).__name__}: {shown(str(exc))} (please report)",
        file=sys.stderr,
    )
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``specgen`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command in config.COMMANDS:
            settings = config.apply(args, project := config.find(Path.cwd()))
            if args.command == "config":
                print("\n".join(config.describe(settings, project)))
                return EXIT_OK
        commands = {
            "generate": run_watch if getattr(args, "watch", False) else run_generate,
            "check": run_check,
            "validate": run_validate,
            "bundle": run_bundle,
            "diff": run_diff,
        }
        return commands[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`specgen validate | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception as exc:
        return _print_error(exc)
