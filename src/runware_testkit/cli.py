"""The ``runware-testkit`` command line: one subcommand per module in :mod:`.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Subcommand name -> module under runware_testkit.commands. Each module defines
# ``add_parser(subparsers)`` and ``run(args) -> int``; heavy imports stay inside ``run``.
COMMANDS = {
    "generate": "generate",
    "lint": "lint",
    "models": "models",
    "schema": "schema",
    "serve": "serve",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="runware-testkit",
        description="Offline fake server, contract and request linter for Runware's Aleph models.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        try:
            command = importlib.import_module(f"runware_testkit.commands.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"runware_testkit.commands.{module}":
                raise
            continue
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
