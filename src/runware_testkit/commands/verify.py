"""``runware-testkit verify``: report where the fake drifts from recorded cassettes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("text", "json", "sarif")
"""The formats of runware_testkit.verify.report, repeated so that --help imports nothing."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``verify`` subcommand."""
    parser = sub.add_parser(
        "verify",
        help="send recorded cassettes' requests to the fake and report where its answers drift",
        description="Send each recorded request of each CASSETTE (docs/cassettes.md) to a fresh "
        "contract-driven fake in this process, in recorded order and at the recorded times on "
        "the fake's clock (polls included), and compare its answers with the recorded ones "
        "field by field: presence, JSON type, format (uuid, uri, date-time), error codes, "
        "envelope (data/errors, item count, HTTP status) and each task's sequence of statuses. "
        "Values that differ from run to run are compared by presence and type only. Exit "
        "status: 0 no drift, 1 drift found, 2 a cassette could not be read, or bad usage.",
    )
    parser.add_argument("cassettes", nargs="+", metavar="CASSETTE", help="a cassette file")
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the report to FILE instead of standard output",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Verify the cassettes and print (or write) the report; returns the exit status."""
    from ..cassettes import CassetteError
    from ..verify.report import VerifyRun, render
    from ..verify.runner import verify_cassette

    verified = VerifyRun()
    for path in args.cassettes:
        try:
            verified.results.append(verify_cassette(path))
        except CassetteError as exc:
            verified.unreadable.append(str(exc))
            print(f"runware-testkit verify: {exc}", file=sys.stderr)
    text = render(verified, args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"runware-testkit verify: cannot write {args.output}: {exc}", file=sys.stderr)
            return 2
    return verified.exit_status()
