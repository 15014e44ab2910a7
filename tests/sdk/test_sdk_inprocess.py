"""The official ``runware-sdk`` REST transport runs in-process against ``runware_mock``.

Its transport is aiohttp; ``runware_mock`` routes aiohttp through ``aioresponses`` into the
fake's ASGI app. Every way of opening a socket (connect, connect_ex, DNS look-ups) raises during
these tests, so a pass shows no socket was opened. The SDK runs unmodified, with its real poll
schedule (its first poll comes after 1 s).
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import socket
from typing import Any

import pytest

from .unavailable import setup_unavailable

pytestmark = [pytest.mark.sdk, pytest.mark.runware(live=False)]

try:
    SDK_VERSION = importlib.metadata.version("runware-sdk")
except importlib.metadata.PackageNotFoundError:
    SDK_VERSION = None

if SDK_VERSION is None:
    setup_unavailable(
        "runware-sdk is not installed in this environment (pip install -e '.[test]' installs it)",
        module=True,
    )

from runware import Runware  # noqa: E402  (runware-sdk, checked above)

ALEPH = "runway:2@1"
ALEPH2 = "runway:aleph@2.0"


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every way out to the network raise; the list records what was tried."""
    tried: list[str] = []

    def refuse(name: str):
        def refused(*args: Any, **kwargs: Any) -> Any:
            tried.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise AssertionError(f"{name} was called: a socket was about to be opened")

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    return tried


def task(model: str, **fields: Any) -> dict[str, Any]:
    return {
        "taskType": "videoInference",
        "model": model,
        "positivePrompt": "the same street at night, neon rain",
        "deliveryMethod": "async",
        "inputs": {"video": "https://cdn.example.com/in.mp4"},
        **fields,
    }


async def run_sdk(fake: Any, *tasks: dict[str, Any]) -> list[Any]:
    """Run each task through the SDK's REST transport; results, or the exception raised."""
    client = Runware(api_key=fake.api_key, transport="rest", validate=False, max_retries=0)
    await client.connect()
    outcomes: list[Any] = []
    try:
        for one in tasks:
            try:
                outcomes.append(await client.run(one))
            except Exception as exc:
                outcomes.append(exc)
    finally:
        await client.close()
    return outcomes


def test_rest_transport_runs_in_process_without_a_socket(runware_mock, no_sockets):
    [results] = asyncio.run(run_sdk(runware_mock, task(ALEPH, numberResults=2)))
    assert no_sockets == []
    assert len({item["videoUUID"] for item in results}) == 2
    assert all(item["videoURL"].startswith("https://api.runware.ai/media/") for item in results)
    runware_mock.assert_task_submitted(model=ALEPH, numberResults=2)
    runware_mock.assert_all_tasks_valid()


def test_injected_and_validation_errors_surface_in_process(runware_mock, no_sockets):
    runware_mock.fail_next("insufficientCredits")
    injected, invalid = asyncio.run(
        run_sdk(runware_mock, task(ALEPH2), task(ALEPH, outputFormat="AVI"))
    )
    assert no_sockets == []
    assert (type(injected).__name__, injected.status_code, injected.code) == (
        "RunwareError",
        402,
        "quota",
    )
    assert (invalid.status_code, invalid.code, invalid.parameter) == (
        400,
        "validation",
        "outputFormat",
    )


FLUX = "bfl:flux@3-image"


def sync_image_task(**fields: Any) -> dict[str, Any]:
    return {
        "taskType": "imageInference",
        "model": FLUX,
        "positivePrompt": "a lighthouse at dusk",
        "deliveryMethod": "sync",
        **fields,
    }


@pytest.mark.runware(progression="polls:5", live=False)
def test_sync_delivery_returns_results_in_one_round_trip(runware_mock, no_sockets):
    prompt = "a kite [[testkit:error=insufficientCredits@processing]]"
    results, failed = asyncio.run(
        run_sdk(
            runware_mock, sync_image_task(numberResults=2), sync_image_task(positivePrompt=prompt)
        )
    )
    assert no_sockets == []
    assert len({item["imageUUID"] for item in results}) == 2
    assert all(item["imageURL"].startswith("https://api.runware.ai/media/") for item in results)
    assert (type(failed).__name__, failed.status_code, failed.code) == (
        "RunwareError",
        402,
        "quota",
    )
    runware_mock.assert_task_submitted(model=FLUX, deliveryMethod="sync", numberResults=2)
    assert [t["taskType"] for t in runware_mock.requests()] == ["imageInference"] * 2
