"""``runware-testkit lint``: check stored request files against the contract, by line and column."""

from __future__ import annotations

import argparse
import sys

# The formats of runware_testkit.lint.report and the --unknown choices of lint.runner, repeated
# so that --help imports nothing.
FORMATS = ("text", "json", "sarif", "github")
UNKNOWN_CHOICES = ("notice", "error")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``lint`` subcommand."""
    parser = sub.add_parser(
        "lint",
        help="check request files (tasks, arrays of tasks, JSON Lines) against the contract",
        description="Validate the tasks stored in PATHs and report every problem as "
        "file:line:col with the Runware error code the API would answer. A PATH is a file, a "
        "directory (every *.json and *.jsonl below it, hidden directories skipped), a glob "
        "(** matches any depth) or - for standard input. A file holds one task, an array of "
        "tasks, or JSON Lines. An enum value in another letter case ('mp4' for 'MP4') is "
        "accepted with a warning. A task for a model the kit has no contract for is not "
        "checked and is reported as a notice (on standard error in the text format). Exit "
        "status: 0 no problems (warnings and notices alone), 1 problems found (or warnings with "
        "--strict, or unchecked tasks with --unknown error), 2 an input could not be read or "
        "holds no task, or bad usage.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="file, directory, glob or -")
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--model",
        metavar="AIR",
        help="model (AIR or slug) to check a task against when it has no 'model'",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 on warnings too (default: only on problems)"
    )
    parser.add_argument(
        "--unknown",
        choices=UNKNOWN_CHOICES,
        default="notice",
        help="how to report a task whose model the kit has no contract for: a notice that "
        "does not fail the run (default), or an error (exit 1)",
    )
    parser.add_argument(
        "--no-summary", action="store_true", help="omit the summary line (text and github formats)"
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print no report; the exit status gives the result (unreadable "
        "inputs are still named on standard error)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Lint the paths and print the report; returns the exit status."""
    from ..contract import load_contract
    from ..lint.report import format_notices, render
    from ..lint.runner import lint_paths

    model = args.model
    if model is not None:
        models = load_contract().models.values()
        found = next((m for m in models if model.lower() in (m.air.lower(), m.slug)), None)
        if found is None:
            known = ", ".join(m.air for m in models)
            print(
                f"runware-testkit lint: unknown --model {model!r}; known models: {known}",
                file=sys.stderr,
            )
            return 2
        model = found.air
    result = lint_paths(args.paths, model=model, unknown=args.unknown)
    for failure in result.failures:
        print(f"{failure}", file=sys.stderr)
    if not args.quiet:
        if args.format == "text":
            sys.stderr.write(format_notices(result))
        sys.stdout.write(render(result, args.format, show_summary=not args.no_summary))
    return result.exit_status(strict=args.strict)
