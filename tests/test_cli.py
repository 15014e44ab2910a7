"""The ``runware-testkit`` command line as a whole: version, ``python -m``, help everywhere."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from runware_testkit import __version__
from runware_testkit.cli import COMMANDS, build_parser, main


def _parsers(
    parser: argparse.ArgumentParser, path: str = "runware-testkit"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every parser in the tree, each with its command path."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, f"{path} {name}")


def test_every_option_of_every_command_has_help() -> None:
    missing = [
        f"{path}: {'/'.join(action.option_strings) or action.dest}"
        for path, parser in _parsers(build_parser())
        for action in parser._actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == []


def test_every_command_has_a_summary_and_a_description() -> None:
    parsers = dict(_parsers(build_parser()))
    subcommands = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    summaries = {choice.dest: choice.help for choice in subcommands._choices_actions}
    assert sorted(summaries) == sorted(COMMANDS)
    assert all(summaries.values())
    for name in COMMANDS:
        assert parsers[f"runware-testkit {name}"].description


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"runware-testkit {__version__}\n"


def test_python_dash_m_runs_the_same_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runware_testkit", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, f"runware-testkit {__version__}\n")
    models = subprocess.run(
        [sys.executable, "-m", "runware_testkit", "models", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert models.returncode == 0, models.stderr
    assert '"air": "runway:2@1"' in models.stdout


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    assert out.startswith("usage: runware-testkit")
    for name in COMMANDS:
        assert name in out


def test_installed_metadata_carries_the_package_version() -> None:
    from importlib.metadata import metadata, version

    assert version("runware-testkit") == __version__
    meta = metadata("runware-testkit")
    assert meta["License-Expression"] == "MIT"
    runtime = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    names = {re.match(r"[A-Za-z0-9_.-]+", requirement).group(0) for requirement in runtime}
    assert {"pytest", "hypothesis", "respx"} <= names
    assert all(url.split(", ", 1)[1].startswith("https://") for url in meta.get_all("Project-URL"))
