"""Fixtures running the fake server in both modes (in-process and live uvicorn)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from .harness import MODES, Harness, make_state


@pytest.fixture(params=MODES)
async def make_server(request: pytest.FixtureRequest) -> AsyncIterator[Callable[..., Harness]]:
    """A factory: ``make_server(**config)`` starts a server in this test's mode."""
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
