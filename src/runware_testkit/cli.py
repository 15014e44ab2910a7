"""The ``runware-testkit`` command line: one subcommand per module in :mod:`.commands`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ._version import __version__

# Subcommand name -> module under runware_testkit.commands. Each module defines
# ``add_parser(subparsers)`` and ``run(args) -> int``; heavy imports stay inside ``run``.
COMMANDS = {
    "generate": "generate",
    "lint": "lint",
    "models": "models",
    "proxy": "proxy",
    "schema": "schema",
    "serve": "serve",
    "verify": "verify",
}

# Subcommands that read the model registry: each takes ``--contract DIR`` (repeatable).
USES_CONTRACTS = ("lint", "models", "proxy", "schema", "serve", "verify")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="runware-testkit",
        description="Offline fake server, contract validator and request linter for Runware's "
        "API: the Runway Aleph models and any model whose page or OpenAPI document it is given.",
        epilog="`runware-testkit COMMAND --help` describes each command; "
        "`python -m runware_testkit` runs the same command line.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"runware-testkit {__version__}",
        help="print the version and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", help="the command to run")
    for module in COMMANDS.values():
        try:
            command = importlib.import_module(f"runware_testkit.commands.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"runware_testkit.commands.{module}":
                raise
            continue
        command.add_parser(sub)
    for name in USES_CONTRACTS:
        if name in sub.choices:
            _add_contract_option(sub.choices[name])
    return parser


def _add_contract_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--contract",
        action="append",
        default=[],
        metavar="DIR",
        help="a contract directory made by `runware-testkit generate ... --out DIR`; its models "
        "are added to the shipped ones and override a shipped model of the same AIR "
        "(repeatable; also read from RUNWARE_TESTKIT_CONTRACTS, directories joined with "
        f"{os.pathsep!r})",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "contract", None):
            from .contract import use_contracts

            use_contracts(args.contract)
        return int(args.run(args) or 0)
    except ValueError as exc:
        from .contract import ContractError

        if not isinstance(exc, ContractError):
            raise
        print(f"runware-testkit {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`runware-testkit schema X | head`): not an error of ours.
        _quiet_stdout()
        return 0


def _quiet_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
