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
from generator.errors import SpecgenError

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
    return parser


def run_validate(args: argparse.Namespace) -> int:
    reports = api.validate(args.targets or [api.DEFAULT_SPECS])
    render = report.as_json if args.format == "json" else report.as_text
    print(render(reports, args.strict))
    if any(r.load_error is not None for r in reports):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(r.failed(args.strict) for r in reports) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``specgen`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return run_validate(args)
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
