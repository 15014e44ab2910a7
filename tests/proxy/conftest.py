"""A fake Runware server plays the upstream; proxies under test forward to it. No network."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runware_testkit.proxy import ProxyServer
from runware_testkit.testing import RunwareServer
from runware_testkit.testing.options import FakeOptions

SOURCE = "https://cdn.example.com/source.mp4"
ALEPH = "runway:2@1"
ALEPH_PRICE = 0.7563


@pytest.fixture(scope="module")
def _upstream_fake() -> Iterator[RunwareServer]:
    fake = RunwareServer(FakeOptions(progression="polls:1"))
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def upstream(_upstream_fake: RunwareServer) -> RunwareServer:
    """The upstream fake, reset for this test (tasks become ready on their second poll)."""
    _upstream_fake.reset(FakeOptions(progression="polls:1"))
    return _upstream_fake


@pytest.fixture
def start_proxy(upstream: RunwareServer, tmp_path: Path) -> Iterator[Callable[..., ProxyServer]]:
    """Start a proxy in front of ``upstream`` (keyword arguments go to `ProxyServer`)."""
    started: list[ProxyServer] = []

    def start(**settings: Any) -> ProxyServer:
        settings.setdefault("upstream_rest", upstream.base_url)
        settings.setdefault("upstream_ws", upstream.ws_url)
        proxy = ProxyServer(**settings).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


def edit_task(**fields: Any) -> dict[str, Any]:
    """A valid runway:2@1 task (fields override or add)."""
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": ALEPH,
        "positivePrompt": "a paper boat",
        "inputs": {"video": SOURCE},
        **fields,
    }


def post(url: str, *tasks: Any, key: str | None = None, **kwargs: Any) -> httpx.Response:
    """POST the tasks as one REST request (with a bearer key when given)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(url, json=list(tasks), headers=headers, trust_env=False, **kwargs)


def upstream_tasks(fake: RunwareServer) -> list[dict[str, Any]]:
    """Every task object the upstream received, authentication and polls included."""
    return fake.requests()
