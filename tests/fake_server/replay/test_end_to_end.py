"""Record once, replay forever: a session through the recording proxy to an upstream fake is
recorded, then replayed with the upstream stopped, and the same client code passes on both.

The clients are a raw httpx one and the official ``runware-sdk`` (REST transport, unmodified,
with its own poll schedule). Replay is strict, so a request the recording does not hold would
fail the second run instead of being answered by the contract-driven fake.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from runware_testkit.cassettes import read_cassette
from runware_testkit.proxy import ProxyServer
from runware_testkit.testing import server
from runware_testkit.testing.options import FakeOptions
from runware_testkit.testing.server_fixture import RunwareServer

ALEPH = "runway:2@1"
PROMPT = "the same street at night, neon rain"


def edit_task() -> dict[str, Any]:
    return {
        "taskType": "videoInference",
        "taskUUID": str(uuid.uuid4()),
        "model": ALEPH,
        "positivePrompt": PROMPT,
        "inputs": {"video": "https://cdn.example.com/in.mp4"},
    }


def raw_client_edits(base_url: str, api_key: str) -> None:
    """Submit an edit, poll until done without sleeping, download the result."""
    headers = {"Authorization": f"Bearer {api_key}"}
    task = edit_task()
    with httpx.Client(trust_env=False, timeout=30) as http:
        ack = http.post(base_url, json=[task], headers=headers)
        assert ack.status_code == 200, ack.text
        assert ack.json()["data"][0]["taskUUID"] == task["taskUUID"]
        seen = []
        for _ in range(10):
            poll = {"taskType": "getResponse", "taskUUID": task["taskUUID"]}
            item = http.post(base_url, json=[poll], headers=headers).json()["data"][0]
            assert item["taskUUID"] == task["taskUUID"]
            seen.append(item["status"])
            if item["status"] != "processing":
                break
        assert seen == ["processing", "processing", "success"]
        video = http.get(item["videoURL"])
        assert video.status_code == 200
        assert video.headers["content-type"] == "video/mp4"


def raw_websocket_client_edits(base_url: str, api_key: str) -> None:
    """Over WebSocket: authenticate, submit an edit, poll until done, download the result."""
    from websockets.sync.client import connect

    ws_url = base_url.replace("http://", "ws://", 1)
    task = edit_task()
    with connect(ws_url, open_timeout=10, close_timeout=2) as socket:
        socket.send(json.dumps([{"taskType": "authentication", "apiKey": api_key}]))
        assert "connectionSessionUUID" in socket.recv(timeout=10)
        socket.send(json.dumps([task]))
        ack = json.loads(socket.recv(timeout=10))["data"][0]
        assert ack["taskUUID"] == task["taskUUID"]
        seen = []
        for _ in range(10):
            socket.send(json.dumps([{"taskType": "getResponse", "taskUUID": task["taskUUID"]}]))
            item = json.loads(socket.recv(timeout=10))["data"][0]
            assert item["taskUUID"] == task["taskUUID"]
            seen.append(item["status"])
            if item["status"] != "processing":
                break
    assert seen == ["processing", "processing", "success"]
    video = httpx.get(item["videoURL"], trust_env=False, timeout=30)
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"


def sdk_client_edits(base_url: str, api_key: str, transport: str = "rest") -> None:
    """The official SDK runs an edit to its end over `transport` (``rest`` or ``websocket``)."""
    try:
        importlib.metadata.version("runware-sdk")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("runware-sdk is not installed in this environment")
    from runware import Runware

    async def run() -> Any:
        client = Runware(
            api_key=api_key,
            transport=transport,
            http_base_url=base_url,
            ws_base_url=base_url.replace("http://", "ws://", 1),
            validate=False,
            max_retries=0,
        )
        await client.connect()
        try:
            return await client.run(
                {
                    "taskType": "videoInference",
                    "model": ALEPH,
                    "positivePrompt": PROMPT,
                    "deliveryMethod": "async",
                    "numberResults": 2,
                    "inputs": {"video": "https://cdn.example.com/in.mp4"},
                }
            )
        finally:
            await client.close()

    results = asyncio.run(run())
    assert len(results) == 2
    assert len({item["videoUUID"] for item in results}) == 2
    assert all(item["videoURL"].startswith(base_url.rsplit("/v1", 1)[0]) for item in results)


def sdk_websocket_client_edits(base_url: str, api_key: str) -> None:
    sdk_client_edits(base_url, api_key, transport="websocket")


CLIENTS = [raw_client_edits, sdk_client_edits]
WEBSOCKET_CLIENTS = [raw_websocket_client_edits, sdk_websocket_client_edits]


@pytest.mark.sdk
def test_a_recorded_session_replays_with_the_upstream_stopped(tmp_path: Path) -> None:
    cassette = tmp_path / "session.jsonl"
    upstream = RunwareServer(FakeOptions(progression="polls:2")).start()
    try:
        with ProxyServer(
            upstream_rest=upstream.base_url, upstream_ws=upstream.ws_url, cassette=cassette
        ) as proxy:
            for client in CLIENTS:
                client(proxy.rest_url, upstream.api_key)
        api_key = upstream.api_key
    finally:
        upstream.stop()
    recorded = read_cassette(cassette)
    assert {i.task for i in recorded.interactions if i.task} == {"t1", "t2"}
    with server(cassette=str(cassette), replay="strict") as fake:
        for client in CLIENTS:
            client(fake.base_url, api_key)
        replayed = fake.journal("replay")
    assert {entry["line"] for entry in replayed} >= {2}


@pytest.mark.sdk
def test_a_recorded_websocket_session_replays_with_the_upstream_stopped(tmp_path: Path) -> None:
    """The same over WebSocket: a raw client and the SDK's WebSocket transport, recorded through
    the proxy, then replayed strictly by a fake with the upstream gone."""
    cassette = tmp_path / "session-ws.jsonl"
    upstream = RunwareServer(FakeOptions(progression="polls:2")).start()
    try:
        with ProxyServer(
            upstream_rest=upstream.base_url, upstream_ws=upstream.ws_url, cassette=cassette
        ) as proxy:
            for client in WEBSOCKET_CLIENTS:
                client(proxy.rest_url, upstream.api_key)
        api_key = upstream.api_key
    finally:
        upstream.stop()
    recorded = read_cassette(cassette)
    assert {i.transport for i in recorded.interactions if i.task} >= {"websocket"}
    assert {i.task for i in recorded.interactions if i.task} == {"t1", "t2"}
    with server(cassette=str(cassette), replay="strict") as fake:
        for client in WEBSOCKET_CLIENTS:
            client(fake.base_url, api_key)
        replayed = fake.journal("replay")
    assert replayed, "nothing was answered from the cassette"
