"""The ``specgen`` command line: parse arguments, call :mod:`generator.api`, map outcomes to exit codes.

Exit codes: 0 all good, 1 findings (an invalid spec), 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__, api, report
from generator.errors import SpecgenError, display_path

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
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")

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
        default=api.DEFAULT_OUTPUT,
        metavar="DIR",
        help="output folder (default: generated/)",
    )
    generate.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the output folder is stale"
    )
    generate.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="a folder whose python/ templates override specgen's",
    )
    return parser


def run_validate(args: argparse.Namespace) -> int:
    reports = api.validate(args.targets or [api.DEFAULT_SPECS])
    render = report.as_json if args.format == "json" else report.as_text
    print(render(reports, args.strict))
    if any(r.load_error is not None for r in reports):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(r.failed(args.strict) for r in reports) else EXIT_OK


def run_generate(args: argparse.Namespace) -> int:
    result = api.generate(args.targets or [api.DEFAULT_SPECS], args.out, args.check, args.templates)
    for spec_report in result.reports:
        # Acknowledged findings are known and accepted: only news is printed here.
        if spec_report.load_error is not None:
            print(str(spec_report.load_error), file=sys.stderr)
        for finding in spec_report.findings:
            if finding.acknowledged is None:
                print(report.finding_line(finding), file=sys.stderr)
    if any(r.load_error is not None for r in result.reports):
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``specgen`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return run_generate(args) if args.command == "generate" else run_validate(args)
    except SpecgenError as exc:
        print(f"specgen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`specgen validate | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except RecursionError:
        print("specgen: input nested too deeply to process", file=sys.stderr)
        return EXIT_USAGE
