"""Suite-wide options: ``--soak`` turns on the long reliability runs marked ``soak``."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--soak``."""
    parser.addoption(
        "--soak",
        action="store_true",
        default=False,
        help="run the long reliability tests marked 'soak' (minutes, not seconds)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``soak`` unless ``--soak`` was given."""
    if config.getoption("--soak"):
        return
    skip = pytest.mark.skip(reason="soak run: pass --soak (make soak) to run it")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)
