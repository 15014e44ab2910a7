"""Fixtures running the fake server in both modes (in-process and live uvicorn)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from runware_testkit.contract import Contract

from .contracts import extended_contract
from .harness import MODES, Harness, make_state


@pytest.fixture(scope="session")
def contract(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    """The shipped contract plus the test models of `contracts` (an image generator and an
    image/video upscaler), built once per session."""
    return extended_contract(tmp_path_factory.mktemp("contract") / "schemas")


@pytest.fixture(params=MODES)
async def make_server(request: pytest.FixtureRequest) -> AsyncIterator[Callable[..., Harness]]:
    """A factory: ``make_server(**config)`` starts a server in this test's mode (``contract=``
    replaces the shipped contract)."""
    started: list[Harness] = []

    def factory(**config: Any) -> Harness:
        harness = Harness(request.param, make_state(**config))
        started.append(harness)
        return harness

    yield factory
    for harness in started:
        await harness.aclose()


@pytest.fixture
def server(make_server: Callable[..., Harness]) -> Harness:
    """A server with the default configuration (immediate progression, manual clock)."""
    return make_server()


@pytest.fixture
def extended(make_server: Callable[..., Harness], contract: Contract) -> Harness:
    """A server with the default configuration on the extended test contract."""
    return make_server(contract=contract)
